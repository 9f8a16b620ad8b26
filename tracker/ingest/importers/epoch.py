"""Readers for Epoch AI's published data, returning rows of our own schema.

- ``read_epoch_runs``: Epoch's own evaluation runs (``benchmarks_runs.csv``).
- ``read_epoch_mmlu``: Epoch's MMLU collection (``external_benchmark_mmlu.csv``).
- ``read_epoch_models``: one vintage of Epoch's models databases;
  ``merge_model_vintages`` combines vintages (newest value wins).
- ``VersionResolver``: Epoch model *version* ids -> our model ids
  (``model_versions.csv`` maps a version to Epoch's model entity).

All functions are pure: they read files and return lists of dicts (every value a
string, ``""`` for missing), and never print.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from tracker.ingest.importers.common import ALIAS_FIELDS, MODEL_FIELDS, SCORE_FIELDS, slugify, split_effort

EPOCH_DASHBOARD_URL = "https://epoch.ai/data/ai-benchmarking-dashboard"
EPOCH_MODELS_URL = "https://epoch.ai/data/ai-models"
EPOCH_STITCHING_URL = "https://github.com/epoch-research/benchmark-stitching"


# Epoch task name -> (benchmark id, setting). Other tasks (the tiny -Public
# FrontierMath samples, MATH level 5, OTIS mock AIME) are skipped.
RUN_TASKS = {
    "GPQA diamond": ("gpqa-diamond", "pass@1"),
    "FrontierMath-2025-02-28-Private": ("frontiermath-2025-02-28", "pass@1"),
    "FrontierMath-Tier-4-2025-07-01-Private": ("frontiermath-tier4", "pass@1"),
    "SWE-Bench verified": ("swe-bench-verified", "epoch-scaffold"),
}

# Distinct Epoch model names whose plain slug would collide with another
# Epoch model's (slugify drops "+" and folds case).
MODEL_ID_OVERRIDES = {
    "Command R+": "command-r-plus",
    "PanGu-Σ": "pangu-sigma",
    "PointNet++": "pointnet-plus-plus",
    "DeepLabV3+": "deeplabv3-plus",
    "CaLM": "calm-codon",  # Oxford's codon language model; "CALM" is NVIDIA's robotics model
}


def model_id_for(epoch_model_name: str) -> str:
    """Our model id for an Epoch models-database name."""
    name = epoch_model_name.strip()
    return MODEL_ID_OVERRIDES.get(name) or slugify(name)


def read_rows(path: str | Path) -> list[dict[str, str]]:
    """CSV rows as dicts (BOM tolerated, keys and values stripped of None)."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return [
            {(k or "").strip(): (v or "") for k, v in row.items()}
            for row in csv.DictReader(handle)
        ]


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
# Model versions
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Resolution:
    """Where a version id leads: our model id, its name, the effort, and why."""

    model_id: str
    name: str
    effort: str
    model_version: str  # the version id without the effort suffix
    reason: str
    epoch_model: str  # Epoch models-database name ("" when the version has none)
    version_release_date: str
    version_link: str


