"""The ``tracker`` command: the parser, the options shared by commands, and error -> exit code.

Commands live in ``tracker.cli.forecast`` (forecast, chart), ``tracker.cli.data``
(list, validate, sql, add, import) and ``tracker.cli.evaluate`` (backtest,
ledger); each handler calls ``tracker.api``, renders and returns an exit code.
The handler's module is imported only when its command runs (the one lazy
step of the CLI). Errors the user can act on (``tracker.errors``) become one
line on stderr and an exit code:

    0  success
    1  problems found (tracker validate) or a conflicting change refused
    2  bad input: unknown benchmark, impossible target, malformed data,
       too little data for a fit, bad option values
"""

from __future__ import annotations

import argparse
import sys
from importlib import import_module

from tracker import api
from tracker._version import __version__
from tracker.cli.options import (ADD_EXAMPLES, ADD_FIELDS, ADD_TABLES, bench_opt, boot_opts, chart_opts, data_opt,
                                 json_opt, output_opt, selection_opts)
from tracker.errors import TrackerError

EPILOG_EXIT = "exit codes: 0 ok, 1 problems found, 2 bad input or data (one-line message on stderr)"

# -- which module runs each command (imported when the command runs) ------------------------
HANDLERS = {
    "forecast": ("tracker.cli.forecast", "cmd_forecast"),
    "chart": ("tracker.cli.forecast", "cmd_chart"),
    "list": ("tracker.cli.data", "cmd_list"),
    "validate": ("tracker.cli.data", "cmd_validate"),
    "sql": ("tracker.cli.data", "cmd_sql"),
    "add": ("tracker.cli.data", "cmd_add"),
    "import": ("tracker.cli.data", "cmd_import"),
    "backtest": ("tracker.cli.evaluate", "cmd_backtest"),
    "ledger": ("tracker.cli.evaluate", "cmd_ledger"),
}


class _Parser(argparse.ArgumentParser):
    """argparse, but usage errors are one line and exit 2."""

    def error(self, message: str):  # noqa: D401 - argparse API
        sys.stderr.write(f"Error: {message}; see '{self.prog} --help'\n")
        raise SystemExit(2)


def _examples(text: str) -> str:
    return "examples:\n" + "\n".join(f"  {line}" for line in text.strip().splitlines()) + "\n\n" + EPILOG_EXIT


def _command(sub, name: str, help: str, description: str, examples: str) -> argparse.ArgumentParser:
    return sub.add_parser(name, help=help, description=description, epilog=_examples(examples),
                          formatter_class=argparse.RawDescriptionHelpFormatter)


# -- the parser ------------------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    top = _Parser(
        prog="tracker",
        description="Track AI benchmark progress and forecast when a threshold will be reached.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=_examples("tracker forecast --bench mmlu --target 0.9\ntracker list scores --bench gpqa --limit 10\ntracker validate"),
    )
    top.add_argument("--version", action="version", version=f"tracker {__version__}")
    sub = top.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    _forecast_commands(sub)
    _data_commands(sub)
    _write_commands(sub)
    _evaluate_commands(sub)
    return top


