"""The text ``tracker forecast`` prints: the bottom line first, then the evidence.

1. The bottom line a writer can quote: median date, 80% range, the method,
   its track record on this benchmark, the straight line beside it, and
   P(reached by) a few dates; or, for a target already met, who reached it first.
2. The best score so far, under the fitted settings and under any setting.
3. The data and their freshness.
4. The method's own detail (simulation, compute fit, date fit).
5. The other methods, one line each, with flags on dates not to be read at face value.

Presentation only: every number was computed in ``tracker.forecast``.
"""

from __future__ import annotations

import textwrap

from tracker.errors import exact
from tracker.forecast.forecast import Forecast, MethodLine
from tracker.forecast.methods import METHODS
from tracker.render.fmt import counts, date, flop, months, mult, plural, prob, span, year_of

WIDTH = 118


def _wrap(text: str, indent: str = "  ", first: str = "") -> list[str]:
    return textwrap.wrap(text, WIDTH, initial_indent=first, subsequent_indent=indent, break_on_hyphens=False)


def _sub(text: str) -> list[str]:
    """A line under a heading: indented by two, its continuation by four."""
    return _wrap(text, "    ", "  ")


def _month(year: float | None) -> str:
    if year is None:
        return "never"
    d = date(year)
    if not d[:1].isdigit():
        return d
    import datetime as dt

    return dt.date.fromisoformat(d).strftime("%b %Y")


def report(fc: Forecast) -> str:
    """The full report for any method."""
    b = fc.benchmark
    ceiling = fc.fit.ceiling if fc.fit is not None else b.ceiling
    out = [f"{b.name} >= {exact(fc.target)}  ({b.variant}; floor {b.floor:g}, ceiling {ceiling:g})", ""]
    out += bottom_line(fc)
    out += best_lines(fc)
    out += data_lines(fc)
    detail = {"predictive": predictive_lines, "compute": compute_lines}.get(fc.method, fit_lines)
    out += [""] + detail(fc)
    for n in fc.notes:
        out += _wrap(f"Note: {n}")
    out += others_lines(fc.others)
    return "\n".join(out)


