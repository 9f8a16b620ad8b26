"""Readers for Epoch AI's published data, returning rows of our own schema.

- ``read_epoch_runs``: Epoch's own evaluation runs (``benchmarks_runs.csv``).
- ``read_mmlu_collection``: Epoch's MMLU collection (``external_benchmark_mmlu.csv``), read once.
- ``read_epoch_models``: one vintage of Epoch's models databases;
  ``merge_model_vintages`` combines vintages (newest value wins).

Model version ids are resolved by :mod:`tracker.ingest.importers.versions`
(the one resolver of ``model_versions.csv``); hand mappings live in
``tracker/ingest/mappings/`` with a reason per row.

All functions are pure: they read files and return lists of dicts (every value a
string, ``""`` for missing), and never print.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from tracker.ingest import mappings
from tracker.ingest.importers.common import (
    MODEL_FIELDS,
    SCORE_FIELDS,
    Row,
    cell,
    first_url,
    model_id_for,
    read_rows,
    split_effort,
)
from tracker.ingest.importers.compute_notes import classify_compute_notes
from tracker.ingest.importers.versions import EpochVersions, Resolution, VersionResolver  # noqa: F401 (re-exported)

EPOCH_DASHBOARD_URL = "https://epoch.ai/data/ai-benchmarking-dashboard"
EPOCH_MODELS_URL = "https://epoch.ai/data/ai-models"
EPOCH_STITCHING_URL = "https://github.com/epoch-research/benchmark-stitching"


def run_tasks() -> dict[str, tuple[str, str]]:
    """Epoch task name -> (benchmark id, setting), from mappings/benchmarks.csv. Other tasks
    (the tiny -Public FrontierMath samples, MATH level 5, OTIS mock AIME) are skipped."""
    return {
        r["external"]: (r["benchmark_id"], r["setting"])
        for r in mappings.load("benchmarks")
        if r["importer"] == "epoch-runs"
    }


def empty_score() -> dict[str, str]:
    return {field: "" for field in SCORE_FIELDS}


def empty_model() -> dict[str, str]:
    return {field: "" for field in MODEL_FIELDS}


def fmt_float(value: str) -> str:
    """``"2.1e+25"`` / ``"1800000000000.0"`` -> repr(float); blank or NaN -> ``""``."""
    text = (value or "").strip()
    if not text:
        return ""
    number = float(text)
    if number != number:  # NaN
        return ""
    return repr(number)


SCORE_COLUMN = "Best score (across scorers)"
COMPUTE_COLUMN = "Training compute (FLOP)"
STARTED_AT = "a time such as '17 November 2025 4:28pm'"


def parse_started_at(text: str) -> str:
    """``"17 November 2025 4:28pm"`` -> ``"2025-11-17"`` (blank -> ``""``)."""
    if not text.strip():
        return ""
    return datetime.strptime(text.strip(), "%d %B %Y %I:%M%p").date().isoformat()


def _started_at_key(text: str) -> datetime:
    if not text.strip():
        return datetime.min  # no start time recorded: treated as the oldest
    return datetime.strptime(text.strip(), "%d %B %Y %I:%M%p")


# --------------------------------------------------------------------------
# Benchmarking hub runs
# --------------------------------------------------------------------------


def read_epoch_runs(runs_csv: str | Path, versions: EpochVersions | str | Path) -> list[dict[str, str]]:
    """Score rows from Epoch's ``benchmarks_runs.csv`` (tasks of :func:`run_tasks`).

    Several runs of one (version, effort, task): the latest is kept and the
    earlier ones are named in ``notes``.
    """
    resolver = versions if isinstance(versions, EpochVersions) else EpochVersions(versions)
    RUN_TASKS = run_tasks()
    grouped: dict[tuple[str, str, str], list[dict[str, str]]] = {}
    for row in read_rows(runs_csv):
        if row["Status"].strip() != "Success" or row["task"].strip() not in RUN_TASKS:
            continue
        base, effort = split_effort(row["model"].strip())
        grouped.setdefault((base, effort, row["task"].strip()), []).append(row)

    out = []
    for (base, effort, task), runs in grouped.items():
        runs.sort(key=lambda r: cell(r, "started_at", _started_at_key, STARTED_AT))
        latest = runs[-1]
        res = resolver.resolve(latest["model"])
        if res is None:
            raise ValueError(f"benchmarks_runs.csv: model version {latest['model']!r} not in model_versions.csv")
        bench, setting = RUN_TASKS[task]
        score = cell(latest, SCORE_COLUMN, float, "a number")
        row = empty_score()
        notes = [f"Epoch run {latest['id']} (task version {latest['task version']})"]
        if len(runs) > 1:
            earlier = "; ".join(
                f"{cell(r, SCORE_COLUMN, float, 'a number'):g} on {parse_started_at(r['started_at']) or 'unknown date'}"
                for r in runs[:-1]
            )
            notes.append(f"latest of {len(runs)} runs kept (earlier: {earlier})")
        row.update(
            model_id=res.model_id,
            benchmark_id=bench,
            score=repr(score),
            setting=setting,
            effort=effort,
            model_version=base,
            source_kind="independent",
            source_name="Epoch AI Benchmarking Hub",
            source_url=latest["log viewer"].strip() or EPOCH_DASHBOARD_URL,
            date_reported=parse_started_at(latest["started_at"]),
            notes="; ".join(notes),
        )
        out.append(Row(row, getattr(latest, "where", "")))
    return out


def alias_row(source: str, external_id: str, model_id: str, effort: str, reason: str) -> dict[str, str]:
    return {"source": source, "external_id": external_id, "model_id": model_id, "effort": effort, "reason": reason}


# --------------------------------------------------------------------------
# MMLU collection
# --------------------------------------------------------------------------

# Hand mappings (tracker/ingest/mappings/): lab_sources.csv (which sources are a
# developer's own report, for which models), epoch_mmlu_names.csv (rows with no
# version id: the collection's Name -> an Epoch model or version; names absent
# there and not equal, up to slug, to an Epoch model name are left out: which
# model they mean is not certain, e.g. PaLM-2 (Bison), Vicuna-13B) and
# epoch_mmlu_fixes.csv (rows whose version id is wrong).

_SHOTS = {"5": "5-shot", "0": "0-shot", "2": "2-shot", "": "unspecified shots"}


def clean_source_name(text: str) -> str:
    name = " ".join((text or "").split())
    half = len(name) // 2
    if len(name) % 2 == 0 and name and name[:half] == name[half:]:
        name = name[:half]  # "XReportXReport" typo in the collection
    return name


def mmlu_source_kind(source: str, model_name: str) -> str:
    """lab when ``source`` is the developer's own report on ``model_name`` (lab_sources.csv), else independent."""
    row = mappings.index("lab_sources").get(source)
    pattern = row["model_pattern"] if row else None
    if pattern and re.search(pattern, model_name.strip(), re.I):
        return "lab"
    return "independent"


