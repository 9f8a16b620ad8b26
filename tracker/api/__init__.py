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

import importlib
from typing import Any

#: Where each public name lives. Modules load on first use (PEP 562), so a command imports
#: only what it runs: ``tracker forecast`` never loads the importers, the writers, the
#: backtest or the ledger (a quarter of its start-up when everything loaded eagerly).
_WHERE = {
    **dict.fromkeys(
        ("CHART_KINDS", "backtest_chart", "chart", "chart_paths", "check_chart_path", "save_chart"),
        "tracker.api.figures",
    ),
    **dict.fromkeys(("BASELINES", "METHODS", "Forecast", "forecast"), "tracker.api.forecasting"),
    **dict.fromkeys(("backtest", "check_save", "ledger", "save_forecast"), "tracker.api.evaluating"),
    "BACKTEST_BOOT": "tracker.forecast.methods",
    **dict.fromkeys(
        (
            "benchmark",
            "benchmarks",
            "build_db",
            "data_dir",
            "init_data",
            "ledger_dir",
            "list_table",
            "load",
            "open_store",
            "query_db",
            "settings",
            "sql",
            "validate",
        ),
        "tracker.api.reading",
    ),
    **dict.fromkeys(
        ("ADD_TABLES", "IMPORT_STEPS", "add", "add_text", "import_file", "import_report_text", "on_lock_wait"),
        "tracker.api.writing",
    ),
    **dict.fromkeys(("SOURCES", "Benchmark"), "tracker.data.catalog"),
    "Store": "tracker.data.store",
    "IMPORT_KINDS": "tracker.ingest.importers",
    "DEFAULT_SEED": "tracker.fit.resample",
    **dict.fromkeys(("DEFAULT_BOOT", "DEFAULT_METHOD", "DEFAULT_TREND_SINCE", "MAX_BOOT"), "tracker.forecast.forecast"),
    **dict.fromkeys(("check_output", "check_width", "parse_date"), "tracker.inputs"),
}


def __getattr__(name: str) -> Any:
    where = _WHERE.get(name)
    if where is None:
        raise AttributeError(f"module 'tracker.api' has no attribute {name!r}")
    value = getattr(importlib.import_module(where), name)
    globals()[name] = value  # once loaded, a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_WHERE])


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
    "IMPORT_STEPS",
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
    "check_save",
    "check_output",
    "check_width",
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