def bottom_line(fc: Forecast) -> list[str]:
    """What a reader should take away, in plain words."""
    b, y = fc.benchmark, fc.year
    if fc.reached:
        r = fc.reached
        out = _wrap(
            f"Reached: first by {r.model_name} ({r.organization or 'unknown org'}), {r.when()}, "
            f"score {r.score:.3f} [{r.setting}, {r.source_kind}: {r.source_name}]"
        )
        out.append(f"  source: {r.source_url}")
        h = fc.hindcast
        if h and h.error:
            out += _sub(f"A forecast made on {h.as_of} was not possible: {h.error}")
        elif h and h.year is not None:
            med = h.year.median
            miss = "" if med is None else f" ({(med - year_of(r.date)) * 12:+.0f} months vs actual)"
            hm = h.method or fc.method
            line = (
                f"A forecast made on {h.as_of} by the {hm} method ({plural(h.n_fit or 0, 'model')}) said: "
                f"median {date(med)}{miss}, 80% {span(h.year, 'lo80', 'hi80', date)}"
            )
            if h.log10_compute is not None:
                line += f"; compute {flop(h.log10_compute.median)}"
                if fc.reference_model:
                    line += f" = {mult(fc, h.log10_compute.median)} {fc.reference_model.upper()}"
            out += _sub(line)
            # a baseline the default fell back to is reproduced by the default, not asked for by name
            how = f" --method {hm}" if hm in METHODS else ""
            again = f"tracker forecast --bench {b.id} --target {exact(fc.target)} --as-of {h.as_of}{how}"
            out.append(f"  (reproduce: {again})")
        return out + [""]
    headline = (
        f"Bottom line: a model scoring {exact(fc.target)} or more is most likely released around "
        f"{_month(y.median)} (median {date(y.median)}); 80% range {_month(y.lo80)} to {_month(y.hi80)}. "
        f"Method: {fc.method} ({fc.label})."
    )
    if fc.flags:
        headline = (
            f"Bottom line: no dependable date ({'; '.join(fc.flags)}): median {date(y.median)}, "
            f"80% {span(y, 'lo80', 'hi80', date)}. Method: {fc.method} ({fc.label})."
        )
    out = _wrap(headline)
    t = fc.track
    left_out = (
        f" Left out: {plural(t.dropped, 'target-date')} whose crossing had happened but was not known yet at the "
        "forecast's date."
        if t is not None and t.dropped
        else ""
    )
    if t is not None and t.n_coverage:
        out += _sub(
            f"Track record ({t.grid} backtest of the data to {t.data_end}, {b.name}): its 80% ranges held the "
            f"date in {t.hits} of {t.n_coverage} past forecasts (overdue counted as misses); median error "
            f"{_num(t.mae_months)} months, bias {_num(t.bias_months, '{:+.1f}')}; CRPS "
            f"{_num(t.crps_ratio_linear, '{:.2f}')}x the straight line's." + left_out
        )
    elif t is not None and t.n:
        out += _sub(
            f"Track record ({t.grid} backtest of the data to {t.data_end}, {b.name}): none of its "
            f"{plural(t.n, 'past forecast')} can be judged yet (no crossing and no 80% range over by the "
            f"benchmark's truth cutoff, its data end less its reporting lag)." + left_out
        )
    else:
        young = b.published is not None and fc.data_end is not None and (fc.data_end - b.published).days < 365
        if fc.backtested and b.id not in fc.backtested:
            out += _sub(
                f"Track record: the dense backtest does not cover {b.name} (it scores {', '.join(fc.backtested)})."
            )
        else:
            why = (
                f": the backtest's as-of dates before its publication on {b.published} had none of its scores"
                if young
                else ""
            )
            see = "" if young else f" (see: tracker backtest --grid dense --bench {b.id} --method {fc.method})"
            out += _sub(f"Track record: no scored past forecasts of the {fc.method} method on {b.name} yet{why}{see}.")
    lin = next((o for o in fc.others if o.method == "linear"), None)
    if lin is not None:
        out += _sub(f"The straight line through the state of the art says: {_line_dates(lin)}")
    if fc.p_by:
        out += _sub("P(reached by): " + ", ".join(f"{d} {prob(p)}" for d, p in fc.p_by))
    if fc.data_end is not None and fc.data_end < fc.as_of and fc.p_by is not None and fc.method == "predictive":
        out += _sub(
            f"The data end {fc.data_end}, {(fc.as_of - fc.data_end).days} days before {fc.as_of}: "
            "a crossing since then would not be in them yet."
        )
    return out + [""]


def _num(v, fmt: str = "{:.1f}") -> str:
    return "-" if v is None else fmt.format(v)


def _line_dates(o: MethodLine) -> str:
    if o.error or o.year is None:
        return f"cannot run ({o.error})"
    text = f"median {date(o.year.median)}, 80% {span(o.year, 'lo80', 'hi80', date)}"
    return text + (f" [{'; '.join(o.flags)}]" if o.flags else "")


def best_lines(fc: Forecast) -> list[str]:
    bs = fc.best
    if bs is None or bs.fitted is None:
        return []
    f = bs.fitted
    out = _wrap(
        f"Best so far (fitted settings): {f.score:.3f} by {f.model_name} ({f.organization or 'unknown org'}), "
        f"{f.when()} [{f.setting}, {f.source_kind}: {f.source_name}]"
    )
    a = bs.any_setting
    if a is not None and (a.model_id, a.score, a.setting) != (f.model_id, f.score, f.setting) and a.score > f.score:
        out += _sub(
            f"in any setting: {a.score:.3f} by {a.model_name}, {a.when()} [{a.setting}, "
            f"{a.source_kind}: {a.source_name}]; settings are not interchangeable, the fit does not mix them"
        )
    return out


def data_lines(fc: Forecast) -> list[str]:
    d = fc.data
    out = _wrap(
        f"Data (as of {fc.as_of}): {plural(d.n_models, 'model')} with a comparable score; "
        f"{d.n_fit} used by the {fc.method} method ({d.first_release} to {d.last_release})"
    )
    out += _sub(
        f"settings (preference {' > '.join(d.settings_preference)}; source: {d.source}): "
        f"{counts(d.settings_used)}; {plural(d.n_other_settings, 'model')} scored only under other settings"
    )
    out += _sub(f"sources: {counts(d.sources_used, 3)}")
    fr = fc.freshness
    if fr is not None:
        out += _sub(
            f"freshness: data to {fr.data_end}; newest score {fr.newest_score}; newest model with a compute "
            f"estimate {fr.newest_compute_model} ({fr.newest_compute_date}); {fr.recent_frontier_no_compute} of "
            f"{plural(fr.recent_frontier, 'frontier model')} of the last 12 months have none"
        )
    return out


