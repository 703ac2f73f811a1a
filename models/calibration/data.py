"""Loaders of the public data in ``data/raw/``: checked, typed, never modified.

Raw files are immutable (cookiecutter-data-science): loaders read them, check columns,
types and units row by row, and fail with one line naming the file, the line and the
problem. Every loader keeps the file's ``status`` and source columns and adds a
``verified`` flag, so that unverified rows stay visible and can be left out of fits.

Status values (``data/raw/SOURCES.md``): ``SEC``/``verified``/``derived_SEC`` are
verified; ``partly_verified``, ``news``, ``news_derived``, ``verified_secondhand`` rest
partly on secondary reports; ``unverified`` is a commonly quoted figure not confirmed.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from models._paths import PROJECT_ROOT, RAW_DATA
from models.exceptions import DataFileError

RAW = RAW_DATA

VERIFIED = frozenset({"SEC", "verified", "derived_SEC"})
PARTLY = frozenset({"partly_verified", "news", "news_derived", "verified_secondhand", "derived"})
UNVERIFIED = frozenset({"unverified"})
STATUSES = VERIFIED | PARTLY | UNVERIFIED


@dataclass(frozen=True)
class Column:
    """A column's type (``str``, ``float``, ``int``, ``month``, ``date``, ``status``),
    whether it may be blank, and its valid range (units check)."""

    kind: str
    required: bool = True
    min: float | None = None
    max: float | None = None
    choices: frozenset[str] | None = None


def _parse(kind: str, text: str) -> object:
    if kind == "float":
        return float(text)
    if kind == "int":
        v = float(text)
        if not v.is_integer():
            raise ValueError("not a whole number")
        return int(v)
    if kind == "month":
        return pd.Period(pd.Timestamp(_month(text)), freq="M")
    if kind == "date":
        return pd.Timestamp(text)
    if kind == "day_or_month":  # YYYY-MM-DD, or YYYY-MM meaning the end of that month
        if len(text) == 7:
            return (
                pd.Period(pd.Timestamp(_month(text)), freq="M").to_timestamp(how="end").normalize()
            )
        if len(text) != 10:
            raise ValueError("expected YYYY-MM-DD or YYYY-MM")
        return pd.Timestamp(text)
    return text


def _month(text: str) -> str:
    if len(text) != 7 or text[4] != "-":
        raise ValueError("expected YYYY-MM")
    return text + "-01"


_WHAT = {
    "float": "a number",
    "int": "a whole number",
    "month": "a month YYYY-MM",
    "date": "a date YYYY-MM-DD",
    "day_or_month": "a date YYYY-MM-DD or a month YYYY-MM",
    "str": "text",
    "status": "a status",
}


def read_table(path: Path, columns: dict[str, Column]) -> pd.DataFrame:
    """Read a CSV and check it against ``columns``; raise DataFileError on the first
    problem, naming the file, line and column."""
    path = Path(path)
    name = _rel(path)
    if not path.is_file():
        raise DataFileError(f"data file {name}: not found")
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else "empty file"
        raise DataFileError(f"data file {name}: cannot be read as CSV ({first})") from None
    missing = [c for c in columns if c not in raw.columns]
    if missing:
        raise DataFileError(
            f"data file {name}: missing column {missing[0]!r}; expected "
            f"columns {', '.join(columns)}"
        )
    if raw.empty:
        raise DataFileError(f"data file {name}: has a header but no rows")
    out: dict[str, list] = {c: [] for c in columns}
    for i, row in raw.iterrows():
        line = int(i) + 2  # header is line 1
        for col, spec in columns.items():
            text = row[col].strip()
            if not text:
                if spec.required:
                    raise DataFileError(
                        f"data file {name} line {line}: column {col} is "
                        f"empty; expected {_WHAT[spec.kind]}"
                    )
                out[col].append(None)
                continue
            if spec.kind == "status" or spec.choices is not None:
                allowed = spec.choices or STATUSES
                if text not in allowed:
                    raise DataFileError(
                        f"data file {name} line {line}: column {col} is {text!r}; expected "
                        f"one of {', '.join(sorted(allowed))}"
                    )
                out[col].append(text)
                continue
            try:
                value = _parse(spec.kind, text)
            except (ValueError, TypeError):
                raise DataFileError(
                    f"data file {name} line {line}: column {col} is "
                    f"{text!r}; expected {_WHAT[spec.kind]}"
                ) from None
            if isinstance(value, float) and not math.isfinite(value):
                raise DataFileError(
                    f"data file {name} line {line}: column {col} is {text!r}; expected a "
                    "finite number"
                )
            if isinstance(value, int | float) and (
                (spec.min is not None and value < spec.min)
                or (spec.max is not None and value > spec.max)
            ):
                raise DataFileError(
                    f"data file {name} line {line}: column {col} is {text}; expected a value "
                    f"in [{spec.min:g}, {spec.max:g}] (check the unit)"
                )
            out[col].append(value)
    frame = pd.DataFrame(out)
    for col, spec in columns.items():
        if spec.kind in ("float", "int") and not spec.required:
            frame[col] = pd.to_numeric(frame[col])
        elif spec.kind in ("float", "int"):
            frame[col] = frame[col].astype(float if spec.kind == "float" else int)
    if "status" in frame:
        frame["verified"] = frame["status"].isin(VERIFIED)
    return frame


def _rel(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)


def _loader(
    filename: str,
    columns: dict[str, Column],
    post: Callable[[pd.DataFrame], pd.DataFrame] | None = None,
):
    def load(path: str | Path | None = None) -> pd.DataFrame:
        frame = read_table(Path(path) if path else RAW / filename, columns)
        return post(frame) if post else frame

    load.__name__ = filename.removesuffix(".csv")
    return load


def _sorted(by: list[str]) -> Callable[[pd.DataFrame], pd.DataFrame]:
    return lambda f: f.sort_values(by).reset_index(drop=True)


S, F, M = "str", "float", "month"

#: iQIYI, Tencent Video and Youku subscribing members, millions.
svod_subscribers = _loader(
    "china_svod_subscribers.csv",
    {
        "platform": Column(S),
        "as_of": Column("day_or_month"),
        "subscribers_m": Column(F, min=0, max=2000),
        "metric": Column(S),
        "status": Column("status"),
        "source": Column(S),
    },
    lambda f: (
        f.assign(as_of=pd.to_datetime(f["as_of"]))
        .sort_values(["platform", "as_of"])
        .reset_index(drop=True)
    ),
)

#: China's paid online-video market as industry bodies reported it: paid memberships
#: (summed over platforms), paying users, and the share of users who paid.
paid_video_market = _loader(
    "china_paid_video_market.csv",
    {
        "as_of": Column(M),
        "measure": Column(
            S, choices=frozenset({"paid_memberships", "paying_users", "share_paid_pct"})
        ),
        "value": Column(F, min=0, max=2000),
        # as the source words it: a count, "more than", or a forecast
        "qualifier": Column(S, choices=frozenset({"exact", "at_least", "forecast"})),
        "unit": Column(S),
        "publisher": Column(S),
        "status": Column("status"),
        "source": Column(S),
        "quote": Column(S),
    },
    _sorted(["as_of", "measure"]),
)

#: iQIYI's content costs, revenue and membership revenue by year, RMB bn.
iqiyi_economics = _loader(
    "iqiyi_content_economics.csv",
    {
        "year": Column("int", min=2000, max=2100),
        "measure": Column(S, choices=frozenset({"content_cost", "revenue", "membership_revenue"})),
        "value": Column(F, min=0, max=1000),
        "unit": Column(S),
        "status": Column("status"),
        "source": Column(S),
    },
    _sorted(["measure", "year"]),
)

#: China's internet and online-video users (CNNIC), millions and percent.
cnnic = _loader(
    "china_internet_cnnic.csv",
    {
        "as_of": Column(M),
        "internet_users_m": Column(F, min=10, max=2000),
        "penetration_pct": Column(F, min=0, max=100),
        "online_video_users_m": Column(F, required=False, min=10, max=2000),
        "status": Column("status"),
        "source": Column(S),
    },
    _sorted(["as_of"]),
)

#: Netflix paid memberships by region and quarter, thousands.
netflix_regional = _loader(
    "netflix_paid_memberships_regional_quarterly.csv",
    {
        "period_end": Column("date"),
        "quarter": Column(S),
        "global_paid_k": Column(F, min=1000, max=1e6),
        **{
            f"{r}_paid_k": Column(F, required=False, min=100, max=1e6)
            for r in ("ucan", "emea", "latam", "apac")
        },
        "status": Column("status"),
        "source": Column(S),
    },
    _sorted(["period_end"]),
)

#: Foreign digital services that entered China, how, and how they ended.
foreign_services = _loader(
    "foreign_digital_services_china.csv",
    {
        "service": Column(S),
        "company": Column(S),
        "category": Column(S),
        "entry_date": Column(M, required=False),
        # the record's own words (each mode names its analogues by one of them:
        # EntryMode.record_code, mapped in models.calibration.survival)
        "entry_mode": Column(S, choices=frozenset({"solo", "jv_or_partner", "licensing"})),
        "end_date": Column(M, required=False),
        "end_type": Column(
            S,
            choices=frozenset(
                {"blocked", "regulator_shutdown", "exit_voluntary", "sold", "operating"}
            ),
        ),
        "months_in_market": Column("int", required=False, min=0, max=1200),
        "status": Column("status"),
        "source_url": Column(S),
        "note": Column(S, required=False),
    },
)
