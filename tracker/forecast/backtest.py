"""How the forecasts would have fared: ``tracker backtest``, scored fairly (docs/method.md, section 8).

For every as-of date T of a grid, keep only models released and scores known
on or before T (the same ``select`` a forecast uses), fit each method once with
``tracker.forecast.methods.fit_method`` (the code ``tracker forecast`` runs),
and forecast every threshold of the benchmark's grid not yet reached at T.

The event is the crossing of ``tracker.data.select.first_reached``: the release
date of the first version whose score meets the threshold, in the data as known
at the truth cutoff, never before the benchmark's publication. Scoring rules:

* a forecast whose event happened before T (released before T, its score not
  yet known at T) is dropped and counted: no forecast is scored against an
  event before its as-of date;
* the truth cutoff is the benchmark's own data end (the newest date its scores
  became known) less its reporting lag (``benchmark_truth``): what happens
  after it is unknown, not "never";
* resolved forecasts give the error of the median (months, + = too late);
  open forecasts whose 80% interval ended before the cutoff are *overdue* and
  count as misses in the 80% coverage; other open forecasts are left out of
  coverage (unknown yet) but stay in the proper score;
* the proper score is the threshold-weighted CRPS censored at the cutoff
  (``tracker.fit.scoring.tw_crps``), in months, for every forecast;
* a benchmark whose fitted series stopped (no model released in its last
  ``STALE_DAYS`` before the data's end, as a series labs stop reporting, such as
  MMLU 5-shot, will be) cannot resolve its open targets: those whose 80% interval
  reaches past the stop are labelled *unresolvable* and scored nowhere; those
  whose interval ended before it are overdue (misses, as on a live series);
* methods are compared on common forecasts only (the keys every compared
  method produced).

Forecasts at nearby as-of dates and thresholds are correlated: counts overstate
the evidence, and the reports say so.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field, fields

import numpy as np
import polars as pl

from tracker.data.catalog import Benchmark
from tracker.data.select import date_max, first_reached, select, state_of_the_art
from tracker.data.store import Store
from tracker.errors import FitError, UsageError
from tracker.fit.resample import quantiles_with_inf
from tracker.fit.scoring import crps, tw_crps
from tracker.fit.trend import decimal_year
from tracker.forecast import methods as m
from tracker.forecast.forecast import DEFAULT_SEED, DEFAULT_TREND_SINCE, jsonable, series_end

#: Threshold grid per benchmark id: (lowest, highest).
GRIDS = {
    "mmlu": (0.70, 0.95),
    "gpqa-diamond": (0.50, 0.95),
    "swe-bench-verified": (0.30, 0.90),
    "frontiermath": (0.10, 0.90),
}


@dataclass(frozen=True)
class Grid:
    """As-of dates every ``months`` from ``start``; thresholds every ``step``."""

    name: str
    months: int
    step: float
    start: dt.date = dt.date(2021, 1, 1)


QUICK = Grid("quick", 6, 0.05)
DENSE = Grid("dense", 3, 0.025)
GRIDS_BY_NAME = {g.name: g for g in (QUICK, DENSE)}
#: Resamples per fit in the backtest (``tracker.forecast.methods.BACKTEST_BOOT``).
BACKTEST_BOOT = m.BACKTEST_BOOT
MONTHS_PER_YEAR = 12.0
#: An average month (365.25 / 12 days): errors measured between two dates are in these months.
DAYS_PER_MONTH = 365.25 / MONTHS_PER_YEAR
#: A series whose newest model is this much older than the data's end has stopped.
STALE_DAYS = 365
#: Horizons (years) of the state-of-the-art score forecasts scored by CRPS.
SOTA_HORIZONS = (0.5, 1.0)


def thresholds(benchmark_id: str, step: float = QUICK.step) -> list[float]:
    lo, hi = GRIDS.get(benchmark_id, (None, None))
    if lo is None or hi is None:
        raise UsageError(f"no threshold grid for {benchmark_id!r}; backtest one of: {', '.join(GRIDS)}")
    n = int(round((hi - lo) / step))
    return [round(lo + i * step, 4) for i in range(n + 1)]


def as_of_grid(start: dt.date, end: dt.date, months: int = QUICK.months) -> list[dt.date]:
    out, y, mo = [], start.year, start.month
    while (d := dt.date(y, mo, min(start.day, 28))) <= end:
        out.append(d)
        mo += months
        y, mo = y + (mo - 1) // 12, (mo - 1) % 12 + 1
    return out


def _year(d: dt.date) -> float:
    return float(decimal_year(np.datetime64(d)))


@dataclass(frozen=True)
class Point:
    """One forecast: method, as-of date, threshold, its answer, what happened and its scores."""

    benchmark: str
    method: str
    as_of: dt.date
    threshold: float
    median: float | None  # decimal year; None = never (open-ended)
    lo80: float | None
    hi80: float | None
    actual: float | None  # decimal year of the event; None = not by the cutoff
    actual_model: str | None
    status: str  # resolved | open | overdue | unresolvable
    crps_months: float | None  # threshold-weighted CRPS (None for unresolvable)
    # The forecast's CDF at the truth: F(actual) for a resolved forecast; F(cutoff) for an open one (the
    # truth lies after the cutoff, so any central interval ending below it missed). For calibration charts.
    pit: float | None = None
    f_cutoff: float | None = None

    @property
    def resolved(self) -> bool:
        return self.status == "resolved"

    @property
    def error_months(self) -> float | None:
        """Forecast median minus actual, in months (+ = too late); a "never" forecast that resolved is +inf."""
        if self.actual is None:
            return None
        return math.inf if self.median is None else (self.median - self.actual) * MONTHS_PER_YEAR

    @property
    def inside80(self) -> bool | None:
        """Whether the truth fell inside the 80% interval: None while unknown; overdue counts as outside."""
        if self.status == "overdue":
            return False
        if self.actual is None:
            return None
        lo = math.inf if self.lo80 is None else self.lo80  # a lower end of "never": nothing is inside
        hi = math.inf if self.hi80 is None else self.hi80
        return lo <= self.actual <= hi

    @property
    def width80_months(self) -> float:
        if self.lo80 is None or self.hi80 is None:
            return math.inf
        return (self.hi80 - self.lo80) * MONTHS_PER_YEAR

    @property
    def key(self) -> tuple[str, dt.date, float]:
        return (self.benchmark, self.as_of, self.threshold)


@dataclass(frozen=True)
class SotaPoint:
    """A forecast of the state of the art ``horizon`` years after the as-of date, scored by CRPS."""

    benchmark: str
    method: str
    as_of: dt.date
    horizon: float
    median: float
    actual: float
    crps: float


@dataclass(frozen=True)
class Stats:
    n: int  # scored forecasts (resolved + open + overdue)
    n_resolved: int
    n_open: int
    n_overdue: int  # open, but the 80% interval ended before the cutoff: a miss
    mae_months: float | None  # median |error| over resolved forecasts
    bias_months: float | None  # median signed error over resolved forecasts
    mae_near_months: float | None  # median |error| for events within 6 months of the as-of date
    coverage80: float | None  # share inside the 80% interval, overdue counted as misses
    n_coverage: int  # forecasts whose coverage is known
    width80_months: float | None  # median width of the 80% interval
    crps_months: float | None  # mean threshold-weighted CRPS
    n_median_before_as_of: int
    n_zero_width: int


@dataclass(frozen=True)
class Summary:
    benchmark: str  # a benchmark id, or "pooled"
    method: str
    stats: Stats
    versus: dict  # other method -> {"n": common forecasts, "crps": this, "crps_other": that, "ratio": this/that}
    n_not_run: int  # as-of dates at which the method could not be fitted
    why_not_run: str | None


@dataclass(frozen=True)
class Backtest:
    grid: str
    as_of: tuple[dt.date, ...]
    last_data_date: dt.date
    cutoffs: dict  # benchmark id -> truth cutoff
    stale: tuple[str, ...]  # benchmarks whose series stopped
    n_boot: int
    seed: int
    points: tuple[Point, ...]
    sota: tuple[SotaPoint, ...]
    summaries: tuple[Summary, ...]
    dropped: dict  # benchmark id -> forecasts dropped because the event preceded the as-of date
    n_unresolvable: dict  # benchmark id -> forecasts of unresolvable targets (per method run)
    not_run: tuple[tuple[str, str, dt.date, str], ...]  # (benchmark, method, as_of, why)
    methods: tuple[str, ...] = field(default=())

    def summary(self, benchmark: str, method: str) -> Summary | None:
        return next((s for s in self.summaries if s.benchmark == benchmark and s.method == method), None)

    def forecasts(self) -> pl.DataFrame:
        """One row per past forecast (benchmark, method, as-of date, target, median and intervals, the actual
        date, error in months, inside the 80% range): a notebook's view of what ``to_dict()["forecasts"]`` holds."""
        rows = self.to_dict()["forecasts"]
        if not rows:  # the columns still, so that a filter on them works
            return pl.DataFrame({name: [] for name in [f.name for f in fields(Point)] + ["error_months", "inside80"]})
        return pl.DataFrame(rows, infer_schema_length=None)

    def summary_table(self) -> pl.DataFrame:
        """One row per benchmark and method: its scores as columns (counts, coverage, errors, CRPS: the numbers of
        ``tracker backtest``'s table); the comparisons with the baselines stay in ``to_dict()["summaries"]``."""
        df = pl.DataFrame(self.to_dict()["summaries"], infer_schema_length=None)
        return df.unnest("stats").drop("versus") if df.height else df

    def to_dict(self) -> dict:
        pts = [dict(asdict(p), error_months=p.error_months, inside80=p.inside80) for p in self.points]
        return jsonable(
            {
                "grid": self.grid,
                "as_of": self.as_of,
                "last_data_date": self.last_data_date,
                "cutoffs": self.cutoffs,
                "stale": list(self.stale),
                "n_boot": self.n_boot,
                "seed": self.seed,
                "methods": list(self.methods),
                "summaries": [asdict(s) for s in self.summaries],
                "dropped": self.dropped,
                "n_unresolvable": self.n_unresolvable,
                "forecasts": pts,
                "sota": [asdict(s) for s in self.sota],
                "not_run": [dict(zip(("benchmark", "method", "as_of", "why"), r, strict=True)) for r in self.not_run],
            }
        )


