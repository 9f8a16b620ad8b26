"""Issue 9: never a traceback, the same answer every run, nothing gets in, nothing is lost.

Each hostile input of the issue's "Done means" is a test here: the input
sweep, the shuffle test, XSS names through add and import, multi-statement SQL
with --db, edited and truncated ledger records, a full disk (fault-injecting
writer), SIGINT during a slow query and while waiting on a held lock.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import tracker
from tests.conftest import CHECKED
from tracker.cli.main import main
from tracker.data import tables as data
from tracker.forecast import ledger as ledgermod
from tracker.ingest import writer

ROOT = Path(__file__).resolve().parents[1]
XSS = "</script><script>console.error('XSS-RAN')</script>"


@pytest.fixture(autouse=True)
def _debug(monkeypatch):
    """An unexpected exception must fail the test, not hide behind the CLI's one-line internal error."""
    monkeypatch.setenv("TRACKER_DEBUG", "1")
    monkeypatch.delenv("TRACKER_DATA", raising=False)
    monkeypatch.delenv("TRACKER_FORECASTS", raising=False)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _cli(*argv: str) -> list[str]:
    # main() without arguments: as the installed command runs it (reads sys.argv)
    return [sys.executable, "-c", "import sys; from tracker.cli.main import main; sys.exit(main())", *argv]


def _one_line_error(code: int, err: str) -> None:
    assert code in (0, 1, 2), (code, err)
    assert "Traceback" not in err
    if code:
        lines = [ln for ln in err.splitlines() if not ln.startswith(("warning:", "waiting for"))]
        assert len(lines) == 1 and (lines[0].startswith("Error: ") or lines[0].startswith("{")), err


