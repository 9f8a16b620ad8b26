"""The pieces every forecast chart is built from: formats, axes, captions, labels, the crossing marks.

Shared by ``tracker.render.charts`` (the fit charts), ``tracker.render.trend_charts``
(progress and compute) and ``tracker.render.fan_chart``; one place for the
look the theme does not set (label halos, the "today" line, honest interval text).
"""

from __future__ import annotations

import datetime as dt
import math
import textwrap
from collections.abc import Callable

import altair as alt
import polars as pl

from tracker.data.select import state_of_the_art
from tracker.errors import FitError, UsageError, plural
from tracker.fit.trend import date_from_decimal_year as year_to_date
from tracker.forecast.forecast import Forecast
from tracker.render import theme
from tracker.render.placement import SPOTS, Plot, text_box

MIN_POINTS = 3  # fewer points than this make a misleading chart: refuse


CAPTION_CHARS = 118  # caption lines wrap here (about 600 px at 11 px type)


SUBTITLE_CHARS = 96  # subtitle lines wrap here (about 620 px at 13 px type)


FEW_POINTS = 20  # fits on fewer models get a read-with-care note


PROJECTION_YEARS = 5  # date axes stop this many years after the data; longer intervals are marked open


def days(d: dt.date | str) -> float:
    """A date in the unit date charts place names in (days since year 1)."""
    return float((dt.date.fromisoformat(d) if isinstance(d, str) else d).toordinal())


# -- formatting helpers ---------------------------------------------------------------
def flop(log10c: float | None) -> str:
    """``25.38`` -> ``"2.4e25"`` (FLOP written the way the axes label them)."""
    if log10c is None:
        return "never"
    e = math.floor(log10c)
    m = 10.0 ** (log10c - e)
    if round(m, 1) >= 10:
        m, e = m / 10, e + 1
    return f"{m:.1f}e{e}".replace(".0e", "e")


def month(year: float | None) -> str:
    return "open-ended" if year is None else year_to_date(year).strftime("%b %Y")


def capped(year: float | None, horizon: float) -> str:
    """A date, or "after 2031" when the interval runs past the axis (or never closes)."""
    return month(year) if year is not None and year <= horizon else f"after {int(horizon)}"


def interval(lo: float | None, hi: float | None, horizon: float) -> str:
    """An 80% date interval in words, honest at both ends.

    ``hi`` None means some resamples never reach the target (open-ended);
    an end beyond the axis is "after <year>"; an interval wholly beyond it
    is "after <year>" alone (never "Jul 2098 to after 2031").
    """
    if lo is not None and lo > horizon:
        return f"after {int(horizon)}"
    end = "never (open-ended)" if hi is None else capped(hi, horizon)
    return f"{month(lo)} to {end}"


def pct(x: float) -> str:
    return f"{x:.0%}" if abs(x * 100 - round(x * 100)) < 1e-9 else f"{x:.1%}"


def chart_rows(df: pl.DataFrame, cols: list[str]) -> list[dict]:
    """Inline data rows for Vega-Lite: dates as ISO strings, NaN as null."""
    out = []
    for r in df.select(cols).iter_rows(named=True):
        out.append(
            {
                k: (
                    v.isoformat()
                    if isinstance(v, dt.date)
                    else None
                    if isinstance(v, float) and not math.isfinite(v)
                    else v
                )
                for k, v in r.items()
            }
        )
    return out


def flop_axis(lo: float, hi: float, title: str, orient: str | None = None) -> alt.Axis:
    """A log axis with one label per decade (or every 2nd/3rd when crowded), written 1e24."""
    a, b = math.floor(lo), math.ceil(hi)
    step = 1 if b - a <= 10 else 2 if b - a <= 20 else 3
    values = [10.0**k for k in range(a, b + 1) if (k - a) % step == 0]
    kw = {"orient": orient} if orient else {}
    return alt.Axis(title=title, values=values, labelExpr="'1e' + round(log(datum.value) / LN10)", **kw)


def flop_scale(lo: float, hi: float) -> alt.Scale:
    return alt.Scale(type="log", domain=[10.0**lo, 10.0**hi], nice=False)


def sources(names: list[str | None]) -> str:
    """ "Epoch AI (71 models) and 3 other sources (5)" from per-model source names."""
    counts: dict[str, int] = {}
    for n in names:
        counts[n or "unknown"] = counts.get(n or "unknown", 0) + 1
    epoch = sum(c for n, c in counts.items() if "Epoch AI" in n)
    others = sorted(((c, n) for n, c in counts.items() if "Epoch AI" not in n), reverse=True)
    parts = [f"Epoch AI ({epoch} models)"] if epoch else []
    if len(others) == 1 or (others and not epoch and len(others) <= 2):
        parts += [f"{n} ({c})" for c, n in others]
    elif others:
        name = textwrap.shorten(others[0][1], 40, placeholder="...")
        parts.append(f"{len(others)} other sources such as '{name}' ({sum(c for c, _ in others)} models)")
    return " and ".join(parts) if parts else "none"