class VersionResolver:
    """Maps Epoch model-version ids (as used by Epoch and GPAI) to our models."""

    def __init__(self, model_versions_csv: str | Path):
        self.versions: dict[str, dict[str, str]] = {}
        for row in read_rows(model_versions_csv):
            self.versions[row["id"].strip()] = row
        self._lower: dict[str, list[str]] = {}
        self._base: dict[str, list[str]] = {}
        for vid in self.versions:
            self._lower.setdefault(vid.lower(), []).append(vid)
            self._base.setdefault(split_effort(vid)[0], []).append(vid)

    def _by_model(self, ids: list[str]) -> dict[str, str] | None:
        """The row for a set of version ids, if they all name one entity."""
        rows = [self.versions[i] for i in ids]
        keys = {(r["Model"].strip() or r["Unique display name"].strip() or r["id"].strip()) for r in rows}
        if len(keys) != 1:
            return None
        dates = sorted(r["Version release date"] for r in rows if r["Version release date"].strip())
        best = dict(rows[0])
        best["Version release date"] = dates[0] if dates else ""
        return best

    def lookup(self, version_id: str) -> tuple[dict[str, str] | None, str, str, str]:
        """(model_versions row or None, version without effort, effort, how found)."""
        vid = version_id.strip()
        base, effort = split_effort(vid)
        if vid in self.versions:
            return self.versions[vid], base, effort, "exact"
        if base in self.versions:
            return self.versions[base], base, effort, "exact"
        for key in (vid, base):
            ids = self._lower.get(key.lower(), [])
            row = self._by_model(ids) if ids else None
            if row is not None:
                return row, base, effort, "case-insensitive"
        ids = self._base.get(base, [])
        row = self._by_model(ids) if ids else None
        if row is not None:
            return row, base, effort, "effort variants"
        return None, base, effort, ""

    def resolve(self, version_id: str) -> Resolution | None:
        row, base, effort, how = self.lookup(version_id)
        if row is None:
            return None
        vid = row["id"].strip()
        found = f"version id {vid!r}" if how == "exact" else f"version id {vid!r} ({how} match)"
        model = row["Model"].strip()
        if model:
            return Resolution(
                model_id=model_id_for(model), name=model, effort=effort,
                model_version=base,
                reason=f"model_versions.csv maps {found} to Epoch model {model!r}",
                epoch_model=model,
                version_release_date=row["Version release date"].strip(),
                version_link=first_url(row.get("Link", "")),
            )
        display = row["Unique display name"].strip() or row["Display name"].strip()
        name = display or vid
        return Resolution(
            model_id=slugify(display or vid), name=name, effort=effort,
            model_version=base,
            reason=f"model_versions.csv lists {found} with no Epoch model; id from "
                   + ("its display name" if display else "the version id"),
            epoch_model="",
            version_release_date=row["Version release date"].strip(),
            version_link=first_url(row.get("Link", "")),
        )


def first_url(text: str) -> str:
    for token in re.split(r"\s+", text or ""):
        if token.startswith("http://") or token.startswith("https://"):
            return token.rstrip(",;")
    return ""


# --------------------------------------------------------------------------
# Benchmarking hub runs
# --------------------------------------------------------------------------


def read_epoch_runs(runs_csv: str | Path, model_versions_csv: str | Path) -> list[dict[str, str]]:
    """Score rows from Epoch's ``benchmarks_runs.csv`` (see RUN_TASKS).

    Several runs of one (version, effort, task): the latest is kept and the
    earlier ones are named in ``notes``.
    """
    resolver = VersionResolver(model_versions_csv)
    grouped: dict[tuple[str, str, str], list[dict[str, str]]] = {}
    for row in read_rows(runs_csv):
        if row["Status"].strip() != "Success" or row["task"].strip() not in RUN_TASKS:
            continue
        base, effort = split_effort(row["model"].strip())
        grouped.setdefault((base, effort, row["task"].strip()), []).append(row)

    out = []
    for (base, effort, task), runs in grouped.items():
        runs.sort(key=lambda r: _started_at_key(r["started_at"]))
        latest = runs[-1]
        res = resolver.resolve(latest["model"])
        if res is None:
            raise ValueError(f"benchmarks_runs.csv: model version {latest['model']!r} not in model_versions.csv")
        bench, setting = RUN_TASKS[task]
        score = float(latest["Best score (across scorers)"])
        row = empty_score()
        notes = [f"Epoch run {latest['id']} (task version {latest['task version']})"]
        if len(runs) > 1:
            earlier = "; ".join(
                f"{float(r['Best score (across scorers)']):g} on {parse_started_at(r['started_at']) or 'unknown date'}"
                for r in runs[:-1]
            )
            notes.append(f"latest of {len(runs)} runs kept (earlier: {earlier})")
        row.update(
            model_id=res.model_id, benchmark_id=bench, score=repr(score),
            setting=setting, effort=effort, model_version=base,
            source_kind="independent", source_name="Epoch AI Benchmarking Hub",
            source_url=latest["log viewer"].strip() or EPOCH_DASHBOARD_URL,
            date_reported=parse_started_at(latest["started_at"]),
            notes="; ".join(notes),
        )
        out.append(row)
    return out


