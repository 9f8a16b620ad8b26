"""Atomic, locked writes of the curated tables (used by ``tracker add`` and ``tracker import``).

A write goes like this, and nothing reaches a data file unless every step passes:

1. take an exclusive ``fcntl.flock`` on ``.tracker.lock`` in the data folder
   (concurrent writers queue here);
2. re-read the current tables under the lock and let the caller decide what
   to add or change against that state (``commit(root, build)``);
3. insert new rows at their place in the file's sort order (existing lines
   are kept byte for byte, so a diff shows only the new or changed rows);
4. validate the merged tables in memory with the same rules as
   ``tracker validate`` (:func:`tracker.data.tables.validate_dir`), reporting
   problems at the line of the batch file or the option they came from;
5. per table: write a temporary file in the same folder, flush, fsync,
   ``os.replace`` it over the table, fsync the folder. Tables that others
   reference are written first (models before scores), so a crash between
   two renames still leaves a consistent folder.

A SIGKILL at any moment leaves each file either as it was or as it should
become; a leftover temporary file is removed by the next write.
"""

from __future__ import annotations

import bisect
import csv
import io
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from tracker.data import tables as datamod
from tracker.data.schema import Package, Resource, load_package
from tracker.errors import ConflictError, DataError, UsageError, plural
from tracker.ingest import atomic
from tracker.ingest.atomic import LOCK_NAME, atomic_write, locked  # noqa: F401 (the writer's own API)

# Stable sort order of each table (data.md): a new row goes after every
# existing row whose key is not greater than its own.
SORT_KEYS = {
    "benchmarks": ("id",),
    "models": ("id",),
    "model_aliases": ("source", "external_id"),
    "scores": ("benchmark_id", "date_reported", "model_id", "setting", "effort", "model_version", "source_name"),
    "settings": ("benchmark_id", "setting"),
}
# Referenced tables first: a crash between two renames leaves no dangling id.
WRITE_ORDER = ("benchmarks", "models", "model_aliases", "settings", "scores")


@dataclass(frozen=True)
class Origin:
    """Where a row to add came from, for error messages: a file line, or options."""

    file: str | None = None  # None: command-line options
    line: int = 0

    def locate(self, column: str) -> str:
        if self.file is None:
            return f"option --{column.replace('_', '-')}:"
        return f"{self.file}:{self.line}: {column}:"


@dataclass(frozen=True)
class Row:
    values: dict[str, str]
    origin: Origin = Origin()


@dataclass(frozen=True)
class Change:
    """An existing row whose values the source reports differently."""

    table: str
    line: int  # in the current file
    key: tuple[str, ...]
    old: dict[str, str]
    new: dict[str, str]
    fields: tuple[str, ...]


@dataclass
class Batch:
    """What a writer wants: rows to add and rows to replace (matched by primary key)."""

    add: dict[str, list[Row]] = field(default_factory=dict)
    update: dict[str, list[Change]] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not any(self.add.values()) and not any(self.update.values())


@dataclass
class TableState:
    """A table as read under the lock: header line, data lines, parsed rows."""

    resource: Resource
    path: Path
    header: str
    lines: list[str]
    rows: list[dict[str, str]]

    def key(self, row: dict[str, str]) -> tuple[str, ...]:
        return tuple(row[c] for c in self.resource.primary_key)

    def index(self) -> dict[tuple[str, ...], int]:
        """Primary key -> position in ``rows`` (line = position + 2)."""
        return {self.key(r): i for i, r in enumerate(self.rows)}


@dataclass
class Current:
    package: Package
    tables: dict[str, TableState]
    warnings: list[str] = field(default_factory=list)


@dataclass
class Result:
    added: dict[str, list[dict[str, str]]]
    changed: list[Change]
    written: list[Path]
    warnings: list[str]
    dry_run: bool


# --------------------------------------------------------------------------
# Locking and atomic replacement
# --------------------------------------------------------------------------


# --------------------------------------------------------------------------
# Reading current state and batches
# --------------------------------------------------------------------------


