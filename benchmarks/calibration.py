"""How good are tracker's forecasts? The dense backtest, the default rule, and the quality bars.

    python benchmarks/calibration.py              # dense backtest of every method on the shipped data
    python benchmarks/calibration.py --sweep      # also the predictive method's settings, side by side
    python benchmarks/calibration.py --no-write   # print only

Runs ``tracker backtest --grid dense`` (as of every quarter from 2021, thresholds
every 0.025) with the fair scoring of docs/method.md section 8, pooled over the
four benchmarks, and prints every quality bar of issue 12 with its value:

* 80% coverage of the default method in [70%, 90%], overdue forecasts counted as misses;
* median |error| <= 4 months (<= 3.5 for targets reached within 6 months), |bias| <= 2.5;
* threshold-weighted CRPS at least 25% below the straight line on the same forecasts;
* no median before its as-of date, no zero-width 80% interval;
* CRPS of the state of the art 6 and 12 months ahead <= 0.06;
* ``tracker forecast`` runs for every benchmark alias and targets from just above the floor to 0.99.

The default method is chosen by a written rule (docs/method.md, section 9): among
the methods (not the baselines) that can forecast all four benchmarks at the
data's end, the one whose pooled CRPS ratio to the straight line (on common
forecasts) is lowest. The script checks the package's default obeys it, and
counts the forecasts each method declined (too little data) with the straight
line's score on those, so an abstention cannot hide a weakness.

Writes ``benchmarks/results/calibration.json`` (the summaries, the coverage at
every interval level, the bars) and ``tracker/forecast/track_record.json``
(the per-benchmark record each forecast report quotes).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tracker import api  # noqa: E402
from tracker.data.catalog import resolve_benchmark  # noqa: E402
from tracker.errors import TrackerError  # noqa: E402
from tracker.forecast import backtest as bt  # noqa: E402
from tracker.forecast import methods as m  # noqa: E402
from tracker.forecast.forecast import DEFAULT_METHOD, jsonable  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "calibration.json"
TRACK = ROOT / "tracker" / "forecast" / "track_record.json"
BENCHES = tuple(bt.GRIDS)
LEVELS = tuple(round(0.1 * k, 1) for k in range(1, 10))
BARS = {
    "coverage80": (0.70, 0.90),
    "mae_months": 4.0,
    "mae_near_months": 3.5,
    "abs_bias_months": 2.5,
    "crps_ratio_linear": 0.75,
    "median_before_as_of": 0,
    "zero_width": 0,
    "sota_crps_6m": 0.06,
    "sota_crps_12m": 0.06,
}


def with_fallback(r: bt.Backtest) -> dict:
    """What a user of the default gets: the predictive forecast, or where it declined the fallback's
    (tracker.forecast.forecast.FALLBACKS), on every forecast the straight line made."""
    from tracker.forecast.forecast import FALLBACKS

    by = {}
    for p in r.points:
        if p.status != "unresolvable":
            by.setdefault(p.method, {})[p.key] = p
    lin = by.get("linear", {})
    chosen = []
    for k in lin:
        for meth in (DEFAULT_METHOD, *FALLBACKS):
            if k in by.get(meth, {}):
                chosen.append(by[meth][k])
                break
    st = bt.stats(chosen)
    ours = float(np.mean([p.crps_months for p in chosen])) if chosen else None
    theirs = float(np.mean([lin[p.key].crps_months for p in chosen])) if chosen else None
    return {
        "n": st.n,
        "coverage80": st.coverage80,
        "mae_months": st.mae_months,
        "bias_months": st.bias_months,
        "crps_months": ours,
        "crps_ratio_linear": ours / theirs if ours is not None and theirs else None,
        "n_fallback": sum(1 for p in chosen if p.method != DEFAULT_METHOD),
    }


def runs_everywhere(method: str) -> bool:
    """Whether ``method`` forecasts every benchmark of the backtest at the data's end (a default must)."""
    for b in BENCHES:
        bench = api.benchmark(b)
        try:
            api.forecast(b, round((bench.floor + bench.ceiling) / 2, 3), method=method, n_boot=200)
        except TrackerError:
            return False
    return True


def choose_default(r: bt.Backtest) -> tuple[str, dict]:
    """The written rule: lowest pooled CRPS ratio to the straight line among methods that run everywhere now."""
    pooled = {s.method: s for s in r.summaries if s.benchmark == "pooled"}
    lin_keys = {p.key for p in r.points if p.method == "linear" and p.status != "unresolvable"}
    table = {}
    for meth in m.METHODS:
        s = pooled.get(meth)
        if s is None or "linear" not in s.versus:
            continue
        v = s.versus["linear"]
        mine = {p.key for p in r.points if p.method == meth and p.status != "unresolvable"}
        declined = lin_keys - mine
        lin_there = [p.crps_months for p in r.points if p.method == "linear" and p.key in declined]
        table[meth] = {
            "ratio": v["ratio"],
            "n_common": v["n"],
            "runs_everywhere": runs_everywhere(meth),
            "declined": len(declined),
            "linear_crps_on_declined": float(np.mean(lin_there)) if lin_there else None,
        }
    eligible = {k: v for k, v in table.items() if v["runs_everywhere"] and v["ratio"] is not None}
    best = min(eligible, key=lambda k: eligible[k]["ratio"]) if eligible else DEFAULT_METHOD
    return best, table


