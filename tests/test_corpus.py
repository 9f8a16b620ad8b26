"""Every malformed input of tests/corpus/ (see make_corpus.py there) is refused cleanly.

For each case, both ``tracker validate`` (the case placed in a data folder)
and ``tracker add --from-file`` (the case as the batch) must end in a
one-line error that names the file, line and column, a non-zero exit, no
traceback, and leave every data file byte-identical.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from tracker.cli.main import main

CORPUS = Path(__file__).resolve().parent / "corpus"
CASES = json.loads((CORPUS / "cases.json").read_text(encoding="utf-8"))
ADD_KIND = {"scores": "score", "models": "model"}


def _hashes(root: Path) -> dict[str, str]:
    """Hashes of the data files; the writer's lock file is not data, a leftover temp file fails."""
    assert not list(root.glob(".*.tmp")), "a temporary file was left behind"
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.iterdir())
        if p.is_file() and not p.name.startswith(".")
    }


def _place(tiny: Path, name: str, case: dict) -> tuple[Path, int]:
    """Put the case into the tiny folder; return the table path and the line offset."""
    table = tiny / f"{case['table']}.csv"
    content = (CORPUS / name).read_bytes()
    if case["mode"] == "file":
        table.write_bytes(content)
        return table, 0
    base = table.read_bytes()
    offset = base.count(b"\n") - 1  # the case's line 2 follows the table's last line
    table.write_bytes(base + content.split(b"\n", 1)[1])
    return table, offset


def test_corpus_is_big_enough_and_in_sync() -> None:
    assert len(CASES) >= 30
    assert sorted(CASES) == sorted(p.name for p in CORPUS.glob("*.csv"))


@pytest.mark.parametrize("name", sorted(CASES))
def test_validate_names_file_line_column(name: str, tiny: Path, capsys) -> None:
    case = CASES[name]
    table, offset = _place(tiny, name, case)
    before = _hashes(tiny)
    code = main(["validate", str(tiny)])
    out, err = capsys.readouterr()
    assert code == 1
    assert "Traceback" not in out + err
    first = out.splitlines()[0]
    assert first.startswith(f"{table}:{case['line'] + offset}: {case['column']}:"), first
    assert case["expect"] in out, out
    assert _hashes(tiny) == before


@pytest.mark.parametrize("name", sorted(CASES))
def test_add_from_file_refuses_with_one_line(name: str, tiny: Path, capsys) -> None:
    case = CASES[name]
    before = _hashes(tiny)
    batch = CORPUS / name
    code = main(["add", ADD_KIND[case["table"]], "--from-file", str(batch), "--data", str(tiny)])
    out, err = capsys.readouterr()
    assert code in (1, 2), (code, out, err)
    assert out == ""
    assert err.startswith("Error: ") and err.count("\n") == 1, err
    assert "Traceback" not in err
    assert err.startswith(f"Error: {batch}:{case['line']}: {case['column']}:"), err
    assert _hashes(tiny) == before
