"""Charts as functions: build an Altair chart from a forecast or a backtest, check a path, save it.

Altair costs a second of start-up, so the render modules that use it are
imported inside these functions, when a chart is asked for.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tracker.errors import UsageError
from tracker.forecast.result import Forecast
from tracker.inputs import check_width, guard_output, whole

if TYPE_CHECKING:  # an annotation only: tracker forecast does not load the backtest
    from tracker.forecast.backtest import Backtest

CHART_KINDS = ("fan", "fit", "progress", "compute")


def chart(kind: str, fc: Forecast, **options: Any):
    """An Altair chart of a forecast (built, not saved): ``"fan"`` (the predictive forecast: the state of the
    art's fan and when the target falls), ``"fit"``, ``"progress"`` or ``"compute"`` (the compute method).

    >>> c = tracker.chart("fan", tracker.forecast("gpqa", 0.95))  # doctest: +SKIP
    >>> tracker.save_chart(c, "gpqa-fan.png", scale=2)           # doctest: +SKIP
    """
    check_width(options.get("width"))
    if options.get("width") is not None:
        options["width"] = whole(options["width"])
    if kind not in CHART_KINDS:
        raise UsageError(f"unknown chart {kind!r}; choose one of {', '.join(CHART_KINDS)}")
    if kind == "fan":
        from tracker.render import fan_chart  # lazy: altair costs a second of start-up

        if options.pop("labels", None):
            raise UsageError("--label names models on the fit, progress and compute charts; the fan chart names none")
        return fan_chart.fan_chart(fc, **options)
    from tracker.render import charts  # lazy: altair

    return charts.chart(kind, fc, **options)


def backtest_chart(bt: "Backtest", kind: str = "dates", **options: Any):
    """An Altair chart of a backtest: ``"dates"`` (forecast against actual dates) or ``"calibration"``."""
    from tracker.render import backtest_chart as bc  # lazy: altair

    check_width(options.get("width"))
    if kind not in ("dates", "calibration"):
        raise UsageError(f"unknown backtest chart {kind!r}; use dates or calibration")
    return bc.chart(bt, **options) if kind == "dates" else bc.calibration_chart(bt, **options)


def check_chart_path(path: str | Path, scale: float = 1, data: str | Path | None = None) -> Path:
    """Refuse a chart path before any work is done (unknown extension, missing folder, bad scale, data or ledger)."""
    from tracker.render import export  # lazy: altair

    guard_output(path, data)
    return export.check_path(path, scale)


def chart_paths(outs: list[str | Path], stem: str, scale: float = 1, data: str | Path | None = None) -> list[Path]:
    """Every file the ``--out`` values name (a folder gets PNG, SVG and HTML), each checked."""
    from tracker.render import export  # lazy: altair

    paths: list[Path] = []
    for out in outs:
        if str(out).endswith(("/", os.sep)) and not Path(out).exists():
            # a folder named as such ("charts/") that is not there yet: made, once checked like any output
            guard_output(out, data)
            try:
                Path(out).mkdir(parents=True)
            except OSError as exc:
                raise UsageError(f"cannot make the folder {out}: {exc.strerror or exc}") from None
        for p in export.out_paths(out, stem):
            if p not in paths:
                paths.append(check_chart_path(p, scale, data))
    return paths


def save_chart(
    chart_obj, path: str | Path, scale: float = 1, *, exclusive: bool = False, data: str | Path | None = None
) -> Path:
    """Write a chart by extension: .html (offline, escaped), .svg, .png, .json; atomically.

    A path inside the data folder (``data``, found as every command finds it) or the ledger is refused
    (``UsageError``): a chart never replaces a data file or a saved forecast.

    >>> tracker.save_chart(tracker.chart("progress", fc), "gpqa.html")  # doctest: +SKIP
    """
    from tracker.render import export  # lazy: altair and vl_convert

    guard_output(path, data)
    return export.save(chart_obj, path, scale, exclusive=exclusive)


def save_record_chart(chart_obj, path: str | Path) -> Path:
    """The chart beside a ledger record (``save_forecast``): inside the ledger by design, so not guarded as an
    output; written once, never over an existing file."""
    from tracker.render import export  # lazy: altair and vl_convert

    return export.save(chart_obj, path, 1, exclusive=True)
