"""A synthetic history drawn from a known sigmoid and a known compute trend (for backtest tests).

One frontier model a month from 2018-01 to 2026-06; log10 compute grows exactly
0.7 decades a year from 1e20 FLOP (plus N(0, 0.05) scatter); the score is
0.25 + 0.75 * sigmoid(S * (log10 C - MID)) plus N(0, NOISE) scatter, reported
by the lab at release (dated). The truth is therefore known in closed form.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import numpy as np

from tests.conftest import CHECKED, DATASETS, MODELS_HEADER, SCORES_HEADER

S, MID = 1.2, 23.5  # per decade; log10 FLOP at the midpoint
GROWTH, X0, YEAR0 = 0.7, 20.0, 2018.0  # decades per year, log10 FLOP at YEAR0
NOISE = 0.004
BENCH = """id,name,family,variant,items,floor,ceiling,ceiling_source,aliases,settings,default_source,url,published,notes
syn,Synthetic QA,syn,all,1000,0.25,1,,syn,5-shot,any,https://example.org/syn,2017-01-01,
"""


def write_synthetic(root: Path, seed: int = 7, extra_scores: list[str] | None = None) -> Path:
    rng = np.random.default_rng(seed)
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(DATASETS / "datapackage.json", root / "datapackage.json")
    (root / "benchmarks.csv").write_text(BENCH, encoding="utf-8")
    models, scores = [MODELS_HEADER], [SCORES_HEADER]
    for k in range(102):
        d = dt.date(2018 + k // 12, k % 12 + 1, 1)
        year = YEAR0 + k / 12
        x = X0 + GROWTH * (year - YEAR0) + rng.normal(0, 0.05)
        y = 0.25 + 0.75 / (1 + np.exp(-S * (x - MID))) + rng.normal(0, NOISE)
        y = float(np.clip(y, 0, 1))
        mid = f"s{k:03d}"
        models.append(
            f"{mid},{mid.upper()},{mid},SynOrg,{d},https://example.org/{mid},false,{10**x:.6e},,,confident,"
            f"operation counting,Synthetic,https://example.org/c,,false,true,Language,\n"
        )
        scores.append(f"{mid},syn,{y:.5f},,5-shot,,,lab,Syn report,https://example.org/r,{d},{CHECKED},\n")
    scores += extra_scores or []
    (root / "models.csv").write_text("".join(models), encoding="utf-8")
    (root / "scores.csv").write_text("".join(scores), encoding="utf-8")
    (root / "model_aliases.csv").write_text("source,external_id,model_id,effort,reason\n", encoding="utf-8")
    (root / "settings.csv").write_text(
        "benchmark_id,setting,kind,description\nsyn,5-shot,standard,five examples\n", encoding="utf-8"
    )
    return root
