"""The data layer: the curated tables, their rules, the DuckDB store and the selection.

``schema`` (the Table Schema of datapackage.json), ``tables`` (read and
validate), ``store`` (DuckDB and its SQL), ``catalog`` (benchmarks and
aliases), ``select`` (one score per model; first reached; the state of the
art), ``listing`` (filtered views for ``tracker list``). Imports nothing of
tracker's but ``tracker.errors``.
"""
