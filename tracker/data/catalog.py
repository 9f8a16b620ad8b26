"""The benchmarks: ids, aliases, floors, ceilings and setting preferences, from data.

A new benchmark is a row in ``datasets/benchmarks.csv``, not a code change:
aliases the CLI accepts (``--bench gpqa``) and the ordered preference of
comparable settings live there.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tracker.data.tables import Tables
from tracker.errors import UsageError

#: Source kinds a fit can use: a developer's own report, a third party's, or either.
SOURCES = ("lab", "independent", "any")


@dataclass(frozen=True)
class Benchmark:
    """One benchmark variant as ``datasets/benchmarks.csv`` describes it."""

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
    published: dt.date | None = None  # no score is known, nor a crossing dated, before it

    @property
    def weight(self) -> float:
        """The quasi-binomial var_weight: the number of items (1 when unknown; a constant does not change estimates)."""
        return float(self.items or 1)


def _split(text: str | None, lower: bool = False) -> tuple[str, ...]:
    parts = (p.strip() for p in (text or "").split(";"))
    return tuple(p.lower() if lower else p for p in parts if p)


def benchmarks(tables: Tables) -> list[Benchmark]:
    """Every benchmark of the data, in file order."""
    return [
        Benchmark(
            id=r["id"],
            name=r["name"],
            variant=r["variant"],
            floor=r["floor"],
            ceiling=r["ceiling"],
            items=r["items"],
            settings=_split(r["settings"]),
            default_source=r["default_source"],
            url=r["url"],
            aliases=_split(r["aliases"], lower=True),
            published=r["published"],
        )
        for r in tables.benchmarks.iter_rows(named=True)
    ]


def resolve_benchmark(tables: Tables, name: str) -> Benchmark:
    """Find a benchmark by id or alias (aliases live in ``benchmarks.csv``)."""
    if not isinstance(name, str):
        raise UsageError(f"a benchmark is named by a string (an id or alias such as 'gpqa'), not {name!r}")
    key = name.strip().lower()
    all_b = benchmarks(tables)
    for b in all_b:
        if key == b.id or key in b.aliases:
            return b
    known = ", ".join(sorted({a for b in all_b for a in (b.id, *b.aliases)}))
    raise UsageError(f"unknown benchmark {name!r}; use one of: {known}")
