"""From a target score to the date it is reached: the one forecast driver.

``forecast`` selects one score per model as known on the as-of date
(``tracker.data.select``), fits the chosen method with
``tracker.forecast.methods.fit_method`` (the same call the backtest, the ledger
and the charts use), and summarises its bootstrap draws of the year the target
is reached. The other methods and the naive baselines are fitted to the same
selection and reported one line each, so a reader sees when they disagree.

The compute method also reports the compute the target needs:

1. the sigmoid in log10 compute, inverted: x*(t) = (logit((t - f)/(c - f)) - a) / s;
2. the frontier compute trend: log10 C = i + g * year;
3. the date: year*(t) = (x*(t) - i) / g, the bootstrap drawing the score fit and
   the trend fit jointly, so the date interval carries both uncertainties;
   resamples in which the sigmoid has no positive slope mean "never".

With ``compute_noise`` each resample redraws log10 compute within the band
Epoch AI's confidence level implies. That is off by default: the observed
estimates already carry that noise, so adding it again attenuates the slope
and moves the median, not only the width (docs/method.md shows by how much).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections import Counter

import numpy as np
import polars as pl

from tracker.data.catalog import Benchmark
from tracker.data.select import Selection, date_max, date_min, first_reached, select
from tracker.data.store import Store
from tracker.errors import FitError, UsageError, exact, plural
from tracker.fit.resample import DEFAULT_N_BOOT, DEFAULT_SEED, Interval, interval, quantiles_with_inf
from tracker.fit.trend import decimal_year
from tracker.forecast import methods as m
from tracker.forecast.details import compute_detail, predictive_detail
from tracker.forecast.result import DataUsed, Forecast, Hindcast, MethodLine, jsonable, year_dates  # noqa: F401
from tracker.forecast.summary import (
    backtested,
    best_so_far,
    compute_flag,
    freshness,
    load_track_record,
    track_record,
    year_flags,
)

DEFAULT_BOOT = DEFAULT_N_BOOT
DEFAULT_TREND_SINCE = dt.date(2018, 1, 1)
DEFAULT_METHOD = "predictive"
#: When the default declines (too few near-frontier models), the first of these that can run is shown, flagged.
FALLBACKS = ("date", "linear")
#: Fewest resamples a forecast accepts: the 95% interval's ends need them.
MIN_BOOT = 100
#: Most resamples a forecast accepts: 20,000 pin the 95% ends to about +-0.2
#: percentile points; more only costs time and memory (1e6 took 58 s and 3 GB).
MAX_BOOT = 20_000
MIN_FIT_POINTS = 3
#: A series whose newest known score is more than this many days before the as-of date is stale: the
#: forecast starts from that score's date (what happened since is not in the data), not from the as-of date.
STALE_GAP_DAYS = 92
CURVE_POINTS = 120  # grid of the fitted-curve band kept for charts
FAN_YEARS = 3.0  # the state-of-the-art fan runs this many years past the data's end
FAN_STEP_MONTHS = 1


def check_target(benchmark: Benchmark, target: float, ceiling: float) -> None:
    """Refuse targets the curve cannot reach, with a hint for percent slips."""
    if not (isinstance(target, (int, float)) and math.isfinite(target)):
        raise UsageError(f"target {target!r} is not a number; give a fraction such as 0.9")
    if benchmark.floor < target < ceiling:
        return
    hint = f" (did you mean {target / 100:g}?)" if 10 <= target <= 100 else ""
    raise UsageError(
        f"target {exact(target)} is outside ({benchmark.floor:g}, {ceiling:g}) for {benchmark.name}{hint}: "
        "targets are fractions strictly between the chance floor and the ceiling; pick one in between"
    )


def _counted(col: pl.Series) -> dict[str, int]:
    """Value counts, most common first (what the rows of this fit actually used)."""
    return dict(Counter(col.to_list()).most_common())


def line(
    method: str,
    fitted: m.MethodFit | None,
    target: float,
    error: str | None = None,
    *,
    reached: bool = False,
    end_year: float | None = None,
) -> MethodLine:
    """One comparison line from a fitted method (or the reason it could not run), with its flags."""
    if fitted is None:
        return MethodLine(method, m.LABELS[method], error=error)
    halving = interval(fitted.halving_draws) if fitted.halving_draws is not None else None
    year = interval(fitted.draws(target))
    flags = (
        ()
        if end_year is None
        else tuple(
            year_flags(
                year.median,
                year.lo80,
                reached=reached,
                data_end_year=end_year,
                n=fitted.n,
                failed=fitted.n_failed / fitted.n_boot if fitted.n_boot else 0.0,
            )
        )
    )
    return MethodLine(
        method, m.LABELS[method], n=fitted.n, n_boot=fitted.n_boot, year=year, halving_years=halving, flags=flags
    )


def side_by_side(
    sel: Selection,
    front: pl.DataFrame,
    target: float,
    *,
    ceiling: float,
    as_of: dt.date,
    seed: int,
    skip: str,
    n_boot: int = m.SIDE_BOOT,
    reached: bool = False,
    end_year: float | None = None,
) -> tuple[MethodLine, ...]:
    """Every method and baseline except ``skip``, one line each."""
    rows = sel.flagged
    out = []
    for name in m.METHODS + m.BASELINES:
        if name == skip:
            continue
        try:
            f = m.fit_method(
                name,
                rows,
                front,
                floor=sel.benchmark.floor,
                ceiling=ceiling,
                weight=sel.benchmark.weight,
                as_of=as_of,
                n_boot=n_boot,
                seed=seed,
            )
            out.append(line(name, f, target, reached=reached, end_year=end_year))
        except FitError as exc:
            out.append(line(name, None, target, error=str(exc)))
    return tuple(out)


def series_end(rows: pl.DataFrame, as_of: dt.date) -> dt.date:
    """Where a forecast starts: the as-of date, or the series' newest known score when that is stale.

    Scores become known a few days to weeks after release, so a series current
    at the as-of date starts there. A series whose newest score is more than
    ``STALE_GAP_DAYS`` older (a data snapshot that ends before today, a
    benchmark labs stopped reporting) starts from that score's date: what
    happened since is unknown, and the report says how likely a crossing is by
    the as-of date.
    """
    if rows.height == 0:
        return as_of
    newest = date_max(rows["known_date"])
    return as_of if (as_of - newest).days <= STALE_GAP_DAYS else newest


def _date_curve(f: m.MethodFit, floor: float, ceiling: float, y0: float, y1: float, n: int = CURVE_POINTS) -> dict:
    """Pointwise median and 80% band of a fitted curve in time (the date method), for charts.

    Read off the bootstrap draws of the year each score level is reached: every
    resampled curve rises, so the 10th percentile of the year a level is
    reached is where the 90th percentile curve crosses it (and vice versa).
    """
    span = ceiling - floor
    levels = np.linspace(floor + 0.004 * span, ceiling - 0.004 * span, 80)
    q = np.array([quantiles_with_inf(f.draws(float(v)), (0.9, 0.5, 0.1)) for v in levels])  # years, per level
    q = np.maximum.accumulate(q, axis=0)  # higher levels are never reached earlier
    ts = np.linspace(y0, y1, n)
    out = {"year": ts.tolist()}
    for col, name in enumerate(("lo80", "median", "hi80")):
        yr = q[:, col]
        ok = np.isfinite(yr)
        if ok.sum() < 2:
            out[name] = [floor] * n
            continue
        top = levels[ok][-1] if not ok.all() else ceiling
        out[name] = np.interp(ts, yr[ok], levels[ok], left=floor, right=top).tolist()
    return out


def _check_enough(
    benchmark: Benchmark, method: str, sel: Selection, front: pl.DataFrame, as_of: dt.date, trend_since: dt.date
) -> None:
    """Refuse, with what to try instead, when the method has too little data."""
    if method == "compute":
        if sel.fit_rows.height < MIN_FIT_POINTS:
            raise FitError(
                f"{benchmark.name}: only {plural(sel.fit_rows.height, 'model')} with a comparable score "
                "and a compute estimate "
                f"as of {as_of} ({sel.rows.height} scored, {sel.n_no_compute} without compute, "
                f"{sel.n_imputed_excluded} imputed excluded); the compute fit needs at least 3: try --method date "
                "(needs no compute), --source any or --include-imputed"
            )
        if front.height < MIN_FIT_POINTS:
            raise FitError(
                f"only {plural(front.height, 'frontier model')} with compute between {trend_since} and {as_of}; "
                "the trend needs at least 3: use an earlier --trend-since"
            )
        return
    need = sel.fit_rows if method == "compute+date" else sel.rows
    if need.height < MIN_FIT_POINTS:
        raise FitError(
            f"{benchmark.name}: only {plural(need.height, 'usable model')} as of {as_of} for the {method} method; "
            "try --method date, --source any or a later --as-of"
        )


def forecast(
    store: Store,
    benchmark: Benchmark,
    target: float,
    *,
    as_of: dt.date | None = None,
    source: str | None = None,
    settings: list[str] | None = None,
    include_imputed: bool = False,
    ceiling: float | None = None,
    n_boot: int = DEFAULT_BOOT,
    seed: int = DEFAULT_SEED,
    trend_since: dt.date = DEFAULT_TREND_SINCE,
    compute_noise: bool = False,
    method: str | None = None,
    hindcast: bool = True,
    side: bool = True,
) -> Forecast:
    """Forecast when ``benchmark`` reaches ``target`` by ``method`` (see the module docstring).

    If the target was already reached, ``hindcast`` also runs the same forecast
    with the data known the day before, so a reader sees how it would have done.
    ``side`` adds one line per other method and baseline (``others``).
    """
    asked = method
    method = method or DEFAULT_METHOD
    if method not in m.METHODS:
        raise UsageError(f"unknown method {method!r}; use {', '.join(m.METHODS[:-1])} or {m.METHODS[-1]}")
    if ceiling is not None:
        # an override becomes the benchmark's ceiling for this forecast: the header, the fit lines and the JSON
        # then say the ceiling that was used
        if isinstance(ceiling, bool) or not isinstance(ceiling, (int, float)) or not math.isfinite(ceiling):
            raise UsageError(f"--ceiling {ceiling!r} is not a number; give a fraction such as 0.95")
        if not benchmark.floor < ceiling <= 1:
            raise UsageError(
                f"--ceiling {ceiling:g} is outside ({benchmark.floor:g}, 1] for {benchmark.name}: scores are fractions "
                "and the ceiling lies above the chance floor"
            )
        benchmark = dataclasses.replace(benchmark, ceiling=float(ceiling))
    ceiling = benchmark.ceiling
    check_target(benchmark, target, ceiling)
    if n_boot < MIN_BOOT:
        raise UsageError(
            f"--boot {n_boot} is too few resamples for 95% intervals; use at least {MIN_BOOT} (default {DEFAULT_BOOT})"
        )
    if n_boot > MAX_BOOT:
        raise UsageError(f"--boot {n_boot} is more resamples than {MAX_BOOT}; more only costs time and memory")
    today = dt.date.today()
    as_of = as_of or today
    sel = select(store, benchmark, as_of=as_of, source=source, settings=settings, include_imputed=include_imputed)
    data_end = series_end(sel.rows, as_of)
    front = store.frontier(data_end, trend_since, include_imputed=include_imputed)
    every_front = store.frontier(data_end, trend_since, include_imputed=True)
    n_front_imputed = every_front.height - front.height
    rows = sel.flagged
    declined = None

    def fit(name: str) -> m.MethodFit:
        _check_enough(benchmark, name, sel, front, as_of, trend_since)
        return m.fit_method(
            name,
            rows,
            front,
            floor=benchmark.floor,
            ceiling=ceiling,
            weight=benchmark.weight,
            as_of=data_end,
            n_boot=n_boot,
            seed=seed,
            compute_noise=compute_noise,  # used by the compute method only
        )

    f = None
    try:
        f = fit(method)
    except FitError as exc:
        if asked is not None or not FALLBACKS:
            if method == "compute":
                raise
            raise FitError(f"{benchmark.name}, {method} method as of {as_of}: {exc}") from None
        # The default declined (too few near-frontier models: a new or stopped series): show the next
        # method that can run, flagged, rather than nothing.
        declined = f"the {method} method declined ({exc})"
        for alt in FALLBACKS:
            try:
                f, method = fit(alt), alt
                break
            except FitError:
                continue
        if f is None:
            raise FitError(f"{benchmark.name} as of {as_of}: {declined}, and no other method can run either") from None
    assert f is not None  # fitted above, or an error was raised
    reached = first_reached(sel.rows, target)
    used = sel.fit_rows if method in ("compute", "compute+date") else sel.rows
    data = DataUsed(
        n_models=sel.rows.height,
        n_fit=used.height,
        n_no_compute=sel.n_no_compute,
        n_imputed_excluded=sel.n_imputed_excluded,
        n_other_settings=sel.n_other_settings,
        first_release=date_min(used["release_date"]) if used.height else None,
        last_release=date_max(used["release_date"]) if used.height else None,
        source=sel.source,
        settings_preference=sel.patterns,
        settings_used=_counted(used["setting"]),
        sources_used=_counted(used["source_name"]),
        n_frontier_imputed_excluded=n_front_imputed,
    )
    notes: list[str] = []
    extra: dict = {}
    if method == "compute":
        extra = compute_detail(store, f, target, front, reached, notes, sel.fit_rows["log10_compute"].to_numpy())
    elif method == "predictive":
        extra = predictive_detail(f, target, benchmark, ceiling, front, data_end, as_of, seed)
    if f.n_failed:
        notes.append(
            f"{f.n_failed} of {n_boot} bootstrap resamples could not be fitted and were left out of the intervals."
        )
    if method == "compute+date":
        notes.append(
            "Log compute and release date are strongly correlated, so s and g trade off: read the halving "
            "time's interval, not only its median."
        )
    past = None
    if reached and hindcast:
        before = reached.date - dt.timedelta(days=1)
        try:
            h = forecast(
                store,
                benchmark,
                target,
                as_of=before,
                source=source,
                settings=settings,
                include_imputed=include_imputed,
                ceiling=ceiling,
                n_boot=n_boot,
                seed=seed,
                trend_since=trend_since,
                compute_noise=compute_noise,
                # the method asked for, with the same fallbacks (a baseline the default fell back to is not
                # a method one can ask for by name)
                method=asked,
                hindcast=False,
                side=False,
            )
            past = Hindcast(
                as_of=before, n_fit=h.data.n_fit, log10_compute=h.log10_compute, year=h.year, method=h.method
            )
        except (FitError, UsageError) as exc:
            past = Hindcast(as_of=before, error=str(exc))
    end_year = float(decimal_year(np.datetime64(data_end)))
    others = (
        side_by_side(
            sel,
            front,
            target,
            ceiling=ceiling,
            as_of=data_end,
            seed=seed,
            skip=method,
            reached=reached is not None,
            end_year=end_year,
        )
        if side
        else ()
    )
    if method == "date" and side:  # the fit chart of the date method draws this curve (score against time)
        first = float(decimal_year(np.datetime64(min(date_min(rows["release_date"]), data_end))))
        extra["curve"] = _date_curve(f, f.params.get("floor", benchmark.floor), ceiling, first - 0.5, end_year + 6)
    if method == "predictive" and reached is not None:
        # the simulation conditions on the present, where the target is already met: every future "reaches"
        # it at the data's end. The answer to "when" is the crossing itself (a fact, not a forecast).
        pt = float(decimal_year(np.datetime64(reached.date)))
        year = Interval(pt, pt, pt, pt, pt, 0.0)
    else:
        year, pt = interval(f.draws(target)), f.point(target)
    flags = year_flags(
        year.median,
        year.lo80,
        reached=reached is not None,
        data_end_year=end_year,
        n=f.n,
        failed=f.n_failed / n_boot if n_boot else 0.0,
    )
    if declined:
        flags.insert(0, declined)
        notes.insert(0, f"{declined[0].upper()}{declined[1:]}: the {method} method's dates are shown instead, flagged.")
    if method == "compute":
        needed = extra.get("log10_compute")
        flags += compute_flag(needed.median if needed is not None else None)
    record = load_track_record()  # read once for both fields
    return Forecast(
        benchmark=benchmark,
        target=target,
        method=method,
        label=m.LABELS[method],
        as_of=as_of,
        made_on=today,
        n_boot=n_boot,
        seed=seed,
        compute_noise=compute_noise,
        data=data,
        n_points=f.n,
        n_boot_failed=f.n_failed,
        params=f.params,
        point_year=pt if math.isfinite(pt) else None,
        year=year,
        halving_years=interval(f.halving_draws) if f.halving_draws is not None else None,
        reached=reached,
        hindcast=past,
        notes=tuple(notes),
        others=others,
        points=rows,
        frontier_points=front if method == "compute" else None,
        data_end=data_end,
        best=best_so_far(store, benchmark, sel.rows, as_of),
        freshness=freshness(store, data_end),
        track=track_record(benchmark.id, method, record),
        backtested=backtested(record),
        flags=tuple(flags),
        **extra,
    )
