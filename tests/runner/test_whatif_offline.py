"""The offline what-if of the main report in headless Chromium with the network off:
each slider moved with the keyboard and the mouse gives the precomputed answer for its
position, and the full model, run afresh at positions the design never saw, is within
the error the page states."""

from __future__ import annotations

import json

import numpy as np
import pytest

from models import format as fmt
from models.analysis import metrics, whatif_design
from models.analysis.surrogate import Surrogate
from models.economics.modes import MODES
from models.inputs import scenario
from models.inputs.display import format_value
from tests.conftest import NASTY_NAME
from tests.runner.test_browser import browser, open_offline  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = ".me-whatif"


def payload(page) -> dict:
    return json.loads(page.locator(f"{ROOT} script[type='application/json']").text_content())


def rebuilt(data: dict) -> Surrogate:
    """The page's surrogate, rebuilt in Python from the numbers embedded in the page."""
    s = data["surrogate"]
    a = {
        k: np.asarray(v, dtype=float) for k, v in s.items() if k not in ("lines", "multiplicative")
    }
    lines = [(np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)) for xs, ys in s["lines"]]
    return Surrogate(
        a["low"],
        a["high"],
        a["anchor"],
        a["anchor_values"],
        lines,
        np.asarray(s["multiplicative"], dtype=bool),
        a["centres"],
        a["weights"],
        a["tail"],
        0.0,
        np.empty((0, 0)),
    )


def expected_answer(data: dict, x: list[float]) -> dict:
    """The recommendation at ``x`` as the project's Python ranks it, from the page's numbers
    (at the start, the full model's own answer)."""
    at_start = all(v == c["value"] for v, c in zip(x, data["controls"], strict=True))
    y = rebuilt(data).predict(np.array([x]))[0]
    if at_start:
        y = np.asarray(data["surrogate"]["anchor_values"])
    col = {n: i for i, n in enumerate(data["outputs"])}
    means = {m: y[col[f"mean:{m}"]] for m in MODES.names()}
    order = sorted(means, key=lambda m: (-round(means[m], 6), MODES.commitment(m)))
    rec = order[0]
    second = next(m for m in order[1:] if m in MODES.rivals(rec, order))
    return {
        "y": y,
        "rec": rec,
        "second": second,
        "mean": means[rec],
        "lead": means[rec] - means[second],
    }


def position(page) -> list[float]:
    return page.evaluate(
        f"() => [...document.querySelectorAll('{ROOT} input[type=range]')].map(e => +e.value)"
    )


def check_answer(page, data: dict) -> None:
    x = position(page)
    want = expected_answer(data, x)
    got = page.evaluate(f"x => document.querySelector('{ROOT}').meWhatIf.predict(x)", x)
    assert np.allclose(got, rebuilt(data).predict(np.array([x]))[0], rtol=1e-9, atol=1e-9)
    first = page.locator(f"{ROOT} .me-wi-answer").inner_text().splitlines()[0]
    assert f"{MODES.label(want['rec'])}, mean NPV {fmt.money(want['mean'])}" in first, first
    assert f"{fmt.money(want['lead'])} ahead of {MODES.in_words(want['second'])}" in first, first
    assert page.locator(ROOT).get_attribute("data-recommended") == want["rec"]
    for c, v in zip(data["controls"], x, strict=True):
        shown = page.locator(f"{ROOT} output").nth(data["controls"].index(c)).inner_text()
        assert shown.startswith(format_value(c["name"], v, c["step"])), shown


@pytest.fixture
def whatif_page(browser, report_run):  # noqa: F811
    context, page, outside, errors = open_offline(browser, report_run["html"], height=1000)
    assert page.locator(ROOT).count() == 1
    yield page, payload(page)
    assert outside == [], outside
    assert errors == [], errors
    context.close()


def test_each_slider_moved_with_the_keyboard_gives_the_precomputed_answer(whatif_page):
    page, data = whatif_page
    check_answer(page, data)  # the start, compared with the report's own table
    rec = page.locator(ROOT).get_attribute("data-recommended")
    reported = next(m["reported"] for m in data["modes"] if m["name"] == rec)
    assert f"where they are uncertain, has {MODES.in_words(rec)} at {fmt.money(reported)}" in (
        page.locator(f"{ROOT} .me-wi-answer").inner_text()
    )
    # the scenario's hostile name reached the position's file as text, and ended nothing
    assert NASTY_NAME in page.locator(f"{ROOT} .me-wi-yaml").text_content()
    assert (
        "At the scenario's values, these inputs known"
        in page.locator(f"{ROOT} .me-wi-answer").inner_text()
    )
    sliders = page.locator(f"{ROOT} input[type=range]")
    assert sliders.count() == len(data["controls"]) >= 4
    for i, c in enumerate(data["controls"]):
        before = position(page)
        sliders.nth(i).focus()
        key = "ArrowLeft" if c["high"] - c["value"] < 3 * c["step"] else "ArrowRight"
        for _ in range(3):
            page.keyboard.press(key)
        after = position(page)
        assert after[i] == pytest.approx(before[i] + (3 if key == "ArrowRight" else -3) * c["step"])
        check_answer(page, data)
        moved = page.locator(f"{ROOT} .me-wi-answer").inner_text().split("Moved: ")[1]
        assert c["label"] in moved
        yaml_text = page.locator(f"{ROOT} .me-wi-yaml").text_content()
        assert f"-p {c['name']} " in page.locator(f"{ROOT} .me-wi-p").text_content()
        assert f"{c['name']}: " in yaml_text
    page.locator(f"{ROOT} .me-wi-reset").click()
    assert position(page) == pytest.approx([c["value"] for c in data["controls"]])
    assert (
        "At the scenario's values, these inputs known"
        in page.locator(f"{ROOT} .me-wi-answer").inner_text()
    )


