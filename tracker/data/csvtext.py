"""A CSV file's text, read as all-text columns: the checks that need the raw bytes and lines.

BOM, encoding, line endings, header, field counts, quotes spanning lines: each
problem is reported as ``file:line: column: what is wrong, what to do``. The
same checks run on a data file, a batch given to ``tracker add --from-file``
and a writer's merged result in memory. ``Report`` collects the problems of a
whole validation.
"""

from __future__ import annotations

import csv
import inspect
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
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
#: The ASCII characters ``str.isspace`` counts as whitespace (tab to carriage return, the four
#: separators 0x1c-0x1f, space), for telling a blank ASCII file without decoding it.
_ASCII_SPACE = re.compile(rb"[\t-\r\x1c- ]*")
#: Empty fields read as "" (not null), as polars spells it: a keyword argument of read_csv since
#: polars 2 (empty_string_is_null), another before; the same as a fill_null("") afterwards, which
#: copied every column (130 MB at a million rows).
_EMPTY_IS_TEXT: dict[str, Any] = (
    {"empty_string_is_null": False}
    if "empty_string_is_null" in inspect.signature(pl.read_csv).parameters
    else {"missing_utf8_is_empty_string": True}
)


def read_text_table(path: Path, res: Resource, report: Report, facts: dict | None = None) -> pl.DataFrame | None:
    """Read one CSV as all-text columns; file-level problems go to ``report`` (``facts``: see ``parse_text_table``)."""
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
    return parse_text_table(path, raw, res, report, facts)


def parse_text_table(
    path: Path, raw: bytes, res: Resource, report: Report, facts: dict | None = None
) -> pl.DataFrame | None:
    """Parse the bytes of one CSV (named ``path`` in messages) as all-text columns.

    The same checks whether the bytes come from a data file, a batch given to
    ``tracker add --from-file`` or a writer's merged result in memory. A dict
    given as ``facts`` receives what the bytes tell the cell checks for free
    (``tracker.data.tables.check_cells`` skips a rule that cannot fire):
    ``control_free`` (no control character anywhere).
    """
    if raw.startswith(b"\xef\xbb\xbf"):
        report.errors.append(
            f"{loc(path, 1, 'file')} starts with a byte-order mark (BOM); save it as UTF-8 without BOM"
        )
        return None
    try:
        # ASCII is UTF-8: only other bytes need the decoder (a million rows' text: 150 MB and a
        # tenth of a second, for nothing when every byte is ASCII).
        text = None if raw.isascii() else raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = raw[: exc.start].split(b"\n")[-1].count(b",")
        # the column as the file's own header names it (a batch may order or omit columns)
        head = raw.split(b"\n", 1)[0].decode("utf-8", errors="replace")
        named = next(csv.reader([head]), []) if line > 1 else []
        cols = named or list(res.columns)
        name = cols[col] if col < len(cols) else f"field {col + 1}"
        report.errors.append(
            f"{loc(path, line, name)} byte 0x{raw[exc.start]:02x} is not UTF-8; re-save the file as UTF-8"
        )
        return None
    # The same test as not text.strip(), without a copy of the text (for ASCII: its whitespace characters).
    blank = text.isspace() if text is not None else _ASCII_SPACE.fullmatch(raw) is not None
    if not raw or blank:
        report.errors.append(
            f"{loc(path, 1, 'file')} is empty; it needs at least the header line: {','.join(res.columns)}"
        )
        return None
    del text  # the checks below read the bytes (a CR or a line feed is never part of another character)
    cr = raw.find(b"\r")
    if cr >= 0:
        line = raw.count(b"\n", 0, cr) + 1
        report.errors.append(
            f"{loc(path, line, 'file')} has Windows (CRLF) or CR line endings; convert to LF (e.g. dos2unix)"
        )
        return None
    first = raw.find(b"\n")
    header_line = (raw if first < 0 else raw[:first]).decode("utf-8")
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
        df = pl.read_csv(raw, infer_schema=False, raise_if_empty=False, **_EMPTY_IS_TEXT)
    except Exception:  # polars' parse errors do not say where: find the line ourselves
        df = None
    if df is None or df.width != len(res.columns):
        for i, row in enumerate(csv.reader(io.StringIO(raw.decode("utf-8"))), start=1):
            if len(row) != len(res.columns):
                report.errors.append(
                    f"{loc(path, i, 'row')} has {len(row)} fields, the header has {len(res.columns)}"
                    f"; check commas and quotes on that line"
                )
                return None
        report.errors.append(f"{loc(path, 1, 'file')} could not be parsed as CSV; check quoting")
        return None
    end = _content_end(raw)
    short, control_free, breaks = _ragged_line(raw, end, len(res.columns))
    if breaks is None:  # the pass stopped at a wrong line: count the line breaks apart
        breaks = raw.count(b"\n", 0, end)
    if df.height != breaks:
        # A quoted field spans lines: line numbers would lie, so refuse it.
        for i, row in enumerate(csv.reader(io.StringIO(raw.decode("utf-8"))), start=1):
            if any("\n" in v for v in row):
                report.errors.append(f"{loc(path, i, 'row')} a field contains a line break; keep every row on one line")
                return None
    if short is not None:  # polars pads a short row with empty fields: it must not pass
        line, n = short
        report.errors.append(
            f"{loc(path, line, 'row')} has {n} fields, the header has {len(res.columns)}"
            f"; check commas and quotes on that line"
        )
        return None
    if facts is not None:
        # the bidi overrides and isolates are three-byte UTF-8 sequences: E2 80 AA-AE and E2 81 A6-A9
        bidi = b"\xe2\x80" in raw or b"\xe2\x81" in raw
        facts["control_free"] = control_free and b"\x7f" not in raw and not bidi
    return df


