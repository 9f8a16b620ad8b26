"""The commands that change the data: ``tracker add ...`` and ``tracker import ...``.

Kept apart from ``tracker.cli`` so that file stays small; like it, this only
parses, calls the library (:mod:`tracker.writer`, :mod:`tracker.importing`)
and prints. ``register`` is called by ``tracker.cli.build_parser``.

Exit codes: 0 written (or would be, with --dry-run); 1 a row already exists,
or an import found changed values and --update was not given; 2 bad input
(a rule of the data is broken: the one-line message names file or option,
line and column).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

# One option per field, named after the column (model_id -> --model-id);
# the second name, when given, is a short alias.
FIELDS = {
    "scores": [
        ("model_id", "--model", "ID", "model id (must exist in models.csv: tracker add model first)"),
        ("benchmark_id", "--bench", "ID", "benchmark id: mmlu, gpqa-diamond, swe-bench-verified, frontiermath, ..."),
        ("score", None, "FRACTION", "score as a fraction in [0, 1] (0.864, not 86.4)"),
        ("stderr", None, "FRACTION", "standard error, where the source gives one"),
        ("setting", None, "TEXT", "evaluation protocol: 5-shot, 0-shot CoT, pass@1, bash-only mini-swe-agent, ..."),
        ("effort", None, "TEXT", "reasoning effort (high, low, 32K, ...); empty when not applicable"),
        ("model_version", None, "TEXT", "exact version or API id evaluated"),
        ("source_kind", None, "KIND", "lab (the developer's own report) or independent"),
        ("source_name", None, "TEXT", "who reported it"),
        ("source_url", "--url", "URL", "where the number can be checked (required)"),
        ("date_reported", "--date", "YYYY-MM-DD", "when the score was published"),
        ("notes", None, "TEXT", "anything a reader should know"),
    ],
    "models": [
        ("id", None, "SLUG", "stable id: lowercase letters, digits, '.', '-', '_'"),
        ("name", None, "TEXT", "display name"),
        ("organization", "--org", "TEXT", "developer(s), comma-separated"),
        ("release_date", "--date", "YYYY-MM-DD", "first public release or announcement"),
        ("release_source_url", "--url", "URL", "where the release date comes from"),
        ("compute_flop", "--compute", "FLOP", "training compute estimate, e.g. 3.8e25 (leave out when unknown)"),
        ("compute_low", None, "FLOP", "lower bound of the estimate"),
        ("compute_high", None, "FLOP", "upper bound of the estimate"),
        ("confidence", None, "LEVEL", "confident, likely or speculative"),
        ("estimation_method", None, "TEXT", "operation counting; hardware; benchmarks; third-party estimation; reported"),
        ("compute_source", None, "TEXT", "who estimated the compute (required with --compute)"),
        ("compute_source_url", None, "URL", "URL of the compute estimate"),
        ("parameters", None, "N", "parameter count"),
        ("open_weights", None, "BOOL", "true or false"),
        ("frontier", None, "BOOL", "true or false: top 10 by training compute at release"),
        ("domain", None, "TEXT", "Language, Multimodal, ..."),
        ("notes", None, "TEXT", "anything a reader should know"),
    ],
    "model_aliases": [
        ("source", None, "NAMING", "epoch-version, epoch-model, gpai, swebench or lab"),
        ("external_id", None, "TEXT", "the name in the published data"),
        ("model_id", "--model", "ID", "our model id"),
        ("effort", None, "TEXT", "reasoning effort implied by the external id"),
        ("reason", None, "TEXT", "why the mapping holds (required)"),
    ],
}
TABLE_OF = {"score": "scores", "model": "models", "alias": "model_aliases"}
_EXAMPLES = {
    "score": "tracker add score --model gpt-4o --bench mmlu --score 0.887 --setting 5-shot --source-kind lab \\\n"
             "    --source-name 'OpenAI, Hello GPT-4o' --url https://openai.com/index/hello-gpt-4o/ --date 2024-05-13\n"
             "tracker add score --from-file new_scores.csv --dry-run",
    "model": "tracker add model --id acme-1 --name 'Acme 1' --org Acme --date 2026-05-01 --url https://acme.example/acme-1\n"
             "tracker add model --from-file new_models.csv",
    "alias": "tracker add alias --source epoch-version --external-id acme-1-2026-05-01_high --model acme-1 --effort high \\\n"
             "    --reason 'Epoch AI version id of Acme 1'",
}
_IMPORT_HELP = {
    "epoch-runs": ("Epoch AI's benchmarks_runs.csv (its own evaluation runs)",
                   "tracker import epoch-runs ../shared/reference/epoch-benchmarks-2025-12/benchmarks_runs.csv --dry-run"),
    "epoch-mmlu": ("Epoch AI's MMLU collection (external_benchmark_mmlu.csv)",
                   "tracker import epoch-mmlu ../shared/reference/epoch-benchmarks-2025-12/external_benchmark_mmlu.csv"),
    "epoch-models": ("one file of Epoch AI's models databases (notable, large-scale, frontier, all models)",
                     "tracker import epoch-models ../shared/reference/epoch-models-2025-11/notable_ai_models.csv --update"),
    "swebench-leaderboard": ("the official SWE-bench leaderboards.json (bash-only and Verified boards)",
                             "tracker import swebench-leaderboard ../shared/reference/swebench-leaderboards-2025-12/leaderboards.json \\\n"
                             "    --model-versions ../shared/reference/epoch-benchmarks-2025-12/model_versions.csv"),
}


def register(sub, fmt, data_opt) -> None:
    """Add the ``add`` and ``import`` subcommands to ``sub`` (tracker.cli's subparsers)."""
    p = sub.add_parser(
        "add", help="add models, scores or name mappings (validated, atomic)",
        description="Add rows to the curated tables. The new rows are checked with the rules of tracker validate "
        "against the existing data, previewed, and written atomically under a lock; an invalid row writes nothing.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=fmt("\n".join(_EXAMPLES.values())),
    )
    what = p.add_subparsers(dest="what", metavar="WHAT", parser_class=type(p))
    what.required = True
    for kind, table in TABLE_OF.items():
        q = what.add_parser(kind, help=f"add {table.replace('_', ' ')} rows",
                            description=f"Add rows to {table}.csv: one from the options, or a batch with --from-file "
                            "(a CSV with the table's header; optional columns may be left out).",
                            formatter_class=argparse.RawDescriptionHelpFormatter, epilog=fmt(_EXAMPLES[kind]))
        for col, short, metavar, text in FIELDS[table]:
            names = ["--" + col.replace("_", "-")] + ([short] if short else [])
            q.add_argument(*names, dest=f"f_{col}", metavar=metavar, help=text)
        q.add_argument("--from-file", metavar="CSV", help="add every row of this CSV file instead")
        q.add_argument("--dry-run", action="store_true", help="check and preview, write nothing")
        q.add_argument("--json", action="store_true", help="print what was added as JSON")
        data_opt(q)

    p = sub.add_parser(
        "import", help="merge a published file (Epoch AI, SWE-bench) into the data",
        description="Read a published file, map its model names to ours through model_aliases.csv, add new rows "
        "and report changed values as a diff (applied only with --update). Nothing is silently overwritten.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=fmt("\n".join(ex for _, ex in _IMPORT_HELP.values())),
    )
    kinds = p.add_subparsers(dest="kind", metavar="KIND", parser_class=type(p))
    kinds.required = True
    for kind, (text, example) in _IMPORT_HELP.items():
        q = kinds.add_parser(kind, help=text, description=f"Import {text}.",
                             formatter_class=argparse.RawDescriptionHelpFormatter, epilog=fmt(example))
        q.add_argument("file", help="the published file")
        if kind != "epoch-models":
            q.add_argument("--model-versions", metavar="CSV",
                           help="Epoch AI's model_versions.csv (default: next to FILE)")
        else:
            q.add_argument("--vintage", metavar="LABEL",
                           help="which file and snapshot, cited in compute_source (default: from the file and folder name)")
        q.add_argument("--update", action="store_true", help="also apply the changed values (default: report them only)")
        q.add_argument("--dry-run", action="store_true", help="report, write nothing")
        q.add_argument("--json", action="store_true", help="print the report as one JSON object")
        q.add_argument("--limit", type=int, default=20, help="rows listed per section in the text report (default 20)")
        data_opt(q)


def cmd_add(a) -> int:
    from tracker import writer
    from tracker.errors import UsageError
    from tracker.schema import default_data_dir, load_package

    table = TABLE_OF[a.what]
    root = Path(a.data) if a.data else default_data_dir()
    res = load_package(root).resources[table]
    given = {col: getattr(a, f"f_{col}") for col, *_ in FIELDS[table] if getattr(a, f"f_{col}") is not None}
    if a.from_file:
        if given:
            raise UsageError(f"give either --from-file or field options, not both (got {', '.join('--' + c.replace('_', '-') for c in given)})")
        try:
            raw = Path(a.from_file).read_bytes()
        except OSError as exc:
            raise UsageError(f"{a.from_file}: cannot read it ({exc.strerror})") from None
        rows = writer.check_batch(a.from_file, raw, res)
    else:
        if not given:
            raise UsageError(f"nothing to add: give the fields as options (see 'tracker add {a.what} --help') or --from-file")
        rows = writer.option_row(res, given)
    result = writer.add_rows(root, table, rows, dry_run=a.dry_run)
    added = result.added.get(table, [])
    if a.json:
        print(json.dumps({"table": table, "added": added, "dry_run": a.dry_run,
                          "written": [str(p) for p in result.written], "warnings": result.warnings}, indent=1))
        return 0
    for line in writer.preview_lines(table, added):
        print(line)
    for w in result.warnings:
        print(f"warning: {w}", file=sys.stderr)
    verb = "would add" if a.dry_run else "added"
    print(f"{verb} {len(added)} row{'s' if len(added) != 1 else ''} to {res.path}" + (" (dry run: nothing written)" if a.dry_run else ""))
    return 0


def cmd_import(a) -> int:
    from tracker import importing

    report = importing.import_file(a.kind, a.file, data=a.data, model_versions=getattr(a, "model_versions", None),
                                   vintage=getattr(a, "vintage", None), update=a.update, dry_run=a.dry_run)
    if a.json:
        print(json.dumps(report.to_dict(), indent=1))
    else:
        print(importing.report_text(report, limit=a.limit))
    return 1 if report.pending else 0
