"""Plain-text rendering of library results for the terminal (the forecast report: ``tracker.render.report``).

Presentation only: every number printed here was computed elsewhere.
"""

from __future__ import annotations

import json
import math
import textwrap

import numpy as np
import polars as pl

from tracker.errors import exact, plural


def _num(v, fmt="{:.1f}") -> str:
    if v is None:
        return "-"
    if isinstance(v, float) and math.isinf(v):
        return "inf"
    return fmt.format(v)


BACKTEST_NOTE = (
    "Forecasts at nearby as-of dates and thresholds are correlated: the counts overstate the evidence. "
    "Errors in months (median - actual; + = too late) over resolved forecasts; cov80 counts overdue "
    "forecasts (80% interval ended, target not reached) as misses; CRPS = threshold-weighted CRPS "
    "censored at each benchmark's data end (months; lower is better); vs linear = CRPS ratio to the "
    "straight line on the same forecasts."
)


def backtest_text(bt) -> str:
    """The per-benchmark, per-method table of ``tracker backtest``, pooled rows last."""
    step = {"quick": "6 months, thresholds every 0.05", "dense": "3 months, thresholds every 0.025"}.get(
        bt.grid, bt.grid
    )
    cut = ", ".join(f"{b} {d}" for b, d in bt.cutoffs.items())
    out = [
        f"Backtest ({bt.grid} grid: as of every {step}; {bt.as_of[0]} to {bt.as_of[-1]}); "
        f"{bt.n_boot} resamples per fit, seed {bt.seed}",
        f"truth: data to {bt.last_data_date}; cutoffs: {cut}",
        textwrap.fill(BACKTEST_NOTE, 118),
        "",
    ]
    head = (
        f"{'benchmark':<19}{'method':<13}{'n':>5}{'resolved':>9}{'overdue':>8}{'|err|':>7}{'bias':>7}"
        f"{'cov80':>7}{'width':>7}{'CRPS':>7}{'vs linear':>12}"
    )
    out += [head, "-" * len(head)]
    for s in bt.summaries:
        st = s.stats
        if st.n == 0:
            continue
        lin = s.versus.get("linear")
        ratio = f"{lin['ratio']:.2f} ({lin['n']})" if lin and lin["ratio"] is not None else ""
        out.append(
            f"{s.benchmark:<19}{s.method:<13}{st.n:>5}{st.n_resolved:>9}{st.n_overdue:>8}{_num(st.mae_months):>7}"
            f"{_num(st.bias_months, '{:+.1f}'):>7}{_num(st.coverage80, '{:.0%}'):>7}"
            f"{_num(st.width80_months, '{:.0f}'):>7}{_num(st.crps_months):>7}{ratio:>12}"
        )
    notes = []
    if bt.stale:
        n = sum(bt.n_unresolvable.values())
        notes.append(
            f"Series that stopped (no model in the last year of data): {', '.join(bt.stale)}; their "
            f"{n} forecasts of targets not reached are unresolvable and left out of every score."
        )
    if any(bt.dropped.values()):
        notes.append(
            "Dropped (the crossing model was released before the as-of date but its score was not yet known): "
            + ", ".join(f"{b} {n}" for b, n in bt.dropped.items() if n)
            + " target-dates."
        )
    if bt.not_run:
        notes.append(f"{len(bt.not_run)} fits could not run (too little data as of that date); the latest reason each:")
    out += [""] + notes
    seen = set()
    for bench, meth, d, why in reversed(bt.not_run):
        if (bench, meth) in seen:
            continue
        seen.add((bench, meth))
        out.append(f"  {bench} {meth} (e.g. {d}): {why}")
    if bt.sota:
        out += ["", "State-of-the-art score forecasts (predictive), CRPS in score units:"]
        for h in sorted({p.horizon for p in bt.sota}):
            v = [p.crps for p in bt.sota if p.horizon == h]
            out.append(f"  {h * 12:.0f} months ahead: mean CRPS {np.mean(v):.3f} over {len(v)} forecasts")
    return "\n".join(out)


def ledger_text(rows) -> str:
    if not rows:
        return "No saved forecasts yet: save one with tracker forecast --bench mmlu --target 0.9 --save"
    # Column widths from the content, so a long id never runs into the next column.
    status_w = max(len("status"), *(len(r.status) for r in rows)) + 2
    bench_w = max(len("benchmark"), *(len(r.benchmark) for r in rows)) + 1
    out = [
        f"{'made':<11}{'benchmark':<{bench_w}}{'target':>7} {'method':<13}{'median':<11} {'80% interval':<26}"
        f"{'status':<{status_w}}{'actual':<11}{'error':>7}  check"
    ]
    for r in rows:
        iv = f"{r.lo80 or 'never'} to {r.hi80 or 'never'}" if r.check != "FAILED" else "-"
        err = "" if r.error_months is None else f"{r.error_months:+.1f}"
        target = f"{exact(r.target):>7}" if r.target == r.target else f"{'?':>7}"
        line = (
            f"{r.made_on:<11}{r.benchmark:<{bench_w}}{target} {r.method:<13}"
            f"{r.median or ('never' if r.check != 'FAILED' else '-'):<11} "
            f"{iv:<26}{r.status:<{status_w}}{r.actual or '-':<11}{err:>7}  {r.check}"
        )
        if r.check == "FAILED":
            line += f": {r.path} {r.problem}"
        elif r.superseded_by:
            line += f"  (not counted: {r.superseded_by} is the same question, saved later that day)"
        elif r.data_changed:
            line += f"  (changed since: {', '.join(r.changed_files) or 'data'})"
        out.append(line)
    if any(r.check == "unsigned" for r in rows):
        out.append(
            "unsigned: format-1 records saved before records carried a checksum; git history is their audit trail"
        )
    return "\n".join(out)


#: The most rows printed as an aligned table (formatting millions could not be interrupted).
TABLE_ROWS = 10_000


def frame(df: pl.DataFrame, fmt: str) -> str:
    """A table for ``tracker list`` and ``tracker sql``: aligned text, CSV or JSON."""
    if fmt == "csv":
        return df.write_csv()
    if fmt == "json":
        # NaN and infinity are not JSON: null (a strict parser refused the whole output)
        rows = [
            {k: (None if isinstance(v, float) and not math.isfinite(v) else v) for k, v in r.items()}
            for r in df.to_dicts()
        ]
        return json.dumps(rows, default=str, indent=1, allow_nan=False) + "\n"
    shown = df.head(TABLE_ROWS)
    with pl.Config(
        tbl_rows=max(shown.height, 1),
        tbl_cols=-1,
        fmt_str_lengths=60,
        tbl_width_chars=200,
        tbl_hide_dataframe_shape=True,
        tbl_hide_column_data_types=True,
    ):
        if shown.height < df.height:  # a table this long is for a file: --format csv or json prints every row
            return f"{shown}\n(the first {TABLE_ROWS:,} of {df.height:,} rows; --format csv prints them all)\n"
        return f"{df}\n({plural(df.height, 'row')})\n"


def validation(report) -> str:
    """The problems ``tracker validate`` found, errors first, one per line."""
    return "\n".join([*report.errors, *(f"warning: {w}" for w in report.warnings)])
