"""`market-entry check` and `run` validate the same way, and the notebook's kernel
rebuilds the same parameters from what Papermill injects (issue 19).

The bug this pins: pinning an input of a default correlation pair (``-p
regulation_approval_pass_rate 0.9``) left that pair out, and the remaining default
pairs then travelled to the notebook as if the user had given them; the notebook's
checks, which pin the regulator's hazards, were refused for correlating a fixed input.
"""

from __future__ import annotations

import json

import pytest

from models._paths import NOTEBOOKS, SCENARIOS
from models.inputs.schema import SPECS
from models.reporting.notebook import validate_notebook
from models.runner.validation import notebook_parameters, run_parameters
from tests.conftest import run_cli

BASE = SCENARIOS / "base.yaml"
PAIRS = SPECS["correlations"].default
INPUTS = sorted({name for a, b, _ in PAIRS for name in (a, b)})


def _pins() -> list[tuple[str, float]]:
    """Each input of each default pair, pinned at its default and at another value."""
    out = []
    for name in INPUTS:
        spec = SPECS[name]
        high = spec.default_range[1]
        out += [(name, spec.default), (name, round((spec.default + high) / 2, 6))]
    return out


def kernel_namespace(params, notebook: str = "entry_decision") -> dict:
    """The notebook's globals after Papermill: its parameters cell, then the cell
    Papermill injects with what ``market-entry run`` passes, as IPython records them."""
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    nb = load_notebook_node(str(NOTEBOOKS / f"{notebook}.ipynb"))  # as Papermill reads it
    values = notebook_parameters(params, "/tmp/outputs")
    nb = parameterize_notebook(nb, values, kernel_name="python3", language="python")
    tags = ("parameters", "injected-parameters")
    cells = [c.source for c in nb.cells if set(tags) & set(c.metadata.get("tags", []))]
    assert len(cells) == 2 and cells[1].startswith("# Parameters\n")
    ns: dict = {}
    for source in cells:
        exec(source, ns)
    ns.pop("__builtins__")
    ns["In"] = ["", *cells]
    return ns


@pytest.mark.parametrize(("name", "value"), _pins(), ids=lambda v: str(v))
def test_pinning_an_input_of_a_default_pair_validates_alike(name, value, cli):
    cli_side = run_parameters(BASE, {name: value})  # what check and run call
    assert name in cli_side.pinned
    assert all(name not in (a, b) for a, b, _ in cli_side.correlations)
    kernel_side = validate_notebook(kernel_namespace(cli_side))
    assert kernel_side.digest() == cli_side.digest()
    assert kernel_side.correlations == cli_side.correlations
    assert kernel_side.pinned == cli_side.pinned
    # what the notebook's checks and tornado do next: pin another input of a pair
    for other in INPUTS:
        at = {other: SPECS[other].default_range[0]}
        assert kernel_side.replace(**at).digest() == cli_side.replace(**at).digest()
    ran = cli("check", BASE, "-p", name, repr(value))
    assert ran.returncode == 0 and ran.stdout.strip().endswith(f"hash {cli_side.digest()}")


def test_the_kernel_rebuilds_every_shipped_scenario():
    for path in sorted(SCENARIOS.glob("*.yaml")):
        cli_side = run_parameters(path, {"n_paths": 200})
        kernel_side = validate_notebook(kernel_namespace(cli_side))
        assert kernel_side.digest() == cli_side.digest(), path.name


def test_check_refuses_what_run_refuses(cli, monkeypatch):
    """A run too large for the memory is refused by check too, in the same words."""
    from models.runner import resources

    monkeypatch.setattr(resources, "memory_available", lambda: 3e9)
    ran = cli("check", BASE, "-p", "n_paths", "2000000")
    assert ran.returncode == 2 and "n_paths=2,000,000: a report this size needs" in ran.stderr


@pytest.mark.slow
def test_a_run_pinning_an_input_of_a_default_pair_succeeds(tmp_path):
    args = ["-p", "regulation_approval_pass_rate", "0.9", "-p", "n_paths", "200"]
    args += ["-p", "whatif_positions", "12"]  # a slider pinned by the scenario, a small design
    checked = run_cli("check", str(BASE), *args)
    assert checked.returncode == 0, checked.stderr
    ran = run_cli("run", str(BASE), *args, "--reports", str(tmp_path), "--json")
    assert ran.returncode == 0, ran.stderr
    out = json.loads(ran.stdout)
    assert out["status"] == "succeeded"
    assert checked.stdout.strip().endswith(f"hash {out['parameters_hash']}")
