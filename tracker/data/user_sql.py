"""A user's own SQL (``tracker sql``, ``tracker.sql``): one read-only query, DuckDB deciding what is read-only.

The text is parsed by DuckDB into statements; exactly one is allowed and it
must be a query (SELECT, SHOW, DESCRIBE, SUMMARIZE, PRAGMA functions, EXPLAIN:
DuckDB parses all of these as SELECT or EXPLAIN). External access (files,
extensions, URLs) is switched off before it runs, a database file is opened
read only, Ctrl-C interrupts it, and a column type polars cannot take from
Arrow comes back as text. ``tracker.data.store`` runs the query on its
connection; nothing here is ever formatted with user text.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import polars as pl

from tracker.errors import UsageError

#: The statement types a user's query may have (DuckDB's parser decides, not the first word).
READ_ONLY_STATEMENTS = ("SELECT", "EXPLAIN")


#: The most rows a user's query may return (a runaway result took gigabytes before it printed).
MAX_RESULT_ROWS = 2_000_000

#: Column types polars takes from DuckDB's Arrow hand-off as they are; any other
#: (INTERVAL, UUID, TIME, BIT, UNION, MAP, ...) is shown as text.
_ARROW_SAFE = re.compile(
    r"^(BOOLEAN|TINYINT|SMALLINT|INTEGER|BIGINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|FLOAT|DOUBLE"
    r"|VARCHAR|DATE|TIMESTAMP|TIMESTAMP WITH TIME ZONE|DECIMAL\(\d+,\s*\d+\))$"
)


def _parse(sql: str) -> list:
    """DuckDB's statements of ``sql``, parsed on an empty connection with external access off: DuckDB expands
    some statements while parsing (``PRAGMA import_database('dir')`` reads ``dir/schema.sql``), so parsing on
    the default connection read the disk before the query's own connection was locked."""
    con = duckdb.connect(":memory:")
    try:
        con.execute("SET enable_external_access = false")
        return con.extract_statements(sql)
    finally:
        con.close()


def check_read_only(sql: str) -> str:
    """The one statement of ``sql`` if DuckDB parses it as a query; ``UsageError`` otherwise."""
    if not isinstance(sql, str) or not sql.strip():
        raise UsageError('the query is empty; give one SQL query, e.g. tracker sql "SHOW TABLES"')
    try:
        statements = _parse(sql)
    except duckdb.Error as exc:
        raise UsageError(
            f'SQL error: {first_line(exc)}; list tables and views with: tracker sql "SHOW TABLES"'
        ) from None
    if len(statements) != 1:
        raise UsageError(f"give exactly one SQL statement per call (got {len(statements)}); run them one at a time")
    kind = statements[0].type.name
    if kind not in READ_ONLY_STATEMENTS:
        raise UsageError(
            f"only read-only queries are allowed (SELECT, WITH, SHOW, DESCRIBE, SUMMARIZE, EXPLAIN); "
            f"this is {'an' if kind[:1] in 'AEIOU' else 'a'} {kind} statement. To change data use tracker add or "
            "tracker import"
        )
    return sql


def first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def run_user_query(con: duckdb.DuckDBPyConnection, sql: str) -> pl.DataFrame:
    """A user's query on ``con``: one read-only statement, no external access, any result type shown."""
    check_read_only(sql)
    con.execute("SET enable_external_access = false")  # DuckDB refuses to switch it back on
    try:
        rel = con.sql(sql)
        if rel is None:
            return pl.DataFrame()
        odd = [c for c, t in zip(rel.columns, rel.types, strict=True) if not _ARROW_SAFE.match(str(t))]
        if odd:  # e.g. INTERVAL: polars' Arrow import would panic on it
            rel = rel.project(
                ", ".join(
                    f'CAST("{c.replace(chr(34), chr(34) * 2)}" AS VARCHAR) AS "{c.replace(chr(34), chr(34) * 2)}"'
                    if c in odd
                    else f'"{c.replace(chr(34), chr(34) * 2)}"'
                    for c in rel.columns
                )
            )
        rel = rel.limit(MAX_RESULT_ROWS + 1)
        df = _interruptible(con, lambda: pl.DataFrame(rel))
        if df.height > MAX_RESULT_ROWS:
            raise UsageError(
                f"the query returns more than {MAX_RESULT_ROWS:,} rows; add a LIMIT, a WHERE or an aggregate "
                "(the tables hold far fewer: a result this big is a join or a generator gone wide)"
            )
        return df
    except duckdb.Error as exc:
        if "interrupted" in str(exc).lower():
            raise KeyboardInterrupt from None
        raise UsageError(
            f'SQL error: {first_line(exc)}; list tables and views with: tracker sql "SHOW TABLES"'
        ) from None
    except RuntimeError as exc:  # DuckDB reports Ctrl-C during a query as "Query interrupted"
        if "interrupted" in str(exc).lower():
            raise KeyboardInterrupt from None
        raise


def _interruptible(con: duckdb.DuckDBPyConnection, work):
    """Run ``work`` (which executes a query) in a worker thread so that Ctrl-C reaches it.

    The result travels to polars through the Arrow C stream, where DuckDB does
    not watch for Ctrl-C; the main thread waits instead, and on Ctrl-C
    interrupts the connection and re-raises ``KeyboardInterrupt``.
    """
    import threading

    box: dict = {}

    def run() -> None:
        try:
            box["value"] = work()
        except BaseException as exc:  # noqa: BLE001 - handed to the main thread as is
            box["error"] = exc

    worker = threading.Thread(target=run, name="tracker-sql", daemon=True)
    worker.start()
    try:
        while worker.is_alive():
            worker.join(0.05)
    except KeyboardInterrupt:
        con.interrupt()
        worker.join(2.0)
        raise
    if "error" in box:
        raise box["error"]
    return box["value"]


def query_file(path: Path, sql: str) -> pl.DataFrame:
    """One read-only statement on the DuckDB file ``path``, opened read only (the engine refuses writes)."""
    check_read_only(sql)
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        raise UsageError(f"cannot open --db {path}: {first_line(exc)}") from None
    try:
        return run_user_query(con, sql)
    finally:
        con.close()