def percent_to_fraction(text: str) -> str:
    value = float(text.strip().rstrip("%")) / 100
    return repr(round(value, 4))


@dataclass
class MmluMapping:
    resolution: Resolution | None
    epoch_model: str  # for Name-only rows mapped to an Epoch model name
    model_version: str
    alias_source: str
    alias_external_id: str
    reason: str
    note: str


def map_mmlu_row(
    row: dict[str, str], resolver: EpochVersions, epoch_names: dict[str, str] | None = None
) -> MmluMapping | None:
    """Which model a collection row is about, or None to drop it.

    ``epoch_names``: optional {our id: Epoch name} of the models databases, used
    for Name-only rows whose name equals an Epoch model name up to slugify.
    """
    name = row["Name"].strip()
    version = row["Model version"].strip()
    fix = mappings.index("epoch_mmlu_fixes").get((name, version))
    if fix is not None:
        fixed = fix["fixed_version"]
        if not fixed:
            return None
        res = resolver.resolve(fixed)
        return MmluMapping(
            res,
            "",
            fixed,
            "epoch-version",
            fixed,
            res.reason if res else "",
            f"collection tags this row {version!r}; the source's figure is for {fixed!r}",
        )
    named = mappings.index("epoch_mmlu_names").get(name)
    if not version and named is not None and named["kind"] == "version":
        version = named["target"]
    if version:
        res = resolver.resolve(version)
        if res is None:
            return None
        return MmluMapping(res, "", res.model_version, "epoch-version", version, res.reason, "")
    if named is not None and named["kind"] == "epoch-model":
        target = named["target"]
        return MmluMapping(
            None,
            target,
            "",
            "epoch-model",
            name,
            f"Epoch MMLU collection name {name!r} (no version id) hand-mapped to Epoch model {target!r}",
            "",
        )
    if epoch_names:
        same = epoch_names.get(model_id_for(name))
        if same:
            return MmluMapping(
                None,
                same,
                "",
                "epoch-model",
                name,
                f"Epoch MMLU collection name {name!r} (no version id) equals Epoch model {same!r} up to slug",
                "",
            )
    return None


@dataclass(frozen=True)
class MmluRow:
    """One row of the collection as a score row of ours, with how its model was found."""

    score: dict[str, str]
    mapping: MmluMapping
    collection_id: str


