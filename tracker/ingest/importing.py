"""Merge published data into the curated tables (``tracker import ...``).

The readers in :mod:`tracker.ingest.importers` turn a published file into rows of our
schema. This module maps each row's external id to our model id through
``model_aliases.csv`` (the curated mapping wins over the reader's guess),
compares with what the tables hold, and hands the result to
:func:`tracker.ingest.writer.commit`: new rows are added, changed values are
reported as a diff and applied only with ``update=True``, nothing is
silently overwritten. External ids without a mapping are reported with the
command that adds one.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tracker.data.schema import default_data_dir, load_package
from tracker.errors import DataError
from tracker.ingest import mappings, writer
from tracker.ingest.importers import REGISTRY
from tracker.ingest.importers.gpai import already_known
from tracker.ingest.readers import KINDS, External, read_external, vintage_label  # noqa: F401


def readme_table() -> str:
    """The README's table of importers (scripts/cli_reference.py writes it into README.md)."""
    lines = ["| command | reads |", "|---|---|"]
    for kind, imp in REGISTRY.items():
        opts = " [--model-versions CSV]" if imp.needs_model_versions else " [--vintage LABEL]"
        lines.append(f"| `tracker import {kind} FILE{opts}` | {imp.reads} |")
    return "\n".join(lines)


# Fields compared when a row already exists (the primary key identifies it).
SCORE_COMPARED = ("score", "stderr", "source_kind", "source_url", "date_reported")
MODEL_COMPARED = ("organization", "release_date", "parameters", "open_weights", "domain")
COMPUTE_FIELDS = ("compute_flop", "compute_low", "compute_high", "confidence")
NUMERIC = {"score", "stderr", "compute_flop", "compute_low", "compute_high", "parameters"}

_SNAPSHOT = re.compile(r"\((\d{4}-\d{2}) snapshot")


@dataclass
class Unmapped:
    source: str
    external_id: str
    rows: int
    suggestion: str

    def command(self) -> str:
        return (
            f"tracker add alias --source {self.source} --external-id {_shell(self.external_id)} "
            f"--model-id {self.suggestion or 'MODEL_ID'} --reason {_shell('WHY THE MAPPING HOLDS')}"
        )


@dataclass
class ImportReport:
    kind: str
    file: Path
    table: str
    read: int = 0
    new: list[dict[str, str]] = field(default_factory=list)
    changes: list[writer.Change] = field(default_factory=list)
    unchanged: int = 0
    unmapped: list[Unmapped] = field(default_factory=list)
    untracked: int = 0  # models in a models database that we do not track
    skipped: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # differences deliberately not proposed
    new_aliases: list[dict[str, str]] = field(default_factory=list)  # epoch-model aliases added with --add-new
    update: bool = False
    result: writer.Result | None = None

    @property
    def pending(self) -> int:
        """Changed rows found but not applied (no --update)."""
        return 0 if self.update else len(self.changes)

    def to_dict(self) -> dict:
        return {
            "kind": self.kind,
            "file": str(self.file),
            "table": self.table,
            "read": self.read,
            "new": self.new,
            "unchanged": self.unchanged,
            "changes": [
                {
                    "line": c.line,
                    "key": list(c.key),
                    "fields": {f: [c.old.get(f, ""), c.new.get(f, "")] for f in c.fields},
                }
                for c in self.changes
            ],
            "applied_changes": self.update,
            "unmapped": [u.__dict__ | {"command": u.command()} for u in self.unmapped],
            "untracked": self.untracked,
            "skipped": self.skipped,
            "kept": self.kept,
            "new_aliases": self.new_aliases,
            "written": [str(p) for p in (self.result.written if self.result else [])],
            "dry_run": bool(self.result and self.result.dry_run),
        }


def _shell(text: str) -> str:
    return text if re.fullmatch(r"[\w.@%+=:,/-]+", text) else "'" + text.replace("'", "'\\''") + "'"


# --------------------------------------------------------------------------
# Readers (pure: no data folder needed except for the epoch-model names)
# --------------------------------------------------------------------------


# --------------------------------------------------------------------------
# Comparing with the tables
# --------------------------------------------------------------------------


