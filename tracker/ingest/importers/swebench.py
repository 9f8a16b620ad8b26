"""Importer for the official SWE-bench leaderboards (``leaderboards.json``).

Source: the public site repository ``SWE-bench/swe-bench.github.io``
(``data/leaderboards.json``), published at https://www.swebench.com/.

Two boards are read, both measured on SWE-bench Verified:

* ``bash-only``: every entry is one model run under the same minimal agent
  (mini-swe-agent). This is the fair, independent model comparison; its rows
  get the setting ``bash-only mini-swe-agent`` and source kind ``independent``.
* ``Verified``: every entry is a *system* (model + scaffold). An entry is kept
  only when its ``Model: ...`` tags name exactly one identifiable model; the
  setting is ``system: <entry name>`` (not in the default fit preference).

Model ids follow Epoch AI's model entities (``model_versions.csv`` of
epoch-research/benchmark-stitching). Models absent there are returned as
model rows only when a release date can be cited (``_NEW_MODELS``); the
scores of the other unknown models are dropped and reported in
``Import.skipped``.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from tracker.ingest.importers.common import ALIAS_FIELDS, MODEL_FIELDS, SCORE_FIELDS, slugify, split_effort

BENCHMARK_ID = "swe-bench-verified"
ALIAS_SOURCE = "swebench"

BASH_ONLY_SETTING = "bash-only mini-swe-agent"
BASH_ONLY_SOURCE = "SWE-bench bash-only leaderboard"
BASH_ONLY_URL = "https://www.swebench.com/bash-only.html"
VERIFIED_SOURCE = "SWE-bench Verified leaderboard"
VERIFIED_URL = "https://www.swebench.com/"


_GPAI = (
    "General-Purpose-AI-Policy-Lab/benchmark-forecasting dated_scores "
    "(commit 17e4a67)"
)

# Leaderboard tags whose Epoch AI version id is spelled differently, with why
# the mapping holds. Keys are lower-case tags; values are Epoch version ids.
_MANUAL_EPOCH_IDS: dict[str, tuple[str, str]] = {
    "llama-4-maverick-instruct": (
        "Llama-4-Maverick-17B-128E-Instruct",
        "Meta's only Llama 4 Maverick instruct model (17B active, 128 experts)",
    ),
    "llama-4-scout-instruct": (
        "Llama-4-Scout-17B-16E-Instruct",
        "Meta's only Llama 4 Scout instruct model (17B active, 16 experts)",
    ),
    "gemini-2.0-flash": (
        "gemini-2.0-flash-001",
        "Google's stable gemini-2.0-flash API name points to gemini-2.0-flash-001",
    ),
    "claude-2": (
        "claude-2.0",
        "Anthropic's claude-2 API name meant Claude 2.0 until Claude 2.1 "
        "(2023-11-21); the run is dated 2023-10-10",
    ),
    "kimi-k2-0905-preview": (
        "Kimi-K2-Instruct-0905",
        "Moonshot AI's API id of the 0905 update of Kimi K2",
    ),
}

# Models absent from Epoch AI's model_versions.csv (snapshot 2025-11-21) whose
# release date is backed by the developer's announcement and agrees with the
# release_date of the GPAI aggregation. Keys are lower-case leaderboard tags.
_NEW_MODELS: dict[str, dict[str, str]] = {
    "claude-opus-4-5-20251101": {
        "name": "Claude Opus 4.5",
        "organization": "Anthropic",
        "release_date": "2025-11-24",
        "release_source_url": "https://www.anthropic.com/news/claude-opus-4-5",
        "notes": f"Not in Epoch AI's model_versions (2025-11-21). Release date agrees with {_GPAI} (claude-opus-4-5-20251101_*: 2025-11-24).",
    },
    "gemini-3-pro-preview": {
        "name": "Gemini 3 Pro",
        "organization": "Google DeepMind",
        "release_date": "2025-11-18",
        "release_source_url": "https://blog.google/products/gemini/gemini-3/",
        "notes": f"Not in Epoch AI's model_versions (2025-11-21). Release date agrees with {_GPAI} (gemini-3-pro-preview: 2025-11-18) and the leaderboard entry name (2025-11-18).",
    },
    "deepseek-v3.2-reasoner": {
        "name": "DeepSeek-V3.2",
        "organization": "DeepSeek",
        "release_date": "2025-12-01",
        "release_source_url": "https://api-docs.deepseek.com/news/news251201",
        "notes": f"Not in Epoch AI's model_versions (2025-11-21), which has only DeepSeek-V3.2-Exp (a different model). Release date agrees with {_GPAI} (deepseek-v3.2_thinking: 2025-12-01).",
        "effort": "thinking",
        "reason": "deepseek-reasoner is the thinking mode of DeepSeek's API model, DeepSeek-V3.2 from 2025-12-01",
    },
}

# Verified-board entries whose single tag does not name the model actually run.
_SKIP_VERIFIED: dict[str, str] = {
    "Tools + Claude 3.5 Haiku": "tag claude-3-haiku-20240307 contradicts the entry name (Claude 3.5 Haiku)",
    "Skywork-SWE-32B": "tag names the base model (Qwen2.5-Coder-32B-Instruct) of the fine-tuned Skywork-SWE-32B",
    "Skywork-SWE-32B + TTS(Bo8)": "tag names the base model (Qwen2.5-Coder-32B-Instruct) of the fine-tuned Skywork-SWE-32B",
    "EntroPO + R2E + Qwen3-Coder-30B-A3B-Instruct": "tag names the base model of a model fine-tuned with EntroPO on R2E-Gym",
}

_EFFORT_WORDS = "none|minimal|low|medium|high|xhigh|max"
_EFFORT_PAREN = re.compile(rf"\((?P<e>{_EFFORT_WORDS})\s+reasoning\)", re.I)
_EFFORT_WORD = re.compile(rf"(?<![\w-])(?P<e>{_EFFORT_WORDS})(?![\w-])", re.I)
_DATE_IN_NAME = re.compile(r"\(\s*(\d{4}-\d{2}-\d{2}|\d{8})\s*\)")
_TAG_DATE = re.compile(r"-(?P<y>20\d\d)-?(?P<m>[01]\d)-?(?P<d>[0-3]\d)$")
_CLAUDE_NUM_FIRST = re.compile(r"^claude-(?P<num>\d+(?:[.-]\d+)?)-(?P<kind>opus|sonnet|haiku)(?P<rest>-.*)?$")
_CLAUDE_KIND_FIRST = re.compile(r"^claude-(?P<kind>opus|sonnet|haiku)-(?P<num>\d+(?:[.-]\d)?)(?P<rest>-.*)?$")
_VAGUE_TAG = re.compile(r"\s")  # "Qwen 2.5", "Llama 3.1": families, not models
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

# Developer names (as in Org tags) and site domains, by model-id prefix:
# used to tell a developer's own submission (lab) from a third party's.
_DEVELOPERS: list[tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = [
    (("claude",), ("anthropic",), ("anthropic.com",)),
    (("gpt", "o1", "o3", "o4"), ("openai",), ("openai.com",)),
    (("gemini",), ("google", "google deepmind", "deepmind"), ("google", "deepmind")),
    (("qwen",), ("qwen", "alibaba", "alibaba cloud"), ("qwenlm.github.io", "qwen.ai", "alibabacloud.com")),
    (("glm",), ("z.ai", "zhipu ai", "zhipu", "zai-org"), ("z.ai", "zhipuai.cn")),
    (("kimi",), ("moonshot ai", "moonshot"), ("moonshot",)),
    (("deepseek",), ("deepseek",), ("deepseek.com",)),
    (("llama",), ("meta", "meta ai"), ("ai.meta.com", "llama.com")),
    (("devstral", "mistral"), ("mistral", "mistral ai"), ("mistral.ai",)),
    (("minimax",), ("minimax",), ("minimax",)),
]


@dataclass
class Import:
    """Everything the importer produced, plus the entries it left out."""

    scores: list[dict] = field(default_factory=list)
    models: list[dict] = field(default_factory=list)
    aliases: list[dict] = field(default_factory=list)
    skipped: list[tuple[str, str, str]] = field(default_factory=list)  # (board, entry, reason)


@dataclass(frozen=True)
class _Resolved:
    model_id: str
    reason: str
    alias_effort: str = ""
    new_model: dict | None = None


def read_leaderboards(json_path, model_versions_csv) -> tuple[list[dict], list[dict], list[dict]]:
    """Read the bash-only and Verified boards into (scores, models, aliases).

    All values are strings ("" when missing). Models are returned only for
    models absent from Epoch AI's ``model_versions.csv``. Raises ``ValueError``
    when one leaderboard tag would map to two different model ids.
    """
    result = import_leaderboards(json_path, model_versions_csv)
    return result.scores, result.models, result.aliases


def import_leaderboards(json_path, model_versions_csv) -> Import:
    """Like :func:`read_leaderboards`, also listing the skipped entries."""
    boards = {b["name"]: b["results"] for b in json.loads(Path(json_path).read_text(encoding="utf-8"))["leaderboards"]}
    epoch = _EpochIndex(model_versions_csv)
    out = Import()
    tag_to_model: dict[str, str] = {}
    aliases: dict[str, dict] = {}
    models: dict[str, dict] = {}

    def register(tag: str, res: _Resolved) -> None:
        previous = tag_to_model.setdefault(tag, res.model_id)
        if previous != res.model_id:
            raise ValueError(f"swebench tag {tag!r} maps to two model ids: {previous!r} and {res.model_id!r}")
        aliases.setdefault(tag, {"source": ALIAS_SOURCE, "external_id": tag, "model_id": res.model_id,
                                 "effort": res.alias_effort, "reason": res.reason})
        if res.new_model is not None:
            models.setdefault(res.model_id, res.new_model)

    bash_only = boards.get("bash-only", [])
    bash_keys = set()
    for entry in bash_only:
        name = entry["name"]
        tags = _model_tags(entry)
        if len(tags) != 1:
            out.skipped.append(("bash-only", name, f"{len(tags)} Model tags, expected 1"))
            continue
        tag = tags[0]
        bash_keys.add((tag.lower(), float(entry["resolved"])))
        res, why = _resolve(tag, epoch, readable=_readable_name(name))
        if res is None:
            out.skipped.append(("bash-only", name, why))
            continue
        register(tag, res)
        version = entry.get("mini-swe-agent_version") or ""
        notes = f"mini-swe-agent {version}; entry: {name}" if version else f"entry: {name}"
        out.scores.append(_score_row(
            model_id=res.model_id, resolved=entry["resolved"], setting=BASH_ONLY_SETTING,
            effort=_effort_from_name(name) or res.alias_effort, model_version=tag,
            source_kind="independent", source_name=BASH_ONLY_SOURCE, source_url=BASH_ONLY_URL,
            date=entry.get("date"), notes=notes,
        ))

    verified = boards.get("Verified", [])
    name_counts: dict[str, int] = {}
    for entry in verified:
        name_counts[entry["name"]] = name_counts.get(entry["name"], 0) + 1
    for entry in verified:
        name = entry["name"]
        tags = _model_tags(entry)
        if not tags:
            out.skipped.append(("Verified", name, "no Model tag"))
            continue
        if name in _SKIP_VERIFIED:
            out.skipped.append(("Verified", name, _SKIP_VERIFIED[name]))
            continue
        if any(_VAGUE_TAG.search(_normalise_tag(t)) for t in tags):
            out.skipped.append(("Verified", name, "Model tag names a model family, not a model: " + ", ".join(tags)))
            continue
        if name.lower().startswith("mini-swe-agent") and len(tags) == 1 and (tags[0].lower(), float(entry["resolved"])) in bash_keys:
            out.skipped.append(("Verified", name, "same run as the bash-only board entry (kept there)"))
            continue
        resolved: list[tuple[str, _Resolved]] = []
        failure = ""
        for tag in tags:
            res, why = _resolve(tag, epoch, readable=_normalise_tag(tag))
            if res is None:
                failure = why
            else:
                resolved.append((tag, res))
        ids = {r.model_id for _, r in resolved}
        if len(tags) > 1 and (failure or len(ids) != 1):
            out.skipped.append(("Verified", name, f"{len(tags)} Model tags name several models"))
            continue
        if failure:
            out.skipped.append(("Verified", name, failure))
            continue
        date = _iso(entry.get("date"))
        stale = [t for t, _ in resolved if (d := _tag_date(t)) and date and date < d]
        if stale:
            out.skipped.append(("Verified", name, f"entry dated {date}, before the version its tag names ({stale[0]})"))
            continue
        for tag, res in resolved:
            register(tag, res)
        tag, res = resolved[0]
        setting = f"system: {name}"
        if name_counts[name] > 1:
            setting += f" ({date})"
        site = entry.get("site")
        url = site if isinstance(site, str) and site.startswith(("http://", "https://")) else VERIFIED_URL
        kind = "lab" if _is_developer(res.model_id, entry) else "independent"
        notes = "; ".join(t for t in entry.get("tags", []) if not t.startswith("Model:"))
        if len(tags) > 1:
            notes += "; model tags: " + ", ".join(tags)
        out.scores.append(_score_row(
            model_id=res.model_id, resolved=entry["resolved"], setting=setting,
            effort=_effort_from_name(name) or res.alias_effort, model_version=tag,
            source_kind=kind, source_name=VERIFIED_SOURCE, source_url=url, date=entry.get("date"),
            notes=notes,
        ))

    _check_unique(out.scores)
    out.scores.sort(key=lambda r: (r["benchmark_id"], r["date_reported"], r["model_id"], r["source_name"], r["setting"]))
    out.models = [models[k] for k in sorted(models)]
    out.aliases = [aliases[k] for k in sorted(aliases, key=str.lower)]
    return out


# --- Epoch AI's model versions -------------------------------------------------

class _EpochIndex:
    """Lookups in Epoch AI's model_versions.csv (case-insensitive ids)."""

    def __init__(self, path) -> None:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            self.rows = [r for r in csv.DictReader(fh) if (r.get("id") or "").strip()]
        self.by_id: dict[str, list[dict]] = {}
        self.by_base: dict[str, list[dict]] = {}
        self.by_undated: dict[str, list[dict]] = {}
        for row in self.rows:
            vid = row["id"].strip()
            base = split_effort(vid)[0].lower()
            self.by_id.setdefault(vid.lower(), []).append(row)
            self.by_base.setdefault(base, []).append(row)
            self.by_undated.setdefault(_TAG_DATE.sub("", base), []).append(row)

    def find(self, tag: str) -> tuple[list[dict], str]:
        """Rows of Epoch versions matching a leaderboard tag, and how."""
        t = tag.lower()
        # Every spelling is tried, so a tag whose spellings reach versions of
        # two different Epoch models is caught (ValueError in _from_epoch).
        found: dict[str, dict] = {}
        notes: list[str] = []
        for variant in _variants(t):
            for index, how in ((self.by_id, "id"), (self.by_base, "id without effort suffix")):
                for row in index.get(variant, []):
                    if row["id"] not in found:
                        found[row["id"]] = row
                        note = how if variant == t else f"{how}, spelled {variant}"
                        if note not in notes:
                            notes.append(note)
        if found:
            return list(found.values()), "; ".join(notes)
        # Date-less match: "claude-sonnet-4-5" -> claude-sonnet-4-5-20250929,
        # "gpt-5.1-2025-11-13" -> gpt-5.1 (only if Epoch's date agrees).
        tag_date = _tag_date(t)
        for variant in _variants(_TAG_DATE.sub("", t)):
            rows = self.by_undated.get(variant, [])
            if tag_date:
                rows = [r for r in rows if (r.get("Version release date") or "").strip() == tag_date]
            if rows:
                return rows, "id without date" + (f" (release date {tag_date} agrees)" if tag_date else "")
        return [], ""


