"""Scale: load, validate, join in DuckDB and fit a synthetic data set.

    python benchmarks/scale.py --rows 1000000 --models 10000

Generates a synthetic datasets/ folder in a temporary directory (never
committed): the real benchmarks.csv and datapackage.json, ``--models`` models
with compute and dates, and ``--rows`` score rows spread over the benchmarks
(distinct settings and sources keep the primary key unique). Then, in this
process, times ``tracker.data.load`` (read + every validation rule), the
DuckDB store with its views, and for every benchmark the per-model selection
and the sigmoid fit (``total_s`` covers these stages). Then, reported apart
as ``bootstrap_2000_s``, the default 2,000-resample bootstrap once, on the
benchmark with the most models (its cost grows with models x resamples).
Prints one JSON object: seconds per stage and peak resident memory (MiB).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import shutil
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

SETTINGS = [
    "5-shot",
    "0-shot",
    "pass@1",
    "bash-only mini-swe-agent",
    "epoch-scaffold",
    "0-shot CoT",
    "CoT@32",
    "maj@64",
]


def generate(root: Path, n_rows: int, n_models: int, seed: int = 1) -> None:
    """Write a valid synthetic data folder with ``n_rows`` scores over ``n_models`` models."""
    rng = np.random.default_rng(seed)
    root.mkdir(parents=True, exist_ok=True)
    for name in ("datapackage.json", "benchmarks.csv"):
        shutil.copy(ROOT / "datasets" / name, root / name)
    bench = pl.read_csv(root / "benchmarks.csv", infer_schema=False)
    ids = np.array([f"synthetic-model-{i:06d}" for i in range(n_models)])
    log10c = rng.uniform(20.0, 27.0, n_models)
    start = dt.date(2018, 1, 1).toordinal()
    days = rng.integers(0, (dt.date(2026, 6, 30).toordinal() - start), n_models)
    dates = [dt.date.fromordinal(start + int(d)).isoformat() for d in days]
    models = pl.DataFrame(
        {
            "id": ids,
            "name": [f"Synthetic {i}" for i in range(n_models)],
            "organization": "Synthetic Lab",
            "release_date": dates,
            "release_source_url": "https://example.org/release",
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
    # Each row: a (model, benchmark, setting, source) combination, unique by construction.
    per_model = -(-n_rows // n_models)
    combos = len(b_ids) * len(SETTINGS) * 4
    if per_model > combos:
        raise SystemExit(f"at most {combos * n_models} rows for {n_models} models")
    m_idx = np.repeat(np.arange(n_models), per_model)[:n_rows]
    # Model m takes combinations off + 3j (mod combos), j < per_model: distinct
    # within a model (3 is coprime with combos = 7 * 8 * 4), varied across models.
    offset = rng.integers(0, combos, n_models)
    j = np.tile(np.arange(per_model), n_models)[:n_rows]
    k = (offset[m_idx] + 3 * j) % combos
    b_idx = k % len(b_ids)
    s_idx = (k // len(b_ids)) % len(SETTINGS)
    src_idx = k // (len(b_ids) * len(SETTINGS))
    eta = -22.0 + 0.9 * log10c[m_idx] + rng.normal(0, 0.3, n_rows)
    score = floors[b_idx] + (1 - floors[b_idx]) / (1 + np.exp(-eta))
    scores = pl.DataFrame(
        {
            "model_id": ids[m_idx],
            "benchmark_id": b_ids[b_idx],
            "score": np.round(score, 4),
            "stderr": "",
            "setting": np.array(SETTINGS)[s_idx],
            "effort": "",
            "model_version": "",
            "source_kind": np.where(src_idx % 2 == 0, "lab", "independent"),
            "source_name": np.char.add("Synthetic source ", src_idx.astype(str)),
            "source_url": "https://example.org/score",
            "date_reported": "",
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


def run(root: Path) -> dict:
    """Time every stage on the folder ``root``; returns seconds per stage."""
    out: dict[str, float] = {}
    t0 = time.perf_counter()
    tables = datamod.load(root)
    out["load_validate_s"] = time.perf_counter() - t0
    t1 = time.perf_counter()
    with Store(tables) as store:
        store.query("SELECT count(*) FROM scores_joined")
        out["duckdb_join_s"] = time.perf_counter() - t1
        t2 = time.perf_counter()
        fitted = 0
        largest = None
        for b in all_benchmarks(tables):
            sel = select(store, b, as_of=dt.date.today())
            rows = sel.fit_rows
            if rows.height < 3:
                continue
            x, y = rows["log10_compute"].to_numpy(), rows["score"].to_numpy()
            fitmod.fit_sigmoid(x, y, floor=b.floor, ceiling=b.ceiling, weight=float(b.items or 1))
            fitted += 1
            largest = (x, y, b) if largest is None or x.size > largest[0].size else largest
        out["select_fit_s"] = time.perf_counter() - t2
    # The default 2,000-resample bootstrap, once, on the benchmark with the most models.
    t3 = time.perf_counter()
    if largest is not None:
        x, y, b = largest
        fitmod.bootstrap_sigmoid(x, y, floor=b.floor, ceiling=b.ceiling, weight=float(b.items or 1), n_boot=2000)
        out["bootstrap_models"] = int(x.size)
    out["bootstrap_2000_s"] = time.perf_counter() - t3
    out["total_s"] = out["load_validate_s"] + out["duckdb_join_s"] + out["select_fit_s"]
    out["benchmarks_fitted"] = fitted
    out["score_rows"] = tables.scores.height
    out["models"] = tables.models.height
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--models", type=int, default=10_000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="tracker-scale-") as tmp:
        root = Path(tmp) / "datasets"
        generate(root, args.rows, args.models)
        result = run(root)
    # ru_maxrss is KiB on Linux: the peak of this whole process, generation included.
    result["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({k: (round(v, 3) if isinstance(v, float) else v) for k, v in result.items()}))


if __name__ == "__main__":
    main()
