"""Exact output of list, validate and ledger on the tiny fixture; help with an example on every leaf command;
the compute method equal, draw for draw, through every entry point."""

from __future__ import annotations

import argparse
import datetime as dt
import json
from pathlib import Path

import numpy as np
import pytest

from tracker import api
from tracker.cli.main import main
from tracker.cli.parser import build_parser
from tracker.data import tables as data
from tracker.data.catalog import resolve_benchmark
from tracker.data.select import select
from tracker.data.store import Store
from tracker.fit.resample import quantiles_with_inf
from tracker.fit.trend import year_to_iso
from tracker.forecast import backtest as bt
from tracker.forecast import methods
from tracker.forecast.forecast import forecast


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_list_prints_exactly(tiny: Path, capsys) -> None:
    code, out, _ = run(capsys, "list", "benchmarks", "--format", "csv", "--data", str(tiny))
    assert code == 0
    assert out == (
        "id,name,variant,items,floor,ceiling,aliases,settings,default_source\n"
        "toy,Toy QA,all items,1000,0.25,1.0,toy;tq,5-shot;0-shot,any\n"
    )
    code, out, _ = run(
        capsys, "list", "scores", "--model", "m2", "--format", "csv", "--limit", "2", "--data", str(tiny)
    )
    assert out == (
        "benchmark_id,model_id,score,setting,effort,source_kind,source_name,date_reported,name,organization,compute_flop\n"
        "toy,m20,0.26,5-shot,,lab,Toy report,,M20,TestOrg,1e+20\n"
        "toy,m21,0.28,5-shot,,lab,Toy report,,M21,TestOrg,1e+21\n"
    )
    code, out, _ = run(capsys, "list", "models", "--org", "nobody", "--data", str(tiny))
    assert out.endswith("(0 rows)\n")
    code, out, _ = run(capsys, "list", "benchmarks", "--data", str(tiny))
    assert out.endswith("(1 row)\n")


def test_validate_prints_exactly(tiny: Path, capsys) -> None:
    code, out, err = run(capsys, "validate", str(tiny))
    assert (code, out, err) == (0, "\n", "OK: 0 errors, 0 warnings\n")
    p = tiny / "scores.csv"
    p.write_text(p.read_text().replace("m23,toy,0.47", "m23,toy,86.4"), encoding="utf-8")
    code, out, err = run(capsys, "validate", str(tiny))
    assert code == 1
    assert out == f"{p}:5: score: 86.4 looks like a percent; write the fraction 0.864\n"
    assert err == "FAILED: 1 error, 0 warnings\n"


def test_ledger_prints_exactly(tiny: Path, tmp_path: Path, capsys) -> None:
    led = tmp_path / "ledger"
    assert (
        main(
            [
                "forecast",
                "--bench",
                "toy",
                "--target",
                "0.95",
                "--method",
                "date",
                "--boot",
                "200",
                "--data",
                str(tiny),
                "--save",
                "--ledger-dir",
                str(led),
            ]
        )
        == 0
    )
    capsys.readouterr()
    rec = json.loads(next(led.glob("*.json")).read_text())
    yd = rec["forecast"]["year_dates"]
    code, out, _ = run(capsys, "ledger", "--dir", str(led), "--data", str(tiny))
    assert code == 0
    head, row = out.splitlines()[:2]
    assert head.split() == [
        "made",
        "benchmark",
        "target",
        "method",
        "median",
        "80%",
        "interval",
        "status",
        "actual",
        "error",
        "check",
    ]
    assert row.split() == [
        dt.date.today().isoformat(),
        "toy",
        "0.95",
        "date",
        yd["median"],
        yd["lo80"],
        "to",
        yd["hi80"],
        "open",
        "-",
        "ok",
    ]
    # aligned: each value starts under its heading (the target and error columns end under theirs)
    for heading, value in (("benchmark", "toy"), ("method", "date"), ("median", yd["median"]), ("status", "open")):
        assert row.index(value) == head.index(heading), (heading, head, row)
    assert row.index("0.95") + len("0.95") == head.index("target") + len("target")


def _leaves(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()):
    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subs:
        yield path, parser
        return
    for name, p in subs[0].choices.items():
        yield from _leaves(p, (*path, name))


def test_every_leaf_command_has_help_with_an_example() -> None:
    leaves = list(_leaves(build_parser()))
    assert len(leaves) >= 15  # forecast, chart, list, validate, sql, add x3, import x5, data x2, backtest, ledger
    for path, p in leaves:
        text = p.format_help()
        assert "examples:" in text, path
        assert f"tracker {path[0]}" in text.split("examples:", 1)[1], path
        assert "exit codes:" in text, path


def test_the_compute_method_is_one_code_path(shipped: Path) -> None:
    """forecast, backtest and ledger give the compute method's very draws (same data, as-of, resamples, seed)."""
    t = data.load(shipped)
    b = resolve_benchmark(t, "gpqa")
    as_of, target, n_boot, seed = dt.date(2025, 7, 1), 0.9, 400, 11
    with Store(t) as s:
        sel = select(s, b, as_of=as_of)
        front = s.frontier(as_of, dt.date(2018, 1, 1))
        direct = methods.fit_method(
            "compute",
            sel.flagged,
            front,
            floor=b.floor,
            ceiling=b.ceiling,
            weight=b.weight,
            as_of=as_of,
            n_boot=n_boot,
            seed=seed,
        )
        q = quantiles_with_inf(direct.draws(target), (0.5, 0.1, 0.9))
        fc = forecast(s, b, target, as_of=as_of, n_boot=n_boot, seed=seed, method="compute", side=False, hindcast=False)
        r = bt.run(
            s, [b], as_of=[as_of], thresholds_by={b.id: [target]}, methods=("compute",), n_boot=n_boot, seed=seed
        )
    assert (fc.year.median, fc.year.lo80, fc.year.hi80) == tuple(float(v) for v in q)
    (p,) = r.points
    assert (p.median, p.lo80, p.hi80) == tuple(float(v) for v in q)
    rec = json.loads(json.dumps(fc.to_dict()))  # what the ledger stores
    assert rec["year_dates"]["median"] == year_to_iso(float(q[0]))
    # and the public API, the one notebooks call, is the same forecast
    api_fc = api.forecast("gpqa", target, as_of=as_of, n_boot=n_boot, seed=seed, method="compute")
    assert np.isclose(api_fc.year.median, fc.year.median, rtol=0, atol=0)


@pytest.mark.parametrize("bench", ["mmlu", "gpqa", "swe-bench", "fm"])
def test_every_benchmark_forecasts_by_default(shipped: Path, bench: str) -> None:
    fc = api.forecast(bench, 0.9 if bench != "mmlu" else 0.92, n_boot=200)
    assert fc.reached is not None or fc.year.median is not None


def test_cli_reference_and_readme_tables_are_current() -> None:
    """docs/cli.md and the README's command and importer tables are generated from the parser: never stale."""
    import subprocess
    import sys

    script = Path(__file__).resolve().parents[1] / "scripts" / "cli_reference.py"
    proc = subprocess.run([sys.executable, str(script), "--check"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