# -- the input sweep -------------------------------------------------------------------------
SWEEP = (
    [
        ["forecast", "--bench", "toy", "--target", t]
        for t in (
            "0",
            "-1",
            "1",
            "0.25",
            "0.2500001",
            "0.9999999",
            "1e308",
            "-1e308",
            "nan",
            "inf",
            "-inf",
            "90",
            "1e-320",
            "0x1p-2",
        )
    ]
    + [
        ["forecast", "--bench", "toy", "--target", "0.9", "--as-of", d]
        for d in ("0001-01-01", "9999-12-31", "2024-02-30", "2019-01-01", "1900-01-01", "2024-1-1", "")
    ]
    + [
        ["forecast", "--bench", "toy", "--target", "0.9", "--boot", b]
        for b in ("0", "-5", "1", "99", "20001", "100000000000000000000", "1.5", "x")
    ]
    + [
        ["forecast", "--bench", "toy", "--target", "0.9", "--boot", "100", *extra]
        for extra in (
            ["--setting", "pass@l"],
            ["--setting", ""],
            ["--setting", "*"],
            ["--source", "nobody"],
            ["--source", "any"],
            ["--source", "independent"],
            ["--seed", "-1"],
            ["--seed", "99999999999999999999999"],
            ["--trend-since", "2030-01-01"],
            ["--trend-since", "x"],
            ["--ceiling", "0.1"],
            ["--ceiling", "nan"],
            ["--ceiling", "2"],
            ["--method", "date"],
            ["--method", "compute+date"],
            ["--method", "nope"],
            ["--include-imputed"],
            ["--compute-noise"],
            ["--json"],
            ["--bench", "TQ"],
            ["--bench", "'; DROP TABLE scores; --"],
            ["--bench", ""],
        )
    ]
    + [
        ["chart", kind, "--bench", "toy", "--target", "0.9", "--boot", "100", "--out", out]
        for kind in ("fit", "progress", "compute")
        for out in ("OUT/c.txt", "OUT/", "OUT", "/nonexistent/dir/c.png", "/dev/null/c.png", "OUT/c.svg")
    ]
    + [
        ["chart", "fit", "--bench", "toy", "--target", "0.9", "--boot", "100", "--method", m, "--out", "OUT/m.json"]
        for m in ("date", "compute+date")
    ]
    + [
        [
            "chart",
            "compute",
            "--bench",
            "toy",
            "--target",
            "0.9",
            "--boot",
            "100",
            "--method",
            "date",
            "--out",
            "OUT/d.json",
        ],
        [
            "chart",
            "fit",
            "--bench",
            "toy",
            "--target",
            "0.9",
            "--boot",
            "100",
            "--label",
            "nobody",
            "--out",
            "OUT/l.json",
        ],
        ["chart", "fit", "--bench", "toy", "--target", "0.9", "--boot", "100", "--scale", "0", "--out", "OUT/s.png"],
        ["chart", "fit", "--bench", "toy", "--target", "0.9", "--boot", "100", "--scale", "1e9", "--out", "OUT/s.png"],
        ["chart", "fit", "--bench", "toy", "--target", "0.9", "--boot", "100", "--out", "DATA/scores.svg"],
        ["chart", "fit", "--bench", "toy", "--target", "0.9", "--boot", "100", "--out", "DATA/"],
    ]
    + [
        ["sql", q]
        for q in (
            "SELECT INTERVAL 1 DAY",
            "SELECT 1; DROP TABLE scores",
            "DROP VIEW scores_joined",
            "",
            "SELECT * FROM read_csv('/etc/passwd')",
            "COPY scores TO 'OUT/x.csv'",
            "ATTACH 'OUT/x.db'",
            "INSTALL httpfs",
            "SET threads = 1",
            "SELECT",
            "SELECT uuid(), TIME '12:00', [1, 2], {'a': 1}",
            "SELECT 1e308 * 10 AS big, -0.0 AS z, NULL AS n",
            "SELECT 'x' || chr(0) AS nul",
            "PRAGMA version",
            "SHOW TABLES",
            "SUMMARIZE scores",
            "EXPLAIN SELECT 1",
            "SELECT * FROM settings",
        )
    ]
    + [["sql", "SELECT 1", "--format", f] for f in ("csv", "json", "table")]
    + [
        ["list", w, *extra]
        for w in ("benchmarks", "models", "scores", "settings")
        for extra in (
            [],
            ["--bench", "tq"],
            ["--limit", "0"],
            ["--limit", "-1"],
            ["--model", "%"],
            ["--format", "json"],
        )
    ]
    + [
        ["backtest", "--bench", "toy"],
        ["backtest", "--bench", "toy", "--as-of", "2024-01-01", "--boot", "100", "--json"],
        ["backtest", "--boot", "0"],
        ["ledger", "--dir", "OUT/none"],
        ["ledger", "--dir", "/dev/null"],
        ["validate", "DATA"],
        ["validate", "/nonexistent"],
        ["validate", "OUT"],
        [
            "add",
            "score",
            "--bench",
            "tq",
            "--model",
            "m20",
            "--score",
            "0.5",
            "--setting",
            "pass@l",
            "--source-kind",
            "lab",
            "--source-name",
            "x",
            "--url",
            "https://example.org/x",
            "--dry-run",
        ],
        [
            "add",
            "score",
            "--bench",
            "tq",
            "--model",
            "m20",
            "--score",
            "1e999",
            "--setting",
            "5-shot",
            "--source-kind",
            "lab",
            "--source-name",
            "x",
            "--url",
            "https://example.org/x",
            "--dry-run",
        ],
        [
            "add",
            "model",
            "--id",
            "../../etc",
            "--name",
            "x",
            "--org",
            "x",
            "--date",
            "2024-01-01",
            "--url",
            "https://x.org",
            "--dry-run",
        ],
        ["add", "score", "--from-file", "/dev/null"],
        ["add", "score", "--from-file", "/nonexistent.csv"],
        ["import", "epoch-mmlu", "/nonexistent.csv"],
        ["import", "swebench-leaderboard", "/dev/null"],
        ["data", "where"],
        ["data", "init", "DATA"],
        ["data", "init", "/dev/null/x"],
        ["forecast", "--target"],
        ["nonsense"],
        ["add"],
        ["add", "score", "--bench"],
    ]
)


@pytest.mark.parametrize("argv", SWEEP, ids=[" ".join(a)[:80] for a in SWEEP])
def test_input_sweep_never_a_traceback(argv: list[str], tiny: Path, tmp_path: Path, capsys) -> None:
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    argv = [a.replace("OUT", str(out_dir)).replace("DATA", str(tiny)) for a in argv]
    before = {p.name: p.read_bytes() for p in tiny.iterdir() if p.is_file()}
    code, _, err = (
        run(capsys, *argv, "--data", str(tiny)) if argv[0] not in ("validate", "nonsense") else run(capsys, *argv)
    )
    _one_line_error(code, err)
    after = {p.name: p.read_bytes() for p in tiny.iterdir() if p.is_file() and p.name != writer.LOCK_NAME}
    assert {k: v for k, v in before.items() if k != writer.LOCK_NAME} == after  # no command here changes the data


