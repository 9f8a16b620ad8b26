"""Evaluating forecasts: ``tracker backtest`` and the ledger (``tracker ledger``, ``forecast --save``) as functions."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from tracker.api.figures import chart, save_record_chart
from tracker.api.forecasting import BASELINES, METHODS, Forecast
from tracker.api.reading import load
from tracker.data.catalog import resolve_benchmark
from tracker.data.store import Store
from tracker.errors import TrackerError, UsageError
from tracker.forecast import backtest as backtestmod
from tracker.forecast import ledger as ledgermod
from tracker.inputs import check_boot, check_not_future, check_seed, parse_date

BACKTEST_BOOT = backtestmod.BACKTEST_BOOT


def backtest(
    benches: list[str] | str | None = None,
    *,
    data: str | Path | None = None,
    as_of: list[dt.date | str] | None = None,
    methods: list[str] | None = None,
    n_boot: int | None = None,
    seed: int | None = None,
    grid: str = "quick",
    progress=None,
) -> backtestmod.Backtest:
    """Backtest every method and baseline (``tracker backtest``) on the ``"quick"`` or ``"dense"`` grid.

    >>> bt = tracker.backtest("gpqa", grid="dense")  # doctest: +SKIP
    >>> bt.summary("pooled", "predictive").stats     # doctest: +SKIP
    """
    n_boot = check_boot(n_boot, BACKTEST_BOOT)
    seed = check_seed(seed)
    if isinstance(as_of, (str, dt.date)):  # one date, not the characters of one
        as_of = [as_of]
    dates = [check_not_future(parse_date(d, "--as-of")) for d in as_of] if as_of else None
    if isinstance(methods, str):
        methods = [methods]
    for name in methods or ():
        if name not in METHODS + BASELINES:
            raise UsageError(f"unknown method {name!r}; use any of: {', '.join(METHODS + BASELINES)}")
    tables = load(data)
    if isinstance(benches, str):
        benches = [benches]
    bs = [resolve_benchmark(tables, b) for b in (benches or list(backtestmod.GRIDS))]
    bs = list({b.id: b for b in bs}.values())  # an alias and its id name one benchmark: run it once
    with Store(tables) as store:
        if grid not in backtestmod.GRIDS_BY_NAME:
            raise UsageError(f"unknown grid {grid!r}; use one of: {', '.join(backtestmod.GRIDS_BY_NAME)}")
        return backtestmod.run(
            store,
            bs,
            as_of=dates,
            methods=tuple(methods) if methods else METHODS + BASELINES,
            grid=backtestmod.GRIDS_BY_NAME[grid],
            n_boot=n_boot,
            seed=seed,
            progress=progress,
        )


def ledger(folder: str | Path | None = None, *, data: str | Path | None = None) -> list[ledgermod.Scored]:
    """Saved forecasts verified and scored against today's data (``tracker ledger``).

    >>> [(r.path, r.check, r.status) for r in tracker.ledger()]  # doctest: +SKIP
    """
    return ledgermod.score(folder, data=data)


def _record_inputs(fc: Forecast, given: dict | None, data: str | Path | None) -> dict:
    """The inputs a record stores: ``fc.inputs``, with ``given`` checked against them (``UsageError`` when a value
    contradicts the forecast, or cannot be written as JSON)."""
    own = getattr(fc, "inputs", None)
    if given is None:
        if own is None:
            raise UsageError(
                "save_forecast: this forecast does not carry the inputs that made it; make it with tracker.forecast, "
                "or pass inputs={'bench': ..., 'target': ...}"
            )
        return dict(own)
    if not isinstance(given, dict):
        raise UsageError(f"save_forecast: inputs must be a dict, not {type(given).__name__}")
    try:
        given = json.loads(json.dumps(given, allow_nan=False))  # as the record will hold it: a tuple is a list
    except (TypeError, ValueError) as exc:
        raise UsageError(f"save_forecast: inputs cannot be stored as JSON ({exc}); use text, numbers, lists") from None
    if "bench" in given and resolve_benchmark(load(data), given["bench"]).id != fc.benchmark.id:
        raise UsageError(f"save_forecast: inputs name benchmark {given['bench']!r}; the forecast is {fc.benchmark.id}")
    if "target" in given and given["target"] != fc.target:
        raise UsageError(f"save_forecast: inputs name target {given['target']!r}, the forecast's is {fc.target!r}")
    for key, value in (own or {}).items():
        if key in given and key not in ("bench", "target") and given[key] != value:
            raise UsageError(f"save_forecast: inputs say {key}={given[key]!r}, the forecast was made with {value!r}")
    return {**(own or {}), **given}


def check_save(folder: str | Path | None = None, *, data: str | Path | None = None) -> Path:
    """The ledger folder ``save_forecast`` would write to; ``UsageError`` for the read-only shipped ledger."""
    return ledgermod.writable_folder(folder, data)


def save_forecast(
    fc: Forecast,
    inputs: dict | None = None,
    *,
    folder: str | Path | None = None,
    data: str | Path | None = None,
) -> list[Path]:
    """Write ``fc`` to the ledger (write-once, signed JSON) and its chart as SVG beside it (the fan chart for a
    predictive forecast, the fit chart for the others). A target already reached is refused (``ConflictError``),
    and so is the same forecast saved again.

    The record's inputs are the call that made ``fc`` (``fc.inputs``, kept by
    ``tracker.forecast``), so a record always names what reproduces it;
    ``inputs`` given here may add keys but not contradict them.

    Returns the paths written. A chart that cannot be drawn never loses the
    record, and an existing file is never replaced.

    >>> fc = tracker.forecast("mmlu", 0.9, data="my-tracker/datasets")   # doctest: +SKIP
    >>> tracker.save_forecast(fc, data="my-tracker/datasets")            # doctest: +SKIP
    """
    inputs = _record_inputs(fc, inputs, data)
    # ``data`` as given, not resolved: the ledger of the shipped data is found (and refused as read only)
    # only when no data folder was named; a resolved path would pass for --data and write into the package
    path = ledgermod.save(fc, inputs, folder=folder, data_dir=data)
    written = [path]
    try:
        kind = "fan" if fc.method == "predictive" else "fit"
        written.append(save_record_chart(chart(kind, fc), path.with_suffix(".svg")))
    except (TrackerError, ValueError, OSError):  # the record is the ledger entry; the chart is a courtesy
        pass
    return written
