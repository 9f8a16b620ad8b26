"""Simulated futures of frontier models: the predictive forecast of a first crossing.

The curve fits (``tracker.fit.sigmoid``) estimate where the *average* model
lands. The first model to reach a target is one model: a draw from the
scatter around the trend, among the several frontier models that arrive in
any year. This module simulates that process, on the logit scale of
z = (score - floor) / (ceiling - floor)::

    u_j = level + slope * (t_j - t0) + sigma * e_j,   e_j ~ N(0, 1)
    arrivals t_j > t0: a Poisson process with rate ``rate`` per year

and the state of the art at date D is max(best at t0, max of u_j with t_j <= D).
The first crossing of a target u* is the first arrival with u_j >= u*.

Each of the B draws carries its own (level, slope, sigma, rate), drawn by the
caller (a bootstrap of the near-frontier trend, a Gamma draw of the rate), so
one set of draws holds the parameter uncertainty and the scatter of single
models together: the date distribution of any target, P(reached by D) and
the fan of the state of the art all come from the same simulated arrivals.
Draws start at ``t0`` (the present): no simulated crossing is dated before it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from tracker.errors import FitError, plural

#: Years simulated after t0; a target not crossed by then counts as "never" (+inf).
DEFAULT_HORIZON = 25.0
#: Arrivals simulated per draw are capped here (memory); the horizon is cut to fit.
MAX_ARRIVALS = 600
#: Degrees of freedom of the single-model scatter (None: normal).
TAIL_DF: float | None = None


@dataclass(frozen=True, eq=False)
class Futures:
    """B simulated futures: arrival dates (decimal years) and the running best score (logit).

    ``times`` (B, K) ascending in each row, +inf past the horizon; ``best`` (B, K)
    the state of the art just after each arrival (non-decreasing in each row);
    ``best0`` the state of the art at ``t0``.
    """

    t0: float
    best0: float
    times: np.ndarray
    best: np.ndarray
    horizon: float

    @property
    def n(self) -> int:
        return self.times.shape[0]

    def first_crossing(self, u_target: float) -> np.ndarray:
        """Decimal year of the first arrival reaching ``u_target`` in each future (+inf: not within the horizon).

        A target already met at t0 gives t0 in every future.
        """
        if self.best0 >= u_target:
            return np.full(self.n, self.t0)
        hit = self.best >= u_target
        idx = hit.argmax(axis=1)
        found = hit[np.arange(self.n), idx]
        out = np.where(found, self.times[np.arange(self.n), idx], np.inf)
        return out

    def best_at(self, year: float) -> np.ndarray:
        """State of the art (logit) at decimal ``year`` in each future (``best0`` before any arrival)."""
        k = (self.times <= year).sum(axis=1)  # arrivals by then (rows are sorted)
        return self._best_after(k)

    def best_at_years(self, years: Any) -> np.ndarray:
        """``best_at`` for several years at once: (len(years), futures); the same values, one pass.

        Each future's arrival times are sorted, so its arrivals by every year are one
        ``searchsorted`` of that row (a fan of 37 months: a tenth of the time of 37 ``best_at``).
        """
        ys = np.asarray(years, dtype=float)
        k = np.empty((ys.size, self.n), dtype=np.intp)
        for i, row in enumerate(self.times):
            k[:, i] = np.searchsorted(row, ys, side="right")
        return np.stack([self._best_after(kj) for kj in k]) if ys.size else np.empty((0, self.n))

    def _best_after(self, k: np.ndarray) -> np.ndarray:
        """The best logit after the first ``k[i]`` arrivals of future i (``best0`` when none)."""
        out = np.full(self.n, self.best0)
        has = k > 0
        out[has] = np.maximum(self.best0, self.best[np.flatnonzero(has), k[has] - 1])
        return out


def simulate(
    *,
    t0: float,
    best0: float,
    level: Any,
    slope: Any,
    sigma: Any,
    rate: Any,
    seed: int,
    horizon: float = DEFAULT_HORIZON,
) -> Futures:
    """Simulate one future per parameter draw (arrays of equal length B; see the module docstring).

    Rates are arrivals per year (>= 0); sigma >= 0. Randomness comes only from
    ``numpy.random.default_rng(seed)``.
    """
    level, slope, sigma, rate = (np.asarray(v, dtype=float) for v in (level, slope, sigma, rate))
    if not (level.ndim == 1 and level.shape == slope.shape == sigma.shape == rate.shape and level.size > 0):
        raise FitError("level, slope, sigma and rate must be 1-D arrays of one equal, positive length")
    if not (
        np.all(np.isfinite(level))
        and np.all(np.isfinite(slope))
        and np.all(np.isfinite(sigma))
        and np.all(np.isfinite(rate))
    ):
        raise FitError("simulation parameters must be finite; drop failed bootstrap draws first")
    if np.any(sigma < 0) or np.any(rate < 0):
        raise FitError("the scatter (sigma) and the arrival rate must be non-negative")
    if not (math.isfinite(t0) and math.isfinite(best0) and horizon > 0):
        raise FitError("t0, the current best and the horizon must be finite (horizon > 0)")
    b = level.size
    rng = np.random.default_rng(seed)
    max_rate = float(rate.max())
    k = int(min(MAX_ARRIVALS, math.ceil(max_rate * horizon + 6 * math.sqrt(max_rate * horizon + 1) + 10)))
    if max_rate * horizon > MAX_ARRIVALS:  # keep memory bounded: simulate a shorter future
        horizon = MAX_ARRIVALS / (max_rate * 1.25)
    # The arithmetic below works in place on the (B, K) arrays (three instead of ten of them, at 2,000
    # futures of a few hundred arrivals: 8 MB each), in the same operations and order as
    # times = t0 + cumsum(gaps / rate); u = level + slope * (times - t0) + sigma * noise, so the same bits.
    times = rng.standard_exponential((b, k))
    with np.errstate(divide="ignore"):
        scale = np.where(rate > 0, 1.0 / rate, np.inf)
    times *= scale[:, None]
    np.cumsum(times, axis=1, out=times)
    times += t0
    times[times > t0 + horizon] = np.inf
    if TAIL_DF is None:
        noise = rng.standard_normal((b, k))
    else:  # Student-t scatter scaled to unit variance: single models now and then far above the trend
        noise = rng.standard_t(TAIL_DF, (b, k)) * math.sqrt((TAIL_DF - 2) / TAIL_DF)
    with np.errstate(invalid="ignore"):
        u = times - t0
        u *= slope[:, None]
        u += level[:, None]
        noise *= sigma[:, None]
        u += noise
    del noise
    u[~np.isfinite(times)] = -np.inf
    np.maximum(u, best0, out=u)
    best = np.maximum.accumulate(u, axis=1, out=u)
    return Futures(t0=float(t0), best0=float(best0), times=times, best=best, horizon=float(horizon))


#: Defaults of the near-frontier trend (chosen by the backtest: docs/method.md, section 9).
DEFAULT_WINDOW = 2.0  # years of models before t0 that the trend and the arrival rate are fitted on
DEFAULT_DELTA = 1.0  # a model is near the frontier when within this many logits of the best before it
#: Where the window holds fewer near-frontier models than this, it widens (by half years) up to MAX_WINDOW.
WANT_NEAR = 6
MAX_WINDOW = 4.0
MIN_NEAR = 6
#: A weakly informative prior on the near-frontier trend's slope (logits per year): normal, mean 1.2, sd 0.8.
#: Grounded outside the backtested data: a sigmoid in log compute rises about 1.1 logits per decade of
#: training compute (Owen 2023; our MMLU fit, docs/method.md section 2); frontier compute grows about 0.7
#: decades a year (Epoch AI's trend) and algorithmic progress adds about 0.4 (compute needed halving every
#: 8 months, Ho et al. 2024), so about 1.2 logits a year. It matters only where a benchmark has little
#: data (a new one, a few models): it keeps a handful of early points from reading as "no progress".
SLOPE_PRIOR_MEAN = 1.2
SLOPE_PRIOR_SD = 0.8


@dataclass(frozen=True, eq=False)
class FrontierDraws:
    """Bootstrap draws of the near-frontier process at ``t0`` (arrays of length B), and what they came from."""

    t0: float
    best0: float
    level: np.ndarray
    slope: np.ndarray
    sigma: np.ndarray
    rate: np.ndarray
    n_near: int  # near-frontier models in the window
    window: float  # the window used (years): the asked one, widened where it held too few models
    near: np.ndarray  # boolean mask over the input rows
    n_failed: int  # bootstrap draws that could not be fitted (dropped, counted)

    def simulate(self, *, seed: int, horizon: float = DEFAULT_HORIZON) -> Futures:
        return simulate(
            t0=self.t0,
            best0=self.best0,
            level=self.level,
            slope=self.slope,
            sigma=self.sigma,
            rate=self.rate,
            seed=seed,
            horizon=horizon,
        )


def _slope_se2(x: np.ndarray, y: np.ndarray) -> float:
    """Squared standard error of the OLS slope of y on x (inf when it is not identified)."""
    n = x.size
    sxx = float(((x - x.mean()) ** 2).sum())
    if n < 3 or sxx <= 0:
        return float("inf")
    b = float(((x - x.mean()) * (y - y.mean())).sum() / sxx)
    resid = y - y.mean() - b * (x - x.mean())
    return max(float(resid @ resid) / (n - 2) / sxx, 1e-12)


def near_frontier_mask(years: Any, u: Any, *, t0: float, window: float, delta: float) -> np.ndarray:
    """Rows released in [t0 - window, t0] whose logit score is within ``delta`` of the best released before them.

    "Before" means strictly earlier release dates (models of one day do not
    outrank each other); the first model of all counts as near the frontier.
    """
    t = np.asarray(years, dtype=float)
    s = np.asarray(u, dtype=float)
    order = np.argsort(t, kind="stable")
    best_before = np.full(t.size, -np.inf)
    best = -np.inf
    i = 0
    while i < order.size:  # one release date at a time
        j = i
        while j < order.size and t[order[j]] == t[order[i]]:
            j += 1
        best_before[order[i:j]] = best
        best = max(best, float(s[order[i:j]].max()))
        i = j
    return (t >= t0 - window) & (t <= t0) & (s >= best_before - delta)


def near_frontier_draws(
    years: Any,
    u: Any,
    *,
    t0: float,
    n_boot: int,
    seed: int,
    window: float = DEFAULT_WINDOW,
    delta: float = DEFAULT_DELTA,
) -> FrontierDraws:
    """Fit the near-frontier process to models known at ``t0`` (decimal years, logit scores) and bootstrap it.

    The trend is OLS of u on (t - t0) over the near-frontier models of the
    window (widened by half years, up to ``MAX_WINDOW``, while it holds fewer
    than ``WANT_NEAR`` of them); ``sigma`` its residual standard deviation; the
    rate of arrivals the number of those models per year of the window. Each draw resamples the near-frontier
    models (level, slope, sigma) and draws the rate from its Gamma posterior
    (Jeffreys prior), from ``numpy.random.default_rng(seed)``.
    """
    t = np.asarray(years, dtype=float)
    s = np.asarray(u, dtype=float)
    if t.ndim != 1 or t.shape != s.shape or t.size == 0:
        raise FitError("years and scores must be 1-D arrays of equal, positive length")
    if not (np.all(np.isfinite(t)) and np.all(np.isfinite(s))):
        raise FitError("years and logit scores must be finite; clip scores away from the floor and ceiling first")
    if not (window > 0 and delta >= 0):
        raise FitError("the window must be positive and delta non-negative")
    near = near_frontier_mask(t, s, t0=t0, window=window, delta=delta)
    while int(near.sum()) < WANT_NEAR and window + 0.5 <= MAX_WINDOW:
        window += 0.5
        near = near_frontier_mask(t, s, t0=t0, window=window, delta=delta)
    n = int(near.sum())
    if n < MIN_NEAR:
        raise FitError(
            f"only {plural(n, 'near-frontier model')} in the {window:g} years before the as-of date (need {MIN_NEAR}); "
            "the series has too little recent data to simulate (stale, or too new)"
        )
    x = t[near] - t0
    y = s[near]
    if np.ptp(x) <= 1e-6:
        raise FitError("the near-frontier models share one release date; no trend can be fitted")
    rng = np.random.default_rng(seed)
    counts = rng.multinomial(n, np.full(n, 1.0 / n), size=n_boot).astype(float)
    sw = counts.sum(axis=1)
    sx = counts @ x
    sy = counts @ y
    sxx = counts @ (x * x)
    sxy = counts @ (x * y)
    syy = counts @ (y * y)
    with np.errstate(divide="ignore", invalid="ignore"):
        denom = sw * sxx - sx * sx
        slope = (sw * sxy - sx * sy) / denom
        level = (sy - slope * sx) / sw
        rss = syy - level * sy - slope * sxy  # residual sum of squares of the weighted fit
        distinct = (counts > 0).sum(axis=1)
        sigma = np.sqrt(np.maximum(rss, 0.0) / np.maximum(sw - 2, 1.0))
    bad = ~(denom > 1e-12 * sw * sw) | (distinct < 3) | ~np.isfinite(slope) | ~np.isfinite(sigma)
    # Combine each draw's slope with the prior (normal-normal, the data weighted by the full sample's OLS
    # precision), adding the spread the shrinkage takes out so the draws follow the posterior; the level
    # pivots at each draw's centroid (recent models pin it, not the slope's extrapolation).
    se2 = _slope_se2(x, y)
    w = (1 / se2) / (1 / se2 + 1 / SLOPE_PRIOR_SD**2)
    with np.errstate(invalid="ignore"):
        slope = w * slope + (1 - w) * SLOPE_PRIOR_MEAN + np.sqrt(w * (1 - w) * se2) * rng.standard_normal(n_boot)
        level = (sy - slope * sx) / sw
    rate = rng.gamma(n + 0.5, 1.0 / window, size=n_boot)
    keep = ~bad
    if keep.sum() < max(10, n_boot // 2):
        raise FitError("most bootstrap draws of the near-frontier trend failed; the recent data are degenerate")
    best0 = float(s[t <= t0].max())
    return FrontierDraws(
        t0=float(t0),
        best0=best0,
        level=level[keep],
        slope=slope[keep],
        sigma=sigma[keep],
        rate=rate[keep],
        n_near=n,
        window=window,
        near=near,
        n_failed=int(bad.sum()),
    )
