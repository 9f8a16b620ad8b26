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
from tracker.fit.batched import batched_newton2, batched_newton2_shared
from tracker.fit.checks import Data, as_float_array, check_rows, degenerate_rows, prepare, target_logit
from tracker.fit.glm import DEFAULT_MAX_ITER, DEFAULT_TOL, mean_var, newton2, sigmoid
from tracker.fit.resample import (
    DEFAULT_N_BOOT,
    DEFAULT_SEED,
    check_boot_args,
    iter_bootstrap_counts,
    quantiles_with_inf,
)

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
        logit_u = target_logit(target, self.floor, self.ceiling)
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
        logit_u = target_logit(target, self.floor, self.ceiling)
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
    d = prepare(x, y, floor, ceiling, weight)
    xs = (d.x - d.center) / d.spread
    beta, iterations = newton2(xs, d.z, d.w, None, max_iter, tol)
    return _result(d, beta, iterations)


def fit_sigmoid_statsmodels(x: Any, y: Any, *, floor: float, ceiling: float = 1.0, weight: Any = 1.0) -> SigmoidFit:
    """The same fit through ``statsmodels.api.GLM`` (Binomial, var_weights, scale='X2').

    A cross-check of ``fit_sigmoid``; same input checks, same result type.
    """
    import statsmodels.api as sm  # lazy: ~1.5 s import, only the cross-check needs it

    d = prepare(x, y, floor, ceiling, weight)
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
    d = prepare(x, y, floor, ceiling, weight)
    n = d.x.size
    sd = None
    if x_sd is not None:
        sd = as_float_array(x_sd, "x_sd")
        if sd.ndim == 0:
            sd = np.full(n, float(sd))
        if sd.shape != (n,) or not np.all(np.isfinite(sd)) or np.any(sd < 0):
            raise FitError(
                f"x_sd must be one finite non-negative number or one per row ({n}); "
                "give the standard deviation of log10 compute"
            )
    xs_full = (d.x - d.center) / d.spread
    beta0, _ = newton2(xs_full, d.z, d.w, None, DEFAULT_MAX_ITER, DEFAULT_TOL)

    # The jitter's own stream, spawned from the seed (made only when used: it costs 40 us).
    jitter_rng = None if sd is None else np.random.default_rng(np.random.SeedSequence(seed).spawn(1)[0])
    a_out = np.full(n_boot, np.nan)
    s_out = np.full(n_boot, np.nan)
    start = 0
    for counts in iter_bootstrap_counts(n, n_boot=n_boot, seed=seed):
        m = counts.shape[0]
        if sd is None or jitter_rng is None:
            xb = d.x
        else:
            xb = d.x + sd * jitter_rng.standard_normal((m, n))
        xs = (xb - d.center) / d.spread
        solve = batched_newton2_shared if xs.ndim == 1 else batched_newton2
        beta, ok = solve(xs, d.z, counts * d.w, beta0)
        ok &= ~degenerate_rows(xb, d.z, counts)
        for b in np.flatnonzero(~ok):  # stragglers and degenerate resamples
            rows = counts[b] > 0
            xb_b = xb[rows] if xb.ndim == 1 else xb[b, rows]
            try:
                check_rows(xb_b, d.z[rows], d.floor, d.ceiling)
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


def _result(d: Data, beta: np.ndarray, iterations: int) -> SigmoidFit:
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
