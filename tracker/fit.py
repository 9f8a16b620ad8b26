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
from collections.abc import Iterator
from typing import Any

import numpy as np

from tracker.errors import FitError

#: Fewest distinct models a fit (or a bootstrap resample) may use.
MIN_POINTS = 3
#: x "does not vary" when its range is at most this fraction of max(1, max |x|).
X_SPREAD_MIN_REL = 1e-9
#: Newton stops when every step is at most TOL * (1 + max |coefficient|),
#: coefficients on the standardised-x scale (dimensionless).
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
#: Slope per standard deviation of x beyond which the fit is called divergent:
#: the curve would go from 12% to 88% of its range within 0.0002 sd of compute.
MAX_STD_SLOPE = 1e4
#: Information matrix counted as singular when det <= this * h00 * h11.
SINGULAR_REL = 1e-12
#: Linear predictor clipped to +-ETA_CLIP before exp() (sigmoid(500) == 1 - 7e-218).
ETA_CLIP = 500.0
#: Bootstrap works in blocks of at most this many (resample, row) cells.
BLOCK_CELLS = 1 << 20
#: Default bootstrap size and seed (reproducible output by default).
DEFAULT_N_BOOT = 2000
DEFAULT_SEED = 20240101


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

    def predict(self, x: Any) -> Any:
        """Expected score at log10 compute ``x`` (a float, or an array for an array)."""
        xa = np.asarray(x, dtype=float)
        out = self.floor + (self.ceiling - self.floor) * _sigmoid(self.a + self.s * xa)
        return float(out) if out.ndim == 0 else out

    def x_for(self, target: float) -> float:
        """log10 compute at which the expected score reaches ``target``.

        Raises FitError for a target outside (floor, ceiling) and when s <= 0
        (no progress with compute: no amount of compute reaches the target).
        """
        logit_u = _target_logit(target, self.floor, self.ceiling)
        if not self.s > 0:
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
        out = np.where(self.s > 0, out, np.inf)
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


def quantiles_with_inf(values: Any, probs: Any) -> np.ndarray:
    """Linear-interpolation quantiles (numpy's default rule) that treat +-inf honestly.

    NaN entries (failed resamples) are dropped. A quantile whose interpolation
    touches an infinite order statistic is that infinity, so an interval whose
    upper end lies among the "never" resamples comes back as +inf rather than
    as NaN or a clipped number. Raises FitError when nothing is left.
    """
    v = np.asarray(values, dtype=float).ravel()
    v = np.sort(v[~np.isnan(v)])
    q = np.atleast_1d(np.asarray(probs, dtype=float))
    if v.size == 0:
        raise FitError("every bootstrap resample failed; no interval can be given")
    if np.any(~np.isfinite(q)) or np.any((q < 0) | (q > 1)):
        raise FitError(f"quantile probabilities must lie in [0, 1], got {probs!r}")
    h = (v.size - 1) * q
    lo = np.floor(h).astype(int)
    hi = np.ceil(h).astype(int)
    frac = h - lo
    vlo, vhi = v[lo], v[hi]
    with np.errstate(invalid="ignore"):
        out = vlo + (vhi - vlo) * frac
    out = np.where(frac == 0, vlo, out)
    out = np.where((frac > 0) & np.isinf(vhi), vhi, out)
    out = np.where(np.isinf(vlo), vlo, out)
    return out


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
    beta, iterations = _newton(xs, d.z, d.w, None, max_iter, tol)
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


def bootstrap_counts(n: int, *, n_boot: int = DEFAULT_N_BOOT, seed: int = DEFAULT_SEED) -> np.ndarray:
    """The (n_boot, n) resample counts ``bootstrap_sigmoid`` and ``bootstrap_trend`` use.

    Row b says how many times each of the n rows appears in resample b: n row
    indices drawn uniformly with replacement and counted, which is the
    Multinomial(n, [1/n]*n) distribution; drawing indices and counting them
    with one ``bincount`` is several times faster than ``rng.multinomial``.
    """
    return np.vstack(list(iter_bootstrap_counts(n, n_boot=n_boot, seed=seed)))


