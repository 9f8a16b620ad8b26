"""Read and validate the curated tables.

Every CSV is read with all columns as text first, so that each rule of
``data.md`` can be checked per cell and reported as
``file:line: column: what is wrong, what to do``; only then are the columns
cast to the types the Table Schema declares. Nothing is type-guessed.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from tracker.data.schema import TABLES, Package, Resource, load_package
from tracker.errors import DataError

MAX_FIELD_CHARS = 2000
# Training compute outside this range is not a language model's (a typo such
# as a missing exponent digit): 1e12 FLOP is a toy, 1e30 is beyond any plan.
MIN_PLAUSIBLE_FLOP = 1e12
MAX_PLAUSIBLE_FLOP = 1e30
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
# What to write when a value does not match its field's pattern (default: an id's rule).
_PATTERN_HINTS = {
    "checked": "write 'YYYY-MM-DD: read in stored copy of <url>' or 'unverified: <why>'",
}
_POLARS_TYPES = {"string": pl.String, "number": pl.Float64, "integer": pl.Int64, "date": pl.Date, "boolean": pl.Boolean}


@dataclass
class Report:
    """Problems found in a data directory: errors fail, warnings inform."""

    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


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


def _loc(path: Path, line: int, column: str) -> str:
    return f"{path}:{line}: {column}:"


def read_text_table(path: Path, res: Resource, report: Report) -> pl.DataFrame | None:
    """Read one CSV as all-text columns; file-level problems go to ``report``."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        report.errors.append(
            f"{path}:0: file: missing; restore it (git checkout {path.name})"
            f" or create it with the header from datapackage.json"
        )
        return None
    except OSError as exc:
        report.errors.append(f"{path}:0: file: cannot be read ({exc.strerror}); check the path and its permissions")
        return None
    return parse_text_table(path, raw, res, report)


def parse_text_table(path: Path, raw: bytes, res: Resource, report: Report) -> pl.DataFrame | None:
    """Parse the bytes of one CSV (named ``path`` in messages) as all-text columns.

    The same checks whether the bytes come from a data file, a batch given to
    ``tracker add --from-file`` or a writer's merged result in memory.
    """
    if raw.startswith(b"\xef\xbb\xbf"):
        report.errors.append(
            f"{_loc(path, 1, 'file')} starts with a byte-order mark (BOM); save it as UTF-8 without BOM"
        )
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = raw[: exc.start].split(b"\n")[-1].count(b",")
        name = res.columns[col] if col < len(res.columns) else f"field {col + 1}"
        report.errors.append(
            f"{_loc(path, line, name)} byte 0x{raw[exc.start]:02x} is not UTF-8; re-save the file as UTF-8"
        )
        return None
    if not text.strip():
        report.errors.append(
            f"{_loc(path, 1, 'file')} is empty; it needs at least the header line: {','.join(res.columns)}"
        )
        return None
    if "\r" in text:
        line = text[: text.index("\r")].count("\n") + 1
        report.errors.append(
            f"{_loc(path, line, 'file')} has Windows (CRLF) or CR line endings; convert to LF (e.g. dos2unix)"
        )
        return None
    header_line = text.split("\n", 1)[0]
    header = next(csv.reader([header_line]))
    if header != res.columns:
        if len(header) == 1 and any(d in header_line for d in ";\t|"):
            sep = next(d for d in ";\t|" if d in header_line)
            report.errors.append(f"{_loc(path, 1, 'header')} fields are separated by {sep!r}; use commas")
        else:
            missing = [c for c in res.columns if c not in header]
            extra = [c for c in header if c not in res.columns]
            detail = []
            if missing:
                detail.append("missing " + ", ".join(missing))
            if extra:
                detail.append("unexpected " + ", ".join(extra))
            if not detail:
                detail.append("columns out of order")
            report.errors.append(
                f"{_loc(path, 1, 'header')} {'; '.join(detail)}; the header must be exactly: {','.join(res.columns)}"
            )
        return None
    try:
        df = pl.read_csv(io.BytesIO(raw), infer_schema=False, raise_if_empty=False).with_columns(pl.all().fill_null(""))
    except Exception:  # polars' parse errors do not say where: find the line ourselves
        df = None
    if df is None or df.width != len(res.columns):
        for i, row in enumerate(csv.reader(io.StringIO(text)), start=1):
            if len(row) != len(res.columns):
                report.errors.append(
                    f"{_loc(path, i, 'row')} has {len(row)} fields, the header has {len(res.columns)}"
                    f"; check commas and quotes on that line"
                )
                return None
        report.errors.append(f"{_loc(path, 1, 'file')} could not be parsed as CSV; check quoting")
        return None
    if (df.height + 1) != text.rstrip("\n").count("\n") + 1:
        # A quoted field spans lines: line numbers would lie, so refuse it.
        for i, row in enumerate(csv.reader(io.StringIO(text)), start=1):
            if any("\n" in v for v in row):
                report.errors.append(
                    f"{_loc(path, i, 'row')} a field contains a line break; keep every row on one line"
                )
                return None
    short = _ragged_line(text, len(res.columns))
    if short is not None:  # polars pads a short row with empty fields: it must not pass
        line, n = short
        report.errors.append(
            f"{_loc(path, line, 'row')} has {n} fields, the header has {len(res.columns)}"
            f"; check commas and quotes on that line"
        )
        return None
    return df


