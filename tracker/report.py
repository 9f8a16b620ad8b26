"""Plain-text rendering of library results for the terminal.

Presentation only: every number printed here was computed elsewhere.
"""

from __future__ import annotations

from tracker.forecasting import Forecast, Interval, year_to_date
from tracker.trend import decimal_year


def _year(d) -> float:
    return float(decimal_year([d])[0])


def _flop(log10c: float | None) -> str:
    return "never (open-ended)" if log10c is None else f"{10 ** log10c:.2e} FLOP"


def _mult(fc: Forecast, log10c: float | None) -> str:
    m = fc.multiple_of_reference(log10c)
    if m is None:
        return ""
    if m >= 1e5:
        return f"{m:.1e}x"
    return f"{m:,.0f}x" if m >= 10 else f"{m:.2g}x"


def _date(year: float | None) -> str:
    if year is None:
        return "never"
    if year > 9999:
        return "after 9999"
    return year_to_date(year).isoformat()


def _span(iv: Interval, lo: str, hi: str, fmt) -> str:
    return f"{fmt(getattr(iv, lo))} to {fmt(getattr(iv, hi))}"


def _counts(d: dict[str, int], limit: int = 4) -> str:
    items = list(d.items())
    text = ", ".join(f"{k} ({v})" for k, v in items[:limit])
    if len(items) > limit:
        text += f", +{len(items) - limit} more"
    return text


def forecast_text(fc: Forecast) -> str:
    b, d, f, t = fc.benchmark, fc.data, fc.fit, fc.trend
    out = [f"{b.name} >= {fc.target:g}  ({b.variant}; floor {b.floor:g}, ceiling {f.ceiling:g})"]
    if fc.reached:
        r = fc.reached
        out += [
            "",
            f"Already reached: {r.model_name} ({r.organization or 'unknown org'}) on {r.date}, "
            f"score {r.score:.3f} [{r.setting}, {r.source_kind}: {r.source_name}]",
            f"  source: {r.source_url}",
        ]
        h = fc.hindcast
        if h and h.error:
            out.append(f"  A forecast made on {h.as_of} was not possible: {h.error}")
        elif h:
            med = h.year.median
            miss = "" if med is None else f" ({(med - _year(r.date)) * 12:+.0f} months vs actual)"
            out.append(f"  A forecast made on {h.as_of} ({h.n_fit} models) said: median {_date(med)}{miss}, "
                       f"80% {_span(h.year, 'lo80', 'hi80', _date)}; compute {_flop(h.log10_compute.median)}"
                       + (f" = {_mult(fc, h.log10_compute.median)} {fc.reference_model.upper()}" if fc.reference_model else ""))
            out.append(f"  (reproduce: tracker forecast --bench {b.id} --target {fc.target:g} --as-of {h.as_of})")
    out += [
        "",
        f"Data (as of {fc.as_of}): {d.n_models} models with a comparable score; {d.n_fit} used in the compute fit "
        f"({d.first_release} to {d.last_release})",
        f"  left out: {d.n_no_compute} without a compute estimate, {d.n_imputed_excluded} with compute imputed from benchmarks, "
        f"{d.n_other_settings} scored only under other settings",
        f"  settings (preference {' > '.join(d.settings_preference)}; source: {d.source}): {_counts(d.settings_used)}",
        f"  sources: {_counts(d.sources_used, 3)}",
        "",
        f"Fit: score = {b.floor:g} + ({f.ceiling:g} - {b.floor:g}) * sigmoid(a + s * log10(FLOP)), quasi-binomial GLM, n = {f.n}",
        f"  a = {f.a:.2f} (se {f.se_a:.2f}), s = {f.s:.3f} (se {f.se_s:.3f}) per decade of compute, "
        f"midpoint {10 ** f.midpoint:.2e} FLOP, dispersion {f.scale:.3g}",
        "",
        f"Compute needed for {fc.target:g} (bootstrap, {fc.n_boot} resamples, seed {fc.seed}"
        f"{', compute uncertainty propagated' if fc.compute_noise else ''}):",
        f"  median {_flop(fc.log10_compute.median)}" + (f" = {_mult(fc, fc.log10_compute.median)} {fc.reference_model.upper()}" if fc.reference_model else "")
        + (f"; full-data fit {_flop(fc.point_log10_compute)}" if fc.point_log10_compute is not None else "; full-data fit: never (s <= 0)"),
        f"  80%: {_span(fc.log10_compute, 'lo80', 'hi80', _flop)}",
        f"  95%: {_span(fc.log10_compute, 'lo95', 'hi95', _flop)}",
    ]
    if fc.reference_model:
        out.append(f"  as multiples of {fc.reference_model.upper()} ({10 ** fc.reference_log10_compute:.2e} FLOP): "
                   f"80% {_mult(fc, fc.log10_compute.lo80) or '-'} to {_mult(fc, fc.log10_compute.hi80) or 'never'}")
    if fc.delta_log10_compute:
        lo, hi = fc.delta_log10_compute
        out.append(f"  delta-method 95% cross-check: {_flop(lo)} to {_flop(hi)}")
    if fc.log10_compute.share_never > 0:
        ends = "so the upper ends are open (never)" if fc.log10_compute.open_ended else "too few to open the 95% interval"
        out.append(f"  {fc.log10_compute.share_never:.1%} of resamples never reach the target (no positive slope): {ends}")
    out += [
        "",
        f"Frontier compute trend ({t.n} frontier models since {_date(t.since)}): x{t.growth_per_year:.2f} per year, "
        f"doubling every {t.doubling_time_years * 12:.1f} months; largest so far {10 ** fc.frontier_max_log10_compute:.2e} FLOP",
        "",
        f"Date the frontier reaches that compute: median {_date(fc.year.median)}",
        f"  80%: {_span(fc.year, 'lo80', 'hi80', _date)}",
        f"  95%: {_span(fc.year, 'lo95', 'hi95', _date)}",
    ]
    for n in fc.notes:
        out.append(f"Note: {n}")
    return "\n".join(out)
