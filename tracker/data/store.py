"""The DuckDB store: the one place SQL lives.

The validated polars tables are registered in an in-process DuckDB database
(in memory by default, or a file) and joined by the views in ``sql/views.sql``.
User input reaches SQL only as bound parameters; the only SQL text a user can
run is their own query through :meth:`Store.query` (or
``tracker.data.user_sql.query_file`` on a database file), which DuckDB itself
keeps read-only (``tracker.data.user_sql``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
from importlib import resources
from pathlib import Path

import duckdb
import polars as pl

from tracker.data.schema import TABLES
from tracker.data.tables import Tables
from tracker.data.user_sql import first_line, run_user_query
from tracker.errors import ConflictError, UsageError

SETTINGS_COLUMNS = ("benchmark_id", "setting", "kind", "description")
#: The frames a store derives from its tables with DuckDB, kept on the tables (``Tables.derived``) so that
#: each is computed once per load (``Store.derive``); the data's vintage, a date, is kept there too.
DERIVED = ("scores_dated", "log10_compute", "frontier_models")
#: The order of a benchmark's rows (``Store.benchmark_scores``): a total order (the primary key), model_version's
#: nulls first.
_SCORES_ORDER = ("known_date", "model_id", "setting", "effort", "model_version", "source_name")
#: Below this many score rows the store runs DuckDB on one thread (see ``Store.__init__``).
SMALL_SCORES = 100_000
#: Benchmarks whose rows a store keeps fetched at once (a backtest works through them one by one).
BENCHMARK_CACHE = 2

_SQL = resources.files("tracker.data") / "sql"
_IDENT = re.compile(r"[a-z_][a-z0-9_]*")  # our own parameter names, never user text


def _sql(name: str) -> str:
    return (_SQL / name).read_text(encoding="utf-8")


#: The scores' columns their known date depends on (the ``scores_dated`` macro of ``sql/views.sql``).
_DATED_BY = ("benchmark_id", "model_id", "source_kind", "source_name", "source_url", "date_reported")
#: The columns of the ``scores_joined`` view, in its order.
JOINED_COLUMNS = (
    "benchmark_id",
    "benchmark_name",
    "floor",
    "ceiling",
    "benchmark_published",
    "model_id",
    "model_name",
    "family",
    "preview",
    "organization",
    "release_date",
    "compute_flop",
    "log10_compute",
    "compute_low",
    "compute_high",
    "confidence",
    "estimation_method",
    "compute_source",
    "compute_imputed",
    "frontier",
    "open_weights",
    "score",
    "stderr",
    "setting",
    "effort",
    "model_version",
    "source_kind",
    "source_name",
    "source_url",
    "date_reported",
    "checked",
    "known_date",
    "known_rule",
    "notes",
)


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
    """A DuckDB connection holding the curated tables and the join views (opened on first use: a
    command whose answers all come from a snapshot never opens it).

    Use as a context manager (or call :meth:`close`)::

        with Store(tables) as store:
            store.query("SELECT * FROM scores_joined LIMIT 5")
    """

    def __init__(self, tables: Tables, db: str | Path | None = None) -> None:
        self.tables = tables
        self._con: duckdb.DuckDBPyConnection | None = None
        #: A snapshot's folder (``tracker.data.snapshot``): query results over these very tables are
        #: kept there by a hash of the SQL and its parameters, so a second run need not open DuckDB.
        self._memo: Path | None = tables.derived.get("memo")
        self._joined: pl.DataFrame | None = None  # every score with its dates, computed once (``join``)
        self._model_columns: pl.DataFrame | None = None  # the view's model columns (``widen``)
        self._benchmark_cache: dict[tuple, pl.DataFrame] = {}
        if db:  # a file database is written now, whole
            self._con = self._connect(db)

    @property
    def con(self) -> duckdb.DuckDBPyConnection:
        """The DuckDB connection with the tables and views, opened on first use."""
        if self._con is None:
            self._con = self._connect(None)
        return self._con

    def _connect(self, db: str | Path | None) -> duckdb.DuckDBPyConnection:
        con = duckdb.connect(str(db) if db else ":memory:")
        if self.tables.scores.height < SMALL_SCORES:
            # Measured: on the curated data (about a thousand rows) one thread joins in half the time of
            # two; DuckDB's threads pay off only on large tables (benchmarks/scale.py).
            con.execute("SET threads = 1")
        for name in (*TABLES, "settings"):
            frame = getattr(self.tables, name)
            if frame is None:  # a data folder without a settings vocabulary
                frame = pl.DataFrame({c: pl.Series([], dtype=pl.String) for c in SETTINGS_COLUMNS})
            if db:  # a file database keeps real tables, so others can open it later
                con.register(f"_{name}_src", _Stream(frame))
                con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM _{name}_src")
                con.unregister(f"_{name}_src")
            else:
                con.register(name, _Stream(frame))
        con.execute(_sql("views.sql"))
        # What ``join`` asks DuckDB to date: each score's position and the columns its date depends on.
        con.register(
            "_score_rows",
            _Stream(self.tables.scores.select(pl.int_range(pl.len(), dtype=pl.UInt32).alias("_row"), *_DATED_BY)),
        )
        if self._joined is not None:
            con.register("scores_known", _Stream(self._joined))
        return con

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None

    def _frame(self, sql: str, params: dict | None = None) -> pl.DataFrame:
        """Run ``sql`` with ``params`` bound as variables (read with ``getvariable('name')``).

        Values travel as a one-row Arrow table, never as SQL text. (DuckDB's own
        parameter binding imports pandas, half a second of start-up.)
        """
        memo = self._memo_path(sql, params)
        if memo is not None and memo.is_file():
            try:
                return pl.read_ipc(memo)
            except (Exception, pl.exceptions.PanicException):  # noqa: BLE001 - unreadable: ask DuckDB
                pass
        if params:
            self.con.register("_params", _Stream(pl.DataFrame({k: [v] for k, v in params.items()})))
            for name in params:
                if not _IDENT.fullmatch(name):
                    raise ValueError(f"bad parameter name {name!r}")
                self.con.execute(f"SET VARIABLE {name} = (SELECT {name} FROM _params)")
            self.con.unregister("_params")
        frame = pl.DataFrame(self.con.sql(sql))
        if memo is not None:
            tmp = memo.with_name(f".{memo.name}.{os.getpid()}.tmp")
            try:  # whole or not at all; a full disk or a read-only cache only means no shortcut
                frame.write_ipc(tmp)
                os.replace(tmp, memo)
            except OSError:
                tmp.unlink(missing_ok=True)
        return frame

    def _memo_path(self, sql: str, params: dict | None) -> Path | None:
        """Where the result of ``sql`` with ``params`` is kept in the snapshot's folder (None: no snapshot)."""
        if self._memo is None:
            return None
        key = json.dumps([sql, sorted((k, type(v).__name__, v) for k, v in (params or {}).items())], default=str)
        return self._memo / f"query-{hashlib.sha256(key.encode()).hexdigest()}.arrow"

    def _derived(self, name: str, compute):
        """``tables.derived[name]``, computed once per load of the tables (or read back from a snapshot)."""
        if name not in self.tables.derived:
            self.tables.derived[name] = compute()
        return self.tables.derived[name]

    def _log10_compute(self) -> pl.DataFrame:
        """DuckDB's log10 of every model's compute (``widen``)."""
        return self._derived(
            "log10_compute",
            lambda: self._frame("SELECT id AS model_id, log10(compute_flop) AS log10_compute FROM models"),
        )

    def derive(self) -> None:
        """Compute now everything this store derives from its tables with DuckDB (``DERIVED``), once per load."""
        self.join()
        self._log10_compute()
        self.frontier_models()
        self.last_data_date()

    # -- queries used by the library -------------------------------------------------
    #
    # A command asks DuckDB once for what it needs: the date each score became public is
    # computed once per store and only the dates come back through Arrow (``join``); a
    # benchmark's rows are a filter of it, given the ``scores_joined`` view's other columns in
    # memory (``widen``) and their setting preference decided by DuckDB's GLOB on the
    # benchmark's distinct settings (``benchmark_rows``); the frontier models are fetched once
    # (``frontier``); a selection as of any date is then a filter in memory
    # (``tracker.data.select``), so a backtest over many as-of dates costs no more queries.

    def join(self) -> pl.DataFrame:
        """Every score row with the date it became public (``known_date``, ``known_rule``), computed once
        per store; also registered as ``scores_known`` for SQL.

        DuckDB dates the rows (the ``scores_dated`` macro of ``sql/views.sql``, the same rules as the
        ``scores_joined`` view) and sends back only each row's position and its two dates; the
        scores' own columns are the frame this store already holds, and a benchmark's rows get
        their model and benchmark columns in ``benchmark_rows`` (``widen``). Measured at a million
        score rows: fetching the whole join (34 columns, 20 of them text) cost three times the CPU
        and half a gigabyte; the dates alone cost a tenth of that.
        """
        if self._joined is None:
            sql = "SELECT _row, known_date, known_rule FROM scores_dated('_score_rows')"
            dated = self._derived("scores_dated", lambda: self._frame(sql).sort("_row"))
            scores = self.tables.scores
            if dated.height != scores.height:  # rows without a known model or benchmark are dropped, as by the view
                scores = scores.gather(dated["_row"])
            self._joined = scores.with_columns(dated["known_date"], dated["known_rule"])
            if self._con is not None:  # else registered when the connection opens
                self._con.register("scores_known", _Stream(self._joined))
        return self._joined

    def widen(self, dated: pl.DataFrame) -> pl.DataFrame:
        """Rows of ``join`` as rows of the ``scores_joined`` view: the same columns, in the same order,
        with the same values (``tests/test_store.py`` holds the two alike).

        The view's model and benchmark columns are attached in memory from the tables this store
        holds, so a million joined rows never travel back from DuckDB, and only the rows asked for
        (one benchmark's) are widened. ``log10_compute`` is DuckDB's own (one query over the models,
        once per store): polars' log10 can differ from it in the last bit, and every number
        printed downstream would move.
        """
        if self._model_columns is None:
            logs = self._log10_compute()
            self._model_columns = self.tables.models.select(
                pl.col("id").alias("model_id"),
                pl.col("name").alias("model_name"),
                "family",
                "preview",
                "organization",
                "release_date",
                "compute_flop",
                "compute_low",
                "compute_high",
                "confidence",
                "estimation_method",
                "compute_source",
                pl.col("estimation_method")
                .str.contains("benchmarks", literal=True)
                .fill_null(False)
                .alias("compute_imputed"),
                pl.col("frontier").fill_null(False),
                "open_weights",
            ).join(logs, on="model_id", how="left")
        benchmarks = self.tables.benchmarks.select(
            pl.col("id").alias("benchmark_id"),
            pl.col("name").alias("benchmark_name"),
            "floor",
            "ceiling",
            pl.col("published").alias("benchmark_published"),
        )
        rows = dated.with_columns(pl.col("effort").fill_null("")).join(self._model_columns, on="model_id", how="inner")
        rows = rows.join(benchmarks, on="benchmark_id", how="inner")
        return rows.select(JOINED_COLUMNS)

    def benchmark_rows(self, benchmark: str, patterns: list[str], exclude: list[str] | None = None) -> pl.DataFrame:
        """Every ``scores_joined`` row of ``benchmark`` (all dates, settings and sources; ``widen``), with ``pref``
        (the first of the setting globs ``patterns`` the row's setting matches, from 1; null for none)
        and ``excluded`` (its setting matches a glob of ``exclude``), in no particular order.
        Kept for the store's life (the last ``BENCHMARK_CACHE`` benchmarks and preferences).
        """
        key = (benchmark, tuple(patterns), tuple(exclude or ()))
        hit = self._benchmark_cache.get(key)
        if hit is None:
            rows = self.widen(self.join().filter(pl.col("benchmark_id") == benchmark))
            settings = rows["setting"].unique(maintain_order=True).to_list()
            prefs = self._frame(
                _sql("select_scores.sql"),
                {
                    "settings": settings or ["\x00"],
                    "patterns": list(patterns) or ["\x00"],
                    "exclude": list(exclude or []) or ["\x00"],
                },
            )
            hit = rows.join(prefs, on="setting", how="left")
            if len(self._benchmark_cache) >= BENCHMARK_CACHE:  # bound memory: drop the oldest
                self._benchmark_cache.pop(next(iter(self._benchmark_cache)))
            self._benchmark_cache[key] = hit
        return hit

    def any_benchmark_rows(self, benchmark: str) -> pl.DataFrame:
        """A benchmark's rows whatever the preference: a cached fetch if there is one."""
        for key, frame in self._benchmark_cache.items():
            if key[0] == benchmark:
                return frame
        return self.benchmark_rows(benchmark, [])

    def benchmark_scores(self, benchmark: str, as_of: dt.date) -> pl.DataFrame:
        """Every score row of a benchmark known by ``as_of`` (all settings, all sources)."""
        rows = self.any_benchmark_rows(benchmark)
        return (
            rows.filter((pl.col("known_date") <= as_of) & (pl.col("release_date") <= as_of))
            .drop("pref", "excluded")
            .sort(list(_SCORES_ORDER), nulls_last=[n != "model_version" for n in _SCORES_ORDER], maintain_order=True)
        )

    def frontier(self, as_of: dt.date, since: dt.date, *, include_imputed: bool = False) -> pl.DataFrame:
        """Frontier models (Epoch AI's top-10 definition) with compute released in [since, as_of], one per line.

        Compute imputed from benchmark scores (``compute_imputed``) is left out unless ``include_imputed``:
        a score forecast dated by a trend fitted partly on scores would be circular (docs/method.md, section 4).
        """
        front = self.frontier_models()
        front = front.filter((pl.col("release_date") >= since) & (pl.col("release_date") <= as_of))
        return front if include_imputed else front.filter(~pl.col("compute_imputed"))

    def frontier_models(self) -> pl.DataFrame:
        """Every frontier model with compute (the ``frontier_models`` view), fetched once per load of the tables."""
        # A total order: bootstrap indices must not depend on file order.
        return self._derived(
            "frontier_models", lambda: self._frame("SELECT * FROM frontier_models ORDER BY release_date, model_id")
        )

    def model(self, model_id: str) -> dict | None:
        df = self.tables.models.filter(pl.col("id") == model_id)
        return df.row(0, named=True) if df.height else None

    def last_data_date(self) -> dt.date:
        """The newest release or report date anywhere in the data (the data's vintage)."""
        return self._derived(
            "vintage",
            lambda: self._frame(
                "SELECT greatest((SELECT max(release_date) FROM models), (SELECT max(date_reported) FROM scores)) AS d"
            )["d"].item(),
        )

    def freshness(self, data_end: dt.date) -> dict:
        """Newest score, newest model with a compute estimate, and the frontier models of the last
        12 months with and without one, as known on ``data_end``.

        A frontier model here is one Epoch AI flags as frontier, or one that set a
        new best score on some benchmark (any setting) when it was released.
        """
        self.join()
        row = self._frame(_sql("freshness.sql"), {"d": data_end}).row(0, named=True)
        return row

    # -- the user's own SQL ---------------------------------------------------------------

    def query(self, sql: str) -> pl.DataFrame:
        """Run a user's read-only query against the tables and views (see the module docstring)."""
        return run_user_query(self.con, sql)


def write_db(tables: Tables, path: Path, *, force: bool = False) -> Path:
    """Write the tables and views to the DuckDB file ``path``, whole or not at all.

    An existing file is replaced only with ``force`` (it could be anyone's
    database); the new file is built beside it and renamed over it at the end.
    """
    if path.is_dir():
        raise UsageError(f"--db {path} is a folder; give a file name such as tracker.duckdb")
    if path.exists() and not force:
        raise ConflictError(
            f"--db {path} already exists; nothing changed (pass --force to replace it, or choose a new file)"
        )
    if not path.parent.is_dir():
        raise UsageError(f"--db {path}: folder {path.parent} does not exist")
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
            if leftover.exists():
                leftover.unlink()
        with Store(tables, db=tmp):
            pass
        os.replace(tmp, path)
    except (OSError, duckdb.IOException) as exc:
        raise UsageError(
            f"cannot write --db {path}: {getattr(exc, 'strerror', None) or first_line(exc)}; nothing changed"
        ) from None
    finally:
        for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
            try:
                leftover.unlink()
            except OSError:  # not there (the usual case), or a read-only folder where nothing was made
                pass
    return path
