"""The batched Newton solvers behind every bootstrap: all resamples at once (``tracker.fit.glm``'s model).

A bootstrap resample is a vector of counts over the n rows, so B resamples are B
weighted fits of one design. They are solved together, as matrix products over
the (B, n) weights, by plain Newton from the full-data estimate; the
resamples that do not settle (and degenerate ones) go back to the scalar
solvers of ``tracker.fit.glm``, and those that still fail are NaN and counted.

* ``batched_newton2_shared``: the sigmoids' two-column path when every resample
  shares x (the bootstrap's counts form): blocks of ``FAST_BLOCK`` resamples, one
  exact step from the full-data estimate, ``FAST_F32_ITER`` single-precision
  iterations, then double precision;
* ``batched_newton2``: the same without a shared x (compute redrawn per resample);
* ``bootstrap_logit``: the general path (any number of covariates, the
  ``compute+date`` method).

The matrices are small (a few hundred resamples by some tens of rows): a BLAS
that splits them over threads spends more on waking threads than it saves, and
on a loaded two-core machine it fights with everything else. ``small_blas``
keeps BLAS on one thread while a batched solve runs (measured: the same results,
bit for bit; 5x the resamples cost 5x the time instead of growing faster).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

from tracker.errors import FitError
from tracker.fit.glm import ETA_CLIP, MAX_STD_SLOPE, SINGULAR_REL, _newton, _prepare, _unstandardise, mean_var
from tracker.fit.resample import DEFAULT_N_BOOT, DEFAULT_SEED, iter_bootstrap_counts

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
#: Resamples solved together by the fast path: arrays of FAST_BLOCK x n stay in the CPU cache.
#: Chosen by measurement (benchmarks/bootstrap_speed.py --sweep-block, BLAS on one thread, MMLU n = 78):
#: 384 to 1024 are within the machine's noise of each other, 128-256 are slower. 384 stays: another
#: size changes how BLAS splits the products, which moves some resamples in their last bit (1e-14).
FAST_BLOCK = 384

_CONTROLLER: Any = None


@contextmanager
def small_blas() -> Iterator[None]:
    """BLAS on one thread inside the block (threadpoolctl; the libraries are looked up once per process)."""
    global _CONTROLLER
    if _CONTROLLER is None:
        from threadpoolctl import ThreadpoolController  # lazy: only a bootstrap needs it

        _CONTROLLER = ThreadpoolController()
    with _CONTROLLER.limit(limits=1, user_api="blas"):
        yield


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
    with np.errstate(all="ignore"), small_blas():
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
    with np.errstate(all="ignore"), small_blas():
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
        with np.errstate(all="ignore"), small_blas():
            for _ in range(BATCH_MAX_ITER):
                if active.size == 0:
                    break
                b = beta[active]
                p, v = mean_var(b @ Xs.T)  # (a, n)
                g = (W[active] * (z - p)) @ Xs  # (a, p)
                # Kept as an einsum on purpose: a matrix product with the design's column products is
                # faster (0.2 ms against 2.6 ms for 2,000 resamples of 78 rows) but sums in another order,
                # which moves the backtest's printed compute+date figures in their last digits (5e-12).
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