def predictive_lines(fc: Forecast) -> list[str]:
    p = fc.params
    out = _wrap(
        f"Simulation ({fc.n_boot} futures from {fc.data_end}, seed {fc.seed}): the near-frontier trend "
        f"({plural(p['n_near'], 'model')} within {p['delta_logit']:g} logit of the best before them, last "
        f"{p['window_years']:g} years) rises {p['slope_logit_per_year']:.2f} logits a year; single models scatter "
        f"{p['scatter_logit']:.2f} logits around it; {p['arrivals_per_year']:.1f} arrive a year. The first "
        "simulated model to reach the target dates it."
    )
    if fc.reached is None:  # reached: every future starts above the target, the date is the data's end
        out += [
            f"Date reached: median {date(fc.year.median)}",
            f"  80%: {span(fc.year, 'lo80', 'hi80', date)}",
            f"  95%: {span(fc.year, 'lo95', 'hi95', date)}",
        ]
    if fc.reached is None and fc.year.share_never > 0:
        out.append(f"  {fc.year.share_never:.1%} of futures do not reach it within the simulated years")
    if fc.fan:
        pts = [fp for i, fp in enumerate(fc.fan) if i % 6 == 0][1:6]  # every half year
        out += _wrap(
            "State of the art (median, 80%): "
            + "; ".join(f"{fp.date:%Y-%m} {fp.median:.3f} ({fp.lo80:.3f}-{fp.hi80:.3f})" for fp in pts)
        )
    c = fc.crossing_log10_compute
    if fc.reached is None and c is not None and c.median is not None:
        out += _wrap(
            f"Compute of the first model to cross, if it is a frontier-compute model (Epoch AI's frontier "
            f"trend at its date): median {flop(c.median)}, 80% {span(c, 'lo80', 'hi80', flop)}"
        )
    return out


def compute_lines(fc: Forecast) -> list[str]:
    b, f, t, lc = fc.benchmark, fc.fit, fc.trend, fc.log10_compute
    assert f is not None and t is not None and lc is not None
    ref = fc.reference_model.upper() if fc.reference_model else None
    out = [
        f"Fit: score = {b.floor:g} + ({f.ceiling:g} - {b.floor:g}) * sigmoid(a + s * log10(FLOP)), "
        f"quasi-binomial GLM, n = {f.n}",
        f"  a = {f.a:.2f} (se {f.se_a:.2f}), s = {f.s:.3f} (se {f.se_s:.3f}) per decade of compute, "
        f"midpoint {flop(f.midpoint)}, dispersion {f.scale:.3g}",
        f"  left out: {fc.data.n_no_compute} without a compute estimate, {fc.data.n_imputed_excluded} with compute "
        "imputed from benchmarks",
        "",
        f"Compute needed for {exact(fc.target)} (bootstrap, {fc.n_boot} resamples, seed {fc.seed}"
        f"{', compute uncertainty propagated' if fc.compute_noise else ''}):",
        f"  median {flop(lc.median)}"
        + (f" = {mult(fc, lc.median)} {ref}" if ref and mult(fc, lc.median) else "")
        + (
            f"; full-data fit {flop(fc.point_log10_compute)}"
            if fc.point_log10_compute is not None
            else "; full-data fit: never (s <= 0)"
        ),
        f"  80%: {span(lc, 'lo80', 'hi80', flop)}",
        f"  95%: {span(lc, 'lo95', 'hi95', flop)}",
    ]
    if ref and fc.reference_log10_compute is not None:
        out.append(
            f"  as multiples of {ref} ({flop(fc.reference_log10_compute)}): "
            f"80% {mult(fc, lc.lo80) or '-'} to {mult(fc, lc.hi80) or 'never'}"
        )
    if fc.delta_log10_compute:
        lo, hi = fc.delta_log10_compute
        out.append(f"  delta-method 95% cross-check: {flop(lo)} to {flop(hi)}")
    if lc.share_never > 0:
        ends = "so the upper ends are open (never)" if lc.open_ended else "too few to open the 95% interval"
        out.append(f"  {lc.share_never:.1%} of resamples never reach the target (no positive slope): {ends}")
    out += [
        "",
        f"Frontier compute trend ({t.n} frontier models since {date(t.since)}): x{t.growth_per_year:.2f} per year, "
        f"doubling every {t.doubling_time_years * 12:.1f} months; largest so far {flop(fc.frontier_max_log10_compute)}",
        *_imputed_out(fc),
        "",
        f"Date the frontier reaches that compute: median {date(fc.year.median)}",
        f"  80%: {span(fc.year, 'lo80', 'hi80', date)}",
        f"  95%: {span(fc.year, 'lo95', 'hi95', date)}",
    ]
    return out


