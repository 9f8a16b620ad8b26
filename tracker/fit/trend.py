"""Frontier compute trend: how fast the largest training runs grow.

The model, fitted by ordinary least squares on frontier models released since
``since``::

    log10(C) = intercept + slope * year        (year as a decimal year)

    growth per year = 10 ** slope,   doubling time = log10(2) / slope  (years)
    year at which the frontier reaches log10 compute x:  (x - intercept) / slope

A frontier model is one that was in the top 10 by training compute at its
release (Epoch AI's definition); ``top_n_at_release`` recomputes that flag for
models that do not carry Epoch's. ``bootstrap_trend`` resamples models with the
same counts scheme as ``tracker.fit.bootstrap_sigmoid`` and solves every
resample's weighted least squares in closed form at once.

Years are centred on their mean inside the solver (about 2022, where squares
of raw years would lose digits); results are reported for raw years.
"""

from __future__ import annotations

import bisect
import datetime as _dt
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from tracker.errors import FitError
from tracker.fit.resample import DEFAULT_N_BOOT, DEFAULT_SEED, iter_bootstrap_counts

#: Fewest models a trend fit accepts.
MIN_POINTS = 3
#: Years "do not vary" when their range is at most this many years (about 30 s).
YEAR_SPREAD_MIN = 1e-6
#: Epoch AI's frontier definition: top N by training compute at release.
FRONTIER_TOP_N = 10
#: A fitted slope at or below this (log10 FLOP per year: a doubling every
#: 300 million years) is "not growing". A flat frontier fits a slope of about
#: 1e-16 rather than exactly 0, depending on the machine's BLAS: never compare
#: a fitted slope with exact zero.
MIN_GROWTH = 1e-9


@dataclass(frozen=True)
class Trend:
    """OLS fit ``log10(C) = intercept + slope * year`` with its uncertainty.

    ``slope`` is in log10 FLOP per year, ``residual_sd`` in log10 FLOP, ``cov``
    the 2x2 covariance of (intercept, slope), ``since`` the decimal year the
    fitting window starts at.
    """

    intercept: float
    slope: float
    se_intercept: float
    se_slope: float
    cov: tuple[tuple[float, float], tuple[float, float]]
    n: int
    residual_sd: float
    since: float

    @property
    def growth_per_year(self) -> float:
        """Factor by which frontier compute grows each year (10 ** slope)."""
        return 10.0**self.slope

    @property
    def doubling_time_years(self) -> float:
        """Years for frontier compute to double; ``math.inf`` when it is not growing."""
        if not self.growing:
            return math.inf
        return math.log10(2.0) / self.slope

    @property
    def growing(self) -> bool:
        """True when frontier compute grows by more than numerical noise (see MIN_GROWTH)."""
        return self.slope > MIN_GROWTH

    def predict(self, year: Any) -> Any:
        """Frontier log10 compute at decimal ``year`` (float or array)."""
        out = self.intercept + self.slope * np.asarray(year, dtype=float)
        return float(out) if out.ndim == 0 else out

    def year_for(self, log10c: Any) -> Any:
        """Decimal year at which the frontier reaches log10 compute ``log10c``.

        Raises FitError when slope <= 0: a flat or falling frontier never gets there.
        """
        if not self.growing:
            raise FitError(
                f"frontier compute is not growing (slope {self.slope:.3g} log10 FLOP per year), "
                "so no date can be given; check the trend window (--trend-since)"
            )
        out = (np.asarray(log10c, dtype=float) - self.intercept) / self.slope
        return float(out) if out.ndim == 0 else out


