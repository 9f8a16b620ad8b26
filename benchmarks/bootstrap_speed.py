"""Bootstrap speed: tracker's batched sigmoid bootstrap vs a curve_fit loop.

Run from the repository root:  python benchmarks/bootstrap_speed.py [--json]

Prints, for 2,000 resamples of a realistic synthetic benchmark (n = 80 models,
MMLU-like floor 0.25, 14,042 items, extra model-to-model scatter):
  * the ratio (scipy.optimize.curve_fit loop time) / (bootstrap_sigmoid time),
    both over the same resamples (the counts bootstrap_sigmoid draws);
  * the max abs difference of the point estimates (a, s) from statsmodels' GLM.
Times are the best of a few repeats (shared machines are noisy); only the ratio
is meant to be compared across machines. Needs scipy and statsmodels.
"""

from __future__ import annotations

import json
import os
import platform
import sys
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tracker.fit.resample import bootstrap_counts  # noqa: E402
from tracker.fit.sigmoid import (  # noqa: E402
    bootstrap_sigmoid,
    fit_sigmoid,
    fit_sigmoid_statsmodels,
)

N_MODELS = 80
N_BOOT = 2000
SEED = 20240101
FLOOR = 0.25
ITEMS = 14042
REPEATS_BATCHED = 5
REPEATS_LOOP = 2


def synthetic(seed: int = 7) -> tuple[np.ndarray, np.ndarray]:
    """80 models between 1e22 and 1e26.5 FLOP; true a = -19.2, s = 0.8 plus logit scatter."""
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(22.0, 26.5, N_MODELS))
    eta = -19.2 + 0.8 * x + rng.normal(0.0, 0.35, N_MODELS)  # model-to-model scatter
    p = FLOOR + (1 - FLOOR) / (1 + np.exp(-eta))
    y = rng.binomial(ITEMS, p) / ITEMS
    return x, y


def curve_fit_loop(x: np.ndarray, y: np.ndarray, counts: np.ndarray, p0: tuple[float, float]) -> int:
    """What a notebook would do: one curve_fit per resample. Returns the failure count."""
    from scipy.optimize import curve_fit

    def model(xv: np.ndarray, a: float, s: float) -> np.ndarray:
        return FLOOR + (1 - FLOOR) / (1 + np.exp(-(a + s * xv)))

    rows = np.arange(x.size)
    failed = 0
    for c in counts:
        idx = np.repeat(rows, c)
        try:
            curve_fit(model, x[idx], y[idx], p0=p0)
        except (RuntimeError, ValueError):
            failed += 1
    return failed


def best_time(fn, repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> None:
    x, y = synthetic()
    ours = fit_sigmoid(x, y, floor=FLOOR, weight=ITEMS)
    ref = fit_sigmoid_statsmodels(x, y, floor=FLOOR, weight=ITEMS)
    diff = max(abs(ours.a - ref.a), abs(ours.s - ref.s))
    se_rel = max(abs(ours.se_a / ref.se_a - 1), abs(ours.se_s / ref.se_s - 1))

    counts = bootstrap_counts(N_MODELS, n_boot=N_BOOT, seed=SEED)
    boot = bootstrap_sigmoid(x, y, floor=FLOOR, weight=ITEMS, n_boot=N_BOOT, seed=SEED)
    t_batched = best_time(
        lambda: bootstrap_sigmoid(x, y, floor=FLOOR, weight=ITEMS, n_boot=N_BOOT, seed=SEED),
        REPEATS_BATCHED,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # OptimizeWarning on some resamples
        loop_failed = curve_fit_loop(x, y, counts, (ours.a, ours.s))
        t_loop = best_time(lambda: curve_fit_loop(x, y, counts, (ours.a, ours.s)), REPEATS_LOOP)

    print(
        f"machine: {platform.platform()}, {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}, numpy {np.__version__}"
    )
    print(f"data: n = {N_MODELS} synthetic models, {N_BOOT} resamples, seed {SEED}")
    print(f"batched bootstrap_sigmoid: {t_batched:.3f} s (best of {REPEATS_BATCHED}), {boot.n_failed} failed resamples")
    print(f"curve_fit loop:            {t_loop:.3f} s (best of {REPEATS_LOOP}), {loop_failed} failed resamples")
    print(f"speed ratio (loop / batched): {t_loop / t_batched:.1f}x  (bar: >= 20x)")
    print(f"point estimates vs statsmodels GLM: max |diff| = {diff:.2e}  (bar: <= 1e-6)")
    print(f"standard errors vs statsmodels GLM: max relative diff = {se_rel:.2e}")
    if "--json" in sys.argv[1:]:
        print(
            json.dumps(
                {
                    "n_models": N_MODELS,
                    "n_boot": N_BOOT,
                    "batched_s": t_batched,
                    "curve_fit_loop_s": t_loop,
                    "speedup": t_loop / t_batched,
                    "max_abs_diff_vs_statsmodels": diff,
                    "se_max_rel_diff": se_rel,
                    "failed_batched": boot.n_failed,
                    "failed_loop": loop_failed,
                    "bar": ">= 20x, <= 1e-6",
                }
            )
        )


if __name__ == "__main__":
    main()