def run_aliases(runs_csv: str | Path, model_versions_csv: str | Path) -> list[dict[str, str]]:
    """Alias rows (source epoch-version) for the versions used by the runs file."""
    resolver = VersionResolver(model_versions_csv)
    out = {}
    for row in read_rows(runs_csv):
        if row["task"].strip() in RUN_TASKS:
            vid = row["model"].strip()
            res = resolver.resolve(vid)
            if res is not None:
                out[vid] = alias_row("epoch-version", vid, res.model_id, res.effort, res.reason)
    return list(out.values())


def alias_row(source: str, external_id: str, model_id: str, effort: str, reason: str) -> dict[str, str]:
    return {"source": source, "external_id": external_id, "model_id": model_id,
            "effort": effort, "reason": reason}


# --------------------------------------------------------------------------
# MMLU collection
# --------------------------------------------------------------------------

# Sources that are a developer's own report: regex on the collection's model
# Name of the models the developer made. Any other (source, model) pair is a
# third party reporting someone else's model: independent.
LAB_SOURCES = {
    "Qwen Technical Report": r"^(qwen)",
    "Qwen2.5-Coder Technical Report": r"^(qwen|codeqwen)",
    "LLaMA: Open and Efficient Foundation Language Models": r"^llama",
    "Llama 2: Open Foundation and Fine-Tuned Chat Models": r"^llama",
    "Gemma: Open Models Based on Gemini Research and Technology": r"^gemma",
    "Mixtral of Experts": r"^(mistral|mixtral)",
    "Yi: Open Foundation Models by 01.AI": r"^yi",
    "Baichuan 2: Open Large-scale Language Models": r"^baichuan",
    "XGen-7B Technical Report": r"^xgen",
    "Textbooks Are All You Need II: phi-1.5 technical report": r"^phi",
    "Phi-3 Technical Report: A Highly Capable Language Model Locally on Your Phone": r"^phi",
    "Phi-4 Technical Report": r"^phi",
    "DeepSeek-V3 Technical Report": r"^deepseek",
    "Scaling Language Models: Methods, Analysis & Insights from Training Gopher": r"^gopher",
    "GPT-4 Technical Report": r"^gpt",
    "Model Card and Evaluations for Claude Models": r"^claude",
    "Releasing Claude Instant 1.2": r"^claude",
    "Inflection-1": r"^inflection",
    "InternLM: A Multilingual Language Model with Progressively Enhanced Capabilities": r"^internlm",
    "Nemotron-4 15B Technical Report": r"^nemotron",
    "Falcon2-11B Technical Report": r"^falcon",
    "The Falcon Series of Open Language Models": r"^falcon",
    "Gemini 1.5 Report": r"^gemini",
    "INTELLECT-1 Technical Report": r"^intellect",
}

# Rows of the collection with no model version: the collection's Name mapped by
# hand to an Epoch models-database name (same model; instruct/chat variants of
# one model are one Epoch entity). Names absent here (and not equal, up to
# slugify, to an Epoch model name) are dropped: which model they mean is not
# certain (e.g. PaLM-2 (Bison), a smaller PaLM 2 size; Vicuna-13B, version unknown).
MMLU_NAME_TO_EPOCH_MODEL = {
    "DBRX Instruct": "DBRX",
    "DeepSeek LLM Chat (67B)": "DeepSeek LLM 67B",
    "Arctic Instruct": "Arctic",
    "Qwen1.5 Chat (110B)": "Qwen1.5-110B",
    "Mixtral (8x7B 32K seqlen)": "Mixtral 8x7B",
    "Mistral NeMo (2402)": "Mistral NeMo",
    "Gemini 1.5 Pro (0409 preview)": "Gemini 1.5 Pro",
    "Phi-3 (7B)": "phi-3-small 7.4B",
    "InternLM (104B)": "InternLM",
    "Jamba Instruct": "Jamba",
    "AquilaChat2 34B": "Aquila2 34B",
    "PaLM-2 (Unicorn)": "PaLM 2",
}
# Name-only rows that are one of the collection's version ids.
MMLU_NAME_TO_VERSION = {
    "ChatGLM 2-6B (base)*": "chatglm2-6b",
}
# (Name, Model version) pairs where the collection's version id is wrong.
# Value: the version to use instead, or None to drop the row.
MMLU_VERSION_FIXES = {
    # The Gopher and LLaMA papers report 43.9% for GPT-3 175B (davinci, 2020),
    # the MMLU paper's few-shot figure; the collection tags it text-davinci-001
    # (InstructGPT, 2022).
    ("GPT-3", "text-davinci-001"): "davinci",
    ("GPT-3 175B", "text-davinci-001"): "davinci",
    # Qwen2.5-Coder-3B tagged with the 32B version id: which model is meant is
    # ambiguous (name says 3B, id says 32B, which has its own row): dropped.
    ("Qwen2.5-Coder-3B", "Qwen2.5-Coder-32B"): None,
}

