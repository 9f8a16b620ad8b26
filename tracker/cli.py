"""The ``tracker`` command: parse, call the library, print.

No SQL, fitting or data logic lives here. Errors the user can act on
(``tracker.errors``) become one line on stderr and an exit code:

    0  success
    1  problems found (tracker validate) or a conflicting change refused
    2  bad input: unknown benchmark, impossible target, malformed data,
       too little data for a fit, bad option values
"""

from __future__ import annotations

import argparse
import json
import sys

EPILOG_EXIT = "exit codes: 0 ok, 1 problems found, 2 bad input or data (one-line message on stderr)"


class _Parser(argparse.ArgumentParser):
    """argparse, but usage errors are one line and exit 2."""

    def error(self, message: str):  # noqa: D401 - argparse API
        sys.stderr.write(f"Error: {message}; see '{self.prog} --help'\n")
        raise SystemExit(2)


def _fmt(examples: str) -> str:
    return "examples:\n" + "\n".join(f"  {line}" for line in examples.strip().splitlines()) + "\n\n" + EPILOG_EXIT


def _data_opt(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data", metavar="DIR", help="datasets folder (default: $TRACKER_DATA, ./datasets, or the repository's)")


def _chart_opts(p: argparse.ArgumentParser) -> None:
    p.add_argument("--scale", type=float, default=1, help="PNG pixel scale, 2 for retina (default 1)")
    p.add_argument("--title", help="chart title (default: one naming the benchmark)")
    p.add_argument("--subtitle", help="chart subtitle (default: the forecast in one sentence)")
    p.add_argument("--width", type=int, help="plot width in pixels (default 600; the image is about 720)")


def _output_opt(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=("table", "csv", "json"), default="table", help="output format (default: table)")


def build_parser() -> argparse.ArgumentParser:
    top = _Parser(
        prog="tracker",
        description="Track AI benchmark progress and forecast when a threshold will be reached.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=_fmt("tracker forecast --bench mmlu --target 0.9\ntracker list scores --bench gpqa --limit 10\ntracker validate"),
    )
    top.add_argument("--version", action="version", version="tracker 0.1.0")
    sub = top.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    p = sub.add_parser(
        "forecast", help="when will a benchmark reach a target score?",
        description="Fit score against training compute (sigmoid in log10 FLOP), invert it at the target, "
        "and turn the compute needed into a date with the frontier compute trend. Intervals are bootstrap quantiles.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=_fmt("tracker forecast --bench mmlu --target 0.9\ntracker forecast --bench gpqa --target 0.8 --source independent --json\n"
                    "tracker forecast --bench mmlu --target 0.9 --as-of 2023-03-18"),
    )
    p.add_argument("--bench", "-b", required=True, help="benchmark id or alias: mmlu, gpqa, swe-bench, fm (see tracker list benchmarks)")
    p.add_argument("--target", "-t", required=True, type=float, help="target score as a fraction, e.g. 0.9")
    p.add_argument("--as-of", metavar="DATE", help="use only models released and scores known on or before DATE (YYYY-MM-DD)")
    p.add_argument("--source", choices=("lab", "independent", "any"), help="which source kind to fit (default: the benchmark's, from data)")
    p.add_argument("--setting", action="append", metavar="PATTERN", help="setting preference, repeatable, most preferred first (default: the benchmark's)")
    p.add_argument("--include-imputed", action="store_true", help="also fit models whose compute Epoch AI imputed from benchmark scores")
    p.add_argument("--ceiling", type=float, help="override the benchmark's ceiling")
    p.add_argument("--boot", type=int, default=None, metavar="B", help="bootstrap resamples (default 2000)")
    p.add_argument("--seed", type=int, default=None, help="bootstrap seed (default 20240101): same seed, same output")
    p.add_argument("--trend-since", metavar="DATE", default="2018-01-01", help="start of the frontier compute trend (default 2018-01-01)")
    p.add_argument("--compute-noise", action="store_true",
                   help="redraw log10 compute within its confidence band in each resample (wider intervals, "
                        "but biases the slope toward zero: see docs/method.md)")
    p.add_argument("--json", action="store_true", help="print the result as one JSON object")
    p.add_argument("--chart", metavar="FILE", help="also draw the fit chart to FILE (.png, .svg, .html or .json)")
    _chart_opts(p)
    _data_opt(p)

    p = sub.add_parser(
        "chart", help="draw a forecast chart for a blog post (PNG, SVG, HTML, JSON)",
        description="Draw one chart of a forecast: 'fit' (score against training compute, the fitted sigmoid, "
        "its 80%% band and the crossing), 'progress' (score over time, state of the art, forecast date) or "
        "'compute' (frontier compute trend and the compute the target needs). The file extension picks the format.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=_fmt("tracker chart fit --bench mmlu --target 0.9 --out docs/img/mmlu-fit.png --scale 2\n"
                    "tracker chart progress --bench gpqa --target 0.8 --out gpqa.html\n"
                    "tracker chart compute --bench swe-bench --target 0.8 --out swe.svg --title 'SWE-bench: when 80%?'"),
    )
    p.add_argument("kind", choices=("fit", "progress", "compute"), help="which chart")
    p.add_argument("--bench", "-b", required=True, help="benchmark id or alias: mmlu, gpqa, swe-bench, fm")
    p.add_argument("--target", "-t", type=float, default=0.9, help="target score as a fraction (default 0.9)")
    p.add_argument("--out", "-o", required=True, metavar="FILE", help="output file: .png, .svg, .html (offline) or .json (Vega-Lite)")
    p.add_argument("--as-of", metavar="DATE", help="use only data known on or before DATE (YYYY-MM-DD)")
    p.add_argument("--boot", type=int, default=None, metavar="B", help="bootstrap resamples (default 2000)")
    p.add_argument("--seed", type=int, default=None, help="bootstrap seed (default 20240101)")
    _chart_opts(p)
    _data_opt(p)

    p = sub.add_parser(
        "list", help="show benchmarks, models or scores",
        description="List the curated data. Filters narrow the rows; --format csv/json for scripts.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=_fmt("tracker list benchmarks\ntracker list models --org OpenAI --with-compute\ntracker list scores --bench mmlu --setting 5-shot --limit 20"),
    )
    p.add_argument("what", choices=("benchmarks", "models", "scores"), help="which table")
    p.add_argument("--bench", "-b", help="only this benchmark (id or alias)")
    p.add_argument("--model", "-m", help="only models whose id or name contains this text")
    p.add_argument("--org", help="only models whose organization contains this text")
    p.add_argument("--setting", help="only scores with this setting")
    p.add_argument("--source", choices=("lab", "independent"), help="only scores of this source kind")
    p.add_argument("--with-compute", action="store_true", help="only models with a compute estimate")
    p.add_argument("--limit", type=int, default=None, help="at most this many rows")
    _output_opt(p)
    _data_opt(p)

    p = sub.add_parser(
        "validate", help="check a data folder against the rules",
        description="Check every table against datapackage.json and the rules of the curated data. "
        "Each problem is printed as file:line: column: what is wrong, what to do.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=_fmt("tracker validate\ntracker validate path/to/datasets"),
    )
    p.add_argument("path", nargs="?", help="data folder (default: the shipped datasets)")
    p.add_argument("--json", action="store_true", help="print errors and warnings as JSON")

    p = sub.add_parser(
        "sql", help="query the joined data with SQL (DuckDB)",
        description="Run a read-only SQL query. Tables: benchmarks, models, scores, model_aliases; "
        "views: scores_joined (scores with model and benchmark columns), frontier_models.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=_fmt("tracker sql \"SELECT model_name, score FROM scores_joined WHERE benchmark_id = 'mmlu' ORDER BY score DESC LIMIT 5\"\n"
                    "tracker sql \"SHOW TABLES\" --format csv"),
    )
    p.add_argument("query", help="the SQL query")
    p.add_argument("--db", metavar="FILE", help="keep the database in FILE instead of memory")
    _output_opt(p)
    _data_opt(p)

    from tracker import cli_write  # add, import: the commands that change the data

    cli_write.register(sub, _fmt, _data_opt)

    from tracker import cli_eval  # backtest, ledger; forecast --method/--save

    cli_eval.register(sub, _fmt, _data_opt)
    cli_eval.forecast_options(sub.choices["forecast"])
    return top


