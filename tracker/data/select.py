"""Which score of each model a fit uses, who reached a target first, and the state of the art.

Settings are not interchangeable (MMLU 5-shot vs 0-shot chain-of-thought,
SWE-bench scaffolds), so each benchmark carries in data an ordered
preference of comparable settings. Per model, the fit takes the best score
under the most preferred setting the model has, from the chosen source kind,
known on or before the as-of date. Reasoning-effort variants are settings of
one model: the best of them is taken. Compute estimates imputed from
benchmark scores (Epoch AI's method "Benchmarks") are excluded by default:
fitting scores on them would fit scores on scores.

Two facts every command shares are defined here once:

* ``first_reached``: the first model whose selected score meets a target
  (the crossing event of ``forecast``, ``backtest`` and ``ledger``);
* ``record_mask`` / ``state_of_the_art``: the models that set a new best score.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from tracker.data.catalog import SOURCES, Benchmark
from tracker.data.store import Store
from tracker.errors import UsageError

#: A score meets a target t when score >= t - SCORE_TOL: scores are recorded to
#: a few decimals and targets are typed or stepped on a grid; this absorbs the
#: floating-point noise of either, and nothing else.
SCORE_TOL = 1e-9


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

    @property
    def flagged(self) -> pl.DataFrame:
        """``rows`` with ``in_fit``: True for the models the compute fit uses."""
        return self.rows.with_columns(pl.col("model_id").is_in(self.fit_rows["model_id"].implode()).alias("in_fit"))


def non_standard(tables, benchmark_id: str) -> list[str]:
    """The settings (exact, or globs) the vocabulary marks non-standard for ``benchmark_id``, as GLOB patterns."""
    vocab = getattr(tables, "settings", None)
    if vocab is None or vocab.height == 0:
        return []
    rows = vocab.filter((pl.col("benchmark_id") == benchmark_id) & (pl.col("kind") == "non-standard"))
    out = []
    for st in rows["setting"].to_list():
        # An exact setting may hold GLOB's own metacharacters: escape them as one-character classes.
        out.append(st if ("*" in st or "?" in st) else "".join(f"[{c}]" if c in "[]*?" else c for c in st))
    return out


def select(
    store: Store,
    benchmark: Benchmark,
    *,
    as_of: dt.date,
    source: str | None = None,
    settings: list[str] | None = None,
    include_imputed: bool = False,
    include_previews: bool = False,
) -> Selection:
    """One score per model for ``benchmark`` as known on ``as_of``.

    Previews (models announced with figures but not publicly available,
    ``models.preview``) are left out unless ``include_previews``: a preview
    is no evidence of what a released model does.
    """
    source = source or benchmark.default_source
    if source not in SOURCES:
        raise UsageError(f"unknown source kind {source!r}; use one of: {', '.join(SOURCES)}")
    patterns = tuple(settings) if settings else benchmark.settings
    # The benchmark's preference draws only on standard settings: a non-standard one (extra test-time
    # compute, a subset of the tasks, an unstated protocol) enters a fit only when asked for by name.
    exclude = [] if settings else non_standard(store.tables, benchmark.id)
    every = store.benchmark_rows(benchmark.id, list(patterns), exclude)  # one query per benchmark and store
    rows = pick_scores(every, source=source, as_of=as_of, include_previews=include_previews)
    n_other = count_scored_models(every, as_of=as_of, source=source, include_previews=include_previews) - rows.height
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


#: The order in which a model's candidate rows are ranked (the first wins): preference, then the best
#: score, then the rest of the primary key, so the row chosen never depends on the order of the files.
_RANK = ("pref", "score", "known_date", "source_kind", "source_name", "setting", "effort", "model_version")


def pick_scores(rows: pl.DataFrame, *, source: str, as_of: dt.date, include_previews: bool = False) -> pl.DataFrame:
    """One row per model from a benchmark's rows (``Store.benchmark_rows``), as known on ``as_of``.

    A model's row is the best score under the first setting pattern it has any
    score for (``pref``), never under an excluded setting, among sources of the
    kind ``source`` (or ``any``), known and released by ``as_of``; previews only
    with ``include_previews``. Sorted by release date, then model id.
    """
    keep = (
        pl.col("pref").is_not_null()
        & ~pl.col("excluded")
        & (pl.col("known_date") <= as_of)
        & (pl.col("release_date") <= as_of)
    )
    if source != "any":
        keep &= pl.col("source_kind") == source
    if not include_previews:
        keep &= ~pl.col("preview")
    return (
        rows.filter(keep)
        .drop("excluded")
        .sort(
            list(_RANK),
            descending=[False, True, False, False, False, False, False, False],
            nulls_last=[True, True, True, True, True, True, True, False],
            maintain_order=True,
        )
        .unique(subset="model_id", keep="first", maintain_order=True)
        .sort(["release_date", "model_id"], maintain_order=True)
    )


def count_scored_models(rows: pl.DataFrame, *, as_of: dt.date, source: str, include_previews: bool = False) -> int:
    """Models with any score (any setting) among a benchmark's ``rows`` known by ``as_of``, of a source kind or
    ``any``."""
    keep = (pl.col("known_date") <= as_of) & (pl.col("release_date") <= as_of)
    if source != "any":
        keep &= pl.col("source_kind") == source
    if not include_previews:
        keep &= ~pl.col("preview")
    return rows.filter(keep)["model_id"].n_unique()


@dataclass(frozen=True)
class Reached:
    """The first model whose selected score met the target.

    ``date`` is the crossing's date: the model's release (``released``), or the
    benchmark's publication when the model is older than the benchmark.
    """

    model_id: str
    model_name: str
    organization: str | None
    date: dt.date
    score: float
    setting: str
    source_kind: str
    source_name: str
    source_url: str
    released: dt.date

    def when(self) -> str:
        """The release date, and the crossing's date when the benchmark's publication set it."""
        if self.date == self.released:
            return f"released {self.released}"
        return f"released {self.released}, counted from {self.date} (the benchmark's publication)"


def first_reached(rows: pl.DataFrame, target: float) -> Reached | None:
    """The first model (by release date) whose score meets ``target``: the crossing event.

    ``rows`` are a selection's rows (one per model). Ties on the release date
    go to the score known first, then the higher score, then the model id, so
    every command names the same model. The date of the crossing is the
    model's release, or the benchmark's publication when the model is older:
    nothing is reached before the benchmark existed.
    """
    hit = rows.filter(pl.col("score") >= target - SCORE_TOL).sort(
        ["release_date", "known_date", "score", "model_id"], descending=[False, False, True, False]
    )
    if hit.height == 0:
        return None
    r = hit.row(0, named=True)
    published = r.get("benchmark_published")
    date = max(r["release_date"], published) if published is not None else r["release_date"]
    return Reached(
        model_id=r["model_id"],
        model_name=r["model_name"],
        organization=r["organization"],
        date=date,
        score=r["score"],
        setting=r["setting"] + (f" ({r['effort']})" if r["effort"] else ""),
        source_kind=r["source_kind"],
        source_name=r["source_name"],
        source_url=r["source_url"],
        released=r["release_date"],
    )


def date_max(col: pl.Series) -> dt.date:
    """The latest date of a non-empty date column (typed: polars' ``max`` returns any scalar)."""
    v = col.max()
    if not isinstance(v, dt.date):
        raise TypeError(f"expected a date column, got {col.dtype}")
    return v


def date_min(col: pl.Series) -> dt.date:
    """The earliest date of a non-empty date column."""
    v = col.min()
    if not isinstance(v, dt.date):
        raise TypeError(f"expected a date column, got {col.dtype}")
    return v


def num_max(col: pl.Series) -> float:
    """The largest value of a non-empty numeric column, as a float."""
    v = col.max()
    if not isinstance(v, (int, float)):
        raise TypeError(f"expected a numeric column, got {col.dtype}")
    return float(v)


def record_mask(order: Any, scores: Any) -> np.ndarray:
    """True for the rows that set a new best score, taken in ``order`` (dates or decimal years).

    Rows are visited by ``order``, then by higher score first; a row is a record
    when its score is strictly above every earlier one. The state of the art at
    any date is the last record on or before it.
    """
    o = np.asarray(order)
    s = np.asarray(scores, dtype=float)
    idx = np.lexsort((-s, o))
    best = -np.inf
    out = np.zeros(s.size, dtype=bool)
    for i in idx:
        if s[i] > best:
            best = s[i]
            out[i] = True
    return out


def state_of_the_art(rows: pl.DataFrame) -> pl.DataFrame:
    """The rows that set a new best score, in release order (the state of the art's steps)."""
    ordered = rows.sort(["release_date", "score", "model_id"], descending=[False, True, False])
    mask = record_mask(ordered["release_date"].to_numpy(), ordered["score"].to_numpy())
    return ordered.filter(pl.Series(mask))
