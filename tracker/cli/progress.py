"""Progress on long work (a backtest, several charts, an import): on a terminal only.

A bar is drawn on stderr by tqdm when stderr is a terminal and the output is
not ``--json``; piped, redirected or JSON output never carries one. A bar
appears only once the work has run ``DELAY_S`` seconds, so a quick command
prints nothing extra. tqdm is imported only when a bar may be drawn.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

#: Seconds of work before a bar appears.
DELAY_S = 1.0

T = TypeVar("T")


def wanted(json_output: bool = False) -> bool:
    """True when a bar may be drawn: stderr is a terminal and the output is not JSON."""
    return not json_output and sys.stderr.isatty()


def _tqdm(**options: Any):
    from tqdm import tqdm  # lazy: only a terminal needs it

    return tqdm(file=sys.stderr, delay=DELAY_S, leave=False, dynamic_ncols=True, **options)


@contextmanager
def counter(desc: str, enabled: bool) -> Iterator[Callable[[int, int], None] | None]:
    """A ``progress(done, total)`` callback drawing a bar (None when not ``enabled``), closed on exit."""
    if not enabled:
        yield None
        return
    bar = _tqdm(desc=desc, total=0, unit="step")

    def progress(done: int, total: int) -> None:
        if bar.total != total:
            bar.total = total
        bar.update(done - bar.n)

    try:
        yield progress
    finally:
        bar.close()


def each(items: Iterable[T], desc: str, enabled: bool, total: int | None = None) -> Iterable[T]:
    """``items``, with a bar over them when ``enabled``."""
    return _tqdm(iterable=items, desc=desc, total=total) if enabled else items


@contextmanager
def phases(desc: str, enabled: bool, steps: int) -> Iterator[Callable[[str], None] | None]:
    """A ``step(label)`` callback advancing a bar of ``steps`` named steps (None when not ``enabled``)."""
    if not enabled:
        yield None
        return
    bar = _tqdm(desc=desc, total=steps, unit="step")
    started = False

    def step(label: str) -> None:
        nonlocal started
        if started:
            bar.update(1)
        started = True
        bar.set_postfix_str(label, refresh=True)

    try:
        yield step
    finally:
        bar.close()
