"""Readers for published data (Epoch AI, the SWE-bench leaderboards, ...).

Each importer turns a third party's file into rows of our own schema
(``datasets/datapackage.json``), keeping the source of every row.
"""
