"""``tracker forecast`` and ``tracker chart``: call the API, render, return an exit code."""

from __future__ import annotations

import json
import sys

from tracker import api
from tracker.render import text


def _draw(kind: str, fc, a, paths) -> None:
    """Build the chart once and write it to every path (one fit, several files)."""
    chart = api.chart(kind, fc, title=a.title, subtitle=a.subtitle, width=a.width, labels=getattr(a, "label", None))
    for path in paths:
        api.save_chart(chart, path, a.scale)
        print(f"wrote {path}", file=sys.stderr)


def _forecast(a):
    return api.forecast(
        a.bench, a.target, data=a.data, as_of=a.as_of, source=a.source, settings=a.setting,
        include_imputed=a.include_imputed, ceiling=a.ceiling, n_boot=a.boot, seed=a.seed,
        trend_since=a.trend_since, compute_noise=getattr(a, "compute_noise", False), method=a.method,
    )


def cmd_forecast(a) -> int:
    paths = api.chart_paths([a.chart], f"{a.bench}-fit", a.scale, a.data) if a.chart else []  # fail before the bootstrap
    fc = _forecast(a)
    print(json.dumps(fc.to_dict(), indent=1) if a.json else text.report(fc))
    if a.save:
        inputs = {"bench": a.bench, "target": a.target, "as_of": a.as_of, "source": a.source, "settings": a.setting,
                  "include_imputed": a.include_imputed, "ceiling": a.ceiling, "boot": a.boot, "seed": a.seed,
                  "trend_since": a.trend_since, "compute_noise": a.compute_noise, "method": a.method}
        for path in api.save_forecast(fc, inputs, folder=a.ledger_dir, data=a.data):
            print(f"saved {path}", file=sys.stderr)
    if paths:
        a.label = None
        _draw("fit", fc, a, paths)
    return 0


def cmd_chart(a) -> int:
    paths = api.chart_paths(a.out, f"{a.bench}-{a.kind}", a.scale, a.data)  # fail before the bootstrap, not after
    a.compute_noise = False
    fc = _forecast(a)
    _draw(a.kind, fc, a, paths)
    return 0