_SHOTS = {"5": "5-shot", "0": "0-shot", "2": "2-shot", "": "unspecified shots"}


def clean_source_name(text: str) -> str:
    name = " ".join((text or "").split())
    half = len(name) // 2
    if len(name) % 2 == 0 and name and name[:half] == name[half:]:
        name = name[:half]  # "XReportXReport" typo in the collection
    return name


def mmlu_source_kind(source: str, model_name: str) -> str:
    pattern = LAB_SOURCES.get(source)
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


def map_mmlu_row(row: dict[str, str], resolver: VersionResolver,
                 epoch_names: dict[str, str] | None = None) -> MmluMapping | None:
    """Which model a collection row is about, or None to drop it.

    ``epoch_names``: optional {our id: Epoch name} of the models databases, used
    for Name-only rows whose name equals an Epoch model name up to slugify.
    """
    name = row["Name"].strip()
    version = row["Model version"].strip()
    if (name, version) in MMLU_VERSION_FIXES:
        fixed = MMLU_VERSION_FIXES[(name, version)]
        if fixed is None:
            return None
        res = resolver.resolve(fixed)
        return MmluMapping(res, "", fixed, "epoch-version", fixed, res.reason if res else "",
                           f"collection tags this row {version!r}; the source's figure is for {fixed!r}")
    if not version and name in MMLU_NAME_TO_VERSION:
        version = MMLU_NAME_TO_VERSION[name]
    if version:
        res = resolver.resolve(version)
        if res is None:
            return None
        return MmluMapping(res, "", res.model_version, "epoch-version", version, res.reason, "")
    if name in MMLU_NAME_TO_EPOCH_MODEL:
        target = MMLU_NAME_TO_EPOCH_MODEL[name]
        return MmluMapping(None, target, "", "epoch-model", name, 
                           f"Epoch MMLU collection name {name!r} (no version id) hand-mapped to Epoch model {target!r}", "")
    if epoch_names:
        target = epoch_names.get(model_id_for(name))
        if target:
            return MmluMapping(None, target, "", "epoch-model", name,
                               f"Epoch MMLU collection name {name!r} (no version id) equals Epoch model {target!r} up to slug", "")
    return None


def read_epoch_mmlu(mmlu_csv: str | Path, model_versions_csv: str | Path,
                    epoch_names: dict[str, str] | None = None) -> list[dict[str, str]]:
    """Score rows from Epoch's MMLU collection. Unmappable rows are left out
    (``mmlu_dropped`` lists them)."""
    resolver = VersionResolver(model_versions_csv)
    out = []
    for row in read_rows(mmlu_csv):
        mapping = map_mmlu_row(row, resolver, epoch_names)
        if mapping is None:
            continue
        name = row["Name"].strip()
        source = clean_source_name(row["Source"])
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
            model_id=model_id, benchmark_id="mmlu", score=percent_to_fraction(row["EM"]),
            setting=setting, effort=effort, model_version=mapping.model_version,
            source_kind=mmlu_source_kind(source, name),
            source_name=f"{source} (via Epoch AI MMLU collection)",
            source_url=row["Source link"].strip(),
            date_reported="", notes="; ".join(notes),
        )
        out.append(score)
    return out


def mmlu_aliases_and_drops(mmlu_csv: str | Path, model_versions_csv: str | Path,
                           epoch_names: dict[str, str] | None = None):
    """(alias rows, dropped rows as (Name, Model version, EM, Source))."""
    resolver = VersionResolver(model_versions_csv)
    aliases, dropped = {}, []
    for row in read_rows(mmlu_csv):
        m = map_mmlu_row(row, resolver, epoch_names)
        if m is None:
            dropped.append((row["Name"].strip(), row["Model version"].strip(), row["EM"], clean_source_name(row["Source"])))
            continue
        mid = m.resolution.model_id if m.resolution else model_id_for(m.epoch_model)
        eff = m.resolution.effort if m.resolution else ""
        aliases[(m.alias_source, m.alias_external_id)] = alias_row(m.alias_source, m.alias_external_id, mid, eff, m.reason)
    return list(aliases.values()), dropped


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


