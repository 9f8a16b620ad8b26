"""The forecast layer: methods, the one forecast driver, the backtest and the ledger.

(Called as ``tracker.forecast(bench, target, ...)``, this name is the API function: its arguments and
documentation are ``help(tracker.api.forecast)``.)

``methods`` (each method fitted once, for every command), ``forecast`` (the
driver and its one result type), ``backtest`` (as-of replays scored against
what happened), ``ledger`` (saved forecasts, scored later). Imports the data
and fit layers only.
"""
