"""The batched Newton solvers behind every bootstrap: all resamples at once (``tracker.fit.glm``'s model).

A bootstrap resample is a vector of counts over the n rows, so B resamples are B
weighted fits of one design. They are solved together, as matrix products over
the (B, n) weights, by plain Newton from the full-data estimate; the
resamples that do not settle (and degenerate ones) go back to the scalar
solvers of ``tracker.fit.glm``, and those that still fail are NaN and counted.

* ``batched_newton2_shared``: the sigmoids' two-column path when every resample
  shares x (the bootstrap's counts form): one exact step from the full-data
  estimate, ``FAST_F32_ITER`` single-precision iterations, then double
  precision; each stage over all resamples at once, its (B, n) work block by
  block (``FAST_BLOCK``), in place, with as few passes over memory as the
  arithmetic allows;
* ``batched_newton2``: the same without a shared x (compute redrawn per resample);
* ``bootstrap_logit``: the general path (any number of covariates, the
  ``compute+date`` method).

The matrices are small (a few hundred resamples by some tens of rows): a BLAS
that splits them over threads spends more on waking threads than it saves, and
on a loaded two-core machine it fights with everything else. ``small_blas``
keeps BLAS on one thread while a batched solve runs (measured: the same results,
bit for bit; 5x the resamples cost 5x the time instead of growing faster).

Every printed figure of tracker follows from these solves to the last digit
(the JSON outputs print floats in full), so the shared-x path is kept bit for
bit what it has been: the same floating-point operations in the same order,
the same shapes and row grouping of every BLAS product (OpenBLAS sums a row at
the edge of its tiles, or a single row, in another order). Its speed comes from
doing that arithmetic with less around it, not from other arithmetic.
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
#: The fast shared-x path stops a resample once its double-precision step is at most this:
#: the error left is of order step**2 ~ 1e-10 (measured against the scalar solver: below 1e-9).
FAST_STEP_TOL = 1e-5
#: Single-precision Newton iterations of the fast path before it switches to double precision.
FAST_F32_ITER = 2
#: Resamples whose (FAST_BLOCK, n) work the fast path does together: the arrays stay in the CPU cache,
#: and each block is one BLAS product. Chosen by measurement (benchmarks/bootstrap_speed.py
#: --sweep-block, BLAS on one thread, MMLU n = 78): 384 to 4096 are within the machine's noise of each
#: other, 128-256 are slower. 384 stays: another size changes how BLAS groups the rows of the products,
#: which moves some resamples in their last bit (1e-14), and with them the printed figures.
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

    ``first_g`` and ``first_h`` are the columns of the exact first Newton step:
    at the common start every resample has the same eta, so the step's
    gradient and information are the counts times these columns. ``z_rows``
    repeats z over a block's rows: a subtraction from a whole array is faster
    than one broadcast over short rows.
    """

    xs: np.ndarray
    powers: np.ndarray  # (n, 3): 1, x, x^2; the information's columns
    z_rows: np.ndarray  # (rows of a block, n)
    xs32: np.ndarray
    powers32: np.ndarray
    z32_rows: np.ndarray
    x_max: float  # max |x|: bounds |eta| from the coefficients alone
    beta0: np.ndarray
    first_g: np.ndarray  # (n, 2): (z - p0) [1, x]
    first_h: np.ndarray  # (n, 3): p0 (1 - p0) [1, x, x^2]

    @classmethod
    def of(cls, xs: np.ndarray, z: np.ndarray, beta0: np.ndarray, rows: int) -> _SharedX:
        powers = np.column_stack([np.ones_like(xs), xs, xs * xs])
        p0, v0 = mean_var(beta0[0] + beta0[1] * xs)
        z_rows = np.tile(z, (rows, 1))
        return cls(
            xs=xs,
            powers=powers,
            z_rows=z_rows,
            xs32=xs.astype(np.float32),
            powers32=powers.astype(np.float32),
            z32_rows=z_rows.astype(np.float32),
            x_max=float(np.max(np.abs(xs))),
            beta0=beta0,
            first_g=(z - p0)[:, None] * powers[:, :2],
            first_h=v0[:, None] * powers,
        )

    def needs_clip(self, beta: np.ndarray) -> bool:
        """Whether clipping eta to +-ETA_CLIP could change a value for these coefficients (m, 2).

        max |b| (1 + max |x|) bounds |b0 + b1 x| for every resample; with room
        for rounding (``CLIP_FREE``) the clip is then the identity and is
        skipped (a pass over the block saved, the same values). NaN: clip.
        (A maximum over the whole array: along an axis of length 2 numpy takes
        some 20 times longer.)
        """
        return not float(np.abs(beta).max()) * (1.0 + self.x_max) < CLIP_FREE


def _products(p: np.ndarray, v: np.ndarray, cols: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(g, h): the gradient's sums ``p @ cols[:, :2]`` and the information's ``v @ cols``.

    Two products of exactly these shapes, never one product of the stacked
    rows: BLAS sums an entry in another order when its row falls at the edge
    of the kernel's tiles (a block's last rows, or a single row), so stacking
    would move some resamples in their last bit.
    """
    return p @ cols[:, :2], v @ cols


def _newton_terms(
    p: np.ndarray, e: np.ndarray, beta: np.ndarray, xs: np.ndarray, z_rows: np.ndarray, w: np.ndarray, clip: bool
) -> None:
    """For the coefficients ``beta`` (m, 2): w (z - p) into ``p`` and w p (1 - p) into ``e``, both (m, n).

    The operations (and their order) of ``tracker.fit.glm.mean_var``, in place,
    in either precision: e = exp(-eta), p = 1 / (1 + e), p (1 - p) = e p p.
    -eta is written as (-b1) x - b0, which rounds to exactly the negation of
    b0 + b1 x (rounding to nearest is symmetric): no separate negation pass.
    """
    np.multiply(-beta[:, 1:], xs, out=e)
    e -= beta[:, :1]
    if clip:
        np.clip(e, -ETA_CLIP, ETA_CLIP, out=e)
    np.exp(e, out=e)
    np.add(e, 1.0, out=p)
    np.reciprocal(p, out=p)
    e *= p
    e *= p
    np.subtract(z_rows[: p.shape[0]], p, out=p)
    p *= w
    e *= w


def _blocks(m: int) -> list[slice]:
    """The resamples' blocks of ``FAST_BLOCK`` (the last one shorter)."""
    return [slice(s0, min(m, s0 + FAST_BLOCK)) for s0 in range(0, m, FAST_BLOCK)]