def test_json_errors_are_json(tiny: Path, capsys) -> None:
    for argv in (
        ["forecast", "--bench", "nope", "--target", "0.9", "--json"],
        ["forecast", "--bench", "toy", "--json"],
        ["forecast", "--bench", "toy", "--target", "0.9", "--boot", "0", "--json"],
    ):
        code, out, err = run(capsys, *argv, "--data", str(tiny))
        assert code == 2 and out == ""
        doc = json.loads(err)
        assert doc["exit_code"] == 2 and doc["error"]


def test_subcommand_errors_point_to_their_help(tiny: Path, capsys) -> None:
    code, _, err = run(capsys, "add", "score", "--bench", "toy", "--target", "1")
    assert code == 2 and "see 'tracker add score --help'" in err


def test_backtest_json_is_valid_json(tiny: Path, capsys) -> None:
    code, out, err = run(
        capsys, "backtest", "--bench", "toy", "--as-of", "2022-01-01", "--boot", "100", "--json", "--data", str(tiny)
    )
    assert code in (0, 2), err
    if code == 0:
        json.loads(out)


# -- the same answer every run ---------------------------------------------------------------
def _shuffled_copy(src: Path, dst: Path, seed: int) -> Path:
    shutil.copytree(src, dst)
    rng = random.Random(seed)
    for f in dst.glob("*.csv"):
        head, *rows = f.read_text(encoding="utf-8").splitlines(keepends=True)
        rng.shuffle(rows)
        f.write_text(head + "".join(rows), encoding="utf-8")
    return dst


@pytest.mark.parametrize(
    "argv",
    [
        ["forecast", "--bench", "mmlu", "--target", "0.9", "--boot", "300", "--json"],
        ["forecast", "--bench", "swe", "--target", "0.8", "--source", "any", "--boot", "300"],
        ["forecast", "--bench", "fm", "--target", "0.9", "--method", "date", "--boot", "300"],
        [
            "forecast",
            "--bench",
            "gpqa",
            "--target",
            "0.9",
            "--method",
            "compute+date",
            "--boot",
            "300",
            "--as-of",
            "2025-06-01",
        ],
        ["backtest", "--bench", "gpqa", "--as-of", "2024-07-01", "--boot", "100", "--json"],
    ],
)
def test_shuffled_rows_give_byte_identical_output(argv: list[str], tmp_path: Path, capsys) -> None:
    outs = []
    for k, src in enumerate([ROOT / "datasets", None, None]):
        data = ROOT / "datasets" if src else _shuffled_copy(ROOT / "datasets", tmp_path / f"s{k}", seed=k)
        code, out, err = run(capsys, *argv, "--data", str(data))
        assert code == 0, err
        outs.append(out)
    assert outs[0] == outs[1] == outs[2]


# -- aliases, vocabularies, validate ---------------------------------------------------------
def test_add_score_takes_aliases_and_checks_settings(tiny: Path, capsys) -> None:
    base = [
        "add",
        "score",
        "--bench",
        "tq",
        "--model",
        "m21",
        "--score",
        "0.5",
        "--source-kind",
        "lab",
        "--source-name",
        "Alias test",
        "--url",
        "https://example.org/a",
        "--checked",
        CHECKED,
        "--data",
        str(tiny),
    ]
    code, _, err = run(capsys, *base, "--setting", "5-shot")
    assert code == 0, err
    assert "m21,toy,0.5,,5-shot" in (tiny / "scores.csv").read_text()
    code, _, err = run(capsys, *base, "--setting", "pass@l")
    assert code == 2 and "not a known setting" in err and "--new-setting" in err
    code, _, err = run(capsys, *base, "--setting", "pass@l", "--new-setting")
    assert code == 0 and "warning: new setting 'pass@l'" in err
    assert "toy,pass@l,non-standard" in (tiny / "settings.csv").read_text()
    code, out, _ = run(capsys, "list", "settings", "--bench", "tq", "--format", "csv", "--data", str(tiny))
    assert code == 0 and "pass@l" in out and "5-shot" in out


