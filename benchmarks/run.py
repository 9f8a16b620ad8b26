"""tracker's performance figures, as ratios measured in one run on one machine.

    python benchmarks/run.py            # everything (a few minutes)
    python benchmarks/run.py --quick    # fewer repeats, 100k/1M scale only once

Prints and writes ``benchmarks/results/latest.json``:

* CLI latency: median wall time of ``tracker forecast --bench mmlu --target 0.9``
  over the median of ``python -c "import polars, duckdb, numpy"`` (its floor),
  runs interleaved A B A B so drift hits both alike.        bar: <= 2.0
* Bootstrap: 2,000 resamples by tracker's batched solver against a loop of
  ``scipy.optimize.curve_fit`` over the same resamples, and the largest
  difference of the point estimates from statsmodels' GLM.   bar: >= 20x, <= 1e-6
* Scale: synthetic data of 100,000 and 1,000,000 score rows over 10,000 models
  (generated in a temporary folder, never committed) loaded, validated,
  joined in DuckDB, selected and fitted (with bootstrap) for every benchmark,
  each size in its own process: seconds, peak memory, ratio.
                                      bar: 1M < 10 s and < 2 GB; 10x rows <= 12x time
* Backtest: wall time of the default ``tracker backtest`` (if present). bar: < 60 s

Only public tools are used: ``time.perf_counter``, ``subprocess`` and the
kernel's rusage accounting.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"


def _tracker() -> list[str]:
    exe = shutil.which("tracker")
    return [exe] if exe else [sys.executable, "-m", "tracker.cli.main"]


def _wall(cmd: list[str]) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - t


def cli_latency(repeats: int) -> dict:
    a = [*_tracker(), "forecast", "--bench", "mmlu", "--target", "0.9"]
    b = [sys.executable, "-c", "import polars, duckdb, numpy"]
    _wall(a), _wall(b)  # warm the file cache
    ta, tb = [], []
    for _ in range(repeats):
        ta.append(_wall(a))
        tb.append(_wall(b))
    ratios = [x / y for x, y in zip(ta, tb, strict=True)]
    return {
        "forecast_median_s": statistics.median(ta),
        "floor_median_s": statistics.median(tb),
        "ratio": statistics.median(ta) / statistics.median(tb),
        "ratio_pairwise_min": min(ratios),
        "ratio_pairwise_max": max(ratios),
        "runs": repeats,
        "bar": "<= 2.0",
    }


def bootstrap() -> dict:
    out = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bootstrap_speed.py"), "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def scale(rows: int, models: int) -> dict:
    """One size in a fresh process, so its peak memory is its own."""
    proc = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "scale.py"), "--rows", str(rows), "--models", str(models)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])


def backtest() -> dict | None:
    cmd = [*_tracker(), "backtest", "--help"]
    if subprocess.run(cmd, cwd=ROOT, capture_output=True).returncode != 0:
        return None
    return {"default_backtest_s": _wall([*_tracker(), "backtest"]), "bar": "< 60 s"}


def machine() -> dict:
    import duckdb
    import numpy
    import polars

    return {
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "polars": polars.__version__,
        "duckdb": duckdb.__version__,
        "numpy": numpy.__version__,
        "load_average": os.getloadavg(),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description="tracker's performance figures as ratios")
    ap.add_argument("--quick", action="store_true", help="fewer repeats")
    args = ap.parse_args()
    result: dict = {"machine": machine(), "when": time.strftime("%Y-%m-%d %H:%M:%S")}
    print(f"machine: {result['machine']}", flush=True)
    result["cli_latency"] = cli_latency(5 if args.quick else 11)
    c = result["cli_latency"]
    print(
        f"CLI latency: forecast {c['forecast_median_s']:.2f} s / floor {c['floor_median_s']:.2f} s "
        f"= {c['ratio']:.2f}x (bar <= 2.0)",
        flush=True,
    )
    result["bootstrap"] = bootstrap()
    bs = result["bootstrap"]
    print(
        f"bootstrap: {bs['speedup']:.1f}x faster than a curve_fit loop (bar >= 20x); "
        f"max |diff| vs statsmodels {bs['max_abs_diff_vs_statsmodels']:.1e} (bar <= 1e-6)",
        flush=True,
    )
    small, big = scale(100_000, 10_000), scale(1_000_000, 10_000)
    result["scale"] = {"100k": small, "1M": big, "time_ratio_10x_rows": big["total_s"] / small["total_s"]}
    print(
        f"scale: 100k rows {small['total_s']:.2f} s, {small['peak_rss_mib']:.0f} MiB; 1M rows {big['total_s']:.2f} s, "
        f"{big['peak_rss_mib']:.0f} MiB (bar < 10 s, < 2048 MiB); "
        f"10x rows cost {result['scale']['time_ratio_10x_rows']:.1f}x time (bar <= 12x)",
        flush=True,
    )
    bt = backtest()
    if bt:
        result["backtest"] = bt
        print(f"backtest: default run {bt['default_backtest_s']:.1f} s (bar < 60 s)", flush=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(result, indent=1, default=str) + "\n")
    print(f"wrote {RESULTS / 'latest.json'}")


if __name__ == "__main__":
    main()
