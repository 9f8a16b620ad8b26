"""The Python surface of tracker, mirroring the command line.

    import tracker
    fc = tracker.forecast("mmlu", 0.9)
    fc.year.median, fc.reached, fc.to_dict()

Every function takes ``data=`` (a datasets/ folder; default: $TRACKER_DATA,
./datasets, or the repository's) so notebooks can point at their own copy.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

from tracker import data as datamod
from tracker.errors import UsageError
from tracker.forecasting import DEFAULT_BOOT, DEFAULT_SEED, DEFAULT_TREND_SINCE, Forecast
from tracker.forecasting import forecast as _forecast
from tracker.schema import default_data_dir
from tracker.select import Benchmark, benchmarks as _benchmarks, resolve_benchmark
from tracker.store import Store


def load(data: str | Path | None = None) -> datamod.Tables:
    """Validated, typed tables (raises ``DataError`` listing every problem)."""
    return datamod.load(data or default_data_dir())


def validate(data: str | Path | None = None) -> datamod.Report:
    """Check a data folder against the rules; the report lists errors and warnings."""
    return datamod.validate_dir(data or default_data_dir())[0]


def open_store(data: str | Path | None = None, db: str | Path | None = None) -> Store:
    """A DuckDB store over the tables (in memory, or the file ``db``). Close it when done."""
    return Store(load(data), db=db)


def benchmark(name: str, data: str | Path | None = None) -> Benchmark:
    """A benchmark by id or alias (``"mmlu"``, ``"gpqa"``, ``"swe-bench"``, ``"fm"``)."""
    return resolve_benchmark(load(data), name)


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
    method: str = "compute",
) -> Forecast:
    """When will ``bench`` reach ``target``? See ``tracker.forecasting`` for the method."""
    tables = load(data)
    b = resolve_benchmark(tables, bench)
    with Store(tables) as store:
        return _forecast(
            store, b, target, as_of=parse_date(as_of, "as_of") if as_of else None, source=source,
            settings=settings, include_imputed=include_imputed, ceiling=ceiling, n_boot=n_boot, seed=seed,
            trend_since=parse_date(trend_since, "trend_since"), compute_noise=compute_noise, method=method,
        )


def sql(query: str, data: str | Path | None = None, db: str | Path | None = None) -> pl.DataFrame:
    """Run a read-only SQL query over the tables and the ``scores_joined`` view."""
    with Store(load(data), db=db) as store:
        return store.query(query)


def benchmarks(data: str | Path | None = None) -> list[Benchmark]:
    return _benchmarks(load(data))


def parse_date(value: dt.date | str, name: str = "date") -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise UsageError(f"{name} {value!r} is not a date; write YYYY-MM-DD") from None


def backtest(
    benches: list[str] | str | None = None,
    *,
    data: str | Path | None = None,
    as_of: list[dt.date | str] | None = None,
    methods: list[str] | None = None,
    n_boot: int | None = None,
    seed: int | None = None,
    progress=None,
):
    """Backtest every method and baseline (``tracker backtest``); returns a ``tracker.backtesting.Backtest``."""
    from tracker import backtesting as bt
    from tracker import methods as m

    tables = load(data)
    if isinstance(benches, str):
        benches = [benches]
    bs = [resolve_benchmark(tables, b) for b in (benches or list(bt.GRIDS))]
    dates = [parse_date(d, "as_of") for d in as_of] if as_of else None
    with Store(tables) as store:
        return bt.run(store, bs, as_of=dates, methods=tuple(methods) if methods else m.METHODS + m.BASELINES,
                      n_boot=n_boot or bt.BACKTEST_BOOT, seed=DEFAULT_SEED if seed is None else seed, progress=progress)


def ledger(folder: str | Path | None = None, *, data: str | Path | None = None):
    """Saved forecasts scored against today's data (``tracker ledger``)."""
    from tracker import saved as ledgermod

    return ledgermod.score(folder, data=data)
