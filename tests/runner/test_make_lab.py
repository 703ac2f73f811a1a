"""`make lab`: options pass through, and it starts where it will be used (as root in a
container, too) with the project's kernel."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.request

import pytest

from models.runner.kernel import KERNEL_ENV
from tests.conftest import ROOT


def _dry_run(*args: str) -> str:
    out = subprocess.run(
        ["make", "-n", "lab", *args], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return out.stdout.replace("\\\n", " ")


def test_lab_options_pass_through():
    line = _dry_run("PORT=9123", "IP=0.0.0.0", "NO_BROWSER=1", "TOKEN=s3cret", "LAB_ARGS=--debug")
    command = next(x for x in line.splitlines() if "jupyter lab" in x)
    for flag in (
        "--notebook-dir=notebooks",
        "--port=9123",
        "--ip=0.0.0.0",
        "--no-browser",
        "--IdentityProvider.token=s3cret",
        "--debug",
    ):
        assert flag in command
    assert ("--allow-root" in command) == (os.getuid() == 0)
    # the kernels' allocation pools capped and numpy's BLAS on one thread, as a report's
    # kernel (models.runner.kernel.KERNEL_ENV), unless the caller's environment says
    # otherwise
    assert command.startswith("MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2} ")
    for name, value in KERNEL_ENV.items():
        assert f"{name}=${{{name}:-{value}}} " in command.split("jupyter lab")[0]
    plain = next(x for x in _dry_run().splitlines() if "jupyter lab" in x)
    assert "--port=8888" in plain and "--no-browser" not in plain and "token" not in plain


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_make_lab_serves_the_project_kernel():
    port, token = _free_port(), "market-entry-test"
    proc = subprocess.Popen(
        ["make", "lab", f"PORT={port}", "NO_BROWSER=1", f"TOKEN={token}"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        url = f"http://127.0.0.1:{port}/api/kernelspecs?token={token}"
        deadline = time.monotonic() + 90
        specs = None
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(url, timeout=5) as r:
                    specs = json.load(r)
                break
            except OSError:
                time.sleep(1)
        assert specs is not None, proc.stderr.read().decode() if proc.poll() is not None else ""
        assert "market-entry" in specs["kernelspecs"]
        # the token is required
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/kernelspecs", timeout=5)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