def caption(fc: Forecast, kind: str) -> list[str]:
    """The source line(s) under a chart: data sources, fit method, dates made."""
    if kind == "compute":
        fp = fc.frontier_points
        src = fp["compute_source"].to_list() if "compute_source" in fp.columns else None
        data = (
            f"Training compute of {fp.height} frontier models"
            + (f": {sources(src)}" if src else " (estimates as curated in models.csv)")
            + "."
        )
    else:
        pts = fc.points if kind in ("progress", "date") else fc.points.filter(pl.col("in_fit"))
        data = f"{fc.benchmark.name} scores of {pts.height} models: {sources(pts['source_name'].to_list())}."
        if kind == "fit" and fc.points.filter(~pl.col("in_fit") & pl.col("log10_compute").is_not_null()).height:
            data += " Hollow circles: compute imputed from benchmark scores, left out of the fit."
    if fc.method == "compute" and fc.trend is not None:
        method = (
            f"Fit: quasi-binomial sigmoid in log10 training compute on {plural(fc.data.n_fit, 'model')} "
            f"(floor {fc.benchmark.floor:g}), {fc.n_boot:,} bootstrap resamples; "
            f"trend: least squares of log10 FLOP on date over {plural(fc.trend.n, 'frontier model')}."
        )
    else:
        method = (
            f"Forecast: {fc.label}, on {plural(fc.n_points, 'data point')} (floor {fc.benchmark.floor:g}), "
            f"{fc.n_boot:,} draws."
        )
    made = f"Method '{fc.method}', made {fc.made_on.isoformat()} with data as of {fc.as_of.isoformat()} by tracker."
    return textwrap.wrap(f"{data} {method} {made}", CAPTION_CHARS)


def halo(layer: alt.LayerChart) -> alt.LayerChart:
    """Put a white outline under every text layer so labels stay legible over points and lines."""
    out = []
    for c in layer.layer:
        mark = c.mark.to_dict() if hasattr(c.mark, "to_dict") else {"type": c.mark}
        if mark.get("type") == "text":
            h = c.copy(deep=True)
            h.mark = alt.MarkDef(**{**mark, "stroke": "white", "strokeWidth": 4, "strokeJoin": "round"})
            h.name = f"{c.name}halo"
            out.append(h)
        out.append(c)
    layer.layer = out
    return layer


def finish(
    plot,
    fc: Forecast,
    kind: str,
    title: str | None,
    subtitle: str | list[str] | None,
    default_title: str,
    default_subtitle: str,
    width: int | None,
) -> alt.VConcatChart:
    theme.use()
    plot = halo(plot).properties(
        width=width or theme.WIDTH,
        height=theme.HEIGHT,
        title=caption_title(caption(fc, kind), offset=14),
    )
    sub = default_subtitle if subtitle is None else subtitle
    if isinstance(sub, str):
        sub = textwrap.wrap(sub, SUBTITLE_CHARS)
    return alt.vconcat(plot, title=alt.TitleParams(title or default_title, subtitle=sub or ""))


def caption_title(lines: list[str], **extra) -> alt.TitleParams:
    """The small grey caption under a chart (data, method, date made): one style for every chart."""
    return alt.TitleParams(
        lines,
        orient="bottom",
        anchor="start",
        fontSize=11,
        fontWeight="normal",
        color=theme.CONTEXT,
        lineHeight=15,
        **extra,
    )


def require(n: int, what: str, fc: Forecast, fix: str) -> None:
    if n < MIN_POINTS:
        raise FitError(f"{fc.benchmark.name}: only {n} {what}; a chart needs at least {MIN_POINTS}: {fix}")


