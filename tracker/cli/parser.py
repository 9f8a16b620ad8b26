"""The ``tracker`` command's parser: every command, its options (groups from ``options``), help and examples.

Usage errors are raised as ``UsageLine`` (one line, exit 2: ``main`` prints
them) instead of argparse's usage dump. ``scripts/cli_reference.py`` renders
this parser into docs/cli.md and the README's command table.
"""

from __future__ import annotations

import argparse

from tracker import api
from tracker._version import __version__
from tracker.cli.options import (
    ADD_EXAMPLES,
    ADD_FIELDS,
    ADD_TABLES,
    bench_opt,
    boot_opts,
    chart_opts,
    data_opt,
    json_opt,
    number,
    output_opt,
    selection_opts,
)

EPILOG_EXIT = (
    "exit codes: 0 ok, 1 problems found or refused, 2 bad input or data, 130 interrupted "
    "(one-line message on stderr; JSON with --json)"
)


class UsageLine(Exception):
    """A usage error found by argparse: message and the prog whose help to point at."""

    def __init__(self, message: str, prog: str) -> None:
        super().__init__(message)
        self.message, self.prog = message, prog


class Parser(argparse.ArgumentParser):
    """argparse, but usage errors are raised (one line, exit 2, printed by ``main``)."""

    def error(self, message: str):  # noqa: D401 - argparse API
        raise UsageLine(message, self.prog)


def _examples(text: str) -> str:
    return "examples:\n" + "\n".join(f"  {line}" for line in text.strip().splitlines()) + "\n\n" + EPILOG_EXIT


def _command(sub, name: str, help: str, description: str, examples: str) -> argparse.ArgumentParser:
    return sub.add_parser(
        name,
        help=help,
        description=description,
        epilog=_examples(examples),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )


