"""Score vs training compute: the sigmoid fit at the core of ``tracker forecast``.

The model, for one benchmark with chance floor ``f`` and ceiling ``c``::

    E[y] = f + (c - f) * sigmoid(a + s * x),    x = log10(training compute, FLOP)

    midpoint m = -a / s
    compute needed for target t (f < t < c):  x*(t) = (logit((t - f)/(c - f)) - a) / s

It is fitted as a quasi-binomial GLM with a logit link on
``z = (y - f) / (c - f)`` clipped into [0, 1], with ``var_weights`` = ``w`` (the
number of items in the benchmark; a constant weight does not change the
estimates or their standard errors) and the dispersion estimated from Pearson's
chi2 / (n - 2). The estimating equations are ``sum_i w_i (z_i - p_i) [1, x_i] = 0``
with ``p_i = sigmoid(a + s x_i)``; for the canonical logit link Newton's method
and IRLS (Fisher scoring) are the same iteration, solved here in numpy.

``fit_sigmoid_statsmodels`` fits the same model with statsmodels' ``GLM`` as a
cross-check; statsmodels is imported only inside it, because it costs about a
second and a half to import.

``bootstrap_sigmoid`` resamples models with replacement. Each resample is a
vector of counts over the n rows (n uniform draws of a row index, counted), so all B
resamples are solved at once as B weighted fits by a vectorised Newton
iteration that starts from the full-data estimate. Resamples that do not
converge there, or are degenerate, are refitted one at a time with the scalar
solver; those that still fail are NaN and counted in ``n_failed``.

Internally x is standardised with the full-data mean and standard deviation
(log10 FLOP sits around 20-27 with a spread of a few units, which makes the raw
design matrix badly conditioned); results are reported on the original scale.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist
from typing import Any

import numpy as np

from tracker.errors import FitError
from tracker.fit.glm import (DEFAULT_MAX_ITER, DEFAULT_TOL, batched_newton2, mean_var, newton2, sigmoid)
from tracker.fit.resample import (DEFAULT_N_BOOT, DEFAULT_SEED, check_boot_args, iter_bootstrap_counts,
                                  quantiles_with_inf)

#: Fewest distinct models a fit (or a bootstrap resample) may use.
MIN_POINTS = 3
#: x "does not vary" when its range is at most this fraction of max(1, max |x|).
X_SPREAD_MIN_REL = 1e-9
#: A fitted slope at or below this (per unit of x: a decade of compute, or a
#: year) is "no progress". Flat data fit a slope of about 1e-16 rather than
#: exactly 0, depending on the machine: never compare a fitted slope with zero.
MIN_SLOPE = 1e-9


# --------------------------------------------------------------------------- #
# Results
# --------------------------------------------------------------------------- #


@dataclass(frozen=True)
class SigmoidFit:
    """A fitted sigmoid ``E[y] = floor + (ceiling - floor) * sigmoid(a + s*x)``.

    ``cov`` is the 2x2 covariance of (a, s) as nested tuples, already multiplied
    by ``scale`` (the quasi-binomial dispersion, Pearson chi2 / (n - 2)).
    """

    a: float
    s: float
    se_a: float
    se_s: float
    cov: tuple[tuple[float, float], tuple[float, float]]
    scale: float
    n: int
    floor: float
    ceiling: float
    converged: bool
    iterations: int

    @property
    def midpoint(self) -> float:
        """log10 compute at which the score is halfway between floor and ceiling (-a/s)."""
        if self.s == 0:
            return math.inf
        return -self.a / self.s

    @property
    def rising(self) -> bool:
        """True when the score rises with x by more than numerical noise (see MIN_SLOPE)."""
        return self.s > MIN_SLOPE

    def predict(self, x: Any) -> Any:
        """Expected score at log10 compute ``x`` (a float, or an array for an array)."""
        xa = np.asarray(x, dtype=float)
        out = self.floor + (self.ceiling - self.floor) * sigmoid(self.a + self.s * xa)
        return float(out) if out.ndim == 0 else out

    def x_for(self, target: float) -> float:
        """log10 compute at which the expected score reaches ``target``.

        Raises FitError for a target outside (floor, ceiling) and when s <= 0
        (no progress with compute: no amount of compute reaches the target).
        """
        logit_u = _target_logit(target, self.floor, self.ceiling)
        if not self.rising:
            raise FitError(
                f"no progress with compute: the fitted slope is {self.s:.3g} <= 0, so no amount "
                "of compute is predicted to reach the target; do not read a date from this fit"
            )
        return (logit_u - self.a) / self.s

    def delta_interval(self, target: float, level: float = 0.95) -> tuple[float, float]:
        """Delta-method interval (lo, hi) for ``x_for(target)`` at confidence ``level``.

        Var x* = g' cov g with g = (-1/s, -x*/s); normal quantiles. A cross-check
        of the bootstrap, symmetric by construction.
        """
        if not (isinstance(level, (int, float)) and 0 < level < 1):
            raise FitError(f"interval level must be between 0 and 1, got {level!r}; use e.g. 0.8")
        x_star = self.x_for(target)
        g = np.array([-1.0 / self.s, -x_star / self.s])
        var = float(g @ np.array(self.cov) @ g)
        half = NormalDist().inv_cdf(0.5 + level / 2) * math.sqrt(max(var, 0.0))
        return (x_star - half, x_star + half)


@dataclass(frozen=True, eq=False)
class SigmoidBootstrap:
    """Bootstrap draws of (a, s): arrays of length ``n_boot``, NaN where a resample failed.

    ``n_failed`` counts the NaN resamples; they are excluded from quantiles and
    must be reported alongside them. ``jittered`` says whether log10 compute was
    redrawn within its uncertainty in each resample.
    """

    a: np.ndarray
    s: np.ndarray
    n_boot: int
    n_failed: int
    seed: int
    floor: float
    ceiling: float
    jittered: bool = False

    @property
    def n_ok(self) -> int:
        """Number of resamples that produced a fit."""
        return self.n_boot - self.n_failed

    def x_for(self, target: float) -> np.ndarray:
        """x*(target) per resample: +inf where s <= 0 ("never"), NaN where the resample failed."""
        logit_u = _target_logit(target, self.floor, self.ceiling)
        with np.errstate(divide="ignore", invalid="ignore"):
            out = (logit_u - self.a) / self.s
        out = np.where(self.s > MIN_SLOPE, out, np.inf)
        out[np.isnan(self.s)] = np.nan
        return out

    def never_share(self, target: float) -> float:
        """Share of successful resamples in which the target is never reached (s <= 0)."""
        xs = self.x_for(target)
        ok = ~np.isnan(xs)
        if not ok.any():
            raise FitError("every bootstrap resample failed; no interval can be given")
        return float(np.isinf(xs[ok]).mean())

    def x_quantiles(self, target: float, probs: Any) -> np.ndarray:
        """Quantiles of x*(target) over successful resamples; may be +inf (open-ended)."""
        return quantiles_with_inf(self.x_for(target), probs)


# --------------------------------------------------------------------------- #
# Fitting
# --------------------------------------------------------------------------- #


def fit_sigmoid(
    x: Any,
    y: Any,
    *,
    floor: float,
    ceiling: float = 1.0,
    weight: Any = 1.0,
    max_iter: int = DEFAULT_MAX_ITER,
    tol: float = DEFAULT_TOL,
) -> SigmoidFit:
    """Fit ``E[y] = floor + (ceiling - floor) * sigmoid(a + s*x)`` by quasi-likelihood.

    ``x`` is log10 training compute, ``y`` scores as fractions in [0, 1],
    ``weight`` a scalar or per-row number of items (``var_weights``). Newton /
    IRLS with step halving in numpy. Raises FitError for degenerate data: fewer
    than 3 points, no variation in x, all scores at the floor or all at the
    ceiling, non-finite values, perfect separation, or no convergence.
    """
    if not (isinstance(max_iter, int) and max_iter >= 1):
        raise FitError(f"max_iter must be a positive integer, got {max_iter!r}")
    if not (isinstance(tol, (int, float)) and tol > 0 and math.isfinite(tol)):
        raise FitError(f"tol must be a positive number, got {tol!r}")
    d = _prepare(x, y, floor, ceiling, weight)
    xs = (d.x - d.center) / d.spread
    beta, iterations = newton2(xs, d.z, d.w, None, max_iter, tol)
    return _result(d, beta, iterations)


def fit_sigmoid_statsmodels(
    x: Any, y: Any, *, floor: float, ceiling: float = 1.0, weight: Any = 1.0
) -> SigmoidFit:
    """The same fit through ``statsmodels.api.GLM`` (Binomial, var_weights, scale='X2').

    A cross-check of ``fit_sigmoid``; same input checks, same result type.
    """
    import statsmodels.api as sm  # lazy: ~1.5 s import, only the cross-check needs it

    d = _prepare(x, y, floor, ceiling, weight)
    design = np.column_stack([np.ones_like(d.x), d.x])
    model = sm.GLM(d.z, design, family=sm.families.Binomial(), var_weights=d.w)
    # tol tighter than statsmodels' default 1e-8 so the two solvers agree to 1e-6.
    res = model.fit(scale="X2", tol=1e-12, maxiter=200)
    a, s = (float(v) for v in res.params)
    cov = np.asarray(res.cov_params(), dtype=float)
    if not np.all(np.isfinite([a, s])) or not np.all(np.isfinite(cov)):
        raise FitError("statsmodels' GLM returned non-finite estimates; check the data")
    return SigmoidFit(
        a=a,
        s=s,
        se_a=float(math.sqrt(max(cov[0, 0], 0.0))),
        se_s=float(math.sqrt(max(cov[1, 1], 0.0))),
        cov=((float(cov[0, 0]), float(cov[0, 1])), (float(cov[1, 0]), float(cov[1, 1]))),
        scale=float(res.scale),
        n=int(d.x.size),
        floor=d.floor,
        ceiling=d.ceiling,
        converged=bool(res.converged),
        iterations=int(res.fit_history["iteration"]),
    )


def bootstrap_sigmoid(
    x: Any,
    y: Any,
    *,
    floor: float,
    ceiling: float = 1.0,
    weight: Any = 1.0,
    n_boot: int = DEFAULT_N_BOOT,
    seed: int = DEFAULT_SEED,
    x_sd: Any = None,
) -> SigmoidBootstrap:
    """Nonparametric bootstrap over models of the sigmoid fit, batched in numpy.

    Resample counts come from ``bootstrap_counts(n, n_boot=, seed=)``. With
    ``x_sd`` (standard deviation of log10 compute, scalar or per row), each
    resample also redraws x as ``x + x_sd * N(0, 1)`` from a second stream
    spawned from the same seed, propagating compute uncertainty. Resamples the
    batched Newton cannot settle are refitted with the scalar solver; those
    that still fail (degenerate, separated, divergent) are NaN and counted.
    """
    check_boot_args(n_boot, seed)
    d = _prepare(x, y, floor, ceiling, weight)
    n = d.x.size
    sd = None
    if x_sd is not None:
        sd = _as_float_array(x_sd, "x_sd")
        if sd.ndim == 0:
            sd = np.full(n, float(sd))
        if sd.shape != (n,) or not np.all(np.isfinite(sd)) or np.any(sd < 0):
            raise FitError(
                f"x_sd must be one finite non-negative number or one per row ({n}); "
                "give the standard deviation of log10 compute"
            )
    xs_full = (d.x - d.center) / d.spread
    beta0, _ = newton2(xs_full, d.z, d.w, None, DEFAULT_MAX_ITER, DEFAULT_TOL)

    jitter_rng = np.random.default_rng(np.random.SeedSequence(seed).spawn(1)[0])
    a_out = np.full(n_boot, np.nan)
    s_out = np.full(n_boot, np.nan)
    start = 0
    for counts in iter_bootstrap_counts(n, n_boot=n_boot, seed=seed):
        m = counts.shape[0]
        if sd is None:
            xb = d.x
        else:
            xb = d.x + sd * jitter_rng.standard_normal((m, n))
        xs = (xb - d.center) / d.spread
        beta, ok = batched_newton2(xs, d.z, counts * d.w, beta0)
        ok &= ~_degenerate_rows(xb, d.z, counts)
        for b in np.flatnonzero(~ok):  # stragglers and degenerate resamples
            rows = counts[b] > 0
            xb_b = xb[rows] if xb.ndim == 1 else xb[b, rows]
            try:
                _check_rows(xb_b, d.z[rows], d.floor, d.ceiling)
                beta[b], _ = newton2(
                    (xb_b - d.center) / d.spread,
                    d.z[rows],
                    counts[b, rows] * d.w[rows],
                    None,
                    DEFAULT_MAX_ITER,
                    DEFAULT_TOL,
                )
                ok[b] = True
            except FitError:
                beta[b] = np.nan  # counted below, never dropped silently
        s_out[start : start + m] = beta[:, 1] / d.spread
        a_out[start : start + m] = beta[:, 0] - s_out[start : start + m] * d.center
        start += m
    a_out.setflags(write=False)
    s_out.setflags(write=False)
    return SigmoidBootstrap(
        a=a_out,
        s=s_out,
        n_boot=n_boot,
        n_failed=int(np.isnan(s_out).sum()),
        seed=seed,
        floor=d.floor,
        ceiling=d.ceiling,
        jittered=sd is not None,
    )


# --------------------------------------------------------------------------- #
# Internals
# --------------------------------------------------------------------------- #


@dataclass(frozen=True, eq=False)
class _Data:
    x: np.ndarray
    z: np.ndarray
    w: np.ndarray
    floor: float
    ceiling: float
    center: float
    spread: float


def _as_float_array(v: Any, name: str) -> np.ndarray:
    try:
        return np.asarray(v, dtype=float)
    except (TypeError, ValueError) as exc:
        raise FitError(f"{name} must be numbers; could not read it as numbers ({exc})") from None


def _as_float(v: Any, name: str) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)):
        raise FitError(f"{name} must be a number, got {v!r}")
    v = float(v)
    if not math.isfinite(v):
        raise FitError(f"{name} must be finite, got {v!r}")
    return v


def _target_logit(target: Any, floor: float, ceiling: float) -> float:
    t = _as_float(target, "target")
    if not floor < t < ceiling:
        raise FitError(
            f"target {t:g} is outside ({floor:g}, {ceiling:g}), the range between the "
            "benchmark's floor and ceiling; choose a target strictly inside it"
        )
    u = (t - floor) / (ceiling - floor)
    return math.log(u) - math.log1p(-u)


def _prepare(x: Any, y: Any, floor: Any, ceiling: Any, weight: Any) -> _Data:
    """Validate inputs and return the fit's working arrays (raises FitError)."""
    f = _as_float(floor, "floor")
    c = _as_float(ceiling, "ceiling")
    if not f < c:
        raise FitError(f"floor {f:g} must be below ceiling {c:g}; check datasets/benchmarks.csv")
    xa = _as_float_array(x, "x (log10 compute)")
    ya = _as_float_array(y, "y (scores)")
    if xa.ndim != 1 or ya.ndim != 1 or xa.shape != ya.shape:
        raise FitError(
            f"x and y must be 1-D and of equal length, got shapes {xa.shape} and {ya.shape}"
        )
    n = xa.size
    wa = _as_float_array(weight, "weight")
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
        raise FitError(
            f"scores must be fractions in [0, 1]; row {i} has {ya[i]:g} "
            "(a percentage? divide by 100)"
        )
    z = np.clip((ya - f) / (c - f), 0.0, 1.0)
    _check_rows(xa, z, f, c)
    with np.errstate(all="ignore"):  # absurd magnitudes overflow: caught just below
        center = float(np.mean(xa))
        spread = float(np.std(xa))
    if not (math.isfinite(center) and math.isfinite(spread) and spread > 0):
        raise FitError("log10 compute values are too large to fit; x must be log10 FLOP (e.g. 20-27)")
    return _Data(x=xa, z=z, w=wa, floor=f, ceiling=c, center=center, spread=spread)


