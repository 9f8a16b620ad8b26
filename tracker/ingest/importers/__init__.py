"""The importers: one reader per published format, registered here.

Each importer turns a third party's file into rows of our own schema
(``datasets/datapackage.json``), keeping the source of every row, and names
the model of each row by the file's own id (mapped to ours through
``model_aliases.csv`` by :mod:`tracker.ingest.importing`). The registry below
is the one list of importers: ``tracker import``'s kinds, its help and the
README's table are generated from it.

A new importer is a module here with a reader
``read(file, *, model_versions, vintage, epoch_names) -> (rows, left_out)``
and one :class:`Importer` entry in :data:`REGISTRY`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Importer:
    """One published format: what it reads, into which table, and an example."""

    kind: str
    reads: str  # what the file is (help text)
    example: str  # a command line, run from the repository root
    table: str  # "scores" or "models"
    needs_model_versions: bool  # reads Epoch AI's model_versions.csv (--model-versions)


_REF = "../shared/reference"

#: The importers, in the order the help lists them.
REGISTRY: dict[str, Importer] = {
    imp.kind: imp
    for imp in (
        Importer(
            "epoch-runs",
            "Epoch AI's benchmarks_runs.csv (its own evaluation runs)",
            f"tracker import epoch-runs {_REF}/epoch-benchmarks-2025-12/benchmarks_runs.csv --dry-run",
            "scores",
            True,
        ),
        Importer(
            "epoch-mmlu",
            "Epoch AI's MMLU collection (external_benchmark_mmlu.csv)",
            f"tracker import epoch-mmlu {_REF}/epoch-benchmarks-2025-12/external_benchmark_mmlu.csv",
            "scores",
            True,
        ),
        Importer(
            "epoch-models",
            "one file of Epoch AI's models databases (notable, large-scale, frontier, all models)",
            f"tracker import epoch-models {_REF}/epoch-models-2026-05/large_scale_ai_models.csv --update",
            "models",
            False,
        ),
        Importer(
            "swebench-leaderboard",
            "the official SWE-bench leaderboards.json (bash-only and Verified boards)",
            f"tracker import swebench-leaderboard {_REF}/swebench-leaderboards-2025-12/leaderboards.json \\\n"
            f"    --model-versions {_REF}/epoch-benchmarks-2025-12/model_versions.csv",
            "scores",
            True,
        ),
        Importer(
            "gpai",
            "the GPAI Policy Lab's dated scores (dated_scores_four_benchmarks.csv: Epoch AI's "
            "evaluations, its MMLU collection, Kaggle Open Benchmarks; RAND subsets and SWE-Bench Pro left out)",
            f"tracker import gpai {_REF}/gpai-dated-scores-2026-06/dated_scores_four_benchmarks.csv \\\n"
            f"    --model-versions {_REF}/epoch-benchmarks-2025-12/model_versions.csv",
            "scores",
            True,
        ),
    )
}

#: ``tracker import KIND``: what each kind reads, and an example (the CLI's help and the README).
IMPORT_KINDS = {kind: (imp.reads, imp.example) for kind, imp in REGISTRY.items()}
