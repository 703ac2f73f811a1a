"""An own service's compiled months (``models/economics/operating.py``) against the numpy
passes they replaced in ``OwnService.build`` and ``events_normal`` (issue 25), kept here
as the oracle: within 1e-9 on random inputs of every broadcast shape the engine passes,
with crackdowns, suspensions and a partner's distress drawn or in expectation."""

from __future__ import annotations

import numpy as np
import pytest

from models._arrays import column
from models.economics import operating
from models.economics.content import ContentPlan
from tests.economics.test_kernels import bass_numpy, foreign_on_offer_numpy, income_tax_numpy

PATHS, MONTHS = 23, 64
TOL = {"rtol": 1e-9, "atol": 1e-9}


def service_numpy(a: dict, normal: bool):
    """The numpy passes of an own service's months before issue 25 (OwnService.build,
    events_normal and partner.distress_loss at commit 4793237)."""
    plan = ContentPlan(
        yearly={},
        cash=None,
        domestic=a["domestic"],
        originals=a["originals"],
        approved=a["approved"],
        window=column(a["window"]),
        launch=column(a["launch"]),
    )
    foreign = foreign_on_offer_numpy(plan, a["log_kept"], a["log_lasting"])
    titles = (
        foreign + column(a["w_domestic"]) * a["domestic"] + column(a["w_original"]) * a["originals"]
    )
    draw = (np.maximum(titles, 0.0) / a["reference"]) ** column(a["elasticity"])
    m = a["payers"] * column(a["foreign_share"]) * a["price"]
    mkt = np.broadcast_to(np.minimum(m * draw, a["users"]), (PATHS, MONTHS))
    shock = np.broadcast_to(a["shock"], (PATHS, MONTHS))
    subs, adds, first = bass_numpy(mkt, a["p"], a["q"], a["churn"], a["launch"], shock)

    vat_in = column(1.0 + a["vat"])
    to_net = (1.0 - column(a["fee"])) / vat_in

    def money(subs, adds, first, dark, distress):
        gross = subs * a["per_sub"]
        billed = gross * (1.0 - dark)
        net = billed * to_net
        kept = net + net * -column(a["share"])
        marketing = -(first * column(a["cac"]) + (adds - first) * column(a["winback"])) * (
            a["per_sub"] * to_net
        )
        delivery = subs * -a["delivery_per_sub"]
        loss = distress * (column(a["lost_months"]) * kept + column(a["migration"]))
        return gross, billed, kept, marketing, delivery, -loss

    gross, billed, kept, marketing, delivery, distress = money(
        subs, adds, first, a["dark"], a["distress"]
    )
    pre_tax = kept + marketing + delivery + a["overhead"] + distress
    tax = income_tax_numpy(pre_tax - a["amortisation"], a["tax_rate"])
    out = {
        "cash": pre_tax + a["content"] - tax,
        "pre_tax": pre_tax,
        "kept": kept,
        "tax": tax,
        "market": mkt,
        "subscribers": subs,
        "adds": adds,
        "first_adds": first,
        "gross": gross,
        "suspension_loss": billed - gross,
        "vat": billed * -(column(a["vat"]) / vat_in),
        "payment_fees": billed * -(column(a["fee"]) / vat_in),
        "partner_share": (billed * to_net) * -column(a["share"]),
        "marketing": marketing,
        "delivery": delivery,
        "distress": distress,
    }
    if normal:
        n = bass_numpy(mkt, a["p"], a["q"], a["normal_churn"], a["launch"])
        _, _, kept_n, mk_n, dl_n, ds_n = money(*n, a["normal_dark"], a["normal_distress"])
        year = slice(MONTHS - 12, MONTHS)
        drawn = (kept + marketing + delivery + distress)[:, year].sum(axis=1)
        out["normal"] = (
            (kept_n + mk_n + dl_n + ds_n)[:, year].sum(axis=1) - drawn,
            kept_n[:, year].sum(axis=1) - kept[:, year].sum(axis=1),
        )
    return out


