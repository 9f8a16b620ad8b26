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


def chart(
    kind: str,
    fc: Forecast,
    *,
    title: str | None = None,
    subtitle: str | None = None,
    width: int | None = None,
    labels: list[str] | str | None = None,
):
    """An Altair chart of a forecast (built, not saved): ``"fan"`` (the predictive forecast: the state of the
    art's fan and when the target falls), ``"fit"``, ``"progress"`` or ``"compute"`` (the compute method).
    ``labels`` names models to label (not on the fan chart).

    >>> c = tracker.chart("fan", tracker.forecast("gpqa", 0.95))  # doctest: +SKIP
    >>> tracker.save_chart(c, "gpqa-fan.png", scale=2)           # doctest: +SKIP
    """
    if kind not in CHART_KINDS:
        raise UsageError(f"unknown chart {kind!r}; choose one of {', '.join(CHART_KINDS)}")
    if not isinstance(fc, Forecast):
        raise UsageError(f"chart: fc must be a forecast (tracker.forecast(...)), not {type(fc).__name__}")
    for name, value in (("title", title), ("subtitle", subtitle)):
        if value is not None and not isinstance(value, str):
            raise UsageError(f"chart: {name} must be text, not {type(value).__name__}")
    if isinstance(labels, str):  # one model, not its letters
        labels = [labels]
    if labels is not None and not (isinstance(labels, (list, tuple)) and all(isinstance(x, str) for x in labels)):
        raise UsageError("chart: labels must be a list of model ids or names")
    check_width(width)
    width = whole(width) if width is not None else None
    if kind == "fan":
        from tracker.render import fan_chart  # lazy: altair costs a second of start-up

        if labels:
            raise UsageError("--label names models on the fit, progress and compute charts; the fan chart names none")
        return fan_chart.fan_chart(fc, title=title, subtitle=subtitle, width=width)
    from tracker.render import charts  # lazy: altair

    return charts.chart(kind, fc, title=title, subtitle=subtitle, width=width, labels=list(labels) if labels else None)


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
