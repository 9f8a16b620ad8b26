"""Saved forecasts: a write-once public record, scored against today's data.

``save`` writes one JSON file per forecast to the ledger folder (default
``forecasts/`` beside ``datasets/``; ``$TRACKER_FORECASTS`` overrides it), named
``<made_on>_<benchmark>_<target>_<method>.json`` and created exclusively: an
existing record is never overwritten (the file name gets ``-2``, ``-3`` ...).
Each record holds the inputs, the sha256 of every data file, the method, its
parameters and intervals, the tool version, the seed and the date made.

``score`` re-reads every record and checks it against the data as they are
now: resolved (the first model to reach the target, the error of the median in
months, hit = inside the 80% interval), missed (still open but the 80%
interval has already ended), or open.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import os
from dataclasses import dataclass
from pathlib import Path

from tracker._version import __version__
from tracker.data.catalog import resolve_benchmark
from tracker.data.schema import default_data_dir
from tracker.data.select import first_reached, select
from tracker.data.store import Store
from tracker.data.tables import load
from tracker.errors import UsageError
from tracker.forecast.backtest import benchmark_truth

FORMAT = 1
DATA_FILES = ("benchmarks.csv", "models.csv", "scores.csv", "model_aliases.csv", "datapackage.json")


def default_dir() -> Path:
    env = os.environ.get("TRACKER_FORECASTS")
    if env:
        return Path(env)
    return Path(default_data_dir()).resolve().parent / "forecasts"


def data_hashes(data_dir: str | Path | None = None) -> dict[str, str]:
    root = Path(data_dir or default_data_dir())
    return {name: hashlib.sha256((root / name).read_bytes()).hexdigest() for name in DATA_FILES if (root / name).exists()}


def record(fc, inputs: dict, data_dir: str | Path | None = None) -> dict:
    """The JSON record of a forecast (``Forecast`` or ``MethodForecast``)."""
    return {
        "format": FORMAT,
        "tool": f"tracker {__version__}",
        "made_on": fc.made_on.isoformat(),
        "benchmark": fc.benchmark.id,
        "target": fc.target,
        "method": fc.method,
        "seed": fc.seed,
        "n_boot": fc.n_boot,
        "inputs": inputs,
        "data_sha256": data_hashes(data_dir),
        "interval_levels": [0.8, 0.95],
        "forecast": fc.to_dict(),
    }


def save(fc, inputs: dict, *, folder: str | Path | None = None, data_dir: str | Path | None = None) -> Path:
    """Write the record once; returns its path (never overwrites)."""
    folder = Path(folder or default_dir())
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"{fc.made_on.isoformat()}_{fc.benchmark.id}_{fc.target:g}_{fc.method.replace('+', '-')}"
    text = json.dumps(record(fc, inputs, data_dir), indent=1, sort_keys=False) + "\n"
    for k in range(1, 1000):
        path = folder / (stem + ("" if k == 1 else f"-{k}") + ".json")
        try:
            with open(path, "x", encoding="utf-8") as fh:  # exclusive create: write-once
                fh.write(text)
            return path
        except FileExistsError:
            continue
    raise UsageError(f"too many records named {stem}* in {folder}; remove stale ones by hand")


@dataclass(frozen=True)
class Scored:
    path: str
    made_on: str
    benchmark: str
    target: float
    method: str
    median: str | None  # forecast date (median)
    lo80: str | None
    hi80: str | None
    status: str  # hit, miss, open, missed (overdue), unresolvable, reached before its data
    actual: str | None  # date first reached, if it was
    actual_model: str | None
    error_months: float | None
    data_changed: bool  # the data files differ from those the forecast saw
    data_end: str | None = None  # the record's data vintage, the date it is scored from
    truth_cutoff: str | None = None  # the newest date the benchmark's scores are known to now


def _d(s: str | None) -> dt.date | None:
    return dt.date.fromisoformat(s) if s else None


def score(folder: str | Path | None = None, *, data: str | Path | None = None) -> list[Scored]:
    """Every saved record in ``folder``, scored against the data as they are now.

    The crossing event is ``tracker.data.select.first_reached`` (the one every
    command uses). A record is scored against its own data vintage (the date
    its data ended, not the day it was saved): an event after that date
    resolves it (hit: inside its 80% interval); an event on or before it means
    the record's own data already held the crossing (``reached before its
    data``, not scored). Without an event, a record whose 80% interval ended
    before the benchmark's truth cutoff (the newest date its scores became
    known) is overdue, one on a series that stopped is unresolvable, the
    rest are open.
    """
    folder = Path(folder or default_dir())
    files = sorted(folder.glob("*.json")) if folder.is_dir() else []
    tables = load(data or default_data_dir())
    hashes = data_hashes(data)
    out = []
    with Store(tables) as store:
        last = store.last_data_date()
        for path in files:
            try:
                rec = json.loads(path.read_text(encoding="utf-8"))
                fc = rec["forecast"]
                b = resolve_benchmark(tables, rec["benchmark"])
            except (OSError, ValueError, KeyError) as exc:
                raise UsageError(f"{path}: not a tracker forecast record ({exc}); move it out of {folder}") from None
            inp = rec.get("inputs", {})
            truth = select(store, b, as_of=last, source=inp.get("source"), settings=inp.get("settings"),
                           include_imputed=bool(inp.get("include_imputed")))
            _rows, cutoff, stale = benchmark_truth(truth.rows, last)
            hit = first_reached(truth.rows, rec["target"])
            yd = fc.get("year_dates") or {}
            med, lo, hi = _d(yd.get("median")), _d(yd.get("lo80")), _d(yd.get("hi80"))
            made = _d(rec["made_on"])
            # Legacy records (format 1) did not store their data's end: their data ended no later than the
            # day they were made, and no later than the data's end today.
            vintage = _d(fc.get("data_end")) or min(made, last)
            err = None
            if hit and hit.date > vintage:
                err = None if med is None else (med - hit.date).days / 30.4375
                inside = (lo is not None and lo <= hit.date) and (hi is None or hit.date <= hi)
                status = "hit" if inside else "miss"
            elif hit:
                status = "reached before its data"
            elif stale:
                status = "unresolvable"
            elif hi is not None and hi < cutoff:
                status = "missed (overdue)"
            else:
                status = "open"
            out.append(Scored(
                path=path.name, made_on=rec["made_on"], benchmark=b.id, target=rec["target"], method=rec["method"],
                median=yd.get("median"), lo80=yd.get("lo80"), hi80=yd.get("hi80"), status=status,
                actual=hit.date.isoformat() if hit else None, actual_model=hit.model_name if hit else None,
                error_months=None if err is None or not math.isfinite(err) else round(err, 1),
                data_changed=hashes != rec.get("data_sha256"), data_end=vintage.isoformat(),
                truth_cutoff=cutoff.isoformat(),
            ))
    return out
