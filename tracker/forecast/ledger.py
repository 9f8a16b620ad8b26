"""Saved forecasts: a write-once public record, scored against today's data.

``save`` writes one JSON file per forecast to the ledger folder (``--ledger-dir``,
``$TRACKER_FORECASTS``, else ``forecasts/`` beside the data folder in use: see
``tracker.data.location``), named ``<made_on>_<benchmark>_<target>_<method>.json``.
The record is written to a temporary file, flushed to disk, then hard-linked
to its name, which fails if the name exists: a record appears whole or not at
all (a full disk leaves nothing behind) and is never overwritten (the file
name gets ``-2``, ``-3`` ...). Each record holds the inputs, the sha256 of
every data file, the method, its parameters and intervals, the tool version,
the seed, the date made, and ``record_sha256``: the sha256 of the record's own
canonical JSON without that field (``canonical``), so an edit or a truncation
is caught by ``verify``. Git history stays the audit trail of the folder.

Records of format 1 (before checksums, e.g. the ones saved on 2026-11-22) carry
no checksum: they are read as "unsigned", scored, and marked so; a record of
format 2 or later without a valid checksum fails the check and is not scored.

``score`` re-reads every record and checks it against the data as they are
now: resolved (the first model to reach the target, the error of the median in
months, hit = inside the 80% interval), missed (still open but the 80%
interval has already ended), or open.

A question counts once a day: ``save`` refuses a record identical to one
already saved, and of several records of the same question saved the same day
(``question``: after a data fix, or with another seed) only the last is scored;
the others are listed as superseded.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import re
from dataclasses import dataclass, replace
from pathlib import Path

from tracker._version import __version__
from tracker.data import location
from tracker.data.catalog import resolve_benchmark
from tracker.data.schema import default_data_dir
from tracker.data.select import first_reached, select
from tracker.data.snapshot import load
from tracker.data.store import Store
from tracker.errors import ConflictError, UsageError, exact
from tracker.files import write_whole
from tracker.forecast.backtest import DAYS_PER_MONTH, benchmark_truth, outcome

FORMAT = 2  # 2: records carry record_sha256; 1: the first records, unsigned
CHECKSUM = "record_sha256"
DATA_FILES = ("benchmarks.csv", "models.csv", "scores.csv", "model_aliases.csv", "settings.csv", "datapackage.json")
#: How a record checks out (``Scored.check``).
CHECK_OK, CHECK_UNSIGNED, CHECK_FAILED = "ok", "unsigned", "FAILED"


def default_dir(data: str | Path | None = None) -> Path:
    """The ledger folder for the data folder ``data`` (see ``tracker.data.location.ledger``)."""
    return location.ledger(None, data).path


def data_hashes(data_dir: str | Path | None = None) -> dict[str, str]:
    root = Path(data_dir or default_data_dir())
    return {
        name: hashlib.sha256((root / name).read_bytes()).hexdigest() for name in DATA_FILES if (root / name).exists()
    }


def changed_files(saved: object, now: dict[str, str]) -> tuple[str, ...]:
    """The data files whose hash differs from the record's (a file added or removed counts), in name order."""
    old = saved if isinstance(saved, dict) else {}
    return tuple(sorted(n for n in set(old) | set(now) if old.get(n) != now.get(n)))


def canonical(rec: dict) -> bytes:
    """The bytes the checksum covers: the record without ``record_sha256``, keys sorted, no spaces."""
    body = {k: v for k, v in rec.items() if k != CHECKSUM}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode("utf-8")


def sign(rec: dict) -> dict:
    """``rec`` with its ``record_sha256``."""
    return {**rec, CHECKSUM: hashlib.sha256(canonical(rec)).hexdigest()}


