"""The predictive forecast as a picture: the fan of the state of the art, and when the target falls.

Top panel: every model's score over time (faint), the state of the art as a
step line, and from the data's end the simulated state of the art: its median
and 80% band. The target is a horizontal line. Bottom panel, on the same date
axis: P(a model has reached the target by this date), with the median and the
80% range marked. The "today" line marks the as-of date when it is after the
data's end. Built, never saved (``tracker.render.export``).
"""

from __future__ import annotations

import datetime as dt
import textwrap

import altair as alt

from tracker.data.select import state_of_the_art
from tracker.errors import FitError
from tracker.fit.trend import date_from_decimal_year as year_to_date
from tracker.forecast.forecast import Forecast
from tracker.render import theme

# one set of chart helpers
from tracker.render.chart_kit import CAPTION_CHARS, caption_title, chart_rows, flag_notes, pct, sources

HISTORY_YEARS = 2  # the date axis starts this many years before the data's end


def _day(year: float | None) -> str | None:
    return None if year is None else year_to_date(year).isoformat()


def fan_chart(
    fc: Forecast, *, title: str | None = None, subtitle: str | None = None, width: int | None = None
) -> alt.VConcatChart:
    """Fan of the state of the art and the first-crossing distribution (predictive forecasts only)."""
    if fc.method != "predictive" or not fc.fan or fc.data_end is None or fc.points is None:
        raise FitError("the fan chart draws a predictive forecast; use --method predictive (the default)")
    theme.use()
    b, y = fc.benchmark, fc.year
    w = width or theme.WIDTH
    start = fc.data_end.replace(year=fc.data_end.year - HISTORY_YEARS, day=min(fc.data_end.day, 28))
    # The axis ends half a year after nearly every future has crossed (or where the fan ends).
    done = next((d for d, p in fc.crossing_cdf if p >= 0.99), None)
    end = fc.fan[-1].date
    if done is not None:
        end = min(end, max(done + dt.timedelta(days=182), fc.data_end + dt.timedelta(days=365)))
    xscale = alt.Scale(domain=[start.isoformat(), end.isoformat()])
    x = alt.X("date:T", scale=xscale, axis=alt.Axis(title=None, format="%Y", tickCount="year"))
    pts = fc.points.filter(fc.points["release_date"] >= start)
    cols = ["model_name", "organization", "release_date", "score", "setting", "source_name"]
    rows = [{**r, "date": r["release_date"]} for r in chart_rows(pts, cols)]
    sota = state_of_the_art(fc.points)
    steps = [{**r, "date": r["release_date"]} for r in chart_rows(sota, cols)]
    before = [s for s in steps if s["date"] < start.isoformat()]
    steps = ([{**before[-1], "date": start.isoformat()}] if before else []) + [
        s for s in steps if s["date"] >= start.isoformat()
    ]
    steps.append({**steps[-1], "date": fc.data_end.isoformat()})
    fan = [
        {"date": p.date.isoformat(), "median": p.median, "lo80": p.lo80, "hi80": p.hi80}
        for p in fc.fan
        if p.date <= end
    ]
    # Zoom on the state of the art: from a little below where it stood at the axis' start.
    ymin = min(steps[0]["score"], fc.target) - 0.08
    yscale = alt.Scale(domain=[max(b.floor, ymin), min(b.ceiling, max(fc.target, fan[-1]["hi80"]) + 0.02)], nice=False)
    yaxis = alt.Axis(title=f"{b.name} score", format=".0%")
    tip = [
        alt.Tooltip("model_name:N", title="model"),
        alt.Tooltip("score:Q", format=".1%"),
        alt.Tooltip("date:T", title="released"),
        alt.Tooltip("setting:N"),
        alt.Tooltip("source_name:N", title="source"),
    ]
    top = [
        alt.Chart(alt.Data(values=fan), name="fan80")
        .mark_area(color=theme.BAND, opacity=0.35)
        .encode(x=x, y=alt.Y("lo80:Q", scale=yscale, axis=yaxis), y2="hi80:Q"),
        alt.Chart(alt.Data(values=fan), name="fan_median")
        .mark_line(color=theme.FIT, strokeDash=[5, 3])
        .encode(x=x, y="median:Q"),
        alt.Chart(alt.Data(values=rows), name="points")
        .mark_point(filled=True, color=theme.CONTEXT, opacity=0.35, size=30, clip=True)
        .encode(x=x, y="score:Q", tooltip=tip),
        alt.Chart(alt.Data(values=steps), name="sota")
        .mark_line(interpolate="step-after", color=theme.INK, strokeWidth=2.5, clip=True)
        .encode(x=x, y="score:Q"),
        alt.Chart(alt.Data(values=[{"target": fc.target, "label": f"target {pct(fc.target)}"}]), name="target")
        .mark_rule(color=theme.TARGET, strokeDash=[6, 3])
        .encode(y="target:Q"),
        alt.Chart(
            alt.Data(values=[{"target": fc.target, "label": f"target {pct(fc.target)}", "date": start.isoformat()}]),
            name="target_label",
        )
        .mark_text(align="left", baseline="bottom", dx=4, dy=-3, color=theme.TARGET, fontWeight=600)
        .encode(x=x, y="target:Q", text="label:N"),
    ]
    marks = [{"date": fc.data_end.isoformat(), "label": "data end", "dy": 2}]
    if fc.as_of > fc.data_end:
        marks.append({"date": min(fc.as_of, end).isoformat(), "label": "today", "dy": 16})
    rules = (
        alt.Chart(alt.Data(values=marks), name="today").mark_rule(color=theme.CONTEXT, strokeDash=[2, 2]).encode(x=x)
    )
    labels = [
        alt.Chart(alt.Data(values=[mk]))
        .mark_text(align="left", baseline="top", dx=3, dy=mk["dy"], color=theme.CONTEXT, fontSize=11)
        .encode(x=x, y=alt.value(0), text="label:N")
        for mk in marks
    ]
    top_chart = alt.layer(*top, rules, *labels).properties(width=w, height=theme.HEIGHT - 60)
    cdf = [{"date": d.isoformat(), "p": p} for d, p in fc.crossing_cdf if d <= end]
    q = [
        {"date": _day(v), "label": lab}
        for v, lab in ((y.lo80, ""), (y.median, "median"), (y.hi80, ""))
        if v is not None and _day(v) is not None and _day(v) <= end.isoformat()
    ]
    bottom = alt.layer(
        alt.Chart(alt.Data(values=cdf), name="cdf")
        .mark_area(color=theme.TARGET, opacity=0.25, line={"color": theme.TARGET})
        .encode(
            x=alt.X(
                "date:T",
                scale=xscale,
                axis=alt.Axis(
                    title="Release date of the first model to reach the target", format="%Y", tickCount="year"
                ),
            ),
            y=alt.Y(
                "p:Q", title="P(reached)", axis=alt.Axis(format=".0%", tickCount=3), scale=alt.Scale(domain=[0, 1])
            ),
        ),
        alt.Chart(alt.Data(values=q), name="quantiles").mark_rule(color=theme.TARGET).encode(x="date:T"),
        alt.Chart(alt.Data(values=q), name="quantile_labels")
        .mark_text(align="left", dx=3, baseline="top", dy=2, color=theme.TARGET, fontSize=11)
        .encode(x="date:T", y=alt.value(0), text="label:N"),
    ).properties(width=w, height=90)
    caption = (
        f"Data: {sources(fc.points['source_name'].to_list())}, to {fc.data_end}. Forecast: {fc.n_boot:,} "
        f"simulated futures of frontier models (near-frontier trend of {fc.params['n_near']} models, their "
        f"scatter and arrival rate), tracker {fc.made_on}. Band: 80% of futures."
    )
    sub = subtitle
    if sub is None:
        sub = (
            f"First model at {pct(fc.target)}: median {_month(y.median)}, 80% range {_month(y.lo80)} to "
            f"{_month(y.hi80)}" + flag_notes(fc)
            if not fc.reached
            else f"Reached {pct(fc.target)}: {fc.reached.model_name} ({fc.reached.date})"
        )
    chart = alt.vconcat(top_chart, bottom, spacing=8).properties(
        title=alt.TitleParams(
            title or f"{b.name}: when does the best model reach {pct(fc.target)}?", subtitle=textwrap.wrap(sub, 96)
        )
    )
    return alt.vconcat(
        chart,
        title=caption_title(textwrap.wrap(caption, CAPTION_CHARS)),
    )


def _month(year: float | None) -> str:
    return "not within the simulated years" if year is None else year_to_date(year).strftime("%b %Y")
