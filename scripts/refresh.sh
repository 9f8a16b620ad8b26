#!/bin/sh
# Refresh datasets/ from the reference snapshots in ../shared/reference (see its README).
#
# Each step goes through `tracker import` (validated, locked, atomic writes):
# new rows are added, changed values are reported as a diff and applied only
# with --update. On the snapshots the data was built from, every step finds
# nothing new (tests/test_import.py checks it); on a newer snapshot, read the
# report, add the name mappings it asks for (tracker add alias ...), and re-run.
# Hand-curated rows (lab reports) go in with `tracker add model|score --from-file`
# and are not touched here.
#
# Usage, from the repository root:  sh scripts/refresh.sh [--dry-run]
# Every step runs; the exit status is 1 if any step found changed values left
# unapplied (re-run with --update after reading them), 2 on bad input.
set -u
REF=${REF:-../shared/reference}
MV="$REF/epoch-benchmarks-2025-12/model_versions.csv"
status=0
step() {
  echo "+ $*"
  "$@"
  rc=$?
  [ "$rc" -gt "$status" ] && status=$rc
}
# Compute and release dates (models.csv): oldest vintage first, so that with --update
# the newest file's values are the last applied (an older file never replaces an
# estimate that cites a newer snapshot: the importer keeps it and says so).
# (epoch-models-2025-04/all_ai_models.csv is not refreshed from: every model it gives is in a
# newer file, and for 4 models without an estimate its older values differ, e.g. o3-mini
# dated 2024-01-31; import it by hand, without --update, to compare.)
step tracker import epoch-models "$REF/epoch-models-2025-11/notable_ai_models.csv" "$@"
step tracker import epoch-models "$REF/epoch-models-2025-11/large_scale_ai_models.csv" "$@"
step tracker import epoch-models "$REF/epoch-models-2025-11/frontier_ai_models.csv" "$@"
# the newest file also brings the 2025-26 language models it estimates (--add-new)
step tracker import epoch-models "$REF/epoch-models-2026-05/large_scale_ai_models.csv" --add-new 2025-01-01 "$@"
# Scores (scores.csv)
step tracker import epoch-runs "$REF/epoch-benchmarks-2025-12/benchmarks_runs.csv" --model-versions "$MV" "$@"
step tracker import epoch-mmlu "$REF/epoch-benchmarks-2025-12/external_benchmark_mmlu.csv" --model-versions "$MV" "$@"
step tracker import swebench-leaderboard "$REF/swebench-leaderboards-2025-12/leaderboards.json" --model-versions "$MV" "$@"
step tracker import gpai "$REF/gpai-dated-scores-2026-06/dated_scores_four_benchmarks.csv" --model-versions "$MV" "$@"
exit "$status"
