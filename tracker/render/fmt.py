"""Formatting of numbers and dates for the terminal (shared by the text renderers)."""

from __future__ import annotations

from tracker.errors import plural  # noqa: F401 (re-exported for the text renderers)
from tracker.fit.resample import Interval
from tracker.fit.trend import date_from_decimal_year as year_to_date
from tracker.fit.trend import decimal_year
from tracker.forecast.forecast import Forecast


def year_of(d) -> float:
    return float(decimal_year([d])[0])


def flop(log10c: float | None) -> str:
    if log10c is None:
        return "never (open-ended)"
    if not -300 < log10c < 300:  # 10 ** log10c would overflow a float
        return f"1e{log10c:.0f} FLOP"
    return f"{10**log10c:.2e} FLOP"


def mult(fc: Forecast, log10c: float | None) -> str:
    m = fc.multiple_of_reference(log10c)
    if m is None:
        return ""
    if m >= 1e5:
        return f"{m:.1e}x"
    if m >= 10:
        return f"{m:,.0f}x"
    return f"{m:.1f}x" if m >= 1 else f"{m:.2g}x"


def date(year: float | None) -> str:
    if year is None:
        return "never"
    if year >= 9999:
        return "after 9999"
    if year < 1900:  # a nearly flat fit crossing the target far outside the data
        return "before 1900"
    return year_to_date(year).isoformat()


def span(iv: Interval, lo: str, hi: str, fmt) -> str:
    return f"{fmt(getattr(iv, lo))} to {fmt(getattr(iv, hi))}"


def counts(d: dict[str, int], limit: int = 4) -> str:
    items = list(d.items())
    text = ", ".join(f"{k} ({v})" for k, v in items[:limit])
    if len(items) > limit:
        text += f", +{len(items) - limit} more"
    return text


def months(years: float | None) -> str:
    if years is None:
        return "never"
    return f"{years * 12:.1f} months" if years < 2 else f"{years:.1f} years"


def prob(p: float) -> str:
    """A probability as a percent that never rounds a possibility away: 0.998 is ">99%", 0.003 "<1%"."""
    if 0 < p < 0.005:
        return "<1%"
    if 0.995 <= p < 1:
        return ">99%"
    return f"{p:.0%}"
