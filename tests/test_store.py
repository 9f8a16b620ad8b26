"""The DuckDB store: views join correctly, selection follows the preference, user text stays data."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from tracker.data import tables as data
from tracker.data.catalog import resolve_benchmark
from tracker.data.select import select
from tracker.data.store import JOINED_COLUMNS, Store
from tracker.data.user_sql import check_read_only
from tracker.errors import UsageError

TODAY = dt.date.today()


def test_scores_joined_carries_model_and_benchmark_columns(tiny: Path) -> None:
    with Store(data.load(tiny)) as s:
        df = s.query("SELECT * FROM scores_joined WHERE model_id = 'gpt-4'")
    assert df.height == 1
    row = df.row(0, named=True)
    assert row["benchmark_name"] == "Toy QA" and row["floor"] == 0.25
    assert row["log10_compute"] == pytest.approx(25.322219, abs=1e-6)  # log10(2.1e25)
    assert row["known_date"] == dt.date(2023, 3, 15)  # no date_reported: the model's release date


def test_imputed_compute_is_flagged(tiny: Path) -> None:
    with Store(data.load(tiny)) as s:
        df = s.query("SELECT model_id FROM scores_joined WHERE compute_imputed")
    assert df["model_id"].to_list() == ["m25"]


def test_selection_prefers_settings_and_excludes_imputed(tiny: Path) -> None:
    t = data.load(tiny)
    b = resolve_benchmark(t, "tq")  # alias from benchmarks.csv
    with Store(t) as s:
        sel = select(s, b, as_of=TODAY)
    # 8 models scored; m24 has 5-shot (0.68) and 0-shot CoT (0.75): 5-shot wins by preference.
    assert sel.rows.height == 8
    m24 = sel.rows.filter(pl.col("model_id") == "m24").row(0, named=True)
    assert (m24["setting"], m24["score"]) == ("5-shot", 0.68)
    assert sel.n_no_compute == 1 and sel.n_imputed_excluded == 1
    assert sel.fit_rows.height == 6


def test_selection_as_of_drops_later_models(tiny: Path) -> None:
    t = data.load(tiny)
    with Store(t) as s:
        sel = select(s, resolve_benchmark(t, "toy"), as_of=dt.date(2021, 12, 31))
    assert sorted(sel.rows["model_id"].to_list()) == ["m20", "m21", "m22", "m23"]


def test_user_text_is_a_parameter_not_sql(tiny: Path) -> None:
    t = data.load(tiny)
    with Store(t) as s:
        assert s.benchmark_scores("toy'; DROP TABLE scores; --", TODAY).height == 0
        assert s.query("SELECT count(*) AS n FROM scores")["n"].item() == 9


def test_query_refuses_writes_and_reports_sql_errors(tiny: Path) -> None:
    with Store(data.load(tiny)) as s:
        with pytest.raises(UsageError, match="read-only"):
            s.query("DELETE FROM scores")
        with pytest.raises(UsageError, match="SQL error"):
            s.query("SELECT nope FROM scores")


def test_file_database_keeps_tables(tiny: Path, tmp_path: Path) -> None:
    db = tmp_path / "t.duckdb"
    with Store(data.load(tiny), db=db) as s:
        assert s.query("SELECT count(*) AS n FROM scores_joined")["n"].item() == 9
    import duckdb

    con = duckdb.connect(str(db))
    assert con.execute("SELECT count(*) FROM scores").fetchone()[0] == 9
    con.close()


def test_user_query_cannot_read_files(tiny: Path) -> None:
    with Store(data.load(tiny)) as s:
        with pytest.raises(UsageError, match="SQL error"):
            s.query(f"SELECT * FROM read_csv('{tiny / 'scores.csv'}')")
        assert s.query("SELECT count(*) AS n FROM scores_joined")["n"].item() == 9


def test_parsing_a_user_query_reads_no_file(tmp_path: Path) -> None:
    # DuckDB expands PRAGMA import_database while parsing: on an unlocked connection the check itself read
    # dir/schema.sql (its first word came back in the syntax error)
    (tmp_path / "schema.sql").write_text("SECRET_WORD 123\n")
    (tmp_path / "load.sql").write_text("")
    with pytest.raises(UsageError) as err:
        check_read_only(f"PRAGMA import_database('{tmp_path}')")
    assert "SECRET_WORD" not in str(err.value) and "disabled" in str(err.value)


def _add_version_and_preview(tiny: Path) -> None:
    """m24's later version m24-v2 (no compute of its own) and an unreleased preview m26-preview, each scored."""
    models = tiny / "models.csv"
    models.write_text(
        models.read_text()
        + "m24-v2,M24 v2,m24,TestOrg,2022-12-01,https://example.org/m24v2,false,,,,,,,,,false,false,Language,\n"
        "m26-preview,M26 preview,m26-preview,TestOrg,2024-09-01,https://example.org/m26,true,,,,,,,,,false,false,Language,\n"
    )
    scores = tiny / "scores.csv"
    checked = "2026-01-01: read in stored copy of https://example.org/report"
    scores.write_text(
        scores.read_text() + f"m24-v2,toy,0.72,,5-shot,,,lab,Toy report,https://example.org/report,,{checked},\n"
        f"m26-preview,toy,0.97,,5-shot,,,lab,Toy report,https://example.org/report,,{checked},\n"
    )


