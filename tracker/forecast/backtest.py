"""How the forecasts would have fared: ``tracker backtest``.

For every as-of date T on a grid (default: every 6 months from 2021-01-01 to
the last date in the data), keep only models released and scores known on or
before T (the same ``select`` a forecast uses, so the backtest cannot see more
than a forecaster could), fit each method and baseline once, and forecast every
threshold of the benchmark's grid that no selected model had reached at T.
Each forecast is compared with the release date of the first model that
reached the threshold in today's data (censored when none has yet).

Per method and benchmark: n forecasts, how many resolved, the median absolute
error and the median signed error (bias; positive = forecast too late) in
months over resolved forecasts, and the share of resolved actual dates inside
the 80% interval. Baselines are scored on exactly the (T, threshold) pairs the
method forecast, so the comparison is paired. Open forecasts whose median is
already behind the last data date are counted as "overdue": a lower bound on
their error that resolved-only statistics would hide.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import asdict, dataclass

import numpy as np
import polars as pl

from tracker.data.catalog import Benchmark
from tracker.data.select import first_reached, select
from tracker.data.store import Store
from tracker.errors import FitError, UsageError
from tracker.fit.trend import decimal_year
from tracker.forecast import methods as m
from tracker.forecast.forecast import DEFAULT_SEED, DEFAULT_TREND_SINCE, jsonable

#: Threshold grid per benchmark id: (lowest, highest), in steps of GRID_STEP.
GRIDS = {
    "mmlu": (0.70, 0.90),
    "gpqa-diamond": (0.50, 0.85),
    "swe-bench-verified": (0.30, 0.80),
    "frontiermath": (0.10, 0.40),
}
GRID_STEP = 0.05
DEFAULT_START = dt.date(2021, 1, 1)
STEP_MONTHS = 6
#: Resamples per fit in the backtest: the 80% interval's ends are the 10th and
#: 90th percentiles, which 400 resamples pin to about +-1.5 percentile points.
BACKTEST_BOOT = 400
MONTHS_PER_YEAR = 12.0


def thresholds(benchmark_id: str) -> list[float]:
    lo, hi = GRIDS.get(benchmark_id, (None, None))
    if lo is None:
        raise UsageError(f"no threshold grid for {benchmark_id!r}; backtest one of: {', '.join(GRIDS)}")
    n = int(round((hi - lo) / GRID_STEP))
    return [round(lo + i * GRID_STEP, 4) for i in range(n + 1)]


def as_of_grid(start: dt.date, end: dt.date, months: int = STEP_MONTHS) -> list[dt.date]:
    out, y, mo = [], start.year, start.month
    while (d := dt.date(y, mo, min(start.day, 28))) <= end:
        out.append(d)
        mo += months
        y, mo = y + (mo - 1) // 12, (mo - 1) % 12 + 1
    return out


@dataclass(frozen=True)
class Point:
    """One forecast: method, as-of date, threshold, its answer and what happened."""

    benchmark: str
    method: str
    as_of: dt.date
    threshold: float
    median: float | None  # decimal year; None = never (open-ended)
    lo80: float | None
    hi80: float | None
    actual: float | None  # decimal year first reached; None = not yet (censored)
    actual_model: str | None

    @property
    def resolved(self) -> bool:
        return self.actual is not None

    @property
    def error_months(self) -> float | None:
        """Forecast minus actual, in months (positive = too late); a "never" forecast that resolved is +inf."""
        if self.actual is None:
            return None
        return math.inf if self.median is None else (self.median - self.actual) * MONTHS_PER_YEAR

    @property
    def inside80(self) -> bool | None:
        if self.actual is None:
            return None
        lo = math.inf if self.lo80 is None else self.lo80  # a lower end of "never": nothing is inside
        hi = math.inf if self.hi80 is None else self.hi80
        return lo <= self.actual <= hi


@dataclass(frozen=True)
class Stats:
    n: int
    n_resolved: int
    n_open: int
    n_overdue: int  # open, but the median date is already behind the last data date
    mae_months: float | None
    bias_months: float | None
    coverage80: float | None


@dataclass(frozen=True)
class Summary:
    benchmark: str
    method: str
    stats: Stats
    baselines: dict  # baseline name -> Stats on the same (as_of, threshold) pairs
    n_not_run: int  # as-of dates at which the method could not be fitted (why_not_run: the first reason)
    why_not_run: str | None


@dataclass(frozen=True)
class Backtest:
    as_of: tuple[dt.date, ...]
    last_data_date: dt.date
    n_boot: int
    seed: int
    points: tuple[Point, ...]
    summaries: tuple[Summary, ...]
    not_run: tuple[tuple[str, str, dt.date, str], ...]  # (benchmark, method, as_of, why)

    def to_dict(self) -> dict:
        pts = [dict(asdict(p), error_months=p.error_months, inside80=p.inside80) for p in self.points]
        return jsonable({"as_of": self.as_of, "last_data_date": self.last_data_date, "n_boot": self.n_boot,
                     "seed": self.seed, "summaries": [asdict(s) for s in self.summaries], "forecasts": pts,
                     "not_run": [dict(zip(("benchmark", "method", "as_of", "why"), r)) for r in self.not_run]})


def stats(points: list[Point], last: float) -> Stats:
    res = [p for p in points if p.resolved]
    errs = np.array([p.error_months for p in res], dtype=float)
    open_ = [p for p in points if not p.resolved]
    overdue = sum(1 for p in open_ if p.median is not None and p.median < last)
    return Stats(
        n=len(points), n_resolved=len(res), n_open=len(open_), n_overdue=overdue,
        mae_months=float(np.median(np.abs(errs))) if res else None,
        bias_months=float(np.median(errs)) if res else None,
        coverage80=float(np.mean([p.inside80 for p in res])) if res else None,
    )


def _first_reached(rows: pl.DataFrame, t: float) -> tuple[float | None, str | None]:
    """(decimal year, model id) of the crossing event (``tracker.data.select.first_reached``), or (None, None)."""
    hit = first_reached(rows, t)
    if hit is None:
        return None, None
    return float(decimal_year(np.datetime64(hit.date))), hit.model_id


def _q(v: float) -> float | None:
    return v if math.isfinite(v) else None


def last_data_date(store: Store) -> dt.date:
    return store.last_data_date()


def run(
    store: Store,
    benchmarks: list[Benchmark],
    *,
    as_of: list[dt.date] | None = None,
    methods: tuple[str, ...] = m.METHODS + m.BASELINES,
    n_boot: int = BACKTEST_BOOT,
    seed: int = DEFAULT_SEED,
    trend_since: dt.date = DEFAULT_TREND_SINCE,
    grids: dict[str, list[float]] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Backtest:
    """Backtest ``methods`` on ``benchmarks`` (see the module docstring)."""
    last = store.last_data_date()
    dates = list(as_of) if as_of else as_of_grid(DEFAULT_START, last)
    last_year = float(decimal_year(np.datetime64(last)))
    points: list[Point] = []
    not_run: list[tuple[str, str, dt.date, str]] = []
    total, done = len(benchmarks) * len(dates), 0
    for b in benchmarks:
        grid = (grids or {}).get(b.id) or thresholds(b.id)
        truth = select(store, b, as_of=last).rows  # what happened, as known today
        actual = {t: _first_reached(truth, t) for t in grid}
        for T in dates:
            sel = select(store, b, as_of=T)
            open_t = [t for t in grid if first_reached(sel.rows, t) is None]
            rows = sel.flagged
            front = store.frontier(T, trend_since)
            for meth in methods:
                if not open_t:
                    break
                try:
                    f = m.fit_method(meth, rows, front, floor=b.floor, ceiling=b.ceiling,
                                     weight=b.weight, as_of=T, n_boot=n_boot, seed=seed)
                except FitError as exc:
                    not_run.append((b.id, meth, T, str(exc)))
                    continue
                for t in open_t:
                    q = f.year_quantiles(t, (0.5, 0.1, 0.9))
                    ay, am = actual[t]
                    points.append(Point(b.id, meth, T, t, _q(q[0]), _q(q[1]), _q(q[2]), ay, am))
            done += 1
            if progress:
                progress(done, total)
    return Backtest(tuple(dates), last, n_boot, seed, tuple(points), tuple(summarise(points, not_run, last_year, methods)),
                    tuple(not_run))


def summarise(points: list[Point], not_run, last_year: float, methods) -> list[Summary]:
    by = {}
    for p in points:
        by.setdefault((p.benchmark, p.method), []).append(p)
    index = {(p.benchmark, p.method, p.as_of, p.threshold): p for p in points}
    out = []
    for bench in dict.fromkeys(p.benchmark for p in points):
        for meth in methods:
            pts = by.get((bench, meth), [])
            base = {}
            for bl in m.BASELINES:
                if bl == meth or bl not in methods:
                    continue
                same = [index.get((bench, bl, p.as_of, p.threshold)) for p in pts]
                if any(s is None for s in same):  # the baseline could not run at some of these dates
                    same = [s for s in same if s is not None]
                base[bl] = stats(same, last_year)
            why = [w for (bb, mm, _, w) in not_run if bb == bench and mm == meth]
            out.append(Summary(bench, meth, stats(pts, last_year), base, len(why), why[0] if why else None))
    return out
