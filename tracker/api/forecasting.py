"""Forecasts, backtests and the ledger as functions: ``tracker forecast``, ``backtest``, ``ledger``.

The forecast comes back as ``Forecast``: the frozen result of the forecast
layer, with a short ``repr`` and ``.report()`` (the text the CLI prints).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import fields
from pathlib import Path

from tracker.api.reading import load
from tracker.data import settings as settingsmod
from tracker.data.catalog import resolve_benchmark
from tracker.data.store import Store
from tracker.errors import exact
from tracker.fit.resample import DEFAULT_SEED
from tracker.forecast import methods as methodsmod
from tracker.forecast.forecast import DEFAULT_BOOT, DEFAULT_TREND_SINCE, year_dates
from tracker.forecast.forecast import Forecast as _Forecast
from tracker.forecast.forecast import forecast as _forecast
from tracker.inputs import check_boot, check_not_future, check_seed, parse_date, real
from tracker.render import report as reportmod

METHODS = methodsmod.METHODS


BASELINES = methodsmod.BASELINES


class Forecast(_Forecast):
    """A forecast with a short ``repr`` and ``.report()``, the text ``tracker forecast`` prints.

    >>> fc = tracker.forecast("mmlu", 0.9)          # doctest: +SKIP
    >>> fc                                           # doctest: +SKIP
    <Forecast MMLU >= 0.9 by predictive: median ..., 80% ... to ...; 120 models, data to 2025-...>
    >>> print(fc.report())                           # doctest: +SKIP
    """

    #: The call that made it, as a ledger record stores it (``save_forecast``): benchmark and target as asked,
    #: the data selection, resamples, seed and the method that ran. Set by ``forecast``; not part of the result.
    inputs: dict | None = None

    def report(self) -> str:
        """The text ``tracker forecast`` prints for this forecast."""
        return reportmod.report(self)

    def __repr__(self) -> str:
        y = year_dates(self.year) or {}
        if self.reached is not None:
            state = f"reached by {self.reached.model_name} on {self.reached.date}"
        elif y.get("median"):
            state = f"median {y['median']}, 80% {y.get('lo80') or 'open'} to {y.get('hi80') or 'never'}"
        else:
            state = "never reached in most resamples"
        end = self.data_end or self.as_of
        return (
            f"<Forecast {self.benchmark.name} >= {exact(self.target)} by {self.method}: {state}; "
            f"{self.data.n_fit} models, data to {end}>"
        )

    __str__ = __repr__

    @classmethod
    def wrap(cls, fc: _Forecast, inputs: dict | None = None) -> "Forecast":
        """The same forecast, as this class (with the call's ``inputs``)."""
        out = cls(**{f.name: getattr(fc, f.name) for f in fields(fc)})
        object.__setattr__(out, "inputs", inputs)  # frozen: set once, here
        return out


def forecast(
    bench: str,
    target: float,
    *,
    data: str | Path | None = None,
    as_of: dt.date | str | None = None,
    source: str | None = None,
    settings: list[str] | None = None,
    include_imputed: bool = False,
    ceiling: float | None = None,
    n_boot: int = DEFAULT_BOOT,
    seed: int = DEFAULT_SEED,
    trend_since: dt.date | str = DEFAULT_TREND_SINCE,
    compute_noise: bool = False,
    method: str | None = None,
) -> Forecast:
    """When will ``bench`` reach ``target``? See ``tracker.forecast.forecast`` for the method.

    >>> fc = tracker.forecast("mmlu", 0.9)                  # doctest: +SKIP
    >>> fc.year.median, fc.reached                          # doctest: +SKIP
    >>> print(fc.report())                                  # the CLI's text  # doctest: +SKIP
    >>> tracker.forecast("fm", 0.9, method="date").to_dict() # doctest: +SKIP
    """
    n_boot = check_boot(n_boot, DEFAULT_BOOT)
    seed = check_seed(seed)
    as_of_d = parse_date(as_of, "--as-of") if as_of is not None else None  # "" is an error, not today
    if as_of_d is not None:
        check_not_future(as_of_d)
    since = parse_date(trend_since, "trend_since")
    tables = load(data)
    b = resolve_benchmark(tables, bench)
    if isinstance(settings, str):  # one pattern, not its letters
        settings = [settings]
    if settings:
        settings = settingsmod.check_patterns(tables, b, settings)
    target, ceiling = real(target), real(ceiling)  # numpy's float32 and friends are numbers too
    with Store(tables) as store:
        fc = _forecast(
            store,
            b,
            target,
            as_of=as_of_d,
            source=source,
            settings=settings,
            include_imputed=include_imputed,
            ceiling=ceiling,
            n_boot=n_boot,
            seed=seed,
            trend_since=since,
            compute_noise=compute_noise,
            method=method,
        )
    inputs = {
        "bench": bench,
        "target": target,
        "as_of": as_of_d.isoformat() if as_of_d is not None else None,
        "source": source,
        "settings": list(settings) if settings else None,
        "include_imputed": bool(include_imputed),
        "ceiling": ceiling,
        "boot": n_boot,
        "seed": seed,
        "trend_since": since.isoformat(),
        "compute_noise": bool(compute_noise),
        "method": fc.method,  # the method that ran (the default may have fallen back)
    }
    return Forecast.wrap(fc, inputs)
