"""Proper scores of forecast distributions given as samples (Gneiting and Raftery 2007).

``tw_crps`` is the threshold-weighted continuous ranked probability score
(Gneiting and Ranjan 2011) of a sample of dates against the outcome, with the
weight 1 on (-inf, cutoff] and 0 after it::

    twCRPS(F, y) = integral from -inf to cutoff of (F(z) - 1{y <= z})^2 dz

F is the sample's empirical distribution (+inf draws: "never", never <= z).
Only what happened by the cutoff is scored, so a forecast whose event has not
happened by the cutoff is still scored (y is then simply > cutoff, and the
score is the integral of F^2): outcomes after the truth cutoff are unknown,
not "never". The score is proper for every cutoff, in the units of the dates
(years here; callers convert). Lower is better; 0 is a perfect point forecast.

``crps`` is the plain CRPS of a sample against a real outcome (scores).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from tracker.errors import FitError


def tw_crps(draws: Any, outcome: float | None, cutoff: float) -> float:
    """Threshold-weighted CRPS of the sample ``draws`` (NaN dropped) against ``outcome`` (None: after the cutoff)."""
    x = np.asarray(draws, dtype=float)
    x = x[~np.isnan(x)]
    if x.size == 0:
        raise FitError("no draws to score")
    n = x.size
    y = np.inf if outcome is None or outcome > cutoff else float(outcome)
    pts = np.sort(x[x < cutoff])
    # Breakpoints inside (-inf, cutoff]: the draws, the outcome, the cutoff.
    knots = np.concatenate([pts, [y] if y < cutoff else [], [cutoff]])
    knots = np.unique(knots)
    if knots.size < 2:
        return 0.0
    left = knots[:-1]
    width = np.diff(knots)
    f = np.searchsorted(pts, left, side="right") / n  # F on [left, next knot)
    ind = (y <= left).astype(float)
    return float(np.sum((f - ind) ** 2 * width))


def crps(draws: Any, outcome: float) -> float:
    """CRPS of a sample against a real outcome: E|X - y| - E|X - X'| / 2 (NaN draws dropped)."""
    x = np.sort(np.asarray(draws, dtype=float))
    x = x[~np.isnan(x)]
    if x.size == 0 or not np.all(np.isfinite(x)):
        raise FitError("CRPS needs finite draws")
    n = x.size
    first = float(np.mean(np.abs(x - outcome)))
    # E|X - X'| over the empirical distribution, from the sorted sample in O(n).
    i = np.arange(1, n + 1)
    second = float(2.0 * np.sum((2 * i - n - 1) * x) / (n * n))
    return first - second / 2.0