def _same(col: str, a: str, b: str) -> bool:
    if col == "organization" and a and b:
        # Epoch renames developers between vintages ("Zhipu AI" -> "Z.ai (Zhipu AI)"): a name
        # that contains the other is the same developer, not a change to propose.
        sa, sb = ([o.strip().lower() for o in x.split(",")] for x in (a, b))
        return len(sa) == len(sb) and all(x in y or y in x for x, y in zip(sa, sb, strict=True))
    if col in NUMERIC and a and b:
        try:
            return float(a) == float(b)
        except ValueError:
            return a == b
    return a == b


def _snapshot(text: str) -> str:
    m = _SNAPSHOT.search(text or "")
    return m.group(1) if m else ""


def _model_change(old: dict[str, str], new: dict[str, str], vintage: str, kept: list[str]) -> dict[str, str] | None:
    """The model row with the file's values where they add or change something, or None.

    Empty values in the file never erase ours. Epoch revises its databases
    (estimates, dates, parameter counts): when our row cites a newer snapshot
    than the file's, the file's differing values are not proposed (listed in
    ``kept``). Compute comes as one group: value, bounds, confidence, source.
    Three kinds of difference are ours on purpose and are never proposed
    (also listed in ``kept``): values in mappings/model_overrides.csv (with
    their reason); the frontier flag of a later version (the frontier trend
    counts a line once, at its first release); compute and the flag of a
    preview (in no fit or trend); ``name`` (ours to choose, the file's name is
    the alias). A later version takes the compute of the file's entry mapped
    to it: Epoch AI's own entry for that version (``DeepSeek-R1 (May 2025)``),
    the source giving an estimate for it (docs/data.md).
    """
    overrides = {r["field"]: r for r in mappings.load("model_overrides") if r["model_id"] == old["id"]}
    is_version = old.get("family", old["id"]) != old["id"] or old.get("preview") == "true"
    why = (
        "a preview is in no fit or trend"
        if old.get("preview") == "true"
        else f"a later version of {old.get('family')}: the frontier trend counts the line once, at its first release"
    )
    merged = dict(old)
    for col in MODEL_COMPARED:
        if new.get(col) and not _same(col, old.get(col, ""), new[col]):
            if col in overrides:
                kept.append(
                    f"{old['id']}: {col} {old.get(col, '')} kept over the file's {new[col]} "
                    f"({overrides[col]['reason']})"
                )
                continue
            merged[col] = new[col]
    first_estimate = bool(new.get("compute_flop")) and not old.get("compute_flop")
    if new.get("_frontier_recomputed") and not first_estimate:
        new = {**new, "frontier": old.get("frontier", "")}  # a recomputed flag only comes with a new estimate
    if new.get("frontier") == "true" and old.get("frontier") != "true":
        if is_version:
            kept.append(f"{old['id']}: frontier flag not taken: {why}")
        else:
            merged["frontier"] = "true"
    if new.get("compute_flop") and any(not _same(c, old.get(c, ""), new.get(c, "")) for c in COMPUTE_FIELDS):
        if old.get("preview") == "true":
            kept.append(f"{old['id']}: compute {new['compute_flop']} not taken: {why}")
        else:
            for c in (*COMPUTE_FIELDS, "compute_source", "compute_source_url"):
                merged[c] = new.get(c, "")
            if new.get("estimation_method"):
                merged["estimation_method"] = new["estimation_method"]
            if new.get("notes") and new["notes"] not in old.get("notes", ""):
                merged["notes"] = f"{old['notes']}; {new['notes']}" if old.get("notes") else new["notes"]
            if new.get("_frontier_recomputed") == "true" and first_estimate and not is_version:
                merged["frontier"] = "true"
                note = (
                    "frontier: Epoch AI's definition (top 10 by training compute at release) recomputed from this file"
                )
                merged["notes"] = f"{merged['notes']}; {note}" if merged.get("notes") else note
    if merged == old:
        return None
    ours, theirs = _snapshot(old.get("compute_source", "")), _snapshot(vintage)
    if ours and theirs and theirs < ours:
        fields = ", ".join(c for c in merged if merged[c] != old.get(c))
        kept.append(
            f"{old['id']}: {fields} kept from the {ours} snapshot our row cites, not taken from the older {vintage}"
        )
        return None
    return merged


