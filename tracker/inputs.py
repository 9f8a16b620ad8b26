"""Checks of the arguments the API and the CLI take: dates, resample counts, seeds, output paths.

Each refuses a bad value with a one-line ``UsageError`` that says what to give
instead; an output path inside the data folder or the ledger is refused, so no
command's output can replace a data file or a saved forecast.
"""

from __future__ import annotations

import datetime as dt
import numbers
from pathlib import Path

from tracker.data import location
from tracker.errors import UsageError
from tracker.fit.resample import DEFAULT_SEED
from tracker.forecast.forecast import MAX_BOOT, MIN_BOOT


def parse_date(value: dt.date | str, name: str = "date") -> dt.date:
    """A date from a ``datetime.date`` or an ISO string (``UsageError`` otherwise).

    >>> parse_date("2024-05-13")
    datetime.date(2024, 5, 13)
    """
    if isinstance(value, dt.datetime):  # a datetime (or pandas Timestamp) is a date here: its day
        value = value.date()
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


def check_not_future(d: dt.date, name: str = "--as-of") -> dt.date:
    """Refuse an as-of date after today: data known on a future day are not known yet."""
    today = dt.date.today()
    if d > today:
        raise UsageError(f"{name} {d} is after today ({today}): give today or an earlier date (or leave it out)")
    return d


#: Dates a command accepts: no AI benchmark before 1950; decimal years stay exact to 2200.
MIN_DATE = dt.date(1950, 1, 1)


MAX_DATE = dt.date(2200, 12, 31)


def whole(value: object) -> object:
    """``value`` as a Python int when it is a whole number of any integer type (numpy's too), else unchanged."""
    return int(value) if isinstance(value, numbers.Integral) and not isinstance(value, bool) else value


def real(value: object) -> object:
    """``value`` as a Python float when it is a real number of any type (numpy's float32 too), else unchanged."""
    if isinstance(value, numbers.Real) and not isinstance(value, (bool, int, float)):
        if getattr(getattr(value, "dtype", None), "itemsize", 8) < 8:
            # numpy's float32 0.99 is 0.9900000095367432 as a double: take the number it prints as
            return float(str(value))
        return float(value)
    return value


def check_boot(n_boot: int | None, default: int) -> int:
    """The resample count to use: ``default`` when None; refuses counts outside [MIN_BOOT, MAX_BOOT]."""
    if n_boot is None:
        return default
    n_boot = whole(n_boot)  # type: ignore[assignment]
    if isinstance(n_boot, bool) or not isinstance(n_boot, int):
        raise UsageError(f"--boot {n_boot!r} is not a whole number; use one between {MIN_BOOT} and {MAX_BOOT}")
    if not MIN_BOOT <= n_boot <= MAX_BOOT:
        raise UsageError(f"--boot {n_boot} is out of range; use {MIN_BOOT} to {MAX_BOOT} resamples (default {default})")
    return n_boot


def check_seed(seed: int | None) -> int:
    """The seed to use: the default when None; numpy takes 0 <= seed < 2**63 here."""
    if seed is None:
        return DEFAULT_SEED
    seed = whole(seed)  # type: ignore[assignment]
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**63:
        raise UsageError(f"--seed {seed!r} is out of range; use a whole number from 0 to {2**63 - 1}")
    return seed


#: Plot widths accepted (pixels): a huge one took minutes and gigabytes, or aborted the process.
MIN_WIDTH, MAX_WIDTH = 200, 4000


def check_width(width: object) -> None:
    """Refuse a plot width that is not whole pixels from MIN_WIDTH to MAX_WIDTH (None: the theme's)."""
    if width is None:
        return
    width = whole(width)
    if isinstance(width, bool) or not isinstance(width, int) or not MIN_WIDTH <= width <= MAX_WIDTH:
        raise UsageError(f"--width {width!r} is out of range; use whole pixels from {MIN_WIDTH} to {MAX_WIDTH}")


def guard_output(path: str | Path, data: str | Path | None, *, what: str = "output") -> Path:
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
    return guard_output(path, data, what=what)
