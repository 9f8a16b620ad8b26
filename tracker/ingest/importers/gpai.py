"""``tracker import gpai``: the GPAI Policy Lab's dated benchmark scores.

File: ``dated_scores_four_benchmarks.csv`` (from ``0_input/dated_scores_flat.csv``
of General-Purpose-AI-Policy-Lab/benchmark-forecasting), one row per
(model_version, benchmark, feed) with columns model_version, score (fraction),
release_date, organization, benchmark, stderr, source, source_url, feed,
category, lower_bound, ceiling. It is a third party's aggregation: every row
keeps its own source and URL, and the source name says it came via GPAI.

What is kept (``mappings/benchmarks.csv``, importer ``gpai``), each feed apart:

* ``epoch_live``: Epoch AI's own evaluations: GPQA Diamond, FrontierMath
  Tiers 1-3 v2 and Tier 4 v2 (each its own benchmark variant);
* ``epoch``: Epoch's MMLU collection (shots not given: ``unspecified shots``);
* ``kaggle``: Kaggle Open Benchmarks MMLU, its own harness (its own setting).

Left out: FrontierMath Erdos and MMLU-Pro (not our benchmarks), the RAND
subject subsets (``rand``: parts of GPQA and MMLU, not the full benchmarks)
and Scale's SWE-Bench Pro (``seal``: a different benchmark).

Model versions: the file's ``model_version`` carries the reasoning effort as
a suffix (``gpt-5.2-2025-12-11_xhigh``, ``claude-opus-4-6_max``,
``gpt-5.4-mini-2026-03-17_none``): one version, the effort a setting of it
(the ``effort`` column). Which of our rows a version lands on is recorded in
``model_aliases.csv`` (source ``gpai``).

The same fact twice: a row of ``epoch_live`` that Epoch's own runs file
already gives (same benchmark, model, version and effort, scores within
0.01) and a row of ``epoch`` that Epoch's MMLU collection already gives are
not new (:func:`already_known`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tracker.ingest import mappings
from tracker.ingest.importers.common import SCORE_FIELDS, Row, cell, read_rows, slugify, split_effort
from tracker.ingest.importers.epoch import clean_source_name, mmlu_source_kind
from tracker.ingest.importers.versions import EpochVersions

GPAI_REPO_URL = "https://github.com/General-Purpose-AI-Policy-Lab/benchmark-forecasting"
EPOCH_LIVE_SOURCE = "Epoch AI evaluation (via GPAI Policy Lab benchmark-forecasting)"
KAGGLE_SOURCE = "Kaggle Open Benchmarks (via GPAI Policy Lab benchmark-forecasting)"
COLUMNS = (
    "model_version",
    "score",
    "release_date",
    "organization",
    "benchmark",
    "stderr",
    "source",
    "source_url",
    "feed",
)
#: A GPAI epoch_live score and an Epoch runs-file score within this are one run.
SAME_RUN_TOLERANCE = 0.01

_TRAILING_DATE = re.compile(r"-\d{4}-\d{2}-\d{2}$")
_PRE_RELEASE = "-pre-release"
_COLLECTION = " (via Epoch AI MMLU collection)"


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


@dataclass(frozen=True)
class GpaiRow:
    """One kept row of the file, as a score row of ours, with the id that names its model there."""

    score: dict[str, str]
    external_id: str  # the file's model_version (effort suffix included)
    model: GpaiModel
    feed: str
    release_date: str  # the aggregator's release date of the version
    organization: str


def kept_benchmarks() -> dict[tuple[str, str], tuple[str, str]]:
    """(feed, benchmark) -> (our benchmark id, setting), from mappings/benchmarks.csv."""
    out = {}
    for r in mappings.load("benchmarks"):
        if r["importer"] == "gpai":
            feed, bench = r["external"].split("|", 1)
            out[(feed, bench)] = (r["benchmark_id"], r["setting"])
    return out


def resolve_gpai(
    version_id: str, versions: EpochVersions | None, epoch_names: dict[str, str] | None = None
) -> GpaiModel:
    """A guess at our model for a GPAI model_version (the effort suffix split off).

    1. the id (or the id without its effort) is a model_versions.csv id: that Epoch model;
    2. its stem is in gpai_same_model.csv: that id;
    3. else the id without effort and trailing date, slugified; when that slug is
       an Epoch models-database model's id (``epoch_names``), it is that model.
    """
    res = versions.resolve(version_id) if versions else None
    if res is not None:
        return GpaiModel(
            res.model_id,
            res.name,
            res.effort,
            res.model_version,
            res.reason,
            res.epoch_model,
            res.version_release_date,
            res.version_link,
        )
    base, effort = split_effort(version_id.strip())
    stem = _TRAILING_DATE.sub("", base)
    if stem.endswith(_PRE_RELEASE):  # an unreleased version of the model: a setting, not a model
        stem = stem[: -len(_PRE_RELEASE)]
    same = mappings.index("gpai_same_model").get(stem)
    if same is not None:
        return GpaiModel(
            same["model_id"], same["model_id"], effort, base, f"not in model_versions.csv; {same['reason']}", "", "", ""
        )
    model_id = slugify(stem)
    epoch_name = (epoch_names or {}).get(model_id, "")
    if epoch_name:
        reason = f"not in model_versions.csv; {stem!r} equals Epoch model {epoch_name!r} up to slug"
    else:
        reason = "not in model_versions.csv; id = the version id without effort suffix" + (
            " and release date" if stem != base else ""
        )
    return GpaiModel(model_id, epoch_name or stem, effort, base, reason, epoch_name, "", "")


def read_gpai(
    csv_path: str | Path,
    versions: EpochVersions | str | Path | None = None,
    *,
    epoch_names: dict[str, str] | None = None,
) -> tuple[list[GpaiRow], list[str]]:
    """(the kept rows, the left-out rows of kept feeds with why), from the GPAI file."""
    resolver = versions if isinstance(versions, EpochVersions) or versions is None else EpochVersions(versions)
    kept = kept_benchmarks()
    skip = mappings.skipped("gpai")
    rows = read_rows(csv_path)
    if rows and any(c not in rows[0] for c in COLUMNS):
        missing = [c for c in COLUMNS if c not in rows[0]]
        raise KeyError(", ".join(missing))
    out: list[GpaiRow] = []
    skipped: list[str] = []
    for row in rows:
        feed, benchmark = row["feed"].strip(), row["benchmark"].strip()
        if (feed, benchmark) not in kept:
            continue
        vid = row["model_version"].strip()
        key = f"{vid}|{benchmark}|{feed}"
        if key in skip:
            skipped.append(f"{key}: {skip[key]}")
            continue
        bench, setting = kept[(feed, benchmark)]
        if _PRE_RELEASE in vid:  # evaluated before release: non-standard, kept out of default fits
            setting = f"{setting} pre-release"
        m = resolve_gpai(vid, resolver, epoch_names)
        score = cell(row, "score", float, "a number")
        source = clean_source_name(row["source"])
        if feed == "epoch_live":
            source_name, kind = EPOCH_LIVE_SOURCE, "independent"
            note = f"GPAI model_version {vid}"
        elif feed == "epoch":
            source_name = f"{source} (via Epoch AI MMLU collection, via GPAI Policy Lab benchmark-forecasting)"
            names = (vid, m.name, m.epoch_model)
            kind = "lab" if any(mmlu_source_kind(source, n) == "lab" for n in names if n) else "independent"
            note = f"GPAI model_version {vid}; shots not given by the aggregator"
        else:
            source_name, kind = KAGGLE_SOURCE, "independent"
            note = f"GPAI model_version {vid}; Kaggle's own MMLU harness (not comparable with lab 5-shot)"
        s = dict.fromkeys(SCORE_FIELDS, "")
        s.update(
            model_id=m.model_id,
            benchmark_id=bench,
            score=repr(score),
            stderr=repr(cell(row, "stderr", float, "a number")) if row["stderr"].strip() else "",
            setting=setting,
            effort=m.effort,
            model_version=m.model_version,
            source_kind=kind,
            source_name=source_name,
            source_url=row["source_url"].strip() or GPAI_REPO_URL,
            date_reported="",
            notes=note,
        )
        where = getattr(row, "where", "")
        out.append(GpaiRow(Row(s, where), vid, m, feed, row["release_date"].strip()[:10], row["organization"].strip()))
    return out, skipped


def already_known(current_scores: list[dict[str, str]]) -> Callable[[dict[str, str]], str]:
    """A test for the file's rows (already mapped to our ids): the reason a row is a fact the data
    holds from another file ("" when it is not)."""
    hub: dict[tuple[str, str, str, str], list[float]] = {}
    collection: dict[tuple[str, float], list[dict[str, str]]] = {}
    for r in current_scores:
        if r["source_name"] == "Epoch AI Benchmarking Hub":
            key = (r["benchmark_id"], r["model_id"], _TRAILING_DATE.sub("", r["model_version"]), r["effort"])
            hub.setdefault(key, []).append(float(r["score"]))
        elif r["source_name"].endswith(_COLLECTION):
            src = r["source_name"][: -len(_COLLECTION)]
            collection.setdefault((src, round(float(r["score"]), 3)), []).append(r)

    def known(row: dict[str, str]) -> str:
        if row["source_name"] == EPOCH_LIVE_SOURCE:
            key = (row["benchmark_id"], row["model_id"], _TRAILING_DATE.sub("", row["model_version"]), row["effort"])
            if any(abs(s - float(row["score"])) <= SAME_RUN_TOLERANCE for s in hub.get(key, [])):
                return "the same run is in the data from Epoch's runs file (benchmarks_runs.csv)"
            return ""
        marker = " (via Epoch AI MMLU collection, via GPAI"
        if marker in row["source_name"]:
            src = row["source_name"].split(marker, 1)[0]
            vid = row["notes"].split("GPAI model_version ", 1)[-1].split(";", 1)[0]
            for r in collection.get((src, round(float(row["score"]), 3)), []):
                if (
                    r["model_id"] == row["model_id"]
                    or (r["model_version"] and vid.lower().startswith(r["model_version"].lower()))
                    or f"'{vid}'" in r["notes"]
                ):
                    return "the same figure is in the data from Epoch's MMLU collection file"
        return ""

    return known


def version_facts(rows: list[GpaiRow]) -> dict[str, dict[str, str]]:
    """{our model id: name, organization, earliest release date} as the aggregator gives them."""
    facts: dict[str, dict[str, str]] = {}
    for r in rows:
        f = facts.setdefault(r.model.model_id, {"name": r.model.name, "organization": "", "release_date": ""})
        if r.organization and not f["organization"]:
            f["organization"] = r.organization
        if r.release_date and (not f["release_date"] or r.release_date < f["release_date"]):
            f["release_date"] = r.release_date
    return facts