def _print_frame(df, fmt: str) -> None:
    import polars as pl

    if fmt == "csv":
        sys.stdout.write(df.write_csv())
    elif fmt == "json":
        sys.stdout.write(json.dumps(df.to_dicts(), default=str, indent=1) + "\n")
    else:
        with pl.Config(tbl_rows=max(df.height, 1), tbl_cols=-1, fmt_str_lengths=60, tbl_width_chars=200,
                       tbl_hide_dataframe_shape=True, tbl_hide_column_data_types=True):
            print(df)
        print(f"({df.height} rows)")


def cmd_forecast(a) -> int:
    from tracker import api
    from tracker.forecasting import DEFAULT_BOOT, DEFAULT_SEED

    if a.chart:
        from tracker import charts

        charts.check_path(a.chart, a.scale)  # fail before the bootstrap, not after
    fc = api.forecast(
        a.bench, a.target, data=a.data, as_of=a.as_of, source=a.source, settings=a.setting,
        include_imputed=a.include_imputed, ceiling=a.ceiling, n_boot=a.boot or DEFAULT_BOOT,
        seed=DEFAULT_SEED if a.seed is None else a.seed, trend_since=a.trend_since,
        compute_noise=a.compute_noise, method=a.method,
    )
    if a.json:
        print(json.dumps(fc.to_dict(), indent=1))
    else:
        from tracker.report import forecast_text, method_text

        print(forecast_text(fc) if a.method == "compute" else method_text(fc))
    if a.save:
        from tracker.cli_eval import save_forecast

        save_forecast(fc, a)
    if a.chart and a.method == "compute":
        _draw("fit", fc, a, a.chart)
    elif a.chart:
        print(f"warning: --chart draws the compute method's fit; not drawn for --method {a.method}", file=sys.stderr)
    return 0


