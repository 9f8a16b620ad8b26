"""Regenerate the malformed-input corpus: python tests/corpus/make_corpus.py

Each case is a small CSV for one table of the tiny fixture (tests/conftest.py)
with exactly one defect, and an entry in cases.json:

- ``mode``: ``rows`` -- the data lines are appended to the fixture's table for
  ``tracker validate``; ``file`` -- the file replaces the table (file-level
  defects: BOM, CRLF, delimiter, empty, header).
- ``line``, ``column``: where the error must point, counted in the case file
  (the test shifts ``rows`` cases by the fixture's line count for validate).
- ``expect``: a phrase the message must contain.

The same file is also given to ``tracker add <table> --from-file``.
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCORES = (
    "model_id,benchmark_id,score,stderr,setting,effort,model_version,source_kind,source_name,source_url,date_reported,"
    "checked,notes"
)
MODELS = (
    "id,name,family,organization,release_date,release_source_url,preview,compute_flop,compute_low,compute_high,confidence,"
    "estimation_method,compute_source,compute_source_url,parameters,open_weights,frontier,domain,notes"
)
GOOD_SCORE = [
    "m22",
    "toy",
    "0.5",
    "",
    "3-shot",
    "",
    "",
    "lab",
    "Corpus report",
    "https://example.org/c",
    "2024-01-01",
    "2026-01-01: read in stored copy of https://example.org/c",
    "",
]
GOOD_MODEL = [
    "new1",
    "New 1",
    "new1",
    "Org",
    "2024-01-01",
    "https://example.org/n",
    "false",
    "3e23",
    "",
    "",
    "likely",
    "hardware",
    "Corpus estimate",
    "https://example.org/e",
    "",
    "false",
    "false",
    "Language",
    "",
]
SCORE_COLS, MODEL_COLS = SCORES.split(","), MODELS.split(",")


def score(**kw) -> str:
    row = list(GOOD_SCORE)
    for k, v in kw.items():
        row[SCORE_COLS.index(k)] = v
    return ",".join(row)


def model(**kw) -> str:
    row = list(GOOD_MODEL)
    for k, v in kw.items():
        row[MODEL_COLS.index(k)] = v
    return ",".join(row)


def rows(header: str, *lines: str) -> bytes:
    # surrogateescape: "\udce9" in a case becomes the raw (non-UTF-8) byte 0xe9
    return (header + "\n" + "".join(ln + "\n" for ln in lines)).encode("utf-8", "surrogateescape")


# name: (table, mode, content, line, column, expect)
CASES = {
    "score-percent-string": ("scores", "rows", rows(SCORES, score(score="47%")), 2, "score", "percent string"),
    "score-percent-number": ("scores", "rows", rows(SCORES, score(score="86.4")), 2, "score", "looks like a percent"),
    "score-above-100": ("scores", "rows", rows(SCORES, score(score="640")), 2, "score", "above 1"),
    "score-not-a-number": ("scores", "rows", rows(SCORES, score(score="high")), 2, "score", "not a number"),
    "score-negative": ("scores", "rows", rows(SCORES, score(score="-0.1")), 2, "score", "below the minimum"),
    "score-nan": ("scores", "rows", rows(SCORES, score(score="nan")), 2, "score", "not a finite number"),
    "score-inf": ("scores", "rows", rows(SCORES, score(score="inf")), 2, "score", "not a finite number"),
    "score-empty": ("scores", "rows", rows(SCORES, score(score="")), 2, "score", "empty but required"),
    "score-comma-decimal": ("scores", "rows", rows(SCORES, score(score='"0,5"')), 2, "score", "not a number"),
    "stderr-negative": ("scores", "rows", rows(SCORES, score(stderr="-0.01")), 2, "stderr", "below the minimum"),
    "unknown-model": ("scores", "rows", rows(SCORES, score(model_id="gpt-99")), 2, "model_id", "not a known model id"),
    "unknown-benchmark": (
        "scores",
        "rows",
        rows(SCORES, score(benchmark_id="mmlu-pro")),
        2,
        "benchmark_id",
        "not a known benchmark id",
    ),
    "model-id-with-space": (
        "scores",
        "rows",
        rows(SCORES, score(model_id=" m22")),
        2,
        "model_id",
        "not a known model id",
    ),
    "sql-in-model-id": (
        "scores",
        "rows",
        rows(SCORES, score(model_id='"m22\'; DROP TABLE scores; --"')),
        2,
        "model_id",
        "not a known model id",
    ),
    "duplicate-in-batch": ("scores", "rows", rows(SCORES, score(), score(notes="again")), 3, "model_id", "duplicates"),
    "duplicate-of-existing": (
        "scores",
        "rows",
        rows(
            SCORES,
            score(
                model_id="m20",
                setting="5-shot",
                source_name="Toy report",
                source_url="https://example.org/report",
                date_reported="",
            ),
        ),
        2,
        "model_id",
        "duplicates",
    ),
    "future-date": (
        "scores",
        "rows",
        rows(SCORES, score(date_reported="2999-01-01")),
        2,
        "date_reported",
        "in the future",
    ),
    "us-date": (
        "scores",
        "rows",
        rows(SCORES, score(date_reported="01/02/2024")),
        2,
        "date_reported",
        "not an ISO date",
    ),
    "impossible-date": (
        "scores",
        "rows",
        rows(SCORES, score(date_reported="2024-02-30")),
        2,
        "date_reported",
        "not an ISO date",
    ),
    "long-date": (
        "scores",
        "rows",
        rows(SCORES, score(date_reported='"17 November 2025 4:28pm"')),
        2,
        "date_reported",
        "not an ISO date",
    ),
    "missing-source-url": ("scores", "rows", rows(SCORES, score(source_url="")), 2, "source_url", "empty but required"),
    "source-url-not-http": (
        "scores",
        "rows",
        rows(SCORES, score(source_url="example.org/report")),
        2,
        "source_url",
        "not an http(s) URL",
    ),
    "missing-source-name": (
        "scores",
        "rows",
        rows(SCORES, score(source_name="")),
        2,
        "source_name",
        "empty but required",
    ),
    "bad-source-kind": ("scores", "rows", rows(SCORES, score(source_kind="vendor")), 2, "source_kind", "not one of"),
    "very-long-field": ("scores", "rows", rows(SCORES, score(notes="x" * 5000)), 2, "notes", "longer than"),
    "control-character": ("scores", "rows", rows(SCORES, score(notes="bell\x07here")), 2, "notes", "control character"),
    "too-many-fields": ("scores", "rows", rows(SCORES, score() + ",extra"), 2, "row", "fields, the header has 13"),
    "too-few-fields": ("scores", "rows", rows(SCORES, ",".join(GOOD_SCORE[:6])), 2, "row", "fields, the header has 13"),
    "unbalanced-quote": ("scores", "rows", rows(SCORES, score(setting='"3-shot')), 2, "row", ""),
    "line-break-in-field": ("scores", "rows", rows(SCORES, score(notes='"two\nlines"')), 2, "row", "line break"),
    "non-utf8-bytes": ("scores", "rows", rows(SCORES, score(source_name="Caf\udce9")), 2, "source_name", "not UTF-8"),
    "bom": ("scores", "file", b"\xef\xbb\xbf" + rows(SCORES, score()), 1, "file", "byte-order mark"),
    "crlf": ("scores", "file", rows(SCORES, score()).replace(b"\n", b"\r\n"), 1, "file", "CRLF"),
    "semicolons": ("scores", "file", rows(SCORES, score()).replace(b",", b";"), 1, "header", "separated by ';'"),
    "tabs": ("scores", "file", rows(SCORES, score()).replace(b",", b"\t"), 1, "header", "separated by '\\t'"),
    "empty-file": ("scores", "file", b"", 1, "file", "empty"),
    "only-whitespace": ("scores", "file", b"\n\n  \n", 1, "file", "empty"),
    "header-only": ("scores", "file", rows(SCORES), 1, "file", "no rows"),
    "missing-column": (
        "scores",
        "file",
        rows(SCORES.replace(",source_url", ""), ",".join(GOOD_SCORE[:9] + GOOD_SCORE[10:])),
        1,
        "header",
        "missing",
    ),
    "unknown-column": ("scores", "file", rows(SCORES + ",extra", score() + ",x"), 1, "header", "unexpected"),
    "compute-zero": ("models", "rows", rows(MODELS, model(compute_flop="0")), 2, "compute_flop", "greater than 0"),
    "compute-negative": (
        "models",
        "rows",
        rows(MODELS, model(compute_flop="-3e23")),
        2,
        "compute_flop",
        "greater than 0",
    ),
    "compute-absurd": ("models", "rows", rows(MODELS, model(compute_flop="3e40")), 2, "compute_flop", "implausible"),
    "compute-missing-exponent": (
        "models",
        "rows",
        rows(MODELS, model(compute_flop="3e2")),
        2,
        "compute_flop",
        "implausible",
    ),
    "compute-overflow": (
        "models",
        "rows",
        rows(MODELS, model(compute_flop="1e999")),
        2,
        "compute_flop",
        "not a finite number",
    ),
    "compute-bounds-swapped": (
        "models",
        "rows",
        rows(MODELS, model(compute_low="5e23", compute_high="1e23")),
        2,
        "compute_low",
        "above",
    ),
    "compute-high-below-estimate": (
        "models",
        "rows",
        rows(MODELS, model(compute_high="1e23")),
        2,
        "compute_high",
        "below the estimate",
    ),
    "compute-without-source": (
        "models",
        "rows",
        rows(MODELS, model(compute_source="")),
        2,
        "compute_source",
        "without a source",
    ),
    "sql-in-model-name-id": (
        "models",
        "rows",
        rows(MODELS, model(id='"x\'); DROP TABLE models;--"')),
        2,
        "id",
        "does not match",
    ),
    "model-id-uppercase": ("models", "rows", rows(MODELS, model(id="GPT-5")), 2, "id", "does not match"),
    "duplicate-model-id": ("models", "rows", rows(MODELS, model(id="m20")), 2, "id", "more than once"),
    "release-in-future": (
        "models",
        "rows",
        rows(MODELS, model(release_date="2999-12-31")),
        2,
        "release_date",
        "in the future",
    ),
    "release-missing": (
        "models",
        "rows",
        rows(MODELS, model(release_date="")),
        2,
        "release_date",
        "empty but required",
    ),
    "boolean-yes": ("models", "rows", rows(MODELS, model(open_weights="yes")), 2, "open_weights", "not a boolean"),
    "bad-confidence": ("models", "rows", rows(MODELS, model(confidence="high")), 2, "confidence", "not one of"),
    "parameters-text": ("models", "rows", rows(MODELS, model(parameters="7B")), 2, "parameters", "not a number"),
    # versions, previews, checked lab rows, dates (issue 11)
    "score-before-release": (
        "scores",
        "rows",
        rows(SCORES, score(date_reported="2020-01-01")),
        2,
        "date_reported",
        "before m22's release",
    ),
    "score-before-publication": (
        "scores",
        "rows",
        rows(SCORES, score(model_id="m20", date_reported="2018-09-01")),
        2,
        "date_reported",
        "before toy was published",
    ),
    "lab-row-unchecked": ("scores", "rows", rows(SCORES, score(checked="")), 2, "checked", "required for lab rows"),
    "checked-free-text": (
        "scores",
        "rows",
        rows(SCORES, score(checked="looked at it")),
        2,
        "checked",
        "read in stored copy of",
    ),
    "preview-in-a-fit": (
        "models",
        "rows",
        rows(MODELS, model(preview="true")),
        2,
        "preview",
        "a preview is in no fit or trend",
    ),
    "preview-frontier": (
        "models",
        "rows",
        rows(
            MODELS,
            model(
                preview="true",
                frontier="true",
                compute_flop="",
                confidence="",
                estimation_method="",
                compute_source="",
                compute_source_url="",
            ),
        ),
        2,
        "preview",
        "a preview is in no fit or trend",
    ),
    "family-unknown": ("models", "rows", rows(MODELS, model(family="nope")), 2, "family", "not a known model id"),
    "family-of-a-version": (
        "models",
        "rows",
        rows(MODELS, model(id="new1", family="m20"), model(id="new2", family="new1")),
        3,
        "family",
        "is itself a version of",
    ),
    "frontier-on-a-version": (
        "models",
        "rows",
        rows(MODELS, model(id="new1", family="m20", frontier="true")),
        2,
        "frontier",
        "the frontier trend counts each line once",
    ),
    "organization-formula": (
        "models",
        "rows",
        rows(MODELS, model(organization='=HYPERLINK("http://evil.example/";"x")')),
        2,
        "organization",
        "starts like a spreadsheet formula",
    ),
    "source-name-formula": (
        "scores",
        "rows",
        rows(SCORES, score(source_name="@SUM(1+1)*cmd")),
        2,
        "source_name",
        "starts like a spreadsheet formula",
    ),
}


def main() -> None:
    manifest = {}
    for name, (table, mode, content, line, column, expect) in CASES.items():
        fname = f"{table}.{name}.csv"
        (HERE / fname).write_bytes(content)
        manifest[fname] = {"table": table, "mode": mode, "line": line, "column": column, "expect": expect}
    (HERE / "cases.json").write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {len(manifest)} cases to {HERE}")


if __name__ == "__main__":
    main()
