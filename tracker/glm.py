"""Quasi-binomial logit GLM with any number of covariates (used by ``compute+date``).

The model, for scores rescaled to z = (y - f)/(c - f) in [0, 1]::

    logit E[z] = X @ beta          X = [1, x_1, ..., x_k]  (n, p)

fitted by maximum quasi-likelihood (the estimating equations
``sum_i w_i (z_i - p_i) X_i = 0``), dispersion from Pearson's chi2 / (n - p):
the same model as ``tracker.fit`` with a wider design. ``tracker.fit`` keeps its
specialised two-column solver (the forecast hot path); this module generalises
its scheme: each column is standardised with the full-data mean and standard
deviation, Newton/IRLS with step halving for one fit, and a batched plain
Newton over all bootstrap resamples (counts form, from the full-data estimate)
whose stragglers are refitted one by one; resamples that still fail are NaN
and counted. ``fit_logit_statsmodels`` is the cross-check (tests: 1e-6).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from tracker.errors import FitError
from tracker.fit import DEFAULT_N_BOOT, DEFAULT_SEED, ETA_CLIP, iter_bootstrap_counts

#: Newton stops when every step is at most TOL * (1 + max |beta|) (standardised scale).
TOL = 1e-10
MAX_ITER = 100
MAX_HALVINGS = 40
BATCH_MAX_ITER = 25
BATCH_STEP_TOL = 1e-7
#: Coefficient per standard deviation beyond which a fit is called divergent.
MAX_STD_COEF = 1e4
#: Information matrix counted as singular below this reciprocal condition number.
MIN_RCOND = 1e-12


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


def _pv(eta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    e = np.exp(-np.clip(eta, -ETA_CLIP, ETA_CLIP))
    p = 1.0 / (1.0 + e)
    return p, e * p * p


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
        for it in range(1, MAX_ITER + 1):
            p, v = _pv(Xs @ beta)
            g = Xs.T @ (w * (z - p))
            h = (Xs * (w * v)[:, None]).T @ Xs
            if not (np.all(np.isfinite(h)) and np.all(np.isfinite(g))) or 1.0 / np.linalg.cond(h) < MIN_RCOND:
                raise FitError("the logit fit broke down (information matrix singular); check floor, ceiling and scores")
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
            if np.max(np.abs(beta[1:])) > MAX_STD_COEF or not np.all(np.isfinite(beta)):
                raise FitError("the logit fit diverged (perfect separation); add models in between")
            if np.max(np.abs(step)) <= TOL * (1.0 + np.max(np.abs(beta))):
                return beta, it
    raise FitError(f"the logit fit did not converge in {MAX_ITER} iterations; look for outlying scores")


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
    p, v = _pv(Xs @ beta_s)
    scale = float(np.sum(w * (z - p) ** 2 / v) / (n - p_))
    cov_s = scale * np.linalg.inv((Xs * (w * v)[:, None]).T @ Xs)
    jac = np.diag(np.r_[1.0, 1.0 / spread[1:]])
    jac[0, 1:] = -center[1:] / spread[1:]
    return LogitFit(beta=_unstandardise(beta_s, center, spread), cov=jac @ cov_s @ jac.T, scale=scale, n=n, iterations=it)


def fit_logit_statsmodels(X: Any, z: Any, w: Any = 1.0) -> LogitFit:
    """The same fit through statsmodels' GLM (Binomial, var_weights, scale='X2'): a cross-check."""
    import statsmodels.api as sm  # lazy: only the cross-check needs it

    X = np.asarray(X, dtype=float)
    z = np.asarray(z, dtype=float)
    w = np.broadcast_to(np.asarray(w, dtype=float), z.shape)
    res = sm.GLM(z, X, family=sm.families.Binomial(), var_weights=w).fit(scale="X2", tol=1e-12, maxiter=200)
    return LogitFit(beta=np.asarray(res.params, float), cov=np.asarray(res.cov_params(), float),
                    scale=float(res.scale), n=z.size, iterations=int(res.fit_history["iteration"]))


def bootstrap_logit(X: Any, z: Any, w: Any = 1.0, *, n_boot: int = DEFAULT_N_BOOT,
                    seed: int = DEFAULT_SEED) -> tuple[np.ndarray, int]:
    """Bootstrap over rows: (betas (n_boot, p) on the raw scale, NaN rows failed; n_failed)."""
    Xs, z, w, center, spread = _prepare(X, z, w)
    n, p_ = Xs.shape
    beta0, _ = _newton(Xs, z, w, None)
    out = np.full((n_boot, p_), np.nan)
    start = 0
    for counts in iter_bootstrap_counts(n, n_boot=n_boot, seed=seed):
        m = counts.shape[0]
        W = counts * w
        beta = np.tile(beta0, (m, 1))
        ok = np.zeros(m, dtype=bool)
        active = np.arange(m)
        with np.errstate(all="ignore"):
            for _ in range(BATCH_MAX_ITER):
                if active.size == 0:
                    break
                b = beta[active]
                p, v = _pv(b @ Xs.T)  # (a, n)
                g = (W[active] * (z - p)) @ Xs  # (a, p)
                h = np.einsum("an,ni,nj->aij", W[active] * v, Xs, Xs)
                try:
                    step = np.linalg.solve(h, g[..., None])[..., 0]
                except np.linalg.LinAlgError:
                    break  # a singular resample in the block: leave the block to the scalar solver
                b = b + step
                beta[active] = b
                bad = ~np.all(np.isfinite(step), axis=1) | (np.abs(b[:, 1:]).max(axis=1) > MAX_STD_COEF)
                small = np.abs(step).max(axis=1) <= BATCH_STEP_TOL * (1.0 + np.abs(b).max(axis=1))
                ok[active[small & ~bad]] = True
                active = active[~(small | bad)]
        # Degenerate resamples (too few distinct rows, a covariate without spread) go to the scalar path.
        distinct = (counts > 0).sum(axis=1)
        ok &= distinct >= p_ + 1
        for i in np.flatnonzero(~ok):
            rows = counts[i] > 0
            try:
                Xr = Xs[rows]
                if np.any(np.ptp(Xr[:, 1:], axis=0) <= 1e-9) or rows.sum() < p_ + 1:
                    raise FitError("degenerate resample")
                beta[i], _ = _newton(Xr, z[rows], W[i, rows], None)
            except (FitError, np.linalg.LinAlgError):
                beta[i] = np.nan  # counted below, never dropped silently
        out[start:start + m] = _unstandardise(beta, center, spread)
        start += m
    return out, int(np.isnan(out[:, 0]).sum())


def logit(u: float) -> float:
    return math.log(u) - math.log1p(-u)
