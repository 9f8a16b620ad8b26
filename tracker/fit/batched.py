"""The batched Newton solvers behind every bootstrap: all resamples at once (``tracker.fit.glm``'s model).

A bootstrap resample is a vector of counts over the n rows, so B resamples are B
weighted fits of one design. They are solved together, as matrix products over
the (B, n) weights, by plain Newton from the full-data estimate; the
resamples that do not settle (and degenerate ones) go back to the scalar
solvers of ``tracker.fit.glm``, and those that still fail are NaN and counted.

* ``batched_newton2_shared``: the sigmoids' two-column path when every resample
  shares x (the bootstrap's counts form): a start read from one matrix
  product (``_start``), ``FAST_F32_ITER`` single-precision iteration, then
  double precision until the step is at most ``FAST_STEP_TOL``; each stage
  over all resamples at once, its (B, n) work block by block (``FAST_BLOCK``),
  in place;
* ``batched_newton2``: the same without a shared x (compute redrawn per resample);
* ``bootstrap_logit``: the general path (any number of covariates, the
  ``compute+date`` method).

The matrices are small (a few hundred resamples by some tens of rows): a BLAS
that splits them over threads spends more on waking threads than it saves, and
on a loaded two-core machine it fights with everything else. ``small_blas``
keeps BLAS on one thread while a batched solve runs (measured: the same results,
bit for bit; 5x the resamples cost 5x the time instead of growing faster).

Where the shared-x path's time goes: the double-precision iteration is mostly
``exp`` over every (resample, row) pair, which numpy runs without SIMD on a
machine without AVX-512 (5-10 ns a value, against 2 ns in single precision), so
the path is built to need one such iteration: a start good to the third order
(one matrix product), one cheap single-precision iteration, and a stop
(``FAST_STEP_TOL``) the start and that iteration reach. Every iteration forms
eta for a block of resamples as one BLAS product and does the rest in place.
Results agree with the scalar solver and with statsmodels to about 1e-11 on
the shipped data (``benchmarks/bootstrap_speed.py`` checks every resample
against statsmodels; the bar is 1e-6).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
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
#: The fast shared-x path stops a resample once its double-precision step is at most this: the error
#: left is of order step**2 ~ 1e-12. The start and one single-precision iteration bring every resample
#: of the shipped benchmarks this close but a handful (measured: 1 of 2,000 on MMLU takes a second
#: double-precision iteration; with 1e-5 none would, and the agreement with statsmodels was 4e-10).
FAST_STEP_TOL = 1e-6
#: Single-precision Newton iterations of the fast path before it switches to double precision.
#: One suffices after ``_start`` (from the plain Newton step it took two, and the path was 1.13x slower).
FAST_F32_ITER = 1
#: Resamples whose (FAST_BLOCK, n) work the fast path does together: the arrays stay in the CPU cache.
#: Chosen by measurement (BLAS on one thread, MMLU n = 78): 384 to 4096 were within the machine's noise
#: of each other and 128-256 slower; after the rewrite of 2026-11-30, timed interleaved, 128 to 2048 are
#: all within 6% of 384 (benchmarks/bootstrap_speed.py --sweep-block).
FAST_BLOCK = 384
#: The clip of eta to +-ETA_CLIP is skipped when the coefficients bound |eta| below this
#: (``_SharedX.needs_clip``); half the clip leaves room for rounding, even in single precision.
CLIP_FREE = 0.5 * ETA_CLIP

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


@dataclass(frozen=True, eq=False)
class _SharedX:
    """What every stage of ``batched_newton2_shared`` needs from x, z and the start: computed once per call.

    ``rows`` is (2, n): ones and x, so that (-beta) @ rows is -eta for a block
    of resamples in one BLAS product (three times faster than a broadcast).
    ``grad`` (1, x) and ``info`` (1, x, x^2) are the columns the gradient's and
    the information's sums run over; ``start`` the columns of ``_start``.
    """

    x_max: float  # max |x|: bounds |eta| from the coefficients alone
    beta0: np.ndarray
    rows: np.ndarray
    grad: np.ndarray
    info: np.ndarray
    rows32: np.ndarray
    grad32: np.ndarray
    info32: np.ndarray
    start: np.ndarray  # (n, 11): z [1, x], then at beta0: p [1, x], p(1-p) [1, x, x^2], p''/2 [1, x, x^2, x^3]

    @classmethod
    def of(cls, xs: np.ndarray, z: np.ndarray, beta0: np.ndarray) -> _SharedX:
        ones, x2 = np.ones_like(xs), xs * xs
        info = np.column_stack([ones, xs, x2])
        p0, v0 = mean_var(beta0[0] + beta0[1] * xs)
        q0 = 0.5 * v0 * (1.0 - 2.0 * p0)  # half the sigmoid's second derivative at eta0
        start = np.column_stack([z, z * xs, p0, p0 * xs, v0, v0 * xs, v0 * x2, q0, q0 * xs, q0 * x2, q0 * x2 * xs])
        rows = np.vstack([ones, xs])
        grad = np.ascontiguousarray(info[:, :2])
        return cls(
            x_max=float(np.max(np.abs(xs))),
            beta0=beta0,
            rows=rows,
            grad=grad,
            info=info,
            rows32=rows.astype(np.float32),
            grad32=grad.astype(np.float32),
            info32=info.astype(np.float32),
            start=start,
        )

    def needs_clip(self, beta: np.ndarray) -> bool:
        """Whether clipping eta to +-ETA_CLIP could change a value for these coefficients (m, 2), either sign.

        max |b| (1 + max |x|) bounds |b0 + b1 x| for every resample; with room
        for rounding (``CLIP_FREE``) the clip is then the identity and is
        skipped (a pass over the block saved, the same values). NaN: clip.
        (A maximum over the whole array: along an axis of length 2 numpy takes
        some 20 times longer.)
        """
        return not float(np.abs(beta).max()) * (1.0 + self.x_max) < CLIP_FREE


def _newton_terms(
    p: np.ndarray, e: np.ndarray, neg_beta: np.ndarray, rows: np.ndarray, w: np.ndarray, clip: bool
) -> None:
    """For the coefficients -beta (m, 2): w p into ``p`` and w p (1 - p) into ``e``, both (m, n); either precision.

    The operations of ``tracker.fit.glm.mean_var`` (e = exp(-eta), p = 1 / (1 + e),
    p (1 - p) = e p p, accurate in both tails), in place, with -eta formed as
    one matrix product. The gradient is then the sums of w z x (from ``_start``)
    less the sums of w p x: z never enters the (m, n) work.
    """
    np.matmul(neg_beta, rows, out=e)
    if clip:
        np.clip(e, -ETA_CLIP, ETA_CLIP, out=e)
    np.exp(e, out=e)
    np.add(e, 1.0, out=p)
    np.reciprocal(p, out=p)
    e *= p
    p *= w
    e *= p


def _blocks(m: int) -> list[slice]:
    """The resamples' blocks of ``FAST_BLOCK`` (the last one shorter)."""
    return [slice(s0, min(m, s0 + FAST_BLOCK)) for s0 in range(0, m, FAST_BLOCK)]