def coverage_by_level(points: Iterable[Point], levels: Iterable[float]) -> list[tuple[float, float | None, int]]:
    """(level, share of truths inside the central interval of that level, forecasts known) for each level.

    Resolved forecasts count by their PIT; open ones whose CDF at the cutoff is
    already above the interval's upper quantile count as misses (the truth lies
    after the cutoff); other open ones are unknown and left out.
    """
    pts = [p for p in points if p.status != "unresolvable"]
    out = []
    for a in levels:
        lo, hi = (1 - a) / 2, (1 + a) / 2
        known = []
        for p in pts:
            if p.pit is not None:
                known.append(lo <= p.pit <= hi)
            elif p.f_cutoff is not None and p.f_cutoff > hi:
                known.append(False)
        out.append((a, float(np.mean(known)) if known else None, len(known)))
    return out


def _median(values: list[float]) -> float | None:
    return float(np.median(values)) if values else None


def stats(points: Iterable[Point]) -> Stats:
    pts = [p for p in points if p.status != "unresolvable"]
    res = [p for p in pts if p.resolved]
    errs = [p.error_months for p in res]
    errs_f = [e for e in errs if e is not None]
    near = [
        abs(e) for p, e in zip(res, errs_f, strict=True) if p.actual is not None and p.actual - _year(p.as_of) <= 0.5
    ]
    cov = [p.inside80 for p in pts if p.inside80 is not None]
    crps_v = [p.crps_months for p in pts if p.crps_months is not None]
    return Stats(
        n=len(pts),
        n_resolved=len(res),
        n_open=sum(p.status == "open" for p in pts),
        n_overdue=sum(p.status == "overdue" for p in pts),
        mae_months=_median([abs(e) for e in errs_f]),
        bias_months=_median(errs_f),
        mae_near_months=_median(near),
        coverage80=float(np.mean(cov)) if cov else None,
        n_coverage=len(cov),
        width80_months=_median([p.width80_months for p in pts]),
        crps_months=float(np.mean(crps_v)) if crps_v else None,
        n_median_before_as_of=sum(1 for p in pts if p.median is not None and p.median < _year(p.as_of) - 1e-9),
        n_zero_width=sum(1 for p in pts if p.width80_months < 1.0 / DAYS_PER_MONTH),
    )


