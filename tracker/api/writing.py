"""Changing the data: ``tracker add`` and ``tracker import`` as functions.

Writes go to a writable data folder only (``location.writable`` refuses the
copy shipped inside the package and says how to make one); dry runs may
read any folder.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tracker.api.reading import data_root
from tracker.data import location
from tracker.ingest import adding, atomic, importing, writer

IMPORT_KINDS = importing.KINDS
#: Phases of an import (``import_file``'s ``step`` callback is called as each begins).
IMPORT_STEPS = importing.IMPORT_STEPS
#: ``tracker add WHAT`` -> table.
ADD_TABLES = adding.TABLES


def on_lock_wait(callback) -> None:
    """Call ``callback(message)`` when a write waits for another writer's lock (the CLI prints it)."""
    atomic.on_wait = callback


def add(
    what: str,
    values: dict[str, str | None] | None = None,
    *,
    from_file: str | Path | None = None,
    data: str | Path | None = None,
    dry_run: bool = False,
    new_setting: bool = False,
) -> writer.Result:
    """Add rows (``what``: score, model or alias) from field values or a CSV batch, validated and atomic.

    A benchmark may be named by alias (``benchmark_id="gpqa"``); a setting the
    benchmark does not know is refused unless ``new_setting=True`` (then it is
    added with a warning).

    >>> tracker.add("score", {"model_id": "gpt-4o", "benchmark_id": "mmlu", "score": "0.887", ...},
    ...             data="my-tracker/datasets", dry_run=True)  # doctest: +SKIP
    """
    adding.table_of(what)  # an unknown kind is refused before the data folder is looked for
    root = data_root(data) if dry_run else location.writable(data, action=f"add {what} rows")
    return adding.add(root, what, values, from_file=from_file, dry_run=dry_run, new_setting=new_setting)


def add_text(table: str, added: list[dict[str, str]], *, dry_run: bool, data: str | Path | None = None) -> str:
    """The preview and summary ``tracker add`` prints."""
    return adding.summary(data_root(data), table, added, dry_run=dry_run)


def import_file(
    kind: str, file: str | Path, *, data: str | Path | None = None, **options: Any
) -> importing.ImportReport:
    """Merge a published file into the data (``tracker import``): new rows added, changes reported.

    >>> tracker.import_file("epoch-mmlu", "mmlu.csv", data="my-tracker/datasets", dry_run=True)  # doctest: +SKIP
    """
    root = data_root(data) if options.get("dry_run") else location.writable(data, action=f"import {kind}")
    return importing.import_file(kind, file, data=root, **options)


def import_report_text(report: importing.ImportReport, *, limit: int = 20) -> str:
    """The summary ``tracker import`` prints."""
    return importing.report_text(report, limit=limit)
