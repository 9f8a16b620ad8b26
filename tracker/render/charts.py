"""Charts of a forecast for blog posts: Altair builders and export by extension.

Three builders take a ``tracker.forecasting.Forecast`` and return an Altair
chart (they never write files)::

    fit_chart(fc)       score against training compute (log FLOP): points,
                        fitted sigmoid, 80% bootstrap band, chance floor,
                        target, and the crossing with its 80%/95% interval
    progress_chart(fc)  score against release date: every model faint, the
                        state of the art as a bold step line, the target and
                        the forecast date interval
    compute_chart(fc)   frontier training compute against date (log FLOP),
                        the trend and its projection, the compute-needed band

Each chart is a one-column ``vconcat``: the plot (a layer chart whose layers
are named, e.g. ``"band"``, ``"curve"``) with the caption as its bottom title,
under the chart title and subtitle. ``tracker.render.export.save(chart, path)``
writes them by extension.
"""

from __future__ import annotations

import datetime as dt
import math
import textwrap

import altair as alt
import polars as pl

from tracker.data.select import state_of_the_art
from tracker.errors import FitError, UsageError, plural
from tracker.fit.trend import date_from_decimal_year as year_to_date
from tracker.forecast.forecast import Forecast
from tracker.render import theme

KINDS = ("fit", "progress", "compute")
MIN_POINTS = 3  # fewer points than this make a misleading chart: refuse
CAPTION_CHARS = 118  # caption lines wrap here (about 600 px at 11 px type)
SUBTITLE_CHARS = 96  # subtitle lines wrap here (about 620 px at 13 px type)
FEW_POINTS = 20  # fits on fewer models get a read-with-care note
PROJECTION_YEARS = 5  # date axes stop this many years after the data; longer intervals are marked open


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


def _month(year: float | None) -> str:
    return "open-ended" if year is None else year_to_date(year).strftime("%b %Y")


def _capped(year: float | None, horizon: float) -> str:
    """A date, or "after 2031" when the interval runs past the axis (or never closes)."""
    return _month(year) if year is not None and year <= horizon else f"after {int(horizon)}"


def _interval(lo: float | None, hi: float | None, horizon: float) -> str:
    """An 80% date interval in words, honest at both ends.

    ``hi`` None means some resamples never reach the target (open-ended);
    an end beyond the axis is "after <year>"; an interval wholly beyond it
    is "after <year>" alone (never "Jul 2098 to after 2031").
    """
    if lo is not None and lo > horizon:
        return f"after {int(horizon)}"
    end = "never (open-ended)" if hi is None else _capped(hi, horizon)
    return f"{_month(lo)} to {end}"


def _pct(x: float) -> str:
    return f"{x:.0%}" if abs(x * 100 - round(x * 100)) < 1e-9 else f"{x:.1%}"


def _rows(df: pl.DataFrame, cols: list[str]) -> list[dict]:
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


def _flop_axis(lo: float, hi: float, title: str, orient: str | None = None) -> alt.Axis:
    """A log axis with one label per decade (or every 2nd/3rd when crowded), written 1e24."""
    a, b = math.floor(lo), math.ceil(hi)
    step = 1 if b - a <= 10 else 2 if b - a <= 20 else 3
    values = [10.0**k for k in range(a, b + 1) if (k - a) % step == 0]
    kw = {"orient": orient} if orient else {}
    return alt.Axis(title=title, values=values, labelExpr="'1e' + round(log(datum.value) / LN10)", **kw)


def _flop_scale(lo: float, hi: float) -> alt.Scale:
    return alt.Scale(type="log", domain=[10.0**lo, 10.0**hi], nice=False)


def _sources(names: list[str | None]) -> str:
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
            + (f": {_sources(src)}" if src else " (estimates as curated in models.csv)")
            + "."
        )
    else:
        pts = fc.points if kind in ("progress", "date") else fc.points.filter(pl.col("in_fit"))
        data = f"{fc.benchmark.name} scores of {pts.height} models: {_sources(pts['source_name'].to_list())}."
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


def _halo(layer: alt.LayerChart) -> alt.LayerChart:
    """Put a white outline under every text layer so labels stay legible over points and lines."""
    out = []
    for c in layer.layer:
        mark = c.mark.to_dict() if hasattr(c.mark, "to_dict") else {"type": c.mark}
        if mark.get("type") == "text":
            h = c.copy(deep=True)
            h.mark = alt.MarkDef(**{**mark, "stroke": "white", "strokeWidth": 4, "strokeJoin": "round"})
            h.name = f"{c.name}_halo"
            out.append(h)
        out.append(c)
    layer.layer = out
    return layer


