"""The DuckDB store: the one place SQL lives.

The validated polars tables are registered in an in-process DuckDB database
(in memory by default, or a file) and joined by the views in ``sql/views.sql``.
User input reaches SQL only as bound parameters; the only SQL text a user can
run is their own query through :meth:`Store.query`, which is read-only on an
in-memory copy.
"""

from __future__ import annotations

import datetime as dt
import re
from importlib import resources
from pathlib import Path

import duckdb
import polars as pl

from tracker.data.schema import TABLES
from tracker.data.tables import Tables
from tracker.errors import UsageError

_SQL = resources.files("tracker.data") / "sql"
_IDENT = re.compile(r"[a-z_][a-z0-9_]*")  # our own parameter names, never user text


def _sql(name: str) -> str:
    return (_SQL / name).read_text(encoding="utf-8")


class _Stream:
    """Hands a polars frame to DuckDB through the Arrow C stream interface.

    DuckDB's own polars support goes through pyarrow; the PyCapsule protocol
    needs no extra dependency and copies nothing.
    """

    def __init__(self, df: pl.DataFrame) -> None:
        self._df = df

    def __arrow_c_stream__(self, requested_schema=None):
        return self._df.__arrow_c_stream__(requested_schema)


class Store:
    """A DuckDB connection holding the curated tables and the join views.

    Use as a context manager (or call :meth:`close`)::

        with Store(tables) as store:
            store.query("SELECT * FROM scores_joined LIMIT 5")
    """

    def __init__(self, tables: Tables, db: str | Path | None = None) -> None:
        self.tables = tables
        self.con = duckdb.connect(str(db) if db else ":memory:")
        for name in TABLES:
            frame = getattr(tables, name)
            if db:  # a file database keeps real tables, so others can open it later
                self.con.register(f"_{name}_src", _Stream(frame))
                self.con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM _{name}_src")
                self.con.unregister(f"_{name}_src")
            else:
                self.con.register(name, _Stream(frame))
        self.con.execute(_sql("views.sql"))

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.con.close()

    def _frame(self, sql: str, params: dict | None = None) -> pl.DataFrame:
        """Run ``sql`` with ``params`` bound as variables (read with ``getvariable('name')``).

        Values travel as a one-row Arrow table, never as SQL text. (DuckDB's own
        parameter binding imports pandas, half a second of start-up.)
        """
        if params:
            self.con.register("_params", _Stream(pl.DataFrame({k: [v] for k, v in params.items()})))
            for name in params:
                if not _IDENT.fullmatch(name):
                    raise ValueError(f"bad parameter name {name!r}")
                self.con.execute(f"SET VARIABLE {name} = (SELECT {name} FROM _params)")
            self.con.unregister("_params")
        return pl.DataFrame(self.con.sql(sql))

    # -- queries used by the library -------------------------------------------------

    def select_scores(self, benchmark: str, patterns: list[str], source: str, as_of: dt.date,
                      include_previews: bool = False) -> pl.DataFrame:
        """One row per model: the best score under its most preferred setting (previews only if asked)."""
        return self._frame(
            _sql("select_scores.sql"),
            {"benchmark": benchmark, "patterns": patterns, "source": source, "as_of": as_of,
             "include_previews": include_previews},
        )

    def benchmark_scores(self, benchmark: str, as_of: dt.date) -> pl.DataFrame:
        """Every score row of a benchmark known by ``as_of`` (all settings, all sources)."""
        return self._frame(
            "SELECT * FROM scores_joined WHERE benchmark_id = getvariable('b') AND known_date <= getvariable('d') "
            "AND release_date <= getvariable('d') ORDER BY known_date, model_id",
            {"b": benchmark, "d": as_of},
        )

    def count_scored_models(self, benchmark: str, as_of: dt.date, source: str, include_previews: bool = False) -> int:
        """Models with any score (any setting) of ``benchmark`` known by ``as_of``, of a source kind or ``any``."""
        return self._frame(
            "SELECT count(DISTINCT model_id) AS n FROM scores_joined WHERE benchmark_id = getvariable('b') "
            "AND known_date <= getvariable('d') AND release_date <= getvariable('d') "
            "AND (getvariable('src') = 'any' OR source_kind = getvariable('src')) "
            "AND (getvariable('prev') OR NOT preview)",
            {"b": benchmark, "d": as_of, "src": source, "prev": include_previews},
        )["n"].item()

    def frontier(self, as_of: dt.date, since: dt.date) -> pl.DataFrame:
        """Frontier models (Epoch AI's top-10 definition) with compute, released in [since, as_of]; one row per model line."""
        return self._frame(
            "SELECT * FROM frontier_models WHERE release_date >= getvariable('since') AND release_date <= getvariable('d') "
            "ORDER BY release_date",
            {"since": since, "d": as_of},
        )

    def model(self, model_id: str) -> dict | None:
        df = self._frame("SELECT * FROM models WHERE id = getvariable('id')", {"id": model_id})
        return df.row(0, named=True) if df.height else None

    def last_data_date(self) -> dt.date:
        """The newest release or report date anywhere in the data (the data's vintage)."""
        return self._frame(
            "SELECT greatest((SELECT max(release_date) FROM models), (SELECT max(date_reported) FROM scores)) AS d"
        )["d"].item()

    def freshness(self, as_of: dt.date) -> dict:
        """How fresh the data is on ``as_of`` (for the forecast report): the newest score known, the newest
        model with a compute estimate, and the scored models of the 12 months before ``as_of`` without one."""
        row = self._frame(
            "SELECT (SELECT max(known_date) FROM scores_joined WHERE known_date <= getvariable('d')) AS newest_score, "
            "(SELECT arg_max(id, release_date) FROM models WHERE compute_flop IS NOT NULL AND release_date <= getvariable('d')) "
            "AS newest_compute_model, "
            "(SELECT max(release_date) FROM models WHERE compute_flop IS NOT NULL AND release_date <= getvariable('d')) "
            "AS newest_compute_date, "
            "(SELECT count(DISTINCT model_id) FROM scores_joined WHERE compute_flop IS NULL AND NOT preview "
            " AND release_date <= getvariable('d') AND release_date > getvariable('d') - INTERVAL 365 DAY) AS recent_without_compute, "
            "(SELECT count(DISTINCT model_id) FROM scores_joined WHERE NOT preview "
            " AND release_date <= getvariable('d') AND release_date > getvariable('d') - INTERVAL 365 DAY) AS recent_scored",
            {"d": as_of},
        ).row(0, named=True)
        return dict(row)

    # -- the user's own SQL ---------------------------------------------------------------

    def query(self, sql: str) -> pl.DataFrame:
        """Run a user's read-only query against the tables and views."""
        head = sql.lstrip().split(None, 1)[0].upper() if sql.strip() else ""
        if head not in ("SELECT", "WITH", "FROM", "DESCRIBE", "SHOW", "SUMMARIZE", "EXPLAIN", "PRAGMA", "VALUES", "TABLE"):
            raise UsageError("only read-only queries (SELECT, WITH, DESCRIBE, SHOW, ...) are allowed; to change data use tracker add")
        # The user's query may read our tables only: no files, no extensions.
        self.con.execute("SET enable_external_access = false")
        try:
            return self._frame(sql)
        except duckdb.Error as exc:
            msg = str(exc).strip().splitlines()[0]
            raise UsageError(f"SQL error: {msg}; list tables and views with: tracker sql \"SHOW TABLES\"") from None