@pytest.mark.parametrize(
    ("old", "new", "needle"),
    [
        ("toy;tq,", "toy;tq;toy2,", None),
        (",0.25,1,,toy;tq", ",1,0.5,,toy;tq", "is not below the ceiling"),
    ],
)
def test_validate_refuses_alias_collisions_and_floor_above_ceiling(tiny: Path, capsys, old, new, needle) -> None:
    b = tiny / "benchmarks.csv"
    text = b.read_text().replace(old, new)
    if needle is None:  # a second benchmark whose alias is the first one's id
        text += "toy2,Toy 2,toy,all,10,0,1,,toy2;toy,5-shot,any,https://example.org/t2,2019-01-01,\n"
        needle = "already names toy"
    b.write_text(text)
    code, out, err = run(capsys, "validate", str(tiny))
    assert code == 1 and needle in out


def test_validate_refuses_an_unknown_setting(tiny: Path, capsys) -> None:
    s = tiny / "scores.csv"
    s.write_text(s.read_text().replace("m21,toy,0.28,,5-shot", "m21,toy,0.28,,pass@l"))
    code, out, _ = run(capsys, "validate", str(tiny))
    assert code == 1 and "'pass@l' is not a known setting of toy" in out


# -- nothing gets in: HTML ------------------------------------------------------------------
def _add_hostile(tiny: Path, capsys) -> None:
    code, _, err = run(
        capsys,
        "add",
        "model",
        "--id",
        "evil-1",
        "--name",
        XSS,
        "--org",
        XSS,
        "--date",
        "2024-09-01",
        "--url",
        "https://example.org/evil",
        "--compute",
        "3e25",
        "--compute-source",
        XSS,
        "--data",
        str(tiny),
    )
    assert code == 0, err
    code, _, err = run(
        capsys,
        "add",
        "score",
        "--bench",
        "toy",
        "--model",
        "evil-1",
        "--score",
        "0.93",
        "--setting",
        "5-shot",
        "--source-kind",
        "lab",
        "--source-name",
        XSS,
        "--url",
        "https://example.org/evil",
        "--checked",
        CHECKED,
        "--data",
        str(tiny),
    )
    assert code == 0, err


def test_hostile_names_are_escaped_in_the_html(tiny: Path, tmp_path: Path, capsys) -> None:
    _add_hostile(tiny, capsys)
    outs = [tmp_path / f"{k}.html" for k in ("fit", "progress")]
    for kind, out in zip(("fit", "progress"), outs, strict=True):
        code, _, err = run(
            capsys,
            "chart",
            kind,
            "--bench",
            "toy",
            "--target",
            "0.95",
            "--boot",
            "100",
            "--label",
            "evil-1",
            "--out",
            str(out),
            "--data",
            str(tiny),
        )
        assert code == 0, err
        html = out.read_text()
        assert XSS not in html and "<script>console.error" not in html
        assert "\\u003c/script\\u003e\\u003cscript\\u003econsole.error" in html  # there, as inert text


def test_hostile_source_through_import_is_escaped(reference: Path, tmp_path: Path, capsys) -> None:
    data = tmp_path / "datasets"
    shutil.copytree(ROOT / "datasets", data)
    ref = reference / "epoch-benchmarks-2025-12"
    lines = (ref / "external_benchmark_mmlu.csv").read_text(encoding="utf-8-sig").splitlines()
    import csv
    import io

    rows = list(csv.reader(io.StringIO("\n".join(lines[:3]))))
    head, body = rows[0], rows[1:]
    i = head.index("Source")
    for r in body:
        r[i] = XSS
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows([head, *body])
    crafted = tmp_path / "external_benchmark_mmlu.csv"
    crafted.write_text(buf.getvalue(), encoding="utf-8")
    code, _, err = run(
        capsys,
        "import",
        "epoch-mmlu",
        str(crafted),
        "--model-versions",
        str(ref / "model_versions.csv"),
        "--data",
        str(data),
    )
    assert code in (0, 1), err
    assert XSS in (data / "scores.csv").read_text()  # the hostile text got in as data ...
    out = tmp_path / "mmlu.html"
    code, _, err = run(
        capsys,
        "chart",
        "progress",
        "--bench",
        "mmlu",
        "--target",
        "0.9",
        "--boot",
        "100",
        "--source",
        "independent",
        "--out",
        str(out),
        "--data",
        str(data),
    )
    assert code == 0, err
    assert XSS not in out.read_text()  # ... and reaches the page only escaped


