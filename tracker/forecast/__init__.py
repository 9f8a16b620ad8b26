"""The forecast layer: methods, the one forecast driver, the backtest and the ledger.

``methods`` (each method fitted once, for every command), ``forecast`` (the
driver and its one result type), ``backtest`` (as-of replays scored against
what happened), ``ledger`` (saved forecasts, scored later). Imports the data
and fit layers only.
"""