def notable(fc: Forecast, pts: pl.DataFrame, labels: list[str] | None) -> pl.DataFrame:
    """The models to name on a chart: ``labels`` (ids or names) if given, else the first to reach the
    target and the last three state-of-the-art records that are far enough apart in time to be read."""
    if labels:
        keys = [k.strip().lower() for k in labels if k and k.strip()]
        hit = pts.filter(
            pl.col("model_id").str.to_lowercase().is_in(keys) | pl.col("model_name").str.to_lowercase().is_in(keys)
        )
        missing = [
            k
            for k in keys
            if k
            not in set(hit["model_id"].str.to_lowercase().to_list())
            | set(hit["model_name"].str.to_lowercase().to_list())
        ]
        if missing:
            raise UsageError(
                f"--label {missing[0]!r} names no model in this chart; use a model id or name it shows "
                "(tracker list scores --bench ...)"
            )
        return hit
    names: set[str] = set()
    if pts.height:
        # the newest records first, each at least an eighth of the chart's time span from the ones already
        # named: records weeks apart would print their names over each other
        span = pts["release_date"].max() - pts["release_date"].min()
        gap = span / 8 if span is not None else dt.timedelta(0)
        chosen: list[dt.date] = []
        for model_id, released in reversed(state_of_the_art(pts).select("model_id", "release_date").rows()):
            if len(chosen) == 3:
                break
            if all(abs(released - c) >= gap for c in chosen):
                names.add(model_id)
                chosen.append(released)
    if fc.reached is not None:
        names.add(fc.reached.model_id)
    return pts.filter(pl.col("model_id").is_in(list(names)))


def label_layer(rows: list[dict], x: alt.X, plot: Plot, xof: Callable[[dict], float], y: str = "score:Q") -> list:
    """Model names next to their points (with a white halo added by ``halo``), each in the spot around its
    point that keeps it clear of the other names and of the marks ``plot`` blocks (``tracker.render.placement``).
    ``xof`` gives a row's x in ``plot``'s unit; the newest model chooses first."""
    if not rows:
        return []
    order = sorted(rows, key=xof, reverse=True)
    spots = plot.place([(xof(r), float(r["score"]), str(r["model_name"])) for r in order])
    out = []
    for k, (dx, dy, align) in enumerate(SPOTS):
        here = [r for r, s in zip(order, spots, strict=True) if s == k]
        if here:
            out.append(
                alt.Chart(alt.Data(values=here), name="labels" if k == 0 else f"labels{k}")
                .mark_text(align=align, baseline="middle", dx=dx, dy=dy, fontSize=11, color=theme.INK)
                .encode(x=x, y=y, text="model_name:N")
            )
    return out


def today_layer(fc: Forecast, scale: alt.Scale, plot: Plot, field: str = "release_date") -> list:
    """A vertical line at the forecast's "now" (today, or its --as-of date), labelled at the top, or where the
    top is taken (the target line runs there on MMLU) at the bottom, clear of the marks ``plot`` blocks; names are
    kept off the label (``plot``'s x is in days)."""
    label = "today" if fc.as_of == fc.made_on else f"as of {fc.as_of.isoformat()}"
    align, dx, y, baseline = corner_label(plot, days(fc.as_of), label)
    row = {field: fc.as_of.isoformat(), "label": label}
    d = alt.Data(values=[row])
    return [
        alt.Chart(d, name="today")
        .mark_rule(color=theme.CONTEXT, strokeDash=[1, 3], strokeWidth=1.2)
        .encode(x=alt.X(f"{field}:T", scale=scale)),
        alt.Chart(d, name="today_label")
        .mark_text(align=align, baseline=baseline, dx=dx, y=y, color=theme.CONTEXT, fontSize=11)
        .encode(x=alt.X(f"{field}:T", scale=scale), text="label:N"),
    ]


def corner_label(plot: Plot, x: float, label: str, prefer: str = "left") -> tuple[str, int, float, str]:
    """Where the label of a vertical rule at ``x`` goes: (align, dx, y in pixels, baseline), the first of top
    right, top left, bottom right, bottom left (``prefer="right"``: left of the rule first) that is clear of the
    blocked marks and inside the plot; it is then blocked itself."""
    spots = [("left", 3, 2.0, "top"), ("right", -3, 2.0, "top")]
    spots += [("left", 3, plot.height - 2, "bottom"), ("right", -3, plot.height - 2, "bottom")]
    if prefer == "right":
        spots = [spots[1], spots[0], spots[3], spots[2]]
    px, _ = plot.px(x, plot.y1)
    boxes = [text_box(px + dx, y, label, align, baseline) for align, dx, y, baseline in spots]
    k = next((i for i, b in enumerate(boxes) if plot.clear(b)), 0)
    plot.blocked.append(boxes[k])
    return spots[k]


def flag_notes(fc: Forecast) -> str:
    """The report's flags for a subtitle: a chart is what gets published, so it says them too."""
    return "".join(f"; not a dependable date: {flag}" for flag in fc.flags)


