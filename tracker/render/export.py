"""Writing charts to files: the one module that imports vl_convert.

The file extension picks the format: ``.html`` (self-contained: Vega, Vega-Lite
and vega-embed inlined, works offline), ``.svg``, ``.png`` (``scale`` 2 for
retina) or ``.json`` (the Vega-Lite spec).
"""

from __future__ import annotations

from pathlib import Path

import altair as alt

from tracker.errors import UsageError

FORMATS = (".html", ".svg", ".png", ".json")


def check_path(path: str | Path, scale: float = 1) -> Path:
    """Raise ``UsageError`` unless ``path`` has a chart extension and its folder exists."""
    path = Path(path)
    if path.suffix.lower() not in FORMATS:
        raise UsageError(f"cannot save a chart as {path.name!r}: use a file ending in {', '.join(FORMATS)}")
    if not (isinstance(scale, (int, float)) and 0 < scale <= 8):
        raise UsageError(f"--scale {scale!r} is out of range; use a number above 0 and at most 8 (2 for retina)")
    if not path.parent.is_dir():
        raise UsageError(f"cannot save {path}: folder {path.parent} does not exist")
    return path


def save(chart: alt.TopLevelMixin, path: str | Path, scale: float = 1) -> Path:
    """Write ``chart`` by the file's extension: .html (self-contained, offline), .svg, .png, .json."""
    import vl_convert as vlc

    path = check_path(path, scale)
    ext = path.suffix.lower()
    spec = chart.to_dict()
    version = alt.SCHEMA_VERSION.lstrip("v").rsplit(".", 1)[0]
    if ext == ".json":
        path.write_text(chart.to_json(indent=1) + "\n", encoding="utf-8")
    elif ext == ".html":  # bundle=True inlines Vega, Vega-Lite and vega-embed: works offline
        path.write_text(vlc.vegalite_to_html(spec, vl_version=version, bundle=True), encoding="utf-8")
    elif ext == ".svg":
        path.write_text(vlc.vegalite_to_svg(spec, vl_version=version), encoding="utf-8")
    else:
        path.write_bytes(vlc.vegalite_to_png(spec, vl_version=version, scale=scale))
    return path
