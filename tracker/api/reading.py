"""Reading the data: where it is, the validated tables, SQL over them, listings.

Every function takes ``data=`` (a datasets/ folder; default: $TRACKER_DATA,
the project's datasets/, or the copy shipped with tracker: see
``tracker.data.location``).
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from tracker.data import listing, location, snapshot
from tracker.data import tables as tablesmod
from tracker.data.catalog import Benchmark, resolve_benchmark
from tracker.data.catalog import benchmarks as _benchmarks
from tracker.data.store import Store, write_db
from tracker.data.user_sql import check_read_only, query_file
from tracker.errors import UsageError
from tracker.inputs import guard_output, whole


def data_root(data: str | Path | None) -> Path:
    return location.find(data).path


def data_dir(data: str | Path | None = None) -> location.Location:
    """Which data folder a command uses, and how it was found (``--data``, ``$TRACKER_DATA``, project, shipped).

    >>> tracker.data_dir().origin in ("--data", "$TRACKER_DATA", "project", "shipped")  # doctest: +SKIP
    True
    """
    return location.find(data)


def ledger_dir(data: str | Path | None = None) -> location.Location:
    """The ledger folder commands use with the data folder ``data`` (read only beside the shipped data)."""
    return location.ledger(None, data)


def init_data(dest: str | Path) -> tuple[Path, Path]:
    """Copy the shipped data and ledger into ``dest/datasets`` and ``dest/forecasts`` (``tracker data init``).

    >>> tracker.init_data("my-tracker")  # doctest: +SKIP
    (PosixPath('my-tracker/datasets'), PosixPath('my-tracker/forecasts'))
    """
    return location.init(dest)


def load(data: str | Path | None = None) -> tablesmod.Tables:
    """Validated, typed tables (raises ``DataError`` listing every problem).

    Read from a snapshot in the user's cache when the data, the date and tracker's data code are
    unchanged since the last run (``tracker.data.snapshot``; ``TRACKER_CACHE=off`` turns it off).

    >>> t = tracker.load()                      # doctest: +SKIP
    >>> t.scores.height                         # doctest: +SKIP
    """
    return snapshot.load(data_root(data))


def validate(data: str | Path | None = None) -> tablesmod.Report:
    """Check a data folder against the rules; the report lists errors and warnings.

    >>> tracker.validate().ok                   # doctest: +SKIP
    True
    """
    return tablesmod.validate_dir(data_root(data))[0]


def open_store(data: str | Path | None = None, db: str | Path | None = None) -> Store:
    """A DuckDB store over the tables (in memory, or a new file ``db``). Close it when done.

    >>> with tracker.open_store() as store:     # doctest: +SKIP
    ...     store.query("SELECT count(*) FROM scores")
    """
    return Store(load(data), db=db)


def benchmark(name: str, data: str | Path | None = None) -> Benchmark:
    """A benchmark by id or alias (``"mmlu"``, ``"gpqa"``, ``"swe-bench"``, ``"fm"``).

    >>> tracker.benchmark("gpqa").id            # doctest: +SKIP
    'gpqa-diamond'
    """
    return resolve_benchmark(load(data), name)


def benchmarks(data: str | Path | None = None) -> list[Benchmark]:
    """Every benchmark of the data.

    >>> [b.id for b in tracker.benchmarks()]    # doctest: +SKIP
    """
    return _benchmarks(load(data))


def sql(
    query: str, data: str | Path | None = None, db: str | Path | None = None, *, force: bool = False
) -> pl.DataFrame:
    """Run one read-only SQL statement over the tables and views (``tracker sql``).

    Read-only is enforced by DuckDB: the statement is parsed and only a
    query may run, on a read-only connection when ``db`` is given. ``db`` is
    a new file to keep the database in; an existing file is replaced only
    with ``force=True``.

    >>> tracker.sql("SELECT model_name, score FROM scores_joined ORDER BY score DESC LIMIT 3")  # doctest: +SKIP
    """
    check_read_only(query)  # refuse before anything is built or written
    tables = load(data)
    if db is not None:
        db = guard_output(db, data, what="--db")
        build_db(tables, db, force=force)
        return query_db(db, query)
    with Store(tables) as store:
        return store.query(query)


def build_db(tables: tablesmod.Tables, db: str | Path, *, force: bool = False) -> Path:
    """Write the tables and views to a new DuckDB file ``db`` (an existing one only with ``force``)."""
    return write_db(tables, Path(db), force=force)


def query_db(db: str | Path, query: str) -> pl.DataFrame:
    """One read-only statement on the DuckDB file ``db``, opened read only."""
    return query_file(Path(db), query)


def settings(bench: str | None = None, *, data: str | Path | None = None) -> pl.DataFrame:
    """The settings vocabulary (``tracker list settings``): kind, whether in the default preference, score count.

    >>> tracker.settings("swe")  # doctest: +SKIP
    """
    return listing.table(load(data), "settings", bench=bench)


def list_table(
    what: str,
    *,
    data: str | Path | None = None,
    bench: str | None = None,
    model: str | None = None,
    org: str | None = None,
    setting: str | None = None,
    source: str | None = None,
    with_compute: bool = False,
    limit: int | None = None,
) -> pl.DataFrame:
    """Rows of ``benchmarks``, ``models``, ``scores`` or ``settings`` (``tracker list``), filtered: ``bench``
    (id or alias), ``model`` and ``org`` (text in the id or name), ``setting``, ``source`` (``lab`` or
    ``independent``), ``with_compute`` (models with an estimate) and ``limit`` (the first rows).

    >>> tracker.list_table("scores", bench="gpqa", limit=5)  # doctest: +SKIP
    >>> tracker.list_table("settings", bench="swe")          # doctest: +SKIP
    """
    for name, value in (("bench", bench), ("model", model), ("org", org), ("setting", setting), ("source", source)):
        if value is not None and not isinstance(value, str):
            raise UsageError(f"list_table: {name} must be text, not {type(value).__name__}")
    if not isinstance(with_compute, bool):
        raise UsageError(f"list_table: with_compute must be True or False, not {with_compute!r}")
    return listing.table(
        load(data),
        what,
        bench=bench,
        model=model,
        org=org,
        setting=setting,
        source=source,
        with_compute=with_compute,
        limit=whole(limit) if limit is not None else None,  # type: ignore[arg-type]  # checked by table
    )