def _variants(tag: str) -> list[str]:
    """The tag, with its date with/without dashes, and Claude's spellings and name orders."""
    out = [tag]
    if tag.startswith("claude-") and "." in tag:  # claude-3.5-sonnet-... -> claude-3-5-sonnet-...
        out.append(tag.replace(".", "-"))
    for v in list(out):
        if m := _TAG_DATE.search(v):
            stem = v[: m.start()]
            out += [f"{stem}-{m['y']}{m['m']}{m['d']}", f"{stem}-{m['y']}-{m['m']}-{m['d']}"]
    for v in list(out):
        if m2 := _CLAUDE_NUM_FIRST.match(v):
            out.append(f"claude-{m2['kind']}-{m2['num']}{m2['rest'] or ''}")
        elif m2 := _CLAUDE_KIND_FIRST.match(v):
            out.append(f"claude-{m2['num']}-{m2['kind']}{m2['rest'] or ''}")
    return list(dict.fromkeys(out))


def _resolve(tag: str, epoch: _EpochIndex, readable: str) -> tuple[_Resolved | None, str]:
    """Map a leaderboard model tag to our model id, or say why it cannot be."""
    norm = _normalise_tag(tag)
    key = norm.lower()
    if key in _MANUAL_EPOCH_IDS:
        epoch_id, why = _MANUAL_EPOCH_IDS[key]
        rows = epoch.by_id.get(epoch_id.lower(), [])
        if not rows:
            raise ValueError(f"manual mapping {tag!r} -> {epoch_id!r}: no such id in model_versions.csv")
        return _from_epoch(rows, f"Epoch AI version {epoch_id}: {why}", split_effort(norm)[1]), ""
    rows, how = epoch.find(norm)
    if rows:
        return _from_epoch(rows, f"Epoch AI model_versions.csv: {how}", split_effort(norm)[1]), ""
    if key in _NEW_MODELS:
        spec = _NEW_MODELS[key]
        model_id = slugify(spec["name"])
        model = dict.fromkeys(MODEL_FIELDS, "")
        model.update({k: spec[k] for k in ("name", "organization", "release_date", "release_source_url", "notes")},
                     id=model_id, family=model_id, preview="false")
        reason = spec.get("reason") or f"{spec['name']} ({spec['organization']}), absent from Epoch AI's model_versions.csv"
        return _Resolved(model_id, reason, spec.get("effort", ""), model), ""
    fallback = slugify(readable)
    return None, f"model {tag!r} (would be {fallback!r}) not in Epoch AI's model_versions.csv and no citable release date"