def _content_end(raw: bytes) -> int:
    """The length of ``raw`` without its trailing line breaks (``len(raw.rstrip(b"\\n"))``, without the copy)."""
    end = len(raw)
    while end and raw[end - 1] == 0x0A:
        end -= 1
    return end


#: The field-count check reads a file in pieces of about this many bytes (cut at line breaks), so
#: its memory does not grow with the file (a million rows: 150 MB of text). Chosen by measurement:
#: from 1 MiB up the time is flat; below it the per-piece overhead shows.
RAGGED_CHUNK = 4 << 20


def _ragged_line(raw: bytes, end: int, ncols: int) -> tuple[tuple[int, int] | None, bool, int | None]:
    """((line, fields) of the first data line whose field count is not ``ncols``, or None; whether the
    data lines hold no byte below 0x20 but line feeds and tabs; the line breaks before ``end``,
    None when a wrong line stopped the pass).

    Streamed: the bytes after the header (up to ``end``) are read in pieces of
    about ``RAGGED_CHUNK`` bytes (cut at line breaks), each checked by
    ``_ragged_chunk``; the control bytes and line breaks are counted in the same
    pass (in UTF-8 they are never part of another character).
    """
    first = raw.find(b"\n", 0, end)
    if first < 0:
        return None, False, 0
    start, line0, clean = first + 1, 2, True  # the first data line and its number
    while start <= end:
        stop = raw.find(b"\n", min(start + RAGGED_CHUNK, end), end)
        stop = end if stop < 0 else stop
        found, breaks, piece_clean = _ragged_chunk(raw, start, stop, ncols)
        clean = clean and piece_clean
        if found is not None:
            return (line0 + found[0], found[1]), clean, None
        line0 += breaks + 1
        start = stop + 1
    return None, clean, line0 - 2  # line0 is the number of the line after the last


#: A piece with more suspect lines than this is checked by polars' string kernels rather than line by line.
SUSPECTS_ONE_BY_ONE = 2000
#: A quoted field as ``_ragged_chunk`` sees it, its text deleted: two quotes on one line with commas between.
_QUOTED = re.compile(rb'"[^"\n]*"')
#: Every byte but the ones that decide a line's field count or make it unclean (commas, line feeds,
#: quotes, control bytes but tabs, DEL): deleted by ``bytes.translate``, what is left of a clean piece
#: is ``ncols - 1`` commas per line and its line feeds.
_NOT_STRUCTURAL = bytes(b for b in range(256) if b == 0x09 or (0x20 <= b < 0x7F and b not in (0x22, 0x2C)) or b > 0x7F)


