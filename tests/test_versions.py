"""Model versions, previews, known dates and the lab record, recomputed from the shipped files (issue 11)."""

from __future__ import annotations

import polars as pl
import pytest

from tests.conftest import DATASETS
from tracker.data import tables as data
from tracker.data.store import Store


@pytest.fixture(scope="module")
def tables() -> data.Tables:
    return data.load(DATASETS)


def _joined(t: data.Tables) -> pl.DataFrame:
    return t.scores.join(
        t.models.select(pl.col("id").alias("model_id"), "release_date", "family", "preview"), on="model_id"
    )


def test_shipped_data_passes_the_new_rules() -> None:
    report, _ = data.validate_dir(DATASETS)
    assert report.errors == []


def test_no_score_is_dated_before_its_version_was_released(tables: data.Tables) -> None:
    j = _joined(tables)
    early = j.filter(pl.col("date_reported") < pl.col("release_date"))
    assert early.height == 0, early.select("model_id", "benchmark_id", "date_reported", "release_date")


def test_no_score_is_dated_before_its_benchmark_was_published(tables: data.Tables) -> None:
    j = tables.scores.join(tables.benchmarks.select(pl.col("id").alias("benchmark_id"), "published"), on="benchmark_id")
    assert j.filter(pl.col("date_reported") < pl.col("published")).height == 0


def test_a_figure_read_on_a_later_models_page_is_known_from_that_page(tables: data.Tables) -> None:
    # a lab figure for an older model read on a later model's launch page or card (the same URL as that model's
    # release source) is not known at the older model's release: the Qwen3-235B-A22B (April 2025) GPQA figure of
    # the July 2025 Instruct-2507 card counted from April until its row carried the card's date
    with Store(tables) as store:
        later = store.query(
            "SELECT s.model_id, s.benchmark_id, s.known_date, m2.id AS page_of, m2.release_date AS page_date "
            "FROM scores_joined AS s JOIN models AS m2 ON m2.release_source_url = s.source_url "
            "AND m2.release_date > s.release_date WHERE s.source_kind = 'lab' AND s.known_date < m2.release_date"
        )
    assert later.height == 0, later


def test_each_model_once_in_the_frontier_trend(tables: data.Tables) -> None:
    with Store(tables) as s:
        front = s.query("SELECT * FROM frontier_models")
    fam = front.join(tables.models.select(pl.col("id").alias("model_id"), "family"), on="model_id")
    assert fam["family"].is_unique().all()
    # the duplicates the issue found: GPT-4 under three ids, GPT-3.5 under two
    assert {"gpt-4-mar-2023", "gpt-4-jun-2023", "gpt-3.5-davinci-002"}.isdisjoint(tables.models["id"].to_list())
    assert front.filter(pl.col("model_id").str.starts_with("gpt-4")).height == len(
        {"gpt-4", "gpt-4-turbo", "gpt-4o", "gpt-4.5"} & set(front["model_id"].to_list())
    )
    # no two frontier rows share an organization, a release date and an estimate (a copy of one model)
    assert front.select("organization", "release_date", "compute_flop").is_unique().all()


def test_versions_point_to_a_first_release_and_carry_only_compute_a_source_gives_them(tables: data.Tables) -> None:
    m = tables.models
    versions = m.filter(pl.col("family") != pl.col("id"))
    assert versions.height > 30
    roots = set(m.filter(pl.col("family") == pl.col("id"))["id"].to_list())
    assert set(versions["family"].to_list()) <= roots
    assert versions.filter(pl.col("frontier")).height == 0  # the frontier trend counts a line once
    # compute only from Epoch AI's own entry for that version (an epoch-model alias names it), never copied
    # from the line's first release
    own = set(tables.model_aliases.filter(pl.col("source") == "epoch-model")["model_id"].to_list())
    with_compute = versions.filter(pl.col("compute_flop").is_not_null())
    assert set(with_compute["id"].to_list()) <= own
    assert with_compute["compute_source"].str.contains("Epoch AI").all()
    assert {"deepseek-r1-0528", "deepseek-v3-0324"} <= set(with_compute["id"].to_list())


