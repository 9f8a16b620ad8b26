"""Shared fixtures: tiny data folders built in tmp_path (never in datasets/)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# Property tests run under one fixed profile: derandomized (the same examples on
# every machine and every run, so CI cannot pass or fail by luck), no deadline
# (shared machines are slow), and more examples than hypothesis' default where a
# test does not set its own. HYPOTHESIS_PROFILE=explore draws fresh random
# examples (use it locally to hunt for new failures; add any it finds as
# @example cases).
settings.register_profile(
    "ci",
    derandomize=True,
    deadline=None,
    max_examples=200,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.register_profile(
    "explore",
    deadline=None,
    max_examples=1000,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

ROOT = Path(__file__).resolve().parents[1]
DATASETS = ROOT / "datasets"
REFERENCE = ROOT.parent / "shared" / "reference"

BENCHMARKS = """\
id,name,family,variant,items,floor,ceiling,ceiling_source,aliases,settings,default_source,url,published,notes
toy,Toy QA,toy,all items,1000,0.25,1,,toy;tq,5-shot;0-shot,any,https://example.org/toy,2019-01-01,
"""

MODELS_HEADER = (
    "id,name,family,organization,release_date,release_source_url,preview,compute_flop,compute_low,compute_high,confidence,"
    "estimation_method,compute_source,compute_source_url,parameters,open_weights,frontier,domain,notes\n"
)

# Eight models, one decade of compute apart from 1e20 to 1e25 FLOP, released
# a year apart; all frontier. Their 5-shot scores follow
# 0.25 + 0.75 * sigmoid(-22 + 0.95 * log10 C) up to rounding.
MODEL_ROWS = [
    # id, date, compute, confidence, method
    ("m20", "2018-06-01", "1e20", "confident", "operation counting"),
    ("m21", "2019-06-01", "1e21", "confident", "operation counting"),
    ("m22", "2020-06-01", "1e22", "likely", "hardware"),
    ("m23", "2021-06-01", "1e23", "likely", "hardware"),
    ("m24", "2022-06-01", "1e24", "confident", "operation counting"),
    ("gpt-4", "2023-03-15", "2.1e25", "likely", "hardware"),
    ("m25", "2023-06-01", "1e25", "speculative", "benchmarks"),  # imputed: excluded by default
    ("nocomp", "2024-06-01", "", "", ""),  # no compute: usable by the date method only
]
# The settings vocabulary of the toy benchmark: 5-shot and 0-shot are its default preference.
SETTINGS = """benchmark_id,setting,kind,description
toy,0-shot,standard,no examples
toy,0-shot CoT,non-standard,no examples with chain of thought
toy,3-shot,non-standard,three examples (used by the corpus batches)
toy,5-shot,standard,five examples
"""
SCORES_HEADER = (
    "model_id,benchmark_id,score,stderr,setting,effort,model_version,source_kind,source_name,source_url,date_reported,"
    "checked,notes\n"
)
#: The checked value of the fixtures' lab rows (required for lab rows).
CHECKED = "2026-01-01: read in stored copy of https://example.org/report"
SCORE_ROWS = [
    ("m20", "0.26", "5-shot"),
    ("m21", "0.28", "5-shot"),
    ("m22", "0.33", "5-shot"),
    ("m23", "0.47", "5-shot"),
    ("m24", "0.68", "5-shot"),
    ("gpt-4", "0.864", "5-shot"),
    ("m25", "0.80", "5-shot"),
    ("nocomp", "0.91", "5-shot"),
    ("m24", "0.75", "0-shot CoT"),  # another setting: not used while 5-shot exists
]


def write_tiny(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(DATASETS / "datapackage.json", root / "datapackage.json")
    (root / "benchmarks.csv").write_text(BENCHMARKS, encoding="utf-8")
    lines = [MODELS_HEADER]
    for mid, date, c, conf, method in MODEL_ROWS:
        src = "Test fixture" if c else ""
        url = "https://example.org/compute" if c else ""
        note = "" if c else "frontier: flagged without a published estimate (the date-only model)"
        lines.append(
            f"{mid},{mid.upper()},{mid},TestOrg,{date},https://example.org/{mid},false,{c},,,{conf},{method},{src},{url},,false,true,Language,{note}\n"
        )
    (root / "models.csv").write_text("".join(lines), encoding="utf-8")
    lines = [SCORES_HEADER]
    for mid, score, setting in SCORE_ROWS:
        lines.append(f"{mid},toy,{score},,{setting},,,lab,Toy report,https://example.org/report,,{CHECKED},\n")
    (root / "scores.csv").write_text("".join(lines), encoding="utf-8")
    (root / "model_aliases.csv").write_text(
        "source,external_id,model_id,effort,reason\nlab,M-20,m20,,fixture\n", encoding="utf-8"
    )
    (root / "settings.csv").write_text(SETTINGS, encoding="utf-8")
    return root


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    """A valid tiny data folder."""
    return write_tiny(tmp_path / "data")


@pytest.fixture
def reference() -> Path:
    if not REFERENCE.is_dir():
        pytest.skip(f"reference snapshots not found at {REFERENCE} (they sit beside the repository in CI)")
    return REFERENCE


# -- isolation: no test reads the shipped data, the user's environment or the working folder by accident --
NO_DATA = "no-data-here: a test must pass --data / data= or use the `shipped` fixture"


@pytest.fixture(autouse=True)
def isolated(tmp_path_factory, monkeypatch):
    """Every test runs in an empty folder, with tracker's variables cleared and $TRACKER_DATA pointing
    nowhere: a test that needs the shipped data asks for the ``shipped`` fixture."""
    for var in ("TRACKER_DATA", "TRACKER_FORECASTS", "TRACKER_DEBUG", "TRACKER_LOCK_TIMEOUT"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("TRACKER_DATA", str(tmp_path_factory.getbasetemp() / NO_DATA))
    # Snapshots off: every test validates and joins the data it names (tests/test_snapshot.py turns them on).
    monkeypatch.setenv("TRACKER_CACHE", "off")
    monkeypatch.delenv("TRACKER_CACHE_DIR", raising=False)
    monkeypatch.chdir(tmp_path_factory.mktemp("cwd"))


@pytest.fixture
def shipped(monkeypatch) -> Path:
    """The curated data shipped with the repository (read, never written)."""
    monkeypatch.setenv("TRACKER_DATA", str(DATASETS))
    return DATASETS
