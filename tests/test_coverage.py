"""Coverage of the shipped data, recomputed from the files so it cannot drift silently."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from tests.conftest import DATASETS
from tracker.data import tables as data


@pytest.fixture(scope="module")
def tables() -> data.Tables:
    return data.load(DATASETS)


def _models(t: data.Tables, family_prefix: str) -> pl.DataFrame:
    ids = t.scores.filter(pl.col("benchmark_id").str.starts_with(family_prefix))["model_id"].unique()
    return t.models.filter(pl.col("id").is_in(ids.implode()))


# Issue 11's targets: MMLU 180, GPQA Diamond 200, SWE-bench Verified 60 models. FrontierMath has 79
# (all of Epoch AI's runs and the lab reports found; the tiny public samples are not imported).
@pytest.mark.parametrize(
    ("prefix", "min_models", "min_with_compute"),
    [("mmlu", 180, 100), ("gpqa-diamond", 200, 55), ("swe-bench-verified", 60, 20), ("frontiermath", 79, 8)],
)
def test_benchmark_coverage(tables: data.Tables, prefix: str, min_models: int, min_with_compute: int) -> None:
    m = _models(tables, prefix)
    assert m.height >= min_models
    assert m.filter(pl.col("compute_flop").is_not_null()).height >= min_with_compute


def test_models_with_compute(tables: data.Tables) -> None:
    assert tables.models.filter(pl.col("compute_flop").is_not_null()).height >= 350


def test_compute_is_as_fresh_as_epochs_newest_file(tables: data.Tables) -> None:
    m = tables.models
    newest = m.filter(pl.col("compute_source").str.contains("2026-05 snapshot"))
    assert newest.height >= 20
    # the newest model with an estimate is from 2026 (it was July 2025 before the 2026-05 file)
    assert m.filter(pl.col("compute_flop").is_not_null())["release_date"].max().year == 2026
    gpt45 = m.filter(pl.col("id") == "gpt-4.5").row(0, named=True)
    assert gpt45["compute_flop"] == 3.8e26 and gpt45["estimation_method"] == "hardware"
    assert "2026-05" in gpt45["compute_source"] and "training cluster" in gpt45["notes"]
    # every estimate names its vintage, confidence and method (or says why Epoch's notes give none)
    est = m.filter(pl.col("compute_source").str.contains("2026-05 snapshot"))
    assert est["confidence"].is_not_null().all()
    assert (est["estimation_method"].is_not_null() | est["notes"].str.contains("estimation method left empty")).all()


def test_models_with_full_compute_provenance(tables: data.Tables) -> None:
    full = tables.models.filter(
        pl.col("compute_flop").is_not_null()
        & pl.col("confidence").is_not_null()
        & pl.col("estimation_method").is_not_null()
        & pl.col("compute_source").str.contains("Epoch AI|http")
    )
    assert full.height >= 150
    # The vintage is named in every Epoch-sourced estimate.
    epoch = tables.models.filter(pl.col("compute_source").str.contains("Epoch AI"))
    assert epoch["compute_source"].str.contains(r"20\d\d-\d\d").all()


@pytest.mark.parametrize(
    ("benchmark", "newest_at_least"),
    [
        ("gpqa-diamond", "2026-06-01"),
        ("frontiermath", "2026-06-01"),
        ("mmlu", "2026-05-01"),
        ("swe-bench-verified", "2025-12-01"),
    ],
)
def test_freshness(tables: data.Tables, benchmark: str, newest_at_least: str) -> None:
    s = tables.scores.filter(pl.col("benchmark_id") == benchmark).join(
        tables.models.select(pl.col("id").alias("model_id"), "release_date"), on="model_id"
    )
    newest = s.select(pl.coalesce("date_reported", "release_date").max()).item()
    assert newest >= dt.date.fromisoformat(newest_at_least)


def test_settings_are_kept_apart(tables: data.Tables) -> None:
    s = tables.scores
    # Gemini Ultra's CoT@32 number is not a 5-shot number.
    ultra = s.filter(pl.col("model_id").str.contains("gemini-1.0-ultra") & (pl.col("benchmark_id") == "mmlu"))
    assert set(ultra.filter(pl.col("score") >= 0.9)["setting"]) <= {"CoT@32"}
    # Kaggle's harness is its own setting, never 5-shot.
    kaggle = s.filter(pl.col("source_name").str.contains("Kaggle"))
    assert kaggle.height > 0 and (kaggle["setting"] == "kaggle-open-benchmarks").all()
    # SWE-bench: the official bash-only board is independent; lab numbers name a scaffold.
    swe = s.filter(pl.col("benchmark_id") == "swe-bench-verified")
    assert (swe.filter(pl.col("setting").str.starts_with("bash-only"))["source_kind"] == "independent").all()
    assert swe.filter(pl.col("source_kind") == "lab")["setting"].str.contains("scaffold|system").all()


def test_list_settings_in_default_matches_what_a_default_fit_uses(tables: data.Tables) -> None:
    """``tracker list settings`` says in_default=true only for settings a default fit can use: a non-standard
    setting (parallel test-time compute, a subset of the tasks) is never in it, even when the preference's
    glob matches it (it once said so for SWE-bench's lab-scaffold-parallel entries)."""
    from tracker.data import settings as vocab
    from tracker.data.catalog import resolve_benchmark
    from tracker.data.select import select
    from tracker.data.store import Store

    t = vocab.table(tables)
    assert not t.filter(pl.col("in_default") & (pl.col("kind") != "standard")).height
    swe = t.filter(pl.col("benchmark_id") == "swe-bench-verified")
    assert swe.filter(pl.col("setting").str.starts_with("lab-scaffold-parallel"))["in_default"].not_().all()
    with Store(tables) as s:
        sel = select(s, resolve_benchmark(tables, "swe"), as_of=dt.date(2026, 6, 30), source="any")
    used = set(sel.rows["setting"])
    allowed = swe.filter(pl.col("in_default"))["setting"].to_list()
    assert used and all(any(vocab.matches(u, a) or u == a for a in allowed) for u in used)


def test_gpt4_mmlu_five_shot_is_the_technical_report_figure(tables: data.Tables) -> None:
    row = tables.scores.filter(
        (pl.col("model_id") == "gpt-4")
        & (pl.col("benchmark_id") == "mmlu")
        & (pl.col("setting") == "5-shot")
        & (pl.col("source_kind") == "lab")
    )
    assert set(row["score"]) == {0.864}
