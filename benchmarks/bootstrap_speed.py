"""Bootstrap speed on the shipped MMLU data: tracker's batched sigmoid bootstrap against a curve_fit loop.

Run from the repository root:  python benchmarks/bootstrap_speed.py [--json] [--sweep-block]

The data are the compute method's fit rows of MMLU in the shipped datasets/
(log10 training compute, score; floor 0.25, ceiling and item count from
benchmarks.csv), selected as of the data's end, as ``tracker forecast --method
compute`` selects them. Prints:

  * the ratio (``scipy.optimize.curve_fit`` loop time) / (``bootstrap_sigmoid``
    time) over the same 2,000 resamples (the counts ``bootstrap_sigmoid`` draws):
    what a notebook would do against what tracker does;
  * the largest difference of (a, s) from statsmodels' GLM on EVERY resample
    (each resample refitted by statsmodels with the resample's counts as
    weights), and on the full data;
  * the time of 10,000 resamples over the time of 2,000 (5x the work);
  * with ``--sweep-block``, the batched solver's time per block size, the sizes
    timed in turn (how ``tracker.fit.batched.FAST_BLOCK`` was chosen).

Times are medians of interleaved repeats (CPU seconds beside wall seconds), so
a drift of the machine's speed hits both sides alike; only ratios are meant to
be compared across machines. BLAS runs on one thread, as in the tracker command.
Needs scipy and statsmodels (the test extra).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import statistics
import sys
import time
import warnings
from pathlib import Path

# BLAS on one thread for the whole process, as the tracker command runs (tracker.cli.main): both the
# batched solver and the curve_fit loop are measured under it. Set before numpy loads.
for _var in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tracker.data import tables as datamod  # noqa: E402
from tracker.data.catalog import resolve_benchmark  # noqa: E402
from tracker.data.select import select  # noqa: E402
from tracker.data.store import Store  # noqa: E402
from tracker.fit import batched  # noqa: E402
from tracker.fit.resample import DEFAULT_SEED, bootstrap_counts  # noqa: E402
from tracker.fit.sigmoid import bootstrap_sigmoid, fit_sigmoid, fit_sigmoid_statsmodels  # noqa: E402

N_BOOT = 2000
#: Interleaved repeats: the batched bootstrap takes milliseconds, the loop about a second.
REPEATS_BATCHED = 31
REPEATS_LOOP = 3
REPEATS_SCALING = 11
BLOCKS = (128, 256, 384, 512, 768, 1024, 2048)


def mmlu_rows() -> tuple[np.ndarray, np.ndarray, float, float, float, dt.date]:
    """(log10 compute, score, floor, ceiling, items, as-of) of MMLU's compute fit in the shipped data."""
    tables = datamod.load(ROOT / "datasets")
    b = resolve_benchmark(tables, "mmlu")
    with Store(tables) as store:
        as_of = store.last_data_date()
        rows = select(store, b, as_of=as_of).fit_rows
    return rows["log10_compute"].to_numpy(), rows["score"].to_numpy(), b.floor, b.ceiling, b.weight, as_of


def curve_fit_loop(x, y, floor, ceiling, counts, p0) -> int:
    """What a notebook would do: one curve_fit per resample. Returns the failure count."""
    from scipy.optimize import curve_fit

    def model(xv: np.ndarray, a: float, s: float) -> np.ndarray:
        return floor + (ceiling - floor) / (1 + np.exp(-(a + s * xv)))

    rows = np.arange(x.size)
    failed = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # OptimizeWarning on some resamples
        for c in counts:
            idx = np.repeat(rows, c)
            try:
                curve_fit(model, x[idx], y[idx], p0=p0)
            except (RuntimeError, ValueError):
                failed += 1
    return failed


def timed(fn) -> tuple[float, float]:
    """(wall, CPU) seconds of one call."""
    w, c = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - w, time.process_time() - c


def agreement(x, y, floor, ceiling, weight, boot) -> dict:
    """Largest |a - a_sm|, |s - s_sm| over every resample both solvers fitted, statsmodels on each resample."""
    counts = bootstrap_counts(x.size, n_boot=boot.n_boot, seed=boot.seed)
    worst, both, sm_failed = 0.0, 0, 0
    for i, c in enumerate(counts):
        rows = c > 0
        if np.isnan(boot.a[i]):
            continue
        try:
            ref = fit_sigmoid_statsmodels(x[rows], y[rows], floor=floor, ceiling=ceiling, weight=c[rows] * weight)
        except Exception:  # noqa: BLE001 - a resample statsmodels cannot fit is counted, not compared
            sm_failed += 1
            continue
        worst = max(worst, abs(boot.a[i] - ref.a), abs(boot.s[i] - ref.s))
        both += 1
    return {"resamples_compared": both, "statsmodels_failed": sm_failed, "max_abs_diff_every_resample": worst}


