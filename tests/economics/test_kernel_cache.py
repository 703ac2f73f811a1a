"""numba's on-disk cache and the compiled loops that inline other modules' equations
(issue 25's review): after an edit of :func:`models.economics.partner.distress_loss`,
the operating months compile afresh instead of serving the cached old equation."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

RUN = """
import numpy as np
from models.economics import operating
from tests.economics.test_operating import MONTHS, PATHS, inputs
a = inputs(7, "drawn", True)
print(repr(float(operating.operate(PATHS, MONTHS, full=True, normal=False, **a).distress.sum())))
"""


def _distress(copy: Path) -> float:
    env = {**os.environ, "PYTHONPATH": str(copy)}
    env.pop("NUMBA_CACHE_DIR", None)  # beside the copied modules
    out = subprocess.run(
        [sys.executable, "-c", RUN], cwd=copy, env=env, capture_output=True, text=True, check=True
    )
    return float(out.stdout.strip().splitlines()[-1])


def test_an_edited_equation_is_compiled_again_not_served_from_the_cache(tmp_path):
    copy = tmp_path / "checkout"
    shutil.copytree(ROOT / "models", copy / "models", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "tests", copy / "tests", ignore=shutil.ignore_patterns("__pycache__"))
    before = _distress(copy)
    assert before < 0  # a partner's distress was drawn on some paths
    assert list((copy / "models" / "economics" / "__pycache__").glob("operating.months-*.nbi"))
    assert _distress(copy) == before  # served from the cache, the same machine code
    source = copy / "models" / "economics" / "partner.py"
    text = source.read_text()
    old = "return first_distress * (lost_months * kept + migration)"
    assert text.count(old) == 1
    source.write_text(
        text.replace(old, "return 2.0 * first_distress * (lost_months * kept + migration)")
    )
    after = _distress(copy)
    assert after == pytest.approx(2.0 * before, rel=1e-12)  # not the cached equation


LICENCE = """
from models.economics import licence
k, _ = licence.contract_index(0, 2, 6)
print(repr([float(k.sum()), float(licence.no_distress(0.5, 3.0, 1.0)),
            float(licence.unearned_at(8.0, 0.0, 4.0, 0.5))]))
"""


def _package_copy(tmp_path: Path, script: str):
    """A copy of the package (its own numba cache beside its modules) and a function
    running ``script`` on it in a fresh process, returning its last line printed."""
    copy = tmp_path / "checkout"
    shutil.copytree(ROOT / "models", copy / "models", ignore=shutil.ignore_patterns("__pycache__"))
    env = {**os.environ, "PYTHONPATH": str(copy)}
    env.pop("NUMBA_CACHE_DIR", None)

    def run() -> str:
        out = subprocess.run(
            [sys.executable, "-c", script], cwd=copy, env=env, capture_output=True, text=True,
            check=True,
        )  # fmt: skip
        return out.stdout.strip().splitlines()[-1]

    return copy, run


def test_an_edited_helper_reaches_every_compiled_function_of_the_licence(tmp_path):
    """The licence's compiled functions inline kernels' helpers (``_max``): an edit
    there reaches the arrays' faces and the scalar equations called from Python, not
    only the loop (issue 25's review found three served from a stale cache)."""
    copy, run = _package_copy(tmp_path, LICENCE)

    before = run()
    assert before == repr([6.0, 1.0, 3.0])  # contracts 0, 0, 1, 1, 2, 2
    assert run() == before
    source = copy / "models" / "economics" / "kernels.py"
    text = source.read_text()
    old = "    return a if a > b else b\n"
    assert text.count(old) == 1
    source.write_text(text.replace(old, "    return (a if a > b else b) + 1.0\n"))
    # every one of the three compiled afresh: terms of 3 months, a survival of
    # (1 - 0.5) ** 1, 5 months left of 5
    assert run() == repr([3.0, 0.5, 4.0])


MARKET = """
from models.economics import market
print(repr(float(market.addressable_market(4.0, 2.0, 0.5, 1.0, 1.0)[0, 0])))
"""


def test_an_edited_helper_reaches_the_market_potential_applied_element_by_element(tmp_path):
    """``market.addressable_market``'s compiled loop inlines ``kernels._min`` through
    ``market.potential``: an edit of the helper compiles it afresh (the review of the
    market potential's move into the operating loop found it served stale)."""
    copy, run = _package_copy(tmp_path, MARKET)

    assert run() == repr(1.0)  # min(2 x 0.5, 4)
    assert run() == repr(1.0)  # from the cache
    source = copy / "models" / "economics" / "kernels.py"
    text = source.read_text()
    old = "    return a if a < b else b\n"
    assert text.count(old) == 1
    source.write_text(text.replace(old, "    return (a if a < b else b) / 2.0\n"))
    assert run() == repr(0.5)


ONCE = """
import pkgutil, importlib
from numba.core.registry import CPUDispatcher
import models.economics as economics
from models.economics.simulation import simulate
from models.inputs.params import validate
from models.uncertainty import montecarlo
p = validate(n_paths=300, decision_rule="adaptive", decision_training_paths=1000)
simulate(p)
montecarlo.run(p)
montecarlo.path_npv(p.replace(decision_rule="fixed"), 300)
for m in pkgutil.walk_packages(economics.__path__, "models.economics."):
    module = importlib.import_module(m.name)
    for name, f in vars(module).items():
        if isinstance(f, CPUDispatcher) and f.__module__ == module.__name__:
            print(f"{module.__name__}.{name}", len(f.signatures))
"""


def test_each_kernel_is_compiled_for_one_signature():
    """numba types a read-only array and a writeable one apart; before every input went
    through kernels.frozen, one report run compiled operating.months for seven of its
    inputs' combinations (90 in a developer's cache), each about 3 s in a process whose
    disk cache did not have it yet."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-c", ONCE], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    counts = {name: int(n) for name, n in (line.split() for line in out.stdout.splitlines())}
    assert counts["models.economics.operating.months"] == 1  # the run used it
    assert sum(counts.values()) >= 15  # the kernels the run used were counted
    assert {k: n for k, n in counts.items() if n > 1} == {}