def verify(text: str) -> tuple[str, dict | None, str]:
    """Check a record's text: (``CHECK_*``, the record or None, why it failed).

    Catches truncation (not JSON), edits (checksum differs) and a stripped
    checksum on a format that has one.
    """
    try:
        rec = json.loads(text)
    except json.JSONDecodeError as exc:
        return CHECK_FAILED, None, f"not valid JSON ({exc.msg} at line {exc.lineno}): truncated or damaged"
    except RecursionError:
        return CHECK_FAILED, None, "not a tracker forecast record (JSON nested too deeply)"
    if not isinstance(rec, dict) or not isinstance(rec.get("forecast"), dict):
        return CHECK_FAILED, None, "not a tracker forecast record"
    given = rec.get(CHECKSUM)
    fmt = rec.get("format")
    if given is None:
        if fmt == 1:
            return CHECK_UNSIGNED, rec, "format 1: saved before records carried a checksum"
        return CHECK_FAILED, rec, f"format {fmt!r} record without its {CHECKSUM}: stripped or damaged"
    try:
        actual = hashlib.sha256(canonical(rec)).hexdigest()
    except (TypeError, ValueError):
        return CHECK_FAILED, rec, "holds values no record can hold"
    if actual != given:
        return CHECK_FAILED, rec, "its content does not match its checksum: edited after it was saved"
    return CHECK_OK, rec, ""


def write_once(path: Path, content: bytes) -> bool:
    """Create ``path`` with ``content`` atomically, never replacing a file; False if ``path`` exists."""
    return write_whole(path, content, exclusive=True)


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


def writable_folder(folder: str | Path | None = None, data_dir: str | Path | None = None) -> Path:
    """The ledger folder a save would write to; ``UsageError`` when it is the read-only one shipped with tracker
    (checked by ``tracker forecast --save`` before any work, and by ``save``)."""
    loc = location.ledger(folder, data_dir)
    if loc.read_only:
        raise UsageError(
            f"cannot save: the ledger shipped with tracker ({loc.path}) is read only; pass --ledger-dir DIR, "
            f"or {location.INIT_HINT}"
        )
    return loc.path


def save(fc, inputs: dict, *, folder: str | Path | None = None, data_dir: str | Path | None = None) -> Path:
    """Write the signed record once, atomically; returns its path (never overwrites).

    The folder is ``folder``, else the ledger of ``data_dir`` (never the
    repository's when another data folder is given); the ledger shipped with
    tracker is read only.
    """
    if getattr(fc, "reached", None) is not None:
        r = fc.reached
        raise ConflictError(
            f"not saved: {fc.benchmark.name} >= {exact(fc.target)} was already reached by {r.model_name} on {r.date}; "
            "a ledger record is a forecast of what has not happened yet"
        )
    if fc.as_of < fc.made_on:
        raise UsageError(
            f"not saved: this forecast is as of {fc.as_of}, a ledger record is made on today's data ({fc.made_on}); "
            "drop --as-of to save one (a hindcast scored against events it could have seen would be a free hit: "
            "tracker backtest scores past as-of dates fairly)"
        )
    folder = writable_folder(folder, data_dir)
    data_folder = location.find(data_dir).path
    for guarded in (data_folder, location.SHIPPED_DATA):
        try:
            inside = folder.resolve() == guarded.resolve() or guarded.resolve() in folder.resolve().parents
        except (OSError, RuntimeError):
            inside = False
        if inside:
            raise UsageError(
                f"cannot save in {folder}: it is inside {guarded}, which holds the data; pass a --ledger-dir elsewhere"
            )
    stem = f"{fc.made_on.isoformat()}_{fc.benchmark.id}_{exact(fc.target)}_{fc.method.replace('+', '-')}"
    rec = sign(record(fc, inputs, data_dir))
    for old in _same_stem(folder, stem):
        if _same_forecast(old, rec):
            raise ConflictError(
                f"not saved: {old} already holds this forecast (same day, data and numbers); "
                "a second copy would count twice in the ledger"
            )
    text = (json.dumps(rec, indent=1, sort_keys=False, allow_nan=False) + "\n").encode("utf-8")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for k in range(1, 1000):
            path = folder / (stem + ("" if k == 1 else f"-{k}") + ".json")
            if not path.exists() and write_once(path, text):
                return path
    except OSError as exc:
        raise UsageError(f"cannot save the forecast in {folder}: {exc.strerror or exc}; nothing was written") from None
    raise UsageError(f"too many records named {stem}* in {folder}; remove stale ones by hand")


