"""Property-based tests (hypothesis): parsers, validator, writer input and the data-to-fit path.

Whatever the input, the outcome is a result or one of tracker's own errors
with a one-line message: never an unhandled exception. (tests/test_fit.py
and tests/test_trend.py cover the fit functions themselves on random arrays.)
"""

from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path

import pytest
from conftest import CHECKED, SCORES_HEADER, write_tiny
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker import api
from tracker.data import tables as data
from tracker.data.schema import load_package
from tracker.errors import FitError, TrackerError
from tracker.ingest import writer

LOCATED = re.compile(r"^.+:\d+: [a-z_ ]+: \S.*$")  # file:line: column: message (one line)
FAST = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
COLUMNS = SCORES_HEADER.strip().split(",")


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return write_tiny(tmp_path_factory.mktemp("props") / "data")


def _one_line_located(messages: list[str]) -> None:
    for m in messages:
        assert "\n" not in m and LOCATED.match(m), m


# Bytes that look like CSV more often than pure noise does.
csvish = st.lists(
    st.sampled_from(
        [
            b",",
            b"\n",
            b"\r\n",
            b'"',
            b"m20",
            b"toy",
            b"0.5",
            b"86.4%",
            b"\xef\xbb\xbf",
            b"\xff",
            b";",
            b"\t",
            b"",
            b"2024-01-01",
            b"1e999",
            b"-1",
            SCORES_HEADER.encode(),
        ]
    ),
    max_size=30,
).map(b"".join)


@FAST
@given(raw=st.one_of(st.binary(max_size=300), csvish))
def test_parser_never_raises(folder: Path, raw: bytes) -> None:
    res = load_package(folder).resources["scores"]
    report = data.Report()
    df = data.parse_text_table(folder / "scores.csv", raw, res, report)
    assert (df is None) == bool(report.errors)
    _one_line_located(report.errors)


cell = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12) | st.sampled_from(
    [
        "m20",
        "m24",
        "toy",
        "0.5",
        "1",
        "0",
        "86.4",
        "47%",
        "nan",
        "-0",
        "1e3",
        "lab",
        "independent",
        "5-shot",
        "",
        "https://example.org/x",
        "2024-01-01",
        "2999-01-01",
        "x'; DROP TABLE scores;--",
    ]
)


@FAST
@given(rows=st.lists(st.lists(cell, min_size=12, max_size=12), min_size=1, max_size=4))
def test_validator_never_raises(folder: Path, rows: list[list[str]], tmp_path_factory) -> None:
    root = tmp_path_factory.mktemp("v")
    for p in folder.iterdir():
        shutil.copy(p, root / p.name)
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    with open(root / "scores.csv", "a", encoding="utf-8", newline="") as handle:
        handle.write(buf.getvalue())
    report, tables = data.validate_dir(root)
    assert (tables is None) == bool(report.errors)
    _one_line_located(report.errors + report.warnings)


@FAST
@given(values=st.dictionaries(st.sampled_from(COLUMNS), cell, max_size=12))
def test_option_rows_are_rows_or_one_line_errors(folder: Path, values: dict[str, str]) -> None:
    res = load_package(folder).resources["scores"]
    try:
        rows = writer.option_row(res, values)
    except TrackerError as exc:
        assert "\n" not in str(exc)
        assert str(exc).startswith(("option --", "options:")), str(exc)
        return
    assert len(rows) == 1 and set(rows[0].values) == set(COLUMNS)


@FAST
@given(raw=st.one_of(st.binary(max_size=300), csvish))
def test_batch_files_are_rows_or_located_errors(folder: Path, raw: bytes) -> None:
    res = load_package(folder).resources["scores"]
    try:
        writer.check_batch("batch.csv", raw, res)
    except TrackerError as exc:
        assert str(exc).startswith("batch.csv:"), str(exc)
        assert "\n" not in str(exc)


# Control characters never reach the writer: the validator refuses them first.
printable = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=20)


@settings(max_examples=50, deadline=None)
@given(values=st.lists(printable, min_size=13, max_size=13))
def test_format_row_round_trips(values: list[str]) -> None:
    res = load_package(Path(__file__).resolve().parents[1] / "datasets").resources["scores"]
    line = writer.format_row(res, dict(zip(res.columns, values, strict=True)))
    assert "\n" not in line
    assert next(csv.reader(io.StringIO(line + "\n"))) == values


# --------------------------------------------------------------------------
# The data-to-fit path: random valid score tables through tracker.forecast
# --------------------------------------------------------------------------

fractions = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)
MODELS = ["m20", "m21", "m22", "m23", "m24", "gpt-4", "m25", "nocomp"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    scores=st.dictionaries(st.sampled_from(MODELS), fractions, min_size=1, max_size=8),
    target=st.floats(min_value=0.26, max_value=0.99),
)
def test_forecast_on_random_scores_is_a_result_or_a_fit_error(
    scores: dict[str, float], target: float, tmp_path_factory
) -> None:
    root = write_tiny(tmp_path_factory.mktemp("f") / "data")
    lines = [SCORES_HEADER] + [
        f"{m},toy,{s!r},,5-shot,,,lab,Toy report,https://example.org/report,,{CHECKED},\n" for m, s in scores.items()
    ]
    (root / "scores.csv").write_text("".join(lines), encoding="utf-8")
    try:
        fc = api.forecast("toy", target, data=root, n_boot=100, seed=1)
    except TrackerError as exc:
        assert "\n" not in str(exc) and len(str(exc)) > 20
        return
    assert fc.to_dict()["target"] == target


def _tiny_with(tmp_path: Path, scores: dict[str, str] | None = None, compute: str | None = None) -> Path:
    root = write_tiny(tmp_path / "data")
    if scores is not None:
        lines = [SCORES_HEADER] + [
            f"{m},toy,{s},,5-shot,,,lab,Toy report,https://example.org/report,,{CHECKED},\n" for m, s in scores.items()
        ]
        (root / "scores.csv").write_text("".join(lines), encoding="utf-8")
    if compute is not None:
        p = root / "models.csv"
        out = []
        for i, line in enumerate(p.read_text().splitlines()):
            c = line.split(",")
            if i and c[7]:  # compute_flop; then confidence, method, source, source URL
                c[7] = compute
                if not compute:
                    c[10] = c[11] = c[12] = c[13] = ""
            out.append(",".join(c))
        p.write_text("\n".join(out) + "\n")
    return root


@pytest.mark.parametrize(
    ("scores", "compute", "needle"),
    [
        ({"m20": "0.3", "m21": "0.5"}, None, "the compute fit needs at least 3"),
        ({m: "0.25" for m in MODELS}, None, "at or below the floor"),
        (None, "", "the compute fit needs at least 3"),
        (None, "1e22", "the slope cannot be estimated"),
    ],
    ids=["fewer-than-3-points", "all-at-the-floor", "no-compute", "flat-compute"],
)
def test_degenerate_fit_data_gives_a_clear_message(tmp_path: Path, scores, compute, needle) -> None:
    root = _tiny_with(tmp_path, scores, compute)
    with pytest.raises(FitError, match=needle) as exc:
        api.forecast("toy", 0.9, data=root, n_boot=100, method="compute")
    assert "\n" not in str(exc.value)
