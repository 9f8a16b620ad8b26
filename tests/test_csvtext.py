"""The streamed field-count check (csvtext._ragged_line) finds what the whole-text check found.

The reference below is the check as it was before it was streamed: the whole
text split into lines, quoted fields blanked out by a regular expression, the
csv module confirming. Lines are drawn with commas, quotes (paired, escaped and
stray), empty lines and long lines, and the file is cut into pieces far
smaller than a line so that every piece boundary is exercised.
"""

from __future__ import annotations

import csv

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.data import csvtext


def _reference(text: str, ncols: int) -> tuple[int, int] | None:
    lines = pl.Series([text.rstrip("\n")]).str.split("\n").explode().slice(1)
    if lines.len() == 0:
        return None
    plain = lines.str.count_matches(",", literal=True) + 1
    suspects = ((plain != ncols) | lines.str.contains('"', literal=True)).arg_true()
    sub = lines.gather(suspects)
    counts = sub.str.replace_all(r'"(?:[^"]|"")*"', "", literal=False).str.count_matches(",", literal=True) + 1
    for i, n in zip(suspects.to_list(), counts.to_list(), strict=True):
        if n != ncols:
            n = len(next(csv.reader([lines[i]]), []))
            if n != ncols:
                return i + 2, n
    return None


def _streamed(text: str, ncols: int) -> tuple[int, int] | None:
    raw = text.encode("utf-8")
    end = csvtext._content_end(raw)
    found, _clean, breaks = csvtext._ragged_line(raw, end, ncols)
    assert breaks is None if found else breaks == raw.count(b"\n", 0, end)  # the line breaks, counted on the way
    return found


FIELD = st.one_of(
    st.text(alphabet="ab ,é\x01", max_size=6),  # bare text, maybe with commas (they split) or a control byte
    st.text(alphabet='ab ,"é', max_size=6).map(lambda s: '"' + s.replace('"', '""') + '"'),  # a quoted field
    st.sampled_from(['"', '""', 'a"b', '"a,b', "", "x" * 40]),  # stray and odd quotes, empty, long
)
LINE = st.lists(FIELD, min_size=0, max_size=5).map(",".join)


@settings(max_examples=300, deadline=None)
@given(lines=st.lists(LINE, max_size=12), ncols=st.integers(1, 4), chunk=st.sampled_from([1, 3, 16, 1 << 20]))
def test_streamed_check_finds_what_the_whole_text_check_found(lines, ncols, chunk) -> None:
    text = "h\n" + "\n".join(lines) + ("\n" if lines else "")
    old = csvtext.RAGGED_CHUNK
    csvtext.RAGGED_CHUNK = chunk
    try:
        assert _streamed(text, ncols) == _reference(text, ncols)
    finally:
        csvtext.RAGGED_CHUNK = old


@pytest.mark.parametrize("one_by_one", [0, 2000])
def test_many_suspects_take_the_polars_path_with_the_same_answer(monkeypatch, one_by_one: int) -> None:
    monkeypatch.setattr(csvtext, "SUSPECTS_ONE_BY_ONE", one_by_one)
    text = "a,b\n" + '"x,y",1\n' * 50 + "only one\n" + '"p",q\n'
    assert _streamed(text, 2) == _reference(text, 2) == (52, 1)


def test_control_bytes_are_reported() -> None:
    raw = b"a,b\nxx,yyyy\n1,\t2\n"
    found, clean, breaks = csvtext._ragged_line(raw, csvtext._content_end(raw), 2)
    assert found is None and clean and breaks == 2  # a tab is not a control character here
    for bad in (b"\x01", b"\x1f", b"\x00"):
        raw = b"a,b\nx" + bad + b",y\n"
        assert csvtext._ragged_line(raw, csvtext._content_end(raw), 2) == (None, False, 1)