def _first_releases(externals: list[External], aliases: dict[tuple[str, str], str]) -> list[External]:
    """Models-file rows, one per model of ours: where several entries of the file map to one of
    our models (Epoch lists some models twice, e.g. GPT-4 (Mar 2023) and (Jun 2023)), the
    earliest-dated entry is the line's first release and the one compared."""
    best: dict[str, External] = {}
    out: list[External] = []
    for ext in externals:
        mid = aliases.get((ext.source, ext.external_id))
        if mid is None:
            out.append(ext)
            continue
        cur = best.get(mid)
        if cur is None or (ext.row.get("release_date") or "9999") < (cur.row.get("release_date") or "9999"):
            best[mid] = ext
    return out + list(best.values())


def _no_earlier_than_benchmark(row: dict[str, str], published: dict[str, str]) -> dict[str, str]:
    """A score row dated before its benchmark was published, dated by the publication instead.

    Leaderboards date an entry by its submission: runs submitted before a
    benchmark existed (SWE-bench Verified's board re-scored older submissions)
    became known with the benchmark. The source's own date stays in notes.
    """
    pub = published.get(row["benchmark_id"], "")
    if pub and row.get("date_reported") and row["date_reported"] < pub:
        note = (
            f"source dates it {row['date_reported']}, before {row['benchmark_id']} was published ({pub}): dated {pub}"
        )
        return {**row, "date_reported": pub, "notes": f"{row['notes']}; {note}" if row.get("notes") else note}
    return row


def _track_new(
    externals: list[External], current: writer.Current, since: str, report: ImportReport
) -> tuple[list[writer.Row], list[writer.Row]]:
    """``--add-new SINCE`` (models files): model rows and epoch-model aliases for the file's entries we do not track.

    An entry whose slug is already one of our ids (a model first met in a score file) gets its
    alias; an entry released on or after ``since`` with a compute estimate, a language model,
    gets a model row (frontier flag from the file, or recomputed) and its alias.
    """
    aliases = {(a["source"], a["external_id"]) for a in current.tables["model_aliases"].rows}
    ids = {r["id"] for r in current.tables["models"].rows}
    mapped_ids = {a["model_id"] for a in current.tables["model_aliases"].rows if a["source"] == "epoch-model"}
    new_models: list[writer.Row] = []
    new_aliases: list[writer.Row] = []
    for ext in externals:
        if (ext.source, ext.external_id) in aliases:
            continue
        row = ext.row
        if ext.suggestion in ids:
            if ext.suggestion in mapped_ids:
                continue  # our model already has its Epoch entry: a second entry needs a person's decision
            reason = "Epoch AI's models-database name; its slug is our id (the model first met in a score file)"
        elif (
            row.get("compute_flop")
            and row.get("release_date", "") >= since
            and "language" in row.get("domain", "").lower()
            and ext.suggestion not in ids
        ):
            m = {k: v for k, v in row.items() if not k.startswith("_")}
            if row.get("_frontier_recomputed") == "true":
                m["frontier"] = "true"
                m["notes"] = "; ".join(
                    x
                    for x in (
                        m.get("notes", ""),
                        "frontier: Epoch AI's definition (top 10 by training "
                        "compute at release) recomputed from this file",
                    )
                    if x
                )
            new_models.append(writer.Row(m, writer.Origin("epoch-models row", len(new_models) + 1)))
            ids.add(ext.suggestion)
            reason = (
                "our id is the slug of Epoch AI's models-database name (added by tracker import epoch-models --add-new)"
            )
        else:
            continue
        new_aliases.append(
            writer.Row(
                {
                    "source": "epoch-model",
                    "external_id": ext.external_id,
                    "model_id": ext.suggestion,
                    "effort": "",
                    "reason": reason,
                },
                writer.Origin("epoch-models alias", len(new_aliases) + 1),
            )
        )
        mapped_ids.add(ext.suggestion)
    report.new_aliases = [r.values for r in new_aliases]
    return new_models, new_aliases


