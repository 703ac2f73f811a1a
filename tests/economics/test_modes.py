"""Entry modes as objects: the registry, what each mode declares, and a new mode that goes
through the whole model with no other file edited (issue 19)."""

from __future__ import annotations

import ast
import inspect
import json
import pkgutil
import re
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path

import numpy as np
import pytest

import models.economics
from models.economics import events, market, regulation
from models.economics.modes import MODES, EntryMode
from models.economics.modes.base import EVENT_KINDS
from models.economics.modes.policy import ZERO, empty_lines, terminal_value, with_exit_policy
from models.economics.results import LINE_ITEMS
from models.economics.simulation import simulate
from models.economics.terms import ExposureNames, Finance, Market, PathValues, Rules, Terms
from models.inputs.params import validate
from models.inputs.schema import SPECS

ROOT = Path(__file__).resolve().parents[2]


def test_the_registry_lists_the_modes_in_report_order():
    assert MODES.names() == ("solo", "partner", "license", "staged", "stay_out")
    assert MODES.services() == ("solo", "partner")
    assert MODES.baseline() == "stay_out"
    assert MODES.twin("license") == "staged" and MODES.twin("staged") == "license"
    assert MODES.rivals("license", MODES.names()) == ["solo", "partner", "stay_out"]
    # ties go to the less committing mode
    assert sorted(MODES.names(), key=MODES.commitment) == [
        "stay_out",
        "license",
        "staged",
        "partner",
        "solo",
    ]


@pytest.mark.parametrize("mode", list(MODES), ids=lambda m: m.name)
def test_every_mode_carries_its_identity_and_what_it_reads(mode):
    assert re.fullmatch(r"[a-z_]+", mode.name)
    assert mode.label and mode.description.endswith(".")
    assert re.fullmatch(r"#[0-9A-Fa-f]{6}", mode.colour)
    assert set(mode.parameters) <= set(SPECS), "a mode reads only parameters of the schema"
    assert set(mode.events) <= set(EVENT_KINDS)
    if mode.exposure is not None:
        assert set(mode.exposure.names()) <= set(mode.parameters)
    # colours tell modes apart
    others = [m.colour for m in MODES if m is not mode]
    assert mode.colour not in others


def test_what_each_mode_reads():
    solo, partner, lic = MODES["solo"], MODES["partner"], MODES["license"]
    assert "partner_revenue_share" in partner.parameters
    assert "partner_revenue_share" not in solo.parameters
    assert "regulation_exit_hazard_solo_year" in solo.parameters
    assert "regulation_exit_hazard_partner_year" not in solo.parameters
    assert "growth_churn_rate_month" not in lic.parameters  # no subscribers of its own
    assert MODES["stay_out"].parameters == ()
    # a staged entry reads its licence's and the services' it may start
    assert {"license_fee_usd_m_per_title", "partner_revenue_share"} <= set(
        MODES["staged"].parameters
    )


def test_the_staged_targets_are_the_registry_services():
    """The schema lists the modes a staged entry may switch to (the inputs layer is below
    the registry); they must be the registry's own services."""
    assert set(SPECS["staged_target_mode"].choices) == set(MODES.services())


def test_terms_refuse_a_group_the_mode_did_not_declare():
    terms = MODES["license"].terms(PathValues(validate()))
    assert terms.license.titles_year == SPECS["license_titles_year"].default
    with pytest.raises(AttributeError, match="'license' reads the 'growth' group"):
        _ = terms.growth


def test_an_unknown_mode_is_one_clear_error():
    from models.exceptions import ParameterError

    with pytest.raises(ParameterError, match="entry mode 'jv': expected one of solo, partner"):
        MODES["jv"]


# -- no mode name compared outside its module and the registry ---------------------------


def _docstrings(tree: ast.AST) -> set[int]:
    out = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            value = body[0].value
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                out.add(id(value))
    return out


