"""The offline what-if's block: what it embeds, what it says, and a scenario name that
tries to end its script."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from models import format as fmt
from models.analysis import whatif, whatif_design
from models.inputs import scenario
from models.reporting import whatif_offline
from tests.conftest import has_chromium

#: Ends a script element, or switches the HTML parser into the state in which the next
#: </script> does not end it.
HOSTILE = 'Plain <!--<script> name </script><p id="after">x</p> & "co"'
NAMES = ("license_fee_usd_m_per_title", "license_fee_growth_year", "pricing_price_cny_month")


@pytest.fixture(scope="module")
def made():
    params = scenario.load("data/scenarios/base.yaml").replace(scenario_name=HOSTILE)
    controls = [whatif.control(params, name, "test") for name in NAMES]
    design = whatif_design.build(params, controls, 12, n_paths=60, training_paths=200)
    reported = pd.Series({m: 10.0 * i for i, m in enumerate(design.design.filter(like="mean:"))})
    reported.index = [k.split(":")[1] for k in reported.index]
    block = whatif_offline.section(design, params, reported)._repr_html_()
    return params, design, reported, block


def test_the_data_carries_no_markup_and_decodes_to_the_payload(made):
    params, design, reported, block = made
    data = re.search(r'<script type="application/json" id="[^"]+">(.*?)</script>', block, re.S)
    assert data and not re.search(r"[<>&]", data.group(1))
    decoded = json.loads(data.group(1))
    assert decoded == json.loads(json.dumps(whatif_offline.payload(design, params, reported)))
    assert HOSTILE in decoded["scenario_yaml"]
    # the YAML text, with a line per slider appended as the page does, is a scenario file
    assert "\n" in decoded["scenario_yaml"].strip() or decoded["scenario_yaml"].count(":") == 1
    assert block.count("<script") == 2 and block.count("</script>") == 2


def test_the_page_says_how_it_was_made_and_what_it_errs_by(made):
    _, design, reported, block = made
    how = re.search(r"<p class='me-wi-how'>(.*?)</p>", block, re.S).group(1)
    e = design.error_
    assert fmt.money(e["one_mean"]) in how and fmt.money(e["several_mean"]) in how
    assert f"{len(design.design)} positions" in how and "60 futures" in how
    best = reported.idxmax()
    assert fmt.money(reported[best]) in how  # the start against the report's own table
    # the printed table: the start and each slider's two ends, the full model's numbers
    rows = re.findall(r"<tr><td>", block.split('class="me-table me-wi-table"')[1])
    assert len(rows) == 1 + 2 * len(NAMES)


@pytest.mark.browser
@pytest.mark.slow
def test_a_hostile_name_neither_stops_the_script_nor_swallows_the_page(made, tmp_path):
    if not has_chromium():
        pytest.fail("Chromium is not installed: `apt-get install -y chromium` (.ci/run does it)")
    from playwright.sync_api import sync_playwright

    *_, block = made
    page_file = tmp_path / "page.html"
    page_file.write_text(
        f"<!doctype html><meta charset='utf-8'><body>{block}<p id='tail'>end</p></body>",
        encoding="utf-8",
    )
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        page = browser.new_context(offline=True).new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(page_file.as_uri())
        assert page.evaluate("typeof document.querySelector('.me-whatif').meWhatIf") == "object"
        assert page.locator("#tail").count() == 1 and page.locator("#after").count() == 0
        assert HOSTILE in page.locator(".me-wi-yaml").text_content()
        browser.close()
    assert errors == []