def _check_rows(x: np.ndarray, z: np.ndarray, floor: float, ceiling: float) -> None:
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


def _degenerate_rows(x: np.ndarray, z: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Vectorised ``_check_rows`` for B resamples: True where it would raise.

    Fast path for a shared x: a resample with at least MIN_POINTS distinct rows
    and interior scores (0 < z < 1) at two clearly different x values can be
    neither flat, nor all at floor or ceiling, nor separated. Only the rest
    (rare) get the full check.
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
                seen = counts[:, interior] > 0
                gmin = np.where(seen, group, np.iinfo(group.dtype).max).min(axis=1)
                gmax = np.where(seen, group, -1).max(axis=1)
                enough = np.count_nonzero(counts, axis=1) >= MIN_POINTS
                out = np.zeros(counts.shape[0], dtype=bool)
                doubt = np.flatnonzero(~(enough & (gmax > gmin)))
                if doubt.size:
                    out[doubt] = _degenerate_rows_full(x, z, counts[doubt])
                return out
    return _degenerate_rows_full(x, z, counts)


def _degenerate_rows_full(x: np.ndarray, z: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """``_degenerate_rows`` without the fast path; x is (n,) or (B, n)."""
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


def _result(d: _Data, beta: np.ndarray, iterations: int) -> SigmoidFit:
    """Covariance, dispersion and back-transformation to the original x scale."""
    xs = (d.x - d.center) / d.spread
    n = d.x.size
    with np.errstate(all="ignore"):
        p, v = mean_var(beta[0] + beta[1] * xs)
        vw = d.w * v
        info = np.array([[vw.sum(), (vw * xs).sum()], [(vw * xs).sum(), (vw * xs * xs).sum()]])
        scale = float(np.sum(d.w * (d.z - p) ** 2 / v) / (n - 2))
        cov_std = scale * np.linalg.inv(info)
    jac = np.array([[1.0, -d.center / d.spread], [0.0, 1.0 / d.spread]])
    cov = jac @ cov_std @ jac.T
    s = float(beta[1] / d.spread)
    a = float(beta[0] - s * d.center)
    if not (np.all(np.isfinite(cov)) and math.isfinite(a) and math.isfinite(s) and math.isfinite(scale)):
        raise FitError("the sigmoid fit produced non-finite standard errors; check the data")
    return SigmoidFit(
        a=a,
        s=s,
        se_a=math.sqrt(max(float(cov[0, 0]), 0.0)),
        se_s=math.sqrt(max(float(cov[1, 1]), 0.0)),
        cov=((float(cov[0, 0]), float(cov[0, 1])), (float(cov[1, 0]), float(cov[1, 1]))),
        scale=scale,
        n=n,
        floor=d.floor,
        ceiling=d.ceiling,
        converged=True,
        iterations=iterations,
    )


