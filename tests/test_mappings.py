"""The importers' hand mappings (tracker/ingest/mappings/*.csv) and the importer registry."""

from __future__ import annotations

from pathlib import Path

import pytest

from tracker.errors import DataError
from tracker.ingest import importing, mappings
from tracker.ingest.importers import REGISTRY

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("name", sorted(mappings.KEYS))
def test_every_mapping_loads_with_a_reason_per_row(name: str) -> None:
    rows = mappings.load(name)
    assert rows, name
    assert all(r["reason"] for r in rows)


def test_a_clash_fails_naming_file_and_lines(tmp_path: Path, monkeypatch) -> None:
    folder = tmp_path / "m"
    folder.mkdir()
    (folder / "gpai_same_model.csv").write_text(
        "gpai_stem,model_id,reason\nx-1,x,first\nx-1,y,second\n", encoding="utf-8"
    )
    monkeypatch.setattr(mappings.resources, "files", lambda _pkg: folder)
    mappings.load.cache_clear()
    try:
        with pytest.raises(
            DataError, match=r"gpai_same_model.csv:3: gpai_stem: \('x-1',\) is already mapped at line 2"
        ):
            mappings.load("gpai_same_model")
    finally:
        mappings.load.cache_clear()


def test_a_row_without_reason_fails(tmp_path: Path, monkeypatch) -> None:
    folder = tmp_path / "m"
    folder.mkdir()
    (folder / "epoch_model_ids.csv").write_text("epoch_name,model_id,reason\nFoo+,foo-plus,\n", encoding="utf-8")
    monkeypatch.setattr(mappings.resources, "files", lambda _pkg: folder)
    mappings.load.cache_clear()
    try:
        with pytest.raises(DataError, match="epoch_model_ids.csv:2: reason: is empty"):
            mappings.load("epoch_model_ids")
    finally:
        mappings.load.cache_clear()


def test_the_registry_is_the_list_of_import_kinds() -> None:
    assert list(importing.KINDS) == list(REGISTRY)
    assert {"epoch-runs", "epoch-mmlu", "epoch-models", "swebench-leaderboard", "gpai"} <= set(REGISTRY)
    for kind, imp in REGISTRY.items():
        assert imp.example.startswith(f"tracker import {kind} ")
        assert imp.table in ("scores", "models")


def test_benchmark_mapping_targets_are_our_benchmarks() -> None:
    import csv

    with open(ROOT / "datasets" / "benchmarks.csv", encoding="utf-8") as h:
        ours = {r["id"] for r in csv.DictReader(h)}
    assert {r["benchmark_id"] for r in mappings.load("benchmarks")} <= ours
