"""Filtered views of the curated tables for ``tracker list`` and notebooks."""

from __future__ import annotations

import polars as pl

from tracker.data import settings as settingsmod
from tracker.data.catalog import resolve_benchmark
from tracker.data.tables import Tables
from tracker.errors import UsageError

#: The largest --limit (more rows than any table holds; a bigger number overflowed polars' head).
MAX_LIMIT = 10_000_000
BENCHMARK_COLUMNS = ["id", "name", "variant", "items", "floor", "ceiling", "aliases", "settings", "default_source"]
MODEL_COLUMNS = [
    "id",
    "name",
    "organization",
    "release_date",
    "compute_flop",
    "confidence",
    "estimation_method",
    "frontier",
]
SCORE_COLUMNS = [
    "benchmark_id",
    "model_id",
    "score",
    "setting",
    "effort",
    "source_kind",
    "source_name",
    "date_reported",
]


def table(
    tables: Tables,
    what: str,
    *,
    bench: str | None = None,
    model: str | None = None,
    org: str | None = None,
    setting: str | None = None,
    source: str | None = None,
    with_compute: bool = False,
    limit: int | None = None,
) -> pl.DataFrame:
    """Rows of ``benchmarks``, ``models``, ``scores`` or ``settings`` matching the filters."""
    t = tables
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int)):
        raise UsageError(f"--limit {limit!r} is not a whole number; use 1 to {MAX_LIMIT:,}")
    if limit is not None and not 1 <= limit <= MAX_LIMIT:
        raise UsageError(f"--limit {limit} is out of range; use 1 to {MAX_LIMIT:,} (or leave it out for every row)")
    if source is not None and source not in ("lab", "independent"):
        raise UsageError(f"--source {source!r} filters scores by kind: use lab or independent")
    if what == "benchmarks":
        df = t.benchmarks.select(BENCHMARK_COLUMNS)
        if bench:
            df = df.filter(pl.col("id") == resolve_benchmark(t, bench).id)
        if setting or source:
            raise UsageError("--setting and --source filter scores, not benchmarks")
    elif what == "models":
        df = t.models
        if bench:
            b = resolve_benchmark(t, bench)
            df = df.filter(pl.col("id").is_in(t.scores.filter(pl.col("benchmark_id") == b.id)["model_id"].implode()))
        df = df.select(MODEL_COLUMNS)
    elif what == "scores":
        df = t.scores
        if bench:
            df = df.filter(pl.col("benchmark_id") == resolve_benchmark(t, bench).id)
        if setting:
            df = df.filter(pl.col("setting") == setting)
        if source:
            df = df.filter(pl.col("source_kind") == source)
        df = df.join(
            t.models.select(pl.col("id").alias("model_id"), "name", "organization", "compute_flop"),
            on="model_id",
            how="left",
        )
        df = df.select([*SCORE_COLUMNS, "name", "organization", "compute_flop"])
    elif what == "settings":
        if model or org or with_compute or setting or source:
            raise UsageError("tracker list settings takes --bench and --limit only")
        df = settingsmod.table(t, bench)
    else:
        raise UsageError(f"unknown table {what!r}; use benchmarks, models, scores or settings")
    if model:
        key = model.lower()
        idcol = "id" if what != "scores" else "model_id"
        if what == "benchmarks":
            raise UsageError("--model filters models and scores, not benchmarks")
        df = df.filter(
            pl.col(idcol).str.to_lowercase().str.contains(key, literal=True)
            | pl.col("name").str.to_lowercase().str.contains(key, literal=True)
        )
    if org:
        if what == "benchmarks":
            raise UsageError("--org filters models and scores, not benchmarks")
        df = df.filter(pl.col("organization").fill_null("").str.to_lowercase().str.contains(org.lower(), literal=True))
    if with_compute:
        if what == "benchmarks":
            raise UsageError("--with-compute filters models and scores, not benchmarks")
        df = df.filter(pl.col("compute_flop").is_not_null())
    return df.head(limit) if limit else df
