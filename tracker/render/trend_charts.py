"""Charts of a forecast over time: the state of the art (progress) and frontier compute (compute).

progress_chart(fc)  score against release date: every model faint, the
                    state of the art as a bold step line, the target and
                    the forecast date interval
compute_chart(fc)   frontier training compute against date (log FLOP),
                    the trend and its projection, the compute-needed band
"""

from __future__ import annotations

import datetime as dt
import math

import altair as alt
import polars as pl

from tracker.data.select import state_of_the_art
from tracker.errors import UsageError
from tracker.fit.trend import date_from_decimal_year as year_to_date
from tracker.forecast.forecast import Forecast
from tracker.render import theme
from tracker.render.chart_kit import (
    PROJECTION_YEARS,
    caveats,
    chart_rows,
    days,
    finish,
    flop,
    flop_axis,
    flop_scale,
    hlines,
    interval,
    label_layer,
    month,
    notable,
    pct,
    require,
    today_layer,
)
from tracker.render.placement import Plot


# -- progress ---------------------------------------------------------------------------
def progress_chart(
    fc: Forecast,
    *,
    title: str | None = None,
    subtitle: str | None = None,
    width: int | None = None,
    labels: list[str] | None = None,
) -> alt.VConcatChart:
    """Score against release date: all models faint, the state of the art bold, the forecast date band."""
    b = fc.benchmark
    pts = fc.points
    require(pts.height, "models with a score", fc, "add scores or use a later --as-of")
    first = pts["release_date"].min()
    last = max(pts["release_date"].max(), fc.as_of)
    horizon = last.year + last.timetuple().tm_yday / 366 + PROJECTION_YEARS
    # A target already reached: the band is what the method said the day before the crossing (the report's
    # hindcast), not a forecast made today of an event that has happened.
    hc = fc.hindcast if fc.reached is not None else None
    y = fc.year if fc.reached is None else (hc.year if hc is not None else None)
    if y is not None and y.median is None:
        y = None

    def day(v: float | None) -> str:
        return year_to_date(min(horizon if v is None else v, horizon)).isoformat()

    end = max(last, year_to_date(min(y.hi95 or horizon, horizon))) if y is not None else last
    end = end + dt.timedelta(days=60)
    xscale = alt.Scale(domain=[(first - dt.timedelta(days=60)).isoformat(), end.isoformat()])
    x = alt.X("release_date:T", scale=xscale, axis=alt.Axis(title="Release date", format="%Y", tickCount="year"))
    ymin = min(0.0, float(pts["score"].min()))
    yaxis = alt.Axis(title=f"{b.name} score", format=".0%")
    yscale = alt.Scale(domain=[ymin, b.ceiling], nice=False)
    cols = ["model_name", "organization", "release_date", "score", "setting", "source_name"]
    tooltip = [
        alt.Tooltip("model_name:N", title="model"),
        alt.Tooltip("organization:N"),
        alt.Tooltip("score:Q", format=".1%"),
        alt.Tooltip("release_date:T", title="released"),
        alt.Tooltip("setting:N"),
        alt.Tooltip("source_name:N", title="source"),
    ]
    layers = []
    if y is not None:
        band = {
            "lo80": day(y.lo80),
            "hi80": day(y.hi80),
            "lo95": day(y.lo95),
            "hi95": day(y.hi95),
            "median": day(y.median),
            "target": fc.target,
            "bottom": ymin,  # the label sits low, clear of the state of the art's names near the ceiling
        }
        bd = alt.Data(values=[band])
        layers += [
            alt.Chart(bd, name="date95")
            .mark_rect(color=theme.TARGET, opacity=0.08)
            .encode(x=alt.X("lo95:T", scale=xscale), x2="hi95:T"),
            alt.Chart(bd, name="date80").mark_rect(color=theme.TARGET, opacity=0.16).encode(x="lo80:T", x2="hi80:T"),
            alt.Chart(bd, name="date_median").mark_rule(color=theme.TARGET, strokeDash=[2, 2]).encode(x="median:T"),
        ]
    layers.append(
        alt.Chart(alt.Data(values=chart_rows(pts, cols)), name="points")
        .mark_point(filled=True, color=theme.CONTEXT, opacity=0.35, size=36)
        .encode(x=x, y=alt.Y("score:Q", scale=yscale, axis=yaxis), tooltip=tooltip)
    )
    sota = state_of_the_art(pts)
    step = chart_rows(sota, cols)
    step.append({**step[-1], "release_date": last.isoformat(), "model_name": step[-1]["model_name"] + " (still best)"})
    layers += [
        alt.Chart(alt.Data(values=step), name="sota")
        .mark_line(interpolate="step-after", color=theme.INK, strokeWidth=2.5)
        .encode(x=x, y="score:Q"),
        alt.Chart(alt.Data(values=chart_rows(sota, cols)), name="sota_points")
        .mark_point(filled=True, color=theme.INK, size=44)
        .encode(x=x, y="score:Q", tooltip=tooltip),
    ]
    plot = Plot(days(first) - 60, days(end), ymin, b.ceiling, width or theme.WIDTH, theme.HEIGHT)
    plot.add_points((days(d), sc) for d, sc in pts.select("release_date", "score").rows())
    plot.block_steps([days(r["release_date"]) for r in step], [float(r["score"]) for r in step])
    layers += hlines(fc, "release_date", (first - dt.timedelta(days=45)).isoformat(), plot, days(first) - 45)
    if y is not None:  # the crossing's marks first: the today label and the names keep clear of them
        lbl = f"forecast {month(y.median)}" if hc is None else f"said the day before: {month(y.median)}"
        plot.block_point(days(band["median"]), fc.target)
        plot.block_text(days(band["median"]), ymin, lbl, dx=-5, dy=-5, align="right", baseline="bottom", bold=True)
    layers += today_layer(fc, xscale, plot)
    layers += label_layer(chart_rows(notable(fc, pts, labels), cols), x, plot, lambda r: days(r["release_date"]))
    if y is not None:
        layers += [
            alt.Chart(bd, name="crossing")
            .mark_point(shape="diamond", filled=True, size=150, color=theme.TARGET, stroke="white")
            .encode(x="median:T", y="target:Q"),
            alt.Chart(alt.Data(values=[{**band, "label": lbl}]), name="crossing_label")
            .mark_text(align="right", baseline="bottom", dx=-5, dy=-5, color=theme.TARGET, fontWeight=600)
            .encode(x="median:T", y="bottom:Q", text="label:N"),
        ]
    if fc.reached is not None:
        r = fc.reached
        sub = f"Reached {pct(fc.target)} with {r.model_name} ({r.date.isoformat()})"
        if hc is not None and y is not None:
            sub += (
                f"; the {hc.method or fc.method} forecast made the day before ({hc.as_of.isoformat()}) said "
                f"{month(y.median)} "
                f"(80%: {interval(y.lo80, y.hi80, horizon)}); shaded: its 80% and 95% intervals"
            )
    else:
        sub = (
            f"Forecast to reach {pct(fc.target)}: {month(y.median)} (80% interval "
            f"{interval(y.lo80, y.hi80, horizon)}); shaded: 80% and 95% intervals" + caveats(fc)
        )
    return finish(
        alt.layer(*layers), fc, "progress", title, subtitle, f"{b.name}: the state of the art over time", sub, width
    )


