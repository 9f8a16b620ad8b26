"""A clean install is a working install; the HTML chart draws in a real browser.

``test_wheel_in_a_fresh_environment`` builds the wheel, installs it (without
dependencies) into a new virtual environment whose dependencies come from the
test environment's site-packages through a ``.pth`` file (no network, no
editable tracker: that environment's .pth files are not read), and runs
``tracker`` from an empty folder. ``test_html_chart_draws_in_chromium`` opens
the HTML export in Debian's headless Chromium (``.ci/run`` installs it).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

from tests.conftest import CHECKED
from tracker.cli.main import main

ROOT = Path(__file__).resolve().parents[1]
XSS = "</script><script>console.error('XSS-RAN')</script>"


@pytest.mark.install
def test_wheel_in_a_fresh_environment(tmp_path: Path) -> None:
    src = tmp_path / "src"
    shutil.copytree(
        ROOT,
        src,
        symlinks=True,
        ignore=shutil.ignore_patterns(
            ".venv", ".ci-venv", ".git", "build", "*.egg-info", "__pycache__", ".hypothesis", ".pytest_cache", "docs"
        ),
    )
    wheels = tmp_path / "wheels"
    r = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(wheels), str(src)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert r.returncode == 0, r.stderr[-2000:]
    (wheel,) = wheels.glob("tracker-*.whl")
    info = "-".join(wheel.name.split("-")[:2]) + ".dist-info"
    with zipfile.ZipFile(wheel) as zf:  # the licence travels with the code and the data it covers
        assert "License-Expression: MIT AND CC-BY-4.0" in zf.read(f"{info}/METADATA").decode()
        assert "CC BY 4.0" in zf.read(f"{info}/licenses/LICENSE").decode()
    env_dir = tmp_path / "env"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    py = env_dir / "bin" / "python"
    site = Path(
        subprocess.run(
            [str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    )
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    r = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(py), "install", "--no-deps", "-q", str(wheel)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    if r.returncode != 0 and "no such option: --python" in r.stderr:  # pip < 22.3
        r = subprocess.run(
            [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--prefix", str(env_dir), str(wheel)],
            capture_output=True,
            text=True,
            timeout=600,
        )
    assert r.returncode == 0, r.stderr[-2000:]
    empty = tmp_path / "empty"
    empty.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("TRACKER_DATA", "TRACKER_FORECASTS", "PYTHONPATH")}
    tool = env_dir / "bin" / "tracker"

    def run(*argv: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(tool), *argv], cwd=empty, env=env, capture_output=True, text=True, timeout=300)

    where = subprocess.run(
        [str(py), "-c", "import tracker; print(tracker.__file__)"], cwd=empty, env=env, capture_output=True, text=True
    )
    assert str(site) in where.stdout, where  # the wheel's tracker, not the repository's
    r = run("forecast", "--bench", "mmlu", "--target", "0.9")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("MMLU >= 0.9")
    assert "Track record (dense backtest" in r.stdout  # forecast/track_record.json ships in the wheel
    r = run("data", "where")
    assert r.returncode == 0 and "shipped" in r.stdout
    r = run(
        "add",
        "score",
        "--bench",
        "gpqa",
        "--model",
        "gpt-4",
        "--score",
        "0.5",
        "--setting",
        "pass@1",
        "--source-kind",
        "lab",
        "--source-name",
        "x",
        "--url",
        "https://example.org/x",
    )
    assert r.returncode == 2 and "tracker data init DIR" in r.stderr and r.stderr.count("\n") == 1
    assert run("ledger").returncode == 0
    assert run("validate").returncode == 0
    r = run("data", "init", "work")
    assert r.returncode == 0, r.stderr
    assert (empty / "work" / "datasets" / "scores.csv").is_file()
    r = subprocess.run([str(tool), "data", "where"], cwd=empty / "work", env=env, capture_output=True, text=True)
    assert "project" in r.stdout


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    pytest.skip("Chromium is not installed here (.ci/run installs Debian's chromium package; apt-get install chromium)")


@pytest.mark.browser
def test_html_chart_draws_in_chromium(tiny: Path, tmp_path: Path, capsys) -> None:
    browser = _chromium()
    # A hostile model name, through tracker add: it must show as text, never run.
    assert (
        main(
            [
                "add",
                "model",
                "--id",
                "evil-1",
                "--name",
                XSS,
                "--org",
                "Evil",
                "--date",
                "2024-09-01",
                "--url",
                "https://example.org/evil",
                "--compute",
                "3e25",
                "--compute-source",
                "x",
                "--data",
                str(tiny),
            ]
        )
        == 0
    )
    assert (
        main(
            [
                "add",
                "score",
                "--bench",
                "toy",
                "--model",
                "evil-1",
                "--score",
                "0.93",
                "--setting",
                "5-shot",
                "--source-kind",
                "lab",
                "--source-name",
                XSS,
                "--url",
                "https://example.org/evil",
                "--checked",
                CHECKED,
                "--data",
                str(tiny),
            ]
        )
        == 0
    )
    pages = []
    for kind, extra in (("fit", []), ("progress", []), ("fit", ["--method", "date"])):
        out = tmp_path / f"{kind}{len(pages)}.html"
        assert (
            main(
                [
                    "chart",
                    kind,
                    "--bench",
                    "toy",
                    "--target",
                    "0.95",
                    "--boot",
                    "100",
                    "--label",
                    "evil-1",
                    "--out",
                    str(out),
                    "--data",
                    str(tiny),
                    *extra,
                ]
            )
            == 0
        )
        pages.append(out)
    capsys.readouterr()
    for page in pages:
        profile = tmp_path / f"profile-{page.stem}"
        r = subprocess.run(
            [
                browser,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                f"--user-data-dir={profile}",
                "--enable-logging=stderr",
                "--v=0",
                "--virtual-time-budget=10000",
                "--dump-dom",
                page.as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert r.returncode == 0, r.stderr[-2000:]
        dom = r.stdout
        console = [ln for ln in r.stderr.splitlines() if ":CONSOLE" in ln]
        errors = [ln for ln in console if "XSS-RAN" in ln or "error" in ln.lower() or "Uncaught" in ln]
        assert not errors, errors  # no console error, and the hostile name never ran (XSS-RAN)
        assert "<svg" in dom
        points = re.search(r'<g class="mark-symbol role-mark points_marks"[^>]*>(.*?)</g>', dom, re.S)
        assert points and points.group(1).count("<path") >= 6, page.name  # the data's marks were drawn
        assert "console.error('XSS-RAN')" in dom.replace("&lt;", "<").replace("&gt;", ">").replace("&#39;", "'")
        assert "<script>console.error" not in dom  # present as text (a label), not as an element
