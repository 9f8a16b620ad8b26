"""tracker import on the real published files in ../shared/reference (skipped where absent).

The shipped data is refreshed from these files (scripts/refresh.sh), so
re-importing them into a scratch copy of datasets/ must find nothing new or
changed; the few differences of the superseded April 2025 file are explained below.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tracker.cli.main import main
from tracker.ingest import importing

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def scratch(tmp_path: Path) -> Path:
    dst = tmp_path / "datasets"
    shutil.copytree(ROOT / "datasets", dst)
    return dst


def _files(reference: Path) -> dict[str, Path]:
    b = reference / "epoch-benchmarks-2025-12"
    return {
        "runs": b / "benchmarks_runs.csv",
        "mmlu": b / "external_benchmark_mmlu.csv",
        "mv": b / "model_versions.csv",
        "swebench": reference / "swebench-leaderboards-2025-12" / "leaderboards.json",
        "gpai": reference / "gpai-dated-scores-2026-06" / "dated_scores_four_benchmarks.csv",
    }


@pytest.mark.parametrize("kind", ["epoch-runs", "epoch-mmlu", "swebench-leaderboard", "gpai"])
def test_reimporting_score_files_changes_nothing(kind: str, reference: Path, scratch: Path) -> None:
    f = _files(reference)
    file = {"epoch-runs": f["runs"], "epoch-mmlu": f["mmlu"], "swebench-leaderboard": f["swebench"], "gpai": f["gpai"]}[
        kind
    ]
    before = (scratch / "scores.csv").read_bytes()
    r = importing.import_file(kind, file, data=scratch, model_versions=f["mv"])
    assert r.read > 50
    assert (r.new, r.changes, r.unmapped, r.new_aliases) == ([], [], [], [])
    assert r.unchanged == r.read
    assert (scratch / "scores.csv").read_bytes() == before


@pytest.mark.parametrize(
    ("vintage", "name", "max_changes"),
    [
        ("epoch-models-2026-05", "large_scale_ai_models.csv", 0),
        ("epoch-models-2025-11", "notable_ai_models.csv", 0),
        ("epoch-models-2025-11", "large_scale_ai_models.csv", 0),
        # GPT-4.5's 3.8e26 is now taken from the 2026-05 file: the frontier file (same value,
        # method "benchmarks") is older and is not proposed.
        ("epoch-models-2025-11", "frontier_ai_models.csv", 0),
        # The April 2025 database is older than the rows' 2025-11 estimates: those
        # are kept (listed in ``kept``). Only models without a compute estimate
        # (no snapshot to compare) show the older file's values, e.g. o3-mini's
        # release date 2024-01-31 where the newer files say 2025-01-31.
        ("epoch-models-2025-04", "all_ai_models.csv", 4),
    ],
)
def test_reimporting_models_files_reports_few_changes(
    vintage: str, name: str, max_changes: int, reference: Path, scratch: Path
) -> None:
    before = (scratch / "models.csv").read_bytes()
    # the newest file is imported as scripts/refresh.sh does, bringing the 2025-26 models it estimates
    add_new = "2025-01-01" if vintage == "epoch-models-2026-05" else None
    r = importing.import_file("epoch-models", reference / vintage / name, data=scratch, add_new=add_new)
    assert len(r.changes) <= max_changes, importing.report_text(r)
    assert r.new == [] and r.pending == len(r.changes)
    assert r.new_aliases == [], importing.report_text(r)  # refresh.sh finds no name left to map
    assert (scratch / "models.csv").read_bytes() == before  # nothing applied without --update
    if name == "all_ai_models.csv":
        # kept: values of older snapshots, our deliberate differences (mappings/model_overrides.csv),
        # and compute or frontier flags a version or preview does not take
        assert len(r.kept) > 20 and all("older" in k or "kept over the file's" in k or "not taken" in k for k in r.kept)


def test_newest_vintage_tracks_new_models_and_handles_the_double_gemini_row(reference: Path, scratch: Path) -> None:
    from tracker.ingest.importers.epoch import read_epoch_models

    file = reference / "epoch-models-2026-05" / "large_scale_ai_models.csv"
    rows = [
        r
        for r in read_epoch_models(file, "Large-scale AI models database (2026-05 snapshot)")
        if r["name"] == "Gemini 3.1 Pro"
    ]
    assert len(rows) == 1 and "twice" in rows[0]["notes"]  # the file's two rows of one model, merged
    # A model the file has and we do not track comes in with --add-new, with its alias and estimate.
    models, aliases = scratch / "models.csv", scratch / "model_aliases.csv"
    models.write_text(
        "".join(ln for ln in models.read_text().splitlines(keepends=True) if not ln.startswith("olmo-3,"))
    )
    aliases.write_text(
        "".join(ln for ln in aliases.read_text().splitlines(keepends=True) if ",Olmo 3,olmo-3," not in ln)
    )
    r = importing.import_file("epoch-models", file, data=scratch)
    assert r.new == []  # not tracked without --add-new
    r = importing.import_file("epoch-models", file, data=scratch, add_new="2025-01-01")
    assert [m["id"] for m in r.new] == ["olmo-3"] and r.new_aliases[0]["external_id"] == "Olmo 3"
    assert "Epoch AI, Large-scale AI models database (2026-05 snapshot)" == r.new[0]["compute_source"]
    assert importing.import_file("epoch-models", file, data=scratch, add_new="2025-01-01").new == []


def test_changed_value_is_a_diff_applied_only_with_update(reference: Path, scratch: Path, capsys) -> None:
    f = _files(reference)
    scores = scratch / "scores.csv"
    shipped = scores.read_bytes()
    lines = shipped.decode().split("\n")
    i = next(i for i, ln in enumerate(lines) if ",Epoch AI Benchmarking Hub," in ln and ",gpqa-diamond," in ln)
    cells = lines[i].split(",")
    cells[2] = "0.123"
    lines[i] = ",".join(cells)
    scores.write_text("\n".join(lines))
    args = ["import", "epoch-runs", str(f["runs"]), "--data", str(scratch)]
    code = main(args)
    out = capsys.readouterr().out
    assert code == 1
    assert f"~ scores.csv:{i + 1} " in out and "score: '0.123' -> " in out
    assert "not applied: re-run with --update" in out
    assert main([*args, "--update"]) == 0
    capsys.readouterr()
    assert scores.read_bytes() == shipped


def test_missing_mapping_is_reported_with_the_command(reference: Path, scratch: Path, capsys) -> None:
    f = _files(reference)
    aliases = scratch / "model_aliases.csv"
    lines = aliases.read_text().splitlines(keepends=True)
    gone = next(ln for ln in lines if ln.startswith("epoch-version,gpt-4o-2024-11-20,"))
    aliases.write_text("".join(ln for ln in lines if ln != gone))
    code = main(["import", "epoch-runs", str(f["runs"]), "--data", str(scratch), "--json"])
    d = json.loads(capsys.readouterr().out)
    assert code == 0
    assert [u["external_id"] for u in d["unmapped"]] == ["gpt-4o-2024-11-20"]
    assert d["unmapped"][0]["command"].startswith(
        "tracker add alias --source epoch-version --external-id gpt-4o-2024-11-20 --model-id gpt-4o-nov-2024"
    )


def test_new_rows_are_added_in_order(reference: Path, scratch: Path, capsys) -> None:
    f = _files(reference)
    scores = scratch / "scores.csv"
    lines = scores.read_text().splitlines(keepends=True)
    removed = [ln for ln in lines if ",SWE-bench bash-only leaderboard," in ln][:3]
    scores.write_text("".join(ln for ln in lines if ln not in removed))
    code = main(
        ["import", "swebench-leaderboard", str(f["swebench"]), "--model-versions", str(f["mv"]), "--data", str(scratch)]
    )
    out = capsys.readouterr().out
    assert code == 0 and "added 3 scores rows" in out
    assert scores.read_text().splitlines(keepends=True) == lines


def test_gpai_keeps_feeds_apart_and_efforts_as_settings(reference: Path, scratch: Path) -> None:
    from tracker.ingest.importers.gpai import read_gpai
    from tracker.ingest.importers.versions import EpochVersions

    f = _files(reference)
    rows, _ = read_gpai(f["gpai"], EpochVersions(f["mv"]))
    feeds = {r.feed for r in rows}
    assert feeds == {"epoch_live", "epoch", "kaggle"}  # rand (subsets) and seal (SWE-Bench Pro) left out
    assert {r.score["benchmark_id"] for r in rows} <= {"gpqa-diamond", "frontiermath", "frontiermath-tier4-v2", "mmlu"}
    kaggle = [r for r in rows if r.feed == "kaggle"]
    assert kaggle and all(r.score["setting"] == "kaggle-open-benchmarks" for r in kaggle)
    # One version, several efforts: gpt-5.2 at xhigh is the version gpt-5.2-2025-12-11 with effort xhigh.
    x = [r for r in rows if r.external_id == "gpt-5.2-2025-12-11_xhigh" and r.score["benchmark_id"] == "frontiermath"]
    assert len(x) == 1 and x[0].score["effort"] == "xhigh" and x[0].score["model_version"] == "gpt-5.2-2025-12-11"
    # Re-importing into the shipped data finds the rows known from the Epoch files as unchanged, not new.
    r = importing.import_file("gpai", f["gpai"], data=scratch, model_versions=f["mv"], dry_run=True)
    assert r.new == [] and r.unchanged == r.read == len(rows)


def test_unreadable_file_is_one_line(tmp_path: Path, scratch: Path, capsys) -> None:
    bad = tmp_path / "benchmarks_runs.csv"
    bad.write_text("not,the,right,columns\n1,2,3,4\n")
    (tmp_path / "model_versions.csv").write_text("id,Model\nx,X\n")
    code = main(["import", "epoch-runs", str(bad), "--data", str(scratch)])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "cannot be read as epoch-runs" in err
    code = main(["import", "epoch-models", str(tmp_path / "nope.csv"), "--data", str(scratch)])
    assert code == 2 and "no such file" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "runs.csv:1: file: is empty"),
        (b"a,b,c\n", "runs.csv:2: file: has a header but no rows"),
        (b"a,b,c\n1,2,3\n4,5\n", "runs.csv:3: row: 2 fields where the header has 3"),
        (b'a,b,c\n1,2,3\n"4,5,6\n7,8,9\n', "runs.csv:3: row: unexpected end of data"),
        (b"a,b,c\n1,\xff,3\n", "runs.csv: byte 0xff is not UTF-8"),
    ],
)
def test_a_malformed_published_file_is_refused_with_its_line(tmp_path: Path, scratch: Path, capsys, content, expected):
    # rows dropped quietly once read as "nothing new" (exit 0)
    (tmp_path / "runs.csv").write_bytes(content)
    (tmp_path / "model_versions.csv").write_text("id,Model\nx,X\n")
    before = (scratch / "scores.csv").read_bytes()
    code = main(["import", "epoch-runs", str(tmp_path / "runs.csv"), "--data", str(scratch)])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and expected in err, err
    assert (scratch / "scores.csv").read_bytes() == before


def test_bad_scores_in_a_published_file_are_refused_not_offered_as_changes(
    reference: Path, tmp_path: Path, scratch: Path, capsys
) -> None:
    import csv

    f = _files(reference)
    rows = list(csv.reader(f["runs"].open(encoding="utf-8-sig", newline="")))
    col = rows[0].index("Best score (across scorers)")
    for bad in ("nan", "-0.3", "85.0"):
        rows[5][col] = bad
        path = tmp_path / "runs.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows(rows)
        code = main(["import", "epoch-runs", str(path), "--model-versions", str(f["mv"]), "--data", str(scratch)])
        err = capsys.readouterr().err
        assert code == 2 and f"runs.csv:6: {rows[5][rows[0].index('model')]}: score '{bad}'" in err, err
    assert main(["import", "epoch-runs", str(tmp_path), "--data", str(scratch)]) == 2
    assert "is a folder" in capsys.readouterr().err


def _with_cell(src: Path, dst: Path, row: int, column: str, value: str) -> int:
    """Write ``src`` (a published CSV) to ``dst`` with one cell replaced; the line that row starts on
    (a quoted field can hold line breaks, so it is counted, not assumed)."""
    import csv

    reader = csv.reader(src.open(encoding="utf-8-sig", newline=""))
    starts, rows = [], []
    for fields in reader:
        starts.append(1 + (reader.line_num - fields_lines(fields)))
        rows.append(fields)
    rows[row][rows[0].index(column)] = value
    dst.parent.mkdir(parents=True, exist_ok=True)
    with dst.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    return starts[row]


def fields_lines(fields: list[str]) -> int:
    """How many physical lines a row of ``fields`` spans (its quoted line breaks, plus one)."""
    return 1 + sum(f.count("\n") for f in fields)


def test_a_bad_value_in_a_published_file_names_its_file_line_and_column(
    reference: Path, tmp_path: Path, scratch: Path, capsys
) -> None:
    """Each importer names the published file's line and column, not a Python message ("could not convert")."""
    f = _files(reference)
    mv = ["--model-versions", str(f["mv"])]
    models = reference / "epoch-models-2026-05" / "large_scale_ai_models.csv"
    cases = [
        (
            ["epoch-runs", *mv],
            f["runs"],
            "Best score (across scorers)",
            "abc",
            "Best score (across scorers): 'abc' is not a number",
        ),
        (["epoch-runs", *mv], f["runs"], "started_at", "2025-02-30", "started_at: '2025-02-30' is not a time"),
        (["epoch-mmlu", *mv], f["mmlu"], "EM", "high", "EM: 'high' is not a percent"),
        (["gpai"], f["gpai"], "score", "x1", "score: 'x1' is not a number"),
        (
            ["epoch-models"],
            models,
            "Training compute (FLOP)",
            "lots",
            "Training compute (FLOP): 'lots' is not a number",
        ),
    ]
    for i, (kind, src, column, value, says) in enumerate(cases):
        bad = tmp_path / f"c{i}" / "epoch-models-2026-05" / src.name
        line = _with_cell(src, bad, 4, column, value)
        code = main(["import", kind[0], str(bad), *kind[1:], "--data", str(scratch), "--dry-run"])
        err = capsys.readouterr().err
        assert code == 2 and f"{bad}:{line}: {says}" in err and err.count("\n") == 1, err


def test_a_malformed_swebench_file_names_the_path_of_the_bad_value(
    reference: Path, tmp_path: Path, scratch: Path, capsys
) -> None:
    f = _files(reference)
    doc = json.loads(f["swebench"].read_text(encoding="utf-8"))
    doc["leaderboards"][1]["results"][3]["resolved"] = "abc"
    bad = tmp_path / "leaderboards.json"
    bad.write_text(json.dumps(doc), encoding="utf-8")
    code = main(["import", "swebench-leaderboard", str(bad), "--model-versions", str(f["mv"]), "--data", str(scratch)])
    err = capsys.readouterr().err
    assert code == 2 and 'leaderboards[1].results[3].resolved: "abc" is not a percent' in err, err
    bad.write_text(json.dumps({"leaderboards": [{"name": "x", "results": {"a": 1}}]}), encoding="utf-8")
    code = main(["import", "swebench-leaderboard", str(bad), "--model-versions", str(f["mv"]), "--data", str(scratch)])
    err = capsys.readouterr().err
    assert code == 2 and "leaderboards[0].results: a JSON object is not a list of entries" in err, err
