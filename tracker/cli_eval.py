"""``tracker backtest`` and ``tracker ledger``, and ``forecast --save``: parse, call, print.

Registered into ``tracker.cli``'s subparsers by ``register``; no fitting here.
"""

from __future__ import annotations

import argparse
import json
import sys


def register(sub, fmt, data_opt) -> None:
    p = sub.add_parser(
        "backtest", help="how would past forecasts have fared? (every method and baseline)",
        description="For as-of dates every 6 months from 2021 to the last data date, keep only models released and "
        "scores known by then, forecast every threshold of each benchmark's grid not yet reached, and compare with "
        "the date it was actually first reached. Reports n, median |error| and bias in months, and 80%-interval "
        "coverage per method and benchmark, with the naive baselines scored on the same forecasts.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=fmt("tracker backtest\ntracker backtest --bench gpqa --as-of 2024-07-01\n"
                   "tracker backtest --json > backtest.json\ntracker backtest --chart docs/img/backtest.png"),
    )
    p.add_argument("--bench", "-b", action="append", help="benchmark (repeatable; default: mmlu, gpqa, swe-bench, fm)")
    p.add_argument("--as-of", action="append", metavar="DATE", help="one as-of date instead of the grid (repeatable)")
    p.add_argument("--method", action="append", choices=("compute", "date", "compute+date", "linear", "sigmoid-time"),
                   help="only these methods/baselines (repeatable; default: all)")
    p.add_argument("--boot", type=int, default=None, metavar="B", help="resamples per fit (default 400)")
    p.add_argument("--seed", type=int, default=None, help="bootstrap seed (default 20240101)")
    p.add_argument("--json", action="store_true", help="print summaries and every forecast as JSON")
    p.add_argument("--chart", metavar="FILE", help="also draw forecast vs actual to FILE (.png, .svg, .html, .json)")
    data_opt(p)

    p = sub.add_parser(
        "ledger", help="list saved forecasts and score them against today's data",
        description="Read every record in the ledger folder (default: forecasts/ beside datasets/, or "
        "$TRACKER_FORECASTS) and check it against the data now: hit (reached inside the 80% interval), miss, "
        "missed (overdue: the 80% interval has ended, target not reached) or open.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=fmt("tracker ledger\ntracker ledger --json\ntracker forecast --bench gpqa --target 0.9 --save"),
    )
    p.add_argument("--dir", metavar="DIR", help="ledger folder (default: forecasts/)")
    p.add_argument("--json", action="store_true", help="print the scored records as JSON")
    data_opt(p)


def forecast_options(p) -> None:
    """The options ``forecast`` gains: --method, --save, --ledger-dir."""
    p.add_argument("--method", choices=("compute", "date", "compute+date"), default="compute",
                   help="compute (default): sigmoid in log compute; date: sigmoid in release date on the state of the "
                        "art; compute+date: both, estimating algorithmic progress. The others show one line each.")
    p.add_argument("--save", action="store_true", help="write the forecast to the ledger (forecasts/, write-once JSON)")
    p.add_argument("--ledger-dir", metavar="DIR", help="ledger folder for --save (default: forecasts/)")


def save_forecast(fc, a) -> None:
    """``--save``: the JSON record and, for the compute method, its chart if the chart module can draw it."""
    from tracker import saved as ledger

    inputs = {k: getattr(a, k, None) for k in ("bench", "target", "as_of", "source", "setting", "include_imputed",
                                                "ceiling", "boot", "seed", "trend_since", "compute_noise", "method")}
    inputs["settings"] = inputs.pop("setting")
    path = ledger.save(fc, inputs, folder=a.ledger_dir, data_dir=a.data)
    print(f"saved {path}", file=sys.stderr)
    if fc.method != "compute":
        return
    try:
        from tracker import charts
    except ImportError:  # no chart module (or no altair): the record alone is the ledger entry
        return
    try:
        charts.save(charts.fit_chart(fc), path.with_suffix(".svg"))
        print(f"saved {path.with_suffix('.svg')}", file=sys.stderr)
    except Exception as exc:  # noqa: BLE001 - a chart failure must not lose the saved record
        print(f"warning: chart not saved ({type(exc).__name__}: {exc})", file=sys.stderr)


def _progress(done: int, total: int) -> None:
    width = 30
    fill = int(width * done / max(total, 1))
    sys.stderr.write(f"\rbacktest [{'#' * fill}{'.' * (width - fill)}] {done}/{total}")
    if done == total:
        sys.stderr.write("\n")
    sys.stderr.flush()


def cmd_backtest(a) -> int:
    from tracker import api

    if a.chart:
        from tracker import charts

        charts.check_path(a.chart)
    bt = api.backtest(a.bench, data=a.data, as_of=a.as_of, methods=a.method, n_boot=a.boot, seed=a.seed,
                      progress=_progress if sys.stderr.isatty() else None)
    if a.json:
        print(json.dumps(bt.to_dict(), indent=1))
    else:
        from tracker.report import backtest_text

        print(backtest_text(bt))
    if a.chart:
        from tracker import backtest_chart, charts

        path = charts.save(backtest_chart.chart(bt), a.chart)
        print(f"wrote {path}", file=sys.stderr)
    return 0


def cmd_ledger(a) -> int:
    from dataclasses import asdict

    from tracker import saved as ledger
    from tracker.report import ledger_text

    rows = ledger.score(a.dir, data=a.data)
    if a.json:
        print(json.dumps([asdict(r) for r in rows], indent=1))
    else:
        print(ledger_text(rows))
    return 0