def _truth(store: Store, b: Benchmark, last: dt.date) -> tuple[pl.DataFrame, dt.date, bool]:
    """The benchmark's rows as known at the data's end, its truth cutoff, and whether its series stopped."""
    return benchmark_truth(select(store, b, as_of=last).rows, last)


def benchmark_truth(rows: pl.DataFrame, last: dt.date) -> tuple[pl.DataFrame, dt.date, bool]:
    """(rows, truth cutoff, stopped). The series stopped when its newest model is more than ``STALE_DAYS``
    older than the data's end ``last``.

    Events are dated by release, and a score becomes known some time after its model's release, so the
    newest date a score of ``rows`` became known is not the last release date the data can judge: a
    crossing by a model released a few weeks before it is mostly not in the data yet. The cutoff is that
    newest known date less the benchmark's own reporting lag, the upper quartile of (known date - release)
    over its models of the year before (``REPORT_LAG_MIN_ROWS`` at least; else no lag). On a stopped series
    no lag is taken: its last scores had long enough to arrive.
    """
    if rows.height == 0:
        return rows, last, True
    newest = date_max(rows["known_date"])
    stale = (last - date_max(rows["release_date"])).days > STALE_DAYS
    return rows, newest if stale else newest - dt.timedelta(days=report_lag_days(rows, newest)), stale


