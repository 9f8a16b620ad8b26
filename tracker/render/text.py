"""Plain-text rendering of library results for the terminal.

Presentation only: every number printed here was computed elsewhere.
"""

from __future__ import annotations

import json

import polars as pl

from tracker.fit.resample import Interval
from tracker.fit.trend import date_from_decimal_year as year_to_date
from tracker.fit.trend import decimal_year
from tracker.forecast.forecast import Forecast


def _year(d) -> float:
    return float(decimal_year([d])[0])


def _flop(log10c: float | None) -> str:
    if log10c is None:
        return "never (open-ended)"
    if not -300 < log10c < 300:  # 10 ** log10c would overflow a float
        return f"1e{log10c:.0f} FLOP"
    return f"{10 ** log10c:.2e} FLOP"


def _mult(fc: Forecast, log10c: float | None) -> str:
    m = fc.multiple_of_reference(log10c)
    if m is None:
        return ""
    if m >= 1e5:
        return f"{m:.1e}x"
    if m >= 10:
        return f"{m:,.0f}x"
    return f"{m:.1f}x" if m >= 1 else f"{m:.2g}x"


def _date(year: float | None) -> str:
    if year is None:
        return "never"
    if year >= 9999:
        return "after 9999"
    if year < 1900:  # a nearly flat fit crossing the target far outside the data
        return "before 1900"
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
    out += others_lines(fc.others)
    return "\n".join(out)


def _months(years: float | None) -> str:
    if years is None:
        return "never"
    return f"{years * 12:.1f} months" if years < 2 else f"{years:.1f} years"


def others_lines(others) -> list[str]:
    """One line per other method and baseline (``tracker.forecast.forecast.MethodLine``)."""
    if not others:
        return []
    out = ["", f"Other methods (same data; {next((o.n_boot for o in others if o.n_boot), 0)} resamples each; --method to run one in full):"]
    for o in others:
        name = f"  {o.method:<13}"
        if o.error:
            out.append(f"{name}cannot run: {o.error}")
            continue
        text = f"{name}median {_date(o.year.median)}, 80% {_span(o.year, 'lo80', 'hi80', _date)}  (n = {o.n}; {o.label})"
        if o.halving_years is not None:
            text += f"; effective compute halves every {_months(o.halving_years.median)}"
        out.append(text)
    return out


def report(fc: Forecast) -> str:
    """The text ``tracker forecast`` prints, for any method."""
    return forecast_text(fc) if fc.method == "compute" else method_text(fc)


def method_text(fc: Forecast) -> str:
    """``tracker forecast --method date|compute+date``."""
    b, d, p = fc.benchmark, fc.data, fc.params
    out = [f"{b.name} >= {fc.target:g}  ({b.variant}; floor {b.floor:g}, ceiling {b.ceiling:g})  method: {fc.method}"]
    if fc.reached:
        r = fc.reached
        out += ["", f"Already reached: {r.model_name} ({r.organization or 'unknown org'}) on {r.date}, "
                    f"score {r.score:.3f} [{r.setting}, {r.source_kind}: {r.source_name}]"]
    out += ["", f"Data (as of {fc.as_of}): {d.n_models} models with a comparable score; {d.n_fit} used "
                f"({d.first_release} to {d.last_release}); source: {d.source}; settings: {_counts(d.settings_used)}"]
    if fc.method == "date":
        out += [f"Fit: score = {p['floor']:g} + ({b.ceiling:g} - {p['floor']:g}) * sigmoid(s * (year - m)) on the "
                f"{fc.n_points} state-of-the-art records (models that beat every earlier score)",
                f"  s = {p['s_per_year']:.3f} per year, midpoint m = {_date(p['midpoint_year'])}"]
    else:
        se = p["se"]
        out += [f"Fit: logit((score - {b.floor:g})/({b.ceiling:g} - {b.floor:g})) = a + s * log10(FLOP) + g * year, "
                f"quasi-binomial GLM, n = {fc.n_points}",
                f"  s = {p['s_per_decade']:.3f} (se {se[1]:.3f}) per decade of compute, g = {p['g_per_year']:.3f} "
                f"(se {se[2]:.3f}) per year, dispersion {p['scale']:.3g}"]
        h = fc.halving_years
        if h is not None:
            out.append(f"  algorithmic progress: the compute needed for a given score halves every {_months(h.median)} "
                       f"(80%: {_months(h.lo80)} to {_months(h.hi80)}; g/s = {p['g_per_year'] / p['s_per_decade']:.2f} "
                       "decades of effective compute per year)")
    out += ["", f"Date reached (bootstrap, {fc.n_boot} resamples, seed {fc.seed}): median {_date(fc.year.median)}"
                + (f"; full-data fit {_date(fc.point_year)}" if fc.point_year is not None else "; full-data fit: never"),
            f"  80%: {_span(fc.year, 'lo80', 'hi80', _date)}",
            f"  95%: {_span(fc.year, 'lo95', 'hi95', _date)}"]
    if fc.year.share_never > 0:
        out.append(f"  {fc.year.share_never:.1%} of resamples never reach the target")
    for n in fc.notes:
        out.append(f"Note: {n}")
    out += others_lines(fc.others)
    return "\n".join(out)


