"""Tests of tracker.fit: the sigmoid of score vs log10 compute and its bootstrap.

Run from the repository root: ``python -m pytest tests``.
"""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker.errors import FitError
from tracker.fit import batched
from tracker.fit.checks import degenerate_rows, degenerate_rows_full, prepare
from tracker.fit.glm import DEFAULT_MAX_ITER, DEFAULT_TOL, mean_var, newton2
from tracker.fit.resample import bootstrap_counts, quantiles_with_inf
from tracker.fit.sigmoid import (
    SigmoidBootstrap,
    SigmoidFit,
    bootstrap_sigmoid,
    fit_sigmoid,
    fit_sigmoid_statsmodels,
)

ROOT = Path(__file__).resolve().parents[1]

# Tolerances, with units.
#: Known-answer recovery, in log-odds (a) and log-odds per decade of compute (s):
#: about 4 standard errors for the synthetic design below (se_a ~ 0.13, se_s ~ 0.005).
RECOVERY_TOL_A = 0.6
RECOVERY_TOL_S = 0.025
#: Our Newton vs statsmodels' IRLS, coefficients: absolute, log-odds units.
COEF_TOL = 1e-6
#: Standard errors and dispersion vs statsmodels: relative.
SE_REL_TOL = 1e-5
#: Batched bootstrap vs one scalar fit per resample: absolute, log-odds units.
BATCH_TOL = 1e-6
#: predict(x_for(t)) == t: absolute, score units.
ROUND_TRIP_TOL = 1e-12

TRUE_A, TRUE_S, FLOOR, ITEMS = -20.0, 0.8, 0.25, 1000


