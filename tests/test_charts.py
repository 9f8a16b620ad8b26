"""Charts: the specs' substance, the export formats, and clear errors instead of empty charts."""

from __future__ import annotations

import dataclasses
import json
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import write_tiny

from tracker import api
from tracker.cli.main import main
from tracker.errors import FitError, UsageError
from tracker.render import chart_kit, charts, export

N_BOOT = 200  # enough for quantiles, fast enough for a unit test


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Path:
    return write_tiny(tmp_path_factory.mktemp("charts") / "data")


@pytest.fixture(scope="module")
def fc(data: Path):
    return api.forecast("toy", 0.9, data=data, n_boot=N_BOOT, seed=7, method="compute")


def layers(chart) -> dict[str, dict]:
    """The plot's layers by name, from the exported spec."""
    spec = chart.to_dict()
    plot = spec["vconcat"][0]
    return {layer["name"]: layer for layer in plot["layer"]}, spec


def test_fit_chart_layers_log_axis_and_rows(fc) -> None:
    by_name, spec = layers(charts.fit_chart(fc))
    for name in ("band", "curve", "points", "excluded", "target", "floor", "interval80", "interval95", "crossing"):
        assert name in by_name, name
    pts = by_name["points"]
    x = pts["encoding"]["x"]
    assert x["field"] == "compute_flop" and x["scale"]["type"] == "log"
    assert "'1e' + round(log(datum.value) / LN10)" == x["axis"]["labelExpr"]
    assert 1e20 in x["axis"]["values"] and 1e25 in x["axis"]["values"]
    assert "FLOP" in x["axis"]["title"]
    assert {t["field"] for t in pts["encoding"]["tooltip"]} >= {
        "model_name",
        "score",
        "compute_flop",
        "release_date",
        "source_name",
    }
    # The six fitted models of the fixture, each with its score; M25 (imputed) is drawn hollow, not fitted.
    rows = {r["model_name"]: r["score"] for r in pts["data"]["values"]}
    assert rows == {"M20": 0.26, "M21": 0.28, "M22": 0.33, "M23": 0.47, "M24": 0.68, "GPT-4": 0.864}
    assert [r["model_name"] for r in by_name["excluded"]["data"]["values"]] == ["M25"]
    assert by_name["target"]["data"]["values"][0]["y"] == 0.9
    assert by_name["floor"]["data"]["values"][0]["y"] == 0.25
    cross = by_name["crossing"]["data"]["values"][0]
    assert cross["lo80"] < cross["median"] < cross["hi80"]
    assert cross["median"] == pytest.approx(10**fc.log10_compute.median)
    band = by_name["band"]["data"]["values"]
    assert len(band) == len(fc.curve["log10_compute"]) and all(r["lo80"] <= r["median"] <= r["hi80"] for r in band)
    assert spec["title"]["text"] == "Toy QA: score against training compute"


def test_caption_names_sources_method_and_dates(fc) -> None:
    _, spec = layers(charts.fit_chart(fc))
    text = " ".join(spec["vconcat"][0]["title"]["text"])
    assert spec["vconcat"][0]["title"]["orient"] == "bottom"
    assert "Toy report (6)" in text
    assert "quasi-binomial sigmoid in log10 training compute on 6 models" in text
    assert f"{N_BOOT} bootstrap resamples" in text
    assert f"made {fc.made_on.isoformat()}" in text and f"as of {fc.as_of.isoformat()}" in text


def test_caption_names_epoch_ai_when_a_source_is_epoch() -> None:
    assert (
        chart_kit.sources(["Epoch AI Benchmarking Hub", "X (via Epoch AI MMLU collection)", "Lab post"])
        == "Epoch AI (2 models) and Lab post (1)"
    )


def test_progress_chart_step_line_and_date_band(fc) -> None:
    by_name, _ = layers(charts.progress_chart(fc))
    for name in ("points", "sota", "target", "date80", "date95", "crossing"):
        assert name in by_name, name
    assert by_name["sota"]["mark"]["interpolate"] == "step-after"
    assert by_name["points"]["encoding"]["x"]["type"] == "temporal"
    # All eight scored models, including NOCOMP that has no compute estimate.
    assert len(by_name["points"]["data"]["values"]) == 8
    # State of the art: each model that beat every earlier one (all of them, in this fixture).
    corners = [r["model_name"] for r in by_name["sota_points"]["data"]["values"]]
    assert corners == ["M20", "M21", "M22", "M23", "M24", "GPT-4", "NOCOMP"]
    band = by_name["date80"]["data"]["values"][0]
    assert band["lo80"] <= band["median"] <= band["hi80"]


