"""``tracker list``, ``validate``, ``sql``, ``add`` and ``import``: call the API, render, return an exit code.

Exit codes of add and import: 0 written (or would be, with --dry-run); 1 a row
already exists, or an import found changed values and --update was not given;
2 bad input (a rule of the data is broken: the one-line message names file or
option, line and column).
"""

from __future__ import annotations

import json
import sys

from tracker import api
from tracker.cli import progress
from tracker.cli.options import ADD_FIELDS, ADD_TABLES
from tracker.errors import UsageError, plural
from tracker.render import text


def cmd_list(a) -> int:
    df = api.list_table(
        a.what,
        data=a.data,
        bench=a.bench,
        model=a.model,
        org=a.org,
        setting=a.setting,
        source=a.source,
        with_compute=a.with_compute,
        limit=a.limit,
    )
    sys.stdout.write(text.frame(df, a.format))
    return 0


def cmd_validate(a) -> int:
    report = api.validate(a.path)
    if a.json:
        print(json.dumps({"ok": report.ok, "errors": report.errors, "warnings": report.warnings}, indent=1))
    else:
        print(text.validation(report))
        print(
            f"{'OK' if report.ok else 'FAILED'}: {plural(len(report.errors), 'error')}, "
            f"{plural(len(report.warnings), 'warning')}",
            file=sys.stderr,
        )
    return 0 if report.ok else 1


def cmd_sql(a) -> int:
    sys.stdout.write(text.frame(api.sql(a.query, data=a.data, db=a.db, force=a.force), a.format))
    return 0


def cmd_data(a) -> int:
    if a.action == "init":
        data, ledger = api.init_data(a.dir)
        if a.json:
            print(json.dumps({"datasets": str(data), "forecasts": str(ledger)}, indent=1))
        else:
            print(
                f"created {data} (the data) and {ledger} (the saved forecasts)\n"
                f"use them: cd {a.dir} && tracker validate   (or pass --data {data})"
            )
        return 0
    loc = api.data_dir(a.data)
    led = api.ledger_dir(a.data)
    found = (loc.path / "datapackage.json").is_file()
    if a.json:
        print(
            json.dumps(
                {
                    "datasets": str(loc.path),
                    "origin": loc.origin,
                    "read_only": loc.read_only,
                    "exists": found,
                    "forecasts": str(led.path),
                    "forecasts_read_only": led.read_only,
                },
                indent=1,
            )
        )
    else:
        ro = " (read only: make a working copy with tracker data init DIR)" if loc.read_only else ""
        print(f"data: {loc.path}  [found by {loc.origin}]{ro}\nforecasts: {led.path}")
    if not found:  # where the commands would look is the answer; that nothing is there is an error
        sys.stdout.flush()
        raise UsageError(
            f"{loc.path} (from {loc.origin}) is not a tracker data folder: no datapackage.json; "
            "fix the path, or make one with tracker data init DIR"
        )
    return 0


def _say_waiting() -> None:
    api.on_lock_wait(lambda msg: print(msg, file=sys.stderr, flush=True))


def cmd_add(a) -> int:
    _say_waiting()
    table = ADD_TABLES[a.what]
    given = {col: getattr(a, f"f_{col}") for col, *_ in ADD_FIELDS[table] if getattr(a, f"f_{col}") is not None}
    result = api.add(
        a.what,
        given,
        from_file=a.from_file,
        data=a.data,
        dry_run=a.dry_run,
        new_setting=getattr(a, "new_setting", False),
    )
    added = result.added.get(table, [])
    if a.json:
        print(
            json.dumps(
                {
                    "table": table,
                    "added": added,
                    "dry_run": a.dry_run,
                    "written": [str(p) for p in result.written],
                    "warnings": result.warnings,
                },
                indent=1,
            )
        )
        return 0
    print(api.add_text(table, added, dry_run=a.dry_run, data=a.data))
    for w in result.warnings:
        print(f"warning: {w}", file=sys.stderr)
    return 0


def cmd_import(a) -> int:
    _say_waiting()
    with progress.phases(f"import {a.kind}", progress.wanted(a.json), api.IMPORT_STEPS) as step:
        report = api.import_file(
            a.kind,
            a.file,
            data=a.data,
            model_versions=getattr(a, "model_versions", None),
            vintage=getattr(a, "vintage", None),
            update=a.update,
            dry_run=a.dry_run,
            add_new=getattr(a, "add_new", None),
            step=step,
        )
    print(json.dumps(report.to_dict(), indent=1) if a.json else api.import_report_text(report, limit=a.limit))
    return 1 if report.pending else 0