def format_row(res: Resource, row: dict[str, str]) -> str:
    """One CSV line (no newline) in the files' own dialect: comma, minimal quoting."""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow([row.get(c, "") for c in res.columns])
    return buf.getvalue()[:-1]


def read_current(root: str | os.PathLike) -> Current:
    """The data folder as it is now; refuses a folder that does not validate."""
    report, tables = datamod.validate_dir(root)
    if tables is None:
        first = report.errors[0] if report.errors else f"{root}: the data folder cannot be read"
        raise DataError(
            f"the data folder already has problems, fix them first (tracker validate {root}): {first}", report.errors
        )
    pkg = load_package(root)
    out: dict[str, TableState] = {}
    for name, res in pkg.resources.items():
        path = pkg.path(name)
        text = path.read_bytes().decode("utf-8")
        header, _, body = text.partition("\n")
        lines = body.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        rows = [dict(zip(res.columns, next(csv.reader([ln])), strict=True)) for ln in lines]
        out[name] = TableState(res, path, header, lines, rows)
    return Current(pkg, out, report.warnings)


def check_batch(label: str, raw: bytes, res: Resource, *, options: bool = False) -> list[Row]:
    """Rows of a batch (CSV bytes), checked cell by cell with the validator's rules.

    The header may list any of the table's columns in any order as long as
    every required column is there; missing optional columns are empty.
    Problems raise ``DataError`` naming ``label``, line and column (or the
    option, when ``options`` is true).
    """
    report = datamod.Report()
    use = res
    try:
        first = raw.decode("utf-8").split("\n", 1)[0]
    except UnicodeDecodeError:
        first = ""
    if first and not raw.startswith(b"\xef\xbb\xbf") and "\r" not in first:
        header = next(csv.reader([first]), [])
        known = [c for c in header if c in res.columns]
        if known:  # looks like our header (a wrong delimiter gives no known column)
            unknown = [c for c in header if c not in res.columns]
            missing = [
                f.name
                for f in res.fields
                if f.required and f.name not in header and f.name not in DEFAULTS.get(res.name, {})
            ]
            dup = sorted({c for c in header if header.count(c) > 1})
            if unknown or missing or dup:
                what = "; ".join(
                    x
                    for x in (
                        f"unknown column(s) {', '.join(unknown)}" if unknown else "",
                        f"missing required column(s) {', '.join(missing)}" if missing else "",
                        f"repeated column(s) {', '.join(dup)}" if dup else "",
                    )
                    if x
                )
                raise DataError(f"{label}:1: header: {what}; use columns of {res.path}: {','.join(res.columns)}")
            use = Resource(res.name, res.path, tuple(res.field(c) for c in header), (), ())
    df = datamod.parse_text_table(Path(label), raw, use, report)
    if df is not None and not report.errors:
        df = _fill_defaults(res.name, df)
    if df is not None and df.height == 0:
        report.errors.append(f"{label}:1: file: has a header but no rows; add at least one row below the header")
    if df is not None and not report.errors:
        datamod.check_cells(Path(label), use, df, report)
    if report.errors:
        problems = [_option_message(e, label) if options else e for e in report.errors]
        raise DataError(problems[0] + _more(problems), problems)
    rows = []
    for i, rec in enumerate(df.iter_rows(named=True), start=2):
        values = {c: (rec.get(c) or "") for c in res.columns}
        for col, default in DEFAULTS.get(res.name, {}).items():
            if not values[col]:
                values[col] = default(values)
        rows.append(Row(values, Origin(None if options else label, i)))
    return rows


#: Values a batch may leave empty, and what they become: a new model is the
#: first release of its own line (family = its id) and publicly available
#: (preview = false) unless the batch says otherwise.
DEFAULTS: dict[str, dict[str, Callable[[dict[str, str]], str]]] = {
    "models": {"family": lambda row: row.get("id", ""), "preview": lambda _row: "false"},
}


