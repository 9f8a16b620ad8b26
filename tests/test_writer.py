"""tracker add: validated, sorted, atomic, locked; SIGKILL and concurrency tests.

Run the long SIGKILL test with:  .venv/bin/python -m pytest -m slow tests/test_writer.py
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tracker.cli.main import main
from tracker.data import tables as data
from tracker.errors import ConflictError, DataError
from tracker.ingest import writer

ROOT = Path(__file__).resolve().parents[1]
CHECKED = "2026-01-01: read in stored copy of https://example.org/added"  # lab rows say how they were checked
SCORE = [
    "score",
    "--model",
    "m22",
    "--bench",
    "toy",
    "--score",
    "0.35",
    "--setting",
    "3-shot",
    "--source-kind",
    "lab",
    "--source-name",
    "Added report",
    "--url",
    "https://example.org/added",
    "--date",
    "2021-01-01",
    "--checked",
    CHECKED,
]


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_add_score_inserts_one_line_in_sort_order(tiny: Path, capsys) -> None:
    before = {p.name: p.read_bytes() for p in tiny.glob("*.csv")}
    code, out, err = run(capsys, "add", *SCORE, "--data", str(tiny))
    assert code == 0, err
    assert out.startswith("+ scores.csv: model_id=m22, benchmark_id=toy, score=0.35, setting=3-shot")
    assert out.rstrip().endswith("added 1 row to scores.csv")
    old = before["scores.csv"].decode().splitlines()
    new = (tiny / "scores.csv").read_text().splitlines()
    added = [ln for ln in new if ln not in old]
    assert added == [f"m22,toy,0.35,,3-shot,,,lab,Added report,https://example.org/added,2021-01-01,{CHECKED},"]
    # rows with an empty date sort first; the dated row goes last, nothing else moves
    assert new[:-1] == old and new[-1] == added[0]
    for name in ("models.csv", "benchmarks.csv", "model_aliases.csv"):
        assert (tiny / name).read_bytes() == before[name]
    assert data.validate_dir(tiny)[1] is not None


def test_dry_run_writes_nothing(tiny: Path, capsys) -> None:
    before = (tiny / "scores.csv").read_bytes()
    code, out, _ = run(capsys, "add", *SCORE, "--data", str(tiny), "--dry-run")
    assert code == 0 and "would add 1 row" in out and "nothing written" in out
    assert (tiny / "scores.csv").read_bytes() == before


def test_add_model_then_its_score_from_files(tiny: Path, tmp_path: Path, capsys) -> None:
    models = tmp_path / "models.csv"
    models.write_text(
        "id,name,organization,release_date,release_source_url,compute_flop,confidence,compute_source\n"
        "m26,M26,TestOrg,2024-09-01,https://example.org/m26,3e26,likely,Test estimate\n"
    )
    code, out, err = run(capsys, "add", "model", "--from-file", str(models), "--data", str(tiny))
    assert code == 0, err
    lines = (tiny / "models.csv").read_text().splitlines()
    assert (
        lines.index(next(ln for ln in lines if ln.startswith("m26,")))
        == lines.index(next(ln for ln in lines if ln.startswith("m25,"))) + 1
    )
    code, _, err = run(
        capsys,
        "add",
        "score",
        "--model",
        "m26",
        "--bench",
        "toy",
        "--score",
        "0.93",
        "--setting",
        "5-shot",
        "--source-kind",
        "lab",
        "--source-name",
        "M26 report",
        "--url",
        "https://example.org/m26r",
        "--data",
        str(tiny),
        "--checked",
        CHECKED,
    )
    assert code == 0, err
    assert data.load(tiny).scores.filter(data.pl.col("model_id") == "m26")["score"].item() == 0.93


@pytest.mark.parametrize(
    ("change", "code", "needle"),
    [
        ({"--score": "93"}, 2, "option --score: 93 looks like a percent; write the fraction 0.93"),
        ({"--model": "gpt-9"}, 2, "option --model-id: 'gpt-9' is not a known model id; add it to models.csv first"),
        ({"--url": ""}, 2, "option --source-url: is empty but required"),
        ({"--date": "2999-01-01"}, 2, "option --date-reported: 2999-01-01 is in the future"),
        ({"--source-kind": "blog"}, 2, "option --source-kind: 'blog' is not one of lab, independent"),
        (
            {
                "--model": "m20",
                "--setting": "5-shot",
                "--source-name": "Toy report",
                "--url": "https://example.org/report",
                "--date": "",
            },
            1,
            "already exists at",
        ),
    ],
)
def test_bad_option_is_refused_with_one_line(tiny: Path, capsys, change: dict, code: int, needle: str) -> None:
    argv = list(SCORE)
    for flag, value in change.items():
        argv[argv.index(flag) + 1] = value
    before = (tiny / "scores.csv").read_bytes()
    got, out, err = run(capsys, "add", *argv, "--data", str(tiny))
    assert got == code, err
    assert needle in err and err.count("\n") == 1 and "Traceback" not in err
    assert (tiny / "scores.csv").read_bytes() == before


def test_add_alias_and_usage_errors(tiny: Path, capsys) -> None:
    code, out, err = run(
        capsys,
        "add",
        "alias",
        "--source",
        "epoch-version",
        "--external-id",
        "m21_high",
        "--model",
        "m21",
        "--effort",
        "high",
        "--reason",
        "test",
        "--data",
        str(tiny),
    )
    assert code == 0, err
    assert "epoch-version,m21_high,m21,high,test" in (tiny / "model_aliases.csv").read_text()
    code, _, err = run(capsys, "add", "score", "--data", str(tiny))
    assert code == 2 and "nothing to add" in err
    code, _, err = run(
        capsys, "add", "score", "--from-file", str(tiny / "scores.csv"), "--score", "0.5", "--data", str(tiny)
    )
    assert code == 2 and "either --from-file or field options" in err


def test_library_reports_conflicts_and_rules(tiny: Path) -> None:
    res = data.load_package(tiny).resources["scores"]
    row = writer.option_row(
        res,
        {
            "model_id": "m20",
            "benchmark_id": "toy",
            "score": "0.26",
            "setting": "5-shot",
            "source_kind": "lab",
            "source_name": "Toy report",
            "source_url": "https://example.org/report",
        },
    )
    with pytest.raises(ConflictError, match="already exists at .*scores.csv:2"):
        writer.add_rows(tiny, "scores", row)
    with pytest.raises(DataError, match="option --model-id: is empty but required"):
        writer.option_row(res, {"score": "0.5"})


def test_stale_temp_file_is_removed_by_the_next_write(tiny: Path, capsys) -> None:
    stale = tiny / ".scores.csv.abc123.tmp"
    stale.write_text("half a file")
    assert run(capsys, "add", *SCORE, "--data", str(tiny))[0] == 0
    assert not stale.exists()


# --------------------------------------------------------------------------
# SIGKILL at random moments; several writers at once
# --------------------------------------------------------------------------


def _cli(*argv: str) -> list[str]:
    return [sys.executable, "-m", "tracker.cli.main", *argv]


def _scratch(tmp_path: Path, name: str) -> Path:
    """A copy of the shipped data: realistic file sizes (never the real datasets/)."""
    dst = tmp_path / name
    shutil.copytree(ROOT / "datasets", dst)
    return dst


def _batch(tmp_path: Path) -> Path:
    p = tmp_path / "batch.csv"
    p.write_text(
        "model_id,benchmark_id,score,setting,source_kind,source_name,source_url,date_reported\n"
        "gpt-4,mmlu,0.871,5-shot,independent,Crash test,https://example.org/crash,2024-09-01\n"
        "gpt-4,gpqa-diamond,0.39,pass@1,independent,Crash test,https://example.org/crash,2024-09-01\n"
        "gpt-4,swe-bench-verified,0.2,bash-only mini-swe-agent,independent,Crash test,https://example.org/crash,2024-09-01\n"
    )
    return p


def _kill_many(tmp_path: Path, n: int, seed: int) -> tuple[int, int]:
    """Kill `tracker add` n times at random moments; every file stays old or new."""
    batch = _batch(tmp_path)
    ref = _scratch(tmp_path, "reference-run")
    t0 = time.perf_counter()
    subprocess.run(_cli("add", "score", "--from-file", str(batch), "--data", str(ref)), check=True, capture_output=True)
    duration = time.perf_counter() - t0
    work = _scratch(tmp_path, "work")
    names = [p.name for p in work.glob("*") if not p.name.startswith(".")]
    old = {n_: (work / n_).read_bytes() for n_ in names}
    new = {n_: (ref / n_).read_bytes() for n_ in names}
    assert old["scores.csv"] != new["scores.csv"]
    rng = random.Random(seed)
    outcomes = {"old": 0, "new": 0}
    for _ in range(n):
        for n_ in names:
            (work / n_).write_bytes(old[n_])
        proc = subprocess.Popen(
            _cli("add", "score", "--from-file", str(batch), "--data", str(work)),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        # most of a run is start-up; aim most kills at the end, where the write happens
        time.sleep(rng.uniform(0.0, 1.1) * duration if rng.random() < 0.3 else rng.uniform(0.6, 1.1) * duration)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        for n_ in names:
            got = (work / n_).read_bytes()
            assert got in (old[n_], new[n_]), f"{n_} is neither the old nor the new state"
        outcomes["new" if (work / "scores.csv").read_bytes() == new["scores.csv"] else "old"] += 1
        report, tables = data.validate_dir(work)
        assert tables is not None, report.errors[:3]
    # a later write cleans up whatever a killed writer left
    for n_ in names:
        (work / n_).write_bytes(old[n_])
    subprocess.run(
        _cli("add", "score", "--from-file", str(batch), "--data", str(work)), check=True, capture_output=True
    )
    assert (work / "scores.csv").read_bytes() == new["scores.csv"]
    assert not list(work.glob(".*.tmp"))
    return outcomes["old"], outcomes["new"]


def test_sigkill_a_few_times(tmp_path: Path) -> None:
    _kill_many(tmp_path, 6, seed=1)


@pytest.mark.slow
def test_sigkill_many_times(tmp_path: Path) -> None:
    old, new = _kill_many(tmp_path, 220, seed=2)
    print(f"220 kills: {old} left the old state, {new} the new state")
    assert old > 0 and new > 0  # the kills landed on both sides of the rename


def test_concurrent_adds_each_land_once(tmp_path: Path) -> None:
    work = _scratch(tmp_path, "work")
    settings = [f"concurrency-{i}" for i in range(6)]
    procs = []
    for s in settings:
        argv = [
            "add",
            "score",
            "--model",
            "gpt-4",
            "--bench",
            "mmlu",
            "--score",
            "0.8",
            "--setting",
            s,
            "--source-kind",
            "lab",
            "--source-name",
            "Concurrency test",
            "--url",
            "https://example.org/c",
            "--data",
            str(work),
            "--checked",
            CHECKED,
            "--new-setting",
        ]
        procs.append(subprocess.Popen(_cli(*argv), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    # two writers racing to add the same row: exactly one wins, the other is refused (exit 1)
    dup = [
        "add",
        "score",
        "--model",
        "gpt-4",
        "--bench",
        "mmlu",
        "--score",
        "0.8",
        "--setting",
        "same-row",
        "--source-kind",
        "lab",
        "--source-name",
        "Concurrency test",
        "--url",
        "https://example.org/c",
        "--data",
        str(work),
        "--checked",
        CHECKED,
        "--new-setting",
    ]
    procs += [subprocess.Popen(_cli(*dup), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    codes = [p.wait(timeout=120) for p in procs]
    errs = [p.stderr.read() for p in procs]
    assert codes[:6] == [0] * 6, errs
    assert sorted(codes[6:]) == [0, 1], errs
    text = (work / "scores.csv").read_text()
    for s in [*settings, "same-row"]:
        assert text.count(f",{s},") == 1, s
    assert data.validate_dir(work)[1] is not None
    assert os.path.exists(work / writer.LOCK_NAME)
