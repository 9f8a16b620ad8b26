"""The Python surface of tracker, mirroring the command line.

    import tracker
    fc = tracker.forecast("mmlu", 0.9)
    fc.year.median, fc.reached, fc.to_dict()

Every function takes ``data=`` (a datasets/ folder; default: $TRACKER_DATA,
the project's datasets/, or the copy shipped with tracker: see
``tracker.data.location``) so notebooks can point at their own copy.
The API sits over the layers (data, fit, forecast, ingest) and holds no logic
of its own: it loads, resolves names, and calls them. Charts (Altair) are
imported only when a chart is asked for.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import fields
from pathlib import Path
from typing import Any

import polars as pl

from tracker.data import listing, location
from tracker.data import settings as settingsmod
from tracker.data import tables as tablesmod
from tracker.data.catalog import SOURCES, Benchmark, resolve_benchmark
from tracker.data.catalog import benchmarks as _benchmarks
from tracker.data.schema import load_package
from tracker.data.store import Store, check_read_only, query_file, write_db
from tracker.errors import TrackerError, UsageError
from tracker.fit.resample import DEFAULT_SEED
from tracker.forecast import backtest as backtestmod
from tracker.forecast import ledger as ledgermod
from tracker.forecast import methods as methodsmod
from tracker.forecast.forecast import DEFAULT_BOOT, DEFAULT_METHOD, DEFAULT_TREND_SINCE, MAX_BOOT, MIN_BOOT, year_dates
from tracker.forecast.forecast import Forecast as _Forecast
from tracker.forecast.forecast import forecast as _forecast
from tracker.ingest import importing, writer
from tracker.render import report as reportmod

METHODS = methodsmod.METHODS
BASELINES = methodsmod.BASELINES
BACKTEST_BOOT = backtestmod.BACKTEST_BOOT
CHART_KINDS = ("fan", "fit", "progress", "compute")
IMPORT_KINDS = importing.KINDS
#: ``tracker add WHAT`` -> table.
ADD_TABLES = {"score": "scores", "model": "models", "alias": "model_aliases"}

__all__ = [
    "BASELINES",
    "DEFAULT_BOOT",
    "DEFAULT_METHOD",
    "DEFAULT_SEED",
    "DEFAULT_TREND_SINCE",
    "MAX_BOOT",
    "METHODS",
    "SOURCES",
    "Benchmark",
    "Forecast",
    "Store",
    "add",
    "backtest",
    "backtest_chart",
    "benchmark",
    "benchmarks",
    "chart",
    "check_chart_path",
    "check_output",
    "data_dir",
    "forecast",
    "import_file",
    "import_report_text",
    "init_data",
    "ledger",
    "ledger_dir",
    "list_table",
    "load",
    "open_store",
    "parse_date",
    "save_chart",
    "save_forecast",
    "settings",
    "sql",
    "validate",
]


class Forecast(_Forecast):
    """A forecast with a short ``repr`` and ``.report()``, the text ``tracker forecast`` prints.

    >>> fc = tracker.forecast("mmlu", 0.9)          # doctest: +SKIP
    >>> fc                                           # doctest: +SKIP
    <Forecast MMLU >= 0.9 by predictive: median ..., 80% ... to ...; 120 models, data to 2025-...>
    >>> print(fc.report())                           # doctest: +SKIP
    """

    def report(self) -> str:
        """The text ``tracker forecast`` prints for this forecast."""
        return reportmod.report(self)

    def __repr__(self) -> str:
        y = year_dates(self.year) or {}
        if self.reached is not None:
            state = f"reached by {self.reached.model_name} on {self.reached.date}"
        elif y.get("median"):
            state = f"median {y['median']}, 80% {y.get('lo80') or 'open'} to {y.get('hi80') or 'never'}"
        else:
            state = "never reached in most resamples"
        end = self.data_end or self.as_of
        return (
            f"<Forecast {self.benchmark.name} >= {self.target:g} by {self.method}: {state}; "
            f"{self.data.n_fit} models, data to {end}>"
        )

    __str__ = __repr__

    @classmethod
    def wrap(cls, fc: _Forecast) -> "Forecast":
        """The same forecast, as this class."""
        return cls(**{f.name: getattr(fc, f.name) for f in fields(fc)})


def _root(data: str | Path | None) -> Path:
    return location.find(data).path


def data_dir(data: str | Path | None = None) -> location.Location:
    """Which data folder a command uses, and how it was found (``--data``, ``$TRACKER_DATA``, project, shipped).

    >>> tracker.data_dir().origin in ("--data", "$TRACKER_DATA", "project", "shipped")  # doctest: +SKIP
    True
    """
    return location.find(data)


def ledger_dir(data: str | Path | None = None) -> location.Location:
    """The ledger folder commands use with the data folder ``data`` (read only beside the shipped data)."""
    return location.ledger(None, data)


def init_data(dest: str | Path) -> tuple[Path, Path]:
    """Copy the shipped data and ledger into ``dest/datasets`` and ``dest/forecasts`` (``tracker data init``).

    >>> tracker.init_data("my-tracker")  # doctest: +SKIP
    (PosixPath('my-tracker/datasets'), PosixPath('my-tracker/forecasts'))
    """
    return location.init(dest)


def load(data: str | Path | None = None) -> tablesmod.Tables:
    """Validated, typed tables (raises ``DataError`` listing every problem).

    >>> t = tracker.load()                      # doctest: +SKIP
    >>> t.scores.height                         # doctest: +SKIP
    """
    return tablesmod.load(_root(data))


def validate(data: str | Path | None = None) -> tablesmod.Report:
    """Check a data folder against the rules; the report lists errors and warnings.

    >>> tracker.validate().ok                   # doctest: +SKIP
    True
    """
    return tablesmod.validate_dir(_root(data))[0]


def open_store(data: str | Path | None = None, db: str | Path | None = None) -> Store:
    """A DuckDB store over the tables (in memory, or a new file ``db``). Close it when done.

    >>> with tracker.open_store() as store:     # doctest: +SKIP
    ...     store.query("SELECT count(*) FROM scores")
    """
    return Store(load(data), db=db)


def benchmark(name: str, data: str | Path | None = None) -> Benchmark:
    """A benchmark by id or alias (``"mmlu"``, ``"gpqa"``, ``"swe-bench"``, ``"fm"``).

    >>> tracker.benchmark("gpqa").id            # doctest: +SKIP
    'gpqa-diamond'
    """
    return resolve_benchmark(load(data), name)


def benchmarks(data: str | Path | None = None) -> list[Benchmark]:
    """Every benchmark of the data.

    >>> [b.id for b in tracker.benchmarks()]    # doctest: +SKIP
    """
    return _benchmarks(load(data))


def parse_date(value: dt.date | str, name: str = "date") -> dt.date:
    """A date from a ``datetime.date`` or an ISO string (``UsageError`` otherwise).

    >>> parse_date("2024-05-13")
    datetime.date(2024, 5, 13)
    """
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    try:
        if len(text) != 10:
            raise ValueError(text)
        d = dt.date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{name} {value!r} is not a date; write YYYY-MM-DD") from None
    if not MIN_DATE <= d <= MAX_DATE:
        raise UsageError(f"{name} {d} is out of range; use a date between {MIN_DATE} and {MAX_DATE}")
    return d


#: Dates a command accepts: no AI benchmark before 1950; decimal years stay exact to 2200.
MIN_DATE = dt.date(1950, 1, 1)
MAX_DATE = dt.date(2200, 12, 31)


def check_boot(n_boot: int | None, default: int) -> int:
    """The resample count to use: ``default`` when None; refuses counts outside [MIN_BOOT, MAX_BOOT]."""
    if n_boot is None:
        return default
    if isinstance(n_boot, bool) or not isinstance(n_boot, int):
        raise UsageError(f"--boot {n_boot!r} is not a whole number; use one between {MIN_BOOT} and {MAX_BOOT}")
    if not MIN_BOOT <= n_boot <= MAX_BOOT:
        raise UsageError(f"--boot {n_boot} is out of range; use {MIN_BOOT} to {MAX_BOOT} resamples (default {default})")
    return n_boot


def check_seed(seed: int | None) -> int:
    """The seed to use: the default when None; numpy takes 0 <= seed < 2**63 here."""
    if seed is None:
        return DEFAULT_SEED
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**63:
        raise UsageError(f"--seed {seed!r} is out of range; use a whole number from 0 to {2**63 - 1}")
    return seed


def forecast(
    bench: str,
    target: float,
    *,
    data: str | Path | None = None,
    as_of: dt.date | str | None = None,
    source: str | None = None,
    settings: list[str] | None = None,
    include_imputed: bool = False,
    ceiling: float | None = None,
    n_boot: int = DEFAULT_BOOT,
    seed: int = DEFAULT_SEED,
    trend_since: dt.date | str = DEFAULT_TREND_SINCE,
    compute_noise: bool = False,
    method: str | None = None,
) -> Forecast:
    """When will ``bench`` reach ``target``? See ``tracker.forecast.forecast`` for the method.

    >>> fc = tracker.forecast("mmlu", 0.9)                  # doctest: +SKIP
    >>> fc.year.median, fc.reached                          # doctest: +SKIP
    >>> print(fc.report())                                  # the CLI's text  # doctest: +SKIP
    >>> tracker.forecast("fm", 0.9, method="date").to_dict() # doctest: +SKIP
    """
    n_boot = check_boot(n_boot, DEFAULT_BOOT)
    seed = check_seed(seed)
    as_of_d = parse_date(as_of, "as_of") if as_of else None
    since = parse_date(trend_since, "trend_since")
    tables = load(data)
    b = resolve_benchmark(tables, bench)
    if settings:
        settings = settingsmod.check_patterns(tables, b, settings)
    with Store(tables) as store:
        return Forecast.wrap(
            _forecast(
                store,
                b,
                target,
                as_of=as_of_d,
                source=source,
                settings=settings,
                include_imputed=include_imputed,
                ceiling=ceiling,
                n_boot=n_boot,
                seed=seed,
                trend_since=since,
                compute_noise=compute_noise,
                method=method,
            )
        )


def sql(
    query: str, data: str | Path | None = None, db: str | Path | None = None, *, force: bool = False
) -> pl.DataFrame:
    """Run one read-only SQL statement over the tables and views (``tracker sql``).

    Read-only is enforced by DuckDB: the statement is parsed and only a
    query may run, on a read-only connection when ``db`` is given. ``db`` is
    a new file to keep the database in; an existing file is replaced only
    with ``force=True``.

    >>> tracker.sql("SELECT model_name, score FROM scores_joined ORDER BY score DESC LIMIT 3")  # doctest: +SKIP
    """
    check_read_only(query)  # refuse before anything is built or written
    tables = load(data)
    if db is not None:
        db = _guard_output(db, data, what="--db")
        build_db(tables, db, force=force)
        return query_db(db, query)
    with Store(tables) as store:
        return store.query(query)


def build_db(tables: tablesmod.Tables, db: str | Path, *, force: bool = False) -> Path:
    """Write the tables and views to a new DuckDB file ``db`` (an existing one only with ``force``)."""
    return write_db(tables, Path(db), force=force)


def query_db(db: str | Path, query: str) -> pl.DataFrame:
    """One read-only statement on the DuckDB file ``db``, opened read only."""
    return query_file(Path(db), query)


def settings(bench: str | None = None, *, data: str | Path | None = None) -> pl.DataFrame:
    """The settings vocabulary (``tracker list settings``): kind, whether in the default preference, score count.

    >>> tracker.settings("swe")  # doctest: +SKIP
    """
    return listing.table(load(data), "settings", bench=bench)


def list_table(what: str, *, data: str | Path | None = None, **filters: Any) -> pl.DataFrame:
    """Rows of ``benchmarks``, ``models``, ``scores`` or ``settings`` (``tracker list``); filters as keywords.

    >>> tracker.list_table("scores", bench="gpqa", limit=5)  # doctest: +SKIP
    >>> tracker.list_table("settings", bench="swe")          # doctest: +SKIP
    """
    return listing.table(load(data), what, **filters)


def backtest(
    benches: list[str] | str | None = None,
    *,
    data: str | Path | None = None,
    as_of: list[dt.date | str] | None = None,
    methods: list[str] | None = None,
    n_boot: int | None = None,
    seed: int | None = None,
    grid: str = "quick",
    progress=None,
) -> backtestmod.Backtest:
    """Backtest every method and baseline (``tracker backtest``) on the ``"quick"`` or ``"dense"`` grid.

    >>> bt = tracker.backtest("gpqa", grid="dense")  # doctest: +SKIP
    >>> bt.summary("pooled", "predictive").stats     # doctest: +SKIP
    """
    n_boot = check_boot(n_boot, BACKTEST_BOOT)
    seed = check_seed(seed)
    dates = [parse_date(d, "as_of") for d in as_of] if as_of else None
    tables = load(data)
    if isinstance(benches, str):
        benches = [benches]
    bs = [resolve_benchmark(tables, b) for b in (benches or list(backtestmod.GRIDS))]
    bs = list({b.id: b for b in bs}.values())  # an alias and its id name one benchmark: run it once
    with Store(tables) as store:
        if grid not in backtestmod.GRIDS_BY_NAME:
            raise UsageError(f"unknown grid {grid!r}; use one of: {', '.join(backtestmod.GRIDS_BY_NAME)}")
        return backtestmod.run(
            store,
            bs,
            as_of=dates,
            methods=tuple(methods) if methods else METHODS + BASELINES,
            grid=backtestmod.GRIDS_BY_NAME[grid],
            n_boot=n_boot,
            seed=seed,
            progress=progress,
        )


def ledger(folder: str | Path | None = None, *, data: str | Path | None = None) -> list[ledgermod.Scored]:
    """Saved forecasts verified and scored against today's data (``tracker ledger``).

    >>> [(r.path, r.check, r.status) for r in tracker.ledger()]  # doctest: +SKIP
    """
    return ledgermod.score(folder, data=data)


def save_forecast(
    fc: Forecast, inputs: dict, *, folder: str | Path | None = None, data: str | Path | None = None
) -> list[Path]:
    """Write ``fc`` to the ledger (write-once, signed JSON) and its fit chart as SVG beside it.

    Returns the paths written. A chart that cannot be drawn never loses the
    record, and an existing file is never replaced.

    >>> tracker.save_forecast(fc, {"bench": "mmlu", "target": 0.9}, folder="my-ledger")  # doctest: +SKIP
    """
    path = ledgermod.save(fc, inputs, folder=folder, data_dir=_root(data))
    written = [path]
    try:
        written.append(save_chart(chart("fit", fc), path.with_suffix(".svg"), exclusive=True))
    except (TrackerError, ValueError, OSError):  # the record is the ledger entry; the chart is a courtesy
        pass
    return written


# -- charts (Altair is imported only here, when a chart is asked for) ------------------------
def chart(kind: str, fc: Forecast, **options: Any):
    """An Altair chart of a forecast (built, not saved): ``"fan"`` (the predictive forecast: the state of the
    art's fan and when the target falls), ``"fit"``, ``"progress"`` or ``"compute"`` (the compute method).

    >>> c = tracker.chart("fan", tracker.forecast("gpqa", 0.95))  # doctest: +SKIP
    >>> tracker.save_chart(c, "gpqa-fan.png", scale=2)           # doctest: +SKIP
    """
    if kind == "fan":
        from tracker.render import fan_chart  # lazy: altair costs a second of start-up

        options.pop("labels", None)
        return fan_chart.fan_chart(fc, **options)
    from tracker.render import charts  # lazy: altair

    return charts.chart(kind, fc, **options)


def backtest_chart(bt: backtestmod.Backtest, kind: str = "dates", **options: Any):
    """An Altair chart of a backtest: ``"dates"`` (forecast against actual dates) or ``"calibration"``."""
    from tracker.render import backtest_chart as bc  # lazy: altair

    if kind not in ("dates", "calibration"):
        raise UsageError(f"unknown backtest chart {kind!r}; use dates or calibration")
    return bc.chart(bt, **options) if kind == "dates" else bc.calibration_chart(bt, **options)


def _guard_output(path: str | Path, data: str | Path | None, *, what: str = "output") -> Path:
    """Refuse an output path inside the data folder or the ledger: outputs never replace those files."""
    p = Path(path)
    try:
        target = p.resolve()
    except (OSError, RuntimeError):
        raise UsageError(f"{what} {path}: cannot resolve the path") from None
    guarded = [
        location.find(data).path,
        location.ledger(None, data).path,
        location.SHIPPED_DATA,
        location.SHIPPED_LEDGER,
    ]
    for folder in guarded:
        try:
            root = folder.resolve()
        except (OSError, RuntimeError):
            continue
        if target == root or root in target.parents:
            raise UsageError(
                f"{what} {path} is inside {folder}, which holds the data or the saved forecasts; "
                "write outputs elsewhere"
            )
    return p


def check_output(path: str | Path, data: str | Path | None = None, what: str = "output") -> Path:
    """Refuse an output path that would land in the data folder or the ledger."""
    return _guard_output(path, data, what=what)


def check_chart_path(path: str | Path, scale: float = 1, data: str | Path | None = None) -> Path:
    """Refuse a chart path before any work is done (unknown extension, missing folder, bad scale, data or ledger)."""
    from tracker.render import export  # lazy: altair

    _guard_output(path, data)
    return export.check_path(path, scale)


def chart_paths(outs: list[str | Path], stem: str, scale: float = 1, data: str | Path | None = None) -> list[Path]:
    """Every file the ``--out`` values name (a folder gets PNG, SVG and HTML), each checked."""
    from tracker.render import export  # lazy: altair

    paths: list[Path] = []
    for out in outs:
        for p in export.out_paths(out, stem):
            if p not in paths:
                paths.append(check_chart_path(p, scale, data))
    return paths


def save_chart(chart_obj, path: str | Path, scale: float = 1, *, exclusive: bool = False) -> Path:
    """Write a chart by extension: .html (offline, escaped), .svg, .png, .json; atomically.

    >>> tracker.save_chart(tracker.chart("progress", fc), "gpqa.html")  # doctest: +SKIP
    """
    from tracker.render import export  # lazy: altair and vl_convert

    return export.save(chart_obj, path, scale, exclusive=exclusive)


# -- changing the data ------------------------------------------------------------------------
def on_lock_wait(callback) -> None:
    """Call ``callback(message)`` when a write waits for another writer's lock (the CLI prints it)."""
    writer.on_wait = callback


def add(
    what: str,
    values: dict[str, str] | None = None,
    *,
    from_file: str | Path | None = None,
    data: str | Path | None = None,
    dry_run: bool = False,
    new_setting: bool = False,
) -> writer.Result:
    """Add rows (``what``: score, model or alias) from field values or a CSV batch, validated and atomic.

    A benchmark may be named by alias (``benchmark_id="gpqa"``); a setting the
    benchmark does not know is refused unless ``new_setting=True`` (then it is
    added with a warning).

    >>> tracker.add("score", {"model_id": "gpt-4o", "benchmark_id": "mmlu", "score": "0.887", ...},
    ...             data="my-tracker/datasets", dry_run=True)  # doctest: +SKIP
    """
    table = ADD_TABLES.get(what)
    if table is None:
        raise UsageError(f"cannot add {what!r}; use one of: {', '.join(ADD_TABLES)}")
    root = _root(data) if dry_run else location.writable(data, action=f"add {what} rows")
    res = load_package(root).resources[table]
    given = {k: v for k, v in (values or {}).items() if v is not None}
    if from_file:
        if given:
            raise UsageError(
                "give either --from-file or field options, not both "
                f"(got {', '.join('--' + c.replace('_', '-') for c in given)})"
            )
        try:
            raw = Path(from_file).read_bytes()
        except OSError as exc:
            raise UsageError(f"{from_file}: cannot read it ({exc.strerror})") from None
        rows = writer.check_batch(str(from_file), raw, res)
    else:
        if not given:
            raise UsageError(
                f"nothing to add: give the fields as options (see 'tracker add {what} --help') or --from-file"
            )
        rows = writer.option_row(res, given)
    if table != "scores":
        return writer.add_rows(root, table, rows, dry_run=dry_run)
    # Scores: benchmark aliases resolved, settings checked against the vocabulary.
    tables = load(root)
    checked, vocab, warnings = [], {}, []
    for r in rows:
        values, vrow, warning = settingsmod.check_score(
            tables, r.values, new_setting=new_setting, where=r.origin.locate("setting")
        )
        checked.append(writer.Row(values, r.origin))
        if vrow is not None and (vrow["benchmark_id"], vrow["setting"]) not in vocab:
            vocab[(vrow["benchmark_id"], vrow["setting"])] = writer.Row(vrow, r.origin)
            warnings.append(warning)

    def build(current: writer.Current) -> writer.Batch:
        # Decided under the lock: another writer may have added the same new setting meanwhile.
        state = current.tables.get("settings")
        have = {(r["benchmark_id"], r["setting"]) for r in state.rows} if state else set()
        new = [row for key, row in vocab.items() if key not in have]
        return writer.Batch(add={"scores": checked, **({"settings": new} if new else {})})

    result = writer.commit(root, build, dry_run=dry_run)
    result.warnings[:0] = warnings
    return result


def add_text(table: str, added: list[dict[str, str]], *, dry_run: bool, data: str | Path | None = None) -> str:
    """The preview and summary ``tracker add`` prints."""
    path = load_package(_root(data)).resources[table].path
    lines = writer.preview_lines(table, added)
    verb = "would add" if dry_run else "added"
    lines.append(
        f"{verb} {len(added)} row{'s' if len(added) != 1 else ''} to {path}"
        + (" (dry run: nothing written)" if dry_run else "")
    )
    return "\n".join(lines)


def import_file(
    kind: str, file: str | Path, *, data: str | Path | None = None, **options: Any
) -> importing.ImportReport:
    """Merge a published file into the data (``tracker import``): new rows added, changes reported.

    >>> tracker.import_file("epoch-mmlu", "mmlu.csv", data="my-tracker/datasets", dry_run=True)  # doctest: +SKIP
    """
    root = _root(data) if options.get("dry_run") else location.writable(data, action=f"import {kind}")
    return importing.import_file(kind, file, data=root, **options)


def import_report_text(report: importing.ImportReport, *, limit: int = 20) -> str:
    """The summary ``tracker import`` prints."""
    return importing.report_text(report, limit=limit)