def _ragged_line(text: str, ncols: int) -> tuple[int, int] | None:
    """(line, fields) of the first data line whose field count is not ``ncols``.

    Vectorised: quoted fields (with ``""`` escapes) are blanked out and the
    commas left are counted; only a line that looks wrong is re-read with the
    csv module to confirm.
    """
    lines = pl.Series([text.rstrip("\n")]).str.split("\n").explode().slice(1)
    if lines.len() == 0:
        return None
    plain = lines.str.count_matches(",", literal=True) + 1
    suspects = ((plain != ncols) | lines.str.contains('"', literal=True)).arg_true()
    if suspects.len() == 0:
        return None
    sub = lines.gather(suspects)
    counts = sub.str.replace_all(r'"(?:[^"]|"")*"', "", literal=False).str.count_matches(",", literal=True) + 1
    for i, n in zip(suspects.to_list(), counts.to_list(), strict=True):
        if n != ncols:
            n = len(next(csv.reader([lines[i]]), []))
            if n != ncols:
                return i + 2, n
    return None


def check_cells(path: Path, res: Resource, df: pl.DataFrame, report: Report) -> None:
    """Per-field rules from the Table Schema (vectorised, then reported per row)."""
    today = dt.date.today()
    lines = pl.int_range(2, df.height + 2, eager=True).alias("_line")
    df = df.with_columns(lines)

    checks: list[tuple[pl.Expr, str, object]] = []

    def flag(mask: pl.Expr, col: str, message) -> None:
        checks.append((mask, col, message))

    for f in res.fields:
        c = pl.col(f.name)
        empty = c == ""
        flag(
            (c.str.len_chars() > MAX_FIELD_CHARS),
            f.name,
            f"longer than {MAX_FIELD_CHARS} characters; shorten it (put long text in notes elsewhere)",
        )
        flag(c.str.contains(_CONTROL.pattern), f.name, "contains a control character; remove it")
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
                    flag(
                        ~empty & (num > 1) & (num <= 100),
                        f.name,
                        lambda v: f"{v} looks like a percent; write the fraction {_pct_hint(v)}",
                    )
                    flag(~empty & (num > 100), f.name, lambda v: f"{v} is above 1; scores are fractions in [0, 1]")
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
                    lambda v, m=f.exclusive_minimum: (
                        f"{v} must be greater than {m}; compute is positive (leave it empty when unknown)"
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
            flag(dup, f.name, lambda v: f"{v!r} appears more than once (an earlier line has it); ids must be unique")

    # One pass finds which rules fire anywhere; only those are filtered for their lines.
    fired = df.select([mask.any().alias(f"_{i}") for i, (mask, _, _) in enumerate(checks)]).row(0)
    for hit, (mask, col, message) in zip(fired, checks, strict=True):
        if not hit:
            continue
        bad = df.filter(mask).select("_line", col).head(50)
        for line, value in bad.iter_rows():
            msg = message(value) if callable(message) else message
            report.errors.append(f"{_loc(path, line, col)} {msg}")


def _pct_hint(v: str) -> str:
    try:
        return f"{float(str(v).strip().rstrip('%')) / 100:g}"
    except ValueError:
        return "0.864 for 86.4%"


def _check_keys(path: Path, res: Resource, df: pl.DataFrame, report: Report) -> None:
    if len(res.primary_key) > 1:
        pk = list(res.primary_key)
        dup = df.with_row_index("_i").filter(pl.struct(pk).is_duplicated())
        seen: dict[tuple, int] = {}
        for row in dup.select(["_i", *pk]).iter_rows():
            key = row[1:]
            if key in seen:
                report.errors.append(
                    f"{_loc(path, row[0] + 2, pk[0])} duplicates line {seen[key]} on ({', '.join(pk)}); "
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


def _check_cross(pkg: Package, t: dict[str, pl.DataFrame], report: Report) -> None:
    """Foreign keys and the rules that need more than one column or table."""
    for name, res in pkg.resources.items():
        if name not in t:
            continue
        df = t[name].with_row_index("_i")
        for col, ref_res, ref_col in res.foreign_keys:
            if ref_res not in t:
                continue
            known = t[ref_res][ref_col]
            bad = df.filter(pl.col(col).is_not_null() & ~pl.col(col).is_in(known.implode()))
            for i, v in bad.select("_i", col).head(50).iter_rows():
                hint = (
                    "add it to models.csv first (tracker add model)"
                    if ref_res == "models"
                    else f"use an id from {ref_res}.csv"
                )
                report.errors.append(
                    f"{_loc(pkg.path(name), i + 2, col)} {v!r} is not a known {ref_res[:-1]} id; {hint}"
                )
    if "models" in t:
        m = t["models"].with_row_index("_i")
        p = pkg.path("models")
        for i, lo, c in (
            m.filter(pl.col("compute_low") > pl.col("compute_flop"))
            .select("_i", "compute_low", "compute_flop")
            .iter_rows()
        ):
            report.errors.append(
                f"{_loc(p, i + 2, 'compute_low')} {lo:g} is above the estimate {c:g}"
                f"; bounds must satisfy low <= estimate <= high"
            )
        for i, hi, c in (
            m.filter(pl.col("compute_high") < pl.col("compute_flop"))
            .select("_i", "compute_high", "compute_flop")
            .iter_rows()
        ):
            report.errors.append(
                f"{_loc(p, i + 2, 'compute_high')} {hi:g} is below the estimate {c:g}"
                f"; bounds must satisfy low <= estimate <= high"
            )
        for i, lo, hi in (
            m.filter(pl.col("compute_low") > pl.col("compute_high"))
            .select("_i", "compute_low", "compute_high")
            .iter_rows()
        ):
            report.errors.append(
                f"{_loc(p, i + 2, 'compute_low')} {lo:g} is above compute_high {hi:g}; swap or correct the bounds"
            )
        absurd = m.filter((pl.col("compute_flop") < MIN_PLAUSIBLE_FLOP) | (pl.col("compute_flop") > MAX_PLAUSIBLE_FLOP))
        for i, c in absurd.select("_i", "compute_flop").iter_rows():
            report.errors.append(
                f"{_loc(p, i + 2, 'compute_flop')} {c:g} FLOP is implausible for a language model "
                f"(expected {MIN_PLAUSIBLE_FLOP:g} to {MAX_PLAUSIBLE_FLOP:g}); check the exponent"
            )
        nosrc = m.filter(pl.col("compute_flop").is_not_null() & pl.col("compute_source").is_null())
        for (i,) in nosrc.select("_i").iter_rows():
            report.errors.append(
                f"{_loc(p, i + 2, 'compute_source')} compute is given without a source"
                f"; name who estimated it (and the snapshot)"
            )
    if "benchmarks" in t:
        _check_benchmarks(pkg, t["benchmarks"], report)
    if "scores" in t and "settings" in t:
        _check_settings_used(pkg, t["scores"], t["settings"], report)
    if "models" in t:
        _check_versions(pkg, t["models"], report)
    if "scores" in t:
        _check_scores_dated(pkg, t, report)
    if "scores" in t and "benchmarks" in t:
        s = (
            t["scores"]
            .with_row_index("_i")
            .join(t["benchmarks"].select("id", "floor"), left_on="benchmark_id", right_on="id", how="left")
        )
        low = s.filter(pl.col("score") < pl.col("floor"))
        for i, v, f, b in low.select("_i", "score", "floor", "benchmark_id").head(50).iter_rows():
            report.warnings.append(
                f"{_loc(pkg.path('scores'), i + 2, 'score')} {v:g} is below the chance floor {f:g} of {b}"
                f"; check it (kept: small models can score below chance)"
            )


def _check_benchmarks(pkg: Package, b: pl.DataFrame, report: Report) -> None:
    """floor < ceiling, and every alias names one benchmark only (an id or another's alias would be ambiguous)."""
    p = pkg.path("benchmarks")
    owner: dict[str, tuple[str, int]] = {}
    for i, r in enumerate(b.select("id", "floor", "ceiling", "aliases").iter_rows(named=True)):
        if r["floor"] is not None and r["ceiling"] is not None and r["floor"] >= r["ceiling"]:
            report.errors.append(
                f"{_loc(p, i + 2, 'floor')} {r['floor']:g} is not below the ceiling {r['ceiling']:g}; "
                "the chance floor must be lower than the highest attainable score"
            )
        owner.setdefault(r["id"].lower(), (r["id"], i + 2))
    for i, r in enumerate(b.select("id", "aliases").iter_rows(named=True)):
        names = [a.strip().lower() for a in (r["aliases"] or "").split(";") if a.strip()]
        for a in names:
            other = owner.get(a)
            if other is not None and other[0] != r["id"]:
                report.errors.append(
                    f"{_loc(p, i + 2, 'aliases')} {a!r} already names {other[0]} (line {other[1]}); "
                    "an alias must name one benchmark only: remove or rename it"
                )
            else:
                owner[a] = (r["id"], i + 2)


def setting_known(setting: str, known: list[str]) -> bool:
    """True when ``setting`` equals a vocabulary entry or matches one of its globs (``system: *``)."""
    import fnmatch

    return any(setting == k or (("*" in k or "?" in k) and fnmatch.fnmatchcase(setting, k)) for k in known)


def _check_settings_used(pkg: Package, scores: pl.DataFrame, vocab: pl.DataFrame, report: Report) -> None:
    """Every score's setting is in its benchmark's vocabulary (settings.csv): a typo is refused, not dropped."""
    known: dict[str, list[str]] = {}
    for b, st in vocab.select("benchmark_id", "setting").iter_rows():
        known.setdefault(b, []).append(st)
    pairs = (
        scores.with_row_index("_i").group_by("benchmark_id", "setting", maintain_order=True).agg(pl.col("_i").first())
    )
    n = 0
    for b, st, i in pairs.iter_rows():
        if setting_known(st, known.get(b, [])):
            continue
        choices = ", ".join(known.get(b, [])[:8]) or "none yet"
        report.errors.append(
            f"{_loc(pkg.path('scores'), i + 2, 'setting')} {st!r} is not a known setting of {b} (known: {choices}); "
            f"fix a typo, or add it on purpose to {pkg.resources['settings'].path} (tracker add score --new-setting)"
        )
        n += 1
        if n >= 50:
            break


def _check_versions(pkg: Package, models: pl.DataFrame, report: Report) -> None:
    """A family is a line's first release; a preview is in no fit or trend (no compute, not frontier)."""
    p = pkg.path("models")
    m = models.with_row_index("_i")
    roots = m.select(pl.col("id").alias("family"), pl.col("family").alias("_root_family"))
    chained = m.join(roots, on="family", how="inner").filter(pl.col("_root_family") != pl.col("family"))
    for i, fam, root in chained.select("_i", "family", "_root_family").head(50).iter_rows():
        report.errors.append(
            f"{_loc(p, i + 2, 'family')} {fam!r} is itself a version of {root!r}; "
            f"point family to the line's first release ({root})"
        )
    if "preview" not in m.columns:
        return
    bad = m.filter(pl.col("preview") & (pl.col("compute_flop").is_not_null() | pl.col("frontier").fill_null(False)))
    for i, mid in bad.select("_i", "id").head(50).iter_rows():
        report.errors.append(
            f"{_loc(p, i + 2, 'preview')} {mid} is a preview (announced, not publicly available) but carries a "
            "compute estimate or the frontier flag: a preview is in no fit or trend; move the estimate to "
            "notes and set frontier false, or set preview false once it is released"
        )


def _check_scores_dated(pkg: Package, t: dict[str, pl.DataFrame], report: Report) -> None:
    """Lab rows say how they were checked; no score is dated before its version or its benchmark existed."""
    p = pkg.path("scores")
    s = t["scores"].with_row_index("_i")
    if "checked" in s.columns:
        for (i,) in (
            s.filter((pl.col("source_kind") == "lab") & pl.col("checked").is_null()).select("_i").head(50).iter_rows()
        ):
            report.errors.append(
                f"{_loc(p, i + 2, 'checked')} is empty but required for lab rows; write "
                "'YYYY-MM-DD: read in stored copy of <url>' or 'unverified: <why>'"
            )
    dated = s.filter(pl.col("date_reported").is_not_null())
    if "models" in t:
        early = dated.join(
            t["models"].select(pl.col("id").alias("model_id"), "release_date"), on="model_id", how="inner"
        ).filter(pl.col("date_reported") < pl.col("release_date"))
        for i, d, mid, r in early.select("_i", "date_reported", "model_id", "release_date").head(50).iter_rows():
            report.errors.append(
                f"{_loc(p, i + 2, 'date_reported')} {d} is before {mid}'s release ({r}); a score belongs to the "
                "version evaluated, dated by its release: move the row to that version (tracker add model "
                "--family ..., with --preview true for an announced, unreleased one) or correct the date"
            )
    if "benchmarks" in t and "published" in t["benchmarks"].columns:
        pub = (
            t["benchmarks"]
            .select(pl.col("id").alias("benchmark_id"), "published")
            .filter(pl.col("published").is_not_null())
        )
        early = dated.join(pub, on="benchmark_id", how="inner").filter(pl.col("date_reported") < pl.col("published"))
        for i, d, b, pd in early.select("_i", "date_reported", "benchmark_id", "published").head(50).iter_rows():
            report.errors.append(
                f"{_loc(p, i + 2, 'date_reported')} {d} is before {b} was published ({pd}); no score is known "
                "before its benchmark existed: use the date the score became public"
            )


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
        if contents is not None and name in contents:
            text = parse_text_table(path, contents[name], res, report)
        else:
            text = read_text_table(path, res, report)
        if text is None:
            continue
        if text.height == 0 and name != "model_aliases":
            report.errors.append(
                f"{_loc(path, 1, 'file')} has a header but no rows; restore the rows (git checkout {path.name})"
            )
            continue
        before = len(report.errors)
        check_cells(path, res, text, report)
        if len(report.errors) == before:
            _check_keys(path, res, text, report)
        if len(report.errors) == before:
            typed[name] = _cast(text, res)
    _check_cross(pkg, typed, report)
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