def _fill_defaults(table: str, df: pl.DataFrame) -> pl.DataFrame:
    """Empty cells of DEFAULTS columns filled (columns the batch has; absent ones are filled per row)."""
    fills = DEFAULTS.get(table, {})
    if not fills or df.height == 0:
        return df
    rows = df.to_dicts()
    for row in rows:
        for col, default in fills.items():
            if col in row and not row[col]:
                row[col] = default(row)
    return pl.DataFrame(rows, schema=df.schema)


def option_row(res: Resource, values: dict[str, str | None]) -> list[Row]:
    """A row given as command-line options, checked like a batch of one."""
    unknown = [k for k in values if k not in res.columns]
    if unknown:
        raise UsageError(f"unknown field(s) {', '.join(unknown)} for {res.name}")
    raw = (",".join(res.columns) + "\n" + format_row(res, {k: v or "" for k, v in values.items()}) + "\n").encode(
        "utf-8"
    )
    return check_batch("<options>", raw, res, options=True)


_LOC = re.compile(r"^(?P<path>.*?):(?P<line>\d+): (?P<col>[A-Za-z_ ]+): (?P<rest>.*)$", re.S)


def _option_message(message: str, label: str) -> str:
    m = _LOC.match(message)
    if not m or m["path"] != label:
        return message
    if m["col"] in ("file", "row", "header"):
        return f"options: {m['rest']}"
    return f"option --{m['col'].replace('_', '-')}: {m['rest']}"


# --------------------------------------------------------------------------
# Merging, validating, writing
# --------------------------------------------------------------------------


def _merge(
    state: TableState, adds: list[Row], updates: list[Change]
) -> tuple[bytes, list[Origin], list[dict[str, str]]]:
    """New file bytes, the origin of each data line, and the rows added."""
    res = state.resource
    sort_cols = SORT_KEYS.get(res.name, res.primary_key)
    lines = list(state.lines)
    origins = [Origin(str(state.path), i + 2) for i in range(len(lines))]
    index = state.index()
    for ch in updates:
        pos = index.get(ch.key)
        if pos is None:
            raise ConflictError(
                f"{state.path}: the row {ch.key} to update is gone (changed by someone else?); re-run the import"
            )
        lines[pos] = format_row(res, ch.new)
    keys = [tuple(r[c] for c in sort_cols) for r in state.rows]
    added = []
    for row in adds:
        k = tuple(row.values[c] for c in sort_cols)
        pos = bisect.bisect_right(keys, k)
        keys.insert(pos, k)
        lines.insert(pos, format_row(res, row.values))
        origins.insert(pos, row.origin)
        added.append(row.values)
    content = (state.header + "\n" + "".join(ln + "\n" for ln in lines)).encode("utf-8")
    return content, origins, added


def _more(problems: list[str]) -> str:
    """The problems after the first, said on the same line (the second and third in full, then a count)."""
    rest = problems[1:]
    if not rest:
        return ""
    shown = "; also: " + "; ".join(rest[:2])
    return shown + (f" (and {plural(len(rest) - 2, 'more problem')})" if len(rest) > 2 else "")


def _check_duplicates(state: TableState, adds: list[Row]) -> None:
    pk = state.resource.primary_key
    existing = state.index()
    seen: dict[tuple[str, ...], Row] = {}
    for row in adds:
        key = tuple(row.values[c] for c in pk)
        shown = key[0] if len(key) == 1 else "(" + ", ".join(repr(v) for v in key) + ")"
        if key in existing:
            advice = (
                "change the setting or source if it is a different result, or fix the file by hand"
                if len(pk) > 1
                else "pick another id, or for a later version of this model give a new id with --family"
            )
            raise ConflictError(
                f"{row.origin.locate(pk[0])} {shown} already exists at {state.path}:{existing[key] + 2}; "
                f"nothing added ({advice})"
            )
        if key in seen:
            first = seen[key].origin
            where = f"line {first.line}" if first.file else "an earlier row"
            raise ConflictError(f"{row.origin.locate(pk[0])} {shown} repeats {where} of the batch; remove one")
        seen[key] = row


def _remap(message: str, path: Path, origins: list[Origin]) -> str:
    m = _LOC.match(message)
    if not m or m["path"] != str(path):
        return message
    line = int(m["line"])
    if 2 <= line < len(origins) + 2:
        return f"{origins[line - 2].locate(m['col'])} {m['rest']}"
    return message


