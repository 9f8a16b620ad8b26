"""What a forecast report says around its numbers: the best score so far, the data's
freshness, the method's track record, and the flags that keep bad numbers out of
the headline.

The track record comes from the dense backtest that ``benchmarks/calibration.py``
runs on the shipped data and writes to ``track_record.json`` beside this module
(package data): per benchmark and method, how many past forecasts its 80% ranges
held and its median error. A report quotes it; nothing here re-runs it.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass
from importlib import resources

import polars as pl

from tracker.data.catalog import Benchmark
from tracker.data.select import Reached, first_reached, num_max
from tracker.data.store import Store

TRACK_RECORD = "track_record.json"
#: Sample sizes below this are flagged as tiny.
TINY_N = 5
#: A larger share of unfittable bootstrap resamples flags the interval as too narrow to trust.
MAX_FAILED_SHARE = 0.2
#: Dates this many years after the data's end, or compute above this, are flagged as absurd.
ABSURD_YEARS = 30.0
ABSURD_LOG10_FLOP = 30.0


@dataclass(frozen=True)
class BestSoFar:
    """The best score known at the as-of date: under the fitted settings, and under any setting."""

    fitted: Reached | None
    any_setting: Reached | None


@dataclass(frozen=True)
class Freshness:
    """How current the data are: newest score, newest model with compute, frontier models without compute."""

    data_end: dt.date
    newest_score: dt.date | None
    newest_compute_model: str | None
    newest_compute_date: dt.date | None
    recent_frontier: int  # frontier models released in the 12 months before the data's end
    recent_frontier_no_compute: int


@dataclass(frozen=True)
class TrackRecord:
    """How a method did in the dense backtest on one benchmark (or pooled)."""

    benchmark: str
    method: str
    n: int
    n_coverage: int
    hits: int
    coverage80: float | None
    mae_months: float | None
    bias_months: float | None
    crps_months: float | None
    crps_ratio_linear: float | None
    grid: str
    data_end: str
    made_on: str
    dropped: int | None = None  # target-dates left out: the crossing had happened, not yet known at the as-of date


def best_so_far(store: Store, benchmark: Benchmark, rows: pl.DataFrame, as_of: dt.date) -> BestSoFar:
    """Best of the selected rows (fitted settings), and best of every score of the benchmark known by ``as_of``."""
    fitted = _best(rows)
    every = store.benchmark_scores(benchmark.id, as_of)
    return BestSoFar(fitted, _best(every))


def _best(rows: pl.DataFrame) -> Reached | None:
    if rows.height == 0:
        return None
    return first_reached(rows, num_max(rows["score"]))  # the earliest model with the best score


def freshness(store: Store, data_end: dt.date) -> Freshness:
    """The data's freshness as of ``data_end`` (see ``Freshness``)."""
    f = store.freshness(data_end)
    return Freshness(data_end=data_end, **f)


def load_track_record() -> dict:
    """The committed dense-backtest summary (empty when the package has none)."""
    try:
        text = (resources.files("tracker.forecast") / TRACK_RECORD).read_text(encoding="utf-8")
    except (FileNotFoundError, OSError):
        return {}
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return {}


def backtested(record: dict | None = None) -> tuple[str, ...]:
    """The benchmarks the committed dense backtest covers."""
    rec = load_track_record() if record is None else record
    return tuple(str(b) for b in rec.get("benchmarks", ()))


def track_record(benchmark_id: str, method: str, record: dict | None = None) -> TrackRecord | None:
    """The track record of ``method`` on ``benchmark_id`` (None when the backtest did not score it)."""
    rec = load_track_record() if record is None else record
    for row in rec.get("records", []):
        if row.get("benchmark") == benchmark_id and row.get("method") == method:
            return TrackRecord(**{k: row.get(k) for k in TrackRecord.__dataclass_fields__})
    return None


def year_flags(
    median: float | None,
    lo80: float | None,
    *,
    reached: bool,
    data_end_year: float,
    n: int | None,
    failed: float = 0.0,
) -> list[str]:
    """Why a method's dates should not be read at face value (empty when nothing is wrong).

    ``failed`` is the share of bootstrap resamples that could not be fitted: those are left out of the
    intervals, and they fail when a resample has too few distinct points, so the survivors look like the
    data and the interval collapses (a 2025-02-19 to 2025-02-19 range on four records).
    """
    flags = []
    if failed > MAX_FAILED_SHARE:
        flags.append(f"{failed:.0%} of resamples could not be fitted: the interval is too narrow to trust")
    if median is None:
        flags.append("never reached in most resamples")
    elif not reached and median < data_end_year:
        flags.append("median before the data's end, for a target not reached")
    elif not reached and lo80 is not None and lo80 < data_end_year:
        flags.append("80% range starts before the data's end, for a target not reached")
    if median is not None and median > data_end_year + ABSURD_YEARS:
        flags.append(f"median more than {ABSURD_YEARS:g} years away")
    if n is not None and n < TINY_N:
        flags.append(f"only {n} data points")
    return flags


def compute_flag(log10c: float | None) -> list[str]:
    if log10c is not None and (not math.isfinite(log10c) or log10c > ABSURD_LOG10_FLOP):
        return [f"compute above 1e{ABSURD_LOG10_FLOP:.0f} FLOP"]
    return []