def _draw(kind: str, fc, a, out: str) -> None:
    from tracker import charts

    path = charts.save(charts.chart(kind, fc, title=a.title, subtitle=a.subtitle, width=a.width), out, a.scale)
    print(f"wrote {path}", file=sys.stderr)


def cmd_chart(a) -> int:
    from tracker import api, charts
    from tracker.forecasting import DEFAULT_BOOT, DEFAULT_SEED

    charts.check_path(a.out, a.scale)  # fail before the bootstrap, not after
    fc = api.forecast(a.bench, a.target, data=a.data, as_of=a.as_of, n_boot=a.boot or DEFAULT_BOOT,
                      seed=DEFAULT_SEED if a.seed is None else a.seed)
    _draw(a.kind, fc, a, a.out)
    return 0


def cmd_list(a) -> int:
    from tracker import listing

    df = listing.table(a.what, data=a.data, bench=a.bench, model=a.model, org=a.org, setting=a.setting,
                       source=a.source, with_compute=a.with_compute, limit=a.limit)
    _print_frame(df, a.format)
    return 0


def cmd_validate(a) -> int:
    from tracker import api

    report = api.validate(a.path)
    if a.json:
        print(json.dumps({"ok": report.ok, "errors": report.errors, "warnings": report.warnings}, indent=1))
    else:
        for e in report.errors:
            print(e)
        for w in report.warnings:
            print(f"warning: {w}")
        print(f"{'OK' if report.ok else 'FAILED'}: {len(report.errors)} errors, {len(report.warnings)} warnings", file=sys.stderr)
    return 0 if report.ok else 1


def cmd_sql(a) -> int:
    from tracker import api

    _print_frame(api.sql(a.query, data=a.data, db=a.db), a.format)
    return 0


def _lazy(module: str, name: str):
    """A command that lives in another module, imported only when it runs."""

    def run(a) -> int:
        from importlib import import_module

        return getattr(import_module(module), name)(a)

    run.__name__ = name
    return run


COMMANDS = {
    "forecast": cmd_forecast, "chart": cmd_chart, "list": cmd_list, "validate": cmd_validate, "sql": cmd_sql,
    "add": _lazy("tracker.cli_write", "cmd_add"), "import": _lazy("tracker.cli_write", "cmd_import"),
    "backtest": _lazy("tracker.cli_eval", "cmd_backtest"), "ledger": _lazy("tracker.cli_eval", "cmd_ledger"),
}


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version, or a usage error already printed
        return int(exc.code or 0)
    if not args.command:
        parser.print_help()
        return 2
    from tracker.errors import TrackerError

    try:
        return COMMANDS[args.command](args)
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