def decimal_year(dates: Any) -> Any:
    """Decimal year of dates: 2024-01-01 -> 2024.0, 2024-07-02 -> 2024.5 (leap year).

    Accepts a ``datetime.date``/``datetime``, a numpy ``datetime64`` or an array
    or list of them; returns a float for one date, an array otherwise. The
    fraction is the elapsed share of that calendar year (times of day count).
    """
    try:
        arr = np.asarray(dates, dtype="datetime64[s]")
    except (TypeError, ValueError) as exc:
        raise FitError(f"dates must be dates (YYYY-MM-DD); could not read them ({exc})") from None
    if np.any(np.isnat(arr)):
        raise FitError("a date is missing (NaT); drop models without a release date first")
    year = arr.astype("datetime64[Y]")
    start = year.astype("datetime64[s]")
    length = (year + 1).astype("datetime64[s]") - start
    out = year.astype(np.int64) + 1970 + (arr - start) / length
    return float(out) if out.ndim == 0 else out.astype(float)


def date_from_decimal_year(y: float) -> _dt.date:
    """The calendar date of decimal year ``y`` (nearest day); inverse of ``decimal_year``."""
    if isinstance(y, (str, bytes, bool)):
        raise FitError(f"a decimal year must be a number, got {y!r}")
    try:
        v = float(y)
    except (TypeError, ValueError):
        raise FitError(f"a decimal year must be a number, got {y!r}") from None
    if not math.isfinite(v) or not 1 <= v < 9999:
        raise FitError(f"decimal year {v!r} is not a representable date (years 1-9998)")
    year = int(math.floor(v))
    start = _dt.date(year, 1, 1)
    days = (_dt.date(year + 1, 1, 1) - start).days
    # Nearest day; a fraction rounding up to the next 1 January gives that date.
    return start + _dt.timedelta(days=int(round((v - year) * days)))


def year_to_iso(year: float | None) -> str | None:
    """ISO date of a decimal year; None when open-ended or outside calendar years 1-9998.

    Such years come from nearly flat fits (a date thousands of years away, or
    before any data): no calendar date says anything useful about them.
    """
    if year is None or not (1.0 <= year < 9999.0):
        return None
    return date_from_decimal_year(year).isoformat()


def fit_trend(years: Any, log10c: Any, *, since: float | None = None) -> Trend:
    """OLS of log10 compute on decimal year (numpy lstsq, standard OLS errors).

    With ``since``, rows before that decimal year are dropped first; otherwise
    ``since`` is the earliest year given. Raises FitError for fewer than 3
    models, no variation in year, or non-finite values.
    """
    t, c, start = _prepare(years, log10c, since)
    n = t.size
    center = float(np.mean(t))
    design = np.column_stack([np.ones(n), t - center])
    coef, _, rank, _ = np.linalg.lstsq(design, c, rcond=None)
    if rank < 2:
        raise FitError("release years do not vary enough to fit a trend; add models from other years")
    resid = c - design @ coef
    sigma2 = float(resid @ resid) / (n - 2)
    cov_c = sigma2 * np.linalg.inv(design.T @ design)
    jac = np.array([[1.0, -center], [0.0, 1.0]])  # centred -> raw-year intercept
    cov = jac @ cov_c @ jac.T
    slope = float(coef[1])
    intercept = float(coef[0] - slope * center)
    return Trend(
        intercept=intercept,
        slope=slope,
        se_intercept=math.sqrt(max(float(cov[0, 0]), 0.0)),
        se_slope=math.sqrt(max(float(cov[1, 1]), 0.0)),
        cov=((float(cov[0, 0]), float(cov[0, 1])), (float(cov[1, 0]), float(cov[1, 1]))),
        n=n,
        residual_sd=math.sqrt(sigma2),
        since=start,
    )