def _forecast_commands(sub) -> None:
    p = _command(
        sub, "forecast", "when will a benchmark reach a target score?",
        "Fit score against training compute (sigmoid in log10 FLOP), invert it at the target, "
        "and turn the compute needed into a date with the frontier compute trend. Intervals are bootstrap quantiles.",
        "tracker forecast --bench mmlu --target 0.9\ntracker forecast --bench gpqa --target 0.8 --source independent --json\n"
        "tracker forecast --bench mmlu --target 0.9 --as-of 2023-03-18")
    bench_opt(p)
    p.add_argument("--target", "-t", required=True, type=float, help="target score as a fraction, e.g. 0.9")
    selection_opts(p)
    p.add_argument("--ceiling", type=float, help="override the benchmark's ceiling")
    boot_opts(p, api.DEFAULT_BOOT)
    p.add_argument("--trend-since", metavar="DATE", default=api.DEFAULT_TREND_SINCE.isoformat(),
                   help="start of the frontier compute trend (default %(default)s)")
    p.add_argument("--compute-noise", action="store_true",
                   help="redraw log10 compute within its confidence band in each resample (wider intervals, "
                        "but biases the slope toward zero: see docs/method.md)")
    json_opt(p, "the result")
    p.add_argument("--chart", metavar="FILE", help="also draw the fit chart to FILE (.png, .svg, .html or .json)")
    chart_opts(p)
    data_opt(p)
    p.add_argument("--method", choices=api.METHODS, default=api.DEFAULT_METHOD,
                   help="compute (default): sigmoid in log compute; date: sigmoid in release date on the state of the "
                        "art; compute+date: both, estimating algorithmic progress. The others show one line each.")
    p.add_argument("--save", action="store_true", help="write the forecast to the ledger (forecasts/, write-once JSON)")
    p.add_argument("--ledger-dir", metavar="DIR", help="ledger folder for --save (default: forecasts/)")

    p = _command(
        sub, "chart", "draw a forecast chart for a blog post (PNG, SVG, HTML, JSON)",
        "Draw one chart of a forecast: 'fit' (score against training compute, the fitted sigmoid, "
        "its 80%% band and the crossing), 'progress' (score over time, state of the art, forecast date) or "
        "'compute' (frontier compute trend and the compute the target needs). The file extension picks the format.",
        "tracker chart fit --bench mmlu --target 0.9 --out docs/img/mmlu-fit.png --scale 2\n"
        "tracker chart progress --bench gpqa --target 0.8 --out gpqa.html\n"
        "tracker chart compute --bench swe-bench --target 0.8 --out swe.svg --title 'SWE-bench: when 80%?'")
    p.add_argument("kind", choices=api.CHART_KINDS, help="which chart")
    bench_opt(p)
    p.add_argument("--target", "-t", type=float, default=0.9, help="target score as a fraction (default 0.9)")
    p.add_argument("--out", "-o", required=True, metavar="FILE", help="output file: .png, .svg, .html (offline) or .json (Vega-Lite)")
    p.add_argument("--as-of", metavar="DATE", help="use only data known on or before DATE (YYYY-MM-DD)")
    boot_opts(p, api.DEFAULT_BOOT)
    chart_opts(p)
    data_opt(p)


def _data_commands(sub) -> None:
    p = _command(
        sub, "list", "show benchmarks, models or scores",
        "List the curated data. Filters narrow the rows; --format csv/json for scripts.",
        "tracker list benchmarks\ntracker list models --org OpenAI --with-compute\n"
        "tracker list scores --bench mmlu --setting 5-shot --limit 20")
    p.add_argument("what", choices=("benchmarks", "models", "scores"), help="which table")
    bench_opt(p, required=False)
    p.add_argument("--model", "-m", help="only models whose id or name contains this text")
    p.add_argument("--org", help="only models whose organization contains this text")
    p.add_argument("--setting", help="only scores with this setting")
    p.add_argument("--source", choices=("lab", "independent"), help="only scores of this source kind")
    p.add_argument("--with-compute", action="store_true", help="only models with a compute estimate")
    p.add_argument("--limit", type=int, default=None, help="at most this many rows")
    output_opt(p)
    data_opt(p)

    p = _command(
        sub, "validate", "check a data folder against the rules",
        "Check every table against datapackage.json and the rules of the curated data. "
        "Each problem is printed as file:line: column: what is wrong, what to do.",
        "tracker validate\ntracker validate path/to/datasets")
    p.add_argument("path", nargs="?", help="data folder (default: the shipped datasets)")
    json_opt(p, "errors and warnings")

    p = _command(
        sub, "sql", "query the joined data with SQL (DuckDB)",
        "Run a read-only SQL query. Tables: benchmarks, models, scores, model_aliases; "
        "views: scores_joined (scores with model and benchmark columns), frontier_models.",
        "tracker sql \"SELECT model_name, score FROM scores_joined WHERE benchmark_id = 'mmlu' ORDER BY score DESC LIMIT 5\"\n"
        "tracker sql \"SHOW TABLES\" --format csv")
    p.add_argument("query", help="the SQL query")
    p.add_argument("--db", metavar="FILE", help="keep the database in FILE instead of memory")
    output_opt(p)
    data_opt(p)