def caveats(fc: Forecast, *, dates: bool = True) -> str:
    """What a subtitle must say: the flags when it gives a date (``dates``), then thin or open-ended fits."""
    out = flag_notes(fc) if dates else ""
    if fc.year.share_never >= 0.005:
        out += f"; {fc.year.share_never:.0%} of resamples never reach the target"
    if fc.data.n_fit < FEW_POINTS:
        out += f"; only {fc.data.n_fit} models have compute estimates: read with care"
    return out


def hlines(fc: Forecast, xfield: str, xlabel: float | str, plot: Plot, xunit: float) -> list:
    """The target line (and the chance floor, when above zero), labelled at the left (at ``xunit`` in
    ``plot``'s unit: names are kept off the labels and the target line)."""
    b = fc.benchmark
    rows = [{"y": fc.target, "label": f"target {pct(fc.target)}", "kind": "target"}]
    if b.floor > 0:
        rows.append({"y": b.floor, "label": f"chance {pct(b.floor)}", "kind": "floor"})
    out = []
    for r in rows:
        color = theme.TARGET if r["kind"] == "target" else theme.CONTEXT
        dash = [6, 4] if r["kind"] == "target" else [2, 3]
        out.append(
            alt.Chart(alt.Data(values=[r]), name=r["kind"])
            .mark_rule(color=color, strokeDash=dash, strokeWidth=1.5)
            .encode(y="y:Q")
        )
        xv = {xfield: xlabel}
        below = r["kind"] == "floor"  # under its line: early points and the step line sit just above chance
        plot.block_text(
            xunit, r["y"], r["label"], dy=3 if below else -3, baseline="top" if below else "bottom", bold=True
        )
        if r["kind"] == "target":
            plot.block_bar(plot.x0, plot.x1, r["y"], half=1.5)
        out.append(
            alt.Chart(alt.Data(values=[{**r, **xv}]), name=f"{r['kind']}_label")
            .mark_text(
                align="left", baseline="top" if below else "bottom", dy=3 if below else -3, color=color, fontWeight=600
            )
            .encode(x=alt.X(f"{xfield}:{'T' if isinstance(xlabel, str) else 'Q'}"), y="y:Q", text="label:N")
        )
    return out


def crossing(fc: Forecast, lo: float, hi: float, plot: Plot) -> list:
    """The crossing point at the target with its 80% (thick) and 95% (thin) compute interval (kept clear of
    names in ``plot``, whose x is log10 FLOP)."""
    n = fc.log10_compute
    if n.median is None:
        return []

    def clip(v, default):
        return min(max(default if v is None else v, lo), hi)

    row = {
        "y": fc.target,
        "median": 10.0 ** clip(n.median, hi),
        "lo80": 10.0 ** clip(n.lo80, lo),
        "hi80": 10.0 ** clip(n.hi80, hi),
        "lo95": 10.0 ** clip(n.lo95, lo),
        "hi95": 10.0 ** clip(n.hi95, hi),
        "label": f"{flop(n.median)} FLOP"
        + (
            " (80% interval open-ended)"
            if n.hi80 is None
            else " (95% interval open-ended)"
            if n.hi95 is None
            else " (95% interval runs past the axis)"
            if n.hi95 > hi
            else ""
        ),
    }
    plot.block_bar(clip(n.lo80, lo), clip(n.hi80, hi), fc.target, half=4)
    plot.block_bar(clip(n.lo95, lo), clip(n.hi95, hi), fc.target, half=2)
    plot.block_point(clip(n.median, hi), fc.target)
    plot.block_text(
        clip(n.median, hi), fc.target, row["label"], dx=-4, dy=-8, align="right", baseline="bottom", bold=True
    )
    data = alt.Data(values=[row])
    x = alt.X("lo95:Q")
    return [
        alt.Chart(data, name="interval95")
        .mark_rule(color=theme.TARGET, strokeWidth=1.5)
        .encode(x=x, x2="hi95:Q", y="y:Q"),
        alt.Chart(data, name="interval80")
        .mark_rule(color=theme.TARGET, strokeWidth=5, opacity=0.9)
        .encode(x="lo80:Q", x2="hi80:Q", y="y:Q"),
        alt.Chart(data, name="crossing")
        .mark_point(shape="diamond", filled=True, size=150, color=theme.TARGET, stroke="white", strokeWidth=1)
        .encode(x="median:Q", y="y:Q", tooltip=[alt.Tooltip("label:N", title="compute needed")]),
        alt.Chart(data, name="crossing_label")
        .mark_text(align="right", baseline="bottom", dx=-4, dy=-8, color=theme.TARGET, fontWeight=600)
        .encode(x="median:Q", y="y:Q", text="label:N"),
    ]