def test_progress_chart_of_a_reached_target_shows_the_forecast_made_the_day_before(data: Path) -> None:
    # a forecast "made today" of an event that has happened once drew a band a year after the crossing
    from tracker.fit.trend import date_from_decimal_year

    def subtitle(spec: dict) -> str:
        sub = spec["title"]["subtitle"]
        return " ".join(sub) if isinstance(sub, list) else str(sub)

    fc = api.forecast("toy", 0.5, data=data, n_boot=N_BOOT, seed=7, method="compute")
    assert fc.reached is not None and fc.hindcast is not None and fc.hindcast.year is not None
    by_name, spec = layers(charts.progress_chart(fc))
    assert "made the day before" in subtitle(spec) and "made today" not in subtitle(spec)
    band = by_name["date80"]["data"]["values"][0]
    assert band["median"] == date_from_decimal_year(fc.hindcast.year.median).isoformat()
    assert by_name["crossing_label"]["data"]["values"][0]["label"].startswith("said the day before")
    # the default fell back the day before (too few near-frontier models to simulate): the subtitle names the
    # method that ran then
    fc = api.forecast("toy", 0.5, data=data, n_boot=N_BOOT, seed=7)
    assert fc.method == "predictive" and fc.hindcast is not None and fc.hindcast.method == "date"
    assert "the date forecast made the day before" in subtitle(layers(charts.progress_chart(fc))[1])
    # no forecast could be made the day before: no band at all
    none = dataclasses.replace(fc, hindcast=dataclasses.replace(fc.hindcast, year=None, error="too little data"))
    by_name, spec = layers(charts.progress_chart(none))
    assert "date80" not in by_name and "crossing" not in by_name and "said" not in subtitle(spec)


def test_compute_chart_log_y_trend_and_needed_band(fc) -> None:
    by_name, _ = layers(charts.compute_chart(fc))
    for name in ("points", "trend", "needed_band", "needed", "projection"):
        assert name in by_name, name
    y = by_name["points"]["encoding"]["y"]
    assert y["scale"]["type"] == "log" and "FLOP" in y["axis"]["title"]
    assert len(by_name["points"]["data"]["values"]) == fc.frontier_points.height
    need = by_name["needed_band"]["data"]["values"][0]
    assert need["lo"] == pytest.approx(10**fc.log10_compute.lo80)
    assert need["hi"] == pytest.approx(10**fc.log10_compute.hi80)
    assert by_name["projection"]["mark"]["strokeDash"]


def test_overrides_and_theme(fc) -> None:
    spec = charts.compute_chart(fc, title="T", subtitle="S", width=500).to_dict()
    assert spec["title"]["text"] == "T" and spec["title"]["subtitle"] == ["S"]
    assert spec["vconcat"][0]["width"] == 500
    assert "DejaVu Sans" in spec["config"]["font"]  # the registered theme is in the spec


def _png_size(b: bytes) -> tuple[int, int]:
    assert b[:8] == b"\x89PNG\r\n\x1a\n" and b[12:16] == b"IHDR"
    return struct.unpack(">II", b[16:24])


def test_every_format_writes_a_valid_file(fc, tmp_path: Path) -> None:
    c = charts.fit_chart(fc)
    w1, h1 = _png_size(export.save(c, tmp_path / "a.png").read_bytes())
    w2, h2 = _png_size(export.save(c, tmp_path / "b.png", scale=2).read_bytes())
    assert 650 <= w1 <= 820 and h1 > 300  # about 720 px wide
    assert (w2, h2) == (2 * w1, 2 * h1)
    root = ET.parse(export.save(c, tmp_path / "a.svg")).getroot()
    assert root.tag.endswith("svg")
    html = export.save(c, tmp_path / "a.html").read_text()
    assert "Toy QA: score against training compute" in html and "<script" in html
    assert "cdn.jsdelivr" not in html and "https://cdn" not in html  # libraries inlined: works offline
    spec = json.loads(export.save(c, tmp_path / "a.json").read_text())
    assert spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/")


