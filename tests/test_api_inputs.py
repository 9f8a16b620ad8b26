"""The Python API as a notebook calls it: the values a notebook passes, and the files it must never write."""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path

import numpy as np
import pytest

from tracker import api
from tracker.cli.main import main
from tracker.data import location
from tracker.errors import UsageError

N_BOOT = 200


@pytest.fixture
def fc(tiny: Path):
    return api.forecast("toy", 0.99, data=tiny, n_boot=N_BOOT, seed=7)  # not reached: a ledger could save it


def test_save_forecast_without_a_data_folder_refuses_the_shipped_ledger(fc, monkeypatch) -> None:
    # a plain pip install, run from a folder with no datasets/: the ledger is the package's, read only. A resolved
    # data path once passed for --data, and the record went into site-packages (or the repository's forecasts/)
    monkeypatch.delenv("TRACKER_DATA")
    assert location.find().origin == "shipped"
    before = sorted(location.SHIPPED_LEDGER.iterdir())
    with pytest.raises(UsageError, match="read only|working copy"):
        api.save_forecast(fc)
    assert sorted(location.SHIPPED_LEDGER.iterdir()) == before


def test_save_chart_never_replaces_a_data_file(fc, tiny: Path) -> None:
    chart = api.chart("fan", fc)
    before = (tiny / "datapackage.json").read_bytes()
    with pytest.raises(UsageError, match="holds the data"):
        api.save_chart(chart, tiny / "datapackage.json", data=tiny)
    assert (tiny / "datapackage.json").read_bytes() == before


def test_backtest_chart_into_the_data_folder_is_refused_before_any_work(tiny: Path, capsys) -> None:
    before = (tiny / "datapackage.json").read_bytes()
    rc = main(["backtest", "--data", str(tiny), "--bench", "toy", "--chart", str(tiny / "datapackage.json")])
    assert rc == 2 and "holds the data" in capsys.readouterr().err
    assert (tiny / "datapackage.json").read_bytes() == before


def test_a_reached_target_is_dated_by_its_crossing_not_the_data_end(tiny: Path) -> None:
    fc = api.forecast("toy", 0.5, data=tiny, n_boot=N_BOOT, seed=7)  # the default, predictive method
    assert fc.method == "predictive" and fc.reached is not None
    d = fc.to_dict()["year_dates"]
    assert d["median"] == d["lo80"] == d["hi95"] == fc.reached.date.isoformat()
    assert fc.point_year is not None and math.isclose(fc.point_year, fc.year.median)


def test_backtest_checks_method_names_and_takes_one_string_as_one_value(shipped: Path) -> None:
    with pytest.raises(UsageError, match="unknown method 'nope'"):
        api.backtest("gpqa", methods=["nope"])
    one = api.backtest("gpqa", methods="date", as_of="2025-01-01", n_boot=N_BOOT)
    listed = api.backtest("gpqa", methods=["date"], as_of=["2025-01-01"], n_boot=N_BOOT)
    assert one.to_dict() == listed.to_dict()
    assert {s.method for s in one.summaries} <= {"date"}


def test_notebook_values_are_accepted(tiny: Path) -> None:
    base = api.forecast("toy", 0.9, data=tiny, n_boot=N_BOOT, seed=7, as_of="2024-05-01")
    same = api.forecast(
        "toy",
        np.float32(0.9),
        data=tiny,
        n_boot=np.int64(N_BOOT),
        seed=np.int64(7),
        as_of=dt.datetime(2024, 5, 1, 15, 30),
    )
    assert same.to_dict()["year_dates"] == base.to_dict()["year_dates"]
    assert api.forecast("toy", 0.9, data=tiny, n_boot=N_BOOT, seed=7, settings="5-shot").data.settings_used


@pytest.mark.parametrize("bench", [None, 3, ["toy"]])
def test_a_benchmark_that_is_not_a_string_is_a_usage_error(tiny: Path, bench) -> None:
    with pytest.raises(UsageError, match="named by a string"):
        api.forecast(bench, 0.9, data=tiny)


def test_unknown_chart_lists_every_kind_and_a_missing_ledger_folder_is_an_error(fc, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="fan, fit, progress, compute"):
        api.chart("nope", fc)
    with pytest.raises(UsageError, match="does not exist"):
        api.ledger(tmp_path / "no-such-ledger")


