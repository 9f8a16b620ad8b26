"""Helpers shared by the importers: reading a published CSV file row by row (each row knows its line, so a bad
value is reported as ``file:line: column: what``), model slugs and reasoning-effort suffixes."""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from tracker.data.location import SHIPPED_DATA
from tracker.data.schema import load_package
from tracker.errors import DataError
from tracker.ingest import mappings

# Column order of our tables, for rows the importers build: read from the datapackage.json shipped with
# tracker (the Table Schema is the one description of the tables), never written out here again.
_SHIPPED = load_package(SHIPPED_DATA).resources
SCORE_FIELDS = _SHIPPED["scores"].columns
MODEL_FIELDS = _SHIPPED["models"].columns
ALIAS_FIELDS = _SHIPPED["model_aliases"].columns

_NOT_SLUG = re.compile(r"[^a-z0-9.]+")

# Suffixes that name a reasoning-effort or thinking-budget setting of one model
# (Epoch AI's version ids: ``o3-2025-04-16_high``, ``claude-opus-4-5_32K``).
EFFORT_SUFFIX = re.compile(r"_(none|minimal|low|medium|high|xhigh|max|thinking|\d+K)$")


def slugify(name: str) -> str:
    """Stable model id from a display name: ``"PaLM (540B)"`` -> ``"palm-540b"``.

    Lowercase; every run of characters other than ``a-z``, ``0-9`` and ``.``
    becomes one ``-``; leading and trailing ``-`` and ``.`` are dropped.
    """
    slug = _NOT_SLUG.sub("-", name.strip().lower()).strip("-.")
    if not slug:
        raise ValueError(f"cannot make a model id from {name!r}")
    return slug


def split_effort(version_id: str) -> tuple[str, str]:
    """Split ``"o3-2025-04-16_high"`` into ``("o3-2025-04-16", "high")``.

    Ids without a recognised suffix come back unchanged with effort ``""``.
    """
    match = EFFORT_SUFFIX.search(version_id)
    if not match:
        return version_id, ""
    return version_id[: match.start()], match.group(1)


T = TypeVar("T")


class Row(dict):
    """A row of a published CSV file (column -> text) that remembers where it was read: ``where`` is
    ``file:line``, for messages. A plain dict passed instead has no ``where``: messages then name no line."""

    where = ""

    def __init__(self, fields: object = (), where: str = "") -> None:
        super().__init__(fields)  # type: ignore[arg-type]
        self.where = where


def cell(row: dict[str, str], column: str, parse: Callable[[str], T], what: str) -> T:
    """``parse(row[column])`` (a missing column reads as ""); a value ``parse`` refuses is a ``DataError``
    naming the file, line and column of the published file, not an exception from inside the reader."""
    text = row.get(column) or ""
    try:
        return parse(text)
    except (ValueError, TypeError, OverflowError):
        where = getattr(row, "where", "") or "row"
        raise DataError(
            f"{where}: {column}: {text.strip()[:60]!r} is not {what}; check that it is the published file"
        ) from None


def read_rows(path: str | Path) -> list[dict[str, str]]:
    """CSV rows as dicts (BOM tolerated, keys stripped), every row as wide as the header.

    A published file that is empty, has no rows, is not UTF-8, or has a row of another width (a cut line, an
    unclosed quote that swallowed the rest of the file) is a ``DataError`` naming the file and the line: a
    row dropped quietly would look like "nothing new".
    """
    rows: list[dict[str, str]] = []
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle, strict=True)
            header = next(reader, None)
            if header is None or not any(h.strip() for h in header):
                raise DataError(f"{path}:1: file: is empty; give the published file, with its header line")
            keys = [h.strip() for h in header]
            start = 2
            for fields in reader:
                if fields and len(fields) != len(keys):
                    raise DataError(
                        f"{path}:{start}: row: {len(fields)} fields where the header has {len(keys)} (a cut line, "
                        "or an unclosed quote); check that it is the published file"
                    )
                if fields:
                    rows.append(Row(zip(keys, fields, strict=True), f"{path}:{start}"))
                start = reader.line_num + 1
    except UnicodeDecodeError as exc:
        raise DataError(f"{path}: byte 0x{exc.object[exc.start]:02x} is not UTF-8; re-save the file as UTF-8") from None
    except csv.Error as exc:
        raise DataError(f"{path}:{start}: row: {exc}; check that it is the published file") from None
    if not rows:
        raise DataError(f"{path}:2: file: has a header but no rows; give the published file")
    return rows


def model_id_for(epoch_model_name: str) -> str:
    """Our model id for an Epoch models-database name (slug, or the hand mapping epoch_model_ids.csv)."""
    name = epoch_model_name.strip()
    row = mappings.index("epoch_model_ids").get(name)
    return row["model_id"] if row else slugify(name)


def first_url(text: str) -> str:
    """The first http(s) URL in a free-text field ("" when none)."""
    for token in re.split(r"\s+", text or ""):
        if token.startswith("http://") or token.startswith("https://"):
            return token.rstrip(",;")
    return ""
