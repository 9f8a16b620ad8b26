"""The forecasting methods side by side, and the naive baselines they must beat.

Every method turns the data known at an as-of date into bootstrap draws of the
decimal year a target score is reached (+inf: "never" in that resample, NaN: the
resample could not be fitted and is counted). One fit serves every target, which
is what makes the backtest cheap.

Methods (f = chance floor, c = ceiling, z = (y - f)/(c - f), x = log10 FLOP, t = decimal year):

* ``compute``: logit z = a + s x on models with a compute estimate; x*(target)
  meets the frontier compute trend x = i + r t  ->  t* = (x* - i) / r.
* ``date``: logit z = a + s t fitted to the state of the art: the models that
  set a new best score when released (the running maximum). Needs no compute
  estimates, so it runs where the best models have none (SWE-bench Verified,
  FrontierMath).
* ``compute+date``: logit z = a + s x + g t. g is algorithmic progress: at a
  fixed score the compute needed falls by g/s decades a year, so effective
  compute halves every log10(2) s / g years (reported with its interval).
  Along the frontier x = i + r t the score is logit z = (a + s i) + (s r + g) t,
  so t* = (logit z* - a - s i) / (s r + g), "never" when s r + g <= 0.

Baselines:

* ``linear``: a straight line through the state-of-the-art score over the last
  two years (the running maximum at every model release in the window and at
  its start), extrapolated to the target; OLS, bootstrapped like the trend.
* ``sigmoid-time``: the ``date`` method without a floor (f = 0): a generic
  logistic curve in time that ignores chance level.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl

from tracker.data.select import record_mask
from tracker.errors import FitError, plural
from tracker.fit import batched, glm
from tracker.fit import trend as trendmod
from tracker.fit.resample import quantiles_with_inf
from tracker.fit.sigmoid import SigmoidBootstrap, SigmoidFit, bootstrap_sigmoid, fit_sigmoid
from tracker.fit.simulate import DEFAULT_DELTA, DEFAULT_WINDOW, FrontierDraws, Futures, near_frontier_draws

METHODS = ("predictive", "compute", "date", "compute+date")
BASELINES = ("linear", "sigmoid-time")
LABELS = {
    "predictive": "simulated frontier models: near-frontier trend + single-model scatter + arrivals",
    "compute": "sigmoid in log compute x frontier compute trend",
    "date": "sigmoid in release date, fitted to the state of the art",
    "compute+date": "sigmoid in log compute and date x frontier compute trend",
    "linear": "baseline: straight line through the state of the art, last 2 years",
    "sigmoid-time": "baseline: sigmoid in release date without a floor",
}
#: Bootstrap resamples for the side-by-side lines of ``tracker forecast`` (the
#: main method uses the full --boot): enough for a median and an 80% interval.
SIDE_BOOT = 400
#: Resamples per fit in the backtest: the 80% interval's ends are the 10th and
#: 90th percentiles, which 400 resamples pin to about +-1.5 percentile points.
BACKTEST_BOOT = 400
#: Window of the linear baseline.
LINEAR_WINDOW_YEARS = 2.0
MIN_POINTS = 3
# Epoch AI's confidence levels: the estimate is within this factor at about 90%.
CONFIDENCE_FACTOR_90 = {"confident": 3.0, "likely": 10.0, "speculative": 30.0}
Z90 = 1.6448536269514722  # standard normal 95th percentile: a 90% band is +-Z90 sd


@dataclass(frozen=True, eq=False)
class MethodFit:
    """A fitted method: bootstrap draws of the year any target is reached."""

    method: str
    n: int  # data points the fit used
    n_boot: int
    n_failed: int
    params: dict  # point estimates, JSON-ready
    draws: Callable[[float], np.ndarray] = field(repr=False)  # decimal-year draws for a target score
    point: Callable[[float], float] = field(repr=False)  # full-data estimate (inf: never)
    halving_draws: np.ndarray | None = field(default=None, repr=False)  # compute+date: years per halving
    # The compute method's parts, for its report and charts: the score fit, its
    # bootstrap, and the frontier trend (with its bootstrap draws).
    sigmoid: SigmoidFit | None = field(default=None, repr=False)
    boot: SigmoidBootstrap | None = field(default=None, repr=False)
    trend: trendmod.Trend | None = field(default=None, repr=False)
    # The predictive method's simulated futures (the fan, P(reached by a date)) and the process they came from.
    futures: Futures | None = field(default=None, repr=False)
    frontier: FrontierDraws | None = field(default=None, repr=False)

    def year_quantiles(self, target: float, probs=(0.5, 0.1, 0.9, 0.025, 0.975)) -> np.ndarray:
        return quantiles_with_inf(self.draws(target), probs)


def _years_from(numer: np.ndarray, denom: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(denom > 0, numer / denom, np.inf)
    out[np.isnan(numer) | np.isnan(denom)] = np.nan
    return out


def state_of_the_art(years: np.ndarray, scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The record-setting models (``tracker.data.select.record_mask``): their (year, score), in time order."""
    mask = record_mask(years, scores)
    order = np.lexsort((-scores[mask], years[mask]))
    return years[mask][order], scores[mask][order]