def bootstrap_trend(
    years: Any,
    log10c: Any,
    *,
    n_boot: int = DEFAULT_N_BOOT,
    seed: int = DEFAULT_SEED,
    since: float | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Bootstrap (intercepts, slopes), each of length ``n_boot``, batched.

    Resample counts are ``tracker.fit.bootstrap_counts(n, n_boot=, seed=)``;
    each resample's weighted least squares is solved in closed form. A
    resample whose models all share one release year has no slope: NaN there
    (count them with ``np.isnan``; the caller must report them).
    Use a different seed from the sigmoid bootstrap's so the two data sets are
    not resampled with identical counts.
    """
    t, c, _ = _prepare(years, log10c, since)
    n = t.size
    center = float(np.mean(t))
    tc = t - center
    cols = np.column_stack([np.ones(n), tc, tc * tc, c, tc * c])
    sums = np.vstack([counts @ cols for counts in iter_bootstrap_counts(n, n_boot=n_boot, seed=seed)])
    sw, st, stt, sc, stc = sums.T
    with np.errstate(divide="ignore", invalid="ignore"):
        denom = sw * stt - st * st
        slopes = (sw * stc - st * sc) / denom
        icept_c = (sc - slopes * st) / sw
    flat = ~(denom > (YEAR_SPREAD_MIN**2) * sw * sw)
    slopes[flat] = np.nan
    intercepts = icept_c - slopes * center
    intercepts[flat] = np.nan
    return intercepts, slopes


def top_n_at_release(years: Any, log10c: Any, n: int = FRONTIER_TOP_N) -> np.ndarray:
    """Epoch AI's frontier flag recomputed: True where fewer than ``n`` models
    released on or before this one (same day included) had strictly more compute.

    Models with a missing (NaN) year or compute are never frontier and are not
    counted against others.
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise FitError(f"n must be a positive integer, got {n!r}")
    t, c = _arrays(years, log10c)
    out = np.zeros(t.size, dtype=bool)
    known = np.flatnonzero(np.isfinite(t) & np.isfinite(c))
    order = known[np.argsort(t[known], kind="stable")]
    seen: list[float] = []  # sorted computes of models released so far
    i = 0
    while i < order.size:
        j = i
        while j < order.size and t[order[j]] == t[order[i]]:
            j += 1
        same_day = order[i:j]
        for k in same_day:  # "on or before" includes models released the same day
            bisect.insort(seen, float(c[k]))
        for k in same_day:
            more = len(seen) - bisect.bisect_right(seen, float(c[k]))
            out[k] = more < n
        i = j
    return out


def _arrays(years: Any, log10c: Any) -> tuple[np.ndarray, np.ndarray]:
    """Years and log10 compute as equal-length 1-D float arrays, or a FitError."""
    try:
        t = np.asarray(years, dtype=float)
        c = np.asarray(log10c, dtype=float)
    except (TypeError, ValueError) as exc:
        raise FitError(f"years and log10 compute must be numbers ({exc})") from None
    if t.ndim != 1 or t.shape != c.shape:
        raise FitError(f"years and log10c must be 1-D of equal length, got {t.shape} and {c.shape}")
    return t, c


def _prepare(years: Any, log10c: Any, since: float | None) -> tuple[np.ndarray, np.ndarray, float]:
    t, c = _arrays(years, log10c)
    bad = ~(np.isfinite(t) & np.isfinite(c))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise FitError(
            f"row {i} has a non-finite value (year={t[i]!r}, log10 compute={c[i]!r}); "
            "drop models without a date or compute estimate first"
        )
    if since is not None:
        try:
            since = float(since)
        except (TypeError, ValueError):
            raise FitError(f"since must be a decimal year, got {since!r}") from None
        if not math.isfinite(since):
            raise FitError(f"since must be a finite decimal year, got {since!r}")
        keep = t >= since
        t, c = t[keep], c[keep]
    if t.size < MIN_POINTS:
        raise FitError(
            f"need at least {MIN_POINTS} frontier models to fit the compute trend, got {t.size}; "
            "move --trend-since earlier or add models"
        )
    if np.ptp(t) <= YEAR_SPREAD_MIN or not math.isfinite(float(np.ptp(t))):
        raise FitError(
            "all frontier models share one release date, so no trend can be fitted; add models from other dates"
        )
    if np.max(np.abs(t)) > 1e6 or np.max(np.abs(c)) > 1e6:
        raise FitError("years must be decimal years and compute log10 FLOP; values are implausibly large")
    start = float(since) if since is not None else float(np.min(t))
    return t, c, start