def commit(root: str | os.PathLike, build: Callable[[Current], Batch], *, dry_run: bool = False) -> Result:
    """Apply the batch ``build(current)`` to the data folder ``root`` atomically, under the lock.

    ``build`` sees the tables as they are once the lock is held, so decisions
    (is this row new? did this value change?) cannot race another writer.
    Raises ``ConflictError`` for rows that already exist and ``DataError``
    when the result would break a rule; nothing is written then.
    """
    root = Path(root)
    load_package(root)  # a clear error when root is not a data folder
    with locked(root):
        atomic.remove_stale_temps(root)
        current = read_current(root)
        batch = build(current)
        contents: dict[str, bytes] = {}
        origins: dict[str, list[Origin]] = {}
        added: dict[str, list[dict[str, str]]] = {}
        changed: list[Change] = []
        for name in WRITE_ORDER:
            adds, updates = batch.add.get(name, []), batch.update.get(name, [])
            if not adds and not updates:
                continue
            state = current.tables[name]
            _check_duplicates(state, adds)
            contents[name], origins[name], added[name] = _merge(state, adds, updates)
            changed += updates
        if not contents:
            return Result({}, [], [], [], dry_run)
        report, _ = datamod.validate_dir(root, contents)
        errors = [_remap_any(e, current, origins) for e in report.errors]
        if errors:
            raise DataError(errors[0] + _more(errors), errors)
        before = set(current.warnings)
        warnings = [w for w in (_remap_any(w, current, origins) for w in report.warnings) if w not in before]
        written = []
        if not dry_run:
            for name in WRITE_ORDER:
                if name in contents:
                    path = current.tables[name].path
                    atomic_write(path, contents[name])
                    written.append(path)
        return Result(added, changed, written, warnings, dry_run)


def _remap_any(message: str, current: Current, origins: dict[str, list[Origin]]) -> str:
    for name, org in origins.items():
        message = _remap(message, current.tables[name].path, org)
    return message


def add_rows(root: str | os.PathLike, table: str, rows: list[Row], *, dry_run: bool = False) -> Result:
    """Add ``rows`` to ``table`` (refusing duplicates of existing rows)."""
    return commit(root, lambda _current: Batch(add={table: rows}), dry_run=dry_run)


# --------------------------------------------------------------------------
# Preview text
# --------------------------------------------------------------------------

_PREVIEW_COLUMNS = {
    "scores": ("model_id", "benchmark_id", "score", "setting", "effort", "source_kind", "source_name", "date_reported"),
    "models": ("id", "name", "organization", "release_date", "compute_flop", "confidence"),
    "model_aliases": ("source", "external_id", "model_id", "effort"),
    "benchmarks": ("id", "name", "floor", "ceiling"),
}


def preview_lines(table: str, rows: list[dict[str, str]], *, sign: str = "+", limit: int | None = None) -> list[str]:
    """``+ scores.csv: model_id=..., score=...`` lines for rows to add."""
    cols = _PREVIEW_COLUMNS.get(table, ())
    out = []
    for row in rows[:limit] if limit else rows:
        shown = ", ".join(f"{c}={row[c]}" for c in cols if row.get(c))
        out.append(f"{sign} {table}.csv: {shown}")
    if limit and len(rows) > limit:
        out.append(f"  ... and {len(rows) - limit} more {table} rows")
    return out


def change_lines(changes: list[Change], *, limit: int | None = None) -> list[str]:
    """``~ scores.csv:57 (key): field old -> new`` lines."""
    out = []
    for ch in changes[:limit] if limit else changes:
        diffs = "; ".join(f"{f}: {ch.old.get(f, '')!r} -> {ch.new.get(f, '')!r}" for f in ch.fields)
        out.append(f"~ {ch.table}.csv:{ch.line} {'/'.join(ch.key)}: {diffs}")
    if limit and len(changes) > limit:
        out.append(f"  ... and {len(changes) - limit} more changed rows")
    return out
