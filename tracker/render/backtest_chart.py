"""Chart of a backtest: forecast date against the date actually reached.

One point per resolved forecast (x: actual date, y: forecast median), its 80%
interval as a vertical bar, the identity line (a perfect forecast lies on it),
one panel per benchmark, colour by method. Uses the project theme
(``tracker.render.theme``); altair is imported only when a chart is built.
"""

from __future__ import annotations

from tracker.fit.trend import date_from_decimal_year as year_to_date

#: Forecast ends beyond this many years from the actual date are drawn at the panel edge.
CLIP_YEARS = 3.0


def chart(bt, *, title: str | None = None):
    """An Altair chart of ``bt`` (a ``tracker.forecast.backtest.Backtest``); the caller saves it."""
    import altair as alt

    from tracker.render import theme

    theme.use()
    rows = []
    for p in bt.points:
        if not p.resolved:
            continue
        lo_clip, hi_clip = p.actual - CLIP_YEARS, p.actual + CLIP_YEARS

        def clip(v, default):
            v = default if v is None else v
            return year_to_date(min(max(v, lo_clip), hi_clip)).isoformat()

        rows.append({
            "benchmark": p.benchmark, "method": p.method, "threshold": p.threshold, "as_of": p.as_of.isoformat(),
            "actual": year_to_date(p.actual).isoformat(), "forecast": clip(p.median, hi_clip),
            "lo80": clip(p.lo80, hi_clip), "hi80": clip(p.hi80, hi_clip), "model": p.actual_model,
        })
    data = alt.Data(values=rows)
    base = alt.Chart(data)
    x = alt.X("actual:T", title="date first reached (actual)")
    y = alt.Y("forecast:T", title="forecast date (median, 80% interval)")
    color = alt.Color("method:N", title="method")
    tip = ["benchmark:N", "method:N", "threshold:Q", "as_of:N", "actual:T", "forecast:T", "lo80:T", "hi80:T", "model:N"]
    bars = base.mark_rule(opacity=0.45, strokeWidth=2).encode(x=x, y="lo80:T", y2="hi80:T", color=color)
    pts = base.mark_point(filled=True, size=55).encode(x=x, y=y, color=color, shape="method:N", tooltip=tip)
    ident = base.mark_line(color="#6E6E6E", strokeDash=[4, 4]).encode(x="actual:T", y="actual:T")
    layer = alt.layer(ident, bars, pts).properties(width=300, height=240)
    out = layer.facet(facet=alt.Facet("benchmark:N", title=None), columns=2).resolve_scale(x="independent", y="independent")
    caption = (f"Backtest as of {bt.as_of[0]} to {bt.as_of[-1]} every 6 months; truth: data to {bt.last_data_date}. "
               f"Ends beyond +-{CLIP_YEARS:g} years drawn at the edge. Data: Epoch AI, GPAI, SWE-bench, lab reports; tracker.")
    return out.properties(title=alt.Title(title or "Forecast vs actual date a threshold was first reached",
                                          subtitle=[caption]))
