"""Hand mappings of the importers, kept as data: one CSV per mapping, a reason on every row.

Each file in this folder declares its columns in its header; ``KEYS`` names the
columns that identify a row. Loading checks the header, that every row has a
non-empty key and reason, and that no key appears twice: two rows for one key
are a clash and fail loudly (``DataError`` naming file and lines) instead of
one silently winning. Files are read once per process.

| file | what it maps |
|---|---|
| ``epoch_model_ids.csv`` | Epoch models-database names whose plain slug would collide -> our id |
| ``epoch_mmlu_names.csv`` | Epoch MMLU-collection names without a version id -> an Epoch model or version |
| ``epoch_mmlu_fixes.csv`` | collection rows whose version id is wrong -> the right version (or none: row left out) |
| ``lab_sources.csv`` | sources of the MMLU collection that are a developer's own report, and for which models |
| ``benchmarks.csv`` | a published file's task or benchmark name -> our benchmark id and setting |
| ``swebench_epoch_ids.csv`` | SWE-bench leaderboard tags spelled unlike Epoch's version id -> that id |
| ``swebench_new_models.csv`` | leaderboard models absent from Epoch's model_versions.csv, with a cited release date |
| ``gpai_same_model.csv`` | GPAI ids that other sources name differently -> our id |
| ``skip.csv`` | rows a published file has that the data holds elsewhere (an audit found them duplicate or wrong) |
| ``model_overrides.csv`` | our model values that differ from Epoch AI's on purpose (never proposed by an import) |
"""

from __future__ import annotations

import csv
import io
from functools import lru_cache
from importlib import resources

from tracker.errors import DataError

#: The columns that identify a row of each mapping (a key may not repeat).
KEYS: dict[str, tuple[str, ...]] = {
    "epoch_model_ids": ("epoch_name",),
    "epoch_mmlu_names": ("name",),
    "epoch_mmlu_fixes": ("name", "version"),
    "lab_sources": ("source",),
    "benchmarks": ("importer", "external"),
    "swebench_epoch_ids": ("tag",),
    "swebench_new_models": ("tag",),
    "gpai_same_model": ("gpai_stem",),
    "skip": ("importer", "key"),
    "model_overrides": ("model_id", "field"),
}


@lru_cache(maxsize=None)
def load(name: str) -> tuple[dict[str, str], ...]:
    """The rows of mapping ``name`` (``tracker/ingest/mappings/<name>.csv``), validated."""
    if name not in KEYS:
        raise KeyError(f"unknown mapping {name!r}")
    label = f"tracker/ingest/mappings/{name}.csv"
    text = (resources.files(__name__) / f"{name}.csv").read_text(encoding="utf-8")
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    needed = [*KEYS[name], "reason"]
    missing = [c for c in needed if c not in header]
    if missing:
        raise DataError(
            f"{label}:1: header: missing column(s) {', '.join(missing)}; the mapping needs {', '.join(needed)}"
        )
    rows: list[dict[str, str]] = []
    seen: dict[tuple[str, ...], int] = {}
    for line, row in enumerate(reader, start=2):
        row = {k: (v or "").strip() for k, v in row.items() if k is not None}
        if not row["reason"]:
            raise DataError(f"{label}:{line}: reason: is empty; every mapping says why it holds")
        key = tuple(row[k] for k in KEYS[name])
        if not key[-1]:
            raise DataError(f"{label}:{line}: {KEYS[name][-1]}: is empty; the row needs its key")
        if key in seen:
            raise DataError(
                f"{label}:{line}: {', '.join(KEYS[name])}: {key} is already mapped at line {seen[key]}; "
                "a name maps to one thing only: remove one"
            )
        seen[key] = line
        rows.append(row)
    return tuple(rows)


def index(name: str) -> dict[tuple[str, ...] | str, dict[str, str]]:
    """Mapping ``name`` keyed by its key columns (a 1-column key is the bare string)."""
    cols = KEYS[name]
    return {(r[cols[0]] if len(cols) == 1 else tuple(r[c] for c in cols)): r for r in load(name)}


def skipped(importer: str) -> dict[str, str]:
    """{key: reason} of the rows importer ``importer`` leaves out (``skip.csv``)."""
    return {r["key"]: r["reason"] for r in load("skip") if r["importer"] == importer}