# --------------------------------------------------------------------------
# Estimation method from Epoch's compute notes
# --------------------------------------------------------------------------
# Only the frontier-models file has a "Training compute estimation method"
# column; the other files have free-text notes only. Rules tuned by hand on the
# notes of the models we ship and checked against the frontier file's labels.

_MUL = r"[*×x∗·]"
# a large number: 7B, 1.2T, 2.5 trillion, 3e12, 8*10^12, 3400000000000
_NUM = r"(?:\d[\d.,]*\s*(?:[bBtT]\b|billion|trillion|e\+?(?:[6-9]|\d\d)|\s*[*×]\s*10\^?\s*(?:[6-9]|\d\d))|\d{7,})"
_NOT_TIME = r"(?!\s*[*×∗]\s*(?:24|60|3600)\b)(?!\s*(?:days?|hours?|h|weeks?|months?)\b)"

# method -> patterns (case-insensitive); a method is assigned when any pattern matches.
NOTE_RULES = {
    "operation counting": [
        r"\b6\s*\*?\s*N\s*\*?\s*[DC]\b", r"\b6\s*\*?\s*D\s*\*?\s*N\b",        # 6ND, 6*N*D, 6DN, 6NC
        r"\b6\s*FLOPs?\s*(?:/|per|\*|×)\s*(?:token|param|\d)",               # 6 FLOP / token / parameter, 6 FLOP * N
        r"(?<![\w.])2\s*" + _MUL + r"\s*" + _NUM + r"\s*[\w ]{0,20}" + _MUL + r"\s*3\b",  # 2 * N * 3 (forward + backward) * D
        r"(?<![\w.,^])6\s*" + _MUL + r"\s*\(?" + _NUM,                               # 6 * N * D
        _NUM + r"\s*(?:\w+\s*)?" + _MUL + r"\s*6(?![\d.,])" + _NOT_TIME,           # N * D * 6
        r"operation[- ]counting|counting (?:operations|FLOP)|parameter-token method|arithmetic (?:calculation|estimate)",
        r"(?:forward|backward)[- ]pass",                                     # FLOP per pass * 3
    ],
    "hardware": [],  # see _ACCEL and _HW_CALC: accelerators named, and a throughput,
                     # utilization or seconds factor inside a product
    "benchmarks": [
        r"benchmark imputation", r"imputed\b.{0,60}\bbenchmark",
        r"(?:estimated|imputed|estimate)\b.{0,60}\bfrom (?:the )?(?:model's )?(?:benchmark|MMLU)",
        r"from (?:its |the model's )?(?:benchmark|MMLU) (?:scores?|performance)",
        r"performance of .{0,40}\bon various benchmarks",
    ],
    "reported": [
        r"\[reported\]|\(reported\)", r"reported by the (?:authors|developers?)",
        r"(?:FLOPs?|compute)\s*[-–:]\s*reported\b", r"^reported\b", r"\b(?:compute|FLOPs?) (?:is |was )?reported in\b", r"\breported in table",
        r"stated in (?:the )?paper", r"developers calculated", r"estimation is given in table",
        r"\bflops in table", r"^[~≈<>=\s]*\d[\d.,]*\s*(?:[*×x]\s*10\^?\s*\d+|e[+-]?\d+)?\s*(?:FLOPs?)?\s*,?\s*(?:\(|per\b|from\b|in\b)\s*table",
        r"table\s*[a-z]?\d+\b.{0,40}(?:peta ?flops?[- ]days|pflops)|(?:peta ?flops?[- ]days|pflops).{0,40}\btable\s*[a-z]?\d+",
    ],
    "third-party estimation": [
        r"akronomicon", r"ai[- ]and[- ]compute", r"2104\.10350", r"ai and memory wall",
    ],
    "comparison with other models": [
        r"compute class", r"(?:lower|upper) bound is taken from .{0,40}estimat",
        r"\d+\s*% (?:of )?(?:the )?training flops",
    ],
}
_ACCEL = re.compile(r"\b(?:[GT]PU|GPUs|TPUs|TPUv\d|[AHV]\d00s?|H800s?|A800s?|H200s?|GH200|chips?|accelerators?|Ascend|GPU[- ]hours|[GT]PU[- ](?:hours|days|years))", re.I)
_THROUGHPUT = r"(?:utili[sz]ation|\bMFU\b|\bHFU\b|FLOPs?\s*/\s*(?:s\b|sec|second|GPU|chip)|FLOPS?/s\b|TFLOPS|teraflop|PFlops/sec|FLOP/GPU|[*×∗]\s*(?:3600|86400)(?!\d))"
# a throughput, utilization or seconds factor inside a product (no "=" in between)
_HW_CALC = re.compile(_THROUGHPUT + r"[^=]{0,80}[*×∗]|[*×∗][^=]{0,80}" + _THROUGHPUT, re.I)
# "we can't use C=6ND": a method named only to be ruled out
_RULED_OUT = re.compile(r"(?:can'?t|cannot|can not|doesn'?t|not) (?:use|apply) (?:C\s*=\s*)?6\s*N\s*D", re.I)
_COST = re.compile(r"\bcost\b|\bspent\b|[$€]|\beuro", re.I)