#: Models in the year before the newest known date needed to measure a benchmark's reporting lag.
REPORT_LAG_MIN_ROWS = 5


def report_lag_days(rows: pl.DataFrame, newest: dt.date) -> int:
    """The upper quartile of the days from release (or the benchmark's publication, when later) to known
    date over the models released in the year before ``newest`` (0 when fewer than ``REPORT_LAG_MIN_ROWS``)."""
    # a score can be known no earlier than the benchmark's publication: the lag runs from the later of the two
    start = (
        pl.max_horizontal("release_date", pl.col("benchmark_published").fill_null(pl.col("release_date")))
        if "benchmark_published" in rows.columns
        else pl.col("release_date")
    )
    recent = rows.filter(pl.col("release_date") >= newest - dt.timedelta(days=365)).select(
        (pl.col("known_date") - start).dt.total_days().clip(lower_bound=0).alias("lag")
    )
    if recent.height < REPORT_LAG_MIN_ROWS:
        return 0
    lag = recent["lag"]
    q = lag.quantile(0.75, interpolation="linear")
    return int(math.ceil(q)) if q is not None else 0


def outcome(reached: bool, stale: bool, hi80, cutoff) -> str:
    """The state of a forecast against the truth: ``resolved`` (the event happened), ``overdue`` (the 80%
    interval ended before the truth cutoff without it: a miss), ``unresolvable`` (the series stopped with the
    interval still running), or ``open``. ``hi80`` and ``cutoff`` are comparable (both dates or both decimal
    years); ``hi80`` None is never.

    Overdue is tested before a stopped series: on a series that stopped, the cutoff is the last date a score
    became known, so an interval that ended before it ran out while scores were still coming and the crossing
    did not come. That is a miss; only an interval that reaches past the stop can no longer be judged.
    """
    if reached:
        return "resolved"
    if hi80 is not None and hi80 < cutoff:
        return "overdue"
    if stale:
        return "unresolvable"
    return "open"


def _censored(event: tuple[float | None, str | None], cutoff: float) -> tuple[float | None, str | None]:
    """``event``, or (None, None) when it falls after ``cutoff`` (decimal years)."""
    return event if event[0] is None or event[0] <= cutoff else (None, None)


def _event(rows: pl.DataFrame, t: float) -> tuple[float | None, str | None]:
    """(decimal year, model id) of the crossing event in ``rows``, or (None, None)."""
    hit = first_reached(rows, t)
    if hit is None:
        return None, None
    return _year(hit.date), hit.model_id


