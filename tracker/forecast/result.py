"""The one result type of a forecast, whatever the method, and its JSON form.

``Forecast`` holds everything ``tracker forecast`` reports as data; the compute
method fills its compute fields, the predictive method its fan and P(reached
by) fields. ``to_dict`` is what ``--json`` prints and the ledger stores.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import asdict, dataclass, field, fields, is_dataclass

import numpy as np
import polars as pl

from tracker.data.catalog import Benchmark
from tracker.data.select import Reached
from tracker.fit.resample import Interval
from tracker.fit.sigmoid import SigmoidFit
from tracker.fit.trend import Trend, year_to_iso
from tracker.forecast.details import FanPoint
from tracker.forecast.summary import (
    BestSoFar,
    Freshness,
    TrackRecord,
)


@dataclass(frozen=True)
class Hindcast:
    """What the same method said the day before the target was first reached."""

    as_of: dt.date
    n_fit: int | None = None
    log10_compute: Interval | None = None
    year: Interval | None = None
    error: str | None = None  # why no forecast could be made then
    method: str | None = None  # the method that ran then (the default may have fallen back)


@dataclass(frozen=True)
class DataUsed:
    n_models: int  # models with a comparable score
    n_fit: int  # of those, used by the method's fit
    n_no_compute: int
    n_imputed_excluded: int
    n_other_settings: int
    first_release: dt.date | None
    last_release: dt.date | None
    source: str
    settings_preference: tuple[str, ...]
    settings_used: dict[str, int]
    sources_used: dict[str, int]
    n_frontier_imputed_excluded: int = 0  # frontier models left out of the compute trend (imputed compute)


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
    flags: tuple[str, ...] = ()  # why its dates should not be read at face value


@dataclass(frozen=True)
class Forecast:
    """Everything ``tracker forecast`` reports, as data, whatever the method.

    The compute method fills the compute fields (``fit`` ... ``frontier_passed``);
    the other methods leave them None. ``points`` (the selected rows, one per
    model, with ``in_fit``), ``frontier_points`` and ``curve`` are for charts
    and notebooks and are not part of ``to_dict``.
    """

    benchmark: Benchmark
    target: float
    method: str
    label: str
    as_of: dt.date
    made_on: dt.date
    n_boot: int
    seed: int
    compute_noise: bool
    data: DataUsed
    n_points: int  # data points the method's fit used
    n_boot_failed: int
    params: dict
    point_year: float | None  # full-data estimate; None = never
    year: Interval  # decimal year the target is reached
    halving_years: Interval | None
    reached: Reached | None
    hindcast: Hindcast | None = None
    notes: tuple[str, ...] = ()
    others: tuple[MethodLine, ...] = ()
    data_end: dt.date | None = None  # the data's end as of the as-of date: fits and simulations start here
    best: BestSoFar | None = None
    freshness: Freshness | None = None
    track: TrackRecord | None = None  # this method's dense-backtest record on this benchmark
    backtested: tuple[str, ...] = ()  # the benchmarks the dense backtest covers
    flags: tuple[str, ...] = ()  # why the headline dates should not be read at face value
    # -- predictive method only ---------------------------------------------------------
    p_by: tuple[tuple[dt.date, float], ...] = ()  # P(reached by date)
    fan: tuple[FanPoint, ...] = ()  # the state of the art's distribution at future dates (monthly)
    crossing_cdf: tuple[tuple[dt.date, float], ...] = ()  # P(reached by date), monthly over the fan's dates
    crossing_log10_compute: Interval | None = None  # compute of the first model to cross, if a frontier-compute model
    # -- compute method only ------------------------------------------------------------
    fit: SigmoidFit | None = None
    point_log10_compute: float | None = None  # x*(target) of the full-data fit; None when s <= 0
    log10_compute: Interval | None = None  # compute needed (log10 FLOP), bootstrap
    delta_log10_compute: tuple[float, float] | None = None  # 95% delta-method interval (cross-check)
    reference_model: str | None = None
    reference_log10_compute: float | None = None
    trend: Trend | None = None
    frontier_max_log10_compute: float | None = None
    frontier_passed: bool = False
    # -- for charts and notebooks (not in to_dict) ----------------------------------------
    points: pl.DataFrame | None = field(default=None, repr=False, compare=False)
    frontier_points: pl.DataFrame | None = field(default=None, repr=False, compare=False)
    curve: dict | None = field(default=None, repr=False, compare=False)

    def multiple_of_reference(self, log10c: float | None) -> float | None:
        """Compute as a multiple of the reference model's (GPT-4); None when unknown or absurd."""
        if log10c is None or self.reference_log10_compute is None:
            return None
        d = log10c - self.reference_log10_compute
        return 10.0**d if abs(d) < 300 else None  # beyond 1e300x no multiple means anything

    def to_dict(self) -> dict:
        """A JSON-ready dict (dates as ISO strings, None for open ends and non-finite numbers)."""
        skip = {"points", "frontier_points", "curve"}
        compute = {
            "fit",
            "point_log10_compute",
            "log10_compute",
            "delta_log10_compute",
            "reference_model",
            "reference_log10_compute",
            "trend",
            "frontier_max_log10_compute",
            "frontier_passed",
        }
        d = {}
        for f in fields(self):
            if f.name in skip or (f.name in compute and self.fit is None):
                continue
            v = getattr(self, f.name)
            d[f.name] = asdict(v) if is_dataclass(v) and not isinstance(v, type) else v
        d["others"] = [asdict(o) for o in self.others]
        d["year_dates"] = year_dates(self.year)
        if self.fit is not None and self.trend is not None and self.log10_compute is not None:
            d["fit"] = {
                "a": self.fit.a,
                "s": self.fit.s,
                "se_a": self.fit.se_a,
                "se_s": self.fit.se_s,
                "midpoint_log10_flop": self.fit.midpoint,
                "scale": self.fit.scale,
                "n": self.fit.n,
                "floor": self.fit.floor,
                "ceiling": self.fit.ceiling,
            }
            d["trend"] = {
                "intercept": self.trend.intercept,
                "slope_log10_per_year": self.trend.slope,
                "se_slope": self.trend.se_slope,
                "growth_per_year": self.trend.growth_per_year,
                "doubling_time_years": self.trend.doubling_time_years,
                "n": self.trend.n,
            }
            d["compute_multiple_of_reference"] = {
                k: self.multiple_of_reference(v) for k, v in asdict(self.log10_compute).items() if k != "share_never"
            }
        return jsonable(d)


def jsonable(o):
    """``o`` with dates as ISO strings, numpy scalars as Python ones, non-finite floats as None, recursively."""
    if isinstance(o, dt.date):
        return o.isoformat()
    if is_dataclass(o) and not isinstance(o, type):
        return jsonable(asdict(o))  # an instance, not the class (checked above)
    if isinstance(o, dict):
        return {k: jsonable(v) for k, v in o.items()}
    if isinstance(o, (list, tuple)):
        return [jsonable(v) for v in o]
    if isinstance(o, np.generic):
        o = o.item()
    if isinstance(o, float) and not math.isfinite(o):
        return None
    return o


def year_dates(iv: Interval | None) -> dict | None:
    """An interval of decimal years as ISO dates (None where open or beyond the calendar)."""
    if iv is None:
        return None
    return {k: year_to_iso(v) for k, v in asdict(iv).items() if k != "share_never"}