def _finish(
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
    plot = _halo(plot).properties(
        width=width or theme.WIDTH,
        height=theme.HEIGHT,
        title=alt.TitleParams(
            caption(fc, kind),
            orient="bottom",
            anchor="start",
            fontSize=11,
            fontWeight="normal",
            color=theme.CONTEXT,
            offset=14,
            lineHeight=15,
        ),
    )
    sub = default_subtitle if subtitle is None else subtitle
    if isinstance(sub, str):
        sub = textwrap.wrap(sub, SUBTITLE_CHARS)
    return alt.vconcat(plot, title=alt.TitleParams(title or default_title, subtitle=sub or ""))


def _need(n: int, what: str, fc: Forecast, fix: str) -> None:
    if n < MIN_POINTS:
        raise FitError(f"{fc.benchmark.name}: only {n} {what}; a chart needs at least {MIN_POINTS}: {fix}")


def _notable(fc: Forecast, pts: pl.DataFrame, labels: list[str] | None) -> pl.DataFrame:
    """The models to name on a chart: ``labels`` (ids or names) if given, else the first to reach the
    target and the last three state-of-the-art records."""
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
    names = set(state_of_the_art(pts).tail(3)["model_id"].to_list()) if pts.height else set()
    if fc.reached is not None:
        names.add(fc.reached.model_id)
    return pts.filter(pl.col("model_id").is_in(list(names)))


def _label_layer(rows: list[dict], x: alt.X, y: str = "score:Q") -> list:
    """Model names next to their points (with a white halo added by ``_halo``)."""
    if not rows:
        return []
    return [
        alt.Chart(alt.Data(values=rows), name="labels")
        .mark_text(align="left", baseline="middle", dx=7, dy=-7, fontSize=11, color=theme.INK)
        .encode(x=x, y=y, text="model_name:N")
    ]


def _today_layer(fc: Forecast, scale: alt.Scale, field: str = "release_date") -> list:
    """A vertical line at the forecast's "now" (today, or its --as-of date), labelled."""
    label = "today" if fc.as_of == fc.made_on else f"as of {fc.as_of.isoformat()}"
    row = {field: fc.as_of.isoformat(), "label": label}
    d = alt.Data(values=[row])
    return [
        alt.Chart(d, name="today")
        .mark_rule(color=theme.CONTEXT, strokeDash=[1, 3], strokeWidth=1.2)
        .encode(x=alt.X(f"{field}:T", scale=scale)),
        alt.Chart(d, name="today_label")
        .mark_text(align="left", baseline="top", dx=3, y=2, color=theme.CONTEXT, fontSize=11)
        .encode(x=alt.X(f"{field}:T", scale=scale), text="label:N"),
    ]


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
    _need(
        pts.filter(pl.col("in_fit")).height,
        "models with a score and a compute estimate",
        fc,
        "try --source any or --include-imputed",
    )
    curve = fc.curve
    lo = min(min(curve["log10_compute"]), float(pts["log10_compute"].min()))
    hi = max(max(curve["log10_compute"]), float(pts["log10_compute"].max()))
    xscale = _flop_scale(lo, hi)
    xaxis = _flop_axis(lo, hi, "Training compute (FLOP, log scale)")
    ymin = min(0.0, float(pts["score"].min()))
    yscale = alt.Scale(domain=[ymin, b.ceiling], nice=False)
    yaxis = alt.Axis(title=f"{b.name} score (fraction correct)", format=".0%")
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
        alt.Chart(alt.Data(values=_rows(pts.filter(pl.col("in_fit")), cols)), name="points")
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
            alt.Chart(alt.Data(values=_rows(others, cols)), name="excluded")
            .mark_point(shape="circle", filled=False, color=theme.CONTEXT, opacity=0.7, size=40)
            .encode(x=x, y="score:Q", tooltip=tooltip + [alt.Tooltip("status:N")])
        )
    layers += _hlines(fc, "compute_flop", 10.0 ** (lo + 0.05))
    if fc.frontier_max_log10_compute is not None and lo <= fc.frontier_max_log10_compute <= hi:
        now = {
            "compute_flop": 10.0**fc.frontier_max_log10_compute,
            "label": "largest model today" if fc.as_of == fc.made_on else f"largest model by {fc.as_of}",
        }
        layers += [
            alt.Chart(alt.Data(values=[now]), name="today")
            .mark_rule(color=theme.CONTEXT, strokeDash=[1, 3], strokeWidth=1.2)
            .encode(x="compute_flop:Q"),
            alt.Chart(alt.Data(values=[now]), name="today_label")
            .mark_text(align="right", baseline="top", dx=-3, y=2, color=theme.CONTEXT, fontSize=11)
            .encode(x="compute_flop:Q", text="label:N"),
        ]
    layers += _label_layer(_rows(_notable(fc, pts.filter(pl.col("in_fit")), labels), cols), x)
    layers += _crossing(fc, lo, hi)
    if fc.reached is not None:
        r = pts.filter(pl.col("model_name") == fc.reached.model_name)
        if r.height:
            layers.append(
                alt.Chart(alt.Data(values=_rows(r, cols)), name="reached")
                .mark_point(shape="circle", filled=False, size=260, strokeWidth=2, color=theme.TARGET)
                .encode(x=x, y="score:Q", tooltip=tooltip)
            )
    n = fc.log10_compute
    upper = (
        "never (open-ended)" if n.hi80 is None else flop(n.hi80) if n.hi80 <= hi else f"beyond {flop(math.floor(hi))}"
    )
    sub = (
        f"{_pct(fc.target)} needs about {flop(n.median)} FLOP (80% interval {flop(n.lo80)} to {upper}); "
        f"sigmoid fit to {fc.data.n_fit} models, band: 80% of bootstrap fits" + _caveats(fc)
    )
    return _finish(
        alt.layer(*layers), fc, "fit", title, subtitle, f"{b.name}: score against training compute", sub, width
    )


