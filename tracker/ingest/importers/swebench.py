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
model rows only when a release date can be cited (``mappings/swebench_new_models.csv``); the
scores of the other unknown models are dropped and reported in
``Import.skipped``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from tracker.errors import DataError
from tracker.ingest import mappings
from tracker.ingest.importers.common import MODEL_FIELDS, slugify, split_effort
from tracker.ingest.importers.versions import EpochVersions
from tracker.ingest.importers.versions import tag_date as _tag_date

BENCHMARK_ID = "swe-bench-verified"
ALIAS_SOURCE = "swebench"

BASH_ONLY_SETTING = "bash-only mini-swe-agent"
BASH_ONLY_SOURCE = "SWE-bench bash-only leaderboard"
BASH_ONLY_URL = "https://www.swebench.com/bash-only.html"
VERIFIED_SOURCE = "SWE-bench Verified leaderboard"
VERIFIED_URL = "https://www.swebench.com/"


# Hand mappings (tracker/ingest/mappings/, a reason per row): leaderboard tags
# spelled unlike Epoch's version id (swebench_epoch_ids.csv), models absent
# from Epoch's model_versions.csv with a cited release date
# (swebench_new_models.csv), and entries left out (skip.csv).


_EFFORT_WORDS = "none|minimal|low|medium|high|xhigh|max"
_EFFORT_PAREN = re.compile(rf"\((?P<e>{_EFFORT_WORDS})\s+reasoning\)", re.I)
_EFFORT_WORD = re.compile(rf"(?<![\w-])(?P<e>{_EFFORT_WORDS})(?![\w-])", re.I)
_DATE_IN_NAME = re.compile(r"\(\s*(\d{4}-\d{2}-\d{2}|\d{8})\s*\)")
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
    doc = json.loads(Path(json_path).read_text(encoding="utf-8"))
    boards = {b["name"]: b["results"] for b in _checked(doc, json_path)}
    epoch = EpochVersions(model_versions_csv)
    skip = mappings.skipped("swebench-leaderboard")
    out = Import()
    tag_to_model: dict[str, str] = {}
    aliases: dict[str, dict] = {}
    models: dict[str, dict] = {}

    def register(tag: str, res: _Resolved) -> None:
        previous = tag_to_model.setdefault(tag, res.model_id)
        if previous != res.model_id:
            raise ValueError(f"swebench tag {tag!r} maps to two model ids: {previous!r} and {res.model_id!r}")
        aliases.setdefault(
            tag,
            {
                "source": ALIAS_SOURCE,
                "external_id": tag,
                "model_id": res.model_id,
                "effort": res.alias_effort,
                "reason": res.reason,
            },
        )
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
        if f"bash-only|{name}" in skip:
            out.skipped.append(("bash-only", name, skip[f"bash-only|{name}"]))
            continue
        res, why = _resolve(tag, epoch, readable=_readable_name(name))
        if res is None:
            out.skipped.append(("bash-only", name, why))
            continue
        register(tag, res)
        version = entry.get("mini-swe-agent_version") or ""
        notes = f"mini-swe-agent {version}; entry: {name}" if version else f"entry: {name}"
        out.scores.append(
            _score_row(
                model_id=res.model_id,
                resolved=entry["resolved"],
                setting=BASH_ONLY_SETTING,
                effort=_effort_from_name(name) or res.alias_effort,
                model_version=tag,
                source_kind="independent",
                source_name=BASH_ONLY_SOURCE,
                source_url=BASH_ONLY_URL,
                date=entry.get("date"),
                notes=notes,
            )
        )

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
        if f"Verified|{name}" in skip:
            out.skipped.append(("Verified", name, skip[f"Verified|{name}"]))
            continue
        if any(_VAGUE_TAG.search(_normalise_tag(t)) for t in tags):
            out.skipped.append(("Verified", name, "Model tag names a model family, not a model: " + ", ".join(tags)))
            continue
        if (
            name.lower().startswith("mini-swe-agent")
            and len(tags) == 1
            and (tags[0].lower(), float(entry["resolved"])) in bash_keys
        ):
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
        out.scores.append(
            _score_row(
                model_id=res.model_id,
                resolved=entry["resolved"],
                setting=setting,
                effort=_effort_from_name(name) or res.alias_effort,
                model_version=tag,
                source_kind=kind,
                source_name=VERIFIED_SOURCE,
                source_url=url,
                date=entry.get("date"),
                notes=notes,
            )
        )

    _check_unique(out.scores)
    out.scores.sort(
        key=lambda r: (r["benchmark_id"], r["date_reported"], r["model_id"], r["source_name"], r["setting"])
    )
    out.models = [models[k] for k in sorted(models)]
    out.aliases = [aliases[k] for k in sorted(aliases, key=str.lower)]
    return out


# --- resolving a tag ----------------------------------------------------------


