"""Proper scores: the threshold-weighted CRPS of date samples and the CRPS of score samples."""

from __future__ import annotations

import numpy as np
import pytest

from tracker.fit.scoring import crps, tw_crps

#: Numerical integration of the definition on a fine grid agrees to this (years^1).
INTEGRAL_TOL = 2e-3


def _brute(draws: np.ndarray, outcome: float | None, cutoff: float) -> float:
    z = np.linspace(min(draws[np.isfinite(draws)].min(), outcome or cutoff) - 1, cutoff, 400_001)
    f = (
        (draws[None, :] <= z[:, None]).mean(axis=1)
        if draws.size < 50
        else np.searchsorted(np.sort(draws), z, "right") / draws.size
    )
    ind = (outcome is not None) & (z >= (outcome if outcome is not None else np.inf))
    return float(np.trapezoid((f - ind) ** 2, z))


@pytest.mark.parametrize("outcome", [2025.3, None, 2026.9])
def test_tw_crps_is_the_integral_of_its_definition(outcome) -> None:
    draws = np.array([2024.5, 2025.0, 2025.0, 2025.8, 2026.4, np.inf, 2030.0])
    assert tw_crps(draws, outcome, 2026.5) == pytest.approx(
        _brute(draws, outcome if outcome and outcome <= 2026.5 else None, 2026.5), abs=INTEGRAL_TOL
    )


def test_tw_crps_known_values() -> None:
    # A point forecast a year early, resolved: the area between the step functions is 1 year.
    assert tw_crps(np.full(10, 2024.0), 2025.0, 2030.0) == pytest.approx(1.0)
    # "Never" for an event that happened half a year before the cutoff: 0.5 years of full miss.
    assert tw_crps(np.full(10, np.inf), 2029.5, 2030.0) == pytest.approx(0.5)
    # Open at the cutoff: only the forecast mass before the cutoff is penalised.
    assert tw_crps(np.array([2029.0, np.inf]), None, 2030.0) == pytest.approx(0.25)
    # A perfect point forecast scores 0.
    assert tw_crps(np.full(5, 2027.0), 2027.0, 2030.0) == 0.0


def test_crps_known_values() -> None:
    assert crps(np.full(20, 0.7), 0.8) == pytest.approx(0.1)  # a point mass: |x - y|
    # A wide normal sample: CRPS of N(0, 1) at y = 0 is (sqrt(2) - 1) / sqrt(pi) ~ 0.2337.
    x = np.random.default_rng(1).standard_normal(200_000)
    assert crps(x, 0.0) == pytest.approx((np.sqrt(2) - 1) / np.sqrt(np.pi), abs=3e-3)
