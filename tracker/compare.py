"""Forecasts by the ``date`` and ``compute+date`` methods, and the one-line-per-method comparison.

``tracker forecast`` runs one method in full (``--method``) and shows each
other method and baseline as one line, fitted to the same selection with
``methods.SIDE_BOOT`` resamples, so a reader sees when they disagree.
"""

from __future__ import annotations

from collections import Counter

import datetime as dt
import math
from dataclasses import asdict, dataclass, field

import numpy as np
import polars as pl

from tracker import methods as m
from tracker.errors import FitError, UsageError
from tracker.forecasting import (DEFAULT_TREND_SINCE, MIN_FIT_POINTS, DataUsed, Interval, Reached, _interval,
                                 check_target, first_reached, jsonable, year_to_date, year_to_iso)
from tracker.select import Benchmark, Selection, select
from tracker.store import Store


@dataclass(frozen=True)
class MethodLine:
    """One method's answer for the comparison lines (``error`` says why it could not run)."""

    method: str
    label: str
    n: int | None = None
    n_boot: int | None = None
    year: Interval | None = None
    halving_years: Interval | None = None  # compute+date: years per halving of the compute needed
    error: str | None = None


def rows_with_fit_flag(sel: Selection) -> pl.DataFrame:
    return sel.rows.with_columns(pl.col("model_id").is_in(sel.fit_rows["model_id"].implode()).alias("in_fit"))


def line(method: str, fitted: m.MethodFit | None, target: float, error: str | None = None) -> MethodLine:
    if fitted is None:
        return MethodLine(method, m.LABELS[method], error=error)
    halving = _interval(fitted.halving_draws) if fitted.halving_draws is not None else None
    return MethodLine(method, m.LABELS[method], n=fitted.n, n_boot=fitted.n_boot, year=_interval(fitted.draws(target)),
                      halving_years=halving)


def _counted(col: pl.Series) -> dict[str, int]:
    """Value counts, most common first (what the rows of this fit actually used)."""
    return dict(Counter(col.to_list()).most_common())


def side_by_side(sel: Selection, front: pl.DataFrame, target: float, *, ceiling: float, as_of: dt.date,
                 seed: int, skip: str, n_boot: int = m.SIDE_BOOT) -> tuple[MethodLine, ...]:
    """Every method and baseline except ``skip``, one line each."""
    rows = rows_with_fit_flag(sel)
    out = []
    for name in m.METHODS + m.BASELINES:
        if name == skip:
            continue
        try:
            f = m.fit_method(name, rows, front, floor=sel.benchmark.floor, ceiling=ceiling,
                             weight=float(sel.benchmark.items or 1), as_of=as_of, n_boot=n_boot, seed=seed)
            out.append(line(name, f, target))
        except FitError as exc:
            out.append(line(name, None, target, error=str(exc)))
    return tuple(out)


@dataclass(frozen=True)
class MethodForecast:
    """``tracker forecast --method date|compute+date``: the date a target is reached."""

    benchmark: Benchmark
    target: float
    method: str
    label: str
    as_of: dt.date
    made_on: dt.date
    n_boot: int
    seed: int
    data: DataUsed
    n_points: int  # state-of-the-art records (date) or models with compute (compute+date)
    n_boot_failed: int
    params: dict
    point_year: float | None  # full-data estimate; None = never
    year: Interval
    halving_years: Interval | None
    reached: Reached | None
    others: tuple[MethodLine, ...] = ()
    notes: tuple[str, ...] = ()
    points: pl.DataFrame | None = field(default=None, repr=False, compare=False)

    def to_dict(self) -> dict:
        d = {k: getattr(self, k) for k in self.__dataclass_fields__ if k != "points"}
        d = {k: (asdict(v) if hasattr(v, "__dataclass_fields__") else v) for k, v in d.items()}
        d["others"] = [asdict(o) for o in self.others]
        d["year_dates"] = year_dates(self.year)
        return jsonable(d)


def year_dates(iv: Interval | None) -> dict | None:
    if iv is None:
        return None
    return {k: year_to_iso(v) for k, v in asdict(iv).items() if k != "share_never"}


def forecast_method(store: Store, benchmark: Benchmark, target: float, *, method: str, as_of: dt.date | None,
                    source, settings, include_imputed, ceiling, n_boot, seed, trend_since=DEFAULT_TREND_SINCE,
                    side: bool = True) -> MethodForecast:
    if method not in ("date", "compute+date"):
        raise UsageError(f"unknown method {method!r}; use compute, date or compute+date")
    ceiling = benchmark.ceiling if ceiling is None else ceiling
    check_target(benchmark, target, ceiling)
    today = dt.date.today()
    as_of = as_of or today
    sel = select(store, benchmark, as_of=as_of, source=source, settings=settings, include_imputed=include_imputed)
    front = store.frontier(as_of, trend_since)
    rows = rows_with_fit_flag(sel)
    need = sel.fit_rows if method == "compute+date" else sel.rows
    if need.height < MIN_FIT_POINTS:
        raise FitError(f"{benchmark.name}: only {need.height} usable models as of {as_of} for the {method} method; "
                       "try --method date, --source any or a later --as-of")
    try:
        f = m.fit_method(method, rows, front, floor=benchmark.floor, ceiling=ceiling,
                         weight=float(benchmark.items or 1), as_of=as_of, n_boot=n_boot, seed=seed)
    except FitError as exc:
        raise FitError(f"{benchmark.name}, {method} method as of {as_of}: {exc}") from None
    year = _interval(f.draws(target))
    pt = f.point(target)
    notes = []
    if f.n_failed:
        notes.append(f"{f.n_failed} of {n_boot} bootstrap resamples could not be fitted and were left out of the intervals.")
    if method == "compute+date":
        notes.append("Log compute and release date are strongly correlated, so s and g trade off: read the halving "
                     "time's interval, not only its median.")
    fit_rows = sel.fit_rows if method == "compute+date" else sel.rows
    data = DataUsed(
        n_models=sel.rows.height, n_fit=fit_rows.height, n_no_compute=sel.n_no_compute,
        n_imputed_excluded=sel.n_imputed_excluded, n_other_settings=sel.n_other_settings,
        first_release=fit_rows["release_date"].min(), last_release=fit_rows["release_date"].max(),
        source=sel.source, settings_preference=sel.patterns,
        settings_used=_counted(fit_rows["setting"]), sources_used=_counted(fit_rows["source_name"]),
    )
    others = side_by_side(sel, front, target, ceiling=ceiling, as_of=as_of, seed=seed, skip=method) if side else ()
    return MethodForecast(
        benchmark=benchmark, target=target, method=method, label=m.LABELS[method], as_of=as_of, made_on=today,
        n_boot=n_boot, seed=seed, data=data, n_points=f.n, n_boot_failed=f.n_failed, params=f.params,
        point_year=pt if math.isfinite(pt) else None, year=year,
        halving_years=_interval(f.halving_draws) if f.halving_draws is not None else None,
        reached=first_reached(sel, target), others=others, notes=tuple(notes), points=rows,
    )


def sota_series(rows: pl.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(decimal year, score) of the state-of-the-art records in ``rows`` (for charts)."""
    from tracker.trend import decimal_year

    return m.state_of_the_art(decimal_year(rows["release_date"].to_numpy()), rows["score"].to_numpy())
