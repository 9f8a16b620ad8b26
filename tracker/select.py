"""Which score of each model a fit uses.

Settings are not interchangeable (MMLU 5-shot vs 0-shot chain-of-thought,
SWE-bench scaffolds), so each benchmark carries in data an ordered
preference of comparable settings. Per model, the fit takes the best score
under the most preferred setting the model has, from the chosen source kind,
known on or before the as-of date. Reasoning-effort variants are settings of
one model: the best of them is taken. Compute estimates imputed from
benchmark scores (Epoch AI's method "Benchmarks") are excluded by default:
fitting scores on them would fit scores on scores.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

import polars as pl

from tracker.data import Tables
from tracker.errors import UsageError
from tracker.store import Store

SOURCES = ("lab", "independent", "any")


@dataclass(frozen=True)
class Benchmark:
    id: str
    name: str
    variant: str
    floor: float
    ceiling: float
    items: int | None
    settings: tuple[str, ...]
    default_source: str
    url: str
    aliases: tuple[str, ...]


def benchmarks(tables: Tables) -> list[Benchmark]:
    out = []
    for r in tables.benchmarks.iter_rows(named=True):
        out.append(
            Benchmark(
                id=r["id"], name=r["name"], variant=r["variant"], floor=r["floor"], ceiling=r["ceiling"],
                items=r["items"], settings=tuple(p.strip() for p in r["settings"].split(";") if p.strip()),
                default_source=r["default_source"], url=r["url"],
                aliases=tuple(a.strip().lower() for a in (r["aliases"] or "").split(";") if a.strip()),
            )
        )
    return out


def resolve_benchmark(tables: Tables, name: str) -> Benchmark:
    """Find a benchmark by id or alias (aliases live in ``benchmarks.csv``)."""
    key = name.strip().lower()
    all_b = benchmarks(tables)
    for b in all_b:
        if key == b.id or key in b.aliases:
            return b
    known = ", ".join(sorted({a for b in all_b for a in (b.id, *b.aliases)}))
    raise UsageError(f"unknown benchmark {name!r}; use one of: {known}")


@dataclass(frozen=True)
class Selection:
    """The rows a fit may use, and an account of what was left out and why."""

    benchmark: Benchmark
    as_of: dt.date
    source: str
    patterns: tuple[str, ...]
    rows: pl.DataFrame  # one per model with a comparable score
    fit_rows: pl.DataFrame  # those with a usable compute estimate
    n_no_compute: int
    n_imputed_excluded: int
    n_other_settings: int  # models scored only under settings outside the preference

    @property
    def settings_used(self) -> dict[str, int]:
        return dict(Counter(self.fit_rows["setting"].to_list()).most_common())

    @property
    def sources_used(self) -> dict[str, int]:
        return dict(Counter(self.fit_rows["source_name"].to_list()).most_common())


def select(
    store: Store,
    benchmark: Benchmark,
    *,
    as_of: dt.date,
    source: str | None = None,
    settings: list[str] | None = None,
    include_imputed: bool = False,
) -> Selection:
    """One score per model for ``benchmark`` as known on ``as_of``."""
    source = source or benchmark.default_source
    if source not in SOURCES:
        raise UsageError(f"unknown source kind {source!r}; use one of: {', '.join(SOURCES)}")
    patterns = tuple(settings) if settings else benchmark.settings
    rows = store.select_scores(benchmark.id, list(patterns), source, as_of)
    n_other = store.count_scored_models(benchmark.id, as_of, source) - rows.height
    has_compute = rows.filter(pl.col("compute_flop").is_not_null())
    imputed = has_compute.filter(pl.col("compute_imputed"))
    fit_rows = has_compute if include_imputed else has_compute.filter(~pl.col("compute_imputed"))
    return Selection(
        benchmark=benchmark,
        as_of=as_of,
        source=source,
        patterns=patterns,
        rows=rows,
        fit_rows=fit_rows,
        n_no_compute=rows.height - has_compute.height,
        n_imputed_excluded=0 if include_imputed else imputed.height,
        n_other_settings=max(n_other, 0),
    )
