"""The environment a report's kernel starts with (:data:`models.runner.kernel.KERNEL_ENV`):
glibc's allocation pools capped and numpy's BLAS on one thread, unless the user's
environment says otherwise."""

from __future__ import annotations

import nbformat
import pytest
from nbclient import NotebookClient

from models.runner.kernel import KERNEL, KERNEL_ENV, kernel_manager_class

pytestmark = pytest.mark.slow

CELL = (
    "import os; print(*(os.environ.get(k) for k in "
    "('MALLOC_ARENA_MAX', 'OPENBLAS_NUM_THREADS', 'OMP_NUM_THREADS', 'ME_PROBE')))"
)


def _kernel_sees(tmp_path) -> str:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(CELL)])
    manager = kernel_manager_class(tmp_path / "run.log")
    NotebookClient(nb, kernel_name=KERNEL, kernel_manager_class=manager, timeout=60).execute()
    return nb.cells[0].outputs[0]["text"].strip()


def test_the_kernel_starts_with_two_allocation_pools_one_blas_thread_and_the_callers_environment(
    tmp_path, monkeypatch
):
    assert KERNEL_ENV["MALLOC_ARENA_MAX"] == "2" and KERNEL_ENV["OPENBLAS_NUM_THREADS"] == "1"
    for name in KERNEL_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ME_PROBE", "kept")
    assert _kernel_sees(tmp_path) == "2 1 1 kept"


def test_what_the_user_set_is_left_alone(tmp_path, monkeypatch):
    monkeypatch.setenv("MALLOC_ARENA_MAX", "8")
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "2")
    assert _kernel_sees(tmp_path).split()[:2] == ["8", "2"]
