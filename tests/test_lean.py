"""Start-up stays lean: each command imports only what it uses (checked in fresh interpreters)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ["altair", "vl_convert", "statsmodels", "scipy", "pandas", "pyarrow"]

PROBE = """
import json, sys
from tracker.cli.main import main
code = main({argv!r})
print(json.dumps({{"code": code, "loaded": sorted(m for m in {heavy!r} if m in sys.modules)}}))
"""


def _loaded(argv: list[str]) -> dict:
    proc = subprocess.run([sys.executable, "-c", PROBE.format(argv=argv, heavy=HEAVY)], capture_output=True, text=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_import_tracker_is_light() -> None:
    code = (
        f"import sys, tracker; print(sorted(m for m in {HEAVY!r} + ['polars', 'duckdb', 'numpy'] if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


@pytest.mark.parametrize(
    "argv",
    [
        ["--help"],
        ["forecast", "--bench", "toy", "--target", "0.9", "--boot", "200"],
        ["list", "scores", "--bench", "toy"],
        ["validate"],
        ["sql", "SELECT 1"],
    ],
)
def test_commands_do_not_import_heavy_libraries(tiny: Path, argv: list[str]) -> None:
    if argv[0] == "validate":
        argv = [*argv, str(tiny)]
    elif argv[0] != "--help":
        argv = [*argv, "--data", str(tiny)]
    result = _loaded(argv)
    assert result["code"] == 0
    assert result["loaded"] == []