def test_previews_are_left_out_of_selection_unless_asked(tiny: Path) -> None:
    _add_version_and_preview(tiny)
    t = data.load(tiny)
    b = resolve_benchmark(t, "toy")
    with Store(t) as s:
        default = select(s, b, as_of=TODAY)
        with_previews = select(s, b, as_of=TODAY, include_previews=True)
    assert "m26-preview" not in default.rows["model_id"].to_list()
    assert "m26-preview" in with_previews.rows["model_id"].to_list()
    # A later version is its own point, dated by its own release (no compute: date method only).
    v2 = default.rows.filter(pl.col("model_id") == "m24-v2").row(0, named=True)
    assert v2["release_date"] == dt.date(2022, 12, 1) and v2["family"] == "m24" and v2["compute_flop"] is None


def test_crossing_is_never_dated_before_the_benchmark_existed(tiny: Path) -> None:
    from tracker.data.select import first_reached

    t = data.load(tiny)
    with Store(t) as s:
        rows = select(s, resolve_benchmark(t, "toy"), as_of=TODAY).rows
    # m20 (released 2018-06-01) scores 0.26; the toy benchmark was published 2019-01-01.
    r = first_reached(rows, 0.26)
    assert r.model_id == "m20" and r.date == dt.date(2019, 1, 1)
    # the report keeps the model's own release apart from the crossing's date (it once printed
    # "released 2019-01-01" for a model of 2018)
    assert r.released == dt.date(2018, 6, 1)
    assert r.when() == "released 2018-06-01, counted from 2019-01-01 (the benchmark's publication)"
    r = first_reached(rows, 0.47)  # m23, released 2021-06-01: after publication, its own date
    assert r.model_id == "m23" and r.date == r.released == dt.date(2021, 6, 1)
    assert r.when() == "released 2021-06-01"


