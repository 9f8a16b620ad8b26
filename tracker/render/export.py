"""Writing charts to files: the one module that imports vl_convert.

The file extension picks the format: ``.html`` (self-contained: Vega, Vega-Lite
and vega-embed inlined, works offline), ``.svg``, ``.png`` (``scale`` 2 for
retina) or ``.json`` (the Vega-Lite spec). A folder instead of a file writes
every format into it (``out_paths``).

Every file is written atomically (a temporary file in the same folder,
flushed, then renamed), so a full disk, an unwritable folder or Ctrl-C leaves
the old file, or none, never half of one. Text in a chart reaches the HTML
page only as JSON data inside the Vega-Lite spec, which ``vl_convert``
embeds in a ``<script>`` block: ``html_safe`` escapes ``<``, ``>`` and ``&``
there, so a model named ``</script><script>...`` stays text.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import altair as alt

from tracker.errors import UsageError
from tracker.files import write_whole

FORMATS = (".html", ".svg", ".png", ".json")
MAX_SCALE = 8


def out_paths(out: str | Path, stem: str) -> list[Path]:
    """The files one ``--out`` names: the file itself, or ``stem`` in every format inside a folder."""
    p = Path(out)
    if p.is_dir() or str(out).endswith(("/", os.sep)):
        return [p / f"{stem}{ext}" for ext in (".png", ".svg", ".html")]
    return [p]


def check_path(path: str | Path, scale: float = 1) -> Path:
    """Raise ``UsageError`` unless ``path`` has a chart extension, its folder exists and it is not a folder."""
    path = Path(path)
    if path.is_dir():
        raise UsageError(
            f"cannot save a chart as {str(path)!r}: it is a folder; give a file name ending in {', '.join(FORMATS)}"
        )
    if path.suffix.lower() not in FORMATS:
        raise UsageError(f"cannot save a chart as {path.name!r}: use a file ending in {', '.join(FORMATS)}")
    if not (isinstance(scale, (int, float)) and 0 < scale <= MAX_SCALE):
        raise UsageError(
            f"--scale {scale!r} is out of range; use a number above 0 and at most {MAX_SCALE} (2 for retina)"
        )
    if not path.parent.is_dir():
        raise UsageError(f"cannot save {path}: folder {path.parent} does not exist")
    if not os.access(path.parent, os.W_OK):
        raise UsageError(f"cannot save {path}: folder {path.parent} is not writable")
    return path


def html_safe(spec_json: str) -> str:
    """JSON that is inert inside an HTML ``<script>`` block (``<``, ``>``, ``&`` as ``\\u`` escapes)."""
    return (
        spec_json.replace("&", "\\u0026")
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


_SPEC_START = "const spec = "
_SPEC_END = ";\n    const opts = "


def _html(page: str, spec: dict) -> str:
    """``page`` with its inline spec replaced by the escaped one (``html_safe``).

    vl_convert writes the spec into the page's last ``<script>`` as raw JSON,
    where a ``</script>`` inside a string would end the script. If the page
    is not laid out as expected, refuse rather than write an unsafe page.
    """
    start = page.rfind(_SPEC_START)
    end = page.find(_SPEC_END, start) if start >= 0 else -1
    if start < 0 or end < 0:
        raise UsageError(
            "cannot write a safe HTML chart with this version of vl-convert-python; "
            "write .svg or .png instead, or report the version"
        )
    safe = html_safe(json.dumps(spec, ensure_ascii=True, allow_nan=False))
    return page[: start + len(_SPEC_START)] + safe + page[end:]


def render(chart: alt.TopLevelMixin, ext: str, scale: float = 1) -> bytes:
    """The bytes of ``chart`` in the format of ``ext``."""
    import vl_convert as vlc

    spec = chart.to_dict()
    version = alt.SCHEMA_VERSION.lstrip("v").rsplit(".", 1)[0]
    if ext == ".json":
        return (chart.to_json(indent=1) + "\n").encode("utf-8")
    if ext == ".html":  # bundle=True inlines Vega, Vega-Lite and vega-embed: works offline
        return _html(vlc.vegalite_to_html(spec, vl_version=version, bundle=True), spec).encode("utf-8")
    if ext == ".svg":
        return vlc.vegalite_to_svg(spec, vl_version=version).encode("utf-8")
    return vlc.vegalite_to_png(spec, vl_version=version, scale=scale)


def write_atomic(path: Path, content: bytes, *, exclusive: bool = False) -> Path:
    """Write ``content`` to ``path`` whole or not at all; with ``exclusive``, never replace an existing file."""
    try:
        written = write_whole(path, content, exclusive=exclusive)
    except OSError as exc:
        raise UsageError(f"cannot save {path}: {exc.strerror or exc}; nothing was written") from None
    if not written:
        raise UsageError(f"cannot save {path}: it already exists and is never replaced")
    return path


def save(chart: alt.TopLevelMixin, path: str | Path, scale: float = 1, *, exclusive: bool = False) -> Path:
    """Write ``chart`` by the file's extension: .html (self-contained, offline), .svg, .png, .json."""
    path = check_path(path, scale)
    return write_atomic(path, render(chart, path.suffix.lower(), scale), exclusive=exclusive)
