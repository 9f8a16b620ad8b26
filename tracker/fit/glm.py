"""The one quasi-binomial logit solver behind every fit (the GLM of docs/method.md).

The model, for scores rescaled to z = (y - f)/(c - f) in [0, 1]::

    logit E[z] = X @ beta          X = [1, x_1, ..., x_k]  (n, p)

fitted by maximum quasi-likelihood (the estimating equations
``sum_i w_i (z_i - p_i) X_i = 0``; for the canonical logit link Newton's
method and IRLS are the same iteration), dispersion from Pearson's
chi2 / (n - p). Columns are standardised with the full-data mean and standard
deviation before solving (log10 FLOP sits around 20-27 and years around 2022,
which makes the raw design badly conditioned).

Two paths share one set of constants:

* the fast two-column path (``newton2``; batched: ``tracker.fit.batched.batched_newton2``),
  closed-form 2x2 steps, used by the sigmoid in log compute or in date
  (``tracker.fit.sigmoid``), the forecast's hot path;
* the general path (``fit_logit``; batched: ``tracker.fit.batched.bootstrap_logit``)
  for any number of covariates (the ``compute+date`` method).

Each has a single-fit Newton with step halving here, and a batched plain Newton
over all bootstrap resamples in ``tracker.fit.batched`` (counts form, started
from the full-data estimate) whose stragglers are refitted one by one with the
solvers here; resamples that still fail are NaN and counted, never dropped.
``fit_logit_statsmodels`` is the cross-check (tests: 1e-6).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from tracker.errors import FitError

#: Newton stops when every step is at most TOL * (1 + max |coefficient|),
#: coefficients on the standardised scale (dimensionless).
DEFAULT_TOL = 1e-10
#: Newton iterations of the scalar solver before giving up.
DEFAULT_MAX_ITER = 100
#: Step halvings allowed per Newton iteration of the scalar solver.
MAX_HALVINGS = 40
#: Coefficient per standard deviation of its covariate beyond which a fit is called
#: divergent: the curve would go from 12% to 88% of its range within 0.0002 sd.
MAX_STD_SLOPE = 1e4
#: Information matrix counted as singular (two-column path) when det <= this * h00 * h11.
SINGULAR_REL = 1e-12
#: Linear predictor clipped to +-ETA_CLIP before exp() (sigmoid(500) == 1 - 7e-218).
ETA_CLIP = 500.0
#: Information matrix counted as singular (general path) below this reciprocal condition number.
MIN_RCOND = 1e-12


# ---------------------------------------------------------------------------
# The fast two-column path
# ---------------------------------------------------------------------------


def sigmoid(eta: Any) -> Any:
    e = np.exp(-np.clip(eta, -ETA_CLIP, ETA_CLIP))
    return 1.0 / (1.0 + e)


def mean_var(eta: np.ndarray, inplace: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """p = sigmoid(eta) and p(1-p), both accurate in the tails.

    With ``inplace`` the array ``eta`` is overwritten and reused as the buffer
    for p(1-p) (the batched solver's arrays are large: fewer allocations).
    """
    e = np.negative(eta, out=eta if inplace else None)
    np.clip(e, -ETA_CLIP, ETA_CLIP, out=e)
    np.exp(e, out=e)
    p = np.add(e, 1.0)
    np.reciprocal(p, out=p)
    np.multiply(e, p, out=e)
    np.multiply(e, p, out=e)  # e/(1+e)^2 == p(1-p) without cancellation near p = 1
    return p, e


def quasi_loglik2(beta: np.ndarray, xs: np.ndarray, z: np.ndarray, w: np.ndarray) -> float:
    eta = beta[0] + beta[1] * xs
    return float(np.sum(w * (z * eta - np.logaddexp(0.0, eta))))


def newton2(
    xs: np.ndarray,
    z: np.ndarray,
    w: np.ndarray,
    beta0: np.ndarray | None,
    max_iter: int,
    tol: float,
) -> tuple[np.ndarray, int]:
    """Newton/IRLS with step halving on standardised x; returns (beta, iterations)."""
    with np.errstate(all="ignore"):
        if beta0 is None:
            # statsmodels' start: mu0 = (z + 1/2) / 2, one weighted least-squares step.
            mu0 = (z + 0.5) / 2
            eta0 = np.log(mu0 / (1 - mu0))
            v0 = w * mu0 * (1 - mu0)
            work = eta0 + (z - mu0) / (mu0 * (1 - mu0))
            sw, sx, sxx = v0.sum(), (v0 * xs).sum(), (v0 * xs * xs).sum()
            sy, sxy = (v0 * work).sum(), (v0 * xs * work).sum()
            slope = (sw * sxy - sx * sy) / (sw * sxx - sx * sx)
            beta = np.array([(sy - slope * sx) / sw, slope])
        else:
            beta = np.array(beta0, dtype=float)
        if not np.all(np.isfinite(beta)):
            beta = np.zeros(2)
        ll = quasi_loglik2(beta, xs, z, w)
        for it in range(1, max_iter + 1):
            p, v = mean_var(beta[0] + beta[1] * xs)
            r = w * (z - p)
            vw = w * v
            g = np.array([r.sum(), (r * xs).sum()])
            h00, h01, h11 = vw.sum(), (vw * xs).sum(), (vw * xs * xs).sum()
            det = h00 * h11 - h01 * h01
            if not (np.isfinite(det) and det > SINGULAR_REL * h00 * h11 and np.all(np.isfinite(g))):
                raise FitError(
                    "the sigmoid fit broke down (information matrix singular: the fitted curve "
                    "is flat at the floor or ceiling for all models); check floor, ceiling and scores"
                )
            step = np.array([h11 * g[0] - h01 * g[1], h00 * g[1] - h01 * g[0]]) / det
            new = beta + step
            new_ll = quasi_loglik2(new, xs, z, w)
            halvings = 0
            while not new_ll >= ll - 1e-12 * abs(ll) and halvings < MAX_HALVINGS:
                step = step / 2
                new = beta + step
                new_ll = quasi_loglik2(new, xs, z, w)
                halvings += 1
            beta, ll = new, new_ll
            if abs(beta[1]) > MAX_STD_SLOPE or not np.all(np.isfinite(beta)):
                raise FitError(
                    "the sigmoid fit diverged (slope growing without bound: scores jump from "
                    "floor to ceiling almost at one compute value); add models in between"
                )
            if np.max(np.abs(step)) <= tol * (1.0 + np.max(np.abs(beta))):
                return beta, it
    raise FitError(
        f"the sigmoid fit did not converge in {max_iter} iterations; raise max_iter or look for outlying scores"
    )


# ---------------------------------------------------------------------------
# The general path
# ---------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class LogitFit:
    """Point estimates on the original scale, covariance (dispersion included), dispersion."""

    beta: np.ndarray  # (p,)
    cov: np.ndarray  # (p, p)
    scale: float
    n: int
    iterations: int

    @property
    def se(self) -> np.ndarray:
        return np.sqrt(np.clip(np.diag(self.cov), 0.0, None))


def _prepare(X: Any, z: Any, w: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    X = np.asarray(X, dtype=float)
    z = np.asarray(z, dtype=float)
    n, p = X.shape
    w = np.broadcast_to(np.asarray(w, dtype=float), (n,)).copy()
    if not (np.all(np.isfinite(X)) and np.all(np.isfinite(z)) and np.all(np.isfinite(w))):
        raise FitError("the design has non-finite values; drop rows without compute or date first")
    if n < p + 1:
        raise FitError(f"need at least {p + 1} models for {p} coefficients, got {n}; add models")
    if not np.allclose(X[:, 0], 1.0):
        raise FitError("the first design column must be the intercept (ones)")
    if np.all(z <= 0) or np.all(z >= 1):
        raise FitError("every score is at the floor or at the ceiling: nothing to fit")
    center = np.r_[0.0, X[:, 1:].mean(axis=0)]
    spread = np.r_[1.0, X[:, 1:].std(axis=0)]
    if np.any(spread[1:] <= 1e-12 * np.maximum(1.0, np.abs(center[1:]))):
        raise FitError("a covariate does not vary across models, so its coefficient cannot be estimated")
    Xs = (X - center) / spread
    Xs[:, 0] = 1.0
    return Xs, z, w, center, spread


def _loglik(beta: np.ndarray, Xs: np.ndarray, z: np.ndarray, w: np.ndarray) -> float:
    eta = Xs @ beta
    return float(np.sum(w * (z * eta - np.logaddexp(0.0, eta))))


def _newton(Xs: np.ndarray, z: np.ndarray, w: np.ndarray, beta0: np.ndarray | None) -> tuple[np.ndarray, int]:
    p_ = Xs.shape[1]
    with np.errstate(all="ignore"):
        if beta0 is None:  # statsmodels' start: mu0 = (z + 1/2)/2, one weighted least-squares step
            mu0 = (z + 0.5) / 2
            v0 = w * mu0 * (1 - mu0)
            work = np.log(mu0 / (1 - mu0)) + (z - mu0) / (mu0 * (1 - mu0))
            beta = np.linalg.lstsq(Xs * np.sqrt(v0)[:, None], work * np.sqrt(v0), rcond=None)[0]
        else:
            beta = np.array(beta0, dtype=float)
        if not np.all(np.isfinite(beta)):
            beta = np.zeros(p_)
        ll = _loglik(beta, Xs, z, w)
        for it in range(1, DEFAULT_MAX_ITER + 1):
            p, v = mean_var(Xs @ beta)
            g = Xs.T @ (w * (z - p))
            h = (Xs * (w * v)[:, None]).T @ Xs
            if not (np.all(np.isfinite(h)) and np.all(np.isfinite(g))) or 1.0 / np.linalg.cond(h) < MIN_RCOND:
                raise FitError(
                    "the logit fit broke down (information matrix singular); check floor, ceiling and scores"
                )
            step = np.linalg.solve(h, g)
            new = beta + step
            new_ll = _loglik(new, Xs, z, w)
            k = 0
            while not new_ll >= ll - 1e-12 * abs(ll) and k < MAX_HALVINGS:
                step = step / 2
                new = beta + step
                new_ll = _loglik(new, Xs, z, w)
                k += 1
            beta, ll = new, new_ll
            if np.max(np.abs(beta[1:])) > MAX_STD_SLOPE or not np.all(np.isfinite(beta)):
                raise FitError("the logit fit diverged (perfect separation); add models in between")
            if np.max(np.abs(step)) <= DEFAULT_TOL * (1.0 + np.max(np.abs(beta))):
                return beta, it
    raise FitError(f"the logit fit did not converge in {DEFAULT_MAX_ITER} iterations; look for outlying scores")


def _unstandardise(beta_s: np.ndarray, center: np.ndarray, spread: np.ndarray) -> np.ndarray:
    """Coefficients for raw columns from those for standardised columns (works on (..., p))."""
    slopes = beta_s[..., 1:] / spread[1:]
    icept = beta_s[..., :1] - (slopes * center[1:]).sum(axis=-1, keepdims=True)
    return np.concatenate([icept, slopes], axis=-1)


def fit_logit(X: Any, z: Any, w: Any = 1.0) -> LogitFit:
    """Quasi-binomial logit fit of z in [0, 1] on design X (first column ones)."""
    Xs, z, w, center, spread = _prepare(X, z, w)
    beta_s, it = _newton(Xs, z, w, None)
    n, p_ = Xs.shape
    p, v = mean_var(Xs @ beta_s)
    scale = float(np.sum(w * (z - p) ** 2 / v) / (n - p_))
    cov_s = scale * np.linalg.inv((Xs * (w * v)[:, None]).T @ Xs)
    jac = np.diag(np.r_[1.0, 1.0 / spread[1:]])
    jac[0, 1:] = -center[1:] / spread[1:]
    return LogitFit(
        beta=_unstandardise(beta_s, center, spread), cov=jac @ cov_s @ jac.T, scale=scale, n=n, iterations=it
    )


def fit_logit_statsmodels(X: Any, z: Any, w: Any = 1.0) -> LogitFit:
    """The same fit through statsmodels' GLM (Binomial, var_weights, scale='X2'): a cross-check."""
    import statsmodels.api as sm  # lazy: only the cross-check needs it

    X = np.asarray(X, dtype=float)
    z = np.asarray(z, dtype=float)
    w = np.broadcast_to(np.asarray(w, dtype=float), z.shape)
    res = sm.GLM(z, X, family=sm.families.Binomial(), var_weights=w).fit(scale="X2", tol=1e-12, maxiter=200)
    return LogitFit(
        beta=np.asarray(res.params, float),
        cov=np.asarray(res.cov_params(), float),
        scale=float(res.scale),
        n=z.size,
        iterations=int(res.fit_history["iteration"]),
    )


def logit(u: float) -> float:
    return math.log(u) - math.log1p(-u)
