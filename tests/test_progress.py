"""Progress bars: drawn on a terminal only, never when piped or with --json; the callbacks keep count."""

from __future__ import annotations

import io

import pytest

from tracker.cli import progress


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_no_bar_when_piped_or_json(monkeypatch) -> None:
    monkeypatch.setattr("sys.stderr", io.StringIO())  # not a terminal
    assert not progress.wanted()
    monkeypatch.setattr("sys.stderr", _Terminal())
    assert progress.wanted()
    assert not progress.wanted(json_output=True)
    with progress.counter("x", False) as step:
        assert step is None
    with progress.phases("x", False, 3) as say:
        assert say is None
    items = [1, 2]
    assert progress.each(items, "x", False) is items


def test_bars_count_on_a_terminal(monkeypatch) -> None:
    pytest.importorskip("tqdm")
    term = _Terminal()
    monkeypatch.setattr("sys.stderr", term)
    monkeypatch.setattr(progress, "DELAY_S", 0.0)  # draw at once
    with progress.counter("backtest", True) as step:
        assert step is not None
        for done in range(1, 5):
            step(done, 4)
    assert "backtest" in term.getvalue()  # drawn on the terminal (and cleared at the end)
    with progress.phases("import", True, 3) as say:
        assert say is not None
        say("reading")
        say("matching")
    assert "reading" in term.getvalue()
    assert list(progress.each([1, 2, 3], "charts", True)) == [1, 2, 3]
