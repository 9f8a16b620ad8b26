"""Published files read into rows of our schema, each with the external id that names its model.

One adapter per importer kind of the registry (``tracker.ingest.importers``):
Epoch AI's runs, its MMLU collection and its models databases, the SWE-bench
leaderboards, the GPAI aggregation. ``read_external`` picks the adapter and
turns a malformed file into one ``DataError`` line.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tracker.errors import DataError, UsageError
from tracker.ingest import mappings
from tracker.ingest.importers import IMPORT_KINDS
from tracker.ingest.importers.epoch import public_model, read_epoch_models, read_epoch_runs, read_mmlu_collection
from tracker.ingest.importers.gpai import read_gpai
from tracker.ingest.importers.swebench import ALIAS_SOURCE, import_leaderboards
from tracker.ingest.importers.versions import EpochVersions

#: The importers: kind -> (what it reads, an example), from the registry. Feeds the CLI's help and the README.
KINDS = IMPORT_KINDS


# Labels of the Epoch AI models files we know (file name -> vintage label).
_MODEL_FILES = {
    "notable_ai_models.csv": "Notable AI models database",
    "large_scale_ai_models.csv": "Large-scale AI models database",
    "frontier_ai_models.csv": "Frontier AI models database",
    "all_ai_models.csv": "All AI models database",
}


@dataclass(frozen=True)
class External:
    """A row read from a published file, with the id that names its model there."""

    row: dict[str, str]
    source: str  # model_aliases.source
    external_id: str
    suggestion: str  # the reader's guess at our model id
    reason: str  # why the guess holds (for the alias row)

    @property
    def where(self) -> str:
        """``file:line`` of the published row this came from ("" when the format has no lines, e.g. JSON)."""
        return getattr(self.row, "where", "")


def _sibling_model_versions(file: Path, given: str | Path | None, *, required: bool = True) -> Path | None:
    mv = Path(given) if given else file.parent / "model_versions.csv"
    if not mv.is_file() and not required and not given:
        return None  # the reader guesses ids without it; the aliases decide anyway
    if not mv.is_file():
        raise UsageError(
            f"{mv}: Epoch AI's model_versions.csv not found; pass --model-versions PATH "
            "(data/model_versions.csv of epoch-research/benchmark-stitching)"
        )
    return mv


def _read_runs(file: Path, mv: Path | None, _names: dict[str, str]) -> tuple[list[External], list[str]]:

    assert mv is not None  # required for this kind (_sibling_model_versions)
    versions = EpochVersions(mv)
    out = []
    for r in read_epoch_runs(file, versions):
        ext = r["model_version"] + (f"_{r['effort']}" if r["effort"] else "")
        res = versions.resolve(ext)
        out.append(External(r, "epoch-version", ext, r["model_id"], res.reason if res else ""))
    return out, []


def _read_mmlu(file: Path, mv: Path | None, names: dict[str, str]) -> tuple[list[External], list[str]]:

    assert mv is not None  # required for this kind (_sibling_model_versions)
    kept, dropped = read_mmlu_collection(file, mv, names)
    skip = mappings.skipped("epoch-mmlu")
    out, skipped = [], []
    for r in kept:
        if r.collection_id in skip:
            skipped.append(f"collection row {r.collection_id}: {skip[r.collection_id]}")
            continue
        m = r.mapping
        out.append(External(r.score, m.alias_source, m.alias_external_id, r.score["model_id"], m.reason))
    skipped += [
        f"{name} [{version or 'no version'}] {em} ({source}): which model is meant is not certain"
        for name, version, em, source in dropped
    ]
    return out, skipped


def _read_swebench(file: Path, mv: Path | None, _names: dict[str, str]) -> tuple[list[External], list[str]]:

    imp = import_leaderboards(file, mv)
    reasons = {a["external_id"]: a["reason"] for a in imp.aliases}
    out = [
        External(r, ALIAS_SOURCE, r["model_version"], r["model_id"], reasons.get(r["model_version"], ""))
        for r in imp.scores
    ]
    return out, [f"{board}: {entry}: {why}" for board, entry, why in imp.skipped]


def _read_gpai(file: Path, mv: Path | None, names: dict[str, str]) -> tuple[list[External], list[str]]:

    rows, skipped = read_gpai(file, EpochVersions(mv) if mv else None, epoch_names=names)
    return [External(r.score, "gpai", r.external_id, r.model.model_id, r.model.reason) for r in rows], skipped


def vintage_label(file: Path) -> str:
    """``epoch-models-2025-11/notable_ai_models.csv`` -> ``Notable AI models database (2025-11 snapshot)``."""
    base = _MODEL_FILES.get(file.name)
    snap = re.search(r"(\d{4}-\d{2})", file.parent.name)
    if not base or not snap:
        raise UsageError(
            f"{file}: cannot tell which Epoch AI models file and snapshot this is; "
            "pass --vintage 'Notable AI models database (2025-11 snapshot)' or similar"
        )
    label = f"{base} ({snap.group(1)} snapshot)"
    if file.name == "frontier_ai_models.csv" and snap.group(1) == "2025-11":
        label = f"{base} (2025-11 snapshot, entries to 2025-07)"
    return label


def _read_models(file: Path, vintage: str) -> tuple[list[External], list[str]]:

    rows = read_epoch_models(file, vintage)
    return (
        [
            External(
                {**public_model(r), "_frontier_recomputed": r["_frontier_recomputed"]},
                "epoch-model",
                r["name"],
                r["id"],
                "our id is the slug of Epoch AI's models-database name",
            )
            for r in rows
            if not r["_conflict"]
        ],
        [r["_conflict"] for r in rows if r["_conflict"]],
    )


def read_external(
    kind: str,
    file: str | Path,
    *,
    model_versions: str | Path | None = None,
    vintage: str | None = None,
    epoch_names: dict[str, str] | None = None,
) -> tuple[list[External], list[str]]:
    """Rows of a published file (with their external ids) and the entries the reader left out."""
    file = Path(file)
    if kind not in KINDS:
        raise UsageError(f"unknown import kind {kind!r}; use one of {', '.join(KINDS)}")
    if file.is_dir():
        raise UsageError(f"{file} is a folder; give the published file in it")
    if not file.is_file():
        raise UsageError(f"{file}: no such file")
    try:
        if kind == "epoch-models":
            return _read_models(file, vintage or vintage_label(file))
        mv = _sibling_model_versions(file, model_versions, required=kind != "gpai")
        reader: Callable = _READERS[kind]
        return reader(file, mv, epoch_names or {})
    except RecursionError:
        raise DataError(
            f"{file}: cannot be read as {kind} (nested too deeply); check that it is the published file"
        ) from None
    except (KeyError, ValueError, TypeError, IndexError, json.JSONDecodeError, UnicodeDecodeError, csv.Error) as exc:
        what = f"missing column or key {exc}" if isinstance(exc, KeyError) else " ".join(str(exc).split())
        raise DataError(f"{file}: cannot be read as {kind} ({what}); check that it is the published file") from None


#: The reader of each score importer (epoch-models is read by _read_models).
_READERS: dict[str, Callable] = {
    "epoch-runs": _read_runs,
    "epoch-mmlu": _read_mmlu,
    "swebench-leaderboard": _read_swebench,
    "gpai": _read_gpai,
}
