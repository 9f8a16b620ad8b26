"""``tracker add``: rows from field values or a CSV batch, checked and committed atomically.

Scores get two more checks than models and aliases: a benchmark may be named
by alias, and the setting must be in the benchmark's vocabulary (a new one is
added to settings.csv, with a warning, only when asked for). The vocabulary
rows are decided under the writer's lock, so two writers adding the same new
setting add it once.
"""

from __future__ import annotations

from pathlib import Path

from tracker.data import settings as settingsmod
from tracker.data import tables as tablesmod
from tracker.data.schema import load_package
from tracker.errors import UsageError, plural
from tracker.ingest import writer

#: ``tracker add WHAT`` -> table.
TABLES = {"score": "scores", "model": "models", "alias": "model_aliases"}


def table_of(what: str) -> str:
    """The table ``tracker add WHAT`` writes to (a usage error for anything else)."""
    table = TABLES.get(what)
    if table is None:
        raise UsageError(f"cannot add {what!r}; use one of: {', '.join(TABLES)}")
    return table


def rows(root: Path, what: str, values: dict[str, str | None] | None, from_file: str | Path | None) -> list[writer.Row]:
    """The rows to add, from field values or a CSV file (never both), checked against the table's schema."""
    res = load_package(root).resources[table_of(what)]
    given = {k: v for k, v in (values or {}).items() if v is not None}
    if from_file:
        if given:
            raise UsageError(
                "give either --from-file or field options, not both "
                f"(got {', '.join('--' + c.replace('_', '-') for c in given)})"
            )
        try:
            raw = Path(from_file).read_bytes()
        except OSError as exc:
            raise UsageError(f"{from_file}: cannot read it ({exc.strerror})") from None
        return writer.check_batch(str(from_file), raw, res)
    if not given:
        raise UsageError(f"nothing to add: give the fields as options (see 'tracker add {what} --help') or --from-file")
    return writer.option_row(res, given)


def add(
    root: Path,
    what: str,
    values: dict[str, str | None] | None = None,
    *,
    from_file: str | Path | None = None,
    dry_run: bool = False,
    new_setting: bool = False,
) -> writer.Result:
    """Add the rows to the data folder ``root`` (nothing written with ``dry_run``)."""
    table = table_of(what)
    batch = rows(root, what, values, from_file)
    if table != "scores":
        return writer.add_rows(root, table, batch, dry_run=dry_run)
    tables = tablesmod.load(root)
    checked, vocab, warnings = [], {}, []
    for r in batch:
        fixed, vrow, warning = settingsmod.check_score(
            tables, r.values, new_setting=new_setting, where=r.origin.locate("setting")
        )
        checked.append(writer.Row(fixed, r.origin))
        if vrow is not None and (vrow["benchmark_id"], vrow["setting"]) not in vocab:
            vocab[(vrow["benchmark_id"], vrow["setting"])] = writer.Row(vrow, r.origin)
            warnings.append(warning)

    def build(current: writer.Current) -> writer.Batch:
        # Decided under the lock: another writer may have added the same new setting meanwhile.
        state = current.tables.get("settings")
        have = {(r["benchmark_id"], r["setting"]) for r in state.rows} if state else set()
        new = [row for key, row in vocab.items() if key not in have]
        return writer.Batch(add={"scores": checked, **({"settings": new} if new else {})})

    result = writer.commit(root, build, dry_run=dry_run)
    result.warnings[:0] = warnings
    return result


def summary(root: Path, table: str, added: list[dict[str, str]], *, dry_run: bool) -> str:
    """The preview and one-line summary ``tracker add`` prints."""
    path = load_package(root).resources[table].path
    lines = writer.preview_lines(table, added)
    verb = "would add" if dry_run else "added"
    lines.append(f"{verb} {plural(len(added), 'row')} to {path}" + (" (dry run: nothing written)" if dry_run else ""))
    return "\n".join(lines)
