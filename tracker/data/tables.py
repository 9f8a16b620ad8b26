"""Read and validate the curated tables.

Every CSV is read with all columns as text first, so that each rule of
``data.md`` can be checked per cell and reported as
``file:line: column: what is wrong, what to do``; only then are the columns
cast to the types the Table Schema declares. Nothing is type-guessed.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import polars as pl

from tracker.data.csvtext import MAX_FIELD_CHARS, Report, loc, parse_text_table, read_text_table  # noqa: F401
from tracker.data.rules import MAX_PLAUSIBLE_FLOP, MIN_PLAUSIBLE_FLOP, check_cross, setting_known  # noqa: F401
from tracker.data.schema import TABLES, Package, Resource, load_package
from tracker.errors import DataError

#: Control characters, and the Unicode bidirectional overrides and isolates (U+202A-U+202E, U+2066-U+2069) that
#: make a terminal or a page show text in another order than it is stored ("Trojan Source").
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f\u202a-\u202e\u2066-\u2069]")
#: Text a spreadsheet would run as a formula: a cell starting with =, + or @, or - before anything but a number.
_FORMULA = re.compile(r"^(?:[=+@]|-[^0-9. ])")
# What to write when a value does not match its field's pattern (default: an id's rule).
_PATTERN_HINTS = {
    "checked": "write 'YYYY-MM-DD: read in <url>' (or 'read in stored copy of <url>') or 'unverified: <why>'",
}
_POLARS_TYPES = {"string": pl.String, "number": pl.Float64, "integer": pl.Int64, "date": pl.Date, "boolean": pl.Boolean}


@dataclass(frozen=True)
class Tables:
    """The validated, typed tables of one data directory."""

    package: Package
    benchmarks: pl.DataFrame
    models: pl.DataFrame
    scores: pl.DataFrame
    model_aliases: pl.DataFrame
    #: The settings vocabulary (``settings.csv``); None for a data folder whose
    #: datapackage.json does not declare it (made before the vocabulary existed).
    settings: pl.DataFrame | None = None
    #: What the store derived from these tables (DuckDB's ``scores_joined``, the frontier models, the
    #: data's vintage), kept so that it is computed once per load, and filled from a snapshot when one
    #: matched (``tracker.data.snapshot``).
    derived: dict = field(default_factory=dict, init=False, compare=False, repr=False)


def check_cells(path: Path, res: Resource, df: pl.DataFrame, report: Report, facts: dict | None = None) -> None:
    """Per-field rules from the Table Schema (vectorised, then reported per row).

    A rule that cannot fire is skipped (at a million rows the two below were a third of the
    checks' time): no column whose longest cell has at most ``MAX_FIELD_CHARS`` bytes has one
    of more characters (a cell's byte length is stored with it: asking costs nothing), and a
    file without control bytes (``facts["control_free"]``, from ``parse_text_table``) has no
    cell with one.
    """
    facts = facts or {}
    widest = df.select(pl.all().str.len_bytes().max()).row(0, named=True) if df.height else {}
    control_possible = not facts.get("control_free", False)
    today = dt.date.today()
    lines = pl.int_range(2, df.height + 2, eager=True).alias("_line")
    df = df.with_columns(lines)

    checks: list[tuple[pl.Expr, str, object, bool]] = []

    def flag(mask: pl.Expr, col: str, message, whole: bool = False) -> None:
        """A rule: ``mask`` marks the bad cells of ``col``; ``whole``: it reads the whole column, not one value."""
        checks.append((mask, col, message, whole))

    for f in res.fields:
        c = pl.col(f.name)
        empty = c == ""
        if (widest.get(f.name) or 0) > MAX_FIELD_CHARS:
            flag(
                (c.str.len_chars() > MAX_FIELD_CHARS),
                f.name,
                f"longer than {MAX_FIELD_CHARS} characters; shorten it (put long text in notes elsewhere)",
            )
        if control_possible:
            flag(
                c.str.contains(_CONTROL.pattern),
                f.name,
                "contains a control character (or a text-direction override); remove it",
            )
        if f.type == "string":
            flag(
                c.str.contains(_FORMULA.pattern),
                f.name,
                lambda v: (
                    f"{v[:40]!r} starts like a spreadsheet formula (=, +, - or @), which Excel or Sheets would "
                    "run when the CSV is opened; rephrase it"
                ),
            )
        if f.required:
            flag(empty, f.name, f"is empty but required; fill it in ({f.description or f.type})")
        if f.type in ("number", "integer"):
            num = c.str.strip_chars().cast(pl.Float64, strict=False)
            pct = c.str.strip_chars().str.ends_with("%")
            flag(pct, f.name, lambda v: f"{v!r} is a percent string; write a fraction (e.g. {_pct_hint(v)})")
            flag(
                ~empty & ~pct & num.is_null(),
                f.name,
                lambda v: f"{v!r} is not a number; write a plain number such as 0.864 or 3.1e+23",
            )
            flag(
                ~empty & num.is_not_null() & ~num.is_finite(),
                f.name,
                lambda v: f"{v!r} is not a finite number; write a finite value",
            )
            if f.type == "integer":
                flag(
                    ~empty & num.is_not_null() & (num != num.round(0)),
                    f.name,
                    lambda v: f"{v!r} is not a whole number; write an integer",
                )
            if f.maximum is not None:
                if f.maximum == 1 and f.name in ("score", "floor", "ceiling"):
                    # a percent is a number from 2 to 100 (1.0000001 is a slip above 1, not 0.01 written as 1%)
                    flag(
                        ~empty & (num >= 2) & (num <= 100),
                        f.name,
                        lambda v: f"{v} looks like a percent; write the fraction {_pct_hint(v)}",
                    )
                    flag(
                        ~empty & (((num > 1) & (num < 2)) | (num > 100)),
                        f.name,
                        lambda v: f"{v} is above 1; scores are fractions in [0, 1]",
                    )
                else:
                    flag(
                        ~empty & (num > f.maximum),
                        f.name,
                        lambda v, m=f.maximum: f"{v} is above the maximum {m}; correct it",
                    )
            if f.exclusive_minimum is not None:
                flag(
                    ~empty & (num <= f.exclusive_minimum),
                    f.name,
                    lambda v, m=f.exclusive_minimum, n=f.name: (
                        f"{v} must be greater than {m}; {n} is positive (leave it empty when unknown)"
                    ),
                )
            elif f.minimum is not None:
                flag(
                    ~empty & (num < f.minimum),
                    f.name,
                    lambda v, m=f.minimum: f"{v} is below the minimum {m}; correct it",
                )
        elif f.type == "date":
            d = c.str.strptime(pl.Date, "%Y-%m-%d", strict=False)
            flag(
                ~empty & (d.is_null() | (c.str.len_chars() != 10)),
                f.name,
                lambda v: f"{v!r} is not an ISO date; write YYYY-MM-DD",
            )
            flag(~empty & (d > today), f.name, lambda v: f"{v} is in the future; use the date it actually happened")
        elif f.type == "boolean":
            flag(
                ~empty & ~c.is_in(["true", "false"]),
                f.name,
                lambda v: f"{v!r} is not a boolean; write true or false (or leave empty)",
            )
        if f.enum:
            flag(
                ~empty & ~c.is_in(list(f.enum)),
                f.name,
                lambda v, e=f.enum: f"{v!r} is not one of {', '.join(e)}; use one of those",
            )
        if f.pattern:
            hint = _PATTERN_HINTS.get(f.name, "use lowercase letters, digits, '.', '-'")
            flag(
                ~empty & ~c.str.contains(f"^(?:{f.pattern})$"),
                f.name,
                lambda v, p=f.pattern, h=hint: f"{v!r} does not match {p}; {h}",
            )
        if f.format == "uri":
            flag(
                ~empty & ~c.str.contains(r"^https?://\S+$"),
                f.name,
                lambda v: f"{v!r} is not an http(s) URL; give the page where the figure can be checked",
            )
        if f.unique:  # the later copies are the error: the first is where the id was defined
            dup = ~empty & c.is_duplicated() & ~c.is_first_distinct()
            flag(
                dup,
                f.name,
                lambda v: f"{v!r} appears more than once (an earlier line has it); ids must be unique",
                whole=True,
            )

    # One pass finds which rules fire anywhere; only those are filtered for their lines. A column
    # whose rules parse or match its values (a number, a date, a pattern, a URL, one of a list) is
    # asked on its distinct values: a value fails wherever it stands, and at a million rows such a
    # column holds some thousands of values at most (measured at a million rows: 0.8 -> 0.12 CPU-s).
    on_values = {f.name for f in res.fields if _parses(f)}
    asked: dict[str, list[int]] = {}  # rules by the column whose distinct values they are asked on ("": all rows)
    for i, (_, col, _, whole) in enumerate(checks):
        asked.setdefault("" if whole or col not in on_values else col, []).append(i)
    fired = [False] * len(checks)
    for name, idx in asked.items():
        frame = df.select(pl.col(name).unique()) if name else df
        for i, hit in zip(idx, frame.select([checks[i][0].any().alias(f"_{i}") for i in idx]).row(0), strict=True):
            fired[i] = bool(hit)
    for hit, (mask, col, message, _) in zip(fired, checks, strict=True):
        if not hit:
            continue
        bad = df.filter(mask).select("_line", col).head(50)
        for line, value in bad.iter_rows():
            msg = message(value) if callable(message) else message
            report.errors.append(f"{loc(path, line, col)} {msg}")


def _parses(f) -> bool:
    """Whether a field has a rule that parses or matches its values (cheaper on its distinct values)."""
    return f.type in ("number", "integer", "date", "boolean") or bool(f.enum or f.pattern) or f.format == "uri"


def _pct_hint(v: str) -> str:
    try:
        return f"{float(str(v).strip().rstrip('%')) / 100:g}"
    except ValueError:
        return "0.864 for 86.4%"


def _check_keys(path: Path, res: Resource, df: pl.DataFrame, report: Report) -> None:
    if len(res.primary_key) > 1:
        pk = list(res.primary_key)
        # Rows whose key hashes collide are candidates (a u64 per row instead of a struct of the key's
        # strings: at a million rows 135 MB less); only those are compared by value. Whether any
        # collide at all is a sort of the hashes in numpy: at a million rows a third of the time of
        # polars' is_duplicated, and 35 MB where that took 200.
        hashes = df.select(pl.struct(pk).hash()).to_series()
        ordered = np.sort(hashes.to_numpy())
        if not (ordered[1:] == ordered[:-1]).any():
            return
        maybe = hashes.is_duplicated()
        dup = df.with_row_index("_i").filter(maybe)
        dup = dup.filter(pl.struct(pk).is_duplicated())
        seen: dict[tuple, int] = {}
        for row in dup.select(["_i", *pk]).iter_rows():
            key = row[1:]
            if key in seen:
                report.errors.append(
                    f"{loc(path, row[0] + 2, pk[0])} duplicates line {seen[key]} on ({', '.join(pk)}); "
                    "remove one, or make the setting or source distinguish them"
                )
            else:
                seen[key] = row[0] + 2


def _cast(df: pl.DataFrame, res: Resource) -> pl.DataFrame:
    exprs = []
    for f in res.fields:
        c = pl.when(pl.col(f.name) == "").then(None).otherwise(pl.col(f.name).str.strip_chars())
        if f.type == "boolean":
            exprs.append((c == "true").alias(f.name))
        elif f.type == "date":
            exprs.append(c.str.strptime(pl.Date, "%Y-%m-%d").alias(f.name))
        elif f.type == "string":
            exprs.append(pl.when(pl.col(f.name) == "").then(None).otherwise(pl.col(f.name)).alias(f.name))
        else:
            exprs.append(c.cast(_POLARS_TYPES[f.type]).alias(f.name))
    return df.select(exprs)


def validate_dir(root: str | Path, contents: dict[str, bytes] | None = None) -> tuple[Report, Tables | None]:
    """Check every table in ``root`` against the schema and rules; return typed tables if clean.

    ``contents`` maps table names to bytes that stand in for that table's file
    (a writer validating what it is about to write); messages still name the
    table's path, with line numbers of those bytes.
    """
    pkg = load_package(root)
    report = Report()
    typed: dict[str, pl.DataFrame] = {}
    for name, res in pkg.resources.items():
        path = pkg.path(name)
        facts: dict = {}
        if contents is not None and name in contents:
            text = parse_text_table(path, contents[name], res, report, facts)
        else:
            text = read_text_table(path, res, report, facts)
        if text is None:
            continue
        if text.height == 0 and name != "model_aliases":
            report.errors.append(
                f"{loc(path, 1, 'file')} has a header but no rows; restore the rows (git checkout {path.name})"
            )
            continue
        before = len(report.errors)
        check_cells(path, res, text, report, facts)
        if len(report.errors) == before:
            _check_keys(path, res, text, report)
        if len(report.errors) == before:
            typed[name] = _cast(text, res)
    check_cross(pkg, typed, report)
    if report.errors or len(typed) != len(pkg.resources):
        return report, None
    return report, Tables(package=pkg, **{k: typed[k] for k in TABLES}, settings=typed.get("settings"))


def load(root: str | Path) -> Tables:
    """Validated tables of ``root``; raises ``DataError`` listing every problem."""
    report, tables = validate_dir(root)
    if tables is None:
        first = report.errors[0] if report.errors else f"{root}: data could not be loaded"
        more = f" (and {len(report.errors) - 1} more problems: run tracker validate)" if len(report.errors) > 1 else ""
        raise DataError(first + more, report.errors)
    return tables
