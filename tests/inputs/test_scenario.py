"""Scenario files: safe YAML, one clear error per problem, -p value parsing."""

from __future__ import annotations

import pytest

from models.exceptions import ParameterError, ScenarioFileError
from models.inputs.scenario import load, load_yaml, parse_overrides, parse_value, slug
from tests.conftest import ROOT


def write(tmp_path, text, name="s.yaml"):
    p = tmp_path / name
    p.write_text(text)
    return p


def test_load_applies_file_then_overrides(tmp_path):
    p = write(tmp_path, "growth_churn_rate_month: 0.08\nhorizon_years: 5\n", "my_case.yaml")
    params = load(p, {"horizon_years": 7})
    assert params.growth_churn_rate_month == 0.08
    assert params.horizon_years == 7
    assert params.scenario_name == "my_case"


def test_empty_file_is_the_defaults(tmp_path):
    assert load(write(tmp_path, "# nothing\n")).horizon_years == 15


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("horizon_years: [1, 2\n", "invalid YAML"),
        ("- 1\n- 2\n", "expected a mapping"),
        ("just text\n", "expected a mapping"),
        ("x: !!python/object/apply:os.system ['echo hi']\n", "tags such as"),
        ("horizon_years: 5\nhorizon_years: 6\n", "duplicate key 'horizon_years'"),
        ("1: 2\n", "is not a parameter name"),
    ],
)
def test_bad_files(tmp_path, text, fragment):
    p = write(tmp_path, text)
    with pytest.raises(ScenarioFileError) as info:
        load_yaml(p)
    assert fragment in str(info.value) and str(p) in str(info.value)
    assert "\n" not in str(info.value)


def test_a_folder_is_not_a_scenario(tmp_path):
    with pytest.raises(ScenarioFileError, match="is a folder"):
        load(tmp_path)


def test_missing_file(tmp_path):
    with pytest.raises(ScenarioFileError, match="not found"):
        load(tmp_path / "nope.yaml")


def test_bad_parameter_in_file_names_the_file(tmp_path):
    p = write(tmp_path, "growth_churn_rate_month: 2\n")
    with pytest.raises(ParameterError, match=r"growth_churn_rate_month=2 in .*s\.yaml"):
        load(p)


def test_tags_never_execute(tmp_path):
    marker = tmp_path / "pwned"
    p = write(tmp_path, f"x: !!python/object/apply:os.system ['touch {marker}']\n")
    with pytest.raises(ScenarioFileError):
        load(p)
    assert not marker.exists()


@pytest.mark.parametrize(
    ("name", "text", "value"),
    [
        ("growth_churn_rate_month", "0.08", 0.08),
        ("market_price_elasticity", "-2", -2),
        ("market_price_elasticity", "-0.5", -0.5),
        ("content_dub_usd_per_hour", "1.2e4", 12000.0),
        ("growth_churn_rate_month", "1e-3", 0.001),
        ("growth_churn_rate_month", "[0.04, 0.06, 0.1]", [0.04, 0.06, 0.1]),
        ("growth_churn_rate_month", "[4e-2, 0.06, 1e-1]", [0.04, 0.06, 0.1]),
        ("horizon_years", "10", 10),
        ("horizon_years", "ten", "ten"),
        ("scenario_name", "Plan #2: B", "Plan #2: B"),
        ("scenario_name", "2015", "2015"),
        ("scenario_name", "yes", "yes"),
        ("scenario_name", "- draft", "- draft"),
        ("scenario_notes", "", ""),
        ("scenario_name", "<b>x</b>", "<b>x</b>"),
        ("growth_churn_rate_month", "12:30", "12:30"),
    ],
)
def test_parse_value_by_schema_type(name, text, value):
    assert parse_value(text, name) == value


def test_parse_overrides_refuses_repeats():
    with pytest.raises(ParameterError, match="given twice"):
        parse_overrides([("horizon_years", "5"), ("horizon_years", "6")])


def test_slug():
    assert slug("letv_2015") == "letv_2015"
    assert slug("../../etc/passwd") == "etc-passwd"
    assert slug("<script>") == "script"
    assert slug("北京") == "北京" and slug("東京") == "東京"  # no shared folder
    assert slug("Base") != slug("base")
    assert slug("..") == "scenario"


