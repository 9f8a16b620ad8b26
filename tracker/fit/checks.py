"""Input checks of the sigmoid fit: the working arrays, and the data that cannot identify it.

Degenerate data get a clear FitError instead of a nonsense fit: fewer than 3
models, no variation in compute, every score at the floor or at the ceiling,
non-finite values, perfect separation. ``degenerate_rows`` is the same check
for B bootstrap resamples at once.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from tracker.errors import FitError, exact

#: Fewest distinct models a fit (or a bootstrap resample) may use.
MIN_POINTS = 3
#: x "does not vary" when its range is at most this fraction of max(1, max |x|).
X_SPREAD_MIN_REL = 1e-9


@dataclass(frozen=True, eq=False)
class Data:
    x: np.ndarray
    z: np.ndarray
    w: np.ndarray
    floor: float
    ceiling: float
    center: float
    spread: float


def as_float_array(v: Any, name: str) -> np.ndarray:
    try:
        return np.asarray(v, dtype=float)
    except (TypeError, ValueError) as exc:
        raise FitError(f"{name} must be numbers; could not read it as numbers ({exc})") from None


def as_float(v: Any, name: str) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)):
        raise FitError(f"{name} must be a number, got {v!r}")
    v = float(v)
    if not math.isfinite(v):
        raise FitError(f"{name} must be finite, got {v!r}")
    return v


def target_logit(target: Any, floor: float, ceiling: float) -> float:
    t = as_float(target, "target")
    if not floor < t < ceiling:
        raise FitError(
            f"target {exact(t)} is outside ({floor:g}, {ceiling:g}), the range between the "
            "benchmark's floor and ceiling; choose a target strictly inside it"
        )
    u = (t - floor) / (ceiling - floor)
    return math.log(u) - math.log1p(-u)


def prepare(x: Any, y: Any, floor: Any, ceiling: Any, weight: Any) -> Data:
    """Validate inputs and return the fit's working arrays (raises FitError)."""
    f = as_float(floor, "floor")
    c = as_float(ceiling, "ceiling")
    if not f < c:
        raise FitError(f"floor {f:g} must be below ceiling {c:g}; check datasets/benchmarks.csv")
    xa = as_float_array(x, "x (log10 compute)")
    ya = as_float_array(y, "y (scores)")
    if xa.ndim != 1 or ya.ndim != 1 or xa.shape != ya.shape:
        raise FitError(f"x and y must be 1-D and of equal length, got shapes {xa.shape} and {ya.shape}")
    n = xa.size
    wa = as_float_array(weight, "weight")
    if wa.ndim == 0:
        wa = np.full(n, float(wa))
    if wa.shape != (n,):
        raise FitError(f"weight must be one number or one per row ({n}), got shape {wa.shape}")
    bad = ~(np.isfinite(xa) & np.isfinite(ya) & np.isfinite(wa))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise FitError(
            f"row {i} has a non-finite value (x={xa[i]!r}, y={ya[i]!r}, weight={wa[i]!r}); "
            "drop rows without a compute estimate or score before fitting"
        )
    if np.any(wa <= 0):
        raise FitError("weights (items per benchmark) must be positive; leave them at 1.0 if unknown")
    if np.any((ya < 0) | (ya > 1)):
        i = int(np.flatnonzero((ya < 0) | (ya > 1))[0])
        raise FitError(f"scores must be fractions in [0, 1]; row {i} has {ya[i]:g} (a percentage? divide by 100)")
    z = np.clip((ya - f) / (c - f), 0.0, 1.0)
    check_rows(xa, z, f, c)
    with np.errstate(all="ignore"):  # absurd magnitudes overflow: caught just below
        center = float(np.mean(xa))
        spread = float(np.std(xa))
    if not (math.isfinite(center) and math.isfinite(spread) and spread > 0):
        raise FitError("log10 compute values are too large to fit; x must be log10 FLOP (e.g. 20-27)")
    return Data(x=xa, z=z, w=wa, floor=f, ceiling=c, center=center, spread=spread)


