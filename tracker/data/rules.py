"""The rules that need more than one cell: keys across tables, compute bounds, the benchmarks' aliases
and floors, the settings vocabulary, model versions and previews, the dates scores became known.

Each problem is reported as ``file:line: column: what is wrong, what to do``;
``check_cross`` runs them all on typed tables (``tracker.data.tables.validate_dir``).
"""

from __future__ import annotations

import polars as pl

from tracker.data.csvtext import Report, loc
from tracker.data.schema import Package

# Training compute outside this range is not a language model's (a typo such
# as a missing exponent digit): 1e12 FLOP is a toy, 1e30 is beyond any plan.
MIN_PLAUSIBLE_FLOP = 1e12


MAX_PLAUSIBLE_FLOP = 1e30


def check_cross(pkg: Package, t: dict[str, pl.DataFrame], report: Report) -> None:
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
                    f"{loc(pkg.path(name), i + 2, col)} {v!r} is not a known {ref_res[:-1]} id; {hint}"
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
                f"{loc(p, i + 2, 'compute_low')} {lo:g} is above the estimate {c:g}"
                f"; bounds must satisfy low <= estimate <= high"
            )
        for i, hi, c in (
            m.filter(pl.col("compute_high") < pl.col("compute_flop"))
            .select("_i", "compute_high", "compute_flop")
            .iter_rows()
        ):
            report.errors.append(
                f"{loc(p, i + 2, 'compute_high')} {hi:g} is below the estimate {c:g}"
                f"; bounds must satisfy low <= estimate <= high"
            )
        for i, lo, hi in (
            m.filter(pl.col("compute_low") > pl.col("compute_high"))
            .select("_i", "compute_low", "compute_high")
            .iter_rows()
        ):
            report.errors.append(
                f"{loc(p, i + 2, 'compute_low')} {lo:g} is above compute_high {hi:g}; swap or correct the bounds"
            )
        absurd = m.filter((pl.col("compute_flop") < MIN_PLAUSIBLE_FLOP) | (pl.col("compute_flop") > MAX_PLAUSIBLE_FLOP))
        for i, c in absurd.select("_i", "compute_flop").iter_rows():
            report.errors.append(
                f"{loc(p, i + 2, 'compute_flop')} {c:g} FLOP is implausible for a language model "
                f"(expected {MIN_PLAUSIBLE_FLOP:g} to {MAX_PLAUSIBLE_FLOP:g}); check the exponent"
            )
        nosrc = m.filter(pl.col("compute_flop").is_not_null() & pl.col("compute_source").is_null())
        for (i,) in nosrc.select("_i").iter_rows():
            report.errors.append(
                f"{loc(p, i + 2, 'compute_source')} compute is given without a source"
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
                f"{loc(pkg.path('scores'), i + 2, 'score')} {v:g} is below the chance floor {f:g} of {b}"
                f"; check it (kept: small models can score below chance)"
            )


def _check_benchmarks(pkg: Package, b: pl.DataFrame, report: Report) -> None:
    """floor < ceiling, and every alias names one benchmark only (an id or another's alias would be ambiguous)."""
    p = pkg.path("benchmarks")
    owner: dict[str, tuple[str, int]] = {}
    for i, r in enumerate(b.select("id", "floor", "ceiling", "aliases").iter_rows(named=True)):
        if r["floor"] is not None and r["ceiling"] is not None and r["floor"] >= r["ceiling"]:
            report.errors.append(
                f"{loc(p, i + 2, 'floor')} {r['floor']:g} is not below the ceiling {r['ceiling']:g}; "
                "the chance floor must be lower than the highest attainable score"
            )
        owner.setdefault(r["id"].lower(), (r["id"], i + 2))
    for i, r in enumerate(b.select("id", "aliases").iter_rows(named=True)):
        names = [a.strip().lower() for a in (r["aliases"] or "").split(";") if a.strip()]
        for a in names:
            other = owner.get(a)
            if other is not None and other[0] != r["id"]:
                report.errors.append(
                    f"{loc(p, i + 2, 'aliases')} {a!r} already names {other[0]} (line {other[1]}); "
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
            f"{loc(pkg.path('scores'), i + 2, 'setting')} {st!r} is not a known setting of {b} (known: {choices}); "
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
            f"{loc(p, i + 2, 'family')} {fam!r} is itself a version of {root!r}; "
            f"point family to the line's first release ({root})"
        )
    frontier = pl.col("frontier").fill_null(False)
    for i, mid, fam in (
        m.filter(frontier & (pl.col("family") != pl.col("id"))).select("_i", "id", "family").head(50).iter_rows()
    ):
        report.errors.append(
            f"{loc(p, i + 2, 'frontier')} {mid} is a later version of {fam} but carries the frontier flag: the "
            f"frontier trend counts each line once, at its first release; set frontier false (the flag is on {fam})"
        )
    unexplained = pl.col("notes").fill_null("").str.contains("frontier", literal=True).not_()
    for i, mid in (
        m.filter(frontier & pl.col("compute_flop").is_null() & unexplained).select("_i", "id").head(50).iter_rows()
    ):
        report.warnings.append(
            f"{loc(p, i + 2, 'frontier')} {mid} carries the frontier flag but no compute estimate: the frontier "
            "trend leaves it out; add the estimate, or say in notes why there is none (a note naming frontier)"
        )
    if "preview" not in m.columns:
        return
    bad = m.filter(pl.col("preview") & (pl.col("compute_flop").is_not_null() | pl.col("frontier").fill_null(False)))
    for i, mid in bad.select("_i", "id").head(50).iter_rows():
        report.errors.append(
            f"{loc(p, i + 2, 'preview')} {mid} is a preview (announced, not publicly available) but carries a "
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
                f"{loc(p, i + 2, 'checked')} is empty but required for lab rows; write "
                "'YYYY-MM-DD: read in <url>' (or 'read in stored copy of <url>') or 'unverified: <why>'"
            )
    dated = s.filter(pl.col("date_reported").is_not_null())
    if "models" in t:
        early = dated.join(
            t["models"].select(pl.col("id").alias("model_id"), "release_date"), on="model_id", how="inner"
        ).filter(pl.col("date_reported") < pl.col("release_date"))
        for i, d, mid, r in early.select("_i", "date_reported", "model_id", "release_date").head(50).iter_rows():
            report.errors.append(
                f"{loc(p, i + 2, 'date_reported')} {d} is before {mid}'s release ({r}); a score belongs to the "
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
                f"{loc(p, i + 2, 'date_reported')} {d} is before {b} was published ({pd}); no score is known "
                "before its benchmark existed: use the date the score became public"
            )
