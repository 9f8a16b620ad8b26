"""From a target score to the compute it needs and the date it arrives.

1. Fit the sigmoid in log10 compute to one score per model (``tracker.fit``).
2. Invert it: x*(t) = (logit((t - f)/(c - f)) - a) / s.
3. Fit the frontier compute trend (``tracker.trend``): log10 C = i + g * year.
4. Date: year*(t) = (x*(t) - i) / g.
The bootstrap draws the score fit and the trend fit jointly (resample b of
each), so the date interval carries both uncertainties; resamples in which
the sigmoid has no positive slope mean "never" and keep intervals open-ended.
Compute estimates are uncertain too: with ``compute_noise`` each resample
jitters log10 compute within the band Epoch AI's confidence level implies.
That is off by default: the observed estimates already carry that noise, so
adding it again attenuates the slope and moves the median, not only the width
(docs/method.md shows by how much).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import asdict, dataclass, field, fields, is_dataclass

import numpy as np
import polars as pl

from tracker import fit as fitmod
from tracker import trend as trendmod
from tracker.errors import FitError, UsageError
from tracker.select import Benchmark, Selection, select
from tracker.store import Store

DEFAULT_BOOT = 2000
DEFAULT_SEED = 20240101
DEFAULT_TREND_SINCE = dt.date(2018, 1, 1)
REFERENCE_MODEL = "gpt-4"  # compute is also reported as a multiple of this model's
# Epoch AI's confidence levels: the estimate is within this factor at about 90%.
CONFIDENCE_FACTOR_90 = {"confident": 3.0, "likely": 10.0, "speculative": 30.0}
Z90 = 1.6448536269514722  # standard normal 95th percentile: a 90% band is +-Z90 sd
MIN_FIT_POINTS = 3
CURVE_POINTS = 120  # grid of the fitted-curve band kept for charts


@dataclass(frozen=True)
class Interval:
    """Median and central 80% / 95% bootstrap intervals; None means unbounded."""

    median: float | None
    lo80: float | None
    hi80: float | None
    lo95: float | None
    hi95: float | None
    share_never: float  # share of resamples in which the target is never reached

    @property
    def open_ended(self) -> bool:
        return self.hi95 is None


def _interval(values: np.ndarray) -> Interval:
    """Quantiles of bootstrap draws where +inf means "never" (NaN: failed resample)."""
    v = values[~np.isnan(values)]
    if v.size == 0:
        return Interval(None, None, None, None, None, 1.0)
    q = fitmod.quantiles_with_inf(v, [0.5, 0.1, 0.9, 0.025, 0.975])
    conv = [None if not math.isfinite(x) else float(x) for x in q]
    return Interval(*conv, share_never=float(np.mean(np.isinf(v))))


def _curve_band(boot: fitmod.SigmoidBootstrap, x_lo: float, x_hi: float, n: int = CURVE_POINTS) -> dict[str, list[float]]:
    """Pointwise median and 80% band of the fitted curve over [x_lo, x_hi] (for charts)."""
    xs = np.linspace(x_lo, x_hi, n)
    ok = ~np.isnan(boot.s)
    eta = boot.a[ok, None] + boot.s[ok, None] * xs[None, :]
    ys = boot.floor + (boot.ceiling - boot.floor) / (1.0 + np.exp(-np.clip(eta, -500, 500)))
    # Linear-interpolation quantiles down the resamples (what np.quantile does,
    # without its import of numpy.ma: 40 ms of start-up).
    ys.sort(axis=0)
    h = (ys.shape[0] - 1) * np.array([0.1, 0.5, 0.9])
    lo = np.floor(h).astype(int)
    frac = (h - lo)[:, None]
    q = ys[lo] * (1 - frac) + ys[np.minimum(lo + 1, ys.shape[0] - 1)] * frac
    return {"log10_compute": xs.tolist(), "lo80": q[0].tolist(), "median": q[1].tolist(), "hi80": q[2].tolist()}


@dataclass(frozen=True)
class Reached:
    """The first model whose selected score met the target."""

    model_id: str
    model_name: str
    organization: str | None
    date: dt.date
    score: float
    setting: str
    source_kind: str
    source_name: str
    source_url: str


@dataclass(frozen=True)
class Hindcast:
    """What the same method said the day before the target was first reached."""

    as_of: dt.date
    n_fit: int | None = None
    log10_compute: Interval | None = None
    year: Interval | None = None
    error: str | None = None  # why no forecast could be made then



@dataclass(frozen=True)
class DataUsed:
    n_models: int  # models with a comparable score
    n_fit: int  # of those, used in the compute fit
    n_no_compute: int
    n_imputed_excluded: int
    n_other_settings: int
    first_release: dt.date | None
    last_release: dt.date | None
    source: str
    settings_preference: tuple[str, ...]
    settings_used: dict[str, int]
    sources_used: dict[str, int]


@dataclass(frozen=True)
class Forecast:
    """Everything ``tracker forecast`` reports, as data."""

    benchmark: Benchmark
    target: float
    method: str
    as_of: dt.date
    made_on: dt.date
    n_boot: int
    seed: int
    compute_noise: bool
    data: DataUsed
    fit: fitmod.SigmoidFit
    n_boot_failed: int
    point_log10_compute: float | None  # x*(target) of the full-data fit; None when s <= 0
    log10_compute: Interval  # compute needed (log10 FLOP), bootstrap
    delta_log10_compute: tuple[float, float] | None  # 95% delta-method interval (cross-check)
    reference_model: str | None
    reference_log10_compute: float | None
    trend: trendmod.Trend
    frontier_max_log10_compute: float
    year: Interval  # decimal year the target is reached
    reached: Reached | None
    frontier_passed: bool
    hindcast: Hindcast | None = None
    notes: tuple[str, ...] = field(default=())
    # The other methods and the baselines, one line each (tracker.compare.MethodLine).
    others: tuple = field(default=())
    # For charts and notebooks (not in to_dict): the selected rows, one per
    # model, with ``in_fit``; the frontier models of the trend; the curve band.
    points: pl.DataFrame | None = field(default=None, repr=False, compare=False)
    frontier_points: pl.DataFrame | None = field(default=None, repr=False, compare=False)
    curve: dict | None = field(default=None, repr=False, compare=False)

    # -- derived, for reports ---------------------------------------------------------
    def multiple_of_reference(self, log10c: float | None) -> float | None:
        if log10c is None or self.reference_log10_compute is None:
            return None
        d = log10c - self.reference_log10_compute
        return 10.0 ** d if abs(d) < 300 else None  # beyond 1e300x no multiple means anything

    def to_dict(self) -> dict:
        """A JSON-ready dict (dates as ISO strings, None for open ends)."""
        d = {f.name: getattr(self, f.name) for f in fields(self) if f.name not in ("points", "frontier_points", "curve")}
        d = {k: (asdict(v) if is_dataclass(v) else v) for k, v in d.items()}
        d["others"] = [asdict(o) for o in self.others]
        d["fit"] = {
            "a": self.fit.a, "s": self.fit.s, "se_a": self.fit.se_a, "se_s": self.fit.se_s,
            "midpoint_log10_flop": self.fit.midpoint, "scale": self.fit.scale, "n": self.fit.n,
            "floor": self.fit.floor, "ceiling": self.fit.ceiling,
        }
        d["trend"] = {
            "intercept": self.trend.intercept, "slope_log10_per_year": self.trend.slope,
            "se_slope": self.trend.se_slope, "growth_per_year": self.trend.growth_per_year,
            "doubling_time_years": self.trend.doubling_time_years, "n": self.trend.n,
        }
        d["year_dates"] = {k: year_to_iso(v) for k, v in asdict(self.year).items() if k != "share_never"}
        d["compute_multiple_of_reference"] = {
            k: self.multiple_of_reference(v) for k, v in asdict(self.log10_compute).items() if k != "share_never"
        }
        return jsonable(d)


def jsonable(o):
    """``o`` with dates as ISO strings and non-finite floats as None, recursively."""
    if isinstance(o, dt.date):
        return o.isoformat()
    if isinstance(o, dict):
        return {k: jsonable(v) for k, v in o.items()}
    if isinstance(o, (list, tuple)):
        return [jsonable(v) for v in o]
    if isinstance(o, float) and not math.isfinite(o):
        return None
    return o


def year_to_date(year: float) -> dt.date:
    return trendmod.date_from_decimal_year(year)


def year_to_iso(year: float | None) -> str | None:
    """ISO date of a decimal year; None when open-ended or outside calendar years 1-9998.

    Such years come from nearly flat fits (a date thousands of years away, or
    before any data): no calendar date says anything useful about them.
    """
    if year is None or not (1.0 <= year < 9999.0):
        return None
    return year_to_date(year).isoformat()


def _x_sd(frame: pl.DataFrame) -> np.ndarray:
    conf = frame["confidence"].fill_null("speculative").to_list()
    return np.array([math.log10(CONFIDENCE_FACTOR_90.get(c, 30.0)) / Z90 for c in conf])


def first_reached(sel: Selection, target: float) -> Reached | None:
    """First model (by release date) whose selected score meets ``target``."""
    hit = sel.rows.filter(pl.col("score") >= target).sort(["release_date", "known_date", "score"], descending=[False, False, True])
    if hit.height == 0:
        return None
    r = hit.row(0, named=True)
    return Reached(
        model_id=r["model_id"], model_name=r["model_name"], organization=r["organization"], date=r["release_date"],
        score=r["score"], setting=r["setting"] + (f" ({r['effort']})" if r["effort"] else ""),
        source_kind=r["source_kind"], source_name=r["source_name"], source_url=r["source_url"],
    )


def check_target(benchmark: Benchmark, target: float, ceiling: float) -> None:
    """Refuse targets the curve cannot reach, with a hint for percent slips."""
    if not (isinstance(target, (int, float)) and math.isfinite(target)):
        raise UsageError(f"target {target!r} is not a number; give a fraction such as 0.9")
    if benchmark.floor < target < ceiling:
        return
    hint = f" (did you mean {target / 100:g}?)" if 10 <= target <= 100 else ""
    raise UsageError(
        f"target {target:g} is outside ({benchmark.floor:g}, {ceiling:g}) for {benchmark.name}{hint}: "
        "targets are fractions strictly between the chance floor and the ceiling; pick one in between"
    )


def forecast(
    store: Store,
    benchmark: Benchmark,
    target: float,
    *,
    as_of: dt.date | None = None,
    source: str | None = None,
    settings: list[str] | None = None,
    include_imputed: bool = False,
    ceiling: float | None = None,
    n_boot: int = DEFAULT_BOOT,
    seed: int = DEFAULT_SEED,
    trend_since: dt.date = DEFAULT_TREND_SINCE,
    compute_noise: bool = False,
    method: str = "compute",
    hindcast: bool = True,
    side: bool = True,
):
    """Forecast when ``benchmark`` reaches ``target`` (see the module docstring).

    If the target was already reached, ``hindcast`` also runs the same forecast
    with the data known the day before, so a reader sees how it would have done.
    ``method`` "date" or "compute+date" returns a ``tracker.compare.MethodForecast``;
    ``side`` adds one line per other method and baseline (``others``).
    """
    if method in ("date", "compute+date"):
        if n_boot < 100:
            raise UsageError(f"--boot {n_boot} is too few resamples for 95% intervals; use at least 100 (default {DEFAULT_BOOT})")
        from tracker.compare import forecast_method

        return forecast_method(store, benchmark, target, method=method, as_of=as_of, source=source, settings=settings,
                               include_imputed=include_imputed, ceiling=ceiling, n_boot=n_boot, seed=seed,
                               trend_since=trend_since, side=side)
    if method != "compute":
        raise UsageError(f"unknown method {method!r}; use compute, date or compute+date")
    ceiling = benchmark.ceiling if ceiling is None else ceiling
    check_target(benchmark, target, ceiling)
    if n_boot < 100:
        raise UsageError(f"--boot {n_boot} is too few resamples for 95% intervals; use at least 100 (default {DEFAULT_BOOT})")
    today = dt.date.today()
    as_of = as_of or today
    sel = select(store, benchmark, as_of=as_of, source=source, settings=settings, include_imputed=include_imputed)
    reached = first_reached(sel, target)
    rows = sel.fit_rows
    if rows.height < MIN_FIT_POINTS:
        raise FitError(
            f"{benchmark.name}: only {rows.height} models with a comparable score and a compute estimate as of {as_of} "
            f"({sel.rows.height} scored, {sel.n_no_compute} without compute, {sel.n_imputed_excluded} imputed excluded); "
            "the compute fit needs at least 3: try --method date (needs no compute), --source any or --include-imputed"
        )
    x = rows["log10_compute"].to_numpy()
    y = rows["score"].to_numpy()
    weight = float(benchmark.items or 1)
    point = fitmod.fit_sigmoid(x, y, floor=benchmark.floor, ceiling=ceiling, weight=weight)
    boot = fitmod.bootstrap_sigmoid(
        x, y, floor=benchmark.floor, ceiling=ceiling, weight=weight, n_boot=n_boot, seed=seed,
        x_sd=_x_sd(rows) if compute_noise else None,
    )
    xstar = boot.x_for(target)
    log10_needed = _interval(xstar)
    try:
        point_x = float(point.x_for(target))
    except FitError:
        point_x = None
    try:
        lo, hi = point.delta_interval(target, 0.95)
        delta = (float(lo), float(hi))
    except FitError:
        delta = None

    front = store.frontier(as_of, trend_since)
    if front.height < MIN_FIT_POINTS:
        raise FitError(f"only {front.height} frontier models with compute between {trend_since} and {as_of}; the trend needs at least 3: use an earlier --trend-since")
    fy = trendmod.decimal_year(front["release_date"].to_numpy())
    fx = front["log10_compute"].to_numpy()
    tr = trendmod.fit_trend(fy, fx)
    ti, ts = trendmod.bootstrap_trend(fy, fx, n_boot=n_boot, seed=seed + 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        years = np.where(ts > 0, (xstar - ti) / ts, np.inf)
    years = np.where(np.isnan(xstar), np.nan, years)
    year = _interval(years)

    ref = store.model(REFERENCE_MODEL)
    ref_log = math.log10(ref["compute_flop"]) if ref and ref.get("compute_flop") else None
    frontier_max = float(fx.max())
    notes = []
    if point.s <= 0:
        notes.append("The fitted slope is not positive: no progress with compute in these data, so no date is given.")
    passed = log10_needed.median is not None and frontier_max >= log10_needed.median and reached is None
    if passed:
        notes.append(
            f"The frontier has already passed the median compute needed (largest frontier model: {10 ** frontier_max:.2g} FLOP), "
            "but no evaluated model has reached the target."
        )
    if boot.n_failed:
        notes.append(f"{boot.n_failed} of {n_boot} bootstrap resamples could not be fitted and were left out of the intervals.")
    data = DataUsed(
        n_models=sel.rows.height, n_fit=rows.height, n_no_compute=sel.n_no_compute,
        n_imputed_excluded=sel.n_imputed_excluded, n_other_settings=sel.n_other_settings,
        first_release=rows["release_date"].min(), last_release=rows["release_date"].max(),
        source=sel.source, settings_preference=sel.patterns, settings_used=sel.settings_used,
        sources_used=sel.sources_used,
    )
    past = None
    if reached and hindcast:
        before = reached.date - dt.timedelta(days=1)
        try:
            h = forecast(store, benchmark, target, as_of=before, source=source, settings=settings,
                         include_imputed=include_imputed, ceiling=ceiling, n_boot=n_boot, seed=seed,
                         trend_since=trend_since, compute_noise=compute_noise, method=method, hindcast=False, side=False)
            past = Hindcast(as_of=before, n_fit=h.data.n_fit, log10_compute=h.log10_compute, year=h.year)
        except (FitError, UsageError) as exc:
            past = Hindcast(as_of=before, error=str(exc))
    others = ()
    if side:
        from tracker.compare import side_by_side

        others = side_by_side(sel, front, target, ceiling=ceiling, as_of=as_of, seed=seed, skip="compute")
    return Forecast(
        others=others,
        benchmark=benchmark, target=target, method=method, as_of=as_of, made_on=today, n_boot=n_boot, seed=seed,
        compute_noise=compute_noise, data=data, fit=point, n_boot_failed=boot.n_failed,
        point_log10_compute=point_x, log10_compute=log10_needed, delta_log10_compute=delta, reference_model=REFERENCE_MODEL if ref_log else None,
        reference_log10_compute=ref_log, trend=tr, frontier_max_log10_compute=frontier_max, year=year,
        reached=reached, frontier_passed=passed, hindcast=past, notes=tuple(notes),
        points=sel.rows.with_columns(pl.col("model_id").is_in(rows["model_id"].implode()).alias("in_fit")),
        frontier_points=front,
        curve=_curve_band(boot, min(float(x.min()), log10_needed.lo80 or x.min()) - 0.5,
                          max(float(x.max()), min(log10_needed.hi80 or x.max(), float(x.max()) + 4)) + 0.5),
    )
