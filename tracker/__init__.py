"""tracker: forecast when AI models reach benchmark thresholds, from sourced data.

The public API lives in :mod:`tracker.api` and is re-exported here lazily,
so that ``import tracker`` stays cheap (no polars, no DuckDB until used)::

    import tracker
    fc = tracker.forecast("mmlu", 0.9)
"""

from __future__ import annotations

import sys
import types

from tracker._version import __version__

__all__ = [
    "__version__",
    "BASELINES",
    "CHART_KINDS",
    "DEFAULT_BOOT",
    "DEFAULT_METHOD",
    "DEFAULT_SEED",
    "METHODS",
    "SOURCES",
    "add",
    "backtest",
    "backtest_chart",
    "benchmark",
    "benchmarks",
    "chart",
    "data_dir",
    "forecast",
    "import_file",
    "init_data",
    "ledger",
    "ledger_dir",
    "list_table",
    "load",
    "open_store",
    "parse_date",
    "save_chart",
    "save_forecast",
    "settings",
    "sql",
    "validate",
    "Forecast",
]


def __getattr__(name: str):
    if name in __all__:
        from tracker import api  # the one lazy step of the package: import tracker stays cheap

        return getattr(api, name)
    raise AttributeError(f"module 'tracker' has no attribute {name!r}")


class _CallableForecast(types.ModuleType):
    """The subpackage ``tracker.forecast``, callable as the API function ``tracker.api.forecast``."""

    def __call__(self, *args, **kwargs):
        from tracker import api

        return api.forecast(*args, **kwargs)

    @property
    def __signature__(self):
        """The API function's signature, for ``inspect.signature`` and a notebook's call tips."""
        import inspect

        from tracker import api

        return inspect.signature(api.forecast)


class _Package(types.ModuleType):
    """``tracker.forecast(...)`` works even once the subpackage ``tracker.forecast`` is imported.

    Importing a subpackage binds it as an attribute of its parent, shadowing
    the API function of the same name (a notebook's second
    ``tracker.forecast(...)`` then called a module). The subpackage is made
    callable instead: ``tracker.forecast("mmlu", 0.9)`` is the API function,
    ``tracker.forecast.methods`` still the module.
    """

    def __getattribute__(self, name: str):
        value = super().__getattribute__(name)
        if name == "forecast" and isinstance(value, types.ModuleType) and not isinstance(value, _CallableForecast):
            value.__class__ = _CallableForecast
        return value

    def __dir__(self) -> list[str]:
        return sorted(set(__all__) | {"api", "__version__"})


sys.modules[__name__].__class__ = _Package
