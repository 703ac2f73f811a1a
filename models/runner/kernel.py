"""The Jupyter kernel every report runs on: its name, a check that it is installed, and
the kernel manager nbclient starts (IPC sockets in the Jupyter runtime folder).

Used by :mod:`models.runner.run` (scenario reports) and :mod:`models.runner.aux_report`
(the comparison of a batch and the report of a sweep).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from models.exceptions import SetupError

#: The project's kernel, registered in .venv by ``make install``.
KERNEL = "market-entry"

#: The environment a report's kernel starts with, unless this process's sets it: glibc
#: keeps what a thread's allocations free in that thread's own pool (arena), and every
#: phase of a report (the Monte Carlo's chunks, the review rules' training, Sobol, the
#: model checks) runs on new threads, so the kernel held gigabytes it no longer used: a
#: report of 5,000 paths peaked at 5.98 GB resident, 2.8 GB of it freed but held, and
#: at 3.01 GB with two pools, in about the same time (issue 25, measured). And numpy's
#: BLAS on one thread, as in a sweep's workers: the review rules' regressions
#: (:func:`models.economics.lsm.fit`, some 900 least-squares fits of a few thousand rows
#: each per fit) took 1.45 s on OpenBLAS's two threads against 0.92 s on one at the
#: model checks' 4,096 training paths (the same bits); a report of 5,000 paths took
#: 123.5 s and 3 min 16 s of CPU, against 116.1 s and 2 min 25 s, every output the same
#: (issue 25, measured).
KERNEL_ENV = {
    "MALLOC_ARENA_MAX": "2",
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
}


def check_kernel(name: str = KERNEL) -> None:
    """Fail early, before writing anything, if the project's kernel is not installed."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        KernelSpecManager().get_kernel_spec(name)
    except NoSuchKernel:
        raise SetupError(
            f"Jupyter kernel {name!r} is not installed; run `make install` (it registers the "
            "project's kernel in .venv)"
        ) from None


def _ipc_prefix() -> str:
    """A path prefix for one kernel's sockets, unique, in Jupyter's runtime folder
    (created private to this user)."""
    import uuid

    from jupyter_core.paths import jupyter_runtime_dir

    folder = Path(jupyter_runtime_dir())
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return str(folder / f"market-entry-{uuid.uuid4().hex[:16]}")


def kernel_manager_class(output: Path | None = None) -> type:
    """The kernel manager nbclient starts, owns and shuts down: one that talks to the
    kernel over IPC (Unix sockets in the Jupyter runtime folder, this user's only)
    rather than TCP on localhost, so nothing is exposed to other users of the machine
    and the kernel no longer warns that its traffic is unencrypted. On Windows, where
    there is no IPC transport, the default (TCP). Imported on first use: the CLI's
    start-up does not pay for jupyter_client.

    The kernel starts with :data:`KERNEL_ENV` where this process's environment does not
    set those variables.

    ``output``: a file (the run's ``run.log``) that receives, appended, what the kernel
    process itself writes to its stdout and stderr (not the cells' output, which travels
    as messages): the tracebacks of a kernel stopped by a timeout, SIGTERM or Ctrl-C
    belong in the log, not on the terminal, where the run says in one line how it ended
    and stdout carries only the reports' paths. None: the kernel shares this process's.
    """
    from jupyter_client.manager import AsyncKernelManager

    if os.name == "nt":
        return AsyncKernelManager

    # nbclient's own default is the asynchronous manager (and client): a blocking one
    # would block the event loop in every wait, so that neither a cell timeout nor an
    # interruption could act before the cell ended (measured: 20 s for a 3 s limit)
    class IPCKernelManager(AsyncKernelManager):
        def __init__(self, **kwargs: Any) -> None:
            kwargs.setdefault("transport", "ipc")
            # the sockets' path prefix: without one, jupyter_client puts them in the
            # current folder as kernel-ipc-1, -2, ..., the same names for every kernel,
            # so that two runs at once talk to each other's kernels (measured: "Invalid
            # Signature" and "Kernel didn't respond" in a batch of three)
            kwargs.setdefault("ip", _ipc_prefix())
            super().__init__(**kwargs)

        async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
            kw["env"] = {**KERNEL_ENV, **(kw.get("env") or os.environ)}
            if output is None:
                return await super()._async_launch_kernel(kernel_cmd, **kw)
            with open(output, "ab") as sink:  # the kernel keeps its own descriptor
                kw.setdefault("stdout", sink)
                kw.setdefault("stderr", sink)
                return await super()._async_launch_kernel(kernel_cmd, **kw)

    return IPCKernelManager
