"""The command line end to end: output, JSON, exit codes, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tracker.cli.main import HANDLERS as COMMANDS
from tracker.cli.main import main
from tracker.cli.parser import build_parser


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_forecast_text_names_fit_interval_and_reached(tiny: Path, capsys) -> None:
    code, out, err = run(
        capsys,
        "forecast",
        "--bench",
        "toy",
        "--target",
        "0.8",
        "--data",
        str(tiny),
        "--boot",
        "300",
        "--method",
        "compute",
    )
    assert code == 0, err
    assert "Reached: first by GPT-4 (TestOrg), released 2023-03-15, score 0.864" in out
    assert "6 used by the compute method" in out
    assert "1 with compute imputed from benchmarks" in out
    assert "80%:" in out and "95%:" in out and "x GPT-4" in out
    assert "A forecast made on 2023-03-14" in out


def test_forecast_json_is_one_object_and_reproducible(tiny: Path, capsys) -> None:
    args = (
        "forecast",
        "--bench",
        "tq",
        "--target",
        "0.95",
        "--data",
        str(tiny),
        "--boot",
        "300",
        "--json",
        "--seed",
        "7",
        "--method",
        "compute",
    )
    code, out1, _ = run(capsys, *args)
    assert code == 0
    _, out2, _ = run(capsys, *args)
    d = json.loads(out1)
    assert json.loads(out2) == d  # same seed, same numbers
    assert d["benchmark"]["id"] == "toy" and d["target"] == 0.95
    assert d["reached"] is None
    assert d["data"]["n_fit"] == 6
    assert d["log10_compute"]["lo80"] < d["log10_compute"]["median"] < d["log10_compute"]["hi80"]
    assert d["year_dates"]["median"] > "2020"


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["forecast", "--bench", "nope", "--target", "0.9"], "unknown benchmark 'nope'"),
        (["forecast", "--bench", "toy", "--target", "0.2"], "outside (0.25, 1)"),
        (["forecast", "--bench", "toy", "--target", "1.5"], "outside (0.25, 1)"),
        (["forecast", "--bench", "toy", "--target", "90"], "did you mean 0.9?"),
        (["forecast", "--bench", "toy", "--target", "abc"], "'abc' is not a number"),
        (
            ["forecast", "--bench", "toy", "--target", "0.9", "--as-of", "2019-01-01", "--method", "compute"],
            "only 1 model with",
        ),
        (["forecast", "--bench", "toy", "--target", "0.9", "--as-of", "2019-01-01"], "for the predictive method"),
        (["forecast", "--bench", "toy", "--target", "0.9", "--as-of", "yesterday"], "is not a date"),
        (["list", "scores", "--bench", "zzz"], "unknown benchmark"),
        (["list", "scores", "--limit", "99999999999999999999"], "--limit 99999999999999999999 is out of range"),
        (["forecast", "--bench", "toy", "--target", "0.9", "--ceiling", "2"], "--ceiling 2 is outside (0.25, 1]"),
        (["forecast", "--bench", "toy", "--target", "0.9", "--ceiling", "nan"], "--ceiling nan is not a number"),
        (["chart", "fit", "--bench", "toy", "--target", "0.9", "--width", "100000000"], "100000000 is out of range"),
        (["chart", "fit", "--bench", "toy", "--target", "0.9", "--width", "-5"], "-5 is out of range"),
    ],
)
def test_bad_input_is_one_line_exit_2(tiny: Path, capsys, argv: list[str], needle: str) -> None:
    code, out, err = run(capsys, *argv, "--data", str(tiny))
    assert code == 2
    assert needle in err
    assert err.count("\n") == 1 and err.startswith("Error: ")
    assert "Traceback" not in err


def test_malformed_data_is_exit_2_naming_the_line(tiny: Path, capsys) -> None:
    p = tiny / "scores.csv"
    p.write_text(p.read_text().replace("m23,toy,0.47", "m23,toy,86.4"))
    code, _, err = run(capsys, "forecast", "--bench", "toy", "--target", "0.9", "--data", str(tiny))
    assert code == 2
    assert f"{p}:5: score: 86.4 looks like a percent" in err


def test_validate_good_and_bad(tiny: Path, capsys) -> None:
    code, out, err = run(capsys, "validate", str(tiny))
    assert code == 0 and "OK: 0 errors" in err
    p = tiny / "models.csv"
    p.write_text(p.read_text().replace("2020-06-01", "2099-01-01"))
    code, out, err = run(capsys, "validate", str(tiny))
    assert code == 1
    assert f"{p}:4: release_date: 2099-01-01 is in the future" in out


def test_list_and_sql(tiny: Path, capsys) -> None:
    code, out, _ = run(
        capsys, "list", "scores", "--bench", "toy", "--setting", "0-shot CoT", "--format", "csv", "--data", str(tiny)
    )
    assert code == 0
    assert out.splitlines()[0].startswith("benchmark_id,model_id,score")
    assert out.splitlines()[1].startswith("toy,m24,0.75,0-shot CoT")
    code, out, _ = run(
        capsys,
        "sql",
        "SELECT model_id, score FROM scores_joined WHERE benchmark_id = 'toy' ORDER BY score DESC LIMIT 1",
        "--format",
        "json",
        "--data",
        str(tiny),
    )
    assert code == 0 and json.loads(out) == [{"model_id": "nocomp", "score": 0.91}]
    code, _, err = run(capsys, "sql", "DROP TABLE scores", "--data", str(tiny))
    assert code == 2 and "read-only" in err


def test_every_command_has_help_with_an_example(capsys) -> None:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    assert set(sub.choices) == set(COMMANDS)
    for name, p in sub.choices.items():
        text = p.format_help()
        assert "examples:" in text and f"tracker {name}" in text, name


def test_console_script_runs_as_a_subprocess(tiny: Path) -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "tracker.cli.main",
            "forecast",
            "--bench",
            "toy",
            "--target",
            "0.2",
            "--data",
            str(tiny),
        ],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2
    assert proc.stderr.startswith("Error: target 0.2 is outside") and "Traceback" not in proc.stderr


@pytest.mark.parametrize(
    ("bench", "target", "extra", "needle"),
    [
        ("mmlu", "0.85", [], "Reached: first by GPT-4"),
        ("mmlu", "0.9", ["--method", "compute"], "Date the frontier reaches that compute"),
        ("gpqa", "0.8", [], "Reached: first by"),
        ("gpqa", "0.97", [], "Bottom line: a model scoring 0.97"),
        ("gpqa", "0.97", ["--method", "compute"], "Compute needed for 0.97"),
        ("swe-bench", "0.8", ["--method", "compute"], "Compute needed for 0.8"),
        ("swe-bench", "0.9", ["--method", "date"], "Method: date"),
        ("fm-2025-02-28", "0.4", ["--method", "compute"], "Compute needed for 0.4"),
        ("fm", "0.9", [], "Simulation (300 futures"),
        ("fm", "0.9", ["--method", "date"], "Method: date"),
    ],
)
def test_forecast_on_the_shipped_data(shipped, capsys, bench: str, target: str, extra: list[str], needle: str) -> None:
    code, out, err = run(capsys, "forecast", "--bench", bench, "--target", target, "--boot", "300", *extra)
    assert code == 0, err
    assert needle in out
    code, out, err = run(capsys, "forecast", "--bench", bench, "--target", target, "--boot", "300", "--json", *extra)
    assert code == 0, err
    json.loads(out)


@pytest.mark.parametrize("target", ["0.2", "1.5"])
def test_impossible_targets_on_the_shipped_data(shipped, capsys, target: str) -> None:
    code, _, err = run(capsys, "forecast", "--bench", "mmlu", "--target", target)
    assert code == 2 and err.startswith("Error: target") and err.count("\n") == 1


def test_a_command_parser_built_alone_is_the_same_as_in_the_whole_parser():
    """``tracker <command>`` builds only its command's parser: the same options, defaults and help."""
    from tracker.cli.main import HANDLERS

    def choices(top):
        return top._subparsers._group_actions[0].choices  # noqa: SLF001 - argparse keeps them here

    whole = choices(build_parser())
    assert sorted(whole) == sorted(HANDLERS)
    for command in HANDLERS:
        alone = choices(build_parser(command))
        assert command in alone and set(alone) < set(whole)
        assert alone[command].format_help() == whole[command].format_help()

        def options(p):
            return [(a.dest, a.option_strings, a.default, a.required) for a in p._actions]  # noqa: SLF001

        assert options(alone[command]) == options(whole[command])


