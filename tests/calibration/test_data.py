"""Loaders of data/raw: real files load with their flags; malformed files are refused with
one line naming the file, line and problem; raw files are never modified."""

from __future__ import annotations

import hashlib

import pandas as pd
import pytest

from models.calibration import data
from models.exceptions import DataFileError
from tests.conftest import ROOT

LOADERS = [
    data.svod_subscribers,
    data.cnnic,
    data.paid_video_market,
    data.iqiyi_economics,
    data.netflix_regional,
    data.foreign_services,
]


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_real_files_load_with_types_and_flags():
    before = {p.name: digest(p) for p in (ROOT / "data/raw").glob("*")}
    svod = data.svod_subscribers()
    assert svod["subscribers_m"].dtype == float and len(svod) == 23
    assert pd.api.types.is_datetime64_any_dtype(svod["as_of"])
    assert set(svod["platform"]) == {"iQIYI", "Tencent Video", "Youku"}
    iq = svod[svod["platform"] == "iQIYI"].set_index("as_of")
    assert iq.loc["2017-12-31", "subscribers_m"] == 50.8 and iq.loc["2017-12-31", "verified"]
    assert not iq.loc["2015-12-31", "verified"]  # unverified rows stay, flagged
    assert data.cnnic()["online_video_users_m"].isna().sum() == 4
    nf = data.netflix_regional()
    full = nf.dropna(subset=["apac_paid_k"])
    regions = full[["ucan_paid_k", "emea_paid_k", "latam_paid_k", "apac_paid_k"]].sum(axis=1)
    assert (regions == full["global_paid_k"]).all()  # SOURCES.md: regions sum to global
    fs = data.foreign_services()
    assert len(fs) == 40 and fs["months_in_market"].isna().sum() == 1
    for f in LOADERS:
        assert "verified" in f().columns
    assert {p.name: digest(p) for p in (ROOT / "data/raw").glob("*")} == before


HEADER = "platform,as_of,subscribers_m,metric,status,source\n"


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "cannot be read as CSV"),
        (HEADER, "has a header but no rows"),
        (
            "platform,as_of,metric,status,source\nx,2019-12-31,m,verified,s\n",
            "missing column 'subscribers_m'",
        ),
        (
            HEADER + "iQIYI,2019-12-31,lots,m,verified,s\n",
            "line 2: column subscribers_m is 'lots'; expected a number",
        ),
        (
            HEADER + "iQIYI,2019-12-31,10,m,verified,s\niQIYI,2020-12-31,106900000,m,verified,s\n",
            "line 3: column subscribers_m is 106900000; expected a value in [0, 2000]",
        ),
        (HEADER + "iQIYI,2019-12-31,10,m,maybe,s\n", "line 2: column status is 'maybe'"),
        (HEADER + "iQIYI,2019-12-31,,m,verified,s\n", "line 2: column subscribers_m is empty"),
    ],
)
def test_malformed_files_are_refused_in_one_line(tmp_path, text, fragment):
    p = tmp_path / "svod.csv"
    p.write_text(text)
    with pytest.raises(DataFileError) as info:
        data.svod_subscribers(p)
    msg = str(info.value)
    assert "\n" not in msg and str(p) in msg and fragment in msg


@pytest.mark.parametrize(
    ("row", "fragment"),
    [
        ("iQIYI,not-a-date,10,m,verified,s", "column as_of is 'not-a-date'"),
        ("iQIYI,2019-13-31,10,m,verified,s", "column as_of is '2019-13-31'"),
        ("iQIYI,2019-12-31,nan,m,verified,s", "expected a finite number"),
        ("iQIYI,2019-12-31,inf,m,verified,s", "column subscribers_m is 'inf'"),
    ],
)
def test_bad_dates_and_non_finite_numbers(tmp_path, row, fragment):
    p = tmp_path / "svod.csv"
    p.write_text(HEADER + row + "\n")
    with pytest.raises(DataFileError, match="line 2") as info:
        data.svod_subscribers(p)
    assert fragment in str(info.value)


def test_wrong_types_in_other_files(tmp_path):
    p = tmp_path / "services.csv"
    src = (ROOT / "data/raw/foreign_digital_services_china.csv").read_text().splitlines()
    bad = src[1].replace(",solo,", ",alone,", 1)
    p.write_text("\n".join([src[0], bad]) + "\n")
    with pytest.raises(DataFileError, match="line 2: column entry_mode is 'alone'"):
        data.foreign_services(p)
    q = tmp_path / "cnnic.csv"
    q.write_text(
        "as_of,internet_users_m,penetration_pct,online_video_users_m,status,source\n"
        "2015/12,688,50.3,504,verified,x\n"
    )
    with pytest.raises(DataFileError, match="column as_of is '2015/12'; expected a month"):
        data.cnnic(q)


def test_missing_and_binary_files(tmp_path):
    with pytest.raises(DataFileError, match="not found"):
        data.cnnic(tmp_path / "nope.csv")
    b = tmp_path / "bin.csv"
    b.write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(DataFileError, match="cannot be read"):
        data.cnnic(b)