#: Where a mode's name may be written outside its module: a parameter group's name (its
#: prefix in models/inputs/parameters and in economics/terms, which may equal a mode's),
#: the values of ``staged_target_mode`` (a parameter whose values are modes, pinned to
#: the registry by a test above), and the record of foreign services' own vocabulary
#: (its ``entry_mode`` column says "solo"; each mode maps its analogues by record_code).
_ALLOWED_FILES = {"models/calibration/data.py": {"solo"}}


def _mode_literals(tree: ast.AST) -> list[tuple[int, str]]:
    names = set(MODES.names())
    skip = _docstrings(tree)
    for node in ast.walk(tree):
        target = getattr(node, "target", None) or (getattr(node, "targets", None) or [None])[0]
        if isinstance(node, ast.AnnAssign | ast.Assign) and getattr(target, "id", "") in {
            "PREFIX",
            "GROUP",
        }:
            skip.add(id(node.value))
        if (
            isinstance(node, ast.Call)
            and getattr(node.func, "id", "") == "ParamSpec"
            and node.args
            and getattr(node.args[0], "value", None) == "staged_target_mode"
        ):
            skip.update(id(n) for n in ast.walk(node))
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and node.value in names and id(node) not in skip
    ]


def test_no_mode_name_is_written_outside_its_module_and_the_registry():
    """Analysis, reporting, calibration, the runner, the inputs and the notebooks ask the
    registry; only a mode's own module names it (see :data:`_ALLOWED_FILES` and
    :func:`_mode_literals` for the parameter names and vocabularies that may coincide)."""
    found = []
    for path in sorted((ROOT / "models").rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith("models/economics/modes/"):
            continue
        allowed = _ALLOWED_FILES.get(rel, set())
        for line, name in _mode_literals(ast.parse(path.read_text())):
            if name not in allowed:
                found.append(f"{rel}:{line}: {name!r}")
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        for cell in json.loads(path.read_text())["cells"]:
            tags = cell.get("metadata", {}).get("tags", [])
            if cell["cell_type"] != "code" or "parameters" in tags:
                continue
            for line, name in _mode_literals(ast.parse("".join(cell["source"]))):
                found.append(f"{path.name}:{cell.get('id')}:{line}: {name!r}")
    assert not found, "mode names written outside the registry:\n" + "\n".join(found)


def test_the_record_vocabulary_covers_the_modes_record_codes():
    from models.calibration.data import foreign_services

    codes = set(foreign_services()["entry_mode"])
    assert set(MODES.record_codes()) == codes  # every code of the record calibrates a mode


# -- the economics are fed only what they read ------------------------------------------

#: The engine's doors, which take the validated parameters and build per-path values
#: (terms.PathValues), and the results, which keep the parameters they came from.
DOORS = {
    "models.economics.simulation.simulate",
    "models.economics.simulation.each_mode",
    "models.economics.simulation._builder",
    "models.economics.results.discount_rate",
    "models.economics.simulation.path_npv",
    "models.economics.simulation.exit_problems",
    "models.economics.simulation._values",
    "models.economics.terms.PathValues.__init__",
    "models.economics.terms.PathValues.get",
    "models.economics.terms.PathValues.scenario",
    "models.economics.results.Results.__init__",
}


def _functions():
    for info in pkgutil.walk_packages(models.economics.__path__, "models.economics."):
        module = import_module(info.name)
        for name, obj in vars(module).items():
            if getattr(obj, "__module__", None) != module.__name__:
                continue
            if inspect.isfunction(obj):
                yield f"{module.__name__}.{name}", obj
            elif inspect.isclass(obj):
                for attr, fn in vars(obj).items():
                    if inspect.isfunction(fn):
                        yield f"{module.__name__}.{name}.{attr}", fn


def test_no_economics_function_takes_the_whole_parameter_object():
    """Each equation receives a typed group or plain arguments (models.economics.terms);
    only the engine's doors take the validated parameters."""
    offenders = []
    for qualname, fn in _functions():
        if qualname in DOORS:
            continue
        for name, arg in inspect.signature(fn).parameters.items():
            number = "ArrayLike" in str(arg.annotation)  # Bass's p is a coefficient
            if name in {"p", "params", "parameters", "inputs"} and not number:
                offenders.append(f"{qualname}({name})")
        try:
            source = inspect.getsource(fn)
        except OSError:  # generated (a dataclass's __init__)
            continue
        if "_params" in source or "getattr(p," in source:
            offenders.append(qualname + " (reads the parameter object)")
    assert not offenders, offenders


# -- a new mode is one module and its tests ---------------------------------------------


@dataclass(frozen=True)
class MinorityStake(EntryMode):
    """A toy mode, defined here and nowhere else: buy a minority stake in a local
    platform for ``price`` US$ m at month 0, and receive ``dividend`` US$ m a year, growing
    with China's online-video audience and cut by content crackdowns; the stake shares
    the partnership's forced-exit hazard (a licensed platform's fate)."""

    groups: tuple = (Market, Rules, Finance)
    events: tuple[str, ...] = ("exit", "crackdown")

    def build(self, terms: Terms, uniforms=None, how=None, plan_only=False):
        months = terms.months
        launch = self.launch_month(terms)
        kwargs = {"can_be_suspended": False}
        risk = (
            events.expected(terms.exposure, terms.rules, launch, months, **kwargs)
            if uniforms is None
            else events.drawn(terms.exposure, terms.rules, launch, months, uniforms, **kwargs)
        )
        m = terms.market
        users = market.online_video_users(m.online_video_users_m, m.user_growth_year, months)
        growth = users / np.asarray(m.online_video_users_m, dtype=float).reshape(-1, 1)
        cond = empty_lines()
        cond["dividends"] = self.settings["dividend"] / 12.0 * growth * risk.catalogue
        t = np.arange(months).reshape(1, -1)
        cond["setup"] = np.where(t == 0, -self.settings["price"], 0.0)
        cash = cond["dividends"] + cond["setup"]
        terminal = terminal_value(months, cash, ZERO, cond["dividends"], 0.0, terms.finance)
        return with_exit_policy(
            self.name,
            terms.horizon,
            terms.finance.discount_rate_year,
            launch,
            cond,
            risk,
            0.0,
            how=how,
            plan_only=plan_only,
            terminal=terminal,
        )


def _toy() -> MinorityStake:
    stake = MinorityStake(
        name="stake",
        label="Minority stake",
        colour="#882255",
        description="A minority stake in a local platform, for dividends.",
        commitment=2,
        exposure=ExposureNames(exit_hazard="regulation_exit_hazard_partner_year"),
        settings={"price": 60.0, "dividend": 12.0},
        lines={"dividends": "Dividends received"},
        revenue_lines=("dividends",),
    )
    return stake


def test_a_new_mode_goes_through_simulation_monte_carlo_metrics_and_reports():
    """Registered from this test alone, a mode is simulated, drawn, reviewed, ranked,
    tabled and charted: the tables get a row, the charts its colour."""
    from models.analysis.decision import analyse
    from models.reporting import charts, decision_blocks, risk_charts

    toy = _toy()
    p = validate(n_paths=400, decision_training_paths=512, sobol_samples=64)
    with MODES.added(toy):
        assert "dividends" in LINE_ITEMS
        assert list(LINE_ITEMS)[-1] == "continuing_value"  # its line before the exit costs
        # the most-likely case, line by line: 12 a year, growing; the price at month 0
        res = simulate(p)
        r = res.modes["stake"]
        assert res.summary.loc["stake", "label"] == "Minority stake"
        assert r.lines["setup"][0, 0] == pytest.approx(-60.0)
        kept = events.expected_catalogue(
            regulation.monthly_hazard(p.regulation_crackdown_hazard_year),
            p.regulation_crackdown_catalogue_loss,
            p.months,
        )
        assert r.lines["dividends"][0, 0] == pytest.approx(1.0 * kept[0, 0] * r.operating[0, 0])
        npv = res.summary.loc["stake", "npv_usd_m"]
        assert res.pv_lines.loc["stake"].sum() == pytest.approx(npv)
        assert res.pv_lines.loc["solo", "dividends"] == 0.0
        revenue = res.summary.loc["stake", "revenue_pv_usd_m"]
        assert revenue == pytest.approx(res.pv_lines.loc["stake", "dividends"]) and revenue > 0
        # the Monte Carlo (drawn inputs and events, a review rule fitted on training
        # paths) and the decision metrics
        d = analyse(p)
        mc = d.mc
        assert "stake" in mc.npv.columns and "stake" in mc.rules
        assert mc.npv_committed["stake"].std() > 0  # forced exits drawn on its own hazard
        assert mc.forced_exit_month["stake"].notna().mean() > 0.05
        # it shares the partnership's hazard: one column of it in the value of information
        assert "the regulator's stance" in set(d.evppi["group"])
        assert "stake" in d.npv_table.index and "stake" in d.ranking
        assert 0.0 <= d.npv_table.loc["stake", "prob_best"] <= 1.0
        assert "stake" in d.flexibility.index
        # the report blocks: a row in the tables, its colour in the charts
        for block in (decision_blocks.npv_table(d), decision_blocks.decision_values_table(d)):
            assert "Minority stake" in block.body
        fig = risk_charts.npv_distributions(mc, d.ranking)
        trace = next(t for t in fig.data if t.name == "Minority stake")
        assert trace.line.color == "#882255"
        bars = charts.npv_by_mode(res)
        assert "Minority stake" in list(bars.data[0].y) + list(bars.data[0].x)
        assert "Minority stake" in charts.cost_stack(res, "stake").layout.title.text
    assert "stake" not in MODES and "dividends" not in LINE_ITEMS
    assert "stake" not in simulate(validate()).modes


def test_the_engine_calls_the_equations_the_tests_test(monkeypatch):
    """An own service's months (:mod:`models.economics.operating`) compose the market's,
    the content's, the partner's and the kernels' own equations, each tested through
    its own function (tests/economics/test_growth.py and others), not copies of them:
    the loop calls the scalar recursions' objects, the market is the market module's
    closed forms (a doubled draw doubles it), and the module's source states none of
    them again."""
    from models.economics import content, kernels, operating, partner
    from tests.economics.test_operating import MONTHS, PATHS, inputs

    assert operating.distress_loss is partner.distress_loss
    assert operating.bass_step is kernels.bass_step and operating.tax_step is kernels.tax_step
    a = inputs(3, "drawn", True)
    a["users"] = np.full_like(a["users"], 1e9)  # never capped by the users
    before = operating.operate(PATHS, MONTHS, full=True, normal=False, **a).market
    draw = market.catalogue_attractiveness
    monkeypatch.setattr(market, "catalogue_attractiveness", lambda *x, **k: 2.0 * draw(*x, **k))
    twice = operating.operate(PATHS, MONTHS, full=True, normal=False, **a).market
    np.testing.assert_allclose(twice, 2.0 * before, rtol=1e-15)
    # the catalogue's pass composes the content module's title equivalents and the
    # market module's ratio (compiled in: called from Python, the same numbers)
    one = [np.array([[x]]) for x in (4.0, 2.0, 0.5, 3.0)]  # (1, 1) grids
    got = operating.catalogue_ratios(np.array([[5.0, -50.0]]), *one, np.full((1, 2), 10.0), 1, 2)
    titles = content.title_equivalents(np.array([[5.0, -50.0]]), 4.0, 2.0, 0.5, 3.0)
    assert titles.tolist() == [[13.0, -42.0]]
    assert got.tolist() == [[market.catalogue_ratio(13.0, 10.0), 0.0]] == [[1.3, 0.0]]
    ratios = inspect.getsource(operating.catalogue_ratios.py_func)
    assert "content.title_equivalents(" in ratios and "market.catalogue_ratio(" in ratios
    source = inspect.getsource(operating)
    for restated in ("foreign_share * price", "** elasticity", "w_domestic * domestic"):
        assert restated not in source
