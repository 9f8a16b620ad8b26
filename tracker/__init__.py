"""tracker: forecast when AI models reach benchmark thresholds, from sourced data.

The public API lives in :mod:`tracker.api` and is re-exported here lazily,
so that ``import tracker`` stays cheap (no polars, no DuckDB until used)::

    import tracker
    fc = tracker.forecast("mmlu", 0.9)
"""

from __future__ import annotations

from tracker._version import __version__

__all__ = [
    "__version__", "add", "backtest", "backtest_chart", "benchmark", "benchmarks", "chart", "forecast",
    "import_file", "ledger", "list_table", "load", "open_store", "save_chart", "save_forecast", "sql", "validate",
    "Forecast",
]


def __getattr__(name: str):
    if name in __all__:
        from tracker import api  # the one lazy step of the package: import tracker stays cheap

        return getattr(api, name)
    raise AttributeError(f"module 'tracker' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(__all__) | set(globals()))
