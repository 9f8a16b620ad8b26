"""Scale: load, validate, join in DuckDB, select and fit a synthetic data set.

    python benchmarks/scale.py --rows 1000000 --models 10000
    python benchmarks/scale.py --rows 100000 --models 10000 --keep /tmp/synthetic   # keep the folder

Generates a synthetic datasets/ folder in a temporary directory (never
committed), in a child process so that this process's peak memory is the
work's own: the real benchmarks.csv, settings.csv and datapackage.json (the
current schema: families, previews, checked lab rows, the settings
vocabulary), ``--models`` models with compute and dates, and ``--rows`` score
rows spread over the benchmarks under settings of their vocabulary (distinct
sources keep the primary key unique). ``tracker validate`` passes on it.
Then, in this process, times ``tracker.data.load`` (read + every validation
rule), the DuckDB store (the join materialised once, each benchmark's rows
fetched once through Arrow in the selection), and for every benchmark the per-model selection
and the sigmoid fit; ``total_s`` / ``total_cpu_s`` cover these stages (CPU:
user + system of every thread, from ``resource.getrusage``). Then, reported
apart as ``bootstrap_2000_s``, the default 2,000-resample bootstrap once, on
the benchmark with the most models. Prints one JSON object: seconds per stage
and the peak resident memory of this process (MiB).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tracker.data import tables as datamod  # noqa: E402
from tracker.data.catalog import benchmarks as all_benchmarks  # noqa: E402
from tracker.data.select import select  # noqa: E402
from tracker.data.store import Store  # noqa: E402
from tracker.fit import sigmoid as fitmod  # noqa: E402

#: Sources per (model, benchmark): with the benchmark they make a row's key unique.
SOURCES_PER_BENCHMARK = 32


def generate(root: Path, n_rows: int, n_models: int, seed: int = 1) -> None:
    """Write a valid synthetic data folder with ``n_rows`` scores over ``n_models`` models."""
    rng = np.random.default_rng(seed)
    root.mkdir(parents=True, exist_ok=True)
    for name in ("datapackage.json", "benchmarks.csv", "settings.csv"):
        shutil.copy(ROOT / "datasets" / name, root / name)
    bench = pl.read_csv(root / "benchmarks.csv", infer_schema=False)
    vocab = pl.read_csv(root / "settings.csv", infer_schema=False)
    ids = np.array([f"synthetic-model-{i:06d}" for i in range(n_models)])
    log10c = rng.uniform(20.0, 27.0, n_models)
    start = dt.date(2018, 1, 1).toordinal()
    days = rng.integers(0, (dt.date(2026, 6, 30).toordinal() - start), n_models)
    dates = [dt.date.fromordinal(start + int(d)).isoformat() for d in days]
    models = pl.DataFrame(
        {
            "id": ids,
            "name": [f"Synthetic {i}" for i in range(n_models)],
            "family": ids,
            "organization": "Synthetic Lab",
            "release_date": dates,
            "release_source_url": "https://example.org/release",
            "preview": "false",
            "compute_flop": [f"{10**v:.4e}" for v in log10c],
            "compute_low": "",
            "compute_high": "",
            "confidence": rng.choice(["confident", "likely", "speculative"], n_models),
            "estimation_method": "operation counting",
            "compute_source": "synthetic",
            "compute_source_url": "https://example.org/compute",
            "parameters": "",
            "open_weights": "false",
            "frontier": np.where(rng.random(n_models) < 0.02, "true", "false"),
            "domain": "Language",
            "notes": "",
        }
    )
    _write(models, root / "models.csv")
    b_ids = bench["id"].to_numpy()
    floors = bench["floor"].cast(pl.Float64).to_numpy()
    # Each benchmark's settings: its vocabulary's exact entries (globs such as 'system: *' are left out).
    per_bench = [
        [st for st in vocab.filter(pl.col("benchmark_id") == b)["setting"].to_list() if "*" not in st and "?" not in st]
        for b in b_ids
    ]
    # Each row: a (model, benchmark, source) combination, unique by construction; its setting
    # cycles through the benchmark's vocabulary.
    per_model = -(-n_rows // n_models)
    combos = len(b_ids) * SOURCES_PER_BENCHMARK
    if per_model > combos:
        raise SystemExit(f"at most {combos * n_models} rows for {n_models} models")
    m_idx = np.repeat(np.arange(n_models), per_model)[:n_rows]
    # Model m takes combinations off + 5j (mod combos), j < per_model: distinct within a
    # model (5 is coprime with combos = 9 * 32), varied across models.
    offset = rng.integers(0, combos, n_models)
    j = np.tile(np.arange(per_model), n_models)[:n_rows]
    k = (offset[m_idx] + 5 * j) % combos
    b_idx = k % len(b_ids)
    src_idx = k // len(b_ids)
    table = np.array([[pb[s % len(pb)] for s in range(SOURCES_PER_BENCHMARK)] for pb in per_bench])
    setting = table[b_idx, src_idx]
    lab = src_idx % 2 == 0
    eta = -22.0 + 0.9 * log10c[m_idx] + rng.normal(0, 0.3, n_rows)
    score = floors[b_idx] + (1 - floors[b_idx]) / (1 + np.exp(-eta))
    scores = pl.DataFrame(
        {
            "model_id": ids[m_idx],
            "benchmark_id": b_ids[b_idx],
            "score": np.round(score, 4),
            "stderr": "",
            "setting": setting,
            "effort": "",
            "model_version": "",
            "source_kind": np.where(lab, "lab", "independent"),
            "source_name": np.char.add("Synthetic source ", src_idx.astype(str)),
            "source_url": "https://example.org/score",
            "date_reported": "",
            "checked": np.where(lab, "2026-01-01: read in stored copy of https://example.org/score", ""),
            "notes": "",
        }
    ).sort(["benchmark_id", "model_id"])
    _write(scores, root / "scores.csv")
    (root / "model_aliases.csv").write_text("source,external_id,model_id,effort,reason\n", encoding="utf-8")


def _write(df: pl.DataFrame, path: Path) -> None:
    """Write like the curated files: an empty field is empty, not a quoted ''."""
    df.with_columns(pl.when(pl.col(pl.String) == "").then(None).otherwise(pl.col(pl.String)).name.keep()).write_csv(
        path
    )


def _cpu() -> float:
    """User + system CPU seconds of this process so far (every thread)."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _peak_mib() -> float:
    """The peak resident memory of this process so far, MiB (ru_maxrss is KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(root: Path) -> dict:
    """Time every stage on the folder ``root``; returns seconds (wall and CPU) per stage.

    The peak resident memory is read after each stage: it only grows, so the stage after which
    it jumps is the one that set it (``peak_rss_mib_after_load``, ``..._after_join``, then
    ``peak_rss_mib_before_bootstrap`` for everything the bars time, and the whole run's apart).
    """
    out: dict[str, float] = {}
    out["peak_rss_mib_after_imports"] = _peak_mib()
    t0, c0 = time.perf_counter(), _cpu()
    tables = datamod.load(root)
    out["load_validate_s"] = time.perf_counter() - t0
    out["load_validate_cpu_s"] = _cpu() - c0
    out["peak_rss_mib_after_load"] = _peak_mib()
    t1, c1 = time.perf_counter(), _cpu()
    with Store(tables) as store:
        bs = all_benchmarks(tables)
        store.join()  # the join of scores, models and benchmarks, materialised once
        out["duckdb_join_s"] = time.perf_counter() - t1
        out["duckdb_join_cpu_s"] = _cpu() - c1
        out["peak_rss_mib_after_join"] = _peak_mib()
        t2, c2 = time.perf_counter(), _cpu()
        fitted = 0
        largest = None
        for b in bs:
            sel = select(store, b, as_of=dt.date.today())
            rows = sel.fit_rows
            if rows.height < 3:
                continue
            x, y = rows["log10_compute"].to_numpy(), rows["score"].to_numpy()
            fitmod.fit_sigmoid(x, y, floor=b.floor, ceiling=b.ceiling, weight=b.weight)
            fitted += 1
            largest = (x, y, b) if largest is None or x.size > largest[0].size else largest
        out["select_fit_s"] = time.perf_counter() - t2
        out["select_fit_cpu_s"] = _cpu() - c2
    out["total_s"] = time.perf_counter() - t0
    out["total_cpu_s"] = _cpu() - c0
    out["peak_rss_mib_before_bootstrap"] = _peak_mib()
    # The default 2,000-resample bootstrap, once, on the benchmark with the most models.
    t3 = time.perf_counter()
    if largest is not None:
        x, y, b = largest
        fitmod.bootstrap_sigmoid(x, y, floor=b.floor, ceiling=b.ceiling, weight=b.weight, n_boot=2000)
        out["bootstrap_models"] = int(x.size)
    out["bootstrap_2000_s"] = time.perf_counter() - t3
    out["benchmarks_fitted"] = fitted
    out["score_rows"] = tables.scores.height
    out["models"] = tables.models.height
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--models", type=int, default=10_000)
    ap.add_argument("--keep", type=Path, help="write the synthetic folder here and keep it")
    ap.add_argument("--generate-only", type=Path, help=argparse.SUPPRESS)  # the child process's job
    args = ap.parse_args()
    if args.generate_only:
        generate(args.generate_only, args.rows, args.models)
        return
    with tempfile.TemporaryDirectory(prefix="tracker-scale-") as tmp:
        root = args.keep or Path(tmp) / "datasets"
        # Generated in a child process: this process's peak memory is then the work's own.
        subprocess.run(
            [sys.executable, __file__, "--rows", str(args.rows), "--models", str(args.models), "--generate-only", root],
            check=True,
        )
        result = run(root)
    # The peak of this process: imports, load, join, select, fit and the bootstrap.
    result["peak_rss_mib"] = _peak_mib()
    print(json.dumps({k: (round(v, 3) if isinstance(v, float) else v) for k, v in result.items()}))


if __name__ == "__main__":
    main()