def synthetic(n: int = 200, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """n models spread over 1e21-1e29 FLOP, scores with binomial noise on ITEMS items."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(21.0, 29.0, n)
    p = FLOOR + (1 - FLOOR) / (1 + np.exp(-(TRUE_A + TRUE_S * x)))
    return x, rng.binomial(ITEMS, p) / ITEMS


def scattered(n: int = 40, seed: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """A realistic, noisier set: model-to-model scatter on top of the sigmoid."""
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(22.0, 26.5, n))
    eta = -19.2 + 0.8 * x + rng.normal(0.0, 0.4, n)
    return x, FLOOR + (1 - FLOOR) / (1 + np.exp(-eta))


# --------------------------------------------------------------------------- #
# Point fit
# --------------------------------------------------------------------------- #


def test_recovers_known_parameters():
    x, y = synthetic()
    fit = fit_sigmoid(x, y, floor=FLOOR, weight=ITEMS)
    assert fit.converged and fit.n == 200
    assert abs(fit.a - TRUE_A) < RECOVERY_TOL_A
    assert abs(fit.s - TRUE_S) < RECOVERY_TOL_S
    assert abs(fit.midpoint - 25.0) < 0.05  # -a/s = 20/0.8 = 25 decades
    assert abs(fit.a - TRUE_A) < 4 * fit.se_a and abs(fit.s - TRUE_S) < 4 * fit.se_s


@pytest.mark.parametrize("data", [synthetic(), scattered(), scattered(n=8, seed=11)])
def test_equals_statsmodels(data):
    x, y = data
    weight = np.linspace(50, 150, x.size)  # per-row var_weights exercise the weighting
    for w in (1.0, ITEMS, weight):
        ours = fit_sigmoid(x, y, floor=FLOOR, weight=w)
        ref = fit_sigmoid_statsmodels(x, y, floor=FLOOR, weight=w)
        assert abs(ours.a - ref.a) < COEF_TOL
        assert abs(ours.s - ref.s) < COEF_TOL
        assert ours.se_a == pytest.approx(ref.se_a, rel=SE_REL_TOL)
        assert ours.se_s == pytest.approx(ref.se_s, rel=SE_REL_TOL)
        assert ours.scale == pytest.approx(ref.scale, rel=SE_REL_TOL)
        np.testing.assert_allclose(np.array(ours.cov), np.array(ref.cov), rtol=SE_REL_TOL)


def test_constant_weight_changes_nothing():
    x, y = scattered()
    one = fit_sigmoid(x, y, floor=FLOOR)
    many = fit_sigmoid(x, y, floor=FLOOR, weight=14042)
    assert many.a == pytest.approx(one.a, abs=1e-9)
    assert many.s == pytest.approx(one.s, abs=1e-9)
    assert many.se_a == pytest.approx(one.se_a, rel=1e-9)  # scale absorbs the weight
    assert many.scale == pytest.approx(one.scale * 14042, rel=1e-9)


def test_ceiling_below_one_clips_scores_above_it():
    x, y = scattered()
    fit = fit_sigmoid(x, np.minimum(y * 1.1, 1.0), floor=FLOOR, ceiling=0.95)
    assert fit.ceiling == 0.95
    assert FLOOR < fit.predict(30.0) < 0.95


@pytest.mark.parametrize("target", [0.3, 0.5, 0.625, 0.9, 0.99])
def test_inverse_round_trips_predict(target):
    fit = fit_sigmoid(*synthetic(), floor=FLOOR, weight=ITEMS)
    assert fit.predict(fit.x_for(target)) == pytest.approx(target, abs=ROUND_TRIP_TOL)
    # halfway between floor 0.25 and ceiling 1 is 0.625: the midpoint
    assert fit.x_for(0.625) == pytest.approx(fit.midpoint, abs=1e-12)


def test_predict_accepts_arrays():
    fit = fit_sigmoid(*synthetic(), floor=FLOOR, weight=ITEMS)
    out = fit.predict(np.array([20.0, 25.0, 30.0]))
    assert out.shape == (3,) and np.all(np.diff(out) > 0)
    assert isinstance(fit.predict(25.0), float)


@pytest.mark.parametrize("target", [0.25, 0.1, 1.0, 1.2, float("nan"), float("inf")])
def test_impossible_targets_raise(target):
    fit = fit_sigmoid(*synthetic(), floor=FLOOR, weight=ITEMS)
    with pytest.raises(FitError):
        fit.x_for(target)
    boot = bootstrap_sigmoid(*scattered(), floor=FLOOR, n_boot=10)
    with pytest.raises(FitError):
        boot.x_for(target)


def test_target_outside_floor_ceiling_message():
    fit = fit_sigmoid(*synthetic(), floor=FLOOR, weight=ITEMS)
    with pytest.raises(FitError, match="outside"):
        fit.x_for(0.2)


def test_falling_scores_say_no_progress():
    x, y = scattered()
    fit = fit_sigmoid(x, y[::-1], floor=FLOOR)  # scores fall as compute grows
    assert fit.s < 0
    with pytest.raises(FitError, match="no progress with compute"):
        fit.x_for(0.9)
    with pytest.raises(FitError, match="no progress"):
        fit.delta_interval(0.9)


def test_delta_interval_matches_hand_formula():
    fit = fit_sigmoid(*scattered(), floor=FLOOR)
    t = 0.9
    x_star = fit.x_for(t)
    g = np.array([-1 / fit.s, -x_star / fit.s])
    sd = math.sqrt(g @ np.array(fit.cov) @ g)
    lo, hi = fit.delta_interval(t, 0.95)
    assert lo == pytest.approx(x_star - 1.959963984540054 * sd, rel=1e-12)
    assert hi == pytest.approx(x_star + 1.959963984540054 * sd, rel=1e-12)
    lo80, hi80 = fit.delta_interval(t, 0.8)
    assert lo < lo80 < x_star < hi80 < hi
    for bad in (0, 1, 1.5, -0.1):
        with pytest.raises(FitError):
            fit.delta_interval(t, bad)


def test_sigmoidfit_is_frozen():
    fit = fit_sigmoid(*scattered(), floor=FLOOR)
    with pytest.raises(AttributeError):
        fit.a = 0.0  # type: ignore[misc]


# --------------------------------------------------------------------------- #
# Degenerate input: clear FitError, never another exception
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize(
    "x, y, message",
    [
        ([24.0, 25.0], [0.5, 0.6], "at least 3"),  # two models only
        ([], [], "at least 3"),  # nothing at all
        ([24.0, 24.0, 24.0], [0.4, 0.5, 0.6], "same training compute"),  # no variation in x
        ([23.0, 24.0, 25.0], [0.1, 0.25, 0.2], "floor"),  # all at or below floor 0.25
        ([23.0, 24.0, 25.0], [1.0, 1.0, 1.0], "ceiling"),  # all at the ceiling
        ([23.0, float("nan"), 25.0], [0.3, 0.4, 0.5], "non-finite"),  # missing compute
        ([23.0, 24.0, 25.0], [0.3, float("inf"), 0.5], "non-finite"),  # broken score
        ([23.0, 24.0, 25.0], [30.0, 50.0, 70.0], "percentage"),  # percent, not fraction
        ([23.0, 24.0, 25.0, 26.0], [0.2, 0.25, 1.0, 1.0], "separation"),  # floor | ceiling
        ([23.0, 24.0, 25.0, 26.0], [1.0, 1.0, 0.1, 0.2], "separation"),  # mirror image
        ([23.0, 24.0, 24.0, 26.0], [0.2, 0.5, 0.7, 1.0], "separation"),  # quasi-complete at 24
        ([[23.0, 24.0, 25.0]], [[0.3, 0.4, 0.5]], "1-D"),  # wrong shape
        ([23.0, 24.0, 25.0], [0.3, 0.4], "1-D"),  # lengths differ
        (["a", "b", "c"], [0.3, 0.4, 0.5], "numbers"),  # wrong type
    ],
)
def test_degenerate_input_raises_fiterror(x, y, message):
    with pytest.raises(FitError, match=message):
        fit_sigmoid(x, y, floor=FLOOR)
    with pytest.raises(FitError, match=message):
        bootstrap_sigmoid(x, y, floor=FLOOR, n_boot=5)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"floor": 0.5, "ceiling": 0.5},  # floor must be below ceiling
        {"floor": float("nan")},
        {"floor": "0.25"},
        {"floor": FLOOR, "weight": 0.0},
        {"floor": FLOOR, "weight": [1.0, 2.0]},
        {"floor": FLOOR, "max_iter": 0},
        {"floor": FLOOR, "tol": -1.0},
    ],
)
def test_bad_settings_raise_fiterror(kwargs):
    with pytest.raises(FitError):
        fit_sigmoid(*scattered(), **kwargs)


def test_non_convergence_is_reported():
    with pytest.raises(FitError, match="did not converge"):
        fit_sigmoid(*scattered(), floor=FLOOR, max_iter=1)


def test_errors_are_one_line():
    with pytest.raises(FitError) as info:
        fit_sigmoid([1.0, 2.0], [0.5, 0.6], floor=0.0)
    assert "\n" not in str(info.value)


# --------------------------------------------------------------------------- #
# Bootstrap
# --------------------------------------------------------------------------- #


def test_bootstrap_reproducible_by_seed():
    x, y = scattered()
    one = bootstrap_sigmoid(x, y, floor=FLOOR, n_boot=300, seed=5)
    two = bootstrap_sigmoid(x, y, floor=FLOOR, n_boot=300, seed=5)
    other = bootstrap_sigmoid(x, y, floor=FLOOR, n_boot=300, seed=6)
    np.testing.assert_array_equal(one.a, two.a)
    np.testing.assert_array_equal(one.s, two.s)
    assert not np.array_equal(one.s, other.s)
    assert (one.n_boot, one.seed, one.n_failed) == (300, 5, 0)
    with pytest.raises(ValueError):  # arrays are read-only: the result is immutable
        one.a[0] = 0.0


@pytest.mark.parametrize(("n", "n_boot"), [(7, 50), (78, 40), (70_001, 30)])
def test_bootstrap_counts_are_uniform_draws_counted(n, n_boot):
    # The definition, drawn the plain way (numpy's default 64-bit integers): tracker draws 32-bit
    # integers for speed, which must give these very draws, blocks of resamples included (70,001 rows).
    counts = bootstrap_counts(n, n_boot=n_boot, seed=9)
    idx = np.random.default_rng(9).integers(0, n, size=(n_boot, n))  # n row indices per resample
    expected = np.stack([np.bincount(r, minlength=n) for r in idx])
    np.testing.assert_array_equal(counts, expected)
    assert np.all(counts.sum(axis=1) == n)


def test_bootstrap_counts_have_multinomial_moments():
    # Multinomial(n, 1/n): each count has mean 1 and variance (n - 1)/n.
    counts = bootstrap_counts(20, n_boot=20000, seed=3)
    assert abs(counts.mean() - 1.0) < 0.01
    assert abs(counts.var() - 19 / 20) < 0.02


@pytest.mark.parametrize("data", [scattered(), synthetic(n=60, seed=4)])
def test_batched_bootstrap_equals_scalar_fits_on_same_counts(data):
    x, y = data
    w = np.linspace(80, 120, x.size)
    n_boot, seed = 200, 17
    boot = bootstrap_sigmoid(x, y, floor=FLOOR, weight=w, n_boot=n_boot, seed=seed)
    counts = bootstrap_counts(x.size, n_boot=n_boot, seed=seed)
    for b in range(n_boot):
        rows = counts[b] > 0
        ref = fit_sigmoid(x[rows], y[rows], floor=FLOOR, weight=counts[b, rows] * w[rows])
        assert abs(boot.a[b] - ref.a) < BATCH_TOL
        assert abs(boot.s[b] - ref.s) < BATCH_TOL


def test_failed_resamples_are_counted_not_dropped():
    # Five models; many resamples hold fewer than 3 distinct models or only the
    # floor/ceiling rows (separated), and must fail.
    x = [22.0, 23.0, 24.0, 25.0, 26.0]
    y = [0.25, 0.40, 0.55, 0.80, 1.00]  # z = 0, 0.2, 0.4, 0.733, 1
    n_boot, seed = 400, 3
    boot = bootstrap_sigmoid(x, y, floor=FLOOR, n_boot=n_boot, seed=seed)
    failed = np.isnan(boot.s)
    assert boot.n_failed == int(failed.sum()) > 0
    assert boot.n_ok == n_boot - boot.n_failed
    assert np.array_equal(np.isnan(boot.a), failed)
    counts = bootstrap_counts(5, n_boot=n_boot, seed=seed)
    xa, ya = np.array(x), np.array(y)
    for b in range(n_boot):  # each failure is exactly a resample the scalar fit refuses
        rows = counts[b] > 0
        if failed[b]:
            with pytest.raises(FitError):
                fit_sigmoid(xa[rows], ya[rows], floor=FLOOR, weight=counts[b, rows])
        else:
            ref = fit_sigmoid(xa[rows], ya[rows], floor=FLOOR, weight=counts[b, rows])
            assert abs(boot.s[b] - ref.s) < BATCH_TOL
    assert np.all(np.isnan(boot.x_for(0.9)[failed]))


@pytest.mark.parametrize("n", [4, 6, 12, 30, 80])
@pytest.mark.parametrize("kind", ["plain", "ties", "floor rows"])
def test_degenerate_rows_shortcuts_flag_exactly_what_the_full_check_flags(n, kind):
    rng = np.random.default_rng(n)
    x = np.sort(rng.uniform(21.0, 27.0, n))
    z = rng.uniform(0.05, 0.95, n)
    if kind == "ties":
        x[1::2] = x[::2][: x[1::2].size]  # rows in tied pairs: groups of two
    elif kind == "floor rows":
        z[: n // 3] = 0.0
    counts = bootstrap_counts(n, n_boot=3000, seed=n + 1)
    assert np.array_equal(degenerate_rows(x, z, counts), degenerate_rows_full(x, z, counts))


@pytest.mark.parametrize("scale", [0.1, 3.0, 300.0])
def test_fast_newton_terms_equal_mean_var(scale):
    # The shared-x solver forms -eta as one matrix product and skips the clip of eta when the
    # coefficients bound it: its terms are mean_var's to rounding, and the skipped clip changes nothing.
    rng = np.random.default_rng(5)
    xs, z = rng.normal(0.0, 1.0, 40), rng.uniform(0.0, 1.0, 40)
    w = rng.integers(0, 4, (50, 40)) * 250.0
    beta = rng.normal(0.0, scale, (50, 2))
    k = batched._SharedX.of(xs, z, np.array([0.1, 1.0]))
    p, e, p_clip, e_clip = np.empty((4, 50, 40))
    with np.errstate(all="ignore"):
        batched._newton_terms(p, e, -beta, k.rows, w, k.needs_clip(-beta))
        batched._newton_terms(p_clip, e_clip, -beta, k.rows, w, True)
        p_ref, v_ref = mean_var(beta[:, :1] + beta[:, 1:] * xs)
    assert np.array_equal(p, p_clip) and np.array_equal(e, e_clip)
    np.testing.assert_allclose(p, w * p_ref, rtol=1e-12, atol=0.0)
    np.testing.assert_allclose(e, w * v_ref, rtol=1e-12, atol=0.0)


@pytest.mark.parametrize("data", [scattered(), synthetic(n=60, seed=4)])
def test_fast_start_is_good_to_the_third_order(data):
    # _start corrects the exact Newton step from the full-data estimate by the second-order term of the
    # gradient's expansion: it must land far closer to each resample's solution than that step alone.
    x, y = data
    d = prepare(x, y, FLOOR, 1.0, 100.0)
    xs = (d.x - d.center) / d.spread
    beta0, _ = newton2(xs, d.z, d.w, None, DEFAULT_MAX_ITER, DEFAULT_TOL)
    w = bootstrap_counts(xs.size, n_boot=400, seed=2) * d.w
    solved, converged = batched.batched_newton2_shared(xs, d.z, w, beta0)
    k = batched._SharedX.of(xs, d.z, beta0)
    start, ok, _ = batched._start(k, w)
    s = w @ k.start  # the plain Newton step from beta0, from the same sums
    d0, d1, _ = batched._steps(s[:, 0] - s[:, 2], s[:, 1] - s[:, 3], s[:, 4], s[:, 5], s[:, 6])
    plain = beta0 + np.column_stack([d0, d1])
    keep = converged & ok
    err_start = np.abs(start - solved)[keep].max(axis=1)
    err_plain = np.abs(plain - solved)[keep].max(axis=1)
    assert keep.sum() > 350
    assert np.median(err_start) < np.median(err_plain) / 10
    assert np.quantile(err_start, 0.9) < np.quantile(err_plain, 0.9) / 5


def test_bootstrap_spread_matches_standard_errors_roughly():
    x, y = synthetic()
    fit = fit_sigmoid(x, y, floor=FLOOR, weight=ITEMS)
    boot = bootstrap_sigmoid(x, y, floor=FLOOR, weight=ITEMS, n_boot=1000)
    assert 0.7 < np.std(boot.s) / fit.se_s < 1.4
    assert abs(np.median(boot.s) - fit.s) < fit.se_s


def test_compute_jitter_is_reproducible_and_widens():
    x, y = scattered()
    plain = bootstrap_sigmoid(x, y, floor=FLOOR, n_boot=400, seed=2)
    zero = bootstrap_sigmoid(x, y, floor=FLOOR, n_boot=400, seed=2, x_sd=0.0)
    np.testing.assert_allclose(zero.s, plain.s, atol=1e-12)  # sd 0: same counts, same x
    j1 = bootstrap_sigmoid(x, y, floor=FLOOR, n_boot=400, seed=2, x_sd=0.3)
    j2 = bootstrap_sigmoid(x, y, floor=FLOOR, n_boot=400, seed=2, x_sd=np.full(x.size, 0.3))
    np.testing.assert_array_equal(j1.s, j2.s)
    assert j1.jittered and not plain.jittered
    x90 = plain.x_quantiles(0.9, [0.1, 0.9])
    j90 = j1.x_quantiles(0.9, [0.1, 0.9])
    assert j90[1] - j90[0] > x90[1] - x90[0]
    for bad in (-0.1, float("nan"), [0.1, 0.2]):
        with pytest.raises(FitError):
            bootstrap_sigmoid(x, y, floor=FLOOR, n_boot=5, x_sd=bad)


def test_never_resamples_give_open_ended_interval():
    boot = SigmoidBootstrap(
        a=np.array([-20.0, -20.0, -20.0, 1.0, np.nan]),
        s=np.array([0.8, 0.8, 0.8, -0.1, np.nan]),  # one "never", one failed
        n_boot=5,
        n_failed=1,
        seed=0,
        floor=FLOOR,
        ceiling=1.0,
    )
    xs = boot.x_for(0.625)  # logit(0.5) = 0, so x* = 20 / 0.8 = 25
    np.testing.assert_allclose(xs[:3], 25.0)
    assert xs[3] == np.inf and np.isnan(xs[4])
    assert boot.never_share(0.625) == 0.25  # 1 of the 4 successful resamples
    q = boot.x_quantiles(0.625, [0.5, 0.95])
    assert q[0] == 25.0 and q[1] == np.inf  # upper end is open: "never" in the tail


def test_quantiles_with_inf_by_hand():
    v = [1.0, 2.0, 3.0, np.inf, np.nan]  # NaN (failed) dropped: 4 values left
    q = quantiles_with_inf(v, [0.0, 0.5, 2 / 3, 0.7, 1.0])
    # h = 3q: 0 -> 1; 1.5 -> 2.5; 2 -> 3 exactly; 2.1 touches inf -> inf; 3 -> inf
    np.testing.assert_array_equal(q, [1.0, 2.5, 3.0, np.inf, np.inf])
    finite = np.array([3.0, 1.0, 4.0, 1.5, 9.0])
    np.testing.assert_allclose(quantiles_with_inf(finite, [0.1, 0.5, 0.9]), np.quantile(finite, [0.1, 0.5, 0.9]))
    with pytest.raises(FitError):
        quantiles_with_inf([np.nan, np.nan], [0.5])
    with pytest.raises(FitError):
        quantiles_with_inf([1.0], [1.5])


@pytest.mark.parametrize("kwargs", [{"n_boot": 0}, {"n_boot": 2.5}, {"seed": -1}, {"seed": "x"}])
def test_bad_bootstrap_settings_raise(kwargs):
    with pytest.raises(FitError):
        bootstrap_sigmoid(*scattered(), floor=FLOOR, **kwargs)


def test_import_does_not_load_statsmodels_or_scipy():
    code = (
        "import sys, tracker.fit.sigmoid, tracker.fit.trend; "
        "print(sorted(m for m in ('statsmodels', 'scipy') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# --------------------------------------------------------------------------- #
# Property-based: random finite inputs raise nothing but FitError
# --------------------------------------------------------------------------- #

finite = st.floats(allow_nan=False, allow_infinity=False, width=64)
score = st.floats(min_value=0.0, max_value=1.0)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(st.tuples(st.one_of(finite, st.floats(18, 30)), st.one_of(score, finite)), max_size=12),
    floor=st.floats(0.0, 0.9),
)
def test_random_inputs_only_raise_fiterror(rows, floor):
    x = [r[0] for r in rows]
    y = [r[1] for r in rows]
    try:
        fit = fit_sigmoid(x, y, floor=floor)
    except FitError:
        return
    assert isinstance(fit, SigmoidFit)
    assert all(math.isfinite(v) for v in (fit.a, fit.s, fit.se_a, fit.se_s, fit.scale))
    try:
        boot = bootstrap_sigmoid(x, y, floor=floor, n_boot=20, seed=1)
    except FitError:
        return
    assert boot.n_failed == int(np.isnan(boot.s).sum())
    try:
        fit.x_for((floor + 1) / 2)
        fit.delta_interval((floor + 1) / 2)
        boot.x_quantiles((floor + 1) / 2, [0.1, 0.5, 0.9])
    except FitError:
        pass