def test_a_ceiling_override_is_the_ceiling_the_report_and_json_say(tiny: Path, capsys) -> None:
    base = ("forecast", "--bench", "toy", "--target", "0.9", "--boot", "100", "--method", "date", "--data", str(tiny))
    code, out, _ = run(capsys, *base, "--ceiling", "0.95")
    assert code == 0 and "floor 0.25, ceiling 0.95)" in out.splitlines()[0]
    assert "(0.95 - 0.25) * sigmoid" in out  # the fit line names the ceiling that was used
    code, out, _ = run(capsys, *base, "--ceiling", "0.95", "--json")
    assert json.loads(out)["benchmark"]["ceiling"] == 0.95


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("-inf", "target -inf is not a number"),  # argparse took -inf for an option: "expected one argument"
        ("-1e5", "target -100000 is outside"),
        ("1e309", "1e309 is too large to be a number here"),  # was reported as "target inf"
    ],
)
def test_target_values_are_named_as_written(value: str, says: str, tiny: Path, capsys) -> None:
    for opt in ("--target", "-t"):
        code = main(["forecast", "--bench", "toy", opt, value, "--data", str(tiny)])
        err = capsys.readouterr().err
        assert code == 2 and says in err and err.count("\n") == 1, err


def test_a_target_just_above_the_floor_is_shown_as_given(tiny: Path, capsys) -> None:
    # the toy benchmark's floor is 0.25: the header names the target asked for (:g printed 0.25, the floor)
    main(["forecast", "--bench", "toy", "--target", "0.2500001", "--boot", "200", "--data", str(tiny)])
    out, err = capsys.readouterr()
    assert "Toy QA >= 0.2500001 " in out or "target 0.2500001" in err, (out, err)