def read_mmlu_collection(
    mmlu_csv: str | Path, versions: EpochVersions | str | Path, epoch_names: dict[str, str] | None = None
) -> tuple[list[MmluRow], list[tuple[str, str, str, str]]]:
    """Epoch's MMLU collection, read once: (the rows kept, the rows left out).

    A left-out row is (Name, Model version, EM, Source): which model it means is
    not certain (no version id, no hand mapping, no Epoch model of that name).
    """
    resolver = versions if isinstance(versions, EpochVersions) else EpochVersions(versions)
    kept: list[MmluRow] = []
    dropped: list[tuple[str, str, str, str]] = []
    for row in read_rows(mmlu_csv):
        mapping = map_mmlu_row(row, resolver, epoch_names)
        name = row["Name"].strip()
        source = clean_source_name(row["Source"])
        if mapping is None:
            dropped.append((name, row["Model version"].strip(), row["EM"], source))
            continue
        src_notes = " ".join(row["Notes"].split())
        setting = _SHOTS.get(row["Shots"].strip())
        if setting is None:
            raise ValueError(f"external_benchmark_mmlu.csv: unknown Shots {row['Shots']!r} for {name!r}")
        if re.search(r"\bCoT\b|chain[- ]of[- ]thought", src_notes, re.I):
            setting += " CoT"
        if mapping.resolution is not None:
            model_id, effort = mapping.resolution.model_id, mapping.resolution.effort
        else:
            model_id, effort = model_id_for(mapping.epoch_model), ""
        notes = [f"Epoch MMLU collection row {row['id'].strip()} ({name})"]
        if mapping.note:
            notes.append(mapping.note)
        if src_notes:
            notes.append(f"collection note: {src_notes}")
        score = empty_score()
        score.update(
            model_id=model_id,
            benchmark_id="mmlu",
            score=cell(row, "EM", percent_to_fraction, "a percent such as 86.4"),
            setting=setting,
            effort=effort,
            model_version=mapping.model_version,
            source_kind=mmlu_source_kind(source, name),
            source_name=f"{source} (via Epoch AI MMLU collection)",
            source_url=row["Source link"].strip(),
            date_reported="",
            notes="; ".join(notes),
        )
        kept.append(MmluRow(Row(score, getattr(row, "where", "")), mapping, row["id"].strip()))
    return kept, dropped


def read_epoch_mmlu(
    mmlu_csv: str | Path, versions: EpochVersions | str | Path, epoch_names: dict[str, str] | None = None
) -> list[dict[str, str]]:
    """Score rows of Epoch's MMLU collection (the rows :func:`read_mmlu_collection` keeps)."""
    return [r.score for r in read_mmlu_collection(mmlu_csv, versions, epoch_names)[0]]


# --------------------------------------------------------------------------
# Models databases
# --------------------------------------------------------------------------


def _open_weights(row: dict[str, str]) -> str:
    flag = row.get("Open model weights?", "").strip().lower()
    if flag in ("yes", "true"):
        return "true"
    if flag in ("no", "false"):
        return "false"
    access = row.get("Model accessibility", "").strip().lower()
    if access.startswith("open weights"):
        return "true"
    if access in ("api access", "hosted access (no api)", "unreleased"):
        return "false"
    return ""


INFERRED_METHOD_NOTE = "estimation method inferred from Epoch AI's compute notes (keyword rules)"
_CONFIDENCE = {"confident": "confident", "likely": "likely", "speculative": "speculative"}


def _same_name_rows(rows: list[dict[str, str]], path: str | Path) -> tuple[list[dict[str, str]], list[str]]:
    """One row per model name. Epoch's files sometimes list a model twice (the 2026-05
    large-scale file has two rows named "Gemini 3.1 Pro", same date and link, one with
    fewer fields): rows that agree on publication date, link and compute are one model,
    merged field by field (first non-empty value). Rows that disagree cannot be told
    apart: the name is left out (its row carries ``_conflict``, which the importer
    reports), never guessed."""
    by_name: dict[str, dict[str, str]] = {}
    notes: list[str] = []
    for row in rows:
        name = row.get("Model", "").strip()
        if not name:
            continue
        if name not in by_name:
            by_name[name] = Row(row, getattr(row, "where", ""))
            continue
        first = by_name[name]
        clash = [
            f"{col} ({first.get(col, '').strip()!r}, {row.get(col, '').strip()!r})"
            for col in ("Publication date", "Link", "Training compute (FLOP)")
            if first.get(col, "").strip() and row.get(col, "").strip() and first[col].strip() != row[col].strip()
        ]
        if clash:
            first["_conflict"] = f"{Path(path).name}: two rows named {name!r} differ in {', '.join(clash)}: left out"
            continue
        for col, value in row.items():
            if value.strip() and not first.get(col, "").strip():
                first[col] = value
        notes.append(f"{name}: the file lists it twice (same publication date and link): one model, rows merged")
    return list(by_name.values()), notes