def test_forecast_save_refuses_the_shipped_ledger_before_any_work(monkeypatch, capsys) -> None:
    monkeypatch.delenv("TRACKER_DATA")
    assert main(["forecast", "--bench", "gpqa", "--target", "0.97", "--save"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and "read only" in err  # no forecast printed, then refused


def test_a_record_stores_the_call_that_made_the_forecast(fc, tiny: Path, tmp_path: Path) -> None:
    # the notebook user no longer rebuilds the CLI's inputs by hand: the forecast keeps them
    assert fc.inputs["bench"] == "toy" and fc.inputs["target"] == 0.99 and fc.inputs["seed"] == 7
    assert fc.inputs["boot"] == N_BOOT and fc.inputs["method"] == fc.method and fc.inputs["trend_since"]
    led = tmp_path / "led"
    path = api.save_forecast(fc, folder=led, data=tiny)[0]
    assert json.loads(path.read_text())["inputs"] == fc.inputs


@pytest.mark.parametrize(
    ("given", "says"),
    [
        ({"bench": "toy-other"}, "unknown benchmark|not a benchmark|no benchmark"),
        ({"target": 0.9}, "inputs name target 0.9"),
        ({"seed": 8}, "seed=8, the forecast was made with 7"),
        ({"trend_since": dt.date(2018, 1, 1)}, "cannot be stored as JSON"),
        ({"ceiling": math.nan}, "cannot be stored as JSON"),
        (["toy"], "must be a dict"),
    ],
)
def test_inputs_that_contradict_the_forecast_are_refused(fc, tiny: Path, tmp_path: Path, given, says: str) -> None:
    led = tmp_path / "led"
    with pytest.raises(UsageError, match=says):
        api.save_forecast(fc, given, folder=led, data=tiny)
    assert not led.exists() or not list(led.iterdir())


def test_inputs_naming_the_same_benchmark_by_alias_are_fine(fc, tiny: Path, tmp_path: Path) -> None:
    path = api.save_forecast(fc, {"bench": "tq", "note": "by alias"}, folder=tmp_path / "led", data=tiny)[0]
    rec = json.loads(path.read_text())["inputs"]
    assert rec["bench"] == "tq" and rec["note"] == "by alias" and rec["seed"] == 7


def test_a_layer_forecast_without_inputs_needs_them(fc, tiny: Path, tmp_path: Path) -> None:
    from tracker.forecast.forecast import Forecast as LayerForecast

    bare = LayerForecast(**{f: getattr(fc, f) for f in LayerForecast.__dataclass_fields__})
    with pytest.raises(UsageError, match="does not carry the inputs"):
        api.save_forecast(bare, folder=tmp_path / "led", data=tiny)  # type: ignore[arg-type]


def test_list_table_and_chart_name_their_keywords(fc, tiny: Path) -> None:
    # explicit keywords: a notebook's tab completion lists them, a typo is Python's own TypeError
    with pytest.raises(TypeError, match="bogus"):
        api.list_table("scores", data=tiny, bogus=1)  # type: ignore[call-arg]
    with pytest.raises(UsageError, match="model must be text"):
        api.list_table("scores", data=tiny, model=3)  # type: ignore[arg-type]
    assert api.list_table("scores", data=tiny, bench="toy", limit=np.int64(2)).height == 2
    with pytest.raises(TypeError, match="bogus"):
        api.chart("progress", fc, bogus=5)  # type: ignore[call-arg]
    with pytest.raises(UsageError, match="title must be text"):
        api.chart("progress", fc, title=5)  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="fc must be a forecast"):
        api.chart("fan", None)  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="labels must be"):
        api.chart("progress", fc, labels=[3])  # type: ignore[list-item]
    assert api.chart("progress", fc, labels="m21") is not None  # one model, not its letters


def test_a_backtest_has_polars_views_that_agree_with_its_json(shipped: Path) -> None:
    bt = api.backtest("gpqa", methods=["linear"], n_boot=N_BOOT)  # the backtest's threshold grids are real ones
    d = bt.to_dict()
    f = bt.forecasts()
    assert f.height == len(d["forecasts"]) > 0 and {"as_of", "median", "lo80", "hi80", "inside80"} <= set(f.columns)
    assert f["median"].to_list() == [p["median"] for p in d["forecasts"]]
    s = bt.summary_table()
    assert s.height == len(d["summaries"]) and {"coverage80", "crps_months", "n_resolved"} <= set(s.columns)
    assert s["n"].to_list() == [x["stats"]["n"] for x in d["summaries"]]


def test_the_package_names_its_methods_and_defaults() -> None:
    import tracker

    assert tracker.METHODS == api.METHODS and tracker.DEFAULT_METHOD in tracker.METHODS
    assert "fan" in tracker.CHART_KINDS and tracker.BASELINES == api.BASELINES


def test_a_float32_target_is_the_number_it_prints_as(tiny: Path) -> None:
    fc = api.forecast("toy", np.float32(0.99), data=tiny, n_boot=N_BOOT, seed=7)
    assert fc.target == 0.99 and ">= 0.99 " in fc.report().splitlines()[0]
    with pytest.raises(UsageError, match="with_compute must be"):
        api.list_table("models", data=tiny, with_compute="no")  # type: ignore[arg-type]
