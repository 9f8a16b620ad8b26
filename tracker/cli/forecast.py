"""``tracker forecast`` and ``tracker chart``: call the API, render, return an exit code."""

from __future__ import annotations

import datetime as dt
import json
import sys

from tracker import api
from tracker.cli import progress
from tracker.errors import UsageError
from tracker.render import report

#: The chart each method draws with ``forecast --chart``.
CHART_OF_METHOD = {"predictive": "fan", "compute": "fit"}
#: The method each chart draws unless --method says otherwise (fit and compute: the compute method's curve).
METHOD_OF_CHART = {"fan": "predictive", "fit": "compute", "compute": "compute"}


def _draw(kind: str, fc, a, paths) -> None:
    """Build the chart once and write it to every path (one fit, several files)."""
    chart = api.chart(kind, fc, title=a.title, subtitle=a.subtitle, width=a.width, labels=getattr(a, "label", None))
    for path in progress.each(paths, "charts", progress.wanted() and len(paths) > 1):
        api.save_chart(chart, path, a.scale, data=getattr(a, "data", None))
        print(f"wrote {path}", file=sys.stderr)


def _forecast(a, method: str):
    return api.forecast(
        a.bench,
        a.target,
        data=a.data,
        as_of=a.as_of,
        source=a.source,
        settings=a.setting,
        include_imputed=a.include_imputed,
        ceiling=a.ceiling,
        n_boot=a.boot,
        seed=a.seed,
        trend_since=a.trend_since,
        compute_noise=getattr(a, "compute_noise", False),
        method=method,
    )


def cmd_forecast(a) -> int:
    kind = CHART_OF_METHOD.get(a.method or api.DEFAULT_METHOD, "progress")
    paths = api.chart_paths([a.chart], f"{a.bench}-{kind}", a.scale, a.data) if a.chart else []  # fail before the work
    if a.save and a.as_of is not None and str(a.as_of) < dt.date.today().isoformat():
        raise UsageError(
            f"--save with --as-of {a.as_of}: a ledger record is made on today's data; drop --as-of to save one "
            "(tracker backtest scores past as-of dates fairly)"
        )
    if a.save:
        api.check_save(a.ledger_dir, data=a.data)  # a read-only ledger refuses before the work, not after
    fc = _forecast(a, a.method)
    kind = CHART_OF_METHOD.get(fc.method, "progress")  # the method that ran (the default may have declined)
    print(json.dumps(fc.to_dict(), indent=1) if a.json else report.report(fc))
    if a.save:
        for path in api.save_forecast(fc, folder=a.ledger_dir, data=a.data):
            print(f"saved {path}", file=sys.stderr)
    if paths:
        a.label = None
        _draw(kind, fc, a, paths)
    return 0


def cmd_chart(a) -> int:
    paths = api.chart_paths(a.out, f"{a.bench}-{a.kind}", a.scale, a.data)  # fail before the bootstrap, not after
    a.compute_noise = False
    fc = _forecast(a, a.method or METHOD_OF_CHART.get(a.kind, api.DEFAULT_METHOD))
    _draw(a.kind, fc, a, paths)
    return 0
