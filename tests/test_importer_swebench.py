"""Tests of the SWE-bench leaderboard importer on the real reference files."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from tracker.ingest.importers.common import ALIAS_FIELDS, MODEL_FIELDS, SCORE_FIELDS
from tracker.ingest.importers.swebench import (
    import_leaderboards,
    read_leaderboards,
)

REFERENCE = Path(__file__).resolve().parents[1] / ".." / "shared" / "reference"
LEADERBOARDS = REFERENCE / "swebench-leaderboards-2025-12" / "leaderboards.json"
MODEL_VERSIONS = REFERENCE / "epoch-benchmarks-2025-12" / "model_versions.csv"
GPAI = REFERENCE / "gpai-dated-scores-2026-06" / "dated_scores_four_benchmarks.csv"

BASH_ONLY = "SWE-bench bash-only leaderboard"
VERIFIED = "SWE-bench Verified leaderboard"


@pytest.fixture(scope="module")
def imported():
    if not (LEADERBOARDS.exists() and MODEL_VERSIONS.exists()):
        pytest.skip(
            f"reference data not found at {REFERENCE.resolve()} (expected ../shared/reference/ next to the repository)"
        )
    return import_leaderboards(LEADERBOARDS, MODEL_VERSIONS)


def test_read_leaderboards_returns_the_three_tables(imported):
    scores, models, aliases = read_leaderboards(LEADERBOARDS, MODEL_VERSIONS)
    assert (scores, models, aliases) == (imported.scores, imported.models, imported.aliases)
    assert all(list(r) == SCORE_FIELDS for r in scores)
    assert all(list(r) == MODEL_FIELDS for r in models)
    assert all(list(r) == ALIAS_FIELDS for r in aliases)
    for row in scores + models + aliases:
        assert all(isinstance(v, str) for v in row.values()), row


def test_bash_only_board(imported):
    board = next(
        b for b in json.loads(LEADERBOARDS.read_text(encoding="utf-8"))["leaderboards"] if b["name"] == "bash-only"
    )
    assert len(board["results"]) == 31
    rows = [r for r in imported.scores if r["source_name"] == BASH_ONLY]
    assert len(rows) >= 28
    skipped = [s for s in imported.skipped if s[0] == "bash-only"]
    assert len(rows) + len(skipped) == 31
    assert all(r["source_kind"] == "independent" for r in rows), "no bash-only row is lab-reported"
    assert {r["setting"] for r in rows} == {"bash-only mini-swe-agent"}
    assert all(r["notes"].startswith("mini-swe-agent ") for r in rows)
    assert all(r["source_url"] == "https://www.swebench.com/bash-only.html" for r in rows)


def test_known_values(imported):
    by_version = {(r["source_name"], r["model_version"]): r for r in imported.scores}
    opus = by_version[(BASH_ONLY, "claude-opus-4-5-20251101")]
    assert float(opus["score"]) == pytest.approx(0.744)
    assert opus["model_id"] == "claude-opus-4.5"
    assert opus["effort"] == "medium"
    assert opus["date_reported"] == "2025-11-24"
    gpt5 = by_version[(BASH_ONLY, "gpt-5-2025-08-07")]
    assert (gpt5["model_id"], gpt5["effort"], gpt5["score"]) == ("gpt-5", "medium", "0.65")
    assert by_version[(BASH_ONLY, "o3-20250416")]["model_id"] == "o3"
    assert by_version[(BASH_ONLY, "claude-4-opus-20250514")]["model_id"] == "claude-opus-4"
    assert by_version[(BASH_ONLY, "claude-4-sonnet-20250514")]["score"] == "0.6493"


def test_scores_are_fractions_with_sources(imported):
    for row in imported.scores:
        assert 0.0 <= float(row["score"]) <= 1.0, row
        assert row["benchmark_id"] == "swe-bench-verified"
        assert row["source_kind"] in {"lab", "independent"}
        assert row["source_url"].startswith(("http://", "https://")), row
        assert len(row["date_reported"]) == 10, row


def test_verified_board_rows_are_systems(imported):
    rows = [r for r in imported.scores if r["source_name"] == VERIFIED]
    assert rows
    assert all(r["setting"].startswith("system: ") for r in rows)
    # Anthropic's own "Tools + Claude" submissions are lab numbers; scaffold
    # companies running a Claude model are third parties.
    kinds = {r["setting"]: r["source_kind"] for r in rows}
    assert kinds["system: Tools + Claude 4 Opus (2025-05-22)"] == "lab"
    assert kinds["system: Bloop"] == "independent"
    # mini-SWE-agent runs are listed on both boards: kept once (bash-only).
    assert not any("mini-SWE-agent" in r["setting"] for r in rows)
    reasons = {s[1]: s[2] for s in imported.skipped if s[0] == "Verified"}
    assert "several models" in reasons["Nemotron-CORTEXA"]
    assert reasons["Augment Agent v1"] == "no Model tag"


def test_every_score_model_has_an_alias(imported):
    aliases = {a["external_id"]: a for a in imported.aliases}
    assert len(aliases) == len(imported.aliases)
    for row in imported.scores:
        alias = aliases.get(row["model_version"])
        assert alias is not None, row
        assert alias["model_id"] == row["model_id"]
        assert alias["source"] == "swebench" and alias["reason"]


def test_no_duplicate_keys(imported):
    keys = [(r["model_id"], r["setting"], r["effort"], r["model_version"], r["source_name"]) for r in imported.scores]
    assert len(keys) == len(set(keys))


def test_new_models_are_dated_and_known_to_scores(imported):
    model_ids = {m["id"] for m in imported.models}
    with open(MODEL_VERSIONS, encoding="utf-8-sig", newline="") as fh:
        epoch_versions = {r["id"].lower() for r in csv.DictReader(fh)}
    for model in imported.models:
        assert model["release_date"] and model["release_source_url"].startswith("https://"), model
    for alias in imported.aliases:
        if alias["model_id"] in model_ids:
            assert alias["external_id"].lower() not in epoch_versions
    if GPAI.exists():  # the aggregator's release dates agree with ours
        with open(GPAI, encoding="utf-8-sig", newline="") as fh:
            gpai = {r["model_version"]: r["release_date"] for r in csv.DictReader(fh)}
        dates = {m["id"]: m["release_date"] for m in imported.models}
        assert dates["claude-opus-4.5"] == gpai["claude-opus-4-5-20251101_16K"]
        assert dates["gemini-3-pro"] == gpai["gemini-3-pro-preview"]
        assert dates["deepseek-v3.2"] == gpai["deepseek-v3.2_thinking"]


def test_tag_reaching_two_models_is_an_error(tmp_path):
    if not MODEL_VERSIONS.exists():
        pytest.skip(f"reference data not found at {REFERENCE.resolve()}")
    entry = {"resolved": 50.0, "date": "2025-07-26", "site": None, "mini-swe-agent_version": "1.0.0"}
    data = {
        "leaderboards": [
            {
                "name": "bash-only",
                "results": [
                    dict(entry, name="o3 (2025-04-16)", tags=["Model: o3-20250416"]),
                    dict(entry, name="Claude 4 Opus medium", tags=["Model: claude-4-opus-20250514"]),
                ],
            },
            {"name": "Verified", "results": []},
        ]
    }
    path = tmp_path / "ok.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    scores, _, _ = read_leaderboards(path, MODEL_VERSIONS)
    assert {r["model_id"] for r in scores} == {"o3", "claude-opus-4"}
    assert {r["effort"] for r in scores} == {"", "medium"}

    # An Epoch file where one spelling of the tag (o3-2025-04-16) is also the
    # id of another model: the tag would map to two model ids.
    with open(MODEL_VERSIONS, encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        rows = list(reader)
        fieldnames = reader.fieldnames
    clash = dict(rows[0], id="o3-2025-04-16", Model="Some Other Model")
    bad_csv = tmp_path / "model_versions.csv"
    with open(bad_csv, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fieldnames)
        writer.writeheader()
        writer.writerows(rows + [clash])
    with pytest.raises(ValueError):
        read_leaderboards(path, bad_csv)
