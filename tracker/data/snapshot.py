"""Snapshots of validated tables and of DuckDB's join, kept in the user's cache and keyed by content.

Reading, validating and joining the curated tables was about half of what
``tracker forecast`` does after its imports (benchmarks/run.py, start-up). What
comes out depends only on

* the bytes of every file the data folder's ``datapackage.json`` names (and of
  that file itself),
* today's date (a rule compares release dates with today),
* tracker's own data code (``tracker/data/*.py`` and its SQL) and the versions
  of tracker, polars and DuckDB,

so a snapshot is filed under a SHA-256 of all of them and read back in place
of the work: the validated tables and what the store derives from them with
DuckDB (each score's known date, DuckDB's log10 of the models' compute, the
frontier models, the data's vintage); the store keeps the results of its other
queries over these tables in the same folder, by a hash of the SQL and its
parameters, so a second run need not open DuckDB at all. A change of any byte of any of these
makes a new key; nothing is ever looked up by a file's name or time alone.
Measured on the shipped data (median of 7, 2026-11-30, before the store
fetched the dates alone): reading, validating and joining 105-113 ms; the same
frames from a DuckDB database file (opened read only, fetched through Arrow)
33-43 ms; from Arrow IPC files 4-5 ms, which is what is kept.

A snapshot is written whole or not at all (a folder built beside the others
and renamed into place), only from tables that passed every rule; one that
cannot be read is ignored and the tables are validated as if none existed. The
cache keeps the newest ``KEEP`` snapshots. ``TRACKER_CACHE=off`` turns it off;
``TRACKER_CACHE_DIR`` moves it (default: ``$XDG_CACHE_HOME/tracker`` or
``~/.cache/tracker``, created private to the user). Writing into the cache is
best effort: a read-only home, a full disk or a race with another process
never fails a command.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import time
from pathlib import Path

import duckdb
import polars as pl

from tracker._version import __version__
from tracker.data import tables as tablesmod
from tracker.data.schema import DATAPACKAGE, TABLES, load_package
from tracker.data.store import DERIVED, Store

#: Bump when what a snapshot holds, or how, changes.
FORMAT = 1
#: Snapshots kept (the newest by modification time); each is about the size of the data's CSVs.
KEEP = 4
_DATA_CODE = Path(__file__).resolve().parent


def enabled() -> bool:
    return os.environ.get("TRACKER_CACHE", "").strip().lower() not in ("off", "0", "no", "false")


def cache_dir() -> Path:
    """Where snapshots live: $TRACKER_CACHE_DIR, $XDG_CACHE_HOME/tracker or ~/.cache/tracker."""
    if os.environ.get("TRACKER_CACHE_DIR"):
        return Path(os.environ["TRACKER_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "tracker"


def key(root: Path, today: dt.date | None = None) -> str:
    """The SHA-256 of everything a validated, joined data folder depends on (see the module docstring)."""
    h = hashlib.sha256()

    def part(label: str, data: bytes) -> None:
        h.update(f"{label}\0{len(data)}\0".encode())
        h.update(data)

    part("format", str(FORMAT).encode())
    part("versions", f"{__version__} {pl.__version__} {duckdb.__version__}".encode())
    part("today", (today or dt.date.today()).isoformat().encode())
    for code in sorted([*_DATA_CODE.glob("*.py"), *_DATA_CODE.glob("sql/*.sql")]):
        part(f"code:{code.relative_to(_DATA_CODE).as_posix()}", code.read_bytes())
    package = load_package(root)
    part(DATAPACKAGE, (root / DATAPACKAGE).read_bytes())
    for name in sorted(package.resources):
        path = package.path(name)
        part(f"table:{name}", path.read_bytes() if path.is_file() else b"\0missing")
    return h.hexdigest()


def load(root: str | Path) -> tablesmod.Tables:
    """The validated tables of ``root`` (``tracker.data.tables.load``), from a snapshot when one matches."""
    root = Path(root)
    if not enabled():
        return tablesmod.load(root)
    try:
        k = key(root)
    except OSError:  # a file vanished or cannot be read: validation says what is wrong
        return tablesmod.load(root)
    folder = cache_dir() / k
    hit = _read(root, folder)
    if hit is not None:
        return hit
    tables = tablesmod.load(root)  # raises DataError on any problem: nothing is written then
    try:
        unchanged = key(root) == k  # a file edited while it was read: file nothing under either key
    except OSError:
        unchanged = False
    if unchanged:
        _write(tables, folder)
    return tables


def _read(root: Path, folder: Path) -> tablesmod.Tables | None:
    meta_path = folder / "meta.json"
    if not meta_path.is_file():
        return None
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        frames = {n: pl.read_ipc(folder / f"{n}.arrow") for n in meta["frames"]}
        tables = tablesmod.Tables(
            package=load_package(root),
            **{n: frames[n] for n in TABLES},
            settings=frames.get("settings"),
        )
        for n in DERIVED:
            tables.derived[n] = frames[n]
        tables.derived["vintage"] = dt.date.fromisoformat(meta["vintage"]) if meta["vintage"] else None
        tables.derived["memo"] = folder  # the store keeps its query results here (``Store._frame``)
    except (Exception, pl.exceptions.PanicException):  # noqa: BLE001 - a cache file that fails to read: no snapshot
        return None  # unreadable or from elsewhere: recompute (and overwrite it on the way)
    try:
        os.utime(meta_path)  # recently used: kept longest
    except OSError:
        pass
    return tables


def _write(tables: tablesmod.Tables, folder: Path) -> None:
    """Compute the derived frames (DuckDB's join) and file everything under ``folder``, whole or not at all."""
    with Store(tables) as store:
        store.derive()  # kept on the tables: the command's own store does not compute them again
    tmp = folder.with_name(f".{folder.name}.{os.getpid()}.tmp")
    try:
        folder.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        if folder.exists():  # an unreadable snapshot under this key: replace it
            shutil.rmtree(folder, ignore_errors=True)
        tmp.mkdir(mode=0o700)
        frames = {n: getattr(tables, n) for n in TABLES}
        if tables.settings is not None:
            frames["settings"] = tables.settings
        frames.update({n: tables.derived[n] for n in DERIVED})
        for name, frame in frames.items():
            frame.write_ipc(tmp / f"{name}.arrow")
        vintage = tables.derived.get("vintage")
        meta = {"format": FORMAT, "frames": sorted(frames), "vintage": vintage.isoformat() if vintage else None}
        (tmp / "meta.json").write_text(json.dumps(meta), encoding="utf-8")  # last: marks the snapshot complete
        os.rename(tmp, folder)
        tables.derived["memo"] = folder
    except OSError:
        pass  # read-only home, full disk, another process won the race: the cache is only a shortcut
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    _prune(folder.parent)


#: A temporary snapshot folder older than this was left by a process that died while writing it.
STALE_TMP_S = 3600.0


def _prune(cache: Path) -> None:
    """Keep the newest ``KEEP`` snapshots, and no temporary folder of a process long gone."""
    try:
        now = time.time()
        for tmp in cache.glob(".*.tmp"):
            if now - tmp.stat().st_mtime > STALE_TMP_S:
                shutil.rmtree(tmp, ignore_errors=True)
        kept = sorted(
            (p for p in cache.iterdir() if p.is_dir() and not p.name.startswith(".")),
            key=lambda p: (p / "meta.json").stat().st_mtime if (p / "meta.json").exists() else 0.0,
            reverse=True,
        )
        for old in kept[KEEP:]:
            shutil.rmtree(old, ignore_errors=True)
    except OSError:
        pass