def test_shipped_scenarios_load():
    for path in (ROOT / "data" / "scenarios").glob("*.yaml"):
        load(path)


# -- saving a scenario (the what-if panel's button) --------------------------------------


def _rich_params():
    from models.inputs.params import validate

    return validate(
        scenario_name="Cheaper licences: a what-if",
        scenario_notes='Two lines\nwith "quotes" and # hashes',
        partner_revenue_share=0.25,
        growth_churn_rate_month=[0.04, 0.05, 0.09],
        market_foreign_premium_share={"dist": "triangular", "low": 0.03, "mode": 0.08, "high": 0.2},
        correlations=[["growth_churn_rate_month", "market_foreign_premium_share", -0.3]],
        license_fee_usd_m_per_title=0.7,  # an uncertain input pinned to a number
    )


def test_save_round_trips_every_kind_of_value(tmp_path, cli):
    from models.inputs.scenario import save

    params = _rich_params()
    path = save(params, tmp_path / "cheaper.yaml", comment="Saved by a test\nsecond line")
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Saved by a test\n# second line\n")
    # ranges, distributions and correlation triples are written inline, the rest in blocks
    assert "growth_churn_rate_month: [0.04, 0.05, 0.09]\n" in text
    assert "market_foreign_premium_share: {dist: triangular," in text
    back = load(path)
    assert back.digest() == params.digest()
    assert back.pinned == params.pinned and back.specs == params.specs
    # and the command line takes it as it is
    ran = cli("check", str(path))
    assert ran.returncode == 0, ran.stderr
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left


def test_save_refuses_to_overwrite_unless_told(tmp_path):
    from models.inputs.params import validate
    from models.inputs.scenario import save

    path = tmp_path / "mine.yaml"
    path.write_text("horizon_years: 7\n")
    with pytest.raises(ScenarioFileError, match=r"mine\.yaml: exists; not overwritten"):
        save(validate(horizon_years=5), path)
    assert path.read_text() == "horizon_years: 7\n"
    save(validate(horizon_years=5), path, overwrite=True)
    assert load(path).horizon_years == 5
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.yaml"]


@pytest.mark.parametrize(
    ("name", "fragment"), [("x.yml", "ending in .yaml"), ("nowhere/x.yaml", "does not exist")]
)
def test_save_bad_target(tmp_path, name, fragment):
    from models.inputs.params import validate
    from models.inputs.scenario import save

    with pytest.raises(ScenarioFileError, match=fragment):
        save(validate(), tmp_path / name)
    assert list(tmp_path.iterdir()) == []


def test_a_valid_scenario_is_validated_once(monkeypatch):
    """The merged values are validated once; only a failure validates the file alone, to
    say whether the file or the -p overrides are at fault."""
    from models.inputs import params

    calls = []
    real = params.validate

    def counted(*args, **kwargs):
        calls.append(kwargs.get("where"))
        return real(*args, **kwargs)

    monkeypatch.setattr(params, "validate", counted)
    base = ROOT / "data/scenarios/base.yaml"
    assert load(base, {"n_paths": 200}).n_paths == 200
    assert calls == [" (after -p overrides)"]
    calls.clear()
    with pytest.raises(ParameterError, match=r"n_paths=1 \(after -p overrides\): expected"):
        load(base, {"n_paths": 1})
    assert calls == [" (after -p overrides)", f" in {base}"]


def test_dumps_is_what_save_writes_and_reads_back(tmp_path):
    from models.inputs.scenario import dumps, save

    params = _rich_params()
    text = dumps(params.overrides(), "a comment")
    assert save(params, tmp_path / "x.yaml", comment="a comment").read_text("utf-8") == text
    # the offline what-if appends its sliders' lines to such a text, without them
    rest = {k: v for k, v in params.overrides().items() if k != "partner_revenue_share"}
    (tmp_path / "y.yaml").write_text(dumps(rest) + "partner_revenue_share: 0.3\n", "utf-8")
    back = load(tmp_path / "y.yaml")
    assert back.partner_revenue_share == 0.3
    assert back.replace(partner_revenue_share=0.25).digest() == params.digest()