def plan(
    kind: str, externals: list[External], current: writer.Current, *, vintage: str = "", add_new: str | None = None
) -> tuple[writer.Batch, ImportReport]:
    """Split the file's rows into new rows, changed rows and unmapped ids, against ``current``."""
    table = "models" if kind == "epoch-models" else "scores"
    report = ImportReport(kind, Path(), table, read=len(externals))
    new_models: list[writer.Row] = []
    if add_new and table == "models":
        new_models, _ = _track_new(externals, current, add_new, report)
    aliases = {
        (a["source"], a["external_id"]): a["model_id"]
        for a in [*current.tables["model_aliases"].rows, *report.new_aliases]
    }  # new ones: mapped within this import
    added_ids = {r.values["id"] for r in new_models}
    state = current.tables[table]
    index = state.index()
    unmapped: dict[tuple[str, str], Unmapped] = {}
    known = _already_known(kind, state.rows)
    # The same external id mapped under another naming (a version id Epoch and GPAI share) is the
    # best guess for an unmapped one: the reader only knows Epoch's model entity, not our version rows.
    by_name = {ext_id.lower(): mid for (_src, ext_id), mid in aliases.items()}
    published = {b["id"]: b.get("published", "") for b in current.tables["benchmarks"].rows}
    batch = writer.Batch()
    adds: list[writer.Row] = []
    changes: list[writer.Change] = []
    if table == "models":
        externals = _first_releases(externals, aliases)
    for ext in externals:
        model_id = aliases.get((ext.source, ext.external_id))
        if model_id is None:
            guess = by_name.get(ext.external_id.lower()) or ext.suggestion
            u = unmapped.setdefault((ext.source, ext.external_id), Unmapped(ext.source, ext.external_id, 0, guess))
            u.rows += 1
            continue
        row = dict(ext.row)
        row["id" if table == "models" else "model_id"] = model_id
        if table == "scores":
            row = _no_earlier_than_benchmark(row, published)
            if row.get("source_kind") == "lab" and not row.get("checked"):
                row["checked"] = (
                    f"unverified: imported by tracker import {kind} from {row['source_name']}; "
                    "not read on the developer's own page"
                )
        if table == "models" and model_id in added_ids:
            continue  # added by --add-new, from this very row
        pos = index.get(state.key(row))
        if pos is None and known(row):
            report.unchanged += 1  # the same fact, recorded from another file
            continue
        if pos is None:
            if table == "models":  # a mapped model is in models.csv (foreign key): cannot happen
                continue
            adds.append(writer.Row(row, writer.Origin(f"{kind} row", len(adds) + 1)))
            continue
        old = state.rows[pos]
        if table == "models":
            new = _model_change(old, row, vintage, report.kept)
        else:
            # a field the published file leaves blank is not given there, not erased: a curated date (a lab
            # figure read on a later page carries that page's date) is never offered for removal
            diff = [c for c in SCORE_COMPARED if (row[c] or "").strip() and not _same(c, old[c], row[c])]
            new = {**old, **{c: row[c] for c in diff}} if diff else None
        if new is None:
            report.unchanged += 1
            continue
        fields = tuple(c for c in state.resource.columns if old.get(c, "") != new.get(c, ""))
        changes.append(writer.Change(table, pos + 2, state.key(old), old, new, fields))
    if table == "models":
        # Most of a models database is not ours: count them, do not list each.
        report.untracked = sum(u.rows for u in unmapped.values())
        report.unmapped = []
    else:
        report.unmapped = sorted(unmapped.values(), key=lambda u: (u.source, u.external_id))
    batch.add[table] = adds + new_models
    if report.new_aliases:
        batch.add["model_aliases"] = [
            writer.Row(a, writer.Origin("epoch-models alias", i + 1)) for i, a in enumerate(report.new_aliases)
        ]
    report.new = [r.values for r in adds + new_models]
    report.changes = changes
    return batch, report


def _already_known(kind: str, rows: list[dict[str, str]]) -> Callable[[dict[str, str]], str]:
    """For importers whose file repeats facts of another file: a test giving the reason ("" = new)."""
    if kind == "gpai":
        return already_known(rows)
    return lambda _row: ""


#: The phases ``import_file`` reports to its ``step`` callback: reading, matching, validating and writing.
IMPORT_STEPS = 3


