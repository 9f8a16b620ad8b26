"""The Python surface of tracker, mirroring the command line.

    import tracker
    fc = tracker.forecast("mmlu", 0.9)
    fc.year.median, fc.reached, fc.to_dict()

Every function takes ``data=`` (a datasets/ folder; default: $TRACKER_DATA,
the project's datasets/, or the copy shipped with tracker: see
``tracker.data.location``) so notebooks can point at their own copy.
The API sits over the layers (data, fit, forecast, ingest) and holds no logic
of its own: it loads, resolves names, checks arguments and calls them. One
module per kind of use: ``reading`` (data, SQL, listings), ``forecasting``
(forecasts, backtests, the ledger), ``figures`` (charts; Altair is imported
only when a chart is asked for), ``writing`` (add and import).
"""

from __future__ import annotations

from tracker.api.figures import CHART_KINDS, backtest_chart, chart, chart_paths, check_chart_path, save_chart
from tracker.api.forecasting import (
    BACKTEST_BOOT,
    BASELINES,
    METHODS,
    Forecast,
    backtest,
    forecast,
    ledger,
    save_forecast,
)
from tracker.api.reading import (
    benchmark,
    benchmarks,
    build_db,
    data_dir,
    init_data,
    ledger_dir,
    list_table,
    load,
    open_store,
    query_db,
    settings,
    sql,
    validate,
)
from tracker.api.writing import ADD_TABLES, IMPORT_KINDS, add, add_text, import_file, import_report_text, on_lock_wait
from tracker.data.catalog import SOURCES, Benchmark
from tracker.data.store import Store
from tracker.fit.resample import DEFAULT_SEED
from tracker.forecast.forecast import DEFAULT_BOOT, DEFAULT_METHOD, DEFAULT_TREND_SINCE, MAX_BOOT
from tracker.inputs import check_output, parse_date

__all__ = [
    "ADD_TABLES",
    "BACKTEST_BOOT",
    "BASELINES",
    "CHART_KINDS",
    "DEFAULT_BOOT",
    "DEFAULT_METHOD",
    "DEFAULT_SEED",
    "DEFAULT_TREND_SINCE",
    "IMPORT_KINDS",
    "MAX_BOOT",
    "METHODS",
    "SOURCES",
    "Benchmark",
    "Forecast",
    "Store",
    "add",
    "add_text",
    "backtest",
    "backtest_chart",
    "benchmark",
    "benchmarks",
    "build_db",
    "chart",
    "chart_paths",
    "check_chart_path",
    "check_output",
    "data_dir",
    "forecast",
    "import_file",
    "import_report_text",
    "init_data",
    "ledger",
    "ledger_dir",
    "list_table",
    "load",
    "on_lock_wait",
    "open_store",
    "parse_date",
    "query_db",
    "save_chart",
    "save_forecast",
    "settings",
    "sql",
    "validate",
]
