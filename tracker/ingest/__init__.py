"""The ingest layer: putting new rows into the curated tables safely.

``writer`` (validated, locked, atomic writes), ``importing`` (published files
merged through the model aliases, with diffs), ``importers/`` (one reader per
published format). Imports the data layer only.
"""