def test_each_slider_moved_with_the_mouse_gives_the_precomputed_answer(whatif_page):
    page, data = whatif_page
    sliders = page.locator(f"{ROOT} input[type=range]")
    for i, c in enumerate(data["controls"]):
        box = sliders.nth(i).bounding_box()
        low_side = (c["value"] - c["low"]) > 0.3 * (c["high"] - c["low"])
        at = 0.05 if low_side else 0.95  # well away from the start, on whichever side
        # a click on the track (the locator scrolls the slider into view first)
        sliders.nth(i).click(position={"x": at * box["width"], "y": box["height"] / 2})
        x = position(page)
        assert x[i] != pytest.approx(c["value"])
        assert (c["low"] <= x[i] < c["value"]) if low_side else (c["value"] < x[i] <= c["high"])
        steps = (x[i] - c["low"]) / c["step"]
        assert steps == pytest.approx(round(steps), abs=1e-6)  # on the slider's grid
        check_answer(page, data)
    moved = page.locator(f"{ROOT} .me-wi-answer").inner_text()
    assert all(c["label"] in moved for c in data["controls"])


def _set(page, values: dict[str, float]) -> None:
    page.evaluate(
        """v => { const r = document.querySelector('.me-whatif');
        r.querySelectorAll('input[type=range]').forEach(e => {
          if (e.dataset.name in v) e.value = v[e.dataset.name]; });
        r.meWhatIf.update(); }""",
        values,
    )


def test_the_full_model_at_unseen_positions_is_within_the_error_the_page_states(
    whatif_page, tmp_path
):
    page, data = whatif_page
    controls = data["controls"]
    how = page.locator(f"{ROOT} .me-wi-how").inner_text()
    error = data["error"]
    assert fmt.money(error["one_mean"]) in how and fmt.money(error["several_mean"]) in how
    rng = np.random.default_rng(5)

    def grid(c, u):
        return c["low"] + round(u * (c["high"] - c["low"]) / c["step"]) * c["step"]

    first = controls[0]  # the input that moves the answer most
    cases = [
        ("one", {first["name"]: grid(first, 0.37)}),
        ("one", {controls[1]["name"]: grid(controls[1], 0.81)}),
        (
            "several",
            {
                c["name"]: grid(c, u)
                for c, u in zip(controls, rng.random(len(controls)), strict=True)
            },
        ),
    ]
    modes = list(MODES.names())
    for kind, values in cases:
        _set(page, values)
        x = position(page)
        shown = expected_answer(data, x)
        path = tmp_path / "position.yaml"
        path.write_text(page.locator(f"{ROOT} .me-wi-yaml").text_content(), encoding="utf-8")
        params = scenario.load(path)
        for c, v in zip(controls, x, strict=True):  # the file pins every slider at the page's value
            assert getattr(params, c["name"]) == pytest.approx(v)
        full, npv = whatif_design.answer(params, {}, n_paths=data["n_paths"])
        stated = error[f"{kind}_mean"]
        warned = "farther from the positions" in page.locator(f"{ROOT} .me-wi-warn").inner_text()
        if warned:  # the page disclaims its error there; a position along a slider never is
            assert kind == "several"
            continue
        for m in modes:
            got = shown["y"][data["outputs"].index(f"mean:{m}")]
            # the largest error measured, with a margin: a fresh position may exceed the
            # largest of a few, but not by much
            assert abs(got - full[f"mean:{m}"]) <= 1.5 * stated + 0.5, (kind, m, got, full)
        assert shown["rec"] == metrics.ranking(npv)[0] or abs(shown["lead"]) < 1.5 * stated + 0.5


def test_it_prints_the_scenarios_position_and_the_table_of_answers(whatif_page):
    page, data = whatif_page
    page.emulate_media(media="print")
    assert page.locator(f"{ROOT} .me-wi-table").is_visible()
    assert not page.locator(f"{ROOT} .me-wi-reset").is_visible()
    assert (
        "At the scenario's values, these inputs known"
        in page.locator(f"{ROOT} .me-wi-answer").inner_text()
    )
    rows = page.locator(f"{ROOT} .me-wi-table tbody tr")
    assert rows.count() == 1 + 2 * len(data["controls"])
    assert page.locator(f"{ROOT} .me-wi-chart svg rect").count() == len(MODES.names())