def _from_epoch(rows: list[dict], how: str, effort: str) -> _Resolved:
    names = {(r.get("Model") or "").strip() for r in rows}
    if len(names) != 1:
        raise ValueError(f"Epoch versions {[r['id'] for r in rows]} belong to several models: {sorted(names)}")
    name = names.pop()
    if not name:
        row = rows[0]
        name = (row.get("Unique display name") or "").strip() or row["id"].strip()
    return _Resolved(slugify(name), f"{how} -> Epoch model {name!r}", effort)


# --- small helpers -------------------------------------------------------------

def _model_tags(entry: dict) -> list[str]:
    return [t.split(":", 1)[1].strip() for t in entry.get("tags") or [] if t.startswith("Model:")]


def _normalise_tag(tag: str) -> str:
    """'https://huggingface.co/zai-org/GLM-4.6' and 'openai/gpt-5' -> the bare model id."""
    t = tag.strip()
    if t.startswith(("http://", "https://")):
        t = urlparse(t).path.strip("/")
    return t.rsplit("/", 1)[-1]


def _tag_date(tag: str) -> str:
    m = _TAG_DATE.search(split_effort(tag.strip())[0])
    return f"{m['y']}-{m['m']}-{m['d']}" if m else ""


def _effort_from_name(name: str) -> str:
    m = _EFFORT_PAREN.search(name) or _EFFORT_WORD.search(_DATE_IN_NAME.sub("", name))
    return m["e"].lower() if m else ""