def test_frontier_view_counts_each_model_line_once(tiny: Path) -> None:
    models = tiny / "models.csv"
    # a later version of gpt-4 that (wrongly) repeats its compute and frontier flag: validate refuses it, and
    # the view, given such tables all the same (the library's own), still counts one gpt-4 point
    t = data.load(tiny)
    models.write_text(
        models.read_text()
        + "gpt-4-0613,GPT-4 (0613),gpt-4,TestOrg,2023-06-13,https://example.org/g,false,2.1e25,,,likely,hardware,"
        "Test fixture,https://example.org/compute,,false,true,Language,\n"
    )
    report, _ = data.validate_dir(tiny)
    assert any("gpt-4-0613 is a later version of gpt-4 but carries the frontier flag" in e for e in report.errors)
    v = t.models.filter(pl.col("id") == "gpt-4").with_columns(
        id=pl.lit("gpt-4-0613"), release_date=pl.lit(dt.date(2023, 6, 13))
    )
    t = dataclasses.replace(t, models=pl.concat([t.models, v]))
    with Store(t) as s:
        front = s.frontier(TODAY, dt.date(2000, 1, 1))
    ids = front["model_id"].to_list()
    assert "gpt-4" in ids and "gpt-4-0613" not in ids and len(ids) == len(set(ids))


def test_the_library_join_equals_the_view(tiny: Path) -> None:
    """``Store.widen`` (the library's rows, built in memory) and the ``scores_joined`` view (SQL) agree on every
    column and value: the view is what ``tracker sql`` users see, ``widen`` what the forecasts use."""
    t = data.load(tiny)
    with Store(t) as s:
        view = s.query("SELECT * FROM scores_joined")
        mine = s.widen(s.join())
    key = ["benchmark_id", "model_id", "setting", "effort", "model_version", "source_name"]
    assert mine.columns == view.columns == list(JOINED_COLUMNS)
    assert mine.schema == view.schema
    assert mine.height == view.height == t.scores.height
    assert mine.sort(key, nulls_last=True).equals(view.sort(key, nulls_last=True))


def test_frontier_trend_leaves_out_compute_imputed_from_benchmarks(tiny: Path) -> None:
    """A frontier model whose compute Epoch AI imputed from benchmark scores is in no trend by default: a score
    forecast dated by a trend fitted partly on scores would be circular (docs/method.md, section 4)."""
    models = tiny / "models.csv"
    models.write_text(
        models.read_text()
        + "imputed-1,Imputed One,imputed-1,TestOrg,2023-03-01,https://example.org/i,false,9e25,,,speculative,"
        "benchmarks,Test fixture,https://example.org/compute,,false,true,Language,\n"
        + "imputed-2,Imputed Two,imputed-2,TestOrg,2023-04-01,https://example.org/j,false,9e25,,,likely,"
        "hardware;benchmarks,Test fixture,https://example.org/compute,,false,true,Language,\n"
    )
    t = data.load(tiny)
    since = dt.date(2000, 1, 1)
    with Store(t) as s:
        default = s.frontier(TODAY, since)["model_id"].to_list()
        every = s.frontier(TODAY, since, include_imputed=True)["model_id"].to_list()
        flags = dict(s.query("SELECT model_id, compute_imputed FROM frontier_models").iter_rows())
    assert "imputed-1" not in default and "imputed-2" not in default
    imputed = {m for m, flag in flags.items() if flag}
    assert {"imputed-1", "imputed-2"} <= imputed
    assert set(every) - set(default) == imputed and not imputed & set(default)


def test_compute_forecast_reports_the_frontier_models_its_trend_left_out(tiny: Path) -> None:
    from tracker import api
    from tracker.render.report import report

    fc = api.forecast("toy", 0.9, data=tiny, n_boot=200, seed=7, method="compute")
    every = api.forecast("toy", 0.9, data=tiny, n_boot=200, seed=7, method="compute", include_imputed=True)
    # the fixture's eight models are all frontier; m25's compute is imputed from benchmarks, nocomp has none
    assert fc.data.n_frontier_imputed_excluded == 1 and fc.trend is not None and fc.trend.n == 6
    assert every.data.n_frontier_imputed_excluded == 0 and every.trend is not None and every.trend.n == 7
    assert "  left out: 1 frontier model with compute imputed from benchmarks" in report(fc).splitlines()
    assert not any(line.startswith("  left out:") and "frontier model" in line for line in report(every).splitlines())
    assert fc.to_dict()["data"]["n_frontier_imputed_excluded"] == 1
