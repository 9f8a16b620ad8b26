"""Methods side by side, the as-of filter, the backtest, and the ledger."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from tests.conftest import DATASETS
from tests.synthetic import write_synthetic
from tracker import api
from tracker.cli import main as cli
from tracker.data import tables as data
from tracker.data.catalog import resolve_benchmark
from tracker.data.select import select
from tracker.data.store import Store
from tracker.fit import batched, glm
from tracker.forecast import backtest as bt
from tracker.forecast import ledger as saved
from tracker.forecast import methods
from tracker.forecast.forecast import Forecast as MethodForecast
from tracker.forecast.forecast import forecast

#: Months of median absolute error the synthetic backtest may show (monthly models:
#: the first model to cross lands on a monthly grid, so half a month is irreducible).
SYN_MAE_MONTHS = 3.0
UNDATED_LAG_DAYS = 183  # tracker/data/sql/views.sql: the lag when neither the source nor its kind has 10 dated rows
MIN_LAG_ROWS = 10


# -- the as-of filter ---------------------------------------------------------------------


def _lags(scores: pl.DataFrame, models: pl.DataFrame) -> tuple[dict[str, tuple[int, int]], dict[str, tuple[int, int]]]:
    """(source -> (n, lag days), kind -> (n, lag days)): the upper quartile of the release-to-report lag of
    contemporaneous dated rows (model released on or after the source's first dated row), recomputed."""
    d = scores.filter(pl.col("date_reported").is_not_null()).join(
        models.select(pl.col("id").alias("model_id"), "release_date"), on="model_id"
    )
    d = d.with_columns(pl.col("date_reported").min().over("source_name").alias("first"))
    c = d.filter((pl.col("release_date") >= pl.col("first")) & (pl.col("date_reported") >= pl.col("release_date")))
    c = c.with_columns((pl.col("date_reported") - pl.col("release_date")).dt.total_days().alias("lag"))

    def per(col: str) -> dict[str, tuple[int, int]]:
        g = c.group_by(col).agg(pl.len().alias("n"), pl.col("lag").quantile(0.75, interpolation="linear").alias("q"))
        return {k: (n, int(np.ceil(q))) for k, n, q in g.iter_rows()}

    return per("source_name"), per("source_kind")


def _expected_known(scores: pl.DataFrame, models: pl.DataFrame, benchmarks: pl.DataFrame) -> pl.DataFrame:
    """The known-date rule recomputed in polars, independently of the SQL view."""
    vintage = max(models["release_date"].max(), scores["date_reported"].max())
    by_source, by_kind = _lags(scores, models)

    def lag(source: str, kind: str) -> int:
        if by_source.get(source, (0, 0))[0] >= MIN_LAG_ROWS:
            return by_source[source][1]
        if by_kind.get(kind, (0, 0))[0] >= MIN_LAG_ROWS:
            return by_kind[kind][1]
        return UNDATED_LAG_DAYS

    first = scores.group_by("benchmark_id").agg(pl.col("date_reported").min().alias("first"))
    j = (
        scores.join(models.select(pl.col("id").alias("model_id"), "release_date"), on="model_id")
        .join(first, on="benchmark_id", how="left")
        .join(benchmarks.select(pl.col("id").alias("benchmark_id"), "published"), on="benchmark_id", how="left")
    )
    j = j.with_columns(
        pl.struct("source_name", "source_kind")
        .map_elements(lambda r: lag(r["source_name"], r["source_kind"]), return_dtype=pl.Int64)
        .alias("lag")
    )
    # a figure read in an arXiv paper (lab or third-party): known from the first day after the month its
    # identifier names
    ym = pl.col("source_url").str.extract_groups(r"arxiv\.org/(?:abs|pdf)/(\d{2})(\d{2})\.")
    # ... and one read in OpenAI's simple-evals README (no date per figure): from 2025-05-12, when the version
    # on record was public
    j = j.with_columns(
        pl.when(pl.col("source_url").str.contains("github.com/openai/simple-evals", literal=True))
        .then(pl.lit(dt.date(2025, 5, 12)))
        .otherwise(
            pl.date(2000 + ym.struct.field("1").cast(pl.Int32), ym.struct.field("2").cast(pl.Int32), 1).dt.offset_by(
                "1mo"
            )
        )
        .alias("document_after")
    )
    anchor = pl.max_horizontal(
        "release_date",
        pl.col("published").fill_null(pl.col("release_date")),
        pl.col("first").fill_null(pl.col("release_date")),
    )
    return j.with_columns(
        pl.when(pl.col("date_reported").is_not_null())
        .then(pl.col("date_reported"))
        .when(pl.col("source_kind") == "lab")
        .then(
            pl.max_horizontal(
                "release_date",
                pl.col("published").fill_null(pl.col("release_date")),
                pl.col("document_after").fill_null(pl.col("release_date")),
            )
        )
        .otherwise(
            pl.max_horizontal(
                pl.min_horizontal(anchor + pl.duration(days=pl.col("lag")), pl.lit(vintage)),
                pl.col("document_after").fill_null(pl.col("release_date")),
            )
        )
        .alias("known")
    )


def test_known_dates_match_the_independent_recomputation() -> None:
    t = data.load(DATASETS)
    known = _expected_known(t.scores, t.models, t.benchmarks)
    with Store(t) as s:
        view = s.query(
            "SELECT model_id, benchmark_id, setting, effort, model_version, source_name, known_date FROM scores_joined"
        )
        lags = s.query("SELECT * FROM source_lags")
    keys = ["model_id", "benchmark_id", "setting", "effort", "model_version", "source_name"]
    fill = [pl.col("effort").fill_null(""), pl.col("model_version").fill_null("")]
    both = view.with_columns(fill).join(known.with_columns(fill), on=keys, how="inner")
    assert both.height == t.scores.height
    assert (both["known_date"] == both["known"]).all()
    # Epoch AI's hub reports new models within about two months (upper quartile), not 183 days
    hub = lags.filter((pl.col("level") == "source") & (pl.col("key") == "Epoch AI Benchmarking Hub")).row(0, named=True)
    assert hub["n"] >= 50 and hub["lag_days"] <= 90


def test_as_of_never_leaks_on_real_data() -> None:
    t = data.load(DATASETS)
    known = _expected_known(t.scores, t.models, t.benchmarks)
    with Store(t) as s:
        for bid in bt.GRIDS:
            b = resolve_benchmark(t, bid)
            for T in bt.as_of_grid(dt.date(2021, 1, 1), s.last_data_date(), 3):
                rows = select(s, b, as_of=T).rows
                assert (rows["release_date"] <= T).all() and (rows["known_date"] <= T).all()
                # every selected (model, score) row is one whose independently recomputed known date is <= T
                ok = known.filter(
                    (pl.col("benchmark_id") == bid) & (pl.col("known") <= T) & (pl.col("release_date") <= T)
                )
                pairs = set(zip(ok["model_id"], ok["score"], strict=True))
                assert set(zip(rows["model_id"], rows["score"], strict=True)) <= pairs, (bid, T)


def test_undated_third_party_score_counts_from_release_plus_lag(tmp_path: Path) -> None:
    # s040 is released 2021-05-01. An undated independent re-run scores it 0.99 (a later backfill):
    # it must not be visible on 2021-06-01, only from 2021-05-01 + 183 days = 2021-10-31 (no dated
    # independent rows to measure a lag from: the default).
    extra = ["s040,syn,0.99,,5-shot,,,independent,Later leaderboard,https://example.org/lb,,,\n"]
    t = data.load(write_synthetic(tmp_path / "d", extra_scores=extra))
    b = resolve_benchmark(t, "syn")
    with Store(t) as s:
        before = select(s, b, as_of=dt.date(2021, 10, 30)).rows.filter(pl.col("model_id") == "s040")
        after = select(s, b, as_of=dt.date(2021, 10, 31)).rows.filter(pl.col("model_id") == "s040")
        later_models = select(s, b, as_of=dt.date(2021, 6, 1)).rows.filter(pl.col("release_date") > dt.date(2021, 6, 1))
    assert before["score"].item() < 0.9 and before["source_kind"].item() == "lab"
    assert after["score"].item() == 0.99
    assert later_models.height == 0


@pytest.mark.parametrize("kind", ["independent", "lab"])
def test_undated_figure_from_a_later_arxiv_paper_counts_from_the_month_after_it(tmp_path: Path, kind: str) -> None:
    # s040 (released 2021-05-01) re-scored 0.99 in a paper of December 2022 (arXiv 2212.x): neither the lab rule
    # (release) nor the third-party lag (release + 183 days) may make it visible before 2023-01-01
    checked = "2026-01-01: read in stored copy of https://arxiv.org/abs/2212.01234" if kind == "lab" else ""
    extra = [f"s040,syn,0.99,,5-shot,,,{kind},Later report,https://arxiv.org/abs/2212.01234,,{checked},\n"]
    t = data.load(write_synthetic(tmp_path / "d", extra_scores=extra))
    b = resolve_benchmark(t, "syn")
    with Store(t) as s:
        before = select(s, b, as_of=dt.date(2022, 12, 31)).rows.filter(pl.col("model_id") == "s040")
        after = select(s, b, as_of=dt.date(2023, 1, 1)).rows.filter(pl.col("model_id") == "s040")
        rule = s.query("SELECT known_date, known_rule FROM scores_joined WHERE source_name = 'Later report'")
    assert before["score"].item() < 0.9 and after["score"].item() == 0.99
    known, how = rule.row(0)
    assert known == dt.date(2023, 1, 1) and "after the arXiv month" in how


def test_a_simple_evals_readme_figure_counts_from_the_readme_on_record(tmp_path: Path) -> None:
    # OpenAI's simple-evals README dates no figure; the version on record was public by 2025-05-12, so its
    # re-run of an old model is not "known" at that model's release (s040: 2021)
    checked = "2026-01-01: read in stored copy of https://github.com/openai/simple-evals"
    extra = [f"s040,syn,0.99,,5-shot,,,lab,OpenAI simple-evals,https://github.com/openai/simple-evals,,{checked},\n"]
    t = data.load(write_synthetic(tmp_path / "d", extra_scores=extra))
    with Store(t) as s:
        known, how = s.query(
            "SELECT known_date, known_rule FROM scores_joined WHERE source_name = 'OpenAI simple-evals'"
        ).row(0)
    assert known == dt.date(2025, 5, 12) and "simple-evals README" in how


# -- the 3-covariate GLM ------------------------------------------------------------------


def test_logit_glm_equals_statsmodels_with_three_covariates() -> None:
    pytest.importorskip("statsmodels")
    rng = np.random.default_rng(3)
    x = rng.uniform(21, 26, 60)
    t = 2019 + (x - 21) / 0.7 + rng.normal(0, 0.8, 60)  # correlated with x, as in the data
    z = np.clip(1 / (1 + np.exp(-(-30 + 1.0 * (x - 0) + 0.3 * (t - 2019) + 0.0))) + rng.normal(0, 0.03, 60), 0, 1)
    X = np.column_stack([np.ones(60), x, t])
    ours, ref = glm.fit_logit(X, z, 500.0), glm.fit_logit_statsmodels(X, z, 500.0)
    assert np.allclose(ours.beta, ref.beta, rtol=1e-6, atol=1e-6)
    assert np.allclose(ours.cov, ref.cov, rtol=1e-5, atol=1e-9)
    assert ours.scale == pytest.approx(ref.scale, rel=1e-6)
    betas, failed = batched.bootstrap_logit(X, z, 500.0, n_boot=50, seed=1)
    assert failed == 0
    # the batched solver agrees with the scalar one on a resample
    counts = next(
        iter(__import__("tracker.fit.resample", fromlist=["x"]).iter_bootstrap_counts(60, n_boot=50, seed=1))
    )[7]
    keep = counts > 0
    one = glm.fit_logit(X[keep], z[keep], 500.0 * counts[keep])
    assert np.allclose(betas[7], one.beta, rtol=1e-6, atol=1e-6)


# -- the backtest ---------------------------------------------------------------------------


def test_synthetic_history_backtests_near_zero_error_and_about_80_percent_coverage(tmp_path: Path) -> None:
    # Early as-of dates, thresholds 1-6 years ahead: the interval is dominated by the
    # uncertainty of the fit, which is what the bootstrap measures (see docs/method.md, 6).
    points = []
    for seed in range(6):
        t = data.load(write_synthetic(tmp_path / str(seed), seed=seed))
        with Store(t) as s:
            r = bt.run(
                s,
                [resolve_benchmark(t, "syn")],
                as_of=[dt.date(2020, 1, 1), dt.date(2020, 7, 1), dt.date(2021, 1, 1)],
                thresholds_by={"syn": [0.6, 0.7, 0.8, 0.9]},
                n_boot=200,
                methods=("compute",),
            )
        points += r.points
    st = bt.stats(points)
    assert st.n == st.n_resolved == 72  # 6 seeds x 3 dates x 4 thresholds, all reached by 2026
    assert st.mae_months < SYN_MAE_MONTHS and abs(st.bias_months) < 2.0
    assert 0.6 <= st.coverage80 <= 0.95  # 74% with these seeds


def test_methods_are_compared_on_common_forecasts(tmp_path: Path) -> None:
    t = data.load(write_synthetic(tmp_path / "d"))
    with Store(t) as s:
        r = bt.run(
            s,
            [resolve_benchmark(t, "syn")],
            as_of=[dt.date(2019, 7, 1), dt.date(2022, 1, 1)],
            thresholds_by={"syn": [0.5, 0.7, 0.9]},
            n_boot=100,
        )
    keys = {}
    for p in r.points:
        keys.setdefault(p.method, {})[p.key] = p
    checked = 0
    for summ in r.summaries:
        mine = keys.get(summ.method, {})
        for other, v in summ.versus.items():
            common = [k for k in mine if k in keys[other]]
            assert v["n"] == len(common) > 0
            # the ratio is of mean CRPS over exactly those forecasts, for both methods
            assert v["crps"] == pytest.approx(np.mean([mine[k].crps_months for k in common]))
            assert v["crps_other"] == pytest.approx(np.mean([keys[other][k].crps_months for k in common]))
            checked += 1
    assert checked


def test_backtest_real_data_is_fast_enough_and_strict() -> None:
    t = data.load(DATASETS)
    with Store(t) as s:
        b = resolve_benchmark(t, "gpqa")
        r = bt.run(s, [b], as_of=[dt.date(2024, 7, 1)], n_boot=100)
        best = select(s, b, as_of=dt.date(2024, 7, 1)).rows["score"].max()
    assert r.points and all(p.threshold > best for p in r.points)  # only thresholds not reached at T
    assert all(p.actual is None or p.actual_model for p in r.points)


# -- methods --------------------------------------------------------------------------------


def test_state_of_the_art_keeps_only_records() -> None:
    years = np.array([2020.0, 2021.0, 2021.5, 2022.0, 2023.0])
    scores = np.array([0.3, 0.5, 0.4, 0.5, 0.7])  # 0.4 is below the record; 0.5 again is a tie, not a record
    ry, rs = methods.state_of_the_art(years, scores)
    assert ry.tolist() == [2020.0, 2021.0, 2023.0] and rs.tolist() == [0.3, 0.5, 0.7]


def test_compute_date_recovers_a_known_halving_time() -> None:
    # logit z = -30 + 1.0 x + 0.5 (t - 2020): effective compute needed falls 0.5 decades a year,
    # so it halves every log10(2) / 0.5 = 0.602 years.
    rng = np.random.default_rng(5)
    x = rng.uniform(21, 26, 80)
    t = 2018 + rng.uniform(0, 6, 80)
    y = 1 / (1 + np.exp(-(-23.5 + 1.0 * x + 0.5 * (t - 2020) - 0.5 * 0)))  # floor 0
    fy = np.linspace(2018, 2024, 30)
    fx = 21 + 0.7 * (fy - 2018)
    f = methods.fit_compute_date(x, t, y, floor=0.0, ceiling=1.0, weight=1000.0, fy=fy, fx=fx, n_boot=100, seed=1)
    assert f.params["halving_years"] == pytest.approx(np.log10(2) / 0.5, rel=1e-3)


def test_forecast_method_date_and_side_lines(tiny: Path) -> None:
    t = data.load(tiny)
    with Store(t) as s:
        fc = forecast(s, resolve_benchmark(t, "toy"), 0.95, n_boot=200, method="date")
        main = forecast(s, resolve_benchmark(t, "toy"), 0.95, n_boot=200)
    assert isinstance(fc, MethodForecast) and fc.method == "date" and fc.year.median is not None
    assert main.method == "predictive"
    assert [o.method for o in main.others] == ["compute", "date", "compute+date", "linear", "sigmoid-time"]
    assert all(o.error or o.year for o in main.others)
    json.dumps(main.to_dict()), json.dumps(fc.to_dict())


# -- ledger and CLI ---------------------------------------------------------------------------


def test_ledger_round_trip_is_write_once(tiny: Path, tmp_path: Path, capsys) -> None:
    led = tmp_path / "ledger"
    args = [
        "forecast",
        "--bench",
        "toy",
        "--target",
        "0.95",
        "--boot",
        "200",
        "--data",
        str(tiny),
        "--save",
        "--ledger-dir",
        str(led),
    ]
    assert cli.main(args) == 0
    first = sorted(led.glob("*.json"))
    before = first[0].read_bytes()
    capsys.readouterr()
    # the same forecast again (same day, inputs and data): refused, so it cannot count twice
    assert cli.main(args) == 1
    err = capsys.readouterr().err
    assert "already holds this forecast" in err and first[0].name in err and err.count("\n") == 1
    assert sorted(led.glob("*.json")) == first and first[0].read_bytes() == before
    # another seed is another record, never written over the first; the ledger counts the last one only
    assert cli.main([*args, "--seed", "7"]) == 0
    files = sorted(led.glob("*.json"), key=saved.saved_order)
    assert len(files) == 2 and files[1].name.endswith("_predictive-2.json") and files[0].read_bytes() == before
    files = [f for f in files if not f.name.endswith("-2.json")]
    rec = json.loads(files[0].read_text())
    assert (
        rec["benchmark"] == "toy"
        and rec["seed"] == 20240101
        and set(rec["data_sha256"]) >= {"scores.csv", "models.csv"}
    )
    assert rec["forecast"]["year_dates"]["median"]
    rows = saved.score(led, data=tiny)
    assert len(rows) == 2 and rows[1].status in ("open", "overdue") and not rows[1].data_changed
    assert rows[0].status == "superseded" and rows[0].superseded_by == files[0].name.replace(".json", "-2.json")
    capsys.readouterr()
    assert cli.main(["ledger", "--dir", str(led), "--data", str(tiny), "--json"]) == 0
    assert [r["status"] for r in json.loads(capsys.readouterr().out)][0] == "superseded"
    assert cli.main(["ledger", "--dir", str(led), "--data", str(tiny)]) == 0
    assert "(not counted: " in capsys.readouterr().out
    # a file edited since: the ledger names it (and only it)
    with (tiny / "model_aliases.csv").open("a", encoding="utf-8") as f:
        f.write("lab,M-21,m21,,fixture\n")
    rows = saved.score(led, data=tiny)
    assert rows[0].data_changed and rows[0].changed_files == ("model_aliases.csv",)
    assert cli.main(["ledger", "--dir", str(led), "--data", str(tiny)]) == 0
    assert "(changed since: model_aliases.csv)" in capsys.readouterr().out


def test_cli_backtest_and_methods_end_to_end(tiny: Path, shipped, capsys) -> None:
    assert (
        cli.main(
            [
                "forecast",
                "--bench",
                "toy",
                "--target",
                "0.95",
                "--boot",
                "200",
                "--data",
                str(tiny),
                "--method",
                "compute+date",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "Method: compute+date" in " ".join(out.split()) and "Other methods" in out
    assert cli.main(["backtest", "--bench", "mmlu", "--as-of", "2023-03-18", "--boot", "100", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["as_of"] == ["2023-03-18"] and {s["method"] for s in d["summaries"]} >= {"compute", "date", "linear"}
    assert cli.main(["backtest", "--bench", "toy", "--data", str(tiny)]) == 2  # no threshold grid: one-line error
    assert "no threshold grid" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("reached", "stale", "hi80", "expected"),
    [
        (True, False, 2025.0, "resolved"),
        (True, True, 2025.0, "resolved"),
        (False, False, 2025.0, "overdue"),  # the interval ended before the cutoff (2025.5) without the event
        (False, False, 2026.0, "open"),
        (False, False, None, "open"),  # an unbounded interval never ends
        # a stopped series: the interval that ran out while scores were still coming is a miss all the
        # same (it was once labelled unresolvable and left out of coverage); one reaching past the stop
        # can no longer be judged
        (False, True, 2025.0, "overdue"),
        (False, True, 2026.0, "unresolvable"),
        (False, True, None, "unresolvable"),
    ],
)
def test_outcome_tests_overdue_before_a_stopped_series(reached, stale, hi80, expected) -> None:
    assert bt.outcome(reached, stale, hi80, 2025.5) == expected


def test_a_stopped_series_keeps_its_overdue_misses() -> None:
    # the truth of a series whose newest model is older than STALE_DAYS before the data's end
    rows = pl.DataFrame(
        {
            "release_date": [dt.date(2023, 1, 1), dt.date(2024, 1, 1)],
            "known_date": [dt.date(2023, 2, 1), dt.date(2024, 2, 1)],
        }
    )
    _, cutoff, stale = bt.benchmark_truth(rows, dt.date(2025, 6, 30))
    assert stale and cutoff == dt.date(2024, 2, 1)
    assert bt.outcome(False, stale, dt.date(2023, 12, 1), cutoff) == "overdue"
    assert bt.outcome(False, stale, dt.date(2024, 6, 1), cutoff) == "unresolvable"


def test_many_unfittable_resamples_flag_the_interval() -> None:
    from tracker.forecast.summary import year_flags

    kw = {"reached": False, "data_end_year": 2025.0, "n": 10}
    assert year_flags(2025.5, 2025.2, failed=0.1, **kw) == []
    (flag,) = year_flags(2025.5, 2025.2, failed=0.77, **kw)
    assert flag == "77% of resamples could not be fitted: the interval is too narrow to trust"


def test_an_interval_starting_before_the_data_is_flagged_for_a_target_not_reached() -> None:
    from tracker.forecast.summary import year_flags

    kw = {"data_end_year": 2026.5, "n": 50}
    assert year_flags(2027.4, 2026.3, reached=False, **kw) == [
        "80% range starts before the data's end, for a target not reached"
    ]
    assert year_flags(2027.4, 2026.6, reached=False, **kw) == []
    assert year_flags(2027.4, 2026.3, reached=True, **kw) == []  # a reached target is dated by the data


def test_the_truth_cutoff_takes_off_the_benchmarks_reporting_lag() -> None:
    # scores known 60 days after release: a crossing released in the last 60 days before the newest known
    # date is mostly not in the data yet, so forecasts are judged (overdue, censoring) only up to that point
    rel = [dt.date(2025, 1, 1) + dt.timedelta(days=30 * k) for k in range(12)]
    rows = pl.DataFrame({"release_date": rel, "known_date": [d + dt.timedelta(days=60) for d in rel]})
    _, cutoff, stale = bt.benchmark_truth(rows, max(rel) + dt.timedelta(days=60))
    assert not stale and cutoff == max(rel)  # newest known date less 60 days
    assert bt.outcome(False, stale, max(rel) + dt.timedelta(days=30), cutoff) == "open"  # was overdue
    # a later publication starts the lag: re-runs of old models on a new set are not slow reports
    published = max(rel) + dt.timedelta(days=50)
    pub = rows.with_columns(
        benchmark_published=pl.lit(published),
        known_date=pl.max_horizontal("known_date", pl.lit(published + dt.timedelta(days=10))),
    )
    assert bt.report_lag_days(pub, published + dt.timedelta(days=10)) == 10
    # too few recent models: no lag
    assert bt.report_lag_days(rows.head(3), max(rel) + dt.timedelta(days=60)) == 0


def test_crossings_after_the_truth_cutoff_are_censored() -> None:
    # a crossing released after the cutoff is "not by the cutoff" even when its score has arrived, like the
    # ones not reported yet: the backtest keeps only what is known for every forecast alike
    assert bt._censored((2026.40, "m1"), 2026.32) == (None, None)
    assert bt._censored((2026.30, "m1"), 2026.32) == (2026.30, "m1")
    assert bt._censored((None, None), 2026.32) == (None, None)


def test_one_odd_record_never_stops_the_ledger_and_a_default_source_is_the_same_question(
    tiny: Path, tmp_path: Path
) -> None:
    led = tmp_path / "ledger"
    fc = api.forecast("toy", 0.95, data=tiny, n_boot=200)
    # the same forecast with its default source spelled out: the same question, counted once
    base = saved.record(fc, {**fc.inputs, "source": None}, tiny)
    spelled = saved.record(fc, {**fc.inputs, "source": fc.benchmark.default_source, "seed": 5}, tiny)
    odd = saved.record(fc, {"settings": {"pass@1": 1}}, tiny)  # any JSON a signed record may hold
    led.mkdir()
    for name, rec in (("a.json", base), ("b.json", spelled), ("c.json", odd), ("d.json", {**base, "inputs": [1]})):
        (led / name).write_text(json.dumps(saved.sign(rec)))
    rows = {r.path: r for r in saved.score(led, data=tiny)}
    assert rows["a.json"].status == "superseded" or rows["b.json"].status == "superseded"
    assert rows["c.json"].status != "not scored" and rows["d.json"].check == "FAILED"