def iter_bootstrap_counts(
    n: int, *, n_boot: int = DEFAULT_N_BOOT, seed: int = DEFAULT_SEED
) -> Iterator[np.ndarray]:
    """``bootstrap_counts`` in consecutive blocks of rows, to bound memory for large n.

    The blocks are drawn one after another from one stream, so they
    concatenate to exactly ``bootstrap_counts(n, n_boot=, seed=)``.
    """
    _check_boot_args(n_boot, seed)
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise FitError(f"cannot resample {n!r} rows; need a positive number of rows")
    rng = np.random.default_rng(seed)
    block = max(1, BLOCK_CELLS // n)
    for start in range(0, n_boot, block):
        rows = min(block, n_boot - start)
        idx = rng.integers(0, n, size=(rows, n))
        # Offset each resample's indices into its own range of n bins, count once.
        flat = (idx + (np.arange(rows) * n)[:, None]).ravel()
        yield np.bincount(flat, minlength=rows * n).reshape(rows, n)


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
    _check_boot_args(n_boot, seed)
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
    beta0, _ = _newton(xs_full, d.z, d.w, None, DEFAULT_MAX_ITER, DEFAULT_TOL)

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
        beta, ok = _batched_newton(xs, d.z, counts * d.w, beta0)
        ok &= ~_degenerate_rows(xb, d.z, counts)
        for b in np.flatnonzero(~ok):  # stragglers and degenerate resamples
            rows = counts[b] > 0
            xb_b = xb[rows] if xb.ndim == 1 else xb[b, rows]
            try:
                _check_rows(xb_b, d.z[rows], d.floor, d.ceiling)
                beta[b], _ = _newton(
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


def _sigmoid(eta: Any) -> Any:
    e = np.exp(-np.clip(eta, -ETA_CLIP, ETA_CLIP))
    return 1.0 / (1.0 + e)


def _mean_var(eta: np.ndarray, inplace: bool = False) -> tuple[np.ndarray, np.ndarray]:
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


def _quasi_loglik(beta: np.ndarray, xs: np.ndarray, z: np.ndarray, w: np.ndarray) -> float:
    eta = beta[0] + beta[1] * xs
    return float(np.sum(w * (z * eta - np.logaddexp(0.0, eta))))


def _newton(
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
        ll = _quasi_loglik(beta, xs, z, w)
        for it in range(1, max_iter + 1):
            p, v = _mean_var(beta[0] + beta[1] * xs)
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
            new_ll = _quasi_loglik(new, xs, z, w)
            halvings = 0
            while not new_ll >= ll - 1e-12 * abs(ll) and halvings < MAX_HALVINGS:
                step = step / 2
                new = beta + step
                new_ll = _quasi_loglik(new, xs, z, w)
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
        f"the sigmoid fit did not converge in {max_iter} iterations; raise max_iter or "
        "look for outlying scores"
    )


def _batched_newton(
    xs: np.ndarray, z: np.ndarray, w: np.ndarray, beta0: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
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
            p, v = _mean_var(eta, inplace=True)
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


def _result(d: _Data, beta: np.ndarray, iterations: int) -> SigmoidFit:
    """Covariance, dispersion and back-transformation to the original x scale."""
    xs = (d.x - d.center) / d.spread
    n = d.x.size
    with np.errstate(all="ignore"):
        p, v = _mean_var(beta[0] + beta[1] * xs)
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


def _check_boot_args(n_boot: Any, seed: Any) -> None:
    if isinstance(n_boot, bool) or not isinstance(n_boot, (int, np.integer)) or n_boot < 1:
        raise FitError(f"n_boot must be a positive integer, got {n_boot!r}; the default is 2000")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise FitError(f"seed must be a non-negative integer, got {seed!r}; pass --seed N")