#: The commands each builder adds (``build_parser(command=...)`` builds only the one a command needs).
GROUPS = {
    "forecast": ("forecast", "chart"),
    "data": ("list", "validate", "sql", "data"),
    "write": ("add", "import"),
    "evaluate": ("backtest", "ledger"),
}


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The whole parser, or (``command``, one of the commands) the top level with only that command's group.

    Building all ten commands' parsers is a tenth of ``tracker forecast``'s own time (argparse
    looks up translations for every option); a command's parser and help are the same either way.
    """
    top = Parser(
        prog="tracker",
        description="Track AI benchmark progress and forecast when a threshold will be reached.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=_examples(
            "tracker forecast --bench mmlu --target 0.9\ntracker list scores --bench gpqa --limit 10\ntracker validate"
        ),
    )
    top.add_argument("--version", action="version", version=f"tracker {__version__}")
    sub = top.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    builders = {
        "forecast": _forecast_commands,
        "data": _data_commands,
        "write": _write_commands,
        "evaluate": _evaluate_commands,
    }
    for group, build in builders.items():
        if command is None or command in GROUPS[group]:
            build(sub)
    return top


def _forecast_commands(sub) -> None:
    p = _command(
        sub,
        "forecast",
        "when will a benchmark reach a target score?",
        "By default (--method predictive), simulate the frontier models still to come: the trend of near-frontier "
        "scores against date, the scatter of single models around it and how often they arrive; the first simulated "
        "model to reach the target dates it. The report gives the median date, 80% and 95% ranges, P(reached by) "
        "dates, the method's track record in the backtest, the straight line through the state of the art, and one "
        "line per other method (--method compute: a sigmoid in log10 training compute, turned into a date with the "
        "frontier compute trend). docs/method.md has the details.",
        "tracker forecast --bench mmlu --target 0.9\n"
        "tracker forecast --bench gpqa --target 0.8 --source independent --json\n"
        "tracker forecast --bench mmlu --target 0.9 --as-of 2023-03-18",
    )
    bench_opt(p)
    p.add_argument("--target", "-t", required=True, type=number, help="target score as a fraction, e.g. 0.9")
    selection_opts(p)
    p.add_argument("--ceiling", type=number, help="override the benchmark's ceiling")
    boot_opts(p, api.DEFAULT_BOOT)
    p.add_argument(
        "--trend-since",
        metavar="DATE",
        default=api.DEFAULT_TREND_SINCE.isoformat(),
        help="start of the frontier compute trend, for the methods that use compute (default %(default)s; "
        "the predictive method's own trend is the last years of near-frontier scores)",
    )
    p.add_argument(
        "--compute-noise",
        action="store_true",
        help="redraw log10 compute within its confidence band in each resample (wider intervals, "
        "but biases the slope toward zero: see docs/method.md)",
    )
    json_opt(p, "the result")
    p.add_argument(
        "--chart",
        metavar="FILE",
        help="also draw the method's chart to FILE (.png, .svg, .html or .json; a folder gets all three images): "
        "the fan chart for predictive, the fit chart for compute, the progress chart for the others",
    )
    chart_opts(p)
    data_opt(p)
    p.add_argument(
        "--method",
        choices=api.METHODS,
        default=None,
        help="predictive (default; where it declines for lack of data, the date method is shown, "
        "flagged): simulated frontier models, the first to reach the target dates it; "
        "compute: sigmoid in log compute (also answers how much compute); date: sigmoid in release "
        "date on the state of the art; compute+date: both, estimating algorithmic progress. The "
        "others and the straight line show one line each (docs/method.md)",
    )
    p.add_argument(
        "--save",
        action="store_true",
        help="write the forecast to the ledger (forecasts/, write-once JSON); only as of today: "
        "a forecast with an earlier --as-of is not saved",
    )
    p.add_argument("--ledger-dir", metavar="DIR", help="ledger folder for --save (default: forecasts/)")

    p = _command(
        sub,
        "chart",
        "draw a forecast chart for a blog post (PNG, SVG, HTML, JSON)",
        "Draw one chart of a forecast: 'fan' (the predictive forecast: the state of the art's simulated fan and "
        "when the target falls), 'fit' (score against training compute, or against release date for --method "
        "date, the fitted sigmoid, its 80% band and the crossing), 'progress' (score over time, state of the art, "
        "forecast date) or 'compute' (frontier compute trend and the compute the target needs). The forecast takes "
        "the options of tracker forecast; one fit serves every --out. The file extension picks the format.",
        "tracker chart fan --bench gpqa --target 0.95 --out gpqa-fan.png --scale 2\n"
        "tracker chart fit --bench mmlu --target 0.9 --out docs/img/mmlu-fit.png --scale 2\n"
        "tracker chart fit --bench fm --target 0.9 --method date --out fm.png --out fm.html\n"
        "tracker chart progress --bench gpqa --target 0.8 --out charts/   (PNG, SVG and HTML in charts/)\n"
        "tracker chart compute --bench swe-bench --target 0.8 --out swe.svg --title 'SWE-bench: when 80%?'",
    )
    p.add_argument("kind", choices=api.CHART_KINDS, help="which chart")
    bench_opt(p)
    p.add_argument("--target", "-t", type=number, default=0.9, help="target score as a fraction (default 0.9)")
    p.add_argument(
        "--out",
        "-o",
        required=True,
        action="append",
        metavar="FILE",
        help="output file: .png, .svg, .html (offline) or .json (Vega-Lite); repeatable; a folder "
        "(ending in /) gets PNG, SVG and HTML",
    )
    selection_opts(p)
    p.add_argument(
        "--method",
        choices=api.METHODS,
        default=None,
        help="forecast method (default: predictive for fan and progress, compute for fit and compute); "
        "the fit chart of --method date is score against date",
    )
    p.add_argument("--ceiling", type=number, help="override the benchmark's ceiling")
    p.add_argument(
        "--trend-since",
        metavar="DATE",
        default=api.DEFAULT_TREND_SINCE.isoformat(),
        help="start of the frontier compute trend (default %(default)s)",
    )
    p.add_argument(
        "--label",
        action="append",
        metavar="MODEL",
        help="label this model (id or name; repeatable); default: the notable ones (records, first to reach)",
    )
    boot_opts(p, api.DEFAULT_BOOT)
    chart_opts(p)
    data_opt(p)


def _data_commands(sub) -> None:
    p = _command(
        sub,
        "list",
        "show benchmarks, models or scores",
        "List the curated data. Filters narrow the rows; --format csv/json for scripts. "
        "'settings' lists each benchmark's known evaluation settings (the vocabulary --setting and tracker add check).",
        "tracker list benchmarks\ntracker list models --org OpenAI --with-compute\n"
        "tracker list scores --bench mmlu --setting 5-shot --limit 20\ntracker list settings --bench swe",
    )
    p.add_argument("what", choices=("benchmarks", "models", "scores", "settings"), help="which table")
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
        sub,
        "validate",
        "check a data folder against the rules",
        "Check every table against datapackage.json and the rules of the curated data. "
        "Each problem is printed as file:line: column: what is wrong, what to do.",
        "tracker validate\ntracker validate path/to/datasets",
    )
    p.add_argument(
        "path",
        nargs="?",
        help="data folder (default: the one every command finds: $TRACKER_DATA, a datasets/ folder in the current "
        "project, else the shipped copy; tracker data where says which)",
    )
    json_opt(p, "errors and warnings")

    p = _command(
        sub,
        "sql",
        "query the joined data with SQL (DuckDB)",
        "Run a read-only SQL query. Tables: benchmarks, models, scores, model_aliases, settings; "
        "views: scores_joined (scores with model and benchmark columns, and each score's known_date), "
        "frontier_models, source_lags (how long after release each source's undated numbers become known).",
        "tracker sql \"SELECT model_name, score FROM scores_joined WHERE benchmark_id = 'mmlu' "
        'ORDER BY score DESC LIMIT 5"\n'
        'tracker sql "SHOW TABLES" --format csv',
    )
    p.add_argument("query", help="one read-only SQL statement (DuckDB's parser checks it is a query)")
    p.add_argument("--db", metavar="FILE", help="also keep the database in FILE (a new file; queried read only)")
    p.add_argument("--force", action="store_true", help="with --db: replace FILE if it exists")
    output_opt(p)
    data_opt(p)

    p = _command(
        sub,
        "data",
        "make a working copy of the data (tracker data init DIR)",
        "The data shipped with tracker are read only. 'tracker data init DIR' copies them to DIR/datasets "
        "(and the saved forecasts to DIR/forecasts); run tracker from DIR, or pass --data DIR/datasets, to use "
        "and change that copy. 'tracker data where' says which data folder commands use and why.",
        "tracker data init my-tracker\ncd my-tracker && tracker add score --help\ntracker data where",
    )
    what = p.add_subparsers(dest="action", metavar="ACTION", parser_class=Parser)
    what.required = True
    q = what.add_parser(
        "init",
        help="copy the shipped data to DIR/datasets",
        description="Copy the shipped data to "
        "DIR/datasets and the saved forecasts to DIR/forecasts (refuses an existing DIR/datasets).",
        epilog=_examples("tracker data init my-tracker\ncd my-tracker && tracker validate"),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    q.add_argument("dir", metavar="DIR", help="folder to create the working copy in")
    json_opt(q, "the folders created")
    q = what.add_parser(
        "where",
        help="which data folder commands use",
        description="Print the data folder and the "
        "ledger folder commands use, and how each was found (--data, $TRACKER_DATA, project, shipped).",
        epilog=_examples("tracker data where\ntracker data where --data my-tracker/datasets --json"),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    json_opt(q, "the folders")
    data_opt(q)


def _write_commands(sub) -> None:
    p = _command(
        sub,
        "add",
        "add models, scores or name mappings (validated, atomic)",
        "Add rows to the curated tables. The new rows are checked with the rules of tracker validate "
        "against the existing data, previewed, and written atomically under a lock; an invalid row writes nothing.",
        "\n".join(ADD_EXAMPLES.values()),
    )
    what = p.add_subparsers(dest="what", metavar="WHAT", parser_class=Parser)
    what.required = True
    for kind, table in ADD_TABLES.items():
        q = what.add_parser(
            kind,
            help=f"add {table.replace('_', ' ')} rows",
            description=f"Add rows to {table}.csv: one from the options, or a batch with --from-file "
            "(a CSV with the table's header; optional columns may be left out).",
            formatter_class=argparse.RawDescriptionHelpFormatter,
            epilog=_examples(ADD_EXAMPLES[kind]),
        )
        for col, short, metavar, text in ADD_FIELDS[table]:
            names = ["--" + col.replace("_", "-")] + ([short] if short else [])
            q.add_argument(*names, dest=f"f_{col}", metavar=metavar, help=text)
        q.add_argument("--from-file", metavar="CSV", help="add every row of this CSV file instead")
        if kind == "score":
            q.add_argument(
                "--new-setting",
                action="store_true",
                help="accept a setting the benchmark does not know yet: it is added to settings.csv as "
                "non-standard, with a warning (see tracker list settings --bench B)",
            )
        q.add_argument("--dry-run", action="store_true", help="check and preview, write nothing")
        json_opt(q, "what was added")
        data_opt(q)

    p = _command(
        sub,
        "import",
        "merge a published file (Epoch AI, SWE-bench) into the data",
        "Read a published file, map its model names to ours through model_aliases.csv, add new rows "
        "and report changed values as a diff (applied only with --update). Nothing is silently overwritten.",
        "\n".join(ex for _, ex in api.IMPORT_KINDS.values()),
    )
    kinds = p.add_subparsers(dest="kind", metavar="KIND", parser_class=Parser)
    kinds.required = True
    for kind, (text, example) in api.IMPORT_KINDS.items():
        q = kinds.add_parser(
            kind,
            help=text,
            description=f"Import {text}.",
            formatter_class=argparse.RawDescriptionHelpFormatter,
            epilog=_examples(example),
        )
        q.add_argument("file", help="the published file")
        if kind != "epoch-models":
            q.add_argument(
                "--model-versions", metavar="CSV", help="Epoch AI's model_versions.csv (default: next to FILE)"
            )
        else:
            q.add_argument(
                "--vintage",
                metavar="LABEL",
                help="which file and snapshot, cited in compute_source (default: from the file and folder name)",
            )
            q.add_argument(
                "--add-new",
                metavar="SINCE",
                help="also track the file's language models released on or after SINCE (YYYY-MM-DD) that carry "
                "a compute estimate, and map entries whose name's slug is one of our ids",
            )
        q.add_argument(
            "--update", action="store_true", help="also apply the changed values (default: report them only)"
        )
        q.add_argument("--dry-run", action="store_true", help="report, write nothing")
        json_opt(q, "the report")
        q.add_argument("--limit", type=int, default=20, help="rows listed per section in the text report (default 20)")
        data_opt(q)


def _evaluate_commands(sub) -> None:
    p = _command(
        sub,
        "backtest",
        "how would past forecasts have fared? (every method and baseline)",
        "For as-of dates on a grid from 2021 to the last data date, keep only models released and scores known by "
        "then, forecast every threshold of each benchmark's grid not yet reached, and compare with the date it was "
        "first reached. Scored fairly (docs/method.md, section 8): no forecast against an event before its as-of "
        "date, overdue forecasts count as misses, a threshold-weighted CRPS censored at each benchmark's data end, "
        "methods compared on common forecasts.",
        "tracker backtest\ntracker backtest --grid dense --method predictive --method linear\n"
        "tracker backtest --bench gpqa --as-of 2024-07-01\n"
        "tracker backtest --json > backtest.json\ntracker backtest --chart docs/img/backtest.png",
    )
    p.add_argument("--bench", "-b", action="append", help="benchmark (repeatable; default: mmlu, gpqa, swe-bench, fm)")
    p.add_argument("--as-of", action="append", metavar="DATE", help="one as-of date instead of the grid (repeatable)")
    p.add_argument(
        "--method",
        action="append",
        choices=api.METHODS + api.BASELINES,
        help="only these methods/baselines (repeatable; default: all)",
    )
    p.add_argument(
        "--grid",
        choices=("quick", "dense"),
        default="quick",
        help="quick: as of every 6 months, thresholds every 0.05; dense: every 3 months and 0.025 "
        "(default %(default)s)",
    )
    boot_opts(p, api.BACKTEST_BOOT)
    json_opt(p, "summaries and every forecast")
    p.add_argument("--chart", metavar="FILE", help="also draw forecast vs actual to FILE (.png, .svg, .html, .json)")
    p.add_argument(
        "--calibration-chart",
        metavar="FILE",
        help="also draw the calibration chart (coverage at every interval level) to FILE",
    )
    data_opt(p)

    p = _command(
        sub,
        "ledger",
        "list saved forecasts and score them against today's data",
        "Read every record in the ledger folder (default: forecasts/ beside datasets/, or "
        "$TRACKER_FORECASTS) and check it against the data now: hit (reached inside the 80% interval), miss, "
        "overdue (the 80% interval has ended, target not reached) or open. Each record's own checksum is verified "
        "first: a record damaged or edited by accident is listed as FAILED, not scored, and the exit status is 1; "
        "records saved before checksums existed are 'unsigned'. The checksum is not a signature (anyone can "
        "recompute it): the audit trail is the repository's history of forecasts/.",
        "tracker ledger\ntracker ledger --json\ntracker forecast --bench gpqa --target 0.9 --save",
    )
    p.add_argument("--dir", metavar="DIR", help="ledger folder (default: forecasts/ beside the data folder)")
    json_opt(p, "the scored records")
    data_opt(p)
