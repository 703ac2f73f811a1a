"""How much memory a run needs: the one owner of the estimates.

Two kinds of run need two figures, each a fixed part and a part per path, rounded up
from the peak resident set of a fresh process (``/usr/bin/time -v``; Linux, Python 3.11,
the base scenario, the 2-core machine of the README; issue 19 unless said otherwise):

**The main report** (``market-entry run``; :func:`models.runner.resources.check_memory`
refuses a run that would not fit in the memory available). Its kernel fits the review
rules, runs the Monte Carlo paths (:func:`models.uncertainty.montecarlo.run`), the
analysis (tornado; Sobol, whose N (k + 2) input sets run in one call; deal zone; value
of information; the model checks) and the what-if panel's design, and writes every
future's outcomes. Measured again in issue 25 through ``market-entry run`` (the kernel's
peak resident set, ``VmHWM``, polled every 0.5 s, which ``/usr/bin/time`` confirmed;
15-year default horizon, the kernel's ``MALLOC_ARENA_MAX=2``): 1.62 and 1.79 GB at
5,000 paths (two runs, 148-157 s), 1.86 GB at 100,000 (180 s) and 6.75 GB at 1,000,000
(994 s), most of it the rows of ``outcomes.parquet`` built whole, each path's inputs
repeated on its five rows, and their Arrow copy (about 5.5 kB a path;
:mod:`models.analysis.outcomes`). Once that file was written a block of paths at a
time: **2.90 GB at 1,000,000 paths** (705 s). Up to about 100,000 paths a fixed phase
set the peak: the model checks, two side by side, each fitting its rules on 4,096
training paths in two threads. Run one at a time, the report peaked at 1.27 GB at
5,000 paths (124 s); with the kernel's BLAS on one thread too
(:data:`models.runner.kernel.KERNEL_ENV`), at 1.34 GB at 100,000 (423 s, beside other
work) and **2.77 GB at 1,000,000** (383 s). Above 100,000 paths the paths set the peak,
at about 1.6 kB each. With the review rules' fits compiled and a staged entry's switch
valued on its services' first-pass problems (issue 25), 1.14 GB at 5,000 paths (103 s);
the estimate was left as it was, the larger runs not measured again.
:data:`REPORT`: 1.3 GB and 1.6 kB a path (4.5 GB at the 2,000,000 paths the schema
allows, extrapolated; it was 2.0 GB and 1.2 kB a path before the checks ran one at a
time). Issue 20 had measured 7.64 GB at 5,000 paths and 7.82 GB at
20,000, before the kernel's allocation pools were capped and issue 25 bounded the
Monte Carlo's chunks; that estimate (7.9 GB and 5 kB a path) refused a report on any
machine with less than 8 GB free.

**A sweep point** (``market-entry sweep``; :func:`models.inputs.sweep_spec.load_sweep`
refuses paths that would not fit in a worker's :data:`WORKER_BUDGET`). A worker holds
one point at a time and keeps only each path's NPV
(:func:`models.uncertainty.montecarlo.path_npv`; the review rules, under ``adaptive``,
are fitted once in the main process and sent to it). Measured in a process holding
only that, under the workers' allocator settings: 0.37 GB at 1,000 paths, 0.50 GB at
20,000 and 0.52 GB at 100,000 under ``fixed``; 0.48 and 0.74 GB at 1,000 and 100,000
under ``adaptive`` (issue 19). Since issue 25 a point draws its inputs a block of at
most 100,000 paths at a time, so above that only the NPVs (40 bytes a path) and the
outcomes' bookkeeping grow: 0.99 GB at 500,000 paths and 1.15 GB at 2,000,000 under
``fixed`` (97 s and 309 s); 0.84 GB and 0.91 GB under ``adaptive`` (188 s and 901 s,
beside other work) (``/usr/bin/time``, fresh processes). :data:`SWEEP_POINT`: 1.0 GB
and 150 bytes a path, 1.3 GB at the most paths a sweep file allows, so that no point
is refused on a worker's 2 GB now; the check stays for a smaller budget. (Issue 19's
estimate, 0.6 GB and 1.5 kB a path, charged every path its drawn inputs and refused a
point of 1,000,000 paths that needs 1.1 GB. Before issue 19 the sweep took 4 kB a path
and nothing fixed.)

**Fitting the review rules** (:func:`models.uncertainty.montecarlo.fit_rules`, in a
report's kernel and in a sweep's main process). The training paths' exit problems are
kept until the fit: each path's state at every review, per service. Measured in a fresh
process at the 15-year default horizon (issue 25): 1.24 GB with the default 8,000
training paths (17 s) and 2.21 GB with 32,000 (35 s), so about 41 kB a training path
(since each mode's chunks are let go once joined, 1.02 GB and 2.20 GB, ``ru_maxrss``):
:data:`RULES`, 0.9 GB and 42 kB a path. At the parameter's maximum, 1,000,000 paths,
that is 43 GB. The fit comes before the paths and frees its problems, so a report's
peak is the larger of the two estimates, not their sum
(:func:`models.runner.resources.check_memory`).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Footprint:
    """Peak memory of a kind of run: ``base + per_path * paths`` (bytes).

    Attributes
    ----------
    base : float
        Bytes whatever the paths (imports, fixed work, one chunk of paths).
    per_path : float
        Bytes per Monte Carlo path.
    """

    base: float
    per_path: float

    def need(self, n_paths: int) -> float:
        """Estimated peak memory with ``n_paths`` paths (bytes)."""
        return self.base + self.per_path * n_paths

    def most_paths(self, budget: float) -> int:
        """The most paths whose estimate fits in ``budget`` bytes (0 if none)."""
        return max(0, int((budget - self.base) / self.per_path))


#: The main report (``market-entry run``): see the module docstring.
REPORT = Footprint(base=1.3e9, per_path=1.6e3)

#: Fitting the review rules, per training path (``decision_training_paths``): see the
#: module docstring.
RULES = Footprint(base=0.9e9, per_path=42e3)

#: One sweep point in a worker (``market-entry sweep``): see the module docstring.
SWEEP_POINT = Footprint(base=1.0e9, per_path=150.0)

#: Memory a sweep worker may use for its point (bytes); a local cluster starts one
#: single-threaded worker per core.
WORKER_BUDGET = 2.0e9
