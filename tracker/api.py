"""The Python surface of tracker, mirroring the command line.

    import tracker
    fc = tracker.forecast("mmlu", 0.9)
    fc.year.median, fc.reached, fc.to_dict()

Every function takes ``data=`` (a datasets/ folder; default: $TRACKER_DATA,
./datasets, or the repository's) so notebooks can point at their own copy.
The API sits over the layers (data, fit, forecast, ingest) and holds no logic
of its own: it loads, resolves names, and calls them. Charts (Altair) are
imported only when a chart is asked for.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import polars as pl

from tracker.data import listing
from tracker.data import tables as tablesmod
from tracker.data.catalog import SOURCES, Benchmark, resolve_benchmark
from tracker.data.catalog import benchmarks as _benchmarks
from tracker.data.schema import default_data_dir, load_package
from tracker.data.store import Store
from tracker.errors import UsageError
from tracker.fit.resample import DEFAULT_SEED
from tracker.forecast import backtest as backtestmod
from tracker.forecast import ledger as ledgermod
from tracker.forecast import methods as methodsmod
from tracker.forecast.forecast import DEFAULT_BOOT, DEFAULT_METHOD, DEFAULT_TREND_SINCE, Forecast
from tracker.forecast.forecast import forecast as _forecast
from tracker.ingest import importing, writer

METHODS = methodsmod.METHODS
BASELINES = methodsmod.BASELINES
BACKTEST_BOOT = backtestmod.BACKTEST_BOOT
CHART_KINDS = ("fan", "fit", "progress", "compute")
IMPORT_KINDS = importing.KINDS
#: ``tracker add WHAT`` -> table.
ADD_TABLES = {"score": "scores", "model": "models", "alias": "model_aliases"}

__all__ = [
    "BASELINES", "DEFAULT_BOOT", "DEFAULT_METHOD", "DEFAULT_SEED", "DEFAULT_TREND_SINCE", "METHODS", "SOURCES",
    "Benchmark", "Forecast", "Store", "add", "backtest", "backtest_chart", "benchmark", "benchmarks", "chart",
    "check_chart_path", "forecast", "import_file", "import_report_text", "ledger", "list_table", "load",
    "open_store", "parse_date", "save_chart", "save_forecast", "sql", "validate",
]


def _root(data: str | Path | None) -> Path:
    return Path(data) if data else default_data_dir()


def load(data: str | Path | None = None) -> tablesmod.Tables:
    """Validated, typed tables (raises ``DataError`` listing every problem)."""
    return tablesmod.load(_root(data))


def validate(data: str | Path | None = None) -> tablesmod.Report:
    """Check a data folder against the rules; the report lists errors and warnings."""
    return tablesmod.validate_dir(_root(data))[0]


def open_store(data: str | Path | None = None, db: str | Path | None = None) -> Store:
    """A DuckDB store over the tables (in memory, or the file ``db``). Close it when done."""
    return Store(load(data), db=db)


def benchmark(name: str, data: str | Path | None = None) -> Benchmark:
    """A benchmark by id or alias (``"mmlu"``, ``"gpqa"``, ``"swe-bench"``, ``"fm"``)."""
    return resolve_benchmark(load(data), name)


def benchmarks(data: str | Path | None = None) -> list[Benchmark]:
    """Every benchmark of the data."""
    return _benchmarks(load(data))


def parse_date(value: dt.date | str, name: str = "date") -> dt.date:
    """A date from a ``datetime.date`` or an ISO string (``UsageError`` otherwise)."""
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise UsageError(f"{name} {value!r} is not a date; write YYYY-MM-DD") from None


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
    method: str = DEFAULT_METHOD,
) -> Forecast:
    """When will ``bench`` reach ``target``? See ``tracker.forecast.forecast`` for the method."""
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


def list_table(what: str, *, data: str | Path | None = None, **filters: Any) -> pl.DataFrame:
    """Rows of ``benchmarks``, ``models`` or ``scores`` (``tracker list``); filters as keywords."""
    return listing.table(load(data), what, **filters)


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
    """Backtest every method and baseline (``tracker backtest``) on the ``"quick"`` or ``"dense"`` grid."""
    tables = load(data)
    if isinstance(benches, str):
        benches = [benches]
    bs = [resolve_benchmark(tables, b) for b in (benches or list(backtestmod.GRIDS))]
    dates = [parse_date(d, "as_of") for d in as_of] if as_of else None
    with Store(tables) as store:
        if grid not in backtestmod.GRIDS_BY_NAME:
            raise UsageError(f"unknown grid {grid!r}; use one of: {', '.join(backtestmod.GRIDS_BY_NAME)}")
        return backtestmod.run(store, bs, as_of=dates, methods=tuple(methods) if methods else METHODS + BASELINES,
                               grid=backtestmod.GRIDS_BY_NAME[grid],
                               n_boot=n_boot or BACKTEST_BOOT, seed=DEFAULT_SEED if seed is None else seed,
                               progress=progress)


def ledger(folder: str | Path | None = None, *, data: str | Path | None = None) -> list[ledgermod.Scored]:
    """Saved forecasts scored against today's data (``tracker ledger``)."""
    return ledgermod.score(folder, data=data)