def saved_order(path: Path) -> tuple[str, int]:
    """(stem, copy): ``<stem>.json`` is copy 1, ``<stem>-k.json`` copy k; sorts records in the order they were saved
    (by name, ``-2.json`` would sort before ``.json``)."""
    m = re.fullmatch(r"(.*?)(?:-([1-9]\d{0,5}))?\.json", path.name)
    return (m.group(1), int(m.group(2) or 1)) if m else (path.name, 0)


def _same_stem(folder: Path, stem: str) -> list[Path]:
    """The records already saved under ``stem`` (``-2``, ``-3`` ... included), in the order they were saved."""
    if not folder.is_dir():
        return []
    return sorted((p for p in folder.glob("*.json") if saved_order(p)[0] == stem), key=saved_order)


def _same_forecast(path: Path, rec: dict) -> bool:
    """Whether the record at ``path`` is ``rec`` again: the same day, benchmark, target, method, data and
    numbers (the inputs aside: ``gpqa`` and ``gpqa-diamond``, or a default spelled out, make the same forecast)."""
    try:
        old = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        return False
    new = json.loads(json.dumps(rec))  # as the file will hold it (tuples are lists there)
    keys = ("made_on", "benchmark", "target", "method", "seed", "n_boot", "data_sha256", "forecast")
    return isinstance(old, dict) and all(old.get(k) == new.get(k) for k in keys)


def question(rec: dict, default_source: str | None = None) -> tuple:
    """What a record forecasts, and how: the day, benchmark, target, method and data selection (the source
    as the forecast used it: none given is the benchmark's ``default_source``).

    Records with the same question on the same day (a second save after the
    data changed, or with another seed) count once in the ledger: the last
    saved, the others are listed as superseded. Every part is made hashable
    (a record's inputs are whatever JSON it holds).
    """
    given = rec.get("inputs")
    inp: dict = given if isinstance(given, dict) else {}

    def key(value: object) -> str:
        return json.dumps(value, sort_keys=True, default=str)

    return (
        key(rec.get("made_on")),
        key(rec.get("benchmark")),
        key(rec.get("target")),
        key(rec.get("method")),
        key(inp.get("source") or default_source),
        key(inp.get("settings") or None),
        bool(inp.get("include_imputed")),
    )


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
    status: str  # hit, miss, open, overdue, unresolvable, reached before, superseded, or not scored (check FAILED)
    actual: str | None  # date first reached, if it was
    actual_model: str | None
    error_months: float | None
    data_changed: bool  # the data files differ from those the forecast saw
    check: str = CHECK_OK  # the record's own checksum: ok, unsigned (format 1) or FAILED
    problem: str = ""  # why the check failed, or why the record is unsigned
    data_end: str | None = None  # the record's data vintage, the date it is scored from
    truth_cutoff: str | None = None  # the newest date the benchmark's scores are known to now
    changed_files: tuple[str, ...] = ()  # which data files differ (added, removed or edited) since it was saved
    superseded_by: str | None = None  # a later record of the same question saved the same day (this one not counted)


def _d(s: str | None) -> dt.date | None:
    return dt.date.fromisoformat(s) if s else None


