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

* the fast two-column path (``newton2``, ``batched_newton2``), closed-form 2x2
  steps, used by the sigmoid in log compute or in date (``tracker.fit.sigmoid``),
  the forecast's hot path;
* the general path (``fit_logit``, ``bootstrap_logit``) for any number of
  covariates (the ``compute+date`` method).

Each has a single-fit Newton with step halving and a batched plain Newton over
all bootstrap resamples (counts form, started from the full-data estimate)
whose stragglers are refitted one by one; resamples that still fail are NaN and
counted, never dropped. ``fit_logit_statsmodels`` is the cross-check (tests: 1e-6).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from tracker.errors import FitError
from tracker.fit.resample import DEFAULT_N_BOOT, DEFAULT_SEED, iter_bootstrap_counts

#: Newton stops when every step is at most TOL * (1 + max |coefficient|),
#: coefficients on the standardised scale (dimensionless).
DEFAULT_TOL = 1e-10
#: Newton iterations of the scalar solver before giving up.
DEFAULT_MAX_ITER = 100
#: Step halvings allowed per Newton iteration of the scalar solver.
MAX_HALVINGS = 40
#: Newton iterations of the batched bootstrap solver (quadratic convergence from
#: the full-data estimate needs 4-8; stragglers go to the scalar solver).
BATCH_MAX_ITER = 25
#: The batched solver stops a resample once its Newton step is at most this
#: (relative, standardised scale); the error left is of order step**2 ~ 1e-14,
#: far inside the 1e-6 agreement the tests demand with the scalar solver.
BATCH_STEP_TOL = 1e-7
#: The fast shared-x path stops a resample once its double-precision step is at most this:
#: the error left is of order step**2 ~ 1e-10 (measured against the scalar solver: below 1e-9).
FAST_STEP_TOL = 1e-5
#: Single-precision Newton iterations of the fast path before it switches to double precision.
FAST_F32_ITER = 2
#: Resamples solved together by the fast path: arrays of FAST_BLOCK x n stay in the CPU cache
#: (chosen by measurement, benchmarks/bootstrap_speed.py: 256-512 were fastest for n = 80).
FAST_BLOCK = 384
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


def _steps(g0, g1, h00, h01, h11):
    """The 2x2 Newton step, its determinant, and whether the step is usable."""
    det = h00 * h11 - h01 * h01
    d0 = (h11 * g0 - h01 * g1) / det
    d1 = (h00 * g1 - h01 * g0) / det
    ok = np.isfinite(d0) & np.isfinite(d1) & (det > SINGULAR_REL * h00 * h11)
    return d0, d1, ok