def bars(r: bt.Backtest, method: str) -> dict:
    s = r.summary("pooled", method)
    assert s is not None
    st = s.stats
    lin = s.versus.get("linear", {})
    sota = {h: [p.crps for p in r.sota if p.horizon == h and p.method == method] for h in bt.SOTA_HORIZONS}
    values = {
        "coverage80": st.coverage80,
        "mae_months": st.mae_months,
        "mae_near_months": st.mae_near_months,
        "abs_bias_months": None if st.bias_months is None else abs(st.bias_months),
        "crps_ratio_linear": lin.get("ratio"),
        "median_before_as_of": st.n_median_before_as_of,
        "zero_width": st.n_zero_width,
        "sota_crps_6m": float(np.mean(sota[0.5])) if sota[0.5] else None,
        "sota_crps_12m": float(np.mean(sota[1.0])) if sota[1.0] else None,
    }
    out = {}
    for k, bar in BARS.items():
        v = values[k]
        ok = v is not None and (bar[0] <= v <= bar[1] if isinstance(bar, tuple) else v <= bar)
        out[k] = {"value": v, "bar": bar, "ok": bool(ok)}
    return out


def every_alias_runs(targets_per: int = 8) -> dict:
    """``tracker forecast`` for every benchmark alias, targets from just above the floor to 0.99: exit 0 or why not."""
    failures, n = [], 0
    for b in api.benchmarks():
        lo = b.floor + 0.01
        for alias in (b.id, *b.aliases):
            for t in np.linspace(lo, min(0.99, b.ceiling - 1e-3), targets_per):
                n += 1
                try:
                    api.forecast(alias, round(float(t), 3), n_boot=200)
                except TrackerError as exc:
                    failures.append(f"{alias} {t:.3f}: {exc}")
    return {"runs": n, "failures": failures}


def sweep(store, benches) -> list[dict]:
    """The predictive method's (window, delta) settings side by side on the dense grid."""
    rows = []
    saved = dict(m.PREDICTIVE_OPTIONS)
    try:
        for w in (1.0, 1.5, 2.0, 3.0):
            for d in (0.5, 1.0, 1.5):
                m.PREDICTIVE_OPTIONS.update(window=w, delta=d)
                r = bt.run(store, benches, grid=bt.DENSE, methods=("predictive", "linear"))
                s = r.summary("pooled", "predictive")
                st = s.stats
                rows.append(
                    {
                        "window": w,
                        "delta": d,
                        "n": st.n,
                        "coverage80": st.coverage80,
                        "mae": st.mae_months,
                        "bias": st.bias_months,
                        "crps": st.crps_months,
                        "ratio_linear": s.versus.get("linear", {}).get("ratio"),
                    }
                )
                print(
                    f"  window {w:>3} delta {d:>3}: n {st.n:>4} cov80 {st.coverage80:.0%} |err| {st.mae_months:.1f} "
                    f"bias {st.bias_months:+.1f} CRPS {st.crps_months:.2f} ratio {rows[-1]['ratio_linear']:.2f}"
                )
    finally:
        m.PREDICTIVE_OPTIONS.clear()
        m.PREDICTIVE_OPTIONS.update(saved)
    return rows


def ceiling_test(store, tables) -> dict:
    """MMLU with its cited ceiling (label errors) against ceiling 1, on the dense grid: which scores better?"""
    b = resolve_benchmark(tables, "mmlu")
    out = {}
    for name, ceiling in (("data", b.ceiling), ("one", 1.0)):
        r = bt.run(store, [dataclasses.replace(b, ceiling=ceiling)], grid=bt.DENSE, methods=("predictive", "date"))
        out[name] = {
            "ceiling": ceiling,
            "points": {
                (p.method, p.as_of.isoformat(), p.threshold): p.crps_months
                for p in r.points
                if p.crps_months is not None
            },
        }
    res = {}
    for meth in ("predictive", "date"):
        common = [k for k in out["data"]["points"] if k[0] == meth and k in out["one"]["points"]]
        if common:
            a = float(np.mean([out["data"]["points"][k] for k in common]))
            o = float(np.mean([out["one"]["points"][k] for k in common]))
            res[meth] = {"n": len(common), "crps_cited_ceiling": a, "crps_ceiling_1": o}
    return {"ceiling": b.ceiling, "by_method": res}


