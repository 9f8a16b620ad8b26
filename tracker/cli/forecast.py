"""``tracker forecast`` and ``tracker chart``: call the API, render, return an exit code."""

from __future__ import annotations

import json
import sys

from tracker import api
from tracker.render import report


def _draw(kind: str, fc, a, out: str) -> None:
    path = api.save_chart(api.chart(kind, fc, title=a.title, subtitle=a.subtitle, width=a.width), out, a.scale)
    print(f"wrote {path}", file=sys.stderr)


def cmd_forecast(a) -> int:
    if a.chart:
        api.check_chart_path(a.chart, a.scale)  # fail before the bootstrap, not after
    fc = api.forecast(
        a.bench, a.target, data=a.data, as_of=a.as_of, source=a.source, settings=a.setting,
        include_imputed=a.include_imputed, ceiling=a.ceiling, n_boot=a.boot or api.DEFAULT_BOOT,
        seed=api.DEFAULT_SEED if a.seed is None else a.seed, trend_since=a.trend_since,
        compute_noise=a.compute_noise, method=a.method,
    )
    print(json.dumps(fc.to_dict(), indent=1) if a.json else report.report(fc))
    if a.save:
        inputs = {"bench": a.bench, "target": a.target, "as_of": a.as_of, "source": a.source, "settings": a.setting,
                  "include_imputed": a.include_imputed, "ceiling": a.ceiling, "boot": a.boot, "seed": a.seed,
                  "trend_since": a.trend_since, "compute_noise": a.compute_noise, "method": a.method}
        for path in api.save_forecast(fc, inputs, folder=a.ledger_dir, data=a.data):
            print(f"saved {path}", file=sys.stderr)
    if a.chart:  # the predictive fan; the compute method's fit; the other methods' dates over the state of the art
        _draw({"predictive": "fan", "compute": "fit"}.get(a.method, "progress"), fc, a, a.chart)
    return 0


def cmd_chart(a) -> int:
    api.check_chart_path(a.out, a.scale)  # fail before the bootstrap, not after
    # The fit and compute charts draw the compute method's fit; progress draws the default method's date.
    method = "compute" if a.kind in ("fit", "compute") else "predictive" if a.kind == "fan" else api.DEFAULT_METHOD
    fc = api.forecast(a.bench, a.target, data=a.data, as_of=a.as_of, n_boot=a.boot or api.DEFAULT_BOOT,
                      seed=api.DEFAULT_SEED if a.seed is None else a.seed, method=method)
    _draw(a.kind, fc, a, a.out)
    return 0
