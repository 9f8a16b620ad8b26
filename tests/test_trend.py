"""Tests of tracker.trend: the frontier compute trend and the frontier flag.

Run from the repository root: ``python -m pytest tests``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.errors import FitError
from tracker.fit.resample import bootstrap_counts
from tracker.fit.trend import (
    Trend,
    bootstrap_trend,
    date_from_decimal_year,
    decimal_year,
    fit_trend,
    top_n_at_release,
)

#: Exact-data recovery: absolute, log10 FLOP (per year for the slope).
EXACT_TOL = 1e-10
#: vs statsmodels OLS standard errors: relative.
SE_REL_TOL = 1e-9
#: Batched bootstrap vs fit on the repeated rows: absolute, log10 FLOP per year.
BATCH_TOL = 1e-9

LOG10_4 = math.log10(4.0)


def four_x_per_year() -> tuple[np.ndarray, np.ndarray]:
    """Quarterly frontier models 2018-2024 growing exactly 4x a year from 1e22 FLOP."""
    years = np.arange(2018.0, 2024.01, 0.25)
    return years, 22.0 + LOG10_4 * (years - 2018.0)


def noisy(seed: int = 2) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    years = np.sort(rng.uniform(2018, 2025, 60))
    return years, 22.0 + 0.6 * (years - 2018) + rng.normal(0, 0.4, years.size)


def test_recovers_exactly_four_x_per_year():
    trend = fit_trend(*four_x_per_year())
    assert trend.slope == pytest.approx(LOG10_4, abs=EXACT_TOL)
    assert trend.growth_per_year == pytest.approx(4.0, abs=1e-9)
    assert trend.doubling_time_years == pytest.approx(0.5, abs=1e-9)  # 4x a year = 2 doublings
    assert trend.predict(2020.0) == pytest.approx(22.0 + 2 * LOG10_4, abs=EXACT_TOL)
    assert trend.residual_sd < 1e-9
    assert trend.n == 25 and trend.since == 2018.0


def test_year_for_inverts_predict():
    trend = fit_trend(*noisy())
    for year in (2019.0, 2026.5, 2030.0):
        assert trend.year_for(trend.predict(year)) == pytest.approx(year, abs=1e-9)
    np.testing.assert_allclose(trend.year_for(trend.predict(np.array([2020.0, 2021.0]))), [2020.0, 2021.0])


def test_standard_errors_equal_statsmodels_ols():
    sm = pytest.importorskip("statsmodels.api")
    years, log10c = noisy()
    trend = fit_trend(years, log10c)
    ref = sm.OLS(log10c, sm.add_constant(years)).fit()
    assert trend.intercept == pytest.approx(ref.params[0], rel=1e-9)
    assert trend.slope == pytest.approx(ref.params[1], rel=1e-9)
    assert trend.se_intercept == pytest.approx(ref.bse[0], rel=SE_REL_TOL)
    assert trend.se_slope == pytest.approx(ref.bse[1], rel=SE_REL_TOL)
    assert trend.residual_sd == pytest.approx(math.sqrt(ref.scale), rel=SE_REL_TOL)


def test_flat_or_falling_frontier_is_refused():
    years, _ = four_x_per_year()
    falling = fit_trend(years, 25.0 - 0.1 * (years - 2018))
    assert falling.doubling_time_years == math.inf
    with pytest.raises(FitError, match="not growing"):
        falling.year_for(27.0)
    flat = fit_trend(years, np.full(years.size, 24.0))
    with pytest.raises(FitError, match="not growing"):
        flat.year_for(25.0)


def test_a_slope_of_numerical_noise_is_not_growth():
    # A flat frontier fits 0 on one machine and 2.5e-16 on another (BLAS):
    # both must be refused, never turned into a date in the year 4e15.
    years, _ = four_x_per_year()
    flat = fit_trend(years, np.full(years.size, 24.0))
    noisy = dataclasses.replace(flat, slope=2.5e-16)
    for tr in (flat, noisy):
        assert not tr.growing and tr.doubling_time_years == math.inf
        with pytest.raises(FitError, match="not growing"):
            tr.year_for(25.0)


def test_since_drops_earlier_models():
    years, log10c = four_x_per_year()
    log10c = log10c.copy()
    log10c[years < 2020] = 30.0  # garbage before 2020 must not matter
    trend = fit_trend(years, log10c, since=2020.0)
    assert trend.since == 2020.0 and trend.n == 17  # 2020.00 .. 2024.00 quarterly
    assert trend.slope == pytest.approx(LOG10_4, abs=EXACT_TOL)


@pytest.mark.parametrize(
    "years, log10c, message",
    [
        ([2020.0, 2021.0], [23.0, 24.0], "at least 3"),  # two models
        ([2020.0, 2020.0, 2020.0], [23.0, 24.0, 25.0], "one release date"),  # one date
        ([2020.0, float("nan"), 2022.0], [23.0, 24.0, 25.0], "non-finite"),  # missing date
        ([2020.0, 2021.0, 2022.0], [23.0, 24.0], "equal length"),
        (["x", "y", "z"], [23.0, 24.0, 25.0], "numbers"),
    ],
)
def test_degenerate_trend_input(years, log10c, message):
    with pytest.raises(FitError, match=message):
        fit_trend(years, log10c)
    with pytest.raises(FitError, match=message):
        bootstrap_trend(years, log10c, n_boot=5, seed=1)


def test_trend_is_frozen():
    trend = fit_trend(*noisy())
    assert isinstance(trend, Trend)
    with pytest.raises(AttributeError):
        trend.slope = 1.0  # type: ignore[misc]


# --------------------------------------------------------------------------- #
# Bootstrap
# --------------------------------------------------------------------------- #


def test_bootstrap_trend_reproducible_and_equals_per_resample_ols():
    years, log10c = noisy()
    icepts, slopes = bootstrap_trend(years, log10c, n_boot=300, seed=4)
    again = bootstrap_trend(years, log10c, n_boot=300, seed=4)
    other = bootstrap_trend(years, log10c, n_boot=300, seed=5)
    np.testing.assert_array_equal(slopes, again[1])
    assert not np.array_equal(slopes, other[1])
    counts = bootstrap_counts(years.size, n_boot=300, seed=4)
    for b in range(0, 300, 7):
        ref = fit_trend(np.repeat(years, counts[b]), np.repeat(log10c, counts[b]))
        assert abs(slopes[b] - ref.slope) < BATCH_TOL
        assert abs(icepts[b] - ref.intercept) < 1e3 * BATCH_TOL  # intercept at year 0
        assert abs((icepts[b] + slopes[b] * 2022) - ref.predict(2022.0)) < BATCH_TOL


def test_bootstrap_trend_exact_data_has_no_spread():
    _, slopes = bootstrap_trend(*four_x_per_year(), n_boot=100, seed=1)
    np.testing.assert_allclose(slopes, LOG10_4, atol=1e-9)


def test_bootstrap_trend_marks_resamples_without_slope():
    # Two of three models share 2020: a resample drawing only the 2020 models, or
    # only the 2022 one, has a single release year and so no slope.
    years, log10c = [2020.0, 2020.0, 2022.0], [23.0, 23.5, 24.5]
    icepts, slopes = bootstrap_trend(years, log10c, n_boot=500, seed=2)
    counts = bootstrap_counts(3, n_boot=500, seed=2)
    one_year = (counts[:, 2] == 0) | (counts[:, 2] == 3)
    assert one_year.any() and not one_year.all()
    np.testing.assert_array_equal(np.isnan(slopes), one_year)
    np.testing.assert_array_equal(np.isnan(icepts), one_year)


# --------------------------------------------------------------------------- #
# Dates
# --------------------------------------------------------------------------- #


def test_decimal_year_by_hand():
    assert decimal_year(dt.date(2024, 1, 1)) == 2024.0
    assert decimal_year(dt.date(2024, 7, 2)) == 2024.5  # 183 of 366 days (leap year)
    assert decimal_year(dt.date(2023, 7, 2)) == 2023 + 182 / 365
    assert decimal_year(np.datetime64("2025-12-31")) == 2025 + 364 / 365
    assert decimal_year(dt.datetime(2023, 1, 1, 12)) == 2023 + 0.5 / 365  # noon counts
    out = decimal_year(np.array(["2020-01-01", "2021-01-01"], dtype="datetime64[D]"))
    np.testing.assert_array_equal(out, [2020.0, 2021.0])
    with pytest.raises(FitError):
        decimal_year(np.array(["2020-01-01", "NaT"], dtype="datetime64[D]"))
    with pytest.raises(FitError):
        decimal_year("not a date")


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2200, 12, 31)))
def test_dates_round_trip(day):
    assert date_from_decimal_year(decimal_year(day)) == day


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -5.0, 12000.0, "2020"])
def test_unrepresentable_decimal_years(bad):
    with pytest.raises(FitError):
        date_from_decimal_year(bad)


# --------------------------------------------------------------------------- #
# Frontier flag
# --------------------------------------------------------------------------- #


def test_top_n_at_release_by_hand():
    # n = 2: frontier when fewer than 2 models released on or before it had more compute.
    years = [
        2020.0,  # A 24.0: first model                                -> 0 bigger: frontier
        2020.5,  # B 23.0: A bigger                                   -> 1 bigger: frontier
        2021.0,  # C 22.0: A, B bigger                                -> 2 bigger: not
        2021.0,  # D 25.0: released with C; nothing bigger            -> 0 bigger: frontier
        2021.5,  # E 23.5: A, D bigger                                -> 2 bigger: not
        2022.0,  # F 24.0: only D bigger (A equal, equal is not more) -> 1 bigger: frontier
        2022.0,  # G 21.0: no compute estimate (NaN below)            -> never frontier
        2019.0,  # H 20.0: earliest model, listed last (order-free)   -> 0 bigger: frontier
    ]
    log10c = [24.0, 23.0, 22.0, 25.0, 23.5, 24.0, float("nan"), 20.0]
    flags = top_n_at_release(years, log10c, n=2)
    np.testing.assert_array_equal(flags, [True, True, False, True, False, True, False, True])


def test_top_n_same_day_counts_both_ways():
    # Same release day: each sees the other ("on or before" includes the same day).
    flags = top_n_at_release([2021.0, 2021.0], [25.0, 24.0], n=1)
    np.testing.assert_array_equal(flags, [True, False])  # 24.0 has one bigger: not < 1


def test_top_n_default_is_ten():
    years = np.arange(20.0)  # one model a year, each smaller than all before
    flags = top_n_at_release(years, 30.0 - years)
    np.testing.assert_array_equal(flags, np.arange(20) < 10)  # model k has k bigger ones
    with pytest.raises(FitError):
        top_n_at_release(years, years, n=0)


# --------------------------------------------------------------------------- #
# Property-based
# --------------------------------------------------------------------------- #

finite = st.floats(allow_nan=False, allow_infinity=False, width=64)


@settings(max_examples=300, deadline=None)
@given(rows=st.lists(st.tuples(st.one_of(finite, st.floats(2015, 2026)), finite), max_size=10))
def test_random_trend_inputs_only_raise_fiterror(rows):
    years = [r[0] for r in rows]
    log10c = [r[1] for r in rows]
    try:
        trend = fit_trend(years, log10c)
    except FitError:
        return
    assert math.isfinite(trend.slope) and math.isfinite(trend.intercept)
    bootstrap_trend(years, log10c, n_boot=10, seed=0)
    flags = top_n_at_release(years, log10c)
    assert flags.shape == (len(rows),)