def _caveats(fc: Forecast) -> str:
    out = ""
    if fc.year.share_never >= 0.005:
        out += f"; {fc.year.share_never:.0%} of resamples never reach the target"
    if fc.data.n_fit < FEW_POINTS:
        out += f"; only {fc.data.n_fit} models have compute estimates: read with care"
    return out


def _hlines(fc: Forecast, xfield: str, xlabel: float | str) -> list:
    """The target line (and the chance floor, when above zero), labelled at the left."""
    b = fc.benchmark
    rows = [{"y": fc.target, "label": f"target {_pct(fc.target)}", "kind": "target"}]
    if b.floor > 0:
        rows.append({"y": b.floor, "label": f"chance {_pct(b.floor)}", "kind": "floor"})
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
        out.append(
            alt.Chart(alt.Data(values=[{**r, **xv}]), name=f"{r['kind']}_label")
            .mark_text(
                align="left", baseline="top" if below else "bottom", dy=3 if below else -3, color=color, fontWeight=600
            )
            .encode(x=alt.X(f"{xfield}:{'T' if isinstance(xlabel, str) else 'Q'}"), y="y:Q", text="label:N")
        )
    return out


def _crossing(fc: Forecast, lo: float, hi: float) -> list:
    """The crossing point at the target with its 80% (thick) and 95% (thin) compute interval."""
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
    _need(pts.height, "models with a score", fc, "add scores or use a later --as-of")
    first = pts["release_date"].min()
    last = max(pts["release_date"].max(), fc.as_of)
    horizon = last.year + last.timetuple().tm_yday / 366 + PROJECTION_YEARS
    y = fc.year

    def day(v: float | None) -> str:
        return year_to_date(min(horizon if v is None else v, horizon)).isoformat()

    end = max(last, year_to_date(min(y.hi95 or horizon, horizon))) if y.median is not None else last
    end = end + dt.timedelta(days=60)
    xscale = alt.Scale(domain=[(first - dt.timedelta(days=60)).isoformat(), end.isoformat()])
    x = alt.X("release_date:T", scale=xscale, axis=alt.Axis(title="Release date", format="%Y", tickCount="year"))
    ymin = min(0.0, float(pts["score"].min()))
    yaxis = alt.Axis(title=f"{b.name} score (fraction correct)", format=".0%")
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
    if y.median is not None:
        band = {
            "lo80": day(y.lo80),
            "hi80": day(y.hi80),
            "lo95": day(y.lo95),
            "hi95": day(y.hi95),
            "median": day(y.median),
            "target": fc.target,
            "top": b.ceiling,
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
        alt.Chart(alt.Data(values=_rows(pts, cols)), name="points")
        .mark_point(filled=True, color=theme.CONTEXT, opacity=0.35, size=36)
        .encode(x=x, y=alt.Y("score:Q", scale=yscale, axis=yaxis), tooltip=tooltip)
    )
    sota = state_of_the_art(pts)
    step = _rows(sota, cols)
    step.append({**step[-1], "release_date": last.isoformat(), "model_name": step[-1]["model_name"] + " (still best)"})
    layers += [
        alt.Chart(alt.Data(values=step), name="sota")
        .mark_line(interpolate="step-after", color=theme.INK, strokeWidth=2.5)
        .encode(x=x, y="score:Q"),
        alt.Chart(alt.Data(values=_rows(sota, cols)), name="sota_points")
        .mark_point(filled=True, color=theme.INK, size=44)
        .encode(x=x, y="score:Q", tooltip=tooltip),
    ]
    layers += _hlines(fc, "release_date", (first - dt.timedelta(days=45)).isoformat())
    layers += _today_layer(fc, xscale)
    layers += _label_layer(_rows(_notable(fc, pts, labels), cols), x)
    if y.median is not None:
        lbl = f"forecast {_month(y.median)}"
        layers += [
            alt.Chart(bd, name="crossing")
            .mark_point(shape="diamond", filled=True, size=150, color=theme.TARGET, stroke="white")
            .encode(x="median:T", y="target:Q"),
            alt.Chart(alt.Data(values=[{**band, "label": lbl}]), name="crossing_label")
            .mark_text(align="left", baseline="top", dx=5, dy=5, color=theme.TARGET, fontWeight=600)
            .encode(x="median:T", y="top:Q", text="label:N"),
        ]
    if fc.reached is not None:
        r = fc.reached
        sub = (
            f"Reached {_pct(fc.target)} with {r.model_name} ({r.date.isoformat()}); the {fc.method} forecast "
            f"made today says {_month(y.median)} (80%: {_interval(y.lo80, y.hi80, horizon)})"
        )
    else:
        sub = (
            f"Forecast to reach {_pct(fc.target)}: {_month(y.median)} (80% interval "
            f"{_interval(y.lo80, y.hi80, horizon)}); shaded: 80% and 95% intervals" + _caveats(fc)
        )
    return _finish(
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
    _need(fp.height, "frontier models with a compute estimate", fc, "use an earlier --trend-since")
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
    yscale = _flop_scale(lo, hi)
    yax = _flop_axis(lo, hi, "Training compute (FLOP, log scale)")
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
            "label": f"needed for {_pct(fc.target)} on {fc.benchmark.name}: {flop(n.median)} FLOP (80% band)",
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
        alt.Chart(alt.Data(values=_rows(fp, cols)), name="points")
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
    layers += _today_layer(fc, xscale)
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
            "label": f"{_month(y.median)}",
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
        f"{_pct(fc.target)} needs {flop(n.median)} FLOP, reached around {_month(y.median)} "
        f"(80% interval {_interval(y.lo80, y.hi80, horizon)})"
    )
    return _finish(
        alt.layer(*layers), fc, "compute", title, subtitle, "Training compute of frontier AI models", sub, width
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
    _need(pts.height, "models with a score", fc, "add scores or use a later --as-of")
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
    yaxis = alt.Axis(title=f"{b.name} score (fraction correct)", format=".0%")
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
        alt.Chart(alt.Data(values=_rows(pts, cols)), name="points")
        .mark_point(filled=True, color=theme.CONTEXT, opacity=0.35, size=36)
        .encode(x=x, y="score:Q", tooltip=tooltip),
        alt.Chart(alt.Data(values=_rows(sota, cols)), name="sota_points")
        .mark_point(filled=True, color=theme.INK, size=50)
        .encode(x=x, y="score:Q", tooltip=tooltip),
    ]
    layers += _hlines(fc, "release_date", (first - dt.timedelta(days=60)).isoformat())
    layers += _today_layer(fc, xscale)
    layers += _label_layer(_rows(_notable(fc, pts, labels), cols), x)
    if y.median is not None and y.median <= horizon:

        def day(v: float | None) -> str:
            return year_to_date(min(horizon if v is None else v, horizon)).isoformat()

        cross = {
            "median": day(y.median),
            "lo80": day(y.lo80),
            "hi80": day(y.hi80),
            "lo95": day(y.lo95),
            "hi95": day(y.hi95),
            "y": fc.target,
            "label": f"{_month(y.median)}",
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
            f"Reached {_pct(fc.target)} with {r.model_name} ({r.date.isoformat()}); sigmoid in release date "
            f"fitted to {plural(fc.n_points, 'state-of-the-art record')}, band: 80% of bootstrap fits"
        )
    else:
        sub = (
            f"Forecast to reach {_pct(fc.target)}: {_month(y.median)} (80% interval "
            f"{_interval(y.lo80, y.hi80, horizon)}); sigmoid in release date fitted to "
            f"{plural(fc.n_points, 'state-of-the-art record')}, band: 80% of bootstrap fits" + _caveats(fc)
        )
    return _finish(alt.layer(*layers), fc, "date", title, subtitle, f"{b.name}: score against release date", sub, width)


BUILDERS = {"fit": fit_chart, "progress": progress_chart, "compute": compute_chart}


def chart(kind: str, fc: Forecast, **kw) -> alt.VConcatChart:
    """The chart ``kind`` (one of ``KINDS``) of a forecast."""
    if kind not in BUILDERS:
        raise UsageError(f"unknown chart {kind!r}; choose one of {', '.join(KINDS)}")
    return BUILDERS[kind](fc, **kw)


# -- export -----------------------------------------------------------------------------