def _num(v, fmt="{:.1f}") -> str:
    return "-" if v is None else ("inf" if v == float("inf") else fmt.format(v))


def backtest_text(bt) -> str:
    """The per-benchmark, per-method table of ``tracker backtest``."""
    out = [f"Backtest: as of {', '.join(d.isoformat()[:7] for d in bt.as_of)}; truth = data up to {bt.last_data_date}; "
           f"{bt.n_boot} resamples per fit, seed {bt.seed}",
           "errors in months (forecast median - actual; + = too late), over resolved forecasts; "
           "cov80 = share of actual dates inside the 80% interval; baselines on the same forecasts",
           ""]
    head = f"{'benchmark':<19}{'method':<14}{'n':>4}{'resolved':>9}{'overdue':>8}{'|err|':>7}{'bias':>7}{'cov80':>7}   {'linear |err|':>12}{'sig-time |err|':>15}"
    out.append(head)
    out.append("-" * len(head))
    for s in bt.summaries:
        st = s.stats
        bl = s.baselines
        lin = bl.get("linear")
        sig = bl.get("sigmoid-time")
        out.append(f"{s.benchmark:<19}{s.method:<14}{st.n:>4}{st.n_resolved:>9}{st.n_overdue:>8}{_num(st.mae_months):>7}"
                   f"{_num(st.bias_months, '{:+.1f}'):>7}{_num(st.coverage80, '{:.0%}'):>7}   "
                   f"{_num(lin.mae_months) if lin else '':>12}{_num(sig.mae_months) if sig else '':>15}")
    if bt.not_run:
        out += ["", f"{len(bt.not_run)} fits could not run (too little data as of that date); the latest reason each:"]
        seen = set()
        for bench, meth, d, why in reversed(bt.not_run):
            if (bench, meth) in seen:
                continue
            seen.add((bench, meth))
            out.append(f"  {bench} {meth} (e.g. {d}): {why}")
    return "\n".join(out)


def ledger_text(rows) -> str:
    if not rows:
        return "No saved forecasts yet: save one with tracker forecast --bench mmlu --target 0.9 --save"
    status_w = max(len("status"), *(len(r.status) for r in rows)) + 2  # never runs into the next column
    out = [f"{'made':<11}{'benchmark':<19}{'target':>7} {'method':<13}{'median':<11} {'80% interval':<26}"
           f"{'status':<{status_w}}{'actual':<11}{'error':>7}  check"]
    for r in rows:
        iv = f"{r.lo80 or 'never'} to {r.hi80 or 'never'}" if r.check != "FAILED" else "-"
        err = "" if r.error_months is None else f"{r.error_months:+.1f}"
        target = f"{r.target:>7g}" if r.target == r.target else f"{'?':>7}"
        line = (f"{r.made_on:<11}{r.benchmark:<19}{target} {r.method:<13}{r.median or ('never' if r.check != 'FAILED' else '-'):<11} "
                f"{iv:<26}{r.status:<{status_w}}{r.actual or '-':<11}{err:>7}  {r.check}")
        if r.check == "FAILED":
            line += f": {r.path} {r.problem}"
        elif r.data_changed:
            line += "  (data changed since)"
        out.append(line)
    if any(r.check == "unsigned" for r in rows):
        out.append("unsigned: format-1 records saved before records carried a checksum; git history is their audit trail")
    return "\n".join(out)


def frame(df: pl.DataFrame, fmt: str) -> str:
    """A table for ``tracker list`` and ``tracker sql``: aligned text, CSV or JSON."""
    if fmt == "csv":
        return df.write_csv()
    if fmt == "json":
        return json.dumps(df.to_dicts(), default=str, indent=1) + "\n"
    with pl.Config(tbl_rows=max(df.height, 1), tbl_cols=-1, fmt_str_lengths=60, tbl_width_chars=200,
                   tbl_hide_dataframe_shape=True, tbl_hide_column_data_types=True):
        return f"{df}\n({df.height} rows)\n"


def validation(report) -> str:
    """The problems ``tracker validate`` found, errors first, one per line."""
    return "\n".join([*report.errors, *(f"warning: {w}" for w in report.warnings)])