def _resolve(tag: str, epoch: EpochVersions, readable: str) -> tuple[_Resolved | None, str]:
    """Map a leaderboard model tag to our model id, or say why it cannot be."""
    norm = _normalise_tag(tag)
    key = norm.lower()
    manual = mappings.index("swebench_epoch_ids")
    if key in manual:
        epoch_id, why = manual[key]["epoch_version"], manual[key]["reason"]
        rows, _how = epoch.find_tag(epoch_id)
        rows = [r for r in rows if r["id"].strip().lower() == epoch_id.lower()]
        if not rows:
            raise ValueError(f"manual mapping {tag!r} -> {epoch_id!r}: no such id in model_versions.csv")
        return _from_epoch(rows, f"Epoch AI version {epoch_id}: {why}", split_effort(norm)[1]), ""
    rows, how = epoch.find_tag(norm)
    if rows:
        return _from_epoch(rows, f"Epoch AI model_versions.csv: {how}", split_effort(norm)[1]), ""
    new_models = mappings.index("swebench_new_models")
    if key in new_models:
        spec = new_models[key]
        model_id = slugify(spec["name"])
        model = dict.fromkeys(MODEL_FIELDS, "")
        model.update(
            {k: spec[k] for k in ("name", "organization", "release_date", "release_source_url", "notes")},
            id=model_id,
            family=model_id,
            preview="false",
        )
        return _Resolved(model_id, spec["reason"], spec["effort"], model), ""
    fallback = slugify(readable)
    return (
        None,
        f"model {tag!r} (would be {fallback!r}) not in Epoch AI's model_versions.csv and no citable release date",
    )


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


def _checked(doc: object, file: object) -> list[dict]:
    """The leaderboards of ``leaderboards.json``, checked for the shape the reader relies on; a value of the
    wrong kind is a ``DataError`` naming its path in the file (``leaderboards[1].results[7].resolved``), where
    it used to surface as a Python message ("list indices must be integers")."""

    def bad(path: str, value: object, what: str) -> DataError:
        plain = isinstance(value, (str, int, float, bool, type(None)))
        shown = json.dumps(value)[:60] if plain else f"a JSON {'object' if isinstance(value, dict) else 'list'}"
        return DataError(f"{file}: {path}: {shown} is not {what}; check that it is the published leaderboards.json")

    boards = doc.get("leaderboards") if isinstance(doc, dict) else None
    if not isinstance(boards, list):
        raise bad("leaderboards", boards, "a list of leaderboards")
    for i, board in enumerate(boards):
        at = f"leaderboards[{i}]"
        if not isinstance(board, dict) or not isinstance(board.get("name"), str):
            raise bad(f"{at}.name", board.get("name") if isinstance(board, dict) else board, "a board name")
        if not isinstance(board.get("results"), list):
            raise bad(f"{at}.results", board.get("results"), "a list of entries")
        for j, entry in enumerate(board["results"]):
            where = f"{at}.results[{j}]"
            if not isinstance(entry, dict):
                raise bad(where, entry, "an entry (an object)")
            if not isinstance(entry.get("name"), str):
                raise bad(f"{where}.name", entry.get("name"), "an entry name")
            resolved = entry.get("resolved")
            try:
                ok = not isinstance(resolved, bool) and 0 <= float(resolved) <= 100  # type: ignore[arg-type]
            except (TypeError, ValueError):
                ok = False
            if not ok:
                raise bad(f"{where}.resolved", resolved, "a percent resolved between 0 and 100")
            tags = entry.get("tags")
            if tags is not None and not (isinstance(tags, list) and all(isinstance(t, str) for t in tags)):
                raise bad(f"{where}.tags", tags, "a list of text tags")
    return boards


def _model_tags(entry: dict) -> list[str]:
    return [t.split(":", 1)[1].strip() for t in entry.get("tags") or [] if t.startswith("Model:")]


def _normalise_tag(tag: str) -> str:
    """'https://huggingface.co/zai-org/GLM-4.6' and 'openai/gpt-5' -> the bare model id."""
    t = tag.strip()
    if t.startswith(("http://", "https://")):
        t = urlparse(t).path.strip("/")
    return t.rsplit("/", 1)[-1]


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


def _score_row(
    *, model_id, resolved, setting, effort, model_version, source_kind, source_name, source_url, date, notes
) -> dict:
    score = round(float(resolved) / 100.0, 4)
    if not 0.0 <= score <= 1.0:
        raise ValueError(f"{model_version}: resolved {resolved!r} is not a percentage")
    return {
        "model_id": model_id,
        "benchmark_id": BENCHMARK_ID,
        "score": str(score),
        "stderr": "",
        "setting": setting,
        "effort": effort,
        "model_version": model_version,
        "source_kind": source_kind,
        "source_name": source_name,
        "source_url": source_url,
        "date_reported": _iso(date),
        "checked": "",
        "notes": notes,
    }


def _check_unique(scores: list[dict]) -> None:
    seen = set()
    for row in scores:
        key = (
            row["model_id"],
            row["benchmark_id"],
            row["setting"],
            row["effort"],
            row["model_version"],
            row["source_name"],
        )
        if key in seen:
            raise ValueError(f"duplicate score row {key}")
        seen.add(key)
