"""Charts of a forecast for blog posts: Altair builders (they never write files).

    fit_chart(fc)       score against training compute (log FLOP): points,
                        fitted sigmoid, 80% bootstrap band, chance floor,
                        target, and the crossing with its 80%/95% interval
    date_fit_chart(fc)  the same in time, for the date method
    progress_chart, compute_chart: tracker.render.trend_charts
    chart(kind, fc)     by name: fit, progress, compute

Each chart is a one-column ``vconcat``: the plot (a layer chart whose layers
are named, e.g. ``"band"``, ``"curve"``) with the caption as its bottom title,
under the chart title and subtitle. ``tracker.render.export.save(chart, path)``
writes them by extension.
"""

from __future__ import annotations

import datetime as dt
import math

import altair as alt
import polars as pl

from tracker.data.select import state_of_the_art
from tracker.errors import UsageError, plural
from tracker.fit.trend import date_from_decimal_year as year_to_date
from tracker.forecast.forecast import Forecast
from tracker.render import theme
from tracker.render.chart_kit import (
    PROJECTION_YEARS,
    caveats,
    chart_rows,
    corner_label,
    crossing,
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
from tracker.render.trend_charts import compute_chart, progress_chart

KINDS = ("fit", "progress", "compute")


# -- fit -------------------------------------------------------------------------------
def fit_chart(
    fc: Forecast,
    *,
    title: str | None = None,
    subtitle: str | None = None,
    width: int | None = None,
    labels: list[str] | None = None,
) -> alt.VConcatChart:
    """Score against training compute with the fitted sigmoid, its band and the crossing.

    For ``--method date`` the fit is in release date: ``date_fit_chart``.
    """
    if fc.method == "date":
        return date_fit_chart(fc, title=title, subtitle=subtitle, width=width, labels=labels)
    if fc.method != "compute" or fc.curve is None or "log10_compute" not in fc.curve:
        raise UsageError(
            f"the fit chart draws --method compute or --method date, not {fc.method}; draw the progress chart for it"
        )
    b = fc.benchmark
    pts = fc.points.filter(pl.col("log10_compute").is_not_null())
    require(
        pts.filter(pl.col("in_fit")).height,
        "models with a score and a compute estimate",
        fc,
        "try --source any or --include-imputed",
    )
    curve = fc.curve
    lo = min(min(curve["log10_compute"]), float(pts["log10_compute"].min()))
    hi = max(max(curve["log10_compute"]), float(pts["log10_compute"].max()))
    xscale = flop_scale(lo, hi)
    xaxis = flop_axis(lo, hi, "Training compute (FLOP, log scale)")
    ymin = min(0.0, float(pts["score"].min()))
    yscale = alt.Scale(domain=[ymin, b.ceiling], nice=False)
    yaxis = alt.Axis(title=f"{b.name} score", format=".0%")
    x = alt.X("compute_flop:Q", scale=xscale, axis=xaxis)

    pts = pts.with_columns(
        pl.col("release_date").dt.year().alias("release_year"),
        pl.when(pl.col("in_fit"))
        .then(pl.lit("fitted"))
        .otherwise(pl.lit("not fitted (compute imputed)"))
        .alias("status"),
    )
    cols = [
        "model_name",
        "organization",
        "release_date",
        "release_year",
        "compute_flop",
        "score",
        "setting",
        "source_name",
        "status",
        "in_fit",
    ]
    tooltip = [
        alt.Tooltip("model_name:N", title="model"),
        alt.Tooltip("organization:N"),
        alt.Tooltip("score:Q", format=".1%"),
        alt.Tooltip("compute_flop:Q", title="compute (FLOP)", format=".2e"),
        alt.Tooltip("release_date:T", title="released"),
        alt.Tooltip("setting:N"),
        alt.Tooltip("source_name:N", title="source"),
    ]
    cv = [
        {"compute_flop": 10.0**xv, "lo80": lo, "median": m, "hi80": h}
        for xv, lo, m, h in zip(curve["log10_compute"], curve["lo80"], curve["median"], curve["hi80"], strict=True)
    ]
    band = (
        alt.Chart(alt.Data(values=cv), name="band")
        .mark_area(color=theme.BAND, opacity=0.35)
        .encode(x=x, y=alt.Y("lo80:Q", scale=yscale, axis=yaxis), y2="hi80:Q")
    )
    line = (
        alt.Chart(alt.Data(values=cv), name="curve")
        .mark_line(color=theme.FIT, strokeWidth=2.5)
        .encode(x=x, y="median:Q")
    )
    fitted = (
        alt.Chart(alt.Data(values=chart_rows(pts.filter(pl.col("in_fit")), cols)), name="points")
        .mark_point(filled=True, opacity=0.85, size=48, stroke="white", strokeWidth=0.5)
        .encode(
            x=x,
            y="score:Q",
            color=alt.Color("release_year:O", title="Released", scale=alt.Scale(scheme=theme.YEAR_SCHEME)),
            tooltip=tooltip,
        )
    )
    layers = [band, line, fitted]
    others = pts.filter(~pl.col("in_fit"))
    if others.height:
        layers.append(
            alt.Chart(alt.Data(values=chart_rows(others, cols)), name="excluded")
            .mark_point(shape="circle", filled=False, color=theme.CONTEXT, opacity=0.7, size=40)
            .encode(x=x, y="score:Q", tooltip=tooltip + [alt.Tooltip("status:N")])
        )
    plot = Plot(lo, hi, ymin, b.ceiling, width or theme.WIDTH, theme.HEIGHT)
    plot.add_points(pts.select("log10_compute", "score").rows())
    layers += hlines(fc, "compute_flop", 10.0 ** (lo + 0.05), plot, lo + 0.05)
    cross = crossing(fc, lo, hi, plot)  # declared before the other labels are placed, drawn over them
    if fc.frontier_max_log10_compute is not None and lo <= fc.frontier_max_log10_compute <= hi:
        now = {
            "compute_flop": 10.0**fc.frontier_max_log10_compute,
            "label": "largest model today" if fc.as_of == fc.made_on else f"largest model by {fc.as_of}",
        }
        align, dx, ypx, baseline = corner_label(plot, fc.frontier_max_log10_compute, now["label"], prefer="right")
        layers += [
            alt.Chart(alt.Data(values=[now]), name="today")
            .mark_rule(color=theme.CONTEXT, strokeDash=[1, 3], strokeWidth=1.2)
            .encode(x="compute_flop:Q"),
            alt.Chart(alt.Data(values=[now]), name="today_label")
            .mark_text(align=align, baseline=baseline, dx=dx, y=ypx, color=theme.CONTEXT, fontSize=11)
            .encode(x="compute_flop:Q", text="label:N"),
        ]
    layers += label_layer(
        chart_rows(notable(fc, pts.filter(pl.col("in_fit")), labels), cols),
        x,
        plot,
        lambda r: math.log10(r["compute_flop"]),
    )
    layers += cross
    if fc.reached is not None:
        r = pts.filter(pl.col("model_name") == fc.reached.model_name)
        if r.height:
            layers.append(
                alt.Chart(alt.Data(values=chart_rows(r, cols)), name="reached")
                .mark_point(shape="circle", filled=False, size=260, strokeWidth=2, color=theme.TARGET)
                .encode(x=x, y="score:Q", tooltip=tooltip)
            )
    n = fc.log10_compute
    upper = (
        "never (open-ended)" if n.hi80 is None else flop(n.hi80) if n.hi80 <= hi else f"beyond {flop(math.floor(hi))}"
    )
    sub = (
        f"{pct(fc.target)} needs about {flop(n.median)} FLOP (80% interval {flop(n.lo80)} to {upper}); "
        f"sigmoid fit to {fc.data.n_fit} models, band: 80% of bootstrap fits" + caveats(fc, dates=False)
    )
    return finish(
        alt.layer(*layers), fc, "fit", title, subtitle, f"{b.name}: score against training compute", sub, width
    )


def date_fit_chart(
    fc: Forecast,
    *,
    title: str | None = None,
    subtitle: str | None = None,
    width: int | None = None,
    labels: list[str] | None = None,
) -> alt.VConcatChart:
    """Score against release date (``--method date``): every model faint, the state-of-the-art records the
    fit uses, the fitted sigmoid in time with its 80% band, and the crossing with its date interval."""
    b, y, curve = fc.benchmark, fc.year, fc.curve
    pts = fc.points
    require(pts.height, "models with a score", fc, "add scores or use a later --as-of")
    if curve is None or "year" not in curve:
        raise UsageError("this forecast has no fitted curve in time; run it with --method date")
    first = pts["release_date"].min()
    last = max(pts["release_date"].max(), fc.as_of)
    horizon = last.year + last.timetuple().tm_yday / 366 + PROJECTION_YEARS
    end = max(last, year_to_date(min(y.hi80 or horizon, horizon))) if y.median is not None else last
    end = end + dt.timedelta(days=90)
    x0 = first - dt.timedelta(days=90)
    xscale = alt.Scale(domain=[x0.isoformat(), end.isoformat()])
    x = alt.X("release_date:T", scale=xscale, axis=alt.Axis(title="Release date", format="%Y", tickCount="year"))
    ymin = min(0.0, float(pts["score"].min()))
    yscale = alt.Scale(domain=[ymin, b.ceiling], nice=False)
    yaxis = alt.Axis(title=f"{b.name} score", format=".0%")
    x0y = x0.year + x0.timetuple().tm_yday / 366
    endy = end.year + end.timetuple().tm_yday / 366
    cv = [
        {"release_date": year_to_date(t).isoformat(), "lo80": lo, "median": md, "hi80": hi}
        for t, lo, md, hi in zip(curve["year"], curve["lo80"], curve["median"], curve["hi80"], strict=True)
        if x0y <= t <= endy
    ]
    cols = ["model_id", "model_name", "organization", "release_date", "score", "setting", "source_name"]
    tooltip = [
        alt.Tooltip("model_name:N", title="model"),
        alt.Tooltip("organization:N"),
        alt.Tooltip("score:Q", format=".1%"),
        alt.Tooltip("release_date:T", title="released"),
        alt.Tooltip("setting:N"),
        alt.Tooltip("source_name:N", title="source"),
    ]
    sota = state_of_the_art(pts)
    layers = [
        alt.Chart(alt.Data(values=cv), name="band")
        .mark_area(color=theme.BAND, opacity=0.35)
        .encode(x=x, y=alt.Y("lo80:Q", scale=yscale, axis=yaxis), y2="hi80:Q"),
        alt.Chart(alt.Data(values=cv), name="curve")
        .mark_line(color=theme.FIT, strokeWidth=2.5)
        .encode(x=x, y="median:Q"),
        alt.Chart(alt.Data(values=chart_rows(pts, cols)), name="points")
        .mark_point(filled=True, color=theme.CONTEXT, opacity=0.35, size=36)
        .encode(x=x, y="score:Q", tooltip=tooltip),
        alt.Chart(alt.Data(values=chart_rows(sota, cols)), name="sota_points")
        .mark_point(filled=True, color=theme.INK, size=50)
        .encode(x=x, y="score:Q", tooltip=tooltip),
    ]
    plot = Plot(days(x0), days(end), ymin, b.ceiling, width or theme.WIDTH, theme.HEIGHT)
    plot.add_points((days(d), sc) for d, sc in pts.select("release_date", "score").rows())
    layers += hlines(fc, "release_date", (first - dt.timedelta(days=60)).isoformat(), plot, days(first) - 60)

    def day(v: float | None) -> str:
        return year_to_date(min(horizon if v is None else v, horizon)).isoformat()

    if y.median is not None and y.median <= horizon:  # the crossing's marks, kept clear of the labels and names
        plot.block_bar(days(day(y.lo80)), days(day(y.hi80)), fc.target, half=4)
        plot.block_bar(days(day(y.lo95)), days(day(y.hi95)), fc.target, half=2)
        plot.block_point(days(day(y.median)), fc.target)
        plot.block_text(
            days(day(y.median)), fc.target, month(y.median), dx=-4, dy=-8, align="right", baseline="bottom", bold=True
        )
    layers += today_layer(fc, xscale, plot)
    layers += label_layer(chart_rows(notable(fc, pts, labels), cols), x, plot, lambda r: days(r["release_date"]))
    if y.median is not None and y.median <= horizon:
        cross = {
            "median": day(y.median),
            "lo80": day(y.lo80),
            "hi80": day(y.hi80),
            "lo95": day(y.lo95),
            "hi95": day(y.hi95),
            "y": fc.target,
            "label": f"{month(y.median)}",
        }
        cd = alt.Data(values=[cross])
        layers += [
            alt.Chart(cd, name="interval95")
            .mark_rule(color=theme.TARGET, strokeWidth=1.5)
            .encode(x="lo95:T", x2="hi95:T", y="y:Q"),
            alt.Chart(cd, name="interval80")
            .mark_rule(color=theme.TARGET, strokeWidth=5, opacity=0.9)
            .encode(x="lo80:T", x2="hi80:T", y="y:Q"),
            alt.Chart(cd, name="crossing")
            .mark_point(shape="diamond", filled=True, size=150, color=theme.TARGET, stroke="white")
            .encode(x="median:T", y="y:Q"),
            alt.Chart(cd, name="crossing_label")
            .mark_text(align="right", baseline="bottom", dx=-4, dy=-8, color=theme.TARGET, fontWeight=600)
            .encode(x="median:T", y="y:Q", text="label:N"),
        ]
    if fc.reached is not None:
        r = fc.reached
        sub = (
            f"Reached {pct(fc.target)} with {r.model_name} ({r.date.isoformat()}); sigmoid in release date "
            f"fitted to {plural(fc.n_points, 'state-of-the-art record')}, band: 80% of bootstrap fits"
        )
    else:
        sub = (
            f"Forecast to reach {pct(fc.target)}: {month(y.median)} (80% interval "
            f"{interval(y.lo80, y.hi80, horizon)}); sigmoid in release date fitted to "
            f"{plural(fc.n_points, 'state-of-the-art record')}, band: 80% of bootstrap fits" + caveats(fc)
        )
    return finish(alt.layer(*layers), fc, "date", title, subtitle, f"{b.name}: score against release date", sub, width)


BUILDERS = {"fit": fit_chart, "progress": progress_chart, "compute": compute_chart}


def chart(kind: str, fc: Forecast, **kw) -> alt.VConcatChart:
    """The chart ``kind`` (one of ``KINDS``) of a forecast."""
    if kind not in BUILDERS:
        raise UsageError(f"unknown chart {kind!r}; choose one of {', '.join(KINDS)}")
    return BUILDERS[kind](fc, **kw)


# -- export -----------------------------------------------------------------------------
