"""The predictive simulation on synthetic histories with a known answer, and its conditioning."""

from __future__ import annotations

import numpy as np
import pytest

from tracker.errors import FitError
from tracker.fit.resample import quantiles_with_inf
from tracker.fit.simulate import near_frontier_draws, near_frontier_mask, simulate

# The true process (logit scale): a level of -1 at 2024.0 rising 1.0 logit a year, single models
# scattered 0.5 logit around it, 12 frontier models a year.
LEVEL, SLOPE, SIGMA, RATE, T0 = -1.0, 1.0, 0.5, 12.0, 2024.0
#: The empirical coverage of nominal 80% intervals over this many synthetic worlds must lie in
#: [COVERAGE_LO, COVERAGE_HI]: 150 worlds give a binomial sd of about 3.3 points at 80%.
N_WORLDS = 150
COVERAGE_LO, COVERAGE_HI = 0.70, 0.90


def _history(rng: np.random.Generator, years: float = 2.0) -> tuple[np.ndarray, np.ndarray]:
    """Models of the true process released in the ``years`` before T0."""
    n = rng.poisson(RATE * years)
    t = np.sort(T0 - years * rng.random(n))
    u = LEVEL + SLOPE * (t - T0) + SIGMA * rng.standard_normal(n)
    return t, u


def _truth(rng: np.random.Generator, best0: float, target: float) -> float:
    """The true first crossing of ``target``: arrivals of the true process after T0."""
    t = T0
    while True:
        t += rng.exponential(1.0 / RATE)
        if LEVEL + SLOPE * (t - T0) + SIGMA * rng.standard_normal() >= target or t > T0 + 50:
            return t


def test_intervals_of_the_simulation_cover_the_truth_near_nominally() -> None:
    inside = []
    widths = []
    for world in range(N_WORLDS):
        rng = np.random.default_rng(1000 + world)
        t, u = _history(rng)
        fd = near_frontier_draws(t, u, t0=T0, n_boot=400, seed=world, window=2.0, delta=np.inf)
        target = float(u.max()) + 1.0  # a target about a year ahead of the best so far
        q = quantiles_with_inf(fd.simulate(seed=world).first_crossing(target), [0.1, 0.9])
        truth = _truth(np.random.default_rng(5000 + world), float(u.max()), target)
        inside.append(q[0] <= truth <= q[1])
        widths.append(q[1] - q[0])
    coverage = float(np.mean(inside))
    assert COVERAGE_LO <= coverage <= COVERAGE_HI, coverage
    assert min(widths) > 0  # never a zero-width interval


def test_draws_start_at_the_present_and_a_met_target_is_dated_now() -> None:
    fut = simulate(
        t0=2025.0,
        best0=0.5,
        level=np.zeros(200),
        slope=np.full(200, 1.0),
        sigma=np.full(200, 0.3),
        rate=np.full(200, 6.0),
        seed=3,
    )
    d = fut.first_crossing(1.5)
    assert np.all(d[np.isfinite(d)] > 2025.0)  # no crossing before the as-of date
    assert np.all(fut.first_crossing(0.4) == 2025.0)  # already met at t0
    # the state of the art never falls and starts at the current best
    assert np.all(fut.best_at(2025.0) == 0.5) and np.all(np.diff(fut.best, axis=1) >= 0)
    assert np.all(fut.best_at(2030.0) >= fut.best_at(2026.0))


def test_no_progress_and_no_arrivals_mean_never() -> None:
    fut = simulate(
        t0=2025.0, best0=0.0, level=np.zeros(50), slope=np.zeros(50), sigma=np.zeros(50), rate=np.full(50, 4.0), seed=1
    )
    assert np.all(np.isinf(fut.first_crossing(1.0)))  # flat trend, no scatter: never
    fut = simulate(
        t0=2025.0, best0=0.0, level=np.zeros(50), slope=np.ones(50), sigma=np.ones(50), rate=np.zeros(50), seed=1
    )
    assert np.all(np.isinf(fut.first_crossing(0.5)))  # nobody arrives


def test_same_seed_same_draws() -> None:
    rng = np.random.default_rng(0)
    t, u = _history(rng)
    a = near_frontier_draws(t, u, t0=T0, n_boot=200, seed=9).simulate(seed=9).first_crossing(2.0)
    b = near_frontier_draws(t, u, t0=T0, n_boot=200, seed=9).simulate(seed=9).first_crossing(2.0)
    assert np.array_equal(a, b)


def test_near_frontier_means_close_to_the_best_before_it() -> None:
    years = np.array([2020.0, 2021.0, 2021.0, 2022.0, 2023.0, 2023.5])
    u = np.array([0.0, 1.0, 0.2, -0.5, 1.5, 0.6])
    mask = near_frontier_mask(years, u, t0=2024.0, window=10.0, delta=0.9)
    # 2021's 0.2 is within 0.9 of the best before 2021 (0.0): near; 2022's -0.5 is 1.5 below 1.0: not;
    # 2023.5's 0.6 is 0.9 below 1.5: near (inclusive).
    assert mask.tolist() == [True, True, True, False, True, True]
    window = near_frontier_mask(years, u, t0=2024.0, window=2.0, delta=0.9)
    assert window.tolist() == [False, False, False, False, True, True]


def test_too_few_recent_models_is_a_clear_error() -> None:
    with pytest.raises(FitError, match="near-frontier models"):
        near_frontier_draws(np.array([2020.0, 2023.5]), np.array([0.0, 1.0]), t0=2024.0, n_boot=100, seed=1)


def test_targets_near_the_ceiling_are_not_clipped_into_one() -> None:
    """Observed scores are clipped before the logit; a target must not be: GPQA 0.997 and 0.9999 once got one
    date, that of floor + 0.995 (ceiling - floor)."""
    from tracker.forecast.methods import LOGIT_EPS, fit_predictive

    rng = np.random.default_rng(5)
    years = np.sort(rng.uniform(2022.0, 2026.0, 60))
    scores = np.clip(0.25 + 0.75 / (1 + np.exp(-(years - 2024.5) * 1.2)) + rng.normal(0, 0.02, 60), 0.25, 0.999)
    f = fit_predictive(years, scores, floor=0.25, ceiling=1.0, t0=2026.0, n_boot=400, seed=1)
    clip = 0.25 + 0.75 * (1 - LOGIT_EPS)
    medians = [quantiles_with_inf(f.draws(t), [0.5])[0] for t in (clip + 0.0005, clip + 0.002, 0.99999)]
    assert medians[0] < medians[1] < medians[2]