# -- nothing gets in: SQL -------------------------------------------------------------------
def test_sql_db_is_read_only_and_never_overwritten(tiny: Path, tmp_path: Path, capsys) -> None:
    db = tmp_path / "t.duckdb"
    code, _, err = run(capsys, "sql", "SELECT 1; DROP TABLE scores", "--db", str(db), "--data", str(tiny))
    assert code == 2 and "exactly one SQL statement" in err and not db.exists()
    code, out, err = run(
        capsys, "sql", "SELECT count(*) AS n FROM scores", "--db", str(db), "--data", str(tiny), "--format", "csv"
    )
    assert code == 0 and out == "n\n9\n", err
    before = db.read_bytes()
    code, _, err = run(capsys, "sql", "SELECT 1", "--db", str(db), "--data", str(tiny))
    assert code == 1 and "--force" in err and db.read_bytes() == before
    for q in (
        "DROP TABLE scores",
        "CREATE TABLE x AS SELECT 1",
        "INSERT INTO scores SELECT * FROM scores",
        "DELETE FROM scores",
        "UPDATE scores SET score = 0",
        "ATTACH ':memory:' AS y",
        "CHECKPOINT",
    ):
        code, _, err = run(capsys, "sql", q, "--db", str(db), "--force", "--data", str(tiny))
        assert code == 2 and "read-only" in err, (q, err)
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    assert con.sql("SELECT count(*) FROM scores").fetchone()[0] == 9
    con.close()
    # the engine, not the first word: a query on the read-only file connection cannot write
    from tracker.data.user_sql import query_file

    assert query_file(db, "SELECT count(*) AS n FROM scores_joined")["n"].item() == 9


def test_sql_interval_and_odd_types_print(tiny: Path, capsys) -> None:
    code, out, err = run(
        capsys, "sql", "SELECT INTERVAL 1 DAY AS d, uuid() IS NOT NULL AS u", "--data", str(tiny), "--format", "csv"
    )
    assert code == 0 and "1 day" in out, err


# -- nothing is lost: the ledger ------------------------------------------------------------
def _save(tiny: Path, led: Path, capsys, seed: int = 1) -> Path:
    before = set(led.glob("*.json")) if led.is_dir() else set()
    code, _, err = run(
        capsys,
        "forecast",
        "--bench",
        "toy",
        "--target",
        "0.95",
        "--boot",
        "100",
        "--seed",
        str(seed),
        "--save",
        "--ledger-dir",
        str(led),
        "--data",
        str(tiny),
    )
    assert code == 0, err
    (new,) = set(led.glob("*.json")) - before
    return new


def test_ledger_catches_edits_and_truncation(tiny: Path, tmp_path: Path, capsys) -> None:
    led = tmp_path / "ledger"
    good = _save(tiny, led, capsys)
    edited = _save(tiny, led, capsys, seed=2)  # another seed: a new record (the same forecast again is refused)
    cut = _save(tiny, led, capsys, seed=3)
    assert len({good, edited, cut}) == 3  # never overwritten: -2, -3
    rec = json.loads(edited.read_text())
    assert ledgermod.verify(good.read_text())[0] == "ok"
    rec["forecast"]["year_dates"]["median"] = "2020-01-01"
    rec["made_on"] = "2019-01-01"
    edited.write_text(json.dumps(rec, indent=1))
    cut.write_bytes(cut.read_bytes()[:200])
    legacy = json.loads(good.read_text())
    legacy.pop("record_sha256")
    legacy["format"] = 1
    (led / "2026-01-01_toy_0.95_compute.json").write_text(json.dumps(legacy))
    code, out, err = run(capsys, "ledger", "--dir", str(led), "--data", str(tiny), "--json")
    assert code == 1 and "2 record(s) FAILED their check" in err  # every record listed, and a script sees it
    by = {r["path"]: r for r in json.loads(out)}
    assert by[good.name]["check"] == "ok" and by[good.name]["status"] != "not scored"
    assert by[edited.name]["check"] == "FAILED" and by[edited.name]["status"] == "not scored"
    assert "edited" in by[edited.name]["problem"]
    assert by[cut.name]["check"] == "FAILED" and "truncated" in by[cut.name]["problem"]
    assert by["2026-01-01_toy_0.95_compute.json"]["check"] == "unsigned"
    code, out, _ = run(capsys, "ledger", "--dir", str(led), "--data", str(tiny))
    assert code == 1 and "FAILED" in out
    (led / "deep.json").write_text("[" * 100_000 + "]" * 100_000)  # one bad file never stops the rest
    code, out, _ = run(capsys, "ledger", "--dir", str(led), "--data", str(tiny), "--json")
    assert code == 1 and {r["path"]: r for r in json.loads(out)}["deep.json"]["check"] == "FAILED"