def _ragged_chunk(raw: bytes, start: int, stop: int, ncols: int) -> tuple[tuple[int, int] | None, int, bool]:
    """((index, fields) of the first line of ``raw[start:stop]`` whose field count is not ``ncols``, or None;
    the number of line breaks in the piece; whether no byte below 0x20 but line feeds and tabs is there).

    The usual piece is settled without looking at its lines one by one (a tenth of the
    time): one ``bytes.translate`` keeps only the commas, line feeds, quotes and control
    bytes; the quoted fields (pairs of quotes on a line, an escaped ``""`` a pair of its own)
    are taken out with what they hold; a piece whose every line is right then leaves exactly
    ``ncols - 1`` commas per line. Any other piece goes to ``_ragged_lines``, which finds
    the line.
    """
    kept = raw[start:stop].translate(None, _NOT_STRUCTURAL)
    breaks = kept.count(b"\n")
    clean = not kept.translate(None, b',\n"')
    if b'"' in kept:
        kept = _QUOTED.sub(b"", kept)
    if kept == ((b"," * (ncols - 1) + b"\n") * (breaks + 1))[:-1]:
        return None, breaks, clean
    found, clean = _ragged_lines(raw, start, stop, ncols)
    return found, breaks, clean


def _ragged_lines(raw: bytes, start: int, stop: int, ncols: int) -> tuple[tuple[int, int] | None, bool]:
    """((index, fields) of the first line of ``raw[start:stop]`` whose field count is not ``ncols``, or None;
    whether no byte below 0x20 but line feeds and tabs is there).

    Vectorised: numpy counts each line's commas outside quoted fields. A line
    with the wrong count, or with quotes that do not pair up, is a suspect: its
    quoted fields (with ``""`` escapes) are blanked out and the commas left are
    counted, and a line that still looks wrong is re-read with the csv module
    to confirm.
    """
    arr = np.frombuffer(raw, dtype=np.uint8, count=stop - start, offset=start)
    nl = np.flatnonzero(arr == 0x0A)
    starts = np.concatenate(([0], nl + 1))
    ends = np.concatenate((nl, [arr.size]))
    clean = int(np.count_nonzero(arr < 0x20)) == nl.size + raw.count(b"\t", start, stop)
    fields = _per_line(arr == 0x2C, starts) + 1  # commas per line, + 1
    is_quote = arr == 0x22
    odd = np.zeros(starts.size, dtype=bool)
    if is_quote.any():
        # Commas inside quoted fields do not separate: on each line, quotes pair up in order
        # (open, close; an escaped "" is a close and an open with nothing between), and the
        # commas between an open quote and its close are taken off the count. A line whose
        # quotes do not pair up is a suspect.
        quotes = np.flatnonzero(is_quote)
        line_q = np.searchsorted(nl, quotes)  # the line of each quote
        rank = np.arange(quotes.size) - np.searchsorted(line_q, line_q)  # its place on its line
        odd = np.bincount(line_q, minlength=starts.size) % 2 == 1
        commas_before = np.searchsorted(np.flatnonzero(arr == 0x2C), quotes)
        opens = rank % 2 == 0
        closes = np.flatnonzero(~opens)
        inside = commas_before[closes] - commas_before[closes - 1]
        fields -= np.bincount(line_q[closes], weights=inside, minlength=starts.size).astype(fields.dtype)
    suspects = np.flatnonzero((fields != ncols) | odd)
    if suspects.size == 0:
        return None, clean
    if suspects.size > SUSPECTS_ONE_BY_ONE:
        return _ragged_in(raw[start:stop].decode("utf-8"), ncols), clean
    lines = pl.Series(
        [raw[start + int(starts[i]) : start + int(ends[i])].decode("utf-8") for i in suspects], dtype=pl.String
    )
    counts = lines.str.replace_all(r'"(?:[^"]|"")*"', "", literal=False).str.count_matches(",", literal=True) + 1
    for k, (i, n) in enumerate(zip(suspects.tolist(), counts.to_list(), strict=True)):
        if n != ncols:
            n = len(next(csv.reader([lines[k]]), []))
            if n != ncols:
                return (i, n), clean
    return None, clean


def _per_line(mask: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """How many True values of ``mask`` fall on each line (lines begin at ``starts``, the first at 0)."""
    out = np.zeros(starts.size, dtype=np.int32)
    if mask.size == 0:
        return out
    # reduceat needs indices below the length: an empty last line (the piece ends with its break) counts 0.
    n = starts.size if starts[-1] < mask.size else starts.size - 1
    # An empty line inside gives reduceat the value at its own start, its line break: False, so 0 as well.
    out[:n] = np.add.reduceat(mask.view(np.uint8), starts[:n], dtype=np.int32)
    return out


def _ragged_in(text: str, ncols: int) -> tuple[int, int] | None:
    """(index, fields) of the first line of ``text`` whose field count is not ``ncols``."""
    lines = pl.Series([text]).str.split("\n").explode()
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
                return i, n
    return None
