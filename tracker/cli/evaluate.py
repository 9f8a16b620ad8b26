"""``tracker backtest`` and ``tracker ledger``: call the API, render, return an exit code."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict

from tracker import api
from tracker.cli import progress
from tracker.render import text


def cmd_backtest(a) -> int:
    for out in (a.chart, a.calibration_chart):
        if out:
            api.check_chart_path(out, data=a.data)
    with progress.counter("backtest (benchmark x as-of date)", progress.wanted(a.json)) as step:
        bt = api.backtest(
            a.bench,
            data=a.data,
            as_of=a.as_of,
            methods=a.method,
            n_boot=a.boot,
            seed=a.seed,
            grid=a.grid,
            progress=step,
        )
    print(json.dumps(bt.to_dict(), indent=1) if a.json else text.backtest_text(bt))
    if a.chart:
        path = api.save_chart(api.backtest_chart(bt), a.chart, data=a.data)
        print(f"wrote {path}", file=sys.stderr)
    if a.calibration_chart:
        path = api.save_chart(api.backtest_chart(bt, "calibration"), a.calibration_chart, data=a.data)
        print(f"wrote {path}", file=sys.stderr)
    return 0


def cmd_ledger(a) -> int:
    rows = api.ledger(a.dir, data=a.data)
    print(json.dumps([asdict(r) for r in rows], indent=1) if a.json else text.ledger_text(rows))
    failed = sum(1 for r in rows if r.check == "FAILED")
    if failed:  # a script or CI must see a damaged or edited record
        print(f"{failed} record(s) FAILED their check: edited, truncated or not a record", file=sys.stderr)
    return 1 if failed else 0