def test_save_with_data_writes_beside_that_data_not_the_repository(tiny: Path, capsys) -> None:
    repo_ledger = sorted((ROOT / "forecasts").iterdir())
    code, _, err = run(
        capsys, "forecast", "--bench", "toy", "--target", "0.95", "--boot", "100", "--save", "--data", str(tiny)
    )
    assert code == 0, err
    assert sorted((ROOT / "forecasts").iterdir()) == repo_ledger
    assert list((tiny.parent / "forecasts").glob("*.json"))


def test_full_disk_leaves_nothing(tiny: Path, tmp_path: Path, capsys, monkeypatch) -> None:
    """A fault-injecting writer: every os.write fails with ENOSPC, as on a full disk."""
    led = tmp_path / "ledger"
    led.mkdir()

    def full(fd, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "write", full)
    code, _, err = run(
        capsys,
        "forecast",
        "--bench",
        "toy",
        "--target",
        "0.95",
        "--boot",
        "100",
        "--save",
        "--ledger-dir",
        str(led),
        "--data",
        str(tiny),
    )
    _one_line_error(code, err)
    assert code != 0 and "No space left" in err
    assert list(led.iterdir()) == []
    out = tmp_path / "c.png"
    code, _, err = run(
        capsys,
        "chart",
        "fit",
        "--bench",
        "toy",
        "--target",
        "0.95",
        "--boot",
        "100",
        "--out",
        str(out),
        "--data",
        str(tiny),
    )
    assert code != 0 and "No space left" in err and list(tmp_path.glob("*c.png*")) == []


@contextlib.contextmanager
def _tmpfs(mnt: Path, options: str, why_skip: str = ""):
    """A small tmpfs mounted at ``mnt`` for the test (skipped where mounting is not allowed), unmounted after."""
    mnt.mkdir()
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(mnt)], capture_output=True)
    if r.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({r.stderr.decode().strip()}){why_skip}")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", str(mnt)], capture_output=True)


def test_full_disk_on_a_small_tmpfs(tiny: Path, tmp_path: Path) -> None:
    with _tmpfs(tmp_path / "small", "size=64k", "; the fault-injecting test covers it") as mnt:
        (mnt / "filler").write_bytes(b"x" * 60_000)
        out = mnt / "c.png"
        p = subprocess.run(
            _cli(
                "chart",
                "fit",
                "--bench",
                "toy",
                "--target",
                "0.95",
                "--boot",
                "100",
                "--out",
                str(out),
                "--data",
                str(tiny),
            ),
            capture_output=True,
            text=True,
            timeout=120,
        )
        _one_line_error(p.returncode, p.stderr)
        assert p.returncode != 0 and sorted(x.name for x in mnt.iterdir()) == ["filler"]


def test_a_read_only_file_system_gives_one_line_per_writer(tiny: Path, tmp_path: Path) -> None:
    with _tmpfs(tmp_path / "ro", "ro,size=64k") as mnt:
        fc = ["forecast", "--bench", "toy", "--target", "0.95", "--boot", "100", "--data", str(tiny)]
        for argv in (
            ["sql", "SELECT 1", "--db", str(mnt / "x.db"), "--data", str(tiny)],  # its clean-up once raised
            ["data", "init", str(mnt / "w")],
            [*fc, "--chart", str(mnt / "c.png")],
            [*fc, "--save", "--ledger-dir", str(mnt / "led")],
        ):
            p = subprocess.run(_cli(*argv), capture_output=True, text=True, timeout=120)
            _one_line_error(p.returncode, p.stderr)
            assert p.returncode == 2 and ("Read-only" in p.stderr or "not writable" in p.stderr), (argv, p.stderr)


def test_outputs_never_replace_data_or_ledger_files(tiny: Path, capsys) -> None:
    before = (tiny / "datapackage.json").read_bytes()
    code, _, err = run(
        capsys,
        "chart",
        "fit",
        "--bench",
        "toy",
        "--target",
        "0.95",
        "--boot",
        "100",
        "--out",
        str(tiny / "datapackage.json"),
        "--data",
        str(tiny),
    )
    assert code == 2 and (tiny / "datapackage.json").read_bytes() == before


