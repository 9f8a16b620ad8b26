"""Epoch models importer: the estimation-method classifier for Epoch's compute notes."""

from __future__ import annotations

from pathlib import Path

import pytest

from tracker.ingest.importers.compute_notes import classify_compute_notes
from tracker.ingest.importers.epoch import read_epoch_models

REFERENCE = Path(__file__).resolve().parents[1].parent / "shared" / "reference"


@pytest.mark.parametrize(
    ("notes", "expected"),
    [
        # operation counting: 6ND in its usual spellings
        ("6ND = 6 * 7B * 1.5T = 6.3e22", "operation counting"),
        ("6 FLOP / parameter / token * 8 * 10^9 parameters * 15 * 10^12 tokens = 7.2e+23 FLOP", "operation counting"),
        ("13b * 1.2t * 6 = 9.36e22", "operation counting"),
        ("6*3400000000000*7000000000=1.428e+23", "operation counting"),
        # hardware: accelerators x time x peak FLOP/s x utilization
        (
            "384 A100 GPUs * 314 TFLOPS throughput per GPU * 117 days * 0.3 (utilization assumption) = 3.66e23",
            "hardware",
        ),
        # both calculations shown
        (
            "6ND = 6*70B*2T = 8.4e23. Also 1720320 GPU-hours * 3600 * 312e12 FLOP/s * 0.4 utilization = 7.7e23",
            "operation counting;hardware",
        ),
        # benchmarks: imputed from benchmark scores
        ("Training compute estimated to be 3.8e25 FLOP from benchmark scores.", "benchmarks"),
        ("Estimated using benchmark imputation", "benchmarks"),
        # reported: the developer's own figure
        ("1.25 × 10^24 (Table 2)", "reported"),
        ("reported by the authors: 2.75*10^23 + 1.68*10^23 = 4.43*10^23 FLOP", "reported"),
        # third party
        ("source: https://lair.lighton.ai/akronomicon/ 9938 PF-days", "third-party estimation"),
        # comparison with other models
        (
            "Lower bound is taken from Grok-1 estimation Upper bound is taken from Grok-2 estimation",
            "comparison with other models",
        ),
    ],
)
def test_classify_rules(notes: str, expected: str) -> None:
    assert classify_compute_notes(notes) == expected


@pytest.mark.parametrize(
    "notes",
    [
        "",
        "https://colab.research.google.com/drive/1QSxa8YCWjEBQU7mrXLhw6TP1VX5oqgdW",  # a bare link
        "1000 A800 GPUs",  # hardware named, no calculation
        "8.1e+23 FLOP (base model training compute) + 1.554e+23 FLOP (finetune compute) = 9.654e+23 FLOP",
        "Trained for 6 days on 1024 chips",  # "6" here is a duration, not 6ND
        "Mistral spent 20 million euro; at 1.9 euro per H100-hour * 989 TFLOPS * 0.3 utilization",  # cost-based
    ],
)
def test_classify_ambiguous_is_empty(notes: str) -> None:
    assert classify_compute_notes(notes) == ""


def test_ruled_out_method_is_not_assigned() -> None:
    notes = (
        "It has sparse architecture, so we can't use C=6ND. 512 Ascend 910 accelerators: "
        "100 days * 512 processors * 320 teraFLOPS/processor * 33% utilization"
    )
    assert classify_compute_notes(notes) == "hardware"


def test_reported_utilization_is_not_a_reported_compute() -> None:
    notes = "989*10^12 FLOP/sec * 3600 sec/hour * 768 gpus * 0.343 [reported utilization] * 0.8 days"
    assert classify_compute_notes(notes) == "hardware"


def test_frontier_file_gives_benchmarks_for_gpt_4o() -> None:
    path = REFERENCE / "epoch-models-2025-11" / "frontier_ai_models.csv"
    if not path.exists():
        pytest.skip(f"Epoch reference snapshot not available at {path}")
    rows = {r["id"]: r for r in read_epoch_models(path, "Frontier AI models database (2025-11 snapshot)")}
    gpt4o = rows["gpt-4o"]
    # The 2025-11 frontier file names the method but leaves GPT-4o's compute blank,
    # so the method is kept for the merge (which takes the compute of another vintage).
    assert "benchmarks" in (gpt4o["estimation_method"] or gpt4o["_method_any"]).split(";")
    # The notes alone lead to the same method.
    assert classify_compute_notes(gpt4o["_compute_notes"]) == "benchmarks"
    # All of the frontier file's benchmark-imputed models are recognised from their notes.
    imputed = [r for r in rows.values() if "benchmarks" in r["_method_any"].split(";")]
    assert len(imputed) >= 11
    missed = [
        r["name"]
        for r in imputed
        if r["_compute_notes"] and "benchmarks" not in classify_compute_notes(r["_compute_notes"]).split(";")
    ]
    assert len(missed) <= 4, missed