def inputs(seed: int, events: str, per_path: bool) -> dict:
    """Random inputs of an own service: events ``drawn`` (0/1 suspensions, crackdown
    steps, a distress month) or ``expected`` (probabilities, a crackdown decay every
    month); per-path or shared (one row) inputs."""
    rng = np.random.default_rng(seed)
    rows = PATHS if per_path else 1

    def col(lo, hi):
        return rng.uniform(lo, hi, (rows, 1))

    def full(lo, hi, r=PATHS):
        return rng.uniform(lo, hi, (r, MONTHS))

    t = np.arange(MONTHS)
    launch = np.floor(rng.uniform(0, 20, (PATHS, 1)))
    if events == "drawn":
        steps = (rng.random((PATHS, MONTHS)) < 0.03) * rng.uniform(0.1, 0.6, (PATHS, MONTHS))
        log_kept = -np.cumsum(steps, axis=1)
        dark = (rng.random((PATHS, MONTHS)) < 0.05) * rng.uniform(0.3, 1.0, (PATHS, MONTHS))
        shock = (dark > 0) * 0.2
        distress = np.zeros((PATHS, MONTHS))
        distress[np.arange(PATHS), rng.integers(0, MONTHS, PATHS)] = rng.random(PATHS) < 0.5
    else:
        log_kept = -np.cumsum(full(0.0, 0.02), axis=1)
        dark = np.full((1, MONTHS), 0.01)
        shock = 0.0
        distress = full(0.0, 0.01)
    return {
        "approved": rng.uniform(0.0, 300.0, (rows, MONTHS // 12 + 2)),
        "window": np.floor(col(1.0, 5.0)),
        "launch": launch,
        "log_kept": log_kept,
        "log_lasting": log_kept * 0.5,
        "domestic": full(0.0, 500.0, rows) * (t >= 5),
        "originals": np.cumsum(full(0.0, 2.0, rows), axis=1),
        "w_domestic": col(0.1, 0.6),
        "w_original": col(1.0, 4.0),
        "reference": full(800.0, 1500.0),
        "elasticity": col(0.1, 0.6),
        "users": full(500.0, 900.0, rows),
        "payers": full(50.0, 300.0, rows),
        "foreign_share": col(0.1, 0.5),
        "price": full(0.5, 1.2),
        "p": col(0.001, 0.02),
        "q": col(0.05, 0.4),
        "churn": col(0.02, 0.08),
        "shock": shock,
        "per_sub": full(2.0, 4.0, rows),
        "dark": dark,
        "vat": col(0.05, 0.15),
        "share": col(0.0, 0.4),
        "cac": col(1.0, 6.0),
        "winback": col(0.5, 2.0),
        "delivery_per_sub": full(0.1, 0.5, rows),
        "overhead": -full(1.0, 3.0, rows),
        "distress": distress,
        "lost_months": col(0.0, 6.0),
        "migration": col(0.0, 20.0),
        "amortisation": full(0.0, 10.0),
        "content": -full(0.0, 12.0),
        "tax_rate": col(0.15, 0.25),
        "normal_churn": col(0.03, 0.09),
        "normal_dark": np.full((1, MONTHS), 0.02),
        "normal_distress": full(0.0, 0.01),
        "fee": col(0.0, 0.03),  # drawn last: the draws before are those of earlier tests
    }


@pytest.mark.parametrize("events", ["drawn", "expected"])
@pytest.mark.parametrize("per_path", [False, True])
def test_the_compiled_months_match_the_numpy_passes(events, per_path):
    a = inputs(7, events, per_path)
    got = operating.operate(PATHS, MONTHS, full=True, normal=True, **a)
    want = service_numpy(a, normal=True)
    for name, value in want.items():
        if name == "normal":
            for g, w in zip(got.normal, value, strict=True):
                np.testing.assert_allclose(g, w, **TOL, err_msg=name)
        else:
            np.testing.assert_allclose(getattr(got, name), value, **TOL, err_msg=name)
    # what moved: crackdowns, subscribers, tax paid and lost, the final year's events
    assert np.ptp(got.market) > 0 and got.subscribers.max() > 0
    assert (got.tax > 0).any() and (got.tax == 0).any()
    assert np.all(np.abs(got.normal[0]) > 0)


def test_only_the_lines_asked_for_are_written():
    a = inputs(8, "drawn", True)
    full = operating.operate(PATHS, MONTHS, full=True, normal=False, **a)
    lean = operating.operate(PATHS, MONTHS, full=False, normal=False, **a)
    for name in ("cash", "pre_tax", "kept", "tax", "subscribers"):
        np.testing.assert_array_equal(getattr(lean, name), getattr(full, name))
    for name in ("market", "adds", "gross", "vat", "partner_share", "marketing", "distress"):
        assert getattr(lean, name).shape == (1, 1) and getattr(full, name).shape == (PATHS, MONTHS)
    assert lean.normal is None


def test_the_final_year_in_expectation_is_the_drawn_one_when_they_are_the_same():
    """With the expected events equal to the drawn ones (no suspension, no distress,
    the same churn), replacing the final year changes nothing; expected dark time then
    costs revenue."""
    a = inputs(9, "drawn", True)
    a.update(shock=0.0, dark=0.0, distress=0.0, normal_dark=0.0, normal_distress=0.0)
    a["normal_churn"] = a["churn"]
    same = operating.operate(PATHS, MONTHS, full=False, normal=True, **a)
    np.testing.assert_array_equal(same.normal[0], 0.0)
    np.testing.assert_array_equal(same.normal[1], 0.0)
    a["normal_dark"] = 0.1
    darker = operating.operate(PATHS, MONTHS, full=False, normal=True, **a)
    launched = same.kept[:, -12:].sum(axis=1) > 0
    assert launched.any() and np.all(darker.normal[1][launched] < 0)
    np.testing.assert_allclose(
        darker.normal[1][launched], -0.1 * same.kept[launched, -12:].sum(axis=1), rtol=1e-12
    )


@pytest.mark.parametrize(
    ("change", "match"),
    [
        ({"users": None}, "missing inputs \\['users'\\]"),
        ({"colour": 1.0}, "unknown inputs \\['colour'\\]"),
        ({"payers": np.ones((PATHS + 1, MONTHS))}, "expected one broadcastable"),
        ({"approved": np.ones(5)}, "approved of shape \\(5,\\)"),
        ({"launch": np.full((PATHS, 1), np.nan)}, "launch month"),
    ],
)
def test_inputs_the_kernel_would_misread_are_refused(change, match):
    a = inputs(10, "drawn", True)
    for name, value in change.items():
        if value is None:
            del a[name]
        else:
            a[name] = value
    with pytest.raises(ValueError, match=match):
        operating.operate(PATHS, MONTHS, full=True, normal=False, **a)


def test_a_leaders_catalogue_of_zero_caps_the_market_as_numpy_did():
    """Division by zero gives inf, as in the numpy passes (numba's Python error model
    raised ZeroDivisionError; issue 25's review), and the users cap the market."""
    a = inputs(11, "drawn", True)
    a["reference"] = np.zeros((PATHS, MONTHS))
    got = operating.operate(PATHS, MONTHS, full=True, normal=False, **a)
    with np.errstate(divide="ignore", invalid="ignore"):
        want = service_numpy(a, normal=False)
    np.testing.assert_allclose(got.market, want["market"], **TOL)
    np.testing.assert_allclose(got.cash, want["cash"], **TOL)


@pytest.mark.parametrize("per_path", [False, True])
def test_a_draw_given_is_the_one_operate_computes(per_path):
    """A service keeps its catalogue's draw across runs that change only the market
    (:meth:`OwnService.catalogue_draw`): given back to ``operate``, every line is the
    same bit for bit, and ``operate`` then refuses the inputs only the draw reads."""
    a = inputs(11, "drawn", per_path)
    whole = operating.operate(PATHS, MONTHS, full=True, normal=True, **a)
    draw = operating.catalogue_draw(PATHS, MONTHS, **{k: a[k] for k in operating.CATALOGUE})
    assert np.ptp(draw) > 0
    rest = {k: v for k, v in a.items() if k == "launch" or k not in operating.CATALOGUE}
    given = operating.operate(PATHS, MONTHS, full=True, normal=True, draw=draw, **rest)
    for name in (*operating.LINES, "market"):
        assert getattr(given, name).tobytes() == getattr(whole, name).tobytes(), name
    assert all(g.tobytes() == w.tobytes() for g, w in zip(given.normal, whole.normal, strict=True))
    with pytest.raises(ValueError, match="unknown inputs \\['approved'\\]"):
        operating.operate(
            PATHS, MONTHS, full=True, normal=True, draw=draw, approved=a["approved"], **rest
        )
    with pytest.raises(ValueError, match="catalogue_draw: missing inputs \\['log_kept'\\]"):
        operating.catalogue_draw(
            PATHS, MONTHS, **{k: a[k] for k in operating.CATALOGUE if k != "log_kept"}
        )


@pytest.mark.parametrize("per_path", [False, True])
def test_the_catalogue_s_draw_is_numpy_s_bit_for_bit(per_path):
    """The catalogue's pass (operating.catalogue_ratios, then numpy's power in place)
    against the numpy passes it replaced, byte for byte: a NaN (domestic titles without
    end at no weight) keeps numpy's sign, negative titles count as none, a leaders'
    catalogue of 0 gives inf, and an elasticity of 0 or below."""
    from models.economics import kernels

    a = inputs(12, "drawn", per_path)
    rows = PATHS if per_path else 1
    a["domestic"] = a["domestic"].copy()
    a["domestic"][:, 7] = np.inf
    a["w_domestic"] = np.where(np.arange(rows).reshape(-1, 1) % 3 == 0, 0.0, a["w_domestic"])
    a["originals"] = a["originals"] - 40.0  # some months' titles below 0
    a["reference"] = a["reference"].copy()
    a["reference"][:, 9] = 0.0
    a["elasticity"] = np.linspace(-0.5, 0.6, rows).reshape(-1, 1)
    got = operating.catalogue_draw(PATHS, MONTHS, **{k: a[k] for k in operating.CATALOGUE})
    g = {k: kernels.grid(a[k], PATHS, MONTHS) for k in ("launch", "log_kept", "log_lasting")}
    foreign = kernels.on_offer(
        kernels.frozen(a["approved"]), kernels.grid(a["window"], PATHS, 1), g["launch"],
        g["log_kept"], g["log_lasting"], PATHS, MONTHS,
    )  # fmt: skip
    with np.errstate(divide="ignore", invalid="ignore"):  # inf x 0, x / 0, 0 ** -e
        titles = foreign + column(a["w_domestic"]) * a["domestic"]
        titles = titles + column(a["w_original"]) * a["originals"]
        want = (np.maximum(titles, 0.0) / a["reference"]) ** column(a["elasticity"])
    assert np.isnan(want).any() and np.isinf(want).any() and (want == 0).any()
    assert got.shape == want.shape and got.tobytes() == want.tobytes()