# -- Ctrl-C and locks ------------------------------------------------------------------------
def _interrupt_after(proc: subprocess.Popen, wait_for: str | None, delay: float) -> tuple[int, str, float]:
    if wait_for:
        line = ""
        deadline = time.monotonic() + 60
        while wait_for not in line and time.monotonic() < deadline:
            line = proc.stderr.readline()
        assert wait_for in line, line
    else:
        time.sleep(delay)
    assert proc.poll() is None, "the command ended before the interrupt"
    t0 = time.monotonic()
    proc.send_signal(signal.SIGINT)
    code = proc.wait(timeout=10)
    return code, proc.stderr.read(), time.monotonic() - t0


def test_ctrl_c_ends_a_slow_query_within_a_second(tiny: Path) -> None:
    proc = subprocess.Popen(
        _cli("sql", "SELECT count(*) FROM range(1000000000000) a, range(10) b", "--data", str(tiny)),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    code, err, took = _interrupt_after(proc, None, 6.0)  # start-up and loading done: inside the query
    assert code == 130 and took < 1.5, (code, err, took)
    assert "Traceback" not in err and err.count("\n") == 1


def test_waiting_on_a_held_lock_says_so_and_ends_on_ctrl_c(tiny: Path) -> None:
    before = (tiny / "scores.csv").read_bytes()
    fd = os.open(tiny / writer.LOCK_NAME, os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        args = (
            "add",
            "score",
            "--bench",
            "toy",
            "--model",
            "m21",
            "--score",
            "0.5",
            "--setting",
            "5-shot",
            "--source-kind",
            "lab",
            "--source-name",
            "Lock test",
            "--url",
            "https://example.org/l",
            "--checked",
            CHECKED,
            "--data",
            str(tiny),
        )
        proc = subprocess.Popen(_cli(*args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        code, err, took = _interrupt_after(proc, "waiting for", 0)
        assert code == 130 and took < 1.5, (code, err, took)
        env = {**os.environ, "TRACKER_LOCK_TIMEOUT": "1"}
        p = subprocess.run(_cli(*args), capture_output=True, text=True, env=env, timeout=60)
        assert p.returncode == 1 and "held the lock for 1 s" in p.stderr, p.stderr
    finally:
        os.close(fd)
    assert (tiny / "scores.csv").read_bytes() == before


# -- the notebook API ------------------------------------------------------------------------
def test_api_is_listed_and_forecast_prints_short(tiny: Path, capsys) -> None:
    names = dir(tracker)
    for n in ("forecast", "backtest", "chart", "sql", "add", "ledger", "Forecast", "settings", "init_data"):
        assert n in names
    fc = tracker.forecast("tq", 0.95, data=tiny, n_boot=100)
    assert repr(fc).startswith("<Forecast Toy QA >= 0.95 by predictive: ") and len(repr(fc)) < 200
    code, out, _ = run(capsys, "forecast", "--bench", "toy", "--target", "0.95", "--boot", "100", "--data", str(tiny))
    assert code == 0 and out == fc.report() + "\n"
    for name in ("forecast", "backtest", "sql", "add", "chart", "ledger", "load", "list_table"):
        assert ">>> " in (getattr(tracker.api, name).__doc__ or ""), name
    from tracker.forecast import methods  # noqa: F401 - the subpackage is loaded: the function still works

    assert tracker.forecast("toy", 0.95, data=tiny, n_boot=100).report() == fc.report()


def test_small_things_a_user_sees(tiny: Path, capsys) -> None:
    code, out, _ = run(capsys, "chart", "--help")
    assert "%%" not in out and "80% band" in out
    s = tiny / "scores.csv"
    s.write_text(s.read_text().replace("m23,toy,0.47", "m23,toy,86.4"))
    _, _, err = main(["validate", str(tiny)]), *capsys.readouterr()
    assert "1 error," in err and "1 errors" not in err


def test_a_target_already_reached_is_not_saved(tiny: Path, tmp_path: Path, capsys) -> None:
    led = tmp_path / "ledger"
    code, out, err = run(
        capsys, "forecast", "--bench", "toy", "--target", "0.85", "--boot", "100", "--save", "--ledger-dir", str(led),
        "--data", str(tiny),
    )  # fmt: skip
    assert code == 1, err
    assert out.startswith("Toy")  # the report is printed; only the record is refused
    assert err.startswith("Error: not saved: Toy QA >= 0.85 was already reached by GPT-4 on 2023-03-15")
    assert err.count("\n") == 1
    assert not led.exists() or not list(led.iterdir())


def test_json_nested_too_deeply_is_a_one_line_error(tiny: Path, tmp_path: Path, capsys) -> None:
    deep = "[" * 100_000 + "]" * 100_000  # json.loads raises RecursionError, not JSONDecodeError
    (tiny / "datapackage.json").write_text(deep)
    code, _, err = run(capsys, "validate", str(tiny))
    assert code == 2 and "nested too deeply" in err and "internal error" not in err and err.count("\n") == 1
    board = tmp_path / "leaderboards.json"
    board.write_text(deep)
    mv = tmp_path / "model_versions.csv"
    mv.write_text("id,Model\n")
    code, _, err = run(capsys, "import", "swebench-leaderboard", str(board), "--model-versions", str(mv), "--dry-run")
    assert code == 2 and "nested too deeply" in err and "internal error" not in err


def test_data_init_leaves_nothing_half_made(tmp_path: Path, capsys) -> None:
    (tmp_path / "forecasts").write_text("a file where the ledger folder goes")
    code, _, err = run(capsys, "data", "init", str(tmp_path))
    assert code == 2 and "is not a folder; nothing copied" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["forecasts"]  # no datasets/ left behind


def test_sql_bounds_a_runaway_result_and_a_long_table(tiny: Path, capsys) -> None:
    code, _, err = run(capsys, "sql", "SELECT * FROM range(3000000)", "--data", str(tiny))
    assert code == 2 and "more than 2,000,000 rows" in err
    code, out, _ = run(capsys, "sql", "SELECT * FROM range(10005)", "--data", str(tiny))
    assert code == 0 and out.rstrip().endswith("(the first 10,000 of 10,005 rows; --format csv prints them all)")
    code, out, _ = run(capsys, "sql", "SELECT * FROM range(10005)", "--format", "csv", "--data", str(tiny))
    assert code == 0 and len(out.splitlines()) == 10_006  # the header and every row


def test_a_frontier_flag_without_compute_is_a_warning_unless_notes_say_why(tiny: Path) -> None:
    models = tiny / "models.csv"
    base = models.read_text()
    row = "new9,New 9,new9,Org,2024-01-01,https://example.org/n,false,,,,,,,,,false,true,Language,{}\n"
    models.write_text(base + row.format(""))
    report, _ = data.validate_dir(tiny)
    assert report.errors == [] and any(
        "new9 carries the frontier flag but no compute estimate" in w for w in report.warnings
    )
    models.write_text(base + row.format("frontier: Epoch AI's frontier file lists it without a value"))
    report, _ = data.validate_dir(tiny)
    assert not any("new9" in w for w in report.warnings)


def test_text_direction_overrides_are_refused_like_control_characters(tiny: Path, capsys) -> None:
    # U+202E shows "abc<RLO>fed" as "abcdef" reversed on a terminal or a page: a name must read as it is stored
    from tracker.cli.main import main

    before = (tiny / "scores.csv").read_bytes()
    argv = ["add", "score", "--data", str(tiny), "--model", "m24", "--bench", "toy", "--score", "0.5"]
    argv += ["--setting", "0-shot", "--source-kind", "independent", "--source-name", "abc\u202efed"]
    assert main([*argv, "--url", "https://example.org/x"]) == 2
    assert "control character" in capsys.readouterr().err
    assert (tiny / "scores.csv").read_bytes() == before


def test_data_where_names_a_missing_data_folder_and_fails(tmp_path: Path, monkeypatch, capsys) -> None:
    # where the commands would look is printed; that nothing is there is an error a script can see
    monkeypatch.setenv("TRACKER_DATA", str(tmp_path / "typo"))
    code, out, err = run(capsys, "data", "where")
    assert code == 2 and f"data: {tmp_path / 'typo'}  [found by $TRACKER_DATA]" in out
    _one_line_error(code, err)
    assert "no datapackage.json" in err
    code, out, err = run(capsys, "data", "where", "--json")
    assert code == 2 and json.loads(out)["exists"] is False and json.loads(err)["exit_code"] == 2
