"""Charts of a backtest: forecast against actual dates, and calibration.

``chart(bt)``: one point per resolved forecast (x: actual date, y: forecast
median), its 80% interval as a vertical bar, the identity line (a perfect
forecast lies on it), one panel per benchmark sharing one date scale, colour
by method. ``calibration_chart(bt)``: for each nominal interval level, the
share of truths that fell inside (overdue forecasts counted as misses);
a calibrated method lies on the diagonal. Both use the project theme.
"""

from __future__ import annotations

import altair as alt

from tracker.fit.trend import date_from_decimal_year as year_to_date
from tracker.forecast.backtest import Backtest, coverage_by_level
from tracker.render import theme

#: Forecast ends beyond this many years from the actual date are drawn at the panel edge.
CLIP_YEARS = 3.0
LEVELS = tuple(round(0.1 * k, 1) for k in range(1, 10))


def _caption(bt: Backtest) -> str:
    step = {"quick": "every 6 months", "dense": "every quarter"}.get(bt.grid, bt.grid)
    return (
        f"Backtest ({bt.grid} grid) as of {bt.as_of[0]} to {bt.as_of[-1]} {step}; truth: data to "
        f"{bt.last_data_date}. Forecasts at nearby dates are correlated. Data: Epoch AI, GPAI, SWE-bench, lab "
        "reports; tracker."
    )


def chart(bt: Backtest, *, title: str | None = None, methods: tuple[str, ...] | None = None):
    """Forecast median and 80% interval against the actual date, per benchmark (the caller saves it)."""
    theme.use()
    rows = []
    for p in bt.points:
        if not p.resolved or p.actual is None or (methods and p.method not in methods):
            continue
        lo_clip, hi_clip = p.actual - CLIP_YEARS, p.actual + CLIP_YEARS

        def clip(v, default, lo_clip=lo_clip, hi_clip=hi_clip):
            v = default if v is None else v
            return year_to_date(min(max(v, lo_clip), hi_clip)).isoformat()

        rows.append(
            {
                "benchmark": p.benchmark,
                "method": p.method,
                "threshold": p.threshold,
                "as_of": p.as_of.isoformat(),
                "actual": year_to_date(p.actual).isoformat(),
                "forecast": clip(p.median, hi_clip),
                "lo80": clip(p.lo80, hi_clip),
                "hi80": clip(p.hi80, hi_clip),
                "model": p.actual_model,
            }
        )
    data = alt.Data(values=rows)
    base = alt.Chart(data)
    axis = alt.Axis(format="%Y", tickCount="year", labelAngle=0)
    x = alt.X("actual:T", title="date first reached (actual)", axis=axis)
    y = alt.Y("forecast:T", title="forecast date (median, 80% interval)", axis=axis)
    color = alt.Color("method:N", title="method")
    tip = ["benchmark:N", "method:N", "threshold:Q", "as_of:N", "actual:T", "forecast:T", "lo80:T", "hi80:T", "model:N"]
    # Shape repeats the colour for readers who cannot tell the colours apart; one legend (colour) names both.
    shape = alt.Shape("method:N", legend=None)
    bars = base.mark_rule(opacity=0.35, strokeWidth=2).encode(x=x, y="lo80:T", y2="hi80:T", color=color)
    pts = base.mark_point(filled=True, size=45).encode(x=x, y=y, color=color, shape=shape, tooltip=tip)
    ident = base.mark_line(color="#6E6E6E", strokeDash=[4, 4]).encode(x="actual:T", y="actual:T")
    layer = alt.layer(ident, bars, pts).properties(width=300, height=240)
    out = layer.facet(facet=alt.Facet("benchmark:N", title=None), columns=2).resolve_scale(x="shared", y="shared")
    return out.properties(
        title=alt.Title(title or "Forecast vs actual date a threshold was first reached", subtitle=[_caption(bt)])
    )


def calibration_chart(bt: Backtest, *, title: str | None = None, methods: tuple[str, ...] | None = None):
    """Observed coverage against the nominal level of the central interval, one line per method."""
    theme.use()
    rows = []
    for meth in methods or bt.methods:
        pts = [p for p in bt.points if p.method == meth]
        for level, cov, n in coverage_by_level(pts, LEVELS):
            if cov is not None:
                rows.append({"method": meth, "level": level, "coverage": cov, "n": n})
    base = alt.Chart(alt.Data(values=rows))
    scale = alt.Scale(domain=[0, 1])
    diag = (
        alt.Chart(alt.Data(values=[{"a": 0, "b": 0}, {"a": 1, "b": 1}]))
        .mark_line(color="#6E6E6E", strokeDash=[4, 4])
        .encode(x=alt.X("a:Q", scale=scale), y=alt.Y("b:Q", scale=scale))
    )
    lines = base.mark_line(point=True).encode(
        x=alt.X("level:Q", title="nominal level of the central interval", scale=scale, axis=alt.Axis(format=".0%")),
        y=alt.Y("coverage:Q", title="share of actual dates inside it", scale=scale, axis=alt.Axis(format=".0%")),
        color=alt.Color("method:N", title="method"),
        tooltip=["method:N", alt.Tooltip("level:Q", format=".0%"), alt.Tooltip("coverage:Q", format=".0%"), "n:Q"],
    )
    return alt.layer(diag, lines).properties(
        width=420,
        height=420,
        title=alt.Title(
            title or "Calibration: how often the truth fell inside each interval",
            subtitle=[
                "On the diagonal: calibrated. Below it: intervals too narrow (overdue forecasts count as misses).",
                _caption(bt),
            ],
        ),
    )
