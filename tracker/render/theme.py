"""The one Altair theme of tracker's charts: blog-ready, colour-blind safe.

``use()`` registers the theme as ``"tracker"`` and enables it; the chart
builders in ``tracker.charts`` call it, so notebooks get it too. Colours come
from the Okabe-Ito palette (safe for the common colour-vision deficiencies),
and every role also differs in lightness or dash so a grayscale print keeps
them apart: dark blue for the fit, vermillion for the target and the forecast,
grays for context.
"""

from __future__ import annotations

import altair as alt

NAME = "tracker"
FONT = "Inter, 'Helvetica Neue', Helvetica, Arial, 'Liberation Sans', 'DejaVu Sans', sans-serif"
WIDTH = 600  # plot area; with axes and legend the image is about 720 px wide
HEIGHT = 360

# Okabe-Ito, by role.
FIT = "#0072B2"  # blue: the fitted curve and trend (dark in grayscale)
BAND = "#56B4E9"  # sky blue: the 80% band (light in grayscale)
TARGET = "#D55E00"  # vermillion: the target line and the forecast crossing
CONTEXT = "#6E6E6E"  # gray: chance floor, faint points, captions
INK = "#222222"  # text and the state-of-the-art step line
# Release year: a sequential scheme whose lightness rises monotonically (readable in grayscale).
YEAR_SCHEME = "viridis"
CATEGORY = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]


def config() -> dict:
    """The theme as a Vega-Lite config dict."""
    return {
        "config": {
            "font": FONT,
            "background": "white",
            "padding": {"left": 8, "right": 16, "top": 8, "bottom": 8},
            "view": {"continuousWidth": WIDTH, "continuousHeight": HEIGHT, "stroke": None},
            "title": {
                "fontSize": 19,
                "fontWeight": 600,
                "color": INK,
                "anchor": "start",
                "offset": 12,
                "subtitleFontSize": 13,
                "subtitleColor": "#444444",
                "subtitlePadding": 6,
            },
            "axis": {
                "labelFontSize": 12,
                "titleFontSize": 13,
                "titleFontWeight": 500,
                "titleColor": INK,
                "labelColor": "#333333",
                "gridColor": "#E6E6E6",
                "domainColor": "#888888",
                "tickColor": "#888888",
                "titlePadding": 10,
                "labelOverlap": True,
            },
            "legend": {"labelFontSize": 12, "titleFontSize": 12, "titleFontWeight": 500, "orient": "right"},
            "text": {"fontSize": 12, "color": INK},
            "range": {"category": CATEGORY},
            "point": {"size": 46},
            "line": {"strokeWidth": 2},
        }
    }


def use() -> None:
    """Register the theme with Altair (once) and enable it."""
    if hasattr(alt, "theme") and hasattr(alt.theme, "register"):  # Altair >= 5.5
        if NAME not in alt.theme.names():
            alt.theme.register(NAME, enable=False)(lambda: alt.theme.ThemeConfig(config()))
        alt.theme.enable(NAME)
    else:  # pragma: no cover - older Altair
        alt.themes.register(NAME, config)
        alt.themes.enable(NAME)