def test_previews_are_dated_by_the_announcement_and_stay_out_of_fits_and_trends(tables: data.Tables) -> None:
    p = tables.models.filter(pl.col("preview"))
    assert {"o1-2024-09-pre-release", "claude-mythos-preview", "llama-4-behemoth-preview"} <= set(p["id"].to_list())
    assert p.filter(pl.col("compute_flop").is_not_null() | pl.col("frontier")).height == 0


def test_the_issue_cases_are_fixed(tables: data.Tables) -> None:
    m = {r["id"]: r for r in tables.models.iter_rows(named=True)}
    j = _joined(tables)

    def rows(model: str, bench: str, score: float) -> pl.DataFrame:
        return j.filter(
            (pl.col("model_id") == model) & (pl.col("benchmark_id") == bench) & ((pl.col("score") - score).abs() < 1e-9)
        )

    assert str(m["o3"]["release_date"]) == "2025-04-16"
    assert rows("claude-3.5-sonnet-2024-10", "gpqa-diamond", 0.65).height == 1  # the October model's GPQA
    assert str(m["claude-3.5-sonnet-2024-10"]["release_date"]) == "2024-10-22"
    assert rows("deepseek-r1-0528", "gpqa-diamond", 0.81).height == 1
    assert rows("deepseek-r1", "gpqa-diamond", 0.81).height == 0
    assert rows("gemini-1.5-pro-002", "mmlu", 0.869).height == 1  # not the February model's
    assert rows("gemini-2.5-pro-2025-06", "gpqa-diamond", 0.864).height == 1  # GA, not the March preview
    llama = j.filter(
        (pl.col("model_id") == "llama-3.1-70b") & (pl.col("source_kind") == "lab") & (pl.col("benchmark_id") == "mmlu")
    )
    assert {(r["setting"], r["score"]) for r in llama.iter_rows(named=True)} >= {
        ("5-shot", 0.836),
        ("0-shot CoT", 0.86),
    }
    claude = j.filter(
        pl.col("model_id").is_in(["claude-2", "claude-1.3"])
        & (pl.col("benchmark_id") == "mmlu")
        & (pl.col("setting") == "5-shot")
        & (pl.col("source_kind") == "lab")
    )
    assert claude.height == 0  # the mislabelled 5-shot CoT duplicates are gone
    swe = j.filter(
        (pl.col("source_kind") == "lab")
        & pl.col("source_name").str.starts_with("Introducing OpenAI o3")
        & (pl.col("benchmark_id") == "swe-bench-verified")
    )
    assert swe.height > 0 and swe["setting"].str.contains("477 of 500").all()


def test_every_lab_row_says_how_it_was_checked(tables: data.Tables) -> None:
    lab = tables.scores.filter(pl.col("source_kind") == "lab")
    assert lab.height > 300
    assert lab["checked"].is_not_null().all()
    ok = lab["checked"].str.contains(r"^(\d{4}-\d{2}-\d{2}: read in stored copy of \S|unverified: \S)")
    assert ok.all()


def test_freshness_names_the_newest_score_and_estimate(tables: data.Tables) -> None:
    import datetime as dt

    with Store(tables) as s:
        f = s.freshness(dt.date(2026, 6, 30))
    assert f["newest_score"] >= dt.date(2026, 6, 1)
    assert f["newest_compute_date"].year == 2026 and f["newest_compute_model"]
    assert 0 < f["recent_frontier_no_compute"] <= f["recent_frontier"]


def test_no_score_of_a_model_released_after_the_holdout_date(tables: data.Tables) -> None:
    # scores of models released after 2026-06-30 are held back to score the 2026-11 forecasts out of sample
    import datetime as dt

    late = _joined(tables).filter(pl.col("release_date") > dt.date(2026, 6, 30))
    assert late.height == 0, late.select("model_id", "benchmark_id", "release_date")


def test_each_model_once_per_leaderboard_setting(tables: data.Tables) -> None:
    # two entries of one board landing on one model (GPT-5.1-Codex once filed as GPT-5.1) would count it twice
    board = tables.scores.filter(pl.col("source_name").str.contains("leaderboard"))
    twice = board.group_by("source_name", "model_id", "setting", "effort").len().filter(pl.col("len") > 1)
    assert board.height > 50 and twice.height == 0, twice