def _check_values(file: str | Path, externals: list) -> None:
    """Refuse a published file whose scores are not fractions in [0, 1] (NaN, negative, a percent) before any
    of them is offered as a change: the error names the file and the entry, not our own table."""
    for ext in externals:
        for col in ("score", "stderr"):
            text = (ext.row.get(col) or "").strip()
            if not text:
                continue
            try:
                v = float(text)
            except ValueError:
                v = math.nan
            top = 1.0 if col == "score" else 0.5
            if not (math.isfinite(v) and 0 <= v <= top):
                hint = f" (a percent? write {v / 100:g})" if col == "score" and 1 < v <= 100 else ""
                raise DataError(
                    f"{ext.where or file}: {ext.external_id}: {col} {text!r} is not a fraction in [0, {top:g}]{hint}; "
                    "check that it is the published file"
                )


def import_file(
    kind: str,
    file: str | Path,
    *,
    data: str | Path | None = None,
    model_versions: str | Path | None = None,
    vintage: str | None = None,
    update: bool = False,
    dry_run: bool = False,
    add_new: str | None = None,
    step: Callable[[str], None] | None = None,
) -> ImportReport:
    """Import a published file into the data folder (see the module docstring).

    ``step(label)``, when given, is called as each of the ``IMPORT_STEPS`` phases begins (a progress bar).
    """
    say = step or (lambda label: None)
    root = Path(data) if data else default_data_dir()
    load_package(root)
    names = _epoch_names(root)
    file = Path(file)
    say(f"reading {file.name}")
    externals, skipped = read_external(kind, file, model_versions=model_versions, vintage=vintage, epoch_names=names)
    _check_values(file, externals)
    label = vintage or (vintage_label(file) if kind == "epoch-models" else "")
    holder: dict[str, ImportReport] = {}

    def build(current: writer.Current) -> writer.Batch:
        say(f"matching {len(externals)} rows")
        batch, report = plan(kind, externals, current, vintage=label, add_new=add_new)
        say("validating" + (" (dry run)" if dry_run else " and writing"))
        if update:
            batch.update[report.table] = report.changes
        holder["report"] = report
        return batch

    result = writer.commit(root, build, dry_run=dry_run)
    report = holder["report"]
    report.file, report.skipped, report.update, report.result = file, skipped, update, result
    return report


def _epoch_names(root: Path) -> dict[str, str]:
    """{our model id: Epoch AI models-database name}, from the epoch-model aliases."""
    path = load_package(root).path("model_aliases")
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            return {r["model_id"]: r["external_id"] for r in csv.DictReader(handle) if r.get("source") == "epoch-model"}
    except (OSError, UnicodeDecodeError, csv.Error, KeyError):
        return {}  # the writer's validation reports what is wrong with the file


def report_text(r: ImportReport, *, limit: int = 20) -> str:
    """The import summary a person reads: new rows, diffs, unmapped ids."""
    lines = [f"{r.kind}: read {r.read} rows from {r.file}"]
    lines += writer.preview_lines(r.table, r.new, limit=limit)
    lines += writer.change_lines(r.changes, limit=limit)
    lines += writer.preview_lines("model_aliases", r.new_aliases, limit=limit)
    if r.unmapped:
        lines.append(
            f"{len(r.unmapped)} external ids have no mapping in model_aliases.csv "
            f"({sum(u.rows for u in r.unmapped)} rows not imported); add one per id, e.g.:"
        )
        lines += [f"  {u.command()}   # {u.rows} rows" for u in r.unmapped[:limit]]
        if len(r.unmapped) > limit:
            lines.append(f"  ... and {len(r.unmapped) - limit} more (--json lists all)")
    if r.untracked:
        lines.append(f"{r.untracked} models in the file are not tracked here (no epoch-model alias): left out")
    if r.skipped:
        lines.append(
            f"{len(r.skipped)} entries left out by the reader (model not identifiable, or in "
            "tracker/ingest/mappings/skip.csv; --json lists each with why)"
        )
    if r.kept:
        lines.append(
            f"{len(r.kept)} models differ but our row cites a newer snapshot: not proposed (--json lists them)"
        )
    verb = "would add" if r.result and r.result.dry_run else "added"
    summary = f"{verb} {len(r.new)} {r.table} rows, {r.unchanged} unchanged, {len(r.changes)} changed"
    if r.changes:
        summary += (
            " (applied)"
            if r.update and not (r.result and r.result.dry_run)
            else (" (would be applied)" if r.update else " (not applied: re-run with --update to apply them)")
        )
    lines.append(summary)
    return "\n".join(lines)
