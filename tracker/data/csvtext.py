"""A CSV file's text, read as all-text columns: the checks that need the raw bytes and lines.

BOM, encoding, line endings, header, field counts, quotes spanning lines: each
problem is reported as ``file:line: column: what is wrong, what to do``. The
same checks run on a data file, a batch given to ``tracker add --from-file``
and a writer's merged result in memory. ``Report`` collects the problems of a
whole validation.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from tracker.data.schema import Resource


@dataclass
class Report:
    """Problems found in a data directory: errors fail, warnings inform."""

    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def loc(path: Path, line: int, column: str) -> str:
    return f"{path}:{line}: {column}:"


MAX_FIELD_CHARS = 2000


def read_text_table(path: Path, res: Resource, report: Report) -> pl.DataFrame | None:
    """Read one CSV as all-text columns; file-level problems go to ``report``."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        report.errors.append(
            f"{path}:0: file: missing; restore it (git checkout {path.name})"
            f" or create it with the header from datapackage.json"
        )
        return None
    except OSError as exc:
        report.errors.append(f"{path}:0: file: cannot be read ({exc.strerror}); check the path and its permissions")
        return None
    return parse_text_table(path, raw, res, report)


def parse_text_table(path: Path, raw: bytes, res: Resource, report: Report) -> pl.DataFrame | None:
    """Parse the bytes of one CSV (named ``path`` in messages) as all-text columns.

    The same checks whether the bytes come from a data file, a batch given to
    ``tracker add --from-file`` or a writer's merged result in memory.
    """
    if raw.startswith(b"\xef\xbb\xbf"):
        report.errors.append(
            f"{loc(path, 1, 'file')} starts with a byte-order mark (BOM); save it as UTF-8 without BOM"
        )
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = raw[: exc.start].split(b"\n")[-1].count(b",")
        name = res.columns[col] if col < len(res.columns) else f"field {col + 1}"
        report.errors.append(
            f"{loc(path, line, name)} byte 0x{raw[exc.start]:02x} is not UTF-8; re-save the file as UTF-8"
        )
        return None
    if not text.strip():
        report.errors.append(
            f"{loc(path, 1, 'file')} is empty; it needs at least the header line: {','.join(res.columns)}"
        )
        return None
    if "\r" in text:
        line = text[: text.index("\r")].count("\n") + 1
        report.errors.append(
            f"{loc(path, line, 'file')} has Windows (CRLF) or CR line endings; convert to LF (e.g. dos2unix)"
        )
        return None
    header_line = text.split("\n", 1)[0]
    header = next(csv.reader([header_line]))
    if header != res.columns:
        if len(header) == 1 and any(d in header_line for d in ";\t|"):
            sep = next(d for d in ";\t|" if d in header_line)
            report.errors.append(f"{loc(path, 1, 'header')} fields are separated by {sep!r}; use commas")
        else:
            missing = [c for c in res.columns if c not in header]
            extra = [c for c in header if c not in res.columns]
            detail = []
            if missing:
                detail.append("missing " + ", ".join(missing))
            if extra:
                detail.append("unexpected " + ", ".join(extra))
            if not detail:
                detail.append("columns out of order")
            report.errors.append(
                f"{loc(path, 1, 'header')} {'; '.join(detail)}; the header must be exactly: {','.join(res.columns)}"
            )
        return None
    try:
        df = pl.read_csv(io.BytesIO(raw), infer_schema=False, raise_if_empty=False).with_columns(pl.all().fill_null(""))
    except Exception:  # polars' parse errors do not say where: find the line ourselves
        df = None
    if df is None or df.width != len(res.columns):
        for i, row in enumerate(csv.reader(io.StringIO(text)), start=1):
            if len(row) != len(res.columns):
                report.errors.append(
                    f"{loc(path, i, 'row')} has {len(row)} fields, the header has {len(res.columns)}"
                    f"; check commas and quotes on that line"
                )
                return None
        report.errors.append(f"{loc(path, 1, 'file')} could not be parsed as CSV; check quoting")
        return None
    if (df.height + 1) != text.rstrip("\n").count("\n") + 1:
        # A quoted field spans lines: line numbers would lie, so refuse it.
        for i, row in enumerate(csv.reader(io.StringIO(text)), start=1):
            if any("\n" in v for v in row):
                report.errors.append(f"{loc(path, i, 'row')} a field contains a line break; keep every row on one line")
                return None
    short = _ragged_line(text, len(res.columns))
    if short is not None:  # polars pads a short row with empty fields: it must not pass
        line, n = short
        report.errors.append(
            f"{loc(path, line, 'row')} has {n} fields, the header has {len(res.columns)}"
            f"; check commas and quotes on that line"
        )
        return None
    return df


def _ragged_line(text: str, ncols: int) -> tuple[int, int] | None:
    """(line, fields) of the first data line whose field count is not ``ncols``.

    Vectorised: quoted fields (with ``""`` escapes) are blanked out and the
    commas left are counted; only a line that looks wrong is re-read with the
    csv module to confirm.
    """
    lines = pl.Series([text.rstrip("\n")]).str.split("\n").explode().slice(1)
    if lines.len() == 0:
        return None
    plain = lines.str.count_matches(",", literal=True) + 1
    suspects = ((plain != ncols) | lines.str.contains('"', literal=True)).arg_true()
    if suspects.len() == 0:
        return None
    sub = lines.gather(suspects)
    counts = sub.str.replace_all(r'"(?:[^"]|"")*"', "", literal=False).str.count_matches(",", literal=True) + 1
    for i, n in zip(suspects.to_list(), counts.to_list(), strict=True):
        if n != ncols:
            n = len(next(csv.reader([lines[i]]), []))
            if n != ncols:
                return i + 2, n
    return None