def _fast_block(
    xs: np.ndarray, z: np.ndarray, w: np.ndarray, beta0: np.ndarray, powers: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """``batched_newton2`` for one block of resamples sharing x (see ``batched_newton2_shared``)."""
    m, n = w.shape
    # 1. One exact Newton step from beta0, where every resample has the same eta: p and
    #    p(1 - p) are n-vectors, and the step needs only matrix products of the counts.
    eta0 = beta0[0] + beta0[1] * xs
    p0, v0 = mean_var(eta0.copy())
    g = w @ ((z - p0)[:, None] * powers[:, :2])
    h = w @ (v0[:, None] * powers)
    d0, d1, ok = _steps(g[:, 0], g[:, 1], h[:, 0], h[:, 1], h[:, 2])
    beta = np.empty((m, 2))
    beta[:, 0] = beta0[0] + d0
    beta[:, 1] = beta0[1] + d1
    bad = ~ok
    # 2. Cheap single-precision iterations bring every resample close (Newton corrects their rounding).
    xs32, z32, w32, pw32 = (a.astype(np.float32) for a in (xs, z, w, powers))
    eta = np.empty((m, n), dtype=np.float32)
    e = np.empty_like(eta)
    for _ in range(FAST_F32_ITER):
        b32 = beta.astype(np.float32)
        np.multiply(b32[:, 1:], xs32, out=eta)
        eta += b32[:, :1]
        p, v = _mean_var_into(eta, e)
        np.subtract(z32, p, out=p)
        p *= w32
        v *= w32
        g = (p @ pw32[:, :2]).astype(float)
        h = (v @ pw32).astype(float)
        d0, d1, ok = _steps(g[:, 0], g[:, 1], h[:, 0], h[:, 1], h[:, 2])
        bad |= ~ok
        beta[:, 0] += np.where(ok, d0, 0.0)
        beta[:, 1] += np.where(ok, d1, 0.0)
    # 3. Double precision to convergence.
    converged = np.zeros(m, dtype=bool)
    active = np.flatnonzero(~bad)
    for _ in range(BATCH_MAX_ITER):
        if active.size == 0:
            break
        ba = beta[active]
        et = np.multiply(ba[:, 1:], xs)
        et += ba[:, :1]
        p, v = mean_var(et, inplace=True)
        np.subtract(z, p, out=p)
        wa = w[active]
        p *= wa
        v *= wa
        g = p @ powers[:, :2]
        h = v @ powers
        d0, d1, ok = _steps(g[:, 0], g[:, 1], h[:, 0], h[:, 1], h[:, 2])
        ba[:, 0] += d0
        ba[:, 1] += d1
        beta[active] = ba
        ok &= np.abs(ba[:, 1]) <= MAX_STD_SLOPE
        small = np.maximum(np.abs(d0), np.abs(d1)) <= FAST_STEP_TOL * (1.0 + np.abs(ba).max(axis=1))
        converged[active[small & ok]] = True
        active = active[~small & ok]
    return beta, converged


def _mean_var_into(eta: np.ndarray, e: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``mean_var`` in the caller's buffers (any float dtype): eta becomes p, e becomes p(1 - p)."""
    np.negative(eta, out=e)
    np.clip(e, -ETA_CLIP, ETA_CLIP, out=e)
    np.exp(e, out=e)
    np.add(e, 1.0, out=eta)
    np.reciprocal(eta, out=eta)
    np.multiply(e, eta, out=e)
    np.multiply(e, eta, out=e)
    return eta, e


def batched_newton2_shared(
    xs: np.ndarray, z: np.ndarray, w: np.ndarray, beta0: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """``batched_newton2`` when every resample has the same x (the bootstrap's counts form): faster.

    Blocks of ``FAST_BLOCK`` resamples; in each, one Newton step from the
    full-data estimate costs only matrix products (all resamples share its eta),
    then ``FAST_F32_ITER`` single-precision iterations, then double precision
    until the step is at most ``FAST_STEP_TOL``. Resamples flagged as not
    converged go to the scalar solver, as with ``batched_newton2``.
    """
    m = w.shape[0]
    beta = np.empty((m, 2))
    conv = np.zeros(m, dtype=bool)
    powers = np.column_stack([np.ones_like(xs), xs, xs * xs])
    b0 = np.asarray(beta0, dtype=float)
    with np.errstate(all="ignore"):
        for s0 in range(0, m, FAST_BLOCK):
            s1 = min(m, s0 + FAST_BLOCK)
            beta[s0:s1], conv[s0:s1] = _fast_block(xs, z, w[s0:s1], b0, powers)
    return beta, conv


def batched_newton2(xs: np.ndarray, z: np.ndarray, w: np.ndarray, beta0: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Plain Newton for B weighted fits at once, from ``beta0``.

    ``xs`` is (n,) or (B, n), ``w`` (B, n). Returns (beta (B, 2), converged (B,)).
    No step halving: the quasi-likelihood is concave and the start is close, so
    Newton converges quadratically; anything else is flagged for the scalar
    solver. A resample stops once its step is at most BATCH_STEP_TOL: by
    quadratic convergence the error left after that step is of order step**2.
    """
    m = w.shape[0]
    beta = np.tile(np.asarray(beta0, dtype=float), (m, 1))
    converged = np.zeros(m, dtype=bool)
    active = np.arange(m)
    shared_x = xs.ndim == 1
    if shared_x:
        powers = np.column_stack([np.ones_like(xs), xs, xs * xs])  # (n, 3)
    with np.errstate(all="ignore"):
        for _ in range(BATCH_MAX_ITER):
            if active.size == 0:
                break
            everyone = active.size == m
            wa = w if everyone else w[active]
            xa = xs if (shared_x or everyone) else xs[active]
            ba = beta if everyone else beta[active]
            eta = np.multiply(ba[:, 1:], xa)
            eta += ba[:, :1]
            p, v = mean_var(eta, inplace=True)
            np.subtract(z, p, out=p)
            p *= wa  # p now holds the weighted residual w (z - p)
            v *= wa  # v now holds the IRLS weight w p (1 - p)
            if shared_x:
                g = p @ powers[:, :2]
                h = v @ powers
                g0, g1, h00, h01, h11 = g[:, 0], g[:, 1], h[:, 0], h[:, 1], h[:, 2]
            else:
                g0 = p.sum(axis=1)
                g1 = np.einsum("ij,ij->i", p, xa)
                h00 = v.sum(axis=1)
                v *= xa
                h01 = v.sum(axis=1)
                h11 = np.einsum("ij,ij->i", v, xa)
            det = h00 * h11 - h01 * h01
            d0 = (h11 * g0 - h01 * g1) / det
            d1 = (h00 * g1 - h01 * g0) / det
            ba = ba + np.column_stack([d0, d1])
            beta[active] = ba
            bad = ~(np.isfinite(d0) & np.isfinite(d1) & (det > SINGULAR_REL * h00 * h11))
            bad |= np.abs(ba[:, 1]) > MAX_STD_SLOPE
            step = np.maximum(np.abs(d0), np.abs(d1))
            small = step <= BATCH_STEP_TOL * (1.0 + np.abs(ba).max(axis=1))
            converged[active[small & ~bad]] = True
            active = active[~(small | bad)]
    return beta, converged


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


def bootstrap_logit(
    X: Any, z: Any, w: Any = 1.0, *, n_boot: int = DEFAULT_N_BOOT, seed: int = DEFAULT_SEED
) -> tuple[np.ndarray, int]:
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
                p, v = mean_var(b @ Xs.T)  # (a, n)
                g = (W[active] * (z - p)) @ Xs  # (a, p)
                h = np.einsum("an,ni,nj->aij", W[active] * v, Xs, Xs)
                try:
                    step = np.linalg.solve(h, g[..., None])[..., 0]
                except np.linalg.LinAlgError:
                    break  # a singular resample in the block: leave the block to the scalar solver
                b = b + step
                beta[active] = b
                bad = ~np.all(np.isfinite(step), axis=1) | (np.abs(b[:, 1:]).max(axis=1) > MAX_STD_SLOPE)
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
        out[start : start + m] = _unstandardise(beta, center, spread)
        start += m
    return out, int(np.isnan(out[:, 0]).sum())


def logit(u: float) -> float:
    return math.log(u) - math.log1p(-u)