def _readable_name(name: str) -> str:
    text = _EFFORT_PAREN.sub("", _DATE_IN_NAME.sub("", name))
    text = _EFFORT_WORD.sub("", text)
    return re.sub(r"\s+", " ", text).strip()


def _iso(value) -> str:
    text = (value or "").strip() if isinstance(value, str) else ""
    if text and not _ISO_DATE.match(text):
        raise ValueError(f"unexpected date {value!r} in leaderboards.json")
    return text


def _is_developer(model_id: str, entry: dict) -> bool:
    """True when the submitting organization (Org tags, else the site) developed the model."""
    orgs = [t.split(":", 1)[1].strip().lower() for t in entry.get("tags") or [] if t.startswith("Org:")]
    site = entry.get("site") if isinstance(entry.get("site"), str) else ""
    host = urlparse(site if "://" in site else f"https://{site}").netloc.lower()
    for prefixes, org_names, domains in _DEVELOPERS:
        if model_id.startswith(prefixes):
            if orgs:
                return any(o in org_names for o in orgs)
            return any(d in host for d in domains)
    return False


def _score_row(*, model_id, resolved, setting, effort, model_version, source_kind,
               source_name, source_url, date, notes) -> dict:
    score = round(float(resolved) / 100.0, 4)
    if not 0.0 <= score <= 1.0:
        raise ValueError(f"{model_version}: resolved {resolved!r} is not a percentage")
    return {
        "model_id": model_id, "benchmark_id": BENCHMARK_ID, "score": str(score), "stderr": "",
        "setting": setting, "effort": effort, "model_version": model_version,
        "source_kind": source_kind, "source_name": source_name, "source_url": source_url,
        "date_reported": _iso(date), "checked": "", "notes": notes,
    }


def _check_unique(scores: list[dict]) -> None:
    seen = set()
    for row in scores:
        key = (row["model_id"], row["benchmark_id"], row["setting"], row["effort"], row["model_version"], row["source_name"])
        if key in seen:
            raise ValueError(f"duplicate score row {key}")
        seen.add(key)
