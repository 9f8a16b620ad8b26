"""Build datasets/models.csv, scores.csv and model_aliases.csv from the reference
snapshots (../shared/reference) and the hand-curated files in scripts/seed/.

Usage: python scripts/seed_datasets.py [--reference PATH]

Inputs:
- Epoch AI: benchmarks_runs.csv, external_benchmark_mmlu.csv, model_versions.csv,
  the models databases (2025-11 notable / large-scale / frontier, 2025-04 all models);
- GPAI Policy Lab: dated_scores_four_benchmarks.csv;
- SWE-bench leaderboards (tracker/importers/swebench.py, when present);
- scripts/seed/lab_scores.csv and scripts/seed/lab_models.csv (optional).
Fails loudly on duplicate primary keys, unknown model ids and aliases that map
one name to two models.
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import sys
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tracker.ingest.importers.common import slugify  # noqa: E402
from tracker.ingest.importers.epoch import (  # noqa: E402
    ALIAS_FIELDS, EPOCH_STITCHING_URL, MODEL_FIELDS, SCORE_FIELDS, VersionResolver,
    alias_row, empty_model, merge_model_vintages, mmlu_aliases_and_drops, public_model,
    read_epoch_mmlu, read_epoch_models, read_epoch_runs, read_rows, run_aliases,
)
from tracker.ingest.importers.gpai import GPAI_REPO_URL, gpai_models, read_gpai  # noqa: E402

SCORE_PK = ("model_id", "benchmark_id", "setting", "effort", "model_version", "source_name")
DATASETS = REPO / "datasets"
SEED = REPO / "scripts" / "seed"


def write_csv(path: Path, fields: list[str], rows: list[dict[str, str]]) -> None:
    tmp = path.with_suffix(".csv.tmp")
    with open(tmp, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n", extrasaction="raise")
        writer.writeheader()
        for row in rows:
            writer.writerow({f: row.get(f, "") for f in fields})
    tmp.replace(path)


def read_seed(path: Path, fields: list[str]) -> list[dict[str, str]]:
    if not path.exists():
        return []
    rows = read_rows(path)
    for i, row in enumerate(rows, start=2):
        missing = [f for f in fields if f not in row]
        if missing:
            raise SystemExit(f"{path}:{i}: missing columns {missing}")
    return [{f: row[f].strip() for f in fields} for row in rows]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reference", type=Path, default=REPO / ".." / "shared" / "reference")
    args = parser.parse_args(argv)
    ref = args.reference.resolve()
    bench_dir = ref / "epoch-benchmarks-2025-12"
    mv_csv = bench_dir / "model_versions.csv"
    gpai_csv = ref / "gpai-dated-scores-2026-06" / "dated_scores_four_benchmarks.csv"
    report: list[str] = []

    # ---- Epoch models databases (newest first) ----
    notable = read_epoch_models(ref / "epoch-models-2025-11" / "notable_ai_models.csv",
                                "Notable AI models database (2025-11 snapshot)")
    large = read_epoch_models(ref / "epoch-models-2025-11" / "large_scale_ai_models.csv",
                              "Large-scale AI models database (2025-11 snapshot)")
    frontier = read_epoch_models(ref / "epoch-models-2025-11" / "frontier_ai_models.csv",
                                 "Frontier AI models database (2025-11 snapshot, entries to 2025-07)")
    allm = read_epoch_models(ref / "epoch-models-2025-04" / "all_ai_models.csv",
                             "All AI models database (2025-04 snapshot)")
    epoch_models, conflicts = merge_model_vintages([notable, large, frontier, allm])
    report += [f"vintage: {c}" for c in conflicts]
    epoch_names = {mid: row["name"] for mid, row in epoch_models.items()}

    # ---- scores ----
    runs = read_epoch_runs(bench_dir / "benchmarks_runs.csv", mv_csv)
    mmlu = read_epoch_mmlu(bench_dir / "external_benchmark_mmlu.csv", mv_csv, epoch_names)
    gpai = read_gpai(gpai_csv, mv_csv, epoch_names=epoch_names, runs_rows=runs, mmlu_rows=mmlu)
    scores = runs + mmlu + gpai

    aliases = run_aliases(bench_dir / "benchmarks_runs.csv", mv_csv)
    mmlu_alias, mmlu_dropped = mmlu_aliases_and_drops(bench_dir / "external_benchmark_mmlu.csv", mv_csv, epoch_names)
    aliases += mmlu_alias
    gpai_alias, gpai_facts = gpai_models(gpai_csv, mv_csv, epoch_names)
    aliases += gpai_alias
    for name, version, em, source in mmlu_dropped:
        report.append(f"dropped MMLU collection row (model not identifiable): {name} [{version}] {em} ({source})")

    other_models: dict[str, dict[str, str]] = {}
    if importlib.util.find_spec("tracker.ingest.importers.swebench") is not None:
        from tracker.ingest.importers.swebench import read_leaderboards
        sw_scores, sw_models, sw_aliases = read_leaderboards(
            ref / "swebench-leaderboards-2025-12" / "leaderboards.json", mv_csv)
        scores += sw_scores
        aliases += sw_aliases
        for m in sw_models:
            other_models.setdefault(m["id"], {f: m.get(f, "") for f in MODEL_FIELDS})
    else:
        report.append("tracker/importers/swebench.py not found: SWE-bench leaderboards skipped")

    lab_scores = read_seed(SEED / "lab_scores.csv", SCORE_FIELDS)
    lab_models = read_seed(SEED / "lab_models.csv", MODEL_FIELDS)
    scores += lab_scores
    for m in lab_models:
        if m["id"] in epoch_models:
            report.append(f"lab_models.csv: {m['id']} is an Epoch model; Epoch's row used")
            continue
        other_models[m["id"]] = m  # lab rows take precedence over the swebench importer's

    # ---- which models ----
    resolver = VersionResolver(mv_csv)
    mv_facts: dict[str, dict[str, str]] = {}
    for vid in resolver.versions:
        res = resolver.resolve(vid)
        f = mv_facts.setdefault(res.model_id, {"name": res.name, "date": "", "link": "", "epoch_model": res.epoch_model})
        if res.version_release_date and (not f["date"] or res.version_release_date < f["date"]):
            f["date"], f["link"] = res.version_release_date, res.version_link

    wanted = {s["model_id"] for s in scores}
    # Frontier models from 2010 on: the trend starts in 2018 (--trend-since can
    # go earlier), and the pre-2010 entries (Theseus, Perceptron, NETtalk) are
    # not language models and fall outside the validator's plausible range.
    frontier_ids = {m["id"] for m in frontier if m["release_date"] >= "2010-01-01"}
    wanted |= frontier_ids
    wanted |= {m["id"] for m in large if m["compute_flop"]
               and ("Language" in m["domain"] or "Multimodal" in m["domain"])}

    models: dict[str, dict[str, str]] = {}
    for mid in sorted(wanted):
        if mid in epoch_models:
            row = public_model(epoch_models[mid])
            if not row["release_date"]:
                if mid in mv_facts and mv_facts[mid]["date"]:
                    row["release_date"] = mv_facts[mid]["date"]
                    row["release_source_url"] = mv_facts[mid]["link"] or EPOCH_STITCHING_URL
                    row["notes"] = _join(row["notes"], "release date: Version release date in Epoch's model_versions.csv")
                elif mid in gpai_facts and gpai_facts[mid]["release_date"]:
                    row["release_date"] = gpai_facts[mid]["release_date"]
                    row["release_source_url"] = GPAI_REPO_URL
                    row["notes"] = _join(row["notes"], "release date from GPAI Policy Lab benchmark-forecasting")
            if not row["organization"] and mid in gpai_facts:
                row["organization"] = gpai_facts[mid]["organization"]
            models[mid] = row
            continue
        if mid in other_models:
            models[mid] = dict(other_models[mid])
            continue
        row = empty_model()
        row["id"] = mid
        mvf, gf = mv_facts.get(mid), gpai_facts.get(mid)
        row["name"] = (mvf or {}).get("name") or (gf or {}).get("name") or mid
        row["organization"] = (gf or {}).get("organization", "")
        if mvf and mvf["date"]:
            row["release_date"], row["release_source_url"] = mvf["date"], mvf["link"] or EPOCH_STITCHING_URL
            row["notes"] = "not in Epoch AI's models databases; release date: Version release date in Epoch's model_versions.csv"
        elif gf and gf["release_date"]:
            row["release_date"], row["release_source_url"] = gf["release_date"], GPAI_REPO_URL
            row["notes"] = "not in Epoch AI's models databases; release date from GPAI Policy Lab benchmark-forecasting"
        row["frontier"] = "false"
        models[mid] = row

    undated = {mid for mid, m in models.items() if not m["release_date"]}
    for mid in sorted(undated):
        dropped = [s for s in scores if s["model_id"] == mid]
        if dropped:
            report.append(f"dropped {len(dropped)} score(s) of {mid} (no release date anywhere): "
                          + ", ".join(f"{s['benchmark_id']} {s['score']} ({s['source_name']})" for s in dropped))
        else:
            report.append(f"dropped model {mid}: no release date")
        del models[mid]
    scores = [s for s in scores if s["model_id"] in models]

    # ---- aliases: Epoch model names of the models kept, then checks ----
    for mid, m in models.items():
        if mid in epoch_models:
            aliases.append(alias_row("epoch-model", epoch_models[mid]["name"], mid, "",
                                     "our id is the slug of Epoch AI's models-database name"))
    by_key: dict[tuple[str, str], dict[str, str]] = {}
    for a in aliases:
        key = (a["source"], a["external_id"])
        if key in by_key and by_key[key]["model_id"] != a["model_id"]:
            raise SystemExit(f"alias {key} maps to both {by_key[key]['model_id']!r} and {a['model_id']!r}")
        by_key.setdefault(key, a)
    alias_rows = [a for a in by_key.values() if a["model_id"] in models]
    orphan = len(by_key) - len(alias_rows)
    if orphan:
        report.append(f"{orphan} alias(es) left out: their model is not in models.csv (no row kept after dedup, or no release date)")

    # ---- checks ----
    seen: dict[tuple, dict[str, str]] = {}
    for s in scores:
        key = tuple(s[k] for k in SCORE_PK)
        if key in seen:
            raise SystemExit(f"duplicate score primary key {key}:\n  {seen[key]}\n  {s}")
        seen[key] = s
        value = float(s["score"])
        if not 0 <= value <= 1:
            raise SystemExit(f"score out of [0, 1]: {s}")
        if not s["source_url"] or not s["source_name"]:
            raise SystemExit(f"score without source: {s}")
    bench_ids = {r["id"] for r in read_rows(DATASETS / "benchmarks.csv")}
    unknown = {s["benchmark_id"] for s in scores} - bench_ids
    if unknown:
        raise SystemExit(f"unknown benchmark ids: {unknown}")

    scores.sort(key=lambda s: tuple(s[k] for k in ("benchmark_id", "date_reported", "model_id", "setting",
                                                    "effort", "model_version", "source_name")))
    model_rows = [models[k] for k in sorted(models)]
    alias_rows.sort(key=lambda a: (a["source"], a["external_id"]))
    write_csv(DATASETS / "models.csv", MODEL_FIELDS, model_rows)
    write_csv(DATASETS / "scores.csv", SCORE_FIELDS, scores)
    write_csv(DATASETS / "model_aliases.csv", ALIAS_FIELDS, alias_rows)

    # ---- summary ----
    for line in report:
        print(line)
    print()
    print(f"wrote {len(model_rows)} models, {len(scores)} scores, {len(alias_rows)} aliases")
    with_compute = {m["id"] for m in model_rows if m["compute_flop"]}
    print(f"models with compute: {len(with_compute)}")
    per_bench = defaultdict(set)
    newest = defaultdict(str)
    for s in scores:
        per_bench[s["benchmark_id"]].add(s["model_id"])
        date = s["date_reported"] or models[s["model_id"]]["release_date"]
        newest[s["benchmark_id"]] = max(newest[s["benchmark_id"]], date)
    print(f"{'benchmark':26} {'models':>6} {'w/ compute':>10}  newest (reported, else release)")
    for b in sorted(per_bench):
        ids = per_bench[b]
        print(f"{b:26} {len(ids):6d} {len(ids & with_compute):10d}  {newest[b]}")
    fm = set().union(*(ids for b, ids in per_bench.items() if b.startswith("frontiermath")))
    print(f"{'frontiermath (all)':26} {len(fm):6d} {len(fm & with_compute):10d}")
    return 0


def _join(a: str, b: str) -> str:
    return f"{a}; {b}" if a else b


if __name__ == "__main__":
    sys.exit(main())