def classify_compute_notes(notes: str) -> str:
    """Estimation method(s) read from Epoch's free-text "Training compute notes".

    Conservative keyword rules (``NOTE_RULES``): a method is named only where the
    notes show its calculation or say it outright (6ND arithmetic -> operation
    counting; accelerators with a throughput/utilization factor in a product ->
    hardware; "imputed from benchmark scores" -> benchmarks; a developer's
    figure ("[reported]", "per Table 2") -> reported; Akronomicon / OpenAI's
    "AI and Compute" -> third-party estimation). Several methods are joined with
    ";" in a fixed order. ``""`` when nothing matches: sums of base-model and
    fine-tune compute, bare links, cost-based estimates are left unclassified.
    """
    text = _RULED_OUT.sub(" ", " ".join((notes or "").split()))
    found = []
    for method, patterns in NOTE_RULES.items():
        if method == "hardware":
            hit = bool(_ACCEL.search(text) and _HW_CALC.search(text)) and not _COST.search(text)
        else:
            hit = any(re.search(p, text, re.I) for p in patterns)
        if hit:
            found.append(method)
    return ";".join(found)


def read_epoch_models(models_csv: str | Path, vintage_label: str) -> list[dict[str, str]]:
    """Model rows from one file of Epoch's models databases.

    ``vintage_label`` names the file and snapshot, e.g. ``"Large-scale AI
    models database (2025-11 snapshot)"``; it goes into ``compute_source``.
    Each row also carries ``_compute_notes`` and ``_frontier_file`` (internal
    keys used by ``merge_model_vintages``; not part of the schema).
    """
    is_frontier_file = "frontier" in Path(models_csv).name
    out = []
    for row in read_rows(models_csv):
        name = row["Model"].strip()
        if not name:
            continue
        model = empty_model()
        compute = fmt_float(row.get("Training compute (FLOP)", ""))
        if compute and float(compute) <= 0:
            compute = ""
        confidence = row.get("Confidence", "").strip().lower()
        if confidence == "wrong":
            compute = ""
        model.update(
            id=model_id_for(name), name=name, family=model_id_for(name), preview="false",
            organization=" ".join(row.get("Organization", "").split()),
            release_date=row.get("Publication date", "").strip()[:10],
            release_source_url=first_url(row.get("Link", "")),
            parameters=fmt_float(row.get("Parameters", "")),
            open_weights=_open_weights(row),
            frontier="true" if (is_frontier_file or row.get("Frontier model", "").strip() == "True") else "false",
            domain=row.get("Domain", "").strip(),
        )
        if compute:
            low = fmt_float(row.get("Training compute lower bound", ""))
            high = fmt_float(row.get("Training compute upper bound", ""))
            method = row.get("Training compute estimation method", "").strip()
            model.update(
                compute_flop=compute, compute_low=low, compute_high=high,
                confidence=_CONFIDENCE.get(confidence, ""),
                estimation_method=";".join(m.strip().lower() for m in method.split(",") if m.strip()),
                compute_source=f"Epoch AI, {vintage_label}",
                compute_source_url=EPOCH_MODELS_URL,
            )
        model["_compute_notes"] = " ".join(row.get("Training compute notes", "").split())
        model["_method_any"] = ";".join(
            m.strip().lower() for m in row.get("Training compute estimation method", "").split(",") if m.strip())
        model["_method_value"] = compute
        model["_method_inferred"] = classify_compute_notes(model["_compute_notes"]) if compute else ""
        model["_frontier_file"] = "true" if is_frontier_file else ""
        out.append(model)
    return out