def _write_commands(sub) -> None:
    p = _command(
        sub, "add", "add models, scores or name mappings (validated, atomic)",
        "Add rows to the curated tables. The new rows are checked with the rules of tracker validate "
        "against the existing data, previewed, and written atomically under a lock; an invalid row writes nothing.",
        "\n".join(ADD_EXAMPLES.values()))
    what = p.add_subparsers(dest="what", metavar="WHAT", parser_class=_Parser)
    what.required = True
    for kind, table in ADD_TABLES.items():
        q = what.add_parser(kind, help=f"add {table.replace('_', ' ')} rows",
                            description=f"Add rows to {table}.csv: one from the options, or a batch with --from-file "
                            "(a CSV with the table's header; optional columns may be left out).",
                            formatter_class=argparse.RawDescriptionHelpFormatter,
                            epilog=_examples(ADD_EXAMPLES[kind]))
        for col, short, metavar, text in ADD_FIELDS[table]:
            names = ["--" + col.replace("_", "-")] + ([short] if short else [])
            q.add_argument(*names, dest=f"f_{col}", metavar=metavar, help=text)
        q.add_argument("--from-file", metavar="CSV", help="add every row of this CSV file instead")
        q.add_argument("--dry-run", action="store_true", help="check and preview, write nothing")
        json_opt(q, "what was added")
        data_opt(q)

    p = _command(
        sub, "import", "merge a published file (Epoch AI, SWE-bench) into the data",
        "Read a published file, map its model names to ours through model_aliases.csv, add new rows "
        "and report changed values as a diff (applied only with --update). Nothing is silently overwritten.",
        "\n".join(ex for _, ex in api.IMPORT_KINDS.values()))
    kinds = p.add_subparsers(dest="kind", metavar="KIND", parser_class=_Parser)
    kinds.required = True
    for kind, (text, example) in api.IMPORT_KINDS.items():
        q = kinds.add_parser(kind, help=text, description=f"Import {text}.",
                             formatter_class=argparse.RawDescriptionHelpFormatter, epilog=_examples(example))
        q.add_argument("file", help="the published file")
        if kind != "epoch-models":
            q.add_argument("--model-versions", metavar="CSV", help="Epoch AI's model_versions.csv (default: next to FILE)")
        else:
            q.add_argument("--vintage", metavar="LABEL",
                           help="which file and snapshot, cited in compute_source (default: from the file and folder name)")
            q.add_argument("--add-new", metavar="SINCE",
                           help="also track the file's language models released on or after SINCE (YYYY-MM-DD) that carry "
                                "a compute estimate, and map entries whose name's slug is one of our ids")
        q.add_argument("--update", action="store_true", help="also apply the changed values (default: report them only)")
        q.add_argument("--dry-run", action="store_true", help="report, write nothing")
        json_opt(q, "the report")
        q.add_argument("--limit", type=int, default=20, help="rows listed per section in the text report (default 20)")
        data_opt(q)


def _evaluate_commands(sub) -> None:
    p = _command(
        sub, "backtest", "how would past forecasts have fared? (every method and baseline)",
        "For as-of dates every 6 months from 2021 to the last data date, keep only models released and "
        "scores known by then, forecast every threshold of each benchmark's grid not yet reached, and compare with "
        "the date it was actually first reached. Reports n, median |error| and bias in months, and 80%-interval "
        "coverage per method and benchmark, with the naive baselines scored on the same forecasts.",
        "tracker backtest\ntracker backtest --bench gpqa --as-of 2024-07-01\n"
        "tracker backtest --json > backtest.json\ntracker backtest --chart docs/img/backtest.png")
    p.add_argument("--bench", "-b", action="append", help="benchmark (repeatable; default: mmlu, gpqa, swe-bench, fm)")
    p.add_argument("--as-of", action="append", metavar="DATE", help="one as-of date instead of the grid (repeatable)")
    p.add_argument("--method", action="append", choices=api.METHODS + api.BASELINES,
                   help="only these methods/baselines (repeatable; default: all)")
    boot_opts(p, api.BACKTEST_BOOT)
    json_opt(p, "summaries and every forecast")
    p.add_argument("--chart", metavar="FILE", help="also draw forecast vs actual to FILE (.png, .svg, .html, .json)")
    data_opt(p)

    p = _command(
        sub, "ledger", "list saved forecasts and score them against today's data",
        "Read every record in the ledger folder (default: forecasts/ beside datasets/, or "
        "$TRACKER_FORECASTS) and check it against the data now: hit (reached inside the 80% interval), miss, "
        "missed (overdue: the 80% interval has ended, target not reached) or open.",
        "tracker ledger\ntracker ledger --json\ntracker forecast --bench gpqa --target 0.9 --save")
    p.add_argument("--dir", metavar="DIR", help="ledger folder (default: forecasts/)")
    json_opt(p, "the scored records")
    data_opt(p)


# -- dispatch --------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version, or a usage error already printed
        return int(exc.code or 0)
    if not args.command:
        parser.print_help()
        return 2
    module, name = HANDLERS[args.command]
    try:
        return getattr(import_module(module), name)(args)
    except TrackerError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("Error: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. piped into head
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