def _top_n_at_release(rows: list[dict[str, str]], n: int = 10) -> set[str]:
    """Names of the rows in the top ``n`` by training compute at their release (Epoch AI's frontier
    definition), among the file's rows with an estimate. A deliberate mirror of
    ``tracker.fit.trend.top_n_at_release`` (ingest imports the data layer only); both count models
    released the same day as released before."""
    dated = sorted(
        (
            (r["Publication date"].strip()[:10], cell(r, COMPUTE_COLUMN, float, "a number"), r["Model"].strip())
            for r in rows
            if r.get("Training compute (FLOP)", "").strip() and r.get("Publication date", "").strip()
        ),
        key=lambda x: x[0],
    )
    out: set[str] = set()
    for date, flop, name in dated:
        more = sum(1 for d, f, _ in dated if d <= date and f > flop)
        if more < n:
            out.add(name)
    return out


def read_epoch_models(models_csv: str | Path, vintage_label: str) -> list[dict[str, str]]:
    """Model rows from one file of Epoch's models databases.

    ``vintage_label`` names the file and snapshot, e.g. ``"Large-scale AI
    models database (2025-11 snapshot)"``; it goes into ``compute_source``.
    A file without a method column (the 2026-05 copy) gets the method read
    from Epoch's compute notes (:func:`classify_compute_notes`, said in
    ``notes``); a file without a frontier column gets Epoch's definition
    recomputed from its own estimates in ``_frontier_recomputed`` (used only
    where the estimate is new to us). Internal keys start with ``_``.
    """
    is_frontier_file = "frontier" in Path(models_csv).name
    raw = read_rows(models_csv)
    has_method = bool(raw) and "Training compute estimation method" in raw[0]
    has_frontier = bool(raw) and ("Frontier model" in raw[0] or is_frontier_file)
    raw, merged_notes = _same_name_rows(raw, models_csv)
    recomputed = set() if has_frontier else _top_n_at_release(raw)
    out = []
    for row in raw:
        name = row["Model"].strip()
        model = empty_model()
        compute = cell(row, COMPUTE_COLUMN, fmt_float, "a number")
        if compute and float(compute) <= 0:
            compute = ""
        confidence = row.get("Confidence", "").strip().lower()
        if confidence == "wrong":
            compute = ""
        model.update(
            id=model_id_for(name),
            name=name,
            family=model_id_for(name),
            preview="false",
            organization=" ".join(row.get("Organization", "").split()),
            release_date=row.get("Publication date", "").strip()[:10],
            release_source_url=first_url(row.get("Link", "")),
            parameters=cell(row, "Parameters", fmt_float, "a number"),
            open_weights=_open_weights(row),
            frontier="true" if (is_frontier_file or row.get("Frontier model", "").strip() == "True") else "false",
            domain=row.get("Domain", "").strip(),
        )
        if compute:
            low = cell(row, "Training compute lower bound", fmt_float, "a number")
            high = cell(row, "Training compute upper bound", fmt_float, "a number")
            method = row.get("Training compute estimation method", "").strip()
            model.update(
                compute_flop=compute,
                compute_low=low,
                compute_high=high,
                confidence=_CONFIDENCE.get(confidence, ""),
                estimation_method=";".join(m.strip().lower() for m in method.split(",") if m.strip()),
                compute_source=f"Epoch AI, {vintage_label}",
                compute_source_url=EPOCH_MODELS_URL,
            )
        model["_compute_notes"] = " ".join(row.get("Training compute notes", "").split())
        model["_method_any"] = ";".join(
            m.strip().lower() for m in row.get("Training compute estimation method", "").split(",") if m.strip()
        )
        if compute and not has_method:
            model["estimation_method"] = classify_compute_notes(model["_compute_notes"])
            if model["estimation_method"]:
                model["notes"] = INFERRED_METHOD_NOTE
        model["_frontier_recomputed"] = "" if has_frontier else ("true" if name in recomputed else "false")
        model["_conflict"] = row.get("_conflict", "")
        if any(n.startswith(f"{name}: ") for n in merged_notes):
            model["notes"] = "; ".join(
                x for x in (model["notes"], f"Epoch AI's file lists {name} twice (same date and link): one model") if x
            )
        out.append(Row(model, getattr(row, "where", "")))
    return out


def public_model(row: dict[str, str]) -> dict[str, str]:
    """A model row restricted to the schema's fields."""
    return {field: row.get(field, "") for field in MODEL_FIELDS}


def _join(a: str, b: str) -> str:
    return f"{a}; {b}" if a else b