def main() -> None:
    x, y, floor, ceiling, weight, as_of = mmlu_rows()
    ours = fit_sigmoid(x, y, floor=floor, ceiling=ceiling, weight=weight)
    ref = fit_sigmoid_statsmodels(x, y, floor=floor, ceiling=ceiling, weight=weight)
    full_diff = max(abs(ours.a - ref.a), abs(ours.s - ref.s))

    def batch(n: int = N_BOOT):
        return bootstrap_sigmoid(x, y, floor=floor, ceiling=ceiling, weight=weight, n_boot=n, seed=DEFAULT_SEED)

    boot = batch()
    counts = bootstrap_counts(x.size, n_boot=N_BOOT, seed=DEFAULT_SEED)
    loop_failed = curve_fit_loop(x, y, floor, ceiling, counts, (ours.a, ours.s))  # warm-up, and its failures
    tb, tl = [], []
    per_loop = REPEATS_BATCHED // REPEATS_LOOP
    for i in range(REPEATS_BATCHED):  # interleaved: a loop after every few batched runs
        tb.append(timed(batch))
        if i % per_loop == per_loop - 1 and len(tl) < REPEATS_LOOP:
            tl.append(timed(lambda: curve_fit_loop(x, y, floor, ceiling, counts, (ours.a, ours.s))))
    t2, t10 = [], []
    for _ in range(REPEATS_SCALING):
        t2.append(timed(batch))
        t10.append(timed(lambda: batch(5 * N_BOOT)))
    agree = agreement(x, y, floor, ceiling, weight, boot)

    med = statistics.median
    out = {
        "data": f"MMLU compute fit, shipped datasets as of {as_of}",
        "n_models": int(x.size),
        "n_boot": N_BOOT,
        "batched_wall_s": med(t[0] for t in tb),
        "batched_cpu_s": med(t[1] for t in tb),
        "curve_fit_loop_wall_s": med(t[0] for t in tl),
        "curve_fit_loop_cpu_s": med(t[1] for t in tl),
        "speedup": med(t[0] for t in tl) / med(t[0] for t in tb),
        "speedup_cpu": med(t[1] for t in tl) / med(t[1] for t in tb),
        "max_abs_diff_full_data": full_diff,
        **agree,
        "failed_batched": boot.n_failed,
        "failed_loop": loop_failed,
        "boot_2000_wall_s": med(t[0] for t in t2),
        "boot_10000_wall_s": med(t[0] for t in t10),
        "resamples_5x_time_ratio": med(b[0] / a[0] for a, b in zip(t2, t10, strict=True)),
        "resamples_5x_cpu_ratio": med(b[1] / a[1] for a, b in zip(t2, t10, strict=True)),
        "fast_block": batched.FAST_BLOCK,
    }
    if "--sweep-block" in sys.argv[1:]:
        # Round robin over the block sizes (one run of each in turn), so a drift of the machine's speed
        # hits every size alike; timed one size after another, the sizes' order showed in the result.
        runs2: dict[int, list[float]] = {blk: [] for blk in BLOCKS}
        runs10: dict[int, list[float]] = {blk: [] for blk in BLOCKS}
        for i in range(REPEATS_BATCHED):
            for blk in BLOCKS:
                batched.FAST_BLOCK = blk
                runs2[blk].append(timed(batch)[0])
                if i < REPEATS_SCALING:
                    runs10[blk].append(timed(lambda: batch(5 * N_BOOT))[0])
        batched.FAST_BLOCK = out["fast_block"]
        sweep = {blk: {"2000_s": med(runs2[blk]), "10000_s": med(runs10[blk])} for blk in BLOCKS}
        for blk in BLOCKS:
            t2, t10 = sweep[blk]["2000_s"] * 1000, sweep[blk]["10000_s"] * 1000
            print(f"FAST_BLOCK {blk:5d}: 2000 resamples {t2:.2f} ms, 10000 {t10:.2f} ms (medians, interleaved)")
        out["block_sweep"] = sweep

    print(
        f"machine: {platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"numpy {np.__version__}"
    )
    print(f"data: {out['data']}, n = {x.size} models, {N_BOOT} resamples, seed {DEFAULT_SEED}")
    print(
        f"batched bootstrap_sigmoid: {out['batched_wall_s'] * 1000:.2f} ms wall, {out['batched_cpu_s'] * 1000:.2f} ms "
        f"CPU (median of {REPEATS_BATCHED}), {boot.n_failed} failed resamples"
    )
    print(
        f"curve_fit loop:            {out['curve_fit_loop_wall_s']:.3f} s wall, {out['curve_fit_loop_cpu_s']:.3f} s "
        f"CPU (median of {REPEATS_LOOP}), {loop_failed} failed resamples"
    )
    print(f"speed ratio (loop / batched): {out['speedup']:.0f}x wall, {out['speedup_cpu']:.0f}x CPU  (bar: >= 100x)")
    print(
        f"vs statsmodels GLM: full data max |diff| {full_diff:.1e}; every resample ({agree['resamples_compared']}) "
        f"max |diff| {agree['max_abs_diff_every_resample']:.1e}  (bar: <= 1e-6)"
    )
    print(
        f"10,000 / 2,000 resamples: {out['resamples_5x_time_ratio']:.2f}x wall, {out['resamples_5x_cpu_ratio']:.2f}x "
        "CPU  (bar: <= 6x)"
    )
    if "--json" in sys.argv[1:]:
        print(json.dumps(out, default=str))


if __name__ == "__main__":
    main()