# -- compute ----------------------------------------------------------------------------
def compute_chart(
    fc: Forecast,
    *,
    title: str | None = None,
    subtitle: str | None = None,
    width: int | None = None,
    labels: list[str] | None = None,
) -> alt.VConcatChart:
    """Frontier training compute against date, the trend, its projection and the compute needed."""
    if fc.method != "compute" or fc.frontier_points is None or fc.trend is None:
        raise UsageError(
            f"the compute chart draws the compute method's trend, not --method {fc.method}; "
            "use --method compute, or draw the progress chart"
        )
    fp = fc.frontier_points.filter(pl.col("log10_compute").is_not_null())
    require(fp.height, "frontier models with a compute estimate", fc, "use an earlier --trend-since")
    tr, n, y = fc.trend, fc.log10_compute, fc.year

    def dec(d: dt.date) -> float:
        return d.year + (d.timetuple().tm_yday - 1) / 366

    last_y = dec(fp["release_date"].max())  # the fitted trend is drawn solid up to here, projected after
    now_y = max(last_y, dec(fc.as_of))
    horizon = now_y + PROJECTION_YEARS
    proj_end = min(max(y.hi80 or horizon, now_y), horizon) if y.median is not None else now_y
    start_y = float(tr.since) if tr.since else float(fp["release_date"].min().year)
    lo = min(float(fp["log10_compute"].min()), n.lo80 or math.inf)
    hi = max(float(fp["log10_compute"].max()), min(n.hi80 or -math.inf, float(tr.predict(proj_end))))
    lo, hi = math.floor(lo - 0.1), math.ceil(hi + 0.1)
    yscale = flop_scale(lo, hi)
    yax = flop_axis(lo, hi, "Training compute (FLOP, log scale)")
    first = year_to_date(start_y) - dt.timedelta(days=60)
    xscale = alt.Scale(domain=[first.isoformat(), (year_to_date(proj_end) + dt.timedelta(days=90)).isoformat()])
    x = alt.X("release_date:T", scale=xscale, axis=alt.Axis(title="Release date", format="%Y", tickCount="year"))
    yq = alt.Y("compute_flop:Q", scale=yscale, axis=yax)

    def trend_rows(a: float, b_: float, k: int = 40) -> list[dict]:
        return [
            {
                "release_date": year_to_date(a + (b_ - a) * i / k).isoformat(),
                "compute_flop": 10.0 ** float(tr.predict(a + (b_ - a) * i / k)),
            }
            for i in range(k + 1)
        ]

    layers = []
    if n.median is not None:
        need = {
            "lo": 10.0 ** max(n.lo80 or lo, lo),
            "hi": 10.0 ** min(n.hi80 or hi, hi),
            "median": 10.0 ** min(n.median, hi),
            "label": f"needed for {pct(fc.target)} on {fc.benchmark.name}: {flop(n.median)} FLOP (80% band)",
        }
        nd = alt.Data(values=[need])
        layers += [
            alt.Chart(nd, name="needed_band")
            .mark_rect(color=theme.TARGET, opacity=0.14)
            .encode(y=alt.Y("lo:Q", scale=yscale), y2="hi:Q"),
            alt.Chart(nd, name="needed")
            .mark_rule(color=theme.TARGET, strokeDash=[6, 4], strokeWidth=1.5)
            .encode(y="median:Q"),
            alt.Chart(alt.Data(values=[{**need, "release_date": first.isoformat()}]), name="needed_label")
            .mark_text(align="left", baseline="bottom", dx=4, dy=-3, color=theme.TARGET, fontWeight=600)
            .encode(x=alt.X("release_date:T", scale=xscale), y="median:Q", text="label:N"),
        ]
    cols = ["model_name", "organization", "release_date", "compute_flop"]
    layers += [
        alt.Chart(alt.Data(values=chart_rows(fp, cols)), name="points")
        .mark_point(filled=True, color=theme.CONTEXT, opacity=0.7, size=40)
        .encode(
            x=x,
            y=yq,
            tooltip=[
                alt.Tooltip("model_name:N", title="model"),
                alt.Tooltip("organization:N"),
                alt.Tooltip("release_date:T", title="released"),
                alt.Tooltip("compute_flop:Q", title="compute (FLOP)", format=".2e"),
            ],
        ),
        alt.Chart(alt.Data(values=trend_rows(start_y, last_y)), name="trend")
        .mark_line(color=theme.FIT, strokeWidth=2.5)
        .encode(x=x, y=yq),
    ]
    no_names = Plot(days(first), days(year_to_date(proj_end)) + 90, 0, 1, width or theme.WIDTH, theme.HEIGHT)
    layers += today_layer(fc, xscale, no_names)  # this chart names no models: nothing to keep clear
    if proj_end > last_y:
        layers.append(
            alt.Chart(alt.Data(values=trend_rows(last_y, proj_end)), name="projection")
            .mark_line(color=theme.FIT, strokeWidth=2.5, strokeDash=[6, 4])
            .encode(x=x, y=yq)
        )
    if y.median is not None and y.median <= horizon and n.median is not None:
        cross = {
            "release_date": year_to_date(y.median).isoformat(),
            "compute_flop": 10.0**n.median,
            "lo": year_to_date(max(y.lo80, start_y)).isoformat(),
            "hi": year_to_date(min(y.hi80 or horizon, horizon)).isoformat(),
            "label": f"{month(y.median)}",
        }
        cd = alt.Data(values=[cross])
        layers += [
            alt.Chart(cd, name="date80")
            .mark_rule(color=theme.TARGET, strokeWidth=5, opacity=0.9)
            .encode(x="lo:T", x2="hi:T", y="compute_flop:Q"),
            alt.Chart(cd, name="crossing")
            .mark_point(shape="diamond", filled=True, size=150, color=theme.TARGET, stroke="white")
            .encode(x=x, y=yq),
            alt.Chart(cd, name="crossing_label")
            .mark_text(align="left", baseline="top", dx=6, dy=8, color=theme.TARGET, fontWeight=600)
            .encode(x=x, y=yq, text="label:N"),
        ]
    sub = (
        f"Frontier compute grows x{tr.growth_per_year:.1f} a year (doubling every "
        f"{12 * tr.doubling_time_years:.1f} months); the {fc.benchmark.name} target "
        f"{pct(fc.target)} needs {flop(n.median)} FLOP, reached around {month(y.median)} "
        f"(80% interval {interval(y.lo80, y.hi80, horizon)})"
    )
    return finish(
        alt.layer(*layers), fc, "compute", title, subtitle, "Training compute of frontier AI models", sub, width
    )
