"""One crossing event for forecast, backtest and ledger: on a tie table all three name the same first model."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

from tests.conftest import CHECKED, write_tiny
from tracker.cli.main import main
from tracker.data import tables as data
from tracker.data.catalog import resolve_benchmark
from tracker.data.select import first_reached, select
from tracker.data.store import Store
from tracker.forecast import backtest as bt
from tracker.forecast import ledger
from tracker.forecast.forecast import forecast

# Three models released the same day all reach 0.93. The rule: earliest release date, then the score
# known first, then the higher score, then the model id. "tie-b" was known first (2024-06-05): it is
# the first to reach, although "tie-a" scores higher and sorts first by id.
TIES = [
    ("tie-a", "0.96", "2024-06-20"),
    ("tie-b", "0.94", "2024-06-05"),
    ("tie-c", "0.95", "2024-06-05"),  # known the same day as tie-b, higher score: it wins that tie
]


def _tie_data(root: Path) -> Path:
    write_tiny(root)
    with open(root / "models.csv", "a", encoding="utf-8") as fh:
        for mid, _, _ in TIES:
            fh.write(
                f"{mid},{mid.upper()},{mid},TestOrg,2024-06-01,https://example.org/{mid},false,,,,,,,,,false,false,Language,\n"
            )
    with open(root / "scores.csv", "a", encoding="utf-8") as fh:
        for mid, score, known in TIES:
            fh.write(f"{mid},toy,{score},,5-shot,,,lab,Toy report,https://example.org/report,{known},{CHECKED},\n")
    return root


def test_forecast_backtest_and_ledger_name_the_same_first_model(tmp_path: Path, capsys) -> None:
    root = _tie_data(tmp_path / "d")
    t = data.load(root)
    b = resolve_benchmark(t, "toy")
    with Store(t) as s:
        rows = select(s, b, as_of=dt.date(2026, 1, 1)).rows
        assert first_reached(rows, 0.93).model_id == "tie-c"
        fc = forecast(s, b, 0.93, as_of=dt.date(2026, 1, 1), n_boot=100, method="date", side=False, hindcast=False)
        r = bt.run(s, [b], as_of=[dt.date(2023, 12, 1)], thresholds_by={"toy": [0.93]}, n_boot=100, methods=("date",))
    assert fc.reached is not None and fc.reached.model_id == "tie-c"
    assert [p.actual_model for p in r.points] == ["tie-c"]
    # A ledger record made before the crossing resolves to the same model. The command refuses to save a
    # forecast as of a past date (below), so the record is written as it would have been on 2023-12-01.
    led = tmp_path / "ledger"
    args = ["forecast", "--bench", "toy", "--target", "0.93", "--as-of", "2023-12-01", "--method", "date"]
    args += ["--boot", "100", "--data", str(root), "--save", "--ledger-dir", str(led)]
    assert main(args) == 2
    assert "--save with --as-of 2023-12-01" in capsys.readouterr().err and not led.exists()
    with Store(data.load(root)) as s:
        then = forecast(s, b, 0.93, as_of=dt.date(2023, 12, 1), n_boot=100, method="date", side=False)
    ledger.save(
        dataclasses.replace(then, made_on=then.as_of),
        {"bench": "toy", "target": 0.93, "method": "date", "as_of": "2023-12-01", "n_boot": 100},
        folder=led,
        data_dir=root,
    )
    capsys.readouterr()
    scored = ledger.score(led, data=root)
    assert [x.actual_model for x in scored] == ["TIE-C"] and scored[0].actual == "2024-06-01"
    rec = json.loads(next(led.glob("*.json")).read_text())
    # Scored from its own data vintage: the series' newest score known by the as-of date (m25, 2023-06-01),
    # more than 92 days before it, so the forecast started there.
    assert rec["forecast"]["data_end"] == "2023-06-01"


def test_the_library_refuses_to_save_a_hindcast(tmp_path: Path) -> None:
    # the check the command makes before any work is in the ledger itself too (notebooks call it directly)
    import pytest

    from tracker.errors import UsageError

    root = _tie_data(tmp_path / "d")
    t = data.load(root)
    with Store(t) as s:
        fc = forecast(s, resolve_benchmark(t, "toy"), 0.99, as_of=dt.date(2023, 12, 1), n_boot=100, method="date")
    with pytest.raises(UsageError, match="as of 2023-12-01"):
        ledger.save(fc, {}, folder=tmp_path / "ledger", data_dir=root)
    with pytest.raises(UsageError, match="holds the data"):
        ledger.save(dataclasses.replace(fc, made_on=fc.as_of), {}, folder=root, data_dir=root)
    assert not (tmp_path / "ledger").exists()