def _imputed_out(fc: Forecast) -> list[str]:
    """The frontier models the compute trend left out because their compute was imputed from benchmarks."""
    n = fc.data.n_frontier_imputed_excluded
    return [f"  left out: {plural(n, 'frontier model')} with compute imputed from benchmarks"] if n else []


def fit_lines(fc: Forecast) -> list[str]:
    """The date and compute+date methods: the fitted curve and the date."""
    b, p = fc.benchmark, fc.params
    if fc.method == "linear":
        out = [
            f"Fit: a straight line through the state of the art of the last two years, on {fc.n_points} points: "
            f"{p['slope_per_year']:+.3f} per year"
        ]
    elif fc.method in ("date", "sigmoid-time"):
        out = [
            f"Fit: score = {p['floor']:g} + ({b.ceiling:g} - {p['floor']:g}) * sigmoid(s * (year - m)) on the "
            f"{fc.n_points} state-of-the-art records (models that beat every earlier score)",
            f"  s = {p['s_per_year']:.3f} per year, midpoint m = {date(p['midpoint_year'])}",
        ]
    else:
        se = p["se"]
        out = [
            f"Fit: logit((score - {b.floor:g})/({b.ceiling:g} - {b.floor:g})) = a + s * log10(FLOP) + g * year, "
            f"quasi-binomial GLM, n = {fc.n_points}",
            f"  s = {p['s_per_decade']:.3f} (se {se[1]:.3f}) per decade of compute, g = {p['g_per_year']:.3f} "
            f"(se {se[2]:.3f}) per year, dispersion {p['scale']:.3g}",
        ]
        h = fc.halving_years
        if h is not None:
            out.append(
                f"  algorithmic progress: the compute needed for a given score halves every {months(h.median)} "
                f"(80%: {months(h.lo80)} to {months(h.hi80)}; g/s = {p['g_per_year'] / p['s_per_decade']:.2f} "
                "decades of effective compute per year)"
            )
    out += [
        "",
        f"Date reached (bootstrap, {fc.n_boot} resamples, seed {fc.seed}): median {date(fc.year.median)}"
        + (f"; full-data fit {date(fc.point_year)}" if fc.point_year is not None else "; full-data fit: never"),
        f"  80%: {span(fc.year, 'lo80', 'hi80', date)}",
        f"  95%: {span(fc.year, 'lo95', 'hi95', date)}",
    ]
    if fc.year.share_never > 0:
        out.append(f"  {fc.year.share_never:.1%} of resamples never reach the target")
    return out


def others_lines(others) -> list[str]:
    """One line per other method and baseline, flagged where its dates should not be read at face value."""
    if not others:
        return []
    n_boot = next((o.n_boot for o in others if o.n_boot), 0)
    out = ["", f"Other methods (same data; {n_boot} resamples each; --method to run one in full):"]
    for o in others:
        name = f"  {o.method:<13}"
        if o.error:
            out += _wrap(f"{name}cannot run: {o.error}", " " * 15)
            continue
        text = f"{name}median {date(o.year.median)}, 80% {span(o.year, 'lo80', 'hi80', date)}  (n = {o.n}; {o.label})"
        if o.halving_years is not None:
            text += f"; effective compute halves every {months(o.halving_years.median)}"
        if o.flags:
            text += f"  [flag: {'; '.join(o.flags)}]"
        out += _wrap(text, " " * 15)
    return out