def check_rows(x: np.ndarray, z: np.ndarray, floor: float, ceiling: float) -> None:
    """Raise FitError if these distinct rows cannot identify (a, s)."""
    n = x.size
    if n < MIN_POINTS:
        raise FitError(
            f"need at least {MIN_POINTS} models with both a score and a compute estimate, "
            f"got {n}; add scores or pick a benchmark with more results"
        )
    if np.ptp(x) <= X_SPREAD_MIN_REL * max(1.0, float(np.max(np.abs(x)))):
        raise FitError(
            f"all {n} models have the same training compute (log10 {x[0]:.4g}), so the slope "
            "cannot be estimated; add models of different compute"
        )
    if np.all(z <= 0):
        raise FitError(
            f"every score is at or below the floor {floor:g} (chance level), so there is no "
            "signal to fit; check the floor or add results from stronger models"
        )
    if np.all(z >= 1):
        raise FitError(
            f"every score is at or above the ceiling {ceiling:g}, so there is nothing left to "
            "forecast; check the ceiling or pick a harder benchmark"
        )
    # Separation: a threshold t with every z < 1 at x <= t and every z > 0 at x >= t
    # (or the mirror image) lets the likelihood grow forever as |s| -> infinity.
    up = float(np.max(x[z < 1])) <= float(np.min(x[z > 0]))
    down = float(np.max(x[z > 0])) <= float(np.min(x[z < 1]))
    if up or down:
        lo, hi = (np.max(x[z < 1]), np.min(x[z > 0])) if up else (np.max(x[z > 0]), np.min(x[z < 1]))
        side = "below" if up else "above"
        raise FitError(
            f"perfect separation: every model {side} log10 compute {lo:.4g}-{hi:.4g} scores at "
            "the floor and every other one at the ceiling, so the slope is infinite; add models "
            "in between or check the floor and ceiling"
        )


def degenerate_rows(x: np.ndarray, z: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Vectorised ``check_rows`` for B bootstrap resamples: True where it would raise.

    ``counts`` (B, n) holds each resample's n draws counted per row (so every row sums to n).

    Fast path for a shared x: a resample with at least MIN_POINTS distinct rows
    and interior scores (0 < z < 1) at two clearly different x values can be
    neither flat, nor all at floor or ceiling, nor separated. Only the rest
    (rare) get the full check. When the most any row is drawn shows that every
    resample holds enough distinct rows, no resample is looked at one by one.
    """
    if x.ndim == 1:
        interior = np.flatnonzero((z > 0) & (z < 1))
        if interior.size >= 2:
            # Group interior rows whose x values are closer than the resolution:
            # a resample is safe when it holds interior rows of two groups.
            xi = x[interior]
            order = np.argsort(xi, kind="stable")
            resolution = X_SPREAD_MIN_REL * max(1.0, float(np.max(np.abs(x))))
            sorted_group = np.concatenate([[0], np.cumsum(np.diff(xi[order]) > resolution)])
            group = np.empty_like(sorted_group)
            group[order] = sorted_group
            if sorted_group[-1] >= 1:
                every = interior.size == counts.shape[1]  # the usual case: no row at the floor or ceiling
                # Cheapest of all, one pass: a resample of n draws whose rows are each drawn at most
                # c times has at least n / c distinct rows. If that is more than 2 and more than the
                # largest group holds, every resample is safe (the usual case for tens of models).
                largest = int(np.bincount(sorted_group).max())
                if every and int(counts.max()) * max(largest, MIN_POINTS - 1) < counts.shape[1]:
                    return np.zeros(counts.shape[0], dtype=bool)
                seen = counts > 0 if every else counts[:, interior] > 0
                # Two groups are seen when some seen row's group differs from the first seen row's:
                # O(B n) time and a (B, n) boolean, where an indicator matrix of the groups was
                # (n, groups) float32 (10,000 models: 400 MB and 1e10 flops per block of resamples).
                first = group[np.argmax(seen, axis=1)]
                two_groups = (seen & (group[None, :] != first[:, None])).any(axis=1)
                enough = np.count_nonzero(seen if every else counts, axis=1) >= MIN_POINTS
                out = np.zeros(counts.shape[0], dtype=bool)
                doubt = np.flatnonzero(~(enough & two_groups))
                if doubt.size:
                    out[doubt] = degenerate_rows_full(x, z, counts[doubt])
                return out
    return degenerate_rows_full(x, z, counts)


def degenerate_rows_full(x: np.ndarray, z: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """``degenerate_rows`` without the fast path; x is (n,) or (B, n)."""
    inc = counts > 0
    xb = np.broadcast_to(x, counts.shape)
    few = inc.sum(axis=1) < MIN_POINTS
    xmax = np.where(inc, xb, -np.inf).max(axis=1)
    xmin = np.where(inc, xb, np.inf).min(axis=1)
    flat = (xmax - xmin) <= X_SPREAD_MIN_REL * np.maximum(1.0, np.maximum(np.abs(xmax), np.abs(xmin)))
    lt1 = inc & (z < 1)
    gt0 = inc & (z > 0)
    # Empty sets give -inf/+inf, which makes both tests true: all-floor and all-ceiling
    # resamples are flagged here too.
    up = np.where(lt1, xb, -np.inf).max(axis=1) <= np.where(gt0, xb, np.inf).min(axis=1)
    down = np.where(gt0, xb, -np.inf).max(axis=1) <= np.where(lt1, xb, np.inf).min(axis=1)
    return few | flat | up | down
