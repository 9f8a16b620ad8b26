"""The settings vocabulary (``datasets/settings.csv``): which evaluation settings each benchmark knows.

Every score's setting must be one of its benchmark's known settings (exactly,
or by a glob such as ``system: *``); ``tracker validate`` refuses any other,
so a typo (``pass@l``) cannot silently drop a score out of every fit. A new
setting is added on purpose: ``tracker add score --new-setting`` writes it to
the vocabulary as non-standard, with a warning.

    >>> from tracker.data.settings import matches
    >>> matches("system: OpenHands + GPT-5", "system: *")
    True
"""

from __future__ import annotations

import datetime as dt
import fnmatch

import polars as pl

from tracker.data.catalog import Benchmark, resolve_benchmark
from tracker.data.tables import Tables
from tracker.errors import UsageError


def matches(setting: str, entry: str) -> bool:
    """True when ``setting`` is the vocabulary ``entry`` or matches it as a glob."""
    return setting == entry or (("*" in entry or "?" in entry) and fnmatch.fnmatchcase(setting, entry))


def known(tables: Tables, benchmark_id: str) -> list[str] | None:
    """The vocabulary entries of a benchmark, in file order; None when the data have no vocabulary."""
    if tables.settings is None:
        return None
    return tables.settings.filter(pl.col("benchmark_id") == benchmark_id)["setting"].to_list()


def _hint(b: Benchmark) -> str:
    return f"see tracker list settings --bench {b.id}"


def check_patterns(tables: Tables, b: Benchmark, patterns: list[str]) -> list[str]:
    """``--setting`` patterns of a forecast, each matching at least one known setting of ``b``."""
    vocab = known(tables, b.id)
    out = []
    for p in patterns:
        if not isinstance(p, str) or not p.strip():
            raise UsageError(f"--setting {p!r} is empty; {_hint(b)}")
        if vocab is not None and not any(matches(v, p) or matches(p, v) for v in vocab):
            shown = ", ".join(vocab[:10]) + (", ..." if len(vocab) > 10 else "")
            raise UsageError(f"--setting {p!r} matches no known setting of {b.name} (known: {shown}); {_hint(b)}")
        out.append(p)
    return out


def check_score(
    tables: Tables, values: dict[str, str], *, new_setting: bool, where: str
) -> tuple[dict[str, str], dict | None, str | None]:
    """A score row with its benchmark alias resolved and its setting checked.

    Returns (values, a vocabulary row to add or None, a warning or None).
    Unknown settings are refused unless ``new_setting``.
    """
    values = dict(values)
    name = values.get("benchmark_id") or ""
    if not name:
        return values, None, None  # the validator reports the missing field
    try:
        b = resolve_benchmark(tables, name)
    except UsageError:
        return values, None, None  # the validator names file, line and column of the unknown id
    values["benchmark_id"] = b.id
    setting = values.get("setting") or ""
    vocab = known(tables, b.id)
    if not setting or vocab is None or any(matches(setting, v) for v in vocab):
        return values, None, None
    if not new_setting:
        shown = ", ".join(vocab[:10]) + (", ..." if len(vocab) > 10 else "")
        raise UsageError(
            f"{where} setting {setting!r} is not a known setting of {b.name} (known: {shown}); "
            f"fix a typo, or pass --new-setting to add it to the vocabulary ({_hint(b)})"
        )
    row = {
        "benchmark_id": b.id,
        "setting": setting,
        "kind": "non-standard",
        "description": f"added with tracker add on {dt.date.today().isoformat()}: describe it, "
        "and mark it standard if comparable",
    }
    warning = (
        f"new setting {setting!r} of {b.id} added to settings.csv as non-standard: it is not in the default "
        f"preference ({'; '.join(b.settings)}), so forecasts use it only with --setting"
    )
    return values, row, warning


def table(tables: Tables, bench: str | None = None) -> pl.DataFrame:
    """The vocabulary with how many scores use each entry (``tracker list settings``)."""
    if tables.settings is None:
        raise UsageError(
            "these data have no settings vocabulary (settings.csv): make a working copy with tracker data init"
        )
    df = tables.settings
    if bench:
        df = df.filter(pl.col("benchmark_id") == resolve_benchmark(tables, bench).id)
    pairs = tables.scores.group_by("benchmark_id", "setting").len()
    counts = []
    for b, entry in df.select("benchmark_id", "setting").iter_rows():
        sub = pairs.filter(pl.col("benchmark_id") == b)
        counts.append(sum(n for st, n in sub.select("setting", "len").iter_rows() if matches(st, entry)))
    prefs = {
        r["id"]: [p.strip() for p in (r["settings"] or "").split(";") if p.strip()]
        for r in tables.benchmarks.iter_rows(named=True)
    }
    # in the default fit: matched by the benchmark's preference and standard (a non-standard setting, such as
    # parallel test-time compute, enters a fit only when asked for by name: tracker.data.select)
    default = [
        kind == "standard" and any(matches(entry, p) or matches(p, entry) for p in prefs.get(b, []))
        for b, entry, kind in df.select("benchmark_id", "setting", "kind").iter_rows()
    ]
    return df.with_columns(
        pl.Series("scores", counts, dtype=pl.Int64), pl.Series("in_default", default, dtype=pl.Boolean)
    ).select("benchmark_id", "setting", "kind", "in_default", "scores", "description")