def compute_sd(confidence: pl.Series) -> np.ndarray:
    """Standard deviation of log10 compute implied by Epoch AI's confidence levels (unknown: speculative)."""
    return np.array(
        [math.log10(CONFIDENCE_FACTOR_90.get(c, 30.0)) / Z90 for c in confidence.fill_null("speculative").to_list()]
    )


def fit_trend_draws(
    fy: np.ndarray, fx: np.ndarray, n_boot: int, seed: int
) -> tuple[trendmod.Trend, np.ndarray, np.ndarray]:
    tr = trendmod.fit_trend(fy, fx)
    ti, ts = trendmod.bootstrap_trend(fy, fx, n_boot=n_boot, seed=seed + 1)
    return tr, ti, ts


def fit_compute(x, y, *, floor, ceiling, weight, fy, fx, n_boot, seed, x_sd=None) -> MethodFit:
    point = fit_sigmoid(x, y, floor=floor, ceiling=ceiling, weight=weight)
    boot = bootstrap_sigmoid(x, y, floor=floor, ceiling=ceiling, weight=weight, n_boot=n_boot, seed=seed, x_sd=x_sd)
    tr, ti, ts = fit_trend_draws(fy, fx, n_boot, seed)

    def draws(t: float) -> np.ndarray:
        xs = boot.x_for(t)
        out = _years_from(xs - ti, ts)
        out[np.isinf(xs)] = np.inf
        return out

    def pt(t: float) -> float:
        return (point.x_for(t) - tr.intercept) / tr.slope if point.rising and tr.growing else math.inf

    return MethodFit(
        "compute",
        len(x),
        n_boot,
        boot.n_failed,
        {"a": point.a, "s": point.s, "trend_slope": tr.slope},
        draws,
        pt,
        sigmoid=point,
        boot=boot,
        trend=tr,
    )


def fit_date(years, scores, *, floor, ceiling, weight, n_boot, seed, method="date") -> MethodFit:
    ry, rs = state_of_the_art(np.asarray(years, float), np.asarray(scores, float))
    if ry.size < MIN_POINTS:
        raise FitError(
            f"only {plural(ry.size, 'state-of-the-art record')}; the date method needs at least {MIN_POINTS}"
        )
    point = fit_sigmoid(ry, rs, floor=floor, ceiling=ceiling, weight=weight)
    boot = bootstrap_sigmoid(ry, rs, floor=floor, ceiling=ceiling, weight=weight, n_boot=n_boot, seed=seed)

    def pt(t: float) -> float:
        return point.x_for(t) if point.rising else math.inf

    return MethodFit(
        method,
        int(ry.size),
        n_boot,
        boot.n_failed,
        {"a": point.a, "s_per_year": point.s, "midpoint_year": point.midpoint, "floor": floor},
        boot.x_for,
        pt,
    )


def fit_linear(years, scores, *, as_of_year: float, n_boot: int, seed: int) -> MethodFit:
    """Straight line through the running maximum sampled in the last two years."""
    years = np.asarray(years, float)
    scores = np.asarray(scores, float)
    order = np.argsort(years, kind="stable")
    years, run = years[order], np.maximum.accumulate(scores[order])
    start = as_of_year - LINEAR_WINDOW_YEARS
    inside = years >= start
    py, ps = years[inside], run[inside]
    if (~inside).any():  # the state of the art at the window's start
        py = np.concatenate([[start], py])
        ps = np.concatenate([[float(run[~inside][-1])], ps])
    if py.size < MIN_POINTS or np.ptp(py) <= 0:
        raise FitError(
            f"only {plural(py.size, 'dated point')} in the last two years; the linear baseline needs {MIN_POINTS}"
        )
    tr = trendmod.fit_trend(py, ps)
    ti, ts = trendmod.bootstrap_trend(py, ps, n_boot=n_boot, seed=seed)

    def draws(t: float) -> np.ndarray:
        return _years_from(t - ti, ts)

    def pt(t: float) -> float:
        return (t - tr.intercept) / tr.slope if tr.growing else math.inf

    return MethodFit(
        "linear",
        int(py.size),
        n_boot,
        int(np.isnan(ts).sum()),
        {"intercept": tr.intercept, "slope_per_year": tr.slope},
        draws,
        pt,
    )