def _first_step(k: _SharedX, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One exact Newton step from beta0 for every resample: (beta (m, 2), usable (m,)).

    At beta0 every resample has the same eta, so the step needs only the
    counts times ``first_g`` and ``first_h``, block by block (see ``_products``).
    """
    m = w.shape[0]
    g, h = np.empty((m, 2)), np.empty((m, 3))
    for b in _blocks(m):
        g[b], h[b] = w[b] @ k.first_g, w[b] @ k.first_h
    d0, d1, ok = _steps(g[:, 0], g[:, 1], h[:, 0], h[:, 1], h[:, 2])
    beta = np.empty((m, 2))
    beta[:, 0] = k.beta0[0] + d0
    beta[:, 1] = k.beta0[1] + d1
    return beta, ok


def _single_steps(k: _SharedX, w32: np.ndarray, beta: np.ndarray, bad: np.ndarray) -> None:
    """``FAST_F32_ITER`` Newton iterations in single precision, in place on ``beta``; ``bad`` gathers failures.

    Cheap (exp in single precision costs a fifth of double) and enough to
    bring every resample close; the double-precision iteration after them
    corrects their rounding.
    """
    m, n = w32.shape
    g, h = np.empty((m, 2), dtype=np.float32), np.empty((m, 3), dtype=np.float32)
    p, e = np.empty((2, min(m, FAST_BLOCK), n), dtype=np.float32)
    for _ in range(FAST_F32_ITER):
        b32 = beta.astype(np.float32)
        clip = k.needs_clip(b32)
        for b in _blocks(m):
            pb, eb = p[: b.stop - b.start], e[: b.stop - b.start]
            _newton_terms(pb, eb, b32[b], k.xs32, k.z32_rows, w32[b], clip)
            g[b], h[b] = _products(pb, eb, k.powers32)
        g64, h64 = g.astype(float), h.astype(float)
        d0, d1, ok = _steps(g64[:, 0], g64[:, 1], h64[:, 0], h64[:, 1], h64[:, 2])
        bad |= ~ok
        beta[:, 0] += np.where(ok, d0, 0.0)
        beta[:, 1] += np.where(ok, d1, 0.0)


def _double_steps(k: _SharedX, w: np.ndarray, beta: np.ndarray, bad: np.ndarray) -> np.ndarray:
    """Double-precision Newton until each resample's step is at most ``FAST_STEP_TOL``; returns converged (m,).

    Usually one iteration settles every resample. A resample that has settled
    (or failed) drops out: later iterations cost only the rest, each block's
    remaining resamples multiplied together as one matrix (see ``_products``).
    """
    m, n = w.shape
    blocks = _blocks(m)
    converged = np.zeros(m, dtype=bool)
    active = np.flatnonzero(~bad)
    p, e = np.empty((2, min(m, FAST_BLOCK), n))
    for _ in range(BATCH_MAX_ITER):
        a = active.size
        if a == 0:
            break
        everyone = a == m
        ba = beta if everyone else beta[active]
        clip = k.needs_clip(ba)
        g, h = np.empty((a, 2)), np.empty((a, 3))
        cuts = np.searchsorted(active, [b.start for b in blocks] + [m])
        for j, b in enumerate(blocks):
            lo, hi = int(cuts[j]), int(cuts[j + 1])
            if hi == lo:
                continue
            wb = w[b] if hi - lo == b.stop - b.start else w[active[lo:hi]]
            pb, eb = p[: hi - lo], e[: hi - lo]
            _newton_terms(pb, eb, ba[lo:hi], k.xs, k.z_rows, wb, clip)
            g[lo:hi], h[lo:hi] = _products(pb, eb, k.powers)
        d0, d1, ok = _steps(g[:, 0], g[:, 1], h[:, 0], h[:, 1], h[:, 2])
        ba[:, 0] += d0
        ba[:, 1] += d1
        if not everyone:
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

    One Newton step from the full-data estimate costs only matrix products
    (all resamples share its eta), then ``FAST_F32_ITER`` single-precision
    iterations, then double precision until the step is at most
    ``FAST_STEP_TOL``. Resamples flagged as not converged go to the scalar
    solver, as with ``batched_newton2``.

    Each stage runs over all resamples at once: the (m, n) work block by block
    (``FAST_BLOCK`` resamples stay in the CPU cache), the per-resample
    arithmetic on whole vectors. The blocks also fix how BLAS groups the rows
    of each matrix product, on which the last bit of a result depends.
    """
    m = w.shape[0]
    with np.errstate(all="ignore"), small_blas():
        k = _SharedX.of(xs, z, np.asarray(beta0, dtype=float), min(m, FAST_BLOCK))
        beta, ok = _first_step(k, w)
        bad = ~ok
        _single_steps(k, w.astype(np.float32), beta, bad)
        converged = _double_steps(k, w, beta, bad)
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