def track_records(r: bt.Backtest) -> list[dict]:
    out = []
    for s in r.summaries:
        st = s.stats
        hits = sum(
            1
            for p in r.points
            if p.method == s.method and (s.benchmark == "pooled" or p.benchmark == s.benchmark) and p.inside80 is True
        )
        lin = s.versus.get("linear", {})
        out.append(
            {
                "benchmark": s.benchmark,
                "method": s.method,
                "n": st.n,
                "n_coverage": st.n_coverage,
                "hits": hits,
                "coverage80": st.coverage80,
                "mae_months": st.mae_months,
                "bias_months": st.bias_months,
                "crps_months": st.crps_months,
                "crps_ratio_linear": lin.get("ratio"),
                # target-dates left out because the crossing had happened but was not known yet at the as-of date
                "dropped": sum(r.dropped.values()) if s.benchmark == "pooled" else r.dropped.get(s.benchmark, 0),
                "grid": r.grid,
                "data_end": r.last_data_date.isoformat(),
                "made_on": dt.date.today().isoformat(),
            }
        )
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sweep", action="store_true", help="also compare the predictive method's settings")
    ap.add_argument("--no-write", action="store_true", help="print only; write no files")
    a = ap.parse_args()
    tables = api.load()
    benches = [resolve_benchmark(tables, b) for b in BENCHES]
    t0 = time.perf_counter()
    with api.Store(tables) as store:
        r = bt.run(store, benches, grid=bt.DENSE)
        took = time.perf_counter() - t0
        swept = sweep(store, benches) if a.sweep else None
        ceil = ceiling_test(store, tables)
    from tracker.render.text import backtest_text  # noqa: E402 - presentation

    print(backtest_text(r))
    print(f"\ndense backtest: {took:.1f} s (bar < 60 s)")
    chosen, table = choose_default(r)
    print(
        "\nDefault rule (docs/method.md, section 9): lowest pooled CRPS ratio to the straight line (common "
        "forecasts) among methods that forecast all four benchmarks at the data's end:"
    )
    for k, v in table.items():
        lc = v["linear_crps_on_declined"]
        print(
            f"  {k:<13} ratio {v['ratio']:.2f} on {v['n_common']} common forecasts; runs everywhere now: "
            f"{'yes' if v['runs_everywhere'] else 'no'}; declined {v['declined']} of the line's forecasts"
            + (f" (the line's CRPS there: {lc:.1f} months)" if lc is not None else "")
        )
    print(f"  -> {chosen}; the package default is {DEFAULT_METHOD}: {'OK' if chosen == DEFAULT_METHOD else 'MISMATCH'}")
    b = bars(r, DEFAULT_METHOD)
    print(f"\nQuality bars for the default method ({DEFAULT_METHOD}), dense grid, pooled:")
    for k, v in b.items():
        val = v["value"]
        shown = "-" if val is None else (f"{val:.0%}" if k == "coverage80" else f"{val:.3g}")
        print(f"  {'PASS' if v['ok'] else 'FAIL'}  {k:<20} {shown:>8}   bar {v['bar']}")
    wf = with_fallback(r)
    print(
        f"\nWhat the default gives on every forecast the straight line made ({wf['n']}; the fallback on "
        f"{wf['n_fallback']} where predictive declined): cov80 {wf['coverage80']:.0%}, |err| {wf['mae_months']:.1f} "
        f"months, bias {wf['bias_months']:+.1f}, CRPS {wf['crps_ratio_linear']:.2f}x the line's"
    )
    levels = {meth: bt.coverage_by_level([p for p in r.points if p.method == meth], LEVELS) for meth in r.methods}
    print(
        "\nCoverage by interval level (default method): "
        + ", ".join(f"{lv:.0%}: {c:.0%}" for lv, c, _ in levels[DEFAULT_METHOD] if c is not None)
    )
    print(f"\nMMLU ceiling {ceil['ceiling']:g} (cited) against 1, dense grid, mean CRPS on common forecasts (months):")
    for meth, v in ceil["by_method"].items():
        print(f"  {meth:<11} {v['crps_cited_ceiling']:.2f} vs {v['crps_ceiling_1']:.2f} over {v['n']} forecasts")
    runs = every_alias_runs()
    print(
        f"\ntracker forecast on every alias, targets floor+0.01 to 0.99: {runs['runs']} runs, "
        f"{len(runs['failures'])} failures" + ("".join(f"\n  {f}" for f in runs["failures"][:20]))
    )
    if a.no_write:
        return 0
    result = {
        "made_on": dt.date.today().isoformat(),
        "grid": "dense",
        "seconds": took,
        "default": DEFAULT_METHOD,
        "rule": table,
        "chosen": chosen,
        "bars": b,
        "with_fallback": wf,
        "coverage_by_level": levels,
        "predictive_options": dict(m.PREDICTIVE_OPTIONS),
        "every_alias": runs,
        "sweep": swept,
        "ceiling_test": ceil,
        "backtest": r.to_dict(),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(jsonable(result), indent=1) + "\n", encoding="utf-8")
    TRACK.write_text(
        json.dumps(
            jsonable(
                {
                    "note": "written by benchmarks/calibration.py: dense backtest of the shipped "
                    "data; quoted by every forecast report",
                    "benchmarks": [b.id for b in benches],
                    "records": track_records(r),
                }
            ),
            indent=1,
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"\nwrote {RESULTS.relative_to(ROOT)} and {TRACK.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
