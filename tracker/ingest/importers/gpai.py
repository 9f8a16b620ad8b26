"""Reader for the GPAI Policy Lab's dated benchmark scores
(``dated_scores_four_benchmarks.csv`` of General-Purpose-AI-Policy-Lab/benchmark-forecasting).

Kept: Epoch AI's own evaluations (feed ``epoch_live``: GPQA Diamond,
FrontierMath Tiers 1-3 v2, FrontierMath Tier 4 v2), Epoch's MMLU collection
(feed ``epoch``, only rows the collection file itself does not already give)
and Kaggle Open Benchmarks MMLU (feed ``kaggle``, its own setting). Left out:
FrontierMath Erdos, MMLU-Pro, the RAND subject subsets and Scale SEAL (SWE-Bench Pro).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from tracker.ingest.importers.common import slugify, split_effort
from tracker.ingest.importers.epoch import (
    VersionResolver, alias_row, clean_source_name, empty_score, mmlu_source_kind,
    model_id_for, read_rows,
)

GPAI_REPO_URL = "https://github.com/General-Purpose-AI-Policy-Lab/benchmark-forecasting"

# (feed, benchmark) -> (our benchmark id, setting)
KEPT = {
    ("epoch_live", "GPQA Diamond"): ("gpqa-diamond", "pass@1"),
    ("epoch_live", "FrontierMath Tiers 1-3 v2"): ("frontiermath", "pass@1"),
    ("epoch_live", "FrontierMath Tier 4 v2"): ("frontiermath-tier4-v2", "pass@1"),
    ("epoch", "MMLU"): ("mmlu", "unspecified shots"),
    ("kaggle", "MMLU"): ("mmlu", "kaggle-open-benchmarks"),
}

_TRAILING_DATE = re.compile(r"-\d{4}-\d{2}-\d{2}$")
_PRE_RELEASE = "-pre-release"

# GPAI ids that other sources (lab reports, the SWE-bench boards) name
# differently: one model, one id. Each entry: GPAI stem -> (our id, why).
SAME_MODEL = {
    "claude-opus-4-5-20251101": ("claude-opus-4.5", "Anthropic's API id for Claude Opus 4.5 (released 2025-11-24)"),
    "gemini-3-pro-preview": ("gemini-3-pro", "the preview API id under which Gemini 3 Pro was released on 2025-11-18"),
}


@dataclass(frozen=True)
class GpaiModel:
    model_id: str
    name: str
    effort: str
    model_version: str
    reason: str
    epoch_model: str  # Epoch models-database name, when known
    version_release_date: str  # from model_versions.csv
    version_link: str


def resolve_gpai(version_id: str, resolver: VersionResolver,
                 epoch_names: dict[str, str] | None = None) -> GpaiModel:
    """Our model for a GPAI model_version (effort suffix split off).

    1. the id (or the id without its effort) is a model_versions.csv id: that mapping;
    2. else the id without effort and trailing date, slugified; when that slug is
       an Epoch models-database model's id (``epoch_names``), it is that model.
    """
    res = resolver.resolve(version_id)
    if res is not None:
        return GpaiModel(res.model_id, res.name, res.effort, res.model_version, res.reason,
                         res.epoch_model, res.version_release_date, res.version_link)
    base, effort = split_effort(version_id.strip())
    stem = _TRAILING_DATE.sub("", base)
    if stem.endswith(_PRE_RELEASE):  # an unreleased version of the model: a setting, not a model
        stem = stem[: -len(_PRE_RELEASE)]
    if stem in SAME_MODEL:
        our_id, why = SAME_MODEL[stem]
        return GpaiModel(our_id, our_id, effort, base, f"not in model_versions.csv; {why}", "", "", "")
    model_id = slugify(stem)
    epoch_name = (epoch_names or {}).get(model_id, "")
    if epoch_name:
        reason = f"not in model_versions.csv; {stem!r} equals Epoch model {epoch_name!r} up to slug"
    else:
        reason = "not in model_versions.csv; id = the version id without effort suffix" + (
            " and release date" if stem != base else "")
    return GpaiModel(model_id, epoch_name or stem, effort, base, reason, epoch_name, "", "")


def read_gpai(csv_path: str | Path, model_versions_csv: str | Path | None = None, *,
              epoch_names: dict[str, str] | None = None,
              runs_rows: list[dict[str, str]] | None = None,
              mmlu_rows: list[dict[str, str]] | None = None) -> list[dict[str, str]]:
    """Score rows from the GPAI file.

    ``model_versions_csv`` (Epoch's model_versions.csv) maps version ids to
    models; without it ids are slugified as they are. ``runs_rows``: Epoch runs
    rows already imported; a GPAI row for the same benchmark, version and effort
    is dropped when the scores agree within 0.01 (the runs row has a run date).
    ``mmlu_rows``: the Epoch MMLU collection rows already imported; feed ``epoch``
    rows they already hold are dropped.
    """
    resolver = VersionResolver(model_versions_csv) if model_versions_csv else None
    runs_index: dict[tuple[str, str, str, str], float] = {}
    for r in runs_rows or []:
        runs_index[(r["benchmark_id"], r["model_id"], _TRAILING_DATE.sub("", r["model_version"]), r["effort"])] = float(r["score"])
    # (source, score) -> collection rows; a GPAI row is the same fact when the
    # model matches, or its version id extends the row's version id (GPAI's
    # "gemini-1.5-pro-001-feb24" = "gemini-1.5-pro-001"), or the row's notes name
    # the version (a row whose version id the collection file got wrong).
    mmlu_index: dict[tuple[str, float], list[dict[str, str]]] = {}
    for r in mmlu_rows or []:
        src = r["source_name"].replace(" (via Epoch AI MMLU collection)", "")
        mmlu_index.setdefault((src, round(float(r["score"]), 3)), []).append(r)

    out = []
    for row in read_rows(csv_path):
        key = (row["feed"].strip(), row["benchmark"].strip())
        if key not in KEPT:
            continue
        bench, setting = KEPT[key]
        vid = row["model_version"].strip()
        if _PRE_RELEASE in vid:  # evaluated before release: non-standard, kept out of default fits
            setting = f"{setting} pre-release"
        m = resolve_gpai(vid, resolver, epoch_names) if resolver else _plain(vid)
        score = float(row["score"])
        source = clean_source_name(row["source"])
        if key[0] == "epoch_live":
            prior = runs_index.get((bench, m.model_id, _TRAILING_DATE.sub("", m.model_version), m.effort))
            if prior is not None and abs(prior - score) <= 0.01:
                continue
            source_name = "Epoch AI evaluation (via GPAI Policy Lab benchmark-forecasting)"
            kind = "independent"
            note = f"GPAI model_version {vid}"
            if prior is not None:
                note += f"; differs from Epoch's runs-file score {prior:g} by more than 0.01: both kept"
        elif key[0] == "epoch":
            same = mmlu_index.get((source, round(score, 3)), [])
            if any(r["model_id"] == m.model_id
                   or (r["model_version"] and vid.lower().startswith(r["model_version"].lower()))
                   or f"'{vid}'" in r["notes"] for r in same):
                continue
            source_name = f"{source} (via Epoch AI MMLU collection, via GPAI Policy Lab benchmark-forecasting)"
            names = (vid, m.name, m.epoch_model)
            kind = "lab" if any(mmlu_source_kind(source, n) == "lab" for n in names if n) else "independent"
            note = f"GPAI model_version {vid}; shots not given by the aggregator"
        else:
            source_name = "Kaggle Open Benchmarks (via GPAI Policy Lab benchmark-forecasting)"
            kind = "independent"
            note = f"GPAI model_version {vid}; Kaggle's own MMLU harness (not comparable with lab 5-shot)"
        s = empty_score()
        s.update(
            model_id=m.model_id, benchmark_id=bench, score=repr(score),
            stderr=repr(float(row["stderr"])) if row["stderr"].strip() else "",
            setting=setting, effort=m.effort, model_version=m.model_version,
            source_kind=kind, source_name=source_name,
            source_url=row["source_url"].strip() or GPAI_REPO_URL,
            date_reported="", notes=note,
        )
        out.append(s)
    return out


def _plain(vid: str) -> GpaiModel:
    base, effort = split_effort(vid)
    stem = _TRAILING_DATE.sub("", base)
    return GpaiModel(slugify(stem), stem, effort, base, "id without effort and date", "", "", "")


def gpai_models(csv_path: str | Path, model_versions_csv: str | Path,
                epoch_names: dict[str, str] | None = None):
    """(alias rows, {model id: GPAI facts}) for the kept rows.

    GPAI facts: name, organization, earliest release_date, version release date
    and link from model_versions.csv, Epoch model name.
    """
    resolver = VersionResolver(model_versions_csv)
    aliases, facts = {}, {}
    for row in read_rows(csv_path):
        if (row["feed"].strip(), row["benchmark"].strip()) not in KEPT:
            continue
        vid = row["model_version"].strip()
        m = resolve_gpai(vid, resolver, epoch_names)
        aliases[vid] = alias_row("gpai", vid, m.model_id, m.effort, m.reason)
        f = facts.setdefault(m.model_id, {"name": m.name, "organization": "", "release_date": "",
                                          "epoch_model": m.epoch_model,
                                          "version_release_date": m.version_release_date,
                                          "version_link": m.version_link})
        if row["organization"].strip() and not f["organization"]:
            f["organization"] = row["organization"].strip()
        date = row["release_date"].strip()[:10]
        if date and (not f["release_date"] or date < f["release_date"]):
            f["release_date"] = date
    return list(aliases.values()), facts