def fit_compute_date(x, years, y, *, floor, ceiling, weight, fy, fx, n_boot, seed) -> MethodFit:
    x = np.asarray(x, float)
    years = np.asarray(years, float)
    z = np.clip((np.asarray(y, float) - floor) / (ceiling - floor), 0.0, 1.0)
    X = np.column_stack([np.ones_like(x), x, years])
    pf = glm.fit_logit(X, z, weight)
    betas, n_failed = batched.bootstrap_logit(X, z, weight, n_boot=n_boot, seed=seed)
    tr, ti, ts = fit_trend_draws(fy, fx, n_boot, seed)
    a, s, g = betas[:, 0], betas[:, 1], betas[:, 2]
    pa, ps, pg = (float(v) for v in pf.beta)

    def draws(t: float) -> np.ndarray:
        L = glm.logit((t - floor) / (ceiling - floor))
        return _years_from(L - a - s * ti, s * ts + g)

    def pt(t: float) -> float:
        L = glm.logit((t - floor) / (ceiling - floor))
        d = ps * tr.slope + pg
        return (L - pa - ps * tr.intercept) / d if d > 0 else math.inf

    with np.errstate(divide="ignore", invalid="ignore"):
        halving = np.where((s > 0) & (g > 0), math.log10(2) * s / g, np.inf)
    halving[np.isnan(g)] = np.nan
    se = pf.se
    params = {
        "a": pa,
        "s_per_decade": ps,
        "g_per_year": pg,
        "se": [float(v) for v in se],
        "scale": pf.scale,
        "halving_years": (math.log10(2) * ps / pg) if ps > 0 and pg > 0 else None,
    }
    return MethodFit("compute+date", len(x), n_boot, n_failed, params, draws, pt, halving)


#: The predictive method's settings (the near-frontier window in years, delta in logits), chosen by the
#: dense backtest (docs/method.md, section 9); ``benchmarks/calibration.py --sweep`` re-runs the choice.
PREDICTIVE_OPTIONS: dict[str, float] = {"window": DEFAULT_WINDOW, "delta": DEFAULT_DELTA}
#: Scores are clipped into [LOGIT_EPS, 1 - LOGIT_EPS] of the floor-to-ceiling range before the logit.
LOGIT_EPS = 0.005


def to_logit(y: Any, floor: float, ceiling: float, *, clip: bool = True) -> Any:
    """logit((y - floor) / (ceiling - floor)), clipped away from 0 and 1 unless ``clip`` is off (array or float).

    Observed scores are clipped (a 0 or a 1 must stay finite); a target is not (every target above
    floor + 0.995 (ceiling - floor) would get one date).
    """
    z = (np.asarray(y, dtype=float) - floor) / (ceiling - floor)
    if clip:
        z = np.clip(z, LOGIT_EPS, 1 - LOGIT_EPS)
    out = np.log(z) - np.log1p(-z)
    return float(out) if out.ndim == 0 else out


def from_logit(u: Any, floor: float, ceiling: float) -> Any:
    """The score at logit ``u`` (inverse of ``to_logit`` inside the clipped range)."""
    out = floor + (ceiling - floor) / (1.0 + np.exp(-np.asarray(u, dtype=float)))
    return float(out) if np.ndim(out) == 0 else out