def score(folder: str | Path | None = None, *, data: str | Path | None = None) -> list[Scored]:
    """Every saved record in ``folder``, verified (``verify``) and scored against the data as they are now.

    A record that fails its check is listed with status "not scored" and the
    reason; it never stops the others from being scored. The crossing event is
    ``tracker.data.select.first_reached`` (the one every command uses). A
    record is scored from its own data vintage (the date its data ended, not
    the day it was saved): an event after that date resolves it (hit: inside
    its 80% interval); an event on or before it is a crossing model released
    before the record's data ended but not in them when it was saved ("reached
    before", dropped from the score as in the backtest). Without an event,
    a record whose 80% interval ended before the benchmark's truth cutoff (the
    newest date its scores became known) is overdue, one on a series that
    stopped is unresolvable, the rest are open.
    """
    if folder is not None and str(folder) != "" and not Path(folder).is_dir():
        # a folder named by the user that is not there: a typo must not read as an empty ledger
        raise UsageError(f"ledger folder {folder} does not exist or is not a folder; check the path")
    folder = location.ledger(folder, data).path
    files = sorted(folder.glob("*.json"), key=saved_order) if folder.is_dir() else []
    root = location.find(data).path
    tables = load(root)
    hashes = data_hashes(root)
    out: list[Scored] = []
    asked: dict[tuple, list[tuple[int, int]]] = {}  # question -> (copy number, index in out) of its records
    with Store(tables) as store:
        last = store.last_data_date()
        for path in files:
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                out.append(_unscored(path, None, f"cannot be read ({getattr(exc, 'strerror', None) or exc})"))
                continue
            check, rec, why = verify(text)
            if check == CHECK_FAILED or rec is None:
                out.append(_unscored(path, rec, why))
                continue
            try:
                fc = rec["forecast"]
                b = resolve_benchmark(tables, rec["benchmark"])
                target = float(rec["target"])
                made = _d(rec["made_on"])
                yd = fc.get("year_dates") or {}
                med, lo, hi = _d(yd.get("median")), _d(yd.get("lo80")), _d(yd.get("hi80"))
                if made is None:
                    raise ValueError("no made_on date")
                # Format 1 records did not store their data's end: it was no later than the day they were
                # made, and no later than the data's end now.
                vintage = _d(fc.get("data_end")) or min(made, last)
            except (KeyError, TypeError, ValueError, AttributeError, UsageError) as exc:
                out.append(_unscored(path, rec, f"not a tracker forecast record ({exc})"))
                continue
            inp = rec.get("inputs") or {}
            if not isinstance(inp, dict):  # a signed record can hold any JSON: one bad record never stops the rest
                out.append(_unscored(path, rec, f"its inputs are {type(inp).__name__}, not an object"))
                continue
            try:
                truth = select(
                    store,
                    b,
                    as_of=last,
                    source=inp.get("source"),
                    settings=inp.get("settings"),
                    include_imputed=bool(inp.get("include_imputed")),
                )
            except (UsageError, TypeError, ValueError) as exc:
                out.append(_unscored(path, rec, f"its inputs cannot be replayed ({exc})"))
                continue
            _rows, cutoff, stale = benchmark_truth(truth.rows, last)
            hit = first_reached(truth.rows, target)
            err = None
            status = outcome(hit is not None, stale, hi, cutoff)
            if hit and hit.date <= vintage:
                status = "reached before"
            elif hit:
                err = None if med is None else (med - hit.date).days / DAYS_PER_MONTH
                inside = (lo is not None and lo <= hit.date) and (hi is None or hit.date <= hi)
                status = "hit" if inside else "miss"
            asked.setdefault(question(rec, b.default_source), []).append((saved_order(path)[1], len(out)))
            out.append(
                Scored(
                    path=path.name,
                    made_on=rec["made_on"],
                    benchmark=b.id,
                    target=target,
                    method=str(rec.get("method")),
                    median=yd.get("median"),
                    lo80=yd.get("lo80"),
                    hi80=yd.get("hi80"),
                    status=status,
                    actual=hit.date.isoformat() if hit else None,
                    actual_model=hit.model_name if hit else None,
                    error_months=None if err is None or not math.isfinite(err) else round(err, 1),
                    data_changed=hashes != rec.get("data_sha256"),
                    changed_files=changed_files(rec.get("data_sha256"), hashes),
                    check=check,
                    problem=why,
                    data_end=vintage.isoformat(),
                    truth_cutoff=cutoff.isoformat(),
                )
            )
    for copies in asked.values():  # one record per question and day counts: the last saved
        *earlier, (_k, last_i) = sorted(copies)
        for _k, i in earlier:
            out[i] = replace(out[i], status="superseded", error_months=None, superseded_by=out[last_i].path)
    return out


def _unscored(path: Path, rec: dict | None, why: str) -> Scored:
    """A record that failed its check: listed, never scored."""
    rec = rec if isinstance(rec, dict) else {}

    def text(key: str) -> str:
        v = rec.get(key)
        return v if isinstance(v, str) else "?"

    target = rec.get("target")
    return Scored(
        path=path.name,
        made_on=text("made_on"),
        benchmark=text("benchmark"),
        target=float(target) if isinstance(target, (int, float)) else float("nan"),
        method=text("method"),
        median=None,
        lo80=None,
        hi80=None,
        status="not scored",
        actual=None,
        actual_model=None,
        error_months=None,
        data_changed=False,
        check=CHECK_FAILED,
        problem=why,
    )