@pytest.mark.parametrize("name", ["a.pdf", "a", "a.PNGX"])
def test_wrong_extension_is_a_usage_error(fc, tmp_path: Path, name: str) -> None:
    with pytest.raises(UsageError, match="use a file ending in .html, .svg, .png, .json"):
        export.save(charts.fit_chart(fc), tmp_path / name)
    assert not (tmp_path / name).exists()


def test_too_little_data_is_an_error_not_an_empty_chart(fc) -> None:
    import dataclasses

    few = dataclasses.replace(fc, points=fc.points.head(2), frontier_points=fc.frontier_points.head(2))
    for build in (charts.fit_chart, charts.progress_chart, charts.compute_chart):
        with pytest.raises(FitError, match="a chart needs at least 3"):
            build(few)


def test_cli_chart_and_forecast_chart(data: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "p.png"
    code = main(
        [
            "chart",
            "progress",
            "--bench",
            "toy",
            "--target",
            "0.9",
            "--data",
            str(data),
            "--boot",
            str(N_BOOT),
            "--out",
            str(out),
            "--scale",
            "2",
        ]
    )
    assert code == 0 and _png_size(out.read_bytes())[0] > 1000
    code = main(
        [
            "forecast",
            "--bench",
            "toy",
            "--target",
            "0.9",
            "--data",
            str(data),
            "--boot",
            str(N_BOOT),
            "--chart",
            str(tmp_path / "f.svg"),
        ]
    )
    assert code == 0 and ET.parse(tmp_path / "f.svg").getroot().tag.endswith("svg")
    capsys.readouterr()
    code = main(["chart", "fit", "--bench", "toy", "--data", str(data), "--out", str(tmp_path / "x.gif")])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("Error: cannot save a chart as 'x.gif'") and err.count("\n") == 1
    code = main(
        [
            "chart",
            "fit",
            "--bench",
            "toy",
            "--data",
            str(data),
            "--as-of",
            "2020-01-01",
            "--out",
            str(tmp_path / "y.png"),
        ]
    )
    err = capsys.readouterr().err
    assert code == 2 and "only 2 models" in err and not (tmp_path / "y.png").exists()


def test_help_has_examples(capsys) -> None:
    assert main(["chart", "--help"]) == 0
    out = capsys.readouterr().out
    assert "examples:" in out and "tracker chart fit --bench mmlu" in out


def test_import_tracker_and_help_do_not_import_altair() -> None:
    code = (
        "import sys, tracker, tracker.cli.parser; tracker.cli.parser.build_parser(); "
        "print(sorted(m for m in ('altair', 'vl_convert') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_names_are_placed_clear_of_each_other_and_of_blocked_marks() -> None:
    from tracker.render.placement import SPOTS, Plot, overlap, text_box

    plot = Plot(0, 10, 0, 1, 600, 360)
    # two models at nearly the same spot: the second name must not print over the first
    a, b = plot.place([(5, 0.5, "Claude 3.5 Sonnet"), (5.05, 0.5, "Gemini 1.5 Pro")])
    boxes = []
    for (x, y, name), k in zip([(5, 0.5, "Claude 3.5 Sonnet"), (5.05, 0.5, "Gemini 1.5 Pro")], (a, b), strict=True):
        px, py = plot.px(x, y)
        dx, dy, align = SPOTS[k]
        boxes.append(text_box(px + dx, py + dy, name, align, "middle"))
    assert a != b and not overlap(*boxes)
    # a name whose usual spot (up-right) lies on the target's interval bar goes elsewhere
    plot = Plot(0, 10, 0, 1, 600, 360)
    plot.block_bar(5, 9, 0.9, half=4)
    (k,) = plot.place([(5.5, 0.88, "GPT-4")])
    assert k != 0
    # a name at the right edge does not run out of the plot
    (k,) = Plot(0, 10, 0, 1, 600, 360).place([(9.9, 0.5, "a long model name")])
    assert SPOTS[k][2] == "right"