def fit_predictive(
    years,
    scores,
    *,
    floor: float,
    ceiling: float,
    t0: float,
    n_boot: int,
    seed: int,
    window: float = DEFAULT_WINDOW,
    delta: float = DEFAULT_DELTA,
) -> MethodFit:
    """Simulated futures of frontier models from ``t0`` (``tracker.fit.simulate``): the first crossing of any target."""
    years = np.asarray(years, float)
    u = to_logit(np.asarray(scores, float), floor, ceiling)
    keep = years <= t0
    if not keep.any():
        raise FitError("no model with a score before the as-of date; the predictive method needs a history to simulate")
    fd = near_frontier_draws(years[keep], u[keep], t0=t0, n_boot=n_boot, seed=seed, window=window, delta=delta)
    fut = fd.simulate(seed=seed + 2)

    def draws(t: float) -> np.ndarray:
        # the target's own logit (GPQA 0.997 and 0.9999 once got one date); the simulated scores are not
        # clipped either (the fan reaches past the clip)
        return fut.first_crossing(to_logit(t, floor, ceiling, clip=False))

    def pt(t: float) -> float:
        q = quantiles_with_inf(draws(t), [0.5])[0]
        return float(q)

    # Point estimates: the full-sample OLS of the near-frontier models.
    x = years[keep][fd.near] - t0
    y = u[keep][fd.near]
    slope, level = np.polyfit(x, y, 1)
    resid = y - (level + slope * x)
    params = {
        "n_near": fd.n_near,
        "window_years": fd.window,
        "delta_logit": delta,
        "level_at_as_of": from_logit(level, floor, ceiling),
        "slope_logit_per_year": float(slope),
        "scatter_logit": float(np.sqrt(resid @ resid / max(x.size - 2, 1))),
        "arrivals_per_year": fd.n_near / fd.window,
        "best_at_as_of": from_logit(fd.best0, floor, ceiling),
    }
    return MethodFit("predictive", fd.n_near, n_boot, fd.n_failed, params, draws, pt, futures=fut, frontier=fd)


def fit_method(
    method: str,
    rows,
    frontier,
    *,
    floor: float,
    ceiling: float,
    weight: float,
    as_of: dt.date,
    n_boot: int,
    seed: int,
    compute_noise: bool = False,
) -> MethodFit:
    """Fit ``method`` to selected rows (all models with a comparable score, ``in_fit``
    marking those with a usable compute estimate) and frontier models, as of ``as_of``.

    This is the one place each method is fitted: ``tracker forecast``, the
    comparison lines, ``tracker backtest``, the ledger and the charts all call it.
    ``compute_noise`` redraws log10 compute within its confidence band in every
    resample (compute method only).
    """
    years = trendmod.decimal_year(rows["release_date"].to_numpy()) if rows.height else np.array([])
    scores = rows["score"].to_numpy()
    if method == "predictive":
        return fit_predictive(
            years,
            scores,
            floor=floor,
            ceiling=ceiling,
            t0=float(trendmod.decimal_year(np.datetime64(as_of))),
            n_boot=n_boot,
            seed=seed,
            **PREDICTIVE_OPTIONS,
        )
    if method in ("compute", "compute+date"):
        fr = (
            rows.filter(rows["in_fit"])
            if "in_fit" in rows.columns
            else rows.filter(rows["log10_compute"].is_not_null())
        )
        if fr.height < MIN_POINTS + (method == "compute+date"):
            raise FitError(f"only {plural(fr.height, 'model')} with a usable compute estimate")
        if frontier.height < MIN_POINTS:
            raise FitError(f"only {plural(frontier.height, 'frontier model')} for the compute trend")
        fy = trendmod.decimal_year(frontier["release_date"].to_numpy())
        fx = frontier["log10_compute"].to_numpy()
        x = fr["log10_compute"].to_numpy()
        if method == "compute":
            return fit_compute(
                x,
                fr["score"].to_numpy(),
                floor=floor,
                ceiling=ceiling,
                weight=weight,
                fy=fy,
                fx=fx,
                n_boot=n_boot,
                seed=seed,
                x_sd=compute_sd(fr["confidence"]) if compute_noise else None,
            )
        return fit_compute_date(
            x,
            trendmod.decimal_year(fr["release_date"].to_numpy()),
            fr["score"].to_numpy(),
            floor=floor,
            ceiling=ceiling,
            weight=weight,
            fy=fy,
            fx=fx,
            n_boot=n_boot,
            seed=seed,
        )
    if method == "date":
        return fit_date(years, scores, floor=floor, ceiling=ceiling, weight=weight, n_boot=n_boot, seed=seed)
    if method == "sigmoid-time":
        return fit_date(
            years, scores, floor=0.0, ceiling=ceiling, weight=weight, n_boot=n_boot, seed=seed, method="sigmoid-time"
        )
    if method == "linear":
        return fit_linear(
            years, scores, as_of_year=float(trendmod.decimal_year(np.datetime64(as_of))), n_boot=n_boot, seed=seed
        )
    raise FitError(f"unknown method {method!r}; use one of: {', '.join(METHODS + BASELINES)}")
