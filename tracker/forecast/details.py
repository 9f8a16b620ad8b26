"""The extra answers of two methods, for the report and the charts.

``compute_detail``: the compute the target needs (bootstrap and delta-method
intervals), the frontier trend, the reference model, and the fitted curve's
band. ``predictive_detail``: P(reached by) a few dates, the fan of the state of
the art, P(reached) month by month, and the compute of the first model to cross.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
import polars as pl

from tracker.data.catalog import Benchmark
from tracker.data.select import Reached, num_max
from tracker.data.store import Store
from tracker.errors import FitError
from tracker.fit.resample import interval, quantiles_with_inf
from tracker.fit.sigmoid import SigmoidBootstrap
from tracker.fit.trend import bootstrap_trend, decimal_year, fit_trend
from tracker.forecast import methods as m

REFERENCE_MODEL = "gpt-4"  # compute is also reported as a multiple of this model's
MIN_FIT_POINTS = 3
CURVE_POINTS = 120  # grid of the fitted-curve band kept for charts
FAN_YEARS = 3.0  # the state-of-the-art fan runs this many years past the data's end
FAN_STEP_MONTHS = 1


@dataclass(frozen=True)
class FanPoint:
    """The simulated state of the art at one date: median and 80% band (scores)."""

    date: dt.date
    median: float
    lo80: float
    hi80: float


def curve_band(boot: SigmoidBootstrap, x_lo: float, x_hi: float, n: int = CURVE_POINTS) -> dict[str, list[float]]:
    """Pointwise median and 80% band of the fitted curve over [x_lo, x_hi] (for charts)."""
    xs = np.linspace(x_lo, x_hi, n)
    ok = ~np.isnan(boot.s)
    eta = boot.a[ok, None] + boot.s[ok, None] * xs[None, :]
    ys = boot.floor + (boot.ceiling - boot.floor) / (1.0 + np.exp(-np.clip(eta, -500, 500)))
    # Linear-interpolation quantiles down the resamples (what np.quantile does,
    # without its import of numpy.ma: 40 ms of start-up).
    ys.sort(axis=0)
    h = (ys.shape[0] - 1) * np.array([0.1, 0.5, 0.9])
    lo = np.floor(h).astype(int)
    frac = (h - lo)[:, None]
    q = ys[lo] * (1 - frac) + ys[np.minimum(lo + 1, ys.shape[0] - 1)] * frac
    return {"log10_compute": xs.tolist(), "lo80": q[0].tolist(), "median": q[1].tolist(), "hi80": q[2].tolist()}


def predictive_detail(
    f: m.MethodFit,
    target: float,
    benchmark: Benchmark,
    ceiling: float,
    front: pl.DataFrame,
    data_end: dt.date,
    as_of: dt.date,
    seed: int,
) -> dict:
    """The predictive method's extra answers: P(reached by year-ends), the state-of-the-art fan, crossing compute."""
    fut = f.futures
    assert fut is not None  # fit_predictive always sets it
    draws = f.draws(target)
    ok = draws[~np.isnan(draws)]
    whens = [as_of] if as_of > data_end else []  # a stale series: how likely a crossing is by now
    whens += [
        dt.date(y, 12, 31) for y in range(as_of.year, as_of.year + int(FAN_YEARS) + 1) if dt.date(y, 12, 31) > as_of
    ]
    p_by = [(w, float(np.mean(ok <= decimal_year(np.datetime64(w))))) for w in whens]
    fan, cdf = [], []
    months = 0
    steps: list[tuple[dt.date, float]] = []
    while months <= FAN_YEARS * 12:
        y, mo = data_end.year + (data_end.month - 1 + months) // 12, (data_end.month - 1 + months) % 12 + 1
        when = dt.date(y, mo, min(data_end.day, 28))
        steps.append((when, float(decimal_year(np.datetime64(when)))))
        months += FAN_STEP_MONTHS
    bests = fut.best_at_years([year for _, year in steps])  # every month of the fan in one pass
    for (when, year), best_logit in zip(steps, bests, strict=True):
        best = m.from_logit(best_logit, benchmark.floor, ceiling)
        q = quantiles_with_inf(best, [0.5, 0.1, 0.9])
        fan.append(FanPoint(when, float(q[0]), float(q[1]), float(q[2])))
        cdf.append((when, float(np.mean(ok <= year))))
    crossing = None
    if front.height >= MIN_FIT_POINTS:
        # The compute of the first model to cross, if it is a frontier-compute model: the frontier trend
        # (bootstrapped) at its crossing date, plus the scatter of frontier models around that trend.
        fy = decimal_year(front["release_date"].to_numpy())
        fx = front["log10_compute"].to_numpy()
        tr = fit_trend(fy, fx)
        ti, ts = bootstrap_trend(fy, fx, n_boot=draws.size, seed=seed + 3)
        rng = np.random.default_rng(seed + 4)
        with np.errstate(invalid="ignore"):
            log10c = ti + ts * draws + tr.residual_sd * rng.standard_normal(draws.size)
        log10c[~np.isfinite(draws)] = np.inf
        crossing = interval(log10c)
    return dict(p_by=tuple(p_by), fan=tuple(fan), crossing_cdf=tuple(cdf), crossing_log10_compute=crossing)


def compute_detail(
    store: Store,
    f: m.MethodFit,
    target: float,
    front: pl.DataFrame,
    reached: Reached | None,
    notes: list[str],
    x: np.ndarray,
) -> dict:
    """The compute method's extra answers: compute needed, delta-method check, trend, reference model."""
    point, boot, tr = f.sigmoid, f.boot, f.trend
    assert point is not None and boot is not None and tr is not None  # fit_compute always sets them
    log10_needed = interval(boot.x_for(target))
    try:
        point_x: float | None = float(point.x_for(target))
    except FitError:
        point_x = None
    try:
        lo, hi = point.delta_interval(target, 0.95)
        delta: tuple[float, float] | None = (float(lo), float(hi))
    except FitError:
        delta = None
    ref = store.model(REFERENCE_MODEL)
    ref_log = math.log10(ref["compute_flop"]) if ref and ref.get("compute_flop") else None
    frontier_max = num_max(front["log10_compute"])
    if not point.rising:
        notes.append("The fitted slope is not positive: no progress with compute in these data, so no date is given.")
    passed = log10_needed.median is not None and frontier_max >= log10_needed.median and reached is None
    if passed:
        notes.append(
            "The frontier has already passed the median compute needed "
            f"(largest frontier model: {10**frontier_max:.2g} FLOP), "
            "but no evaluated model has reached the target."
        )
    return dict(
        fit=point,
        point_log10_compute=point_x,
        log10_compute=log10_needed,
        delta_log10_compute=delta,
        reference_model=REFERENCE_MODEL if ref_log else None,
        reference_log10_compute=ref_log,
        trend=tr,
        frontier_max_log10_compute=frontier_max,
        frontier_passed=passed,
        curve=curve_band(
            boot,
            min(float(x.min()), log10_needed.lo80 or x.min()) - 0.5,
            max(float(x.max()), min(log10_needed.hi80 or x.max(), float(x.max()) + 4)) + 0.5,
        ),
    )
