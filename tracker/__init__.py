"""tracker: forecast when AI models reach benchmark thresholds, from sourced data.

The public API lives in :mod:`tracker.api` and is re-exported here lazily,
so that ``import tracker`` stays cheap (no statsmodels, no altair)::

    import tracker
    fc = tracker.forecast("mmlu", 0.9)
"""

from __future__ import annotations

__version__ = "0.1.0"
__all__ = ["forecast", "backtest", "ledger", "load", "validate", "open_store", "sql", "benchmark", "benchmarks"]


def __getattr__(name: str):
    if name in __all__:
        from tracker import api

        return getattr(api, name)
    raise AttributeError(f"module 'tracker' has no attribute {name!r}")