def _start(k: _SharedX, w: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every resample's start from beta0: (beta (m, 2), usable (m,), the sums of w z [1, x] (m, 2)).

    At beta0 every resample has the same eta, so whatever the expansion of the
    gradient around beta0 needs is the counts times fixed columns: one matrix
    product ``w @ start``. With g and H the gradient and information at beta0
    and Q the sums of w p''/2 (1, x, x^2, x^3), a step d changes eta by
    u = d0 + d1 x and the gradient to g - H d - Q[d, d] + O(d^3). The exact
    Newton step d = H^-1 g zeroes the first two terms; a second Newton step
    from there, with the gradient -Q[d, d] and the information H + 2 Q[d] read
    from the same expansion, leaves an error of the third order in d. On the
    shipped MMLU data that takes every resample to within 3e-3 (median 5e-5)
    of its solution, for the price of a few vector operations.
    """
    m = w.shape[0]
    s = w @ k.start
    wz = s[:, :2]
    h00, h01, h11 = s[:, 4], s[:, 5], s[:, 6]
    q0, q1, q2, q3 = s[:, 7], s[:, 8], s[:, 9], s[:, 10]
    d0, d1, ok = _steps(wz[:, 0] - s[:, 2], wz[:, 1] - s[:, 3], h00, h01, h11)
    aa, ab, bb = d0 * d0, 2.0 * d0 * d1, d1 * d1
    e0, e1, second = _steps(
        -(aa * q0 + ab * q1 + bb * q2),
        -(aa * q1 + ab * q2 + bb * q3),
        h00 + 2.0 * (d0 * q0 + d1 * q1),
        h01 + 2.0 * (d0 * q1 + d1 * q2),
        h11 + 2.0 * (d0 * q2 + d1 * q3),
    )
    second &= ok
    beta = np.empty((m, 2))
    beta[:, 0] = k.beta0[0] + d0 + np.where(second, e0, 0.0)
    beta[:, 1] = k.beta0[1] + d1 + np.where(second, e1, 0.0)
    return beta, ok, np.ascontiguousarray(wz)


def _single_steps(k: _SharedX, w32: np.ndarray, beta: np.ndarray, bad: np.ndarray, wz: np.ndarray) -> None:
    """``FAST_F32_ITER`` Newton iterations in single precision, in place on ``beta``; ``bad`` gathers failures.

    Cheap (exp in single precision costs a fifth of double) and enough to
    bring every resample close; the double-precision iteration after it
    corrects its rounding.
    """
    m, n = w32.shape
    g, h = np.empty((m, 2), dtype=np.float32), np.empty((m, 3), dtype=np.float32)
    p, e = np.empty((2, min(m, FAST_BLOCK), n), dtype=np.float32)
    for _ in range(FAST_F32_ITER):
        neg32 = (-beta).astype(np.float32)
        clip = k.needs_clip(neg32)
        for b in _blocks(m):
            pb, eb = p[: b.stop - b.start], e[: b.stop - b.start]
            _newton_terms(pb, eb, neg32[b], k.rows32, w32[b], clip)
            g[b], h[b] = pb @ k.grad32, eb @ k.info32
        g64, h64 = wz - g, h.astype(float)
        d0, d1, ok = _steps(g64[:, 0], g64[:, 1], h64[:, 0], h64[:, 1], h64[:, 2])
        bad |= ~ok
        beta[:, 0] += np.where(ok, d0, 0.0)
        beta[:, 1] += np.where(ok, d1, 0.0)


def _double_steps(k: _SharedX, w: np.ndarray, beta: np.ndarray, bad: np.ndarray, wz: np.ndarray) -> np.ndarray:
    """Double-precision Newton until each resample's step is at most ``FAST_STEP_TOL``; returns converged (m,).

    Usually one iteration settles every resample. A resample that has settled
    (or failed) drops out: later iterations cost only the rest, taken
    together in blocks of ``FAST_BLOCK``.
    """
    m, n = w.shape
    converged = np.zeros(m, dtype=bool)
    active = np.flatnonzero(~bad)
    p, e = np.empty((2, min(m, FAST_BLOCK), n))
    for _ in range(BATCH_MAX_ITER):
        a = active.size
        if a == 0:
            break
        everyone = a == m
        neg = -beta if everyone else -beta[active]
        wa = w if everyone else w[active]
        clip = k.needs_clip(neg)
        g, h = np.empty((a, 2)), np.empty((a, 3))
        for b in _blocks(a):
            pb, eb = p[: b.stop - b.start], e[: b.stop - b.start]
            _newton_terms(pb, eb, neg[b], k.rows, wa[b], clip)
            g[b], h[b] = pb @ k.grad, eb @ k.info
        g = (wz if everyone else wz[active]) - g
        d0, d1, ok = _steps(g[:, 0], g[:, 1], h[:, 0], h[:, 1], h[:, 2])
        ba = beta[active]
        ba[:, 0] += d0
        ba[:, 1] += d1
        beta[active] = ba
        ok &= np.abs(ba[:, 1]) <= MAX_STD_SLOPE
        size = np.maximum(np.abs(ba[:, 0]), np.abs(ba[:, 1]))  # not .max(axis=1): 20 times slower
        small = np.maximum(np.abs(d0), np.abs(d1)) <= FAST_STEP_TOL * (1.0 + size)
        converged[active[small & ok]] = True
        active = active[~small & ok]
    return converged


def batched_newton2_shared(
    xs: np.ndarray, z: np.ndarray, w: np.ndarray, beta0: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """``batched_newton2`` when every resample has the same x (the bootstrap's counts form): faster.

    A start good to the third order from one matrix product (``_start``), then
    ``FAST_F32_ITER`` single-precision iteration, then double precision until
    the step is at most ``FAST_STEP_TOL``. Resamples flagged as not converged
    go to the scalar solver, as with ``batched_newton2``. Each stage runs over
    all resamples at once: the (m, n) work block by block (``FAST_BLOCK``
    resamples stay in the CPU cache), the per-resample arithmetic on whole
    vectors.
    """
    with np.errstate(all="ignore"), small_blas():
        k = _SharedX.of(xs, z, np.asarray(beta0, dtype=float))
        beta, ok, wz = _start(k, w)
        bad = ~ok
        _single_steps(k, w.astype(np.float32), beta, bad, wz)
        converged = _double_steps(k, w, beta, bad, wz)
    return beta, converged


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
    cross = (Xs[:, :, None] * Xs[:, None, :]).reshape(n, p_ * p_)  # x_i x_j for every pair of columns
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
                # The information as one matrix product with the design's column products (n, p * p):
                # 0.2 ms against an einsum's 2.6 ms for 2,000 resamples of 78 rows.
                h = ((W[active] * v) @ cross).reshape(-1, p_, p_)
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
