"""Loading and validation: the tiny fixture loads; each broken variant gives file:line: column."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from tracker.data import tables as data
from tracker.errors import DataError


def test_tiny_loads_with_declared_types(tiny: Path) -> None:
    t = data.load(tiny)
    assert t.scores.schema["score"] == pl.Float64
    assert t.models.schema["release_date"] == pl.Date
    assert t.models.schema["frontier"] == pl.Boolean
    assert t.models.filter(pl.col("id") == "gpt-4")["compute_flop"].item() == 2.1e25
    assert t.models.filter(pl.col("id") == "nocomp")["compute_flop"].item() is None


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(
    ("table", "old", "new", "expected"),
    [
        (
            "scores",
            "m23,toy,0.47",
            "m23,toy,47",
            "scores.csv:5: score: 47 looks like a percent; write the fraction 0.47",
        ),
        ("scores", "m23,toy,0.47", "m23,toy,47%", "scores.csv:5: score: '47%' is a percent string"),
        ("scores", "m23,toy,0.47", "m23,toy,abc", "scores.csv:5: score: 'abc' is not a number"),
        ("scores", "m23,toy,0.47", "zzz,toy,0.47", "scores.csv:5: model_id: 'zzz' is not a known model id"),
        ("scores", "m23,toy,0.47", "m23,nope,0.47", "scores.csv:5: benchmark_id: 'nope' is not a known benchmark id"),
        (
            "scores",
            "Toy report,https://example.org/report,",
            "Toy report,,",
            "scores.csv:2: source_url: is empty but required",
        ),
        ("scores", "m21,toy,0.28,,5-shot", "m20,toy,0.28,,5-shot", "scores.csv:3: model_id: duplicates line 2"),
        (
            "models",
            "m22,M22,m22,TestOrg,2020-06-01",
            "m22,M22,m22,TestOrg,2999-06-01",
            "models.csv:4: release_date: 2999-06-01 is in the future",
        ),
        (
            "models",
            "m22,M22,m22,TestOrg,2020-06-01",
            "m22,M22,m22,TestOrg,06/01/2020",
            "models.csv:4: release_date: '06/01/2020' is not an ISO date",
        ),
        ("models", ",1e22,,,likely", ",-1e22,,,likely", "models.csv:4: compute_flop: -1e22 must be greater than 0"),
        (
            "models",
            ",1e22,,,likely",
            ",1e22,5e22,,likely",
            "models.csv:4: compute_low: 5e+22 is above the estimate 1e+22",
        ),
        ("models", ",1e22,,,likely", ",1e45,,,likely", "models.csv:4: compute_flop: 1e+45 FLOP is implausible"),
        (
            "models",
            ",1e22,,,likely",
            ",1e22,,,sure",
            "models.csv:4: confidence: 'sure' is not one of confident, likely, speculative",
        ),
        ("models", "true,Language,\nm21", "yes,Language,\nm21", "models.csv:2: frontier: 'yes' is not a boolean"),
    ],
)
def test_bad_cell_is_reported_with_file_line_column(tiny: Path, table: str, old: str, new: str, expected: str) -> None:
    _replace(tiny / f"{table}.csv", old, new)
    report, tables = data.validate_dir(tiny)
    assert tables is None
    assert any(expected in e for e in report.errors), report.errors


def test_bom_crlf_delimiter_and_empty_file(tiny: Path) -> None:
    scores = tiny / "scores.csv"
    original = scores.read_bytes()
    scores.write_bytes(b"\xef\xbb\xbf" + original)
    assert "BOM" in data.validate_dir(tiny)[0].errors[0]
    scores.write_bytes(original.replace(b"\n", b"\r\n"))
    assert "CRLF" in data.validate_dir(tiny)[0].errors[0]
    scores.write_bytes(original.replace(b",", b";"))
    assert "separated by ';'" in data.validate_dir(tiny)[0].errors[0]
    scores.write_bytes(b"")
    assert "is empty" in data.validate_dir(tiny)[0].errors[0]


def test_load_raises_one_line_data_error(tiny: Path) -> None:
    _replace(tiny / "scores.csv", "m23,toy,0.47", "m23,toy,86.4")
    with pytest.raises(DataError) as exc:
        data.load(tiny)
    assert "\n" not in str(exc.value)
    assert str(exc.value).startswith(str(tiny / "scores.csv") + ":5: score:")


def test_below_floor_is_a_warning_not_an_error(tiny: Path) -> None:
    _replace(tiny / "scores.csv", "m20,toy,0.26", "m20,toy,0.20")
    report, tables = data.validate_dir(tiny)
    assert tables is not None
    assert any("below the chance floor" in w for w in report.warnings)


def test_shipped_data_is_valid() -> None:
    report, tables = data.validate_dir(Path(__file__).resolve().parents[1] / "datasets")
    assert report.errors == []
    assert tables is not None
    assert tables.scores["date_reported"].drop_nulls().max() <= dt.date.today()


def test_importer_columns_match_the_datapackage() -> None:
    from tracker.data.schema import load_package
    from tracker.ingest.importers.common import ALIAS_FIELDS, MODEL_FIELDS, SCORE_FIELDS

    pkg = load_package(Path(__file__).resolve().parents[1] / "datasets")
    assert SCORE_FIELDS == pkg.resources["scores"].columns
    assert MODEL_FIELDS == pkg.resources["models"].columns
    assert ALIAS_FIELDS == pkg.resources["model_aliases"].columns