def run(
    store: Store,
    benchmarks: list[Benchmark],
    *,
    as_of: list[dt.date] | None = None,
    grid: Grid = QUICK,
    methods: tuple[str, ...] = m.METHODS + m.BASELINES,
    n_boot: int = BACKTEST_BOOT,
    seed: int = DEFAULT_SEED,
    trend_since: dt.date = DEFAULT_TREND_SINCE,
    thresholds_by: dict[str, list[float]] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Backtest:
    """Backtest ``methods`` on ``benchmarks`` (see the module docstring)."""
    last = store.last_data_date()
    dates = list(as_of) if as_of else as_of_grid(grid.start, last, grid.months)
    points: list[Point] = []
    sota: list[SotaPoint] = []
    not_run: list[tuple[str, str, dt.date, str]] = []
    dropped: dict[str, int] = {}
    unresolvable: dict[str, int] = {}
    cutoffs: dict[str, dt.date] = {}
    stale_b: list[str] = []
    total, done = len(benchmarks) * len(dates), 0
    for b in benchmarks:
        grid_t = [
            t for t in ((thresholds_by or {}).get(b.id) or thresholds(b.id, grid.step)) if b.floor < t < b.ceiling
        ]  # a target at or above the ceiling cannot be reached
        truth, cutoff, stale = _truth(store, b, last)
        cutoffs[b.id] = cutoff
        if stale:
            stale_b.append(b.id)
        c_year = _year(cutoff)
        # censored at the cutoff: a crossing released after it is "not by the cutoff", like the ones not
        # reported yet (counting the reported ones as resolved and leaving the others open would keep only
        # the outcomes that happened to arrive early)
        events = {t: _censored(_event(truth, t), c_year) for t in grid_t}
        sota_truth = state_of_the_art(truth)
        for T in dates:
            done += 1
            if T > cutoff:
                if progress:
                    progress(done, total)
                continue
            sel = select(store, b, as_of=T)
            open_t = [t for t in grid_t if first_reached(sel.rows, t) is None]
            rows = sel.flagged
            front = store.frontier(T, trend_since)
            t_year = _year(T)
            early = [t for t in open_t if (ev := events[t][0]) is not None and ev < t_year]
            dropped[b.id] = dropped.get(b.id, 0) + len(early)
            open_t = [t for t in open_t if t not in early]
            for meth in methods:
                if not open_t:
                    break
                try:  # the forecast starts where tracker forecast would start it
                    f = m.fit_method(
                        meth,
                        rows,
                        front,
                        floor=b.floor,
                        ceiling=b.ceiling,
                        weight=b.weight,
                        as_of=series_end(sel.rows, T),
                        n_boot=n_boot,
                        seed=seed,
                    )
                except FitError as exc:
                    not_run.append((b.id, meth, T, str(exc)))
                    continue
                for t in open_t:
                    ay, am = events[t]
                    draws = f.draws(t)
                    q = quantiles_with_inf(draws, (0.5, 0.1, 0.9))
                    med, lo, hi = (float(v) if math.isfinite(v) else None for v in q)
                    status = outcome(ay is not None, stale, hi, c_year)
                    score = None if status == "unresolvable" else tw_crps(draws, ay, c_year) * MONTHS_PER_YEAR
                    ok = draws[~np.isnan(draws)]
                    pit = None if ay is None else float(np.mean(ok < ay) + 0.5 * np.mean(ok == ay))
                    f_cut = None if ay is not None else float(np.mean(ok <= c_year))
                    points.append(Point(b.id, meth, T, t, med, lo, hi, ay, am, status, score, pit, f_cut))
                    if status == "unresolvable":
                        unresolvable[b.id] = unresolvable.get(b.id, 0) + 1
                if meth == "predictive" and f.futures is not None:
                    sota += _sota_points(b, f, T, t_year, c_year, sota_truth)
            if progress:
                progress(done, total)
    methods_run = tuple(dict.fromkeys(p.method for p in points)) or methods
    return Backtest(
        grid.name,
        tuple(dates),
        last,
        cutoffs,
        tuple(stale_b),
        n_boot,
        seed,
        tuple(points),
        tuple(sota),
        tuple(summarise(points, not_run, methods)),
        dropped,
        unresolvable,
        tuple(not_run),
        methods_run,
    )


def _sota_points(
    b: Benchmark, f: m.MethodFit, T: dt.date, t_year: float, c_year: float, sota_truth: pl.DataFrame
) -> list[SotaPoint]:
    out = []
    years = np.array([_year(d) for d in sota_truth["release_date"].to_list()])
    scores = sota_truth["score"].to_numpy()
    for h in SOTA_HORIZONS:
        when = t_year + h
        if when > c_year or years.size == 0:
            continue
        known = scores[years <= when]
        if known.size == 0:
            continue
        actual = float(known.max())
        assert f.futures is not None
        pred = m.from_logit(f.futures.best_at(when), b.floor, b.ceiling)
        out.append(SotaPoint(b.id, f.method, T, h, float(np.median(pred)), actual, crps(pred, actual)))
    return out


def summarise(points: list[Point], not_run, methods: tuple[str, ...]) -> list[Summary]:
    """Per benchmark and pooled: each method's stats, and its CRPS against every other method on common forecasts."""
    out = []
    benches = list(dict.fromkeys(p.benchmark for p in points))
    for bench in [*benches, "pooled"]:
        pts = [p for p in points if bench == "pooled" or p.benchmark == bench]
        by = {meth: {p.key: p for p in pts if p.method == meth and p.status != "unresolvable"} for meth in methods}
        for meth in methods:
            mine = by[meth]
            versus = {}
            for other in methods:
                if other == meth:
                    continue
                common = [k for k in mine if k in by[other]]
                if not common:
                    continue
                a = float(np.mean([mine[k].crps_months for k in common]))
                o = float(np.mean([by[other][k].crps_months for k in common]))
                versus[other] = {"n": len(common), "crps": a, "crps_other": o, "ratio": a / o if o > 0 else None}
            why = [w for (bb, mm, _, w) in not_run if mm == meth and (bench == "pooled" or bb == bench)]
            out.append(Summary(bench, meth, stats(mine.values()), versus, len(why), why[-1] if why else None))
    return out
