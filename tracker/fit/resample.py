"""Resampling: bootstrap counts, and summaries of draws that may say "never".

Every bootstrap in tracker draws the same way: resample b is a vector of
counts over the n rows (n uniform draws of a row index, counted), produced in
blocks from one ``numpy.random.default_rng(seed)`` stream so memory stays
bounded and the blocks concatenate to the same draws whatever the block size.

Draws of a quantity such as "the year a target is reached" use +inf for
"never" (no positive slope in that resample) and NaN for a resample that could
not be fitted; ``quantiles_with_inf`` and ``interval`` keep both honest.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from tracker.errors import FitError

#: Default bootstrap size and seed (reproducible output by default).
DEFAULT_N_BOOT = 2000
DEFAULT_SEED = 20240101
#: Bootstrap works in blocks of at most this many (resample, row) cells.
BLOCK_CELLS = 1 << 20
#: The central intervals every summary reports.
LEVELS = (0.8, 0.95)


def bootstrap_counts(n: int, *, n_boot: int = DEFAULT_N_BOOT, seed: int = DEFAULT_SEED) -> np.ndarray:
    """The (n_boot, n) resample counts ``bootstrap_sigmoid`` and ``bootstrap_trend`` use.

    Row b says how many times each of the n rows appears in resample b: n row
    indices drawn uniformly with replacement and counted, which is the
    Multinomial(n, [1/n]*n) distribution; drawing indices and counting them
    with one ``bincount`` is several times faster than ``rng.multinomial``.
    """
    return np.vstack(list(iter_bootstrap_counts(n, n_boot=n_boot, seed=seed)))


def iter_bootstrap_counts(n: int, *, n_boot: int = DEFAULT_N_BOOT, seed: int = DEFAULT_SEED) -> Iterator[np.ndarray]:
    """``bootstrap_counts`` in consecutive blocks of rows, to bound memory for large n.

    The blocks are drawn one after another from one stream, so they
    concatenate to exactly ``bootstrap_counts(n, n_boot=, seed=)``.
    """
    check_boot_args(n_boot, seed)
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise FitError(f"cannot resample {n!r} rows; need a positive number of rows")
    rng = np.random.default_rng(seed)
    block = max(1, BLOCK_CELLS // n)
    # Drawn as 32-bit integers when n allows: numpy draws a bound below 2**32 from the same 32-bit
    # stream for either width, so the draws are the same (a test holds it), a third faster to make.
    draw_type = np.int32 if n <= np.iinfo(np.int32).max else np.int64
    for start in range(0, n_boot, block):
        rows = min(block, n_boot - start)
        idx = rng.integers(0, n, size=(rows, n), dtype=draw_type)
        # Offset each resample's indices into its own range of n bins (into 64-bit, as bincount takes
        # them), count once.
        idx = np.add(idx, (np.arange(rows, dtype=np.int64) * n)[:, None])
        yield np.bincount(idx.ravel(), minlength=rows * n).reshape(rows, n)


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


@dataclass(frozen=True)
class Interval:
    """Median and central 80% / 95% intervals of draws; None means unbounded ("never")."""

    median: float | None
    lo80: float | None
    hi80: float | None
    lo95: float | None
    hi95: float | None
    share_never: float  # share of successful draws that never reach the target

    @property
    def open_ended(self) -> bool:
        return self.hi95 is None


def interval(values: Any) -> Interval:
    """Quantiles of draws where +inf means "never" (NaN: a failed resample, dropped)."""
    v = np.asarray(values, dtype=float)
    v = v[~np.isnan(v)]
    if v.size == 0:
        return Interval(None, None, None, None, None, 1.0)
    q = quantiles_with_inf(v, [0.5, 0.1, 0.9, 0.025, 0.975])
    conv = [None if not math.isfinite(x) else float(x) for x in q]
    return Interval(conv[0], conv[1], conv[2], conv[3], conv[4], share_never=float(np.mean(np.isinf(v))))


def check_boot_args(n_boot: Any, seed: Any) -> None:
    if isinstance(n_boot, bool) or not isinstance(n_boot, (int, np.integer)) or n_boot < 1:
        raise FitError(f"n_boot must be a positive integer, got {n_boot!r}; the default is 2000")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise FitError(f"seed must be a non-negative integer, got {seed!r}; pass --seed N")
