"""Snapshots of validated, joined tables (tracker.data.snapshot): read back only when nothing they depend on changed."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import time
from pathlib import Path

import pytest
from conftest import DATASETS
from polars.testing import assert_frame_equal

import tracker
from tracker.data import snapshot
from tracker.data import tables as tablesmod
from tracker.data.store import Store
from tracker.errors import DataError


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("TRACKER_CACHE", "on")
    monkeypatch.setenv("TRACKER_CACHE_DIR", str(folder))
    return folder


@pytest.fixture
def data(tmp_path) -> Path:
    root = tmp_path / "datasets"
    shutil.copytree(DATASETS, root)
    return root


def _fresh(root: Path):
    """Tables and derived frames computed with no snapshot at all."""
    tables = tablesmod.load(root)
    with Store(tables) as store:
        joined = store.widen(store.join())
        return tables, joined, store.frontier_models(), store.last_data_date()


def _no_validation(monkeypatch):
    def refuse(root):
        raise AssertionError("validated although a snapshot matched")

    monkeypatch.setattr(tablesmod, "load", refuse)


def test_second_load_reads_the_snapshot_and_equals_a_fresh_load(cache, data, monkeypatch):
    first = snapshot.load(data)
    snaps = [p for p in cache.iterdir() if not p.name.startswith(".")]
    assert len(snaps) == 1 and (snaps[0] / "meta.json").is_file()
    tables, joined, front, vintage = _fresh(data)
    _no_validation(monkeypatch)
    again = snapshot.load(data)
    for name in ("benchmarks", "models", "scores", "model_aliases", "settings"):
        assert_frame_equal(getattr(again, name), getattr(tables, name))
        assert_frame_equal(getattr(first, name), getattr(tables, name))
    assert_frame_equal(again.derived["frontier_models"], front)
    assert again.derived["vintage"] == vintage
    with Store(again) as store:  # the same join, and DuckDB still answers SQL over the snapshot's tables
        assert_frame_equal(store.widen(store.join()), joined)
        assert store.query("SELECT count(*) AS n FROM scores_joined")["n"].item() == joined.height


def test_one_changed_byte_is_a_new_key_and_is_validated(cache, data):
    snapshot.load(data)
    before = snapshot.key(data)
    scores = data / "scores.csv"
    text = scores.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    # the last row's score: one digit off is still a valid number, so it must be read anew
    head, sep, tail = lines[-1].partition(",0.")
    lines[-1] = head + sep + ("1" if tail[0] != "1" else "2") + tail[1:]
    scores.write_text("".join(lines), encoding="utf-8")
    assert snapshot.key(data) != before
    tables, *_ = _fresh(data)
    assert_frame_equal(snapshot.load(data).scores, tables.scores)


def test_invalid_data_raise_and_write_nothing(cache, data):
    scores = data / "scores.csv"
    scores.write_text(scores.read_text(encoding="utf-8").replace(",lab,", ",labb,", 1), encoding="utf-8")
    with pytest.raises(DataError):
        snapshot.load(data)
    assert not cache.exists() or not any(cache.iterdir())


def test_the_key_covers_the_date_and_tracker_code(cache, data):
    today = dt.date(2026, 11, 30)
    assert snapshot.key(data, today) != snapshot.key(data, today + dt.timedelta(days=1))
    assert snapshot.key(data, today) == snapshot.key(data, today)


def test_a_damaged_snapshot_is_ignored_and_replaced(cache, data):
    snapshot.load(data)
    (folder,) = [p for p in cache.iterdir() if not p.name.startswith(".")]
    (folder / "scores_dated.arrow").write_bytes(b"not arrow at all")
    tables, joined, *_ = _fresh(data)
    again = snapshot.load(data)
    assert_frame_equal(again.scores, tables.scores)
    with Store(again) as store:
        assert_frame_equal(store.widen(store.join()), joined)
    hit = snapshot.load(data)  # rewritten whole
    assert "scores_dated" in hit.derived
    with Store(hit) as store:
        assert_frame_equal(store.widen(store.join()), joined)


def test_an_unwritable_cache_never_fails_a_command(tmp_path, data, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("TRACKER_CACHE", "on")
    monkeypatch.setenv("TRACKER_CACHE_DIR", str(blocker / "cache"))
    tables, *_ = _fresh(data)
    assert_frame_equal(snapshot.load(data).scores, tables.scores)


def test_off_means_no_cache(tmp_path, data, monkeypatch):
    monkeypatch.setenv("TRACKER_CACHE", "off")
    monkeypatch.setenv("TRACKER_CACHE_DIR", str(tmp_path / "cache"))
    snapshot.load(data)
    assert not (tmp_path / "cache").exists()


def test_the_cache_keeps_the_newest_few(cache, data, monkeypatch):
    for n in range(snapshot.KEEP + 2):
        monkeypatch.setattr(snapshot, "FORMAT", 1000 + n)  # a new key each time
        snapshot.load(data)
    kept = [p for p in cache.iterdir() if not p.name.startswith(".")]
    assert len(kept) == snapshot.KEEP
    assert os.stat(cache).st_mode & 0o077 == 0  # private to the user


def test_forecast_from_a_snapshot_prints_the_same(cache, data, monkeypatch):
    monkeypatch.setenv("TRACKER_CACHE", "off")
    off = tracker.forecast("gpqa", 0.95, data=data, n_boot=200).report()
    monkeypatch.setenv("TRACKER_CACHE", "on")
    written = tracker.forecast("gpqa", 0.95, data=data, n_boot=200).report()
    _no_validation(monkeypatch)
    hit = tracker.forecast("gpqa", 0.95, data=data, n_boot=200).report()
    assert off == written == hit


def test_a_second_forecast_opens_no_duckdb_connection(cache, data, monkeypatch):
    """The store's queries over a snapshot's tables are kept beside it: the second run needs no DuckDB."""
    import duckdb

    first = tracker.forecast("mmlu", 0.9, data=data, n_boot=200).report()
    opened = []
    real = duckdb.connect
    monkeypatch.setattr(duckdb, "connect", lambda *a, **k: opened.append(a) or real(*a, **k))
    assert tracker.forecast("mmlu", 0.9, data=data, n_boot=200).report() == first
    assert opened == []
    # a kept query result that cannot be read is asked of DuckDB again, with the same answer
    (folder,) = [p for p in cache.iterdir() if not p.name.startswith(".")]
    for kept in folder.glob("query-*.arrow"):
        kept.write_bytes(b"damaged")
    assert tracker.forecast("mmlu", 0.9, data=data, n_boot=200).report() == first
    assert opened


def test_data_edited_while_read_are_not_filed(cache, data, monkeypatch):
    """Tables read from files that changed during the load are never filed under either content's key."""
    real = tablesmod.load

    def load_then_edit(root):
        tables = real(root)  # then an editor saves benchmarks.csv with Windows line ends
        path = Path(root) / "benchmarks.csv"
        path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n", 1))
        return tables

    monkeypatch.setattr(tablesmod, "load", load_then_edit)
    snapshot.load(data)
    assert not cache.exists() or not [p for p in cache.iterdir() if not p.name.startswith(".")]


def test_a_dead_writers_temporary_folder_is_cleared(cache, data):
    stale = cache / ".0123abcd.999999.tmp"
    stale.mkdir(parents=True)
    (stale / "scores.arrow").write_bytes(b"half")
    old = time.time() - 2 * snapshot.STALE_TMP_S
    os.utime(stale, (old, old))
    fresh = cache / ".4567efab.999998.tmp"  # a writer still at work: left alone
    fresh.mkdir()
    snapshot.load(data)
    assert not stale.exists() and fresh.exists()