def merge_model_vintages(vintages: list[list[dict[str, str]]]) -> tuple[dict[str, dict[str, str]], list[str]]:
    """Merge model rows from several files, newest vintage first in ``vintages``
    (files of one vintage may be grouped: pass them in preference order).

    Compute (with its bounds, confidence, method and source) comes from the first
    file that has a value; other fields from the first file with a non-empty
    value. ``frontier`` is true if any file says so. Returns ({id: row},
    messages about conflicts between files).
    """
    messages: list[str] = []
    merged: dict[str, dict[str, str]] = {}
    seen_names: dict[str, dict[int, str]] = {}
    compute_keys = ["compute_flop", "compute_low", "compute_high", "confidence",
                    "estimation_method", "compute_source", "compute_source_url"]
    for index, rows in enumerate(vintages):
        for row in rows:
            names = seen_names.setdefault(row["id"], {})
            if index in names and names[index] != row["name"]:
                raise ValueError(f"Epoch models: {names[index]!r} and {row['name']!r} both slug to {row['id']!r} in one file")
            names[index] = row["name"]
            if row["id"] not in merged:
                merged[row["id"]] = dict(row)
                continue
            cur = merged[row["id"]]
            if not cur["compute_flop"] and row["compute_flop"]:
                for key in compute_keys:
                    cur[key] = row[key]
                cur["_compute_notes"] = row["_compute_notes"]
                cur["_method_inferred"] = row["_method_inferred"]
            elif cur["compute_flop"] and row["compute_flop"] and "2025-11" in row["compute_source"] and \
                    float(cur["compute_flop"]) != float(row["compute_flop"]):
                messages.append(
                    f"{cur['name']}: took {cur['compute_flop']} ({cur['compute_source']}) over "
                    f"{row['compute_flop']} ({row['compute_source']}): newer entries preferred")
                if row["_frontier_file"]:
                    cur["notes"] = _join(cur["notes"], f"Epoch's frontier-models file (2025-07 entries) gives {row['compute_flop']} FLOP"
                                     + (f" ({row['estimation_method']})" if row['estimation_method'] else ""))
            for key in ("name", "organization", "release_date", "release_source_url", "parameters",
                        "open_weights", "domain"):
                if not cur[key] and row[key]:
                    cur[key] = row[key]
            if row["frontier"] == "true":
                cur["frontier"] = "true"
            if row["_method_any"] and not cur.get("_method_any"):
                cur["_method_any"] = row["_method_any"]
                cur["_method_value"] = row["compute_flop"]
    # Estimation method: only the frontier file has the column. Carry it over
    # when the file has no value of its own or the same value; otherwise infer
    # it from Epoch's compute notes of the vintage the compute comes from
    # (classify_compute_notes), marked as inferred in ``notes``.
    for row in merged.values():
        if not row["compute_flop"] or row["estimation_method"]:
            continue
        method, value = row.get("_method_any", ""), row.get("_method_value", "")
        if method and (not value or float(value) == float(row["compute_flop"])):
            row["estimation_method"] = method
            row["notes"] = _join(row["notes"], "estimation method from Epoch's frontier-models file (2025-11)")
        elif row.get("_method_inferred"):
            row["estimation_method"] = row["_method_inferred"]
            row["notes"] = _join(row["notes"], INFERRED_METHOD_NOTE)
    return merged, messages


def public_model(row: dict[str, str]) -> dict[str, str]:
    """A model row restricted to the schema's fields."""
    return {field: row.get(field, "") for field in MODEL_FIELDS}


def _join(a: str, b: str) -> str:
    return f"{a}; {b}" if a else b