def save_forecast(fc: Forecast, inputs: dict, *, folder: str | Path | None = None,
                  data: str | Path | None = None) -> list[Path]:
    """Write ``fc`` to the ledger (write-once JSON) and, for the compute method, its fit chart as SVG.

    Returns the paths written. A chart that cannot be drawn never loses the record.
    """
    path = ledgermod.save(fc, inputs, folder=folder, data_dir=data)
    written = [path]
    if fc.method == "compute":
        try:
            written.append(save_chart(chart("fit", fc), path.with_suffix(".svg")))
        except Exception:  # noqa: BLE001 - the record is the ledger entry; the chart is a courtesy
            pass
    return written


# -- charts (Altair is imported only here, when a chart is asked for) ------------------------
def chart(kind: str, fc: Forecast, **options: Any):
    """An Altair chart of a forecast (built, not saved): ``"fan"`` (the predictive forecast: the state of the
    art's fan and when the target falls), ``"fit"``, ``"progress"`` or ``"compute"`` (the compute method)."""
    if kind == "fan":
        from tracker.render import fan_chart  # lazy: altair costs a second of start-up

        return fan_chart.fan_chart(fc, **options)
    from tracker.render import charts  # lazy: altair

    return charts.chart(kind, fc, **options)


def backtest_chart(bt: backtestmod.Backtest, kind: str = "dates", **options: Any):
    """An Altair chart of a backtest: ``"dates"`` (forecast against actual dates) or ``"calibration"``."""
    from tracker.render import backtest_chart as bc  # lazy: altair

    if kind not in ("dates", "calibration"):
        raise UsageError(f"unknown backtest chart {kind!r}; use dates or calibration")
    return bc.chart(bt, **options) if kind == "dates" else bc.calibration_chart(bt, **options)


def check_chart_path(path: str | Path, scale: float = 1) -> Path:
    """Refuse a chart path before any work is done (unknown extension, missing folder, bad scale)."""
    from tracker.render import export  # lazy: altair

    return export.check_path(path, scale)


def save_chart(chart_obj, path: str | Path, scale: float = 1) -> Path:
    """Write a chart by extension: .html (offline), .svg, .png, .json."""
    from tracker.render import export  # lazy: altair and vl_convert

    return export.save(chart_obj, path, scale)


# -- changing the data ------------------------------------------------------------------------
def add(what: str, values: dict[str, str] | None = None, *, from_file: str | Path | None = None,
        data: str | Path | None = None, dry_run: bool = False) -> writer.Result:
    """Add rows (``what``: score, model or alias) from field values or a CSV batch, validated and atomic."""
    table = ADD_TABLES.get(what)
    if table is None:
        raise UsageError(f"cannot add {what!r}; use one of: {', '.join(ADD_TABLES)}")
    root = _root(data)
    res = load_package(root).resources[table]
    given = {k: v for k, v in (values or {}).items() if v is not None}
    if from_file:
        if given:
            raise UsageError("give either --from-file or field options, not both "
                             f"(got {', '.join('--' + c.replace('_', '-') for c in given)})")
        try:
            raw = Path(from_file).read_bytes()
        except OSError as exc:
            raise UsageError(f"{from_file}: cannot read it ({exc.strerror})") from None
        rows = writer.check_batch(str(from_file), raw, res)
    else:
        if not given:
            raise UsageError(f"nothing to add: give the fields as options (see 'tracker add {what} --help') or --from-file")
        rows = writer.option_row(res, given)
    return writer.add_rows(root, table, rows, dry_run=dry_run)


def add_text(table: str, added: list[dict[str, str]], *, dry_run: bool, data: str | Path | None = None) -> str:
    """The preview and summary ``tracker add`` prints."""
    path = load_package(_root(data)).resources[table].path
    lines = writer.preview_lines(table, added)
    verb = "would add" if dry_run else "added"
    lines.append(f"{verb} {len(added)} row{'s' if len(added) != 1 else ''} to {path}"
                 + (" (dry run: nothing written)" if dry_run else ""))
    return "\n".join(lines)


def import_file(kind: str, file: str | Path, *, data: str | Path | None = None, **options: Any) -> importing.ImportReport:
    """Merge a published file into the data (``tracker import``): new rows added, changes reported."""
    return importing.import_file(kind, file, data=data, **options)


def import_report_text(report: importing.ImportReport, *, limit: int = 20) -> str:
    """The summary ``tracker import`` prints."""
    return importing.report_text(report, limit=limit)
