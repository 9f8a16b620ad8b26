"""Where a model's name goes on a chart: next to its point, clear of the other names and of the chart's marks.

Vega-Lite draws text where it is told and never moves it, so two names, or a
name and the target's interval bar, could print over each other. Here each
name gets the first of eight spots around its point (up-right, down-right,
up-left, down-left, then the same a line further out) whose box, estimated from the text's length at the
labels' type size, stays inside the plot and clear of the boxes already
taken: the other names and the marks a chart declares (the target line's
label, the crossing bar and its label, the "today" label). Among spots that
clear those, the one covering the fewest data points wins.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

#: The spots tried for a name, in order of preference: (dx, dy, align) from its point, in pixels; beside the
#: point first, then a line further out (a crowded corner of the chart).
SPOTS = (
    (7, -9, "left"),
    (7, 9, "left"),
    (-7, -9, "right"),
    (-7, 9, "right"),
    (7, -23, "left"),
    (7, 23, "left"),
    (-7, -23, "right"),
    (-7, 23, "right"),
)
CHAR_PX = 6.6  # width of a character at the labels' 11 px sans-serif type (an estimate with a margin, not a fit)
LINE_PX = 13.0  # height of a line of it

Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in pixels from the plot's top left


@dataclass
class Plot:
    """The plot area in pixels and the data range it shows; ``x`` in a linear unit of the caller's choosing
    (log10 FLOP, days), ``y`` the score. Marks declared with ``block`` are kept clear of names."""

    x0: float
    x1: float
    y0: float
    y1: float
    width: float
    height: float
    blocked: list[Box] = field(default_factory=list)
    points: list[tuple[float, float]] = field(default_factory=list)

    def px(self, x: float, y: float) -> tuple[float, float]:
        """Data to pixels (y grows downwards, as on screen)."""
        fx = (x - self.x0) / (self.x1 - self.x0) if self.x1 != self.x0 else 0.5
        fy = (self.y1 - y) / (self.y1 - self.y0) if self.y1 != self.y0 else 0.5
        return fx * self.width, fy * self.height

    def block_text(
        self,
        x: float,
        y: float,
        text: str,
        *,
        dx: float = 0,
        dy: float = 0,
        align: str = "left",
        baseline: str = "middle",
        bold: bool = False,
    ) -> None:
        """Keep names off a text mark drawn at data (x, y) with these offsets (bold type at 12 px: wider)."""
        px, py = self.px(x, y)
        self.blocked.append(text_box(px + dx, py + dy, text, align, baseline, scale=1.25 if bold else 1.0))

    def block_bar(self, xa: float, xb: float, y: float, half: float = 4) -> None:
        """Keep names off a horizontal bar at height y from xa to xb (an interval rule)."""
        (pa, py), (pb, _) = self.px(xa, y), self.px(xb, y)
        self.blocked.append((min(pa, pb) - 2, py - half, max(pa, pb) + 2, py + half))

    def block_steps(self, xs: list[float], ys: list[float], half: float = 2) -> None:
        """Keep names off a step line (``step-after``: level from each point to the next, then up)."""
        for (xa, ya), (xb, yb) in zip(zip(xs, ys, strict=True), zip(xs[1:], ys[1:], strict=True), strict=False):
            self.block_bar(xa, xb, ya, half)
            (px, pa), (_, pb) = self.px(xb, ya), self.px(xb, yb)
            self.blocked.append((px - half, min(pa, pb), px + half, max(pa, pb)))

    def block_point(self, x: float, y: float, r: float = 7) -> None:
        """Keep names off a marker of radius ``r`` pixels at data (x, y) (the crossing's diamond)."""
        px, py = self.px(x, y)
        self.blocked.append((px - r, py - r, px + r, py + r))

    def clear(self, box: Box) -> bool:
        """Whether ``box`` (pixels) is inside the plot and off every blocked mark."""
        return not outside(box, self.width, self.height) and not any(overlap(box, b) for b in self.blocked)

    def add_points(self, xy: Iterable[tuple[float, float]]) -> None:
        """Data points: a name may cover them, but the spot covering fewest is preferred."""
        self.points += [self.px(x, y) for x, y in xy]

    def place(self, names: list[tuple[float, float, str]]) -> list[int]:
        """The spot (an index into ``SPOTS``) for each (x, y, name), in order: earlier names choose first."""
        taken = list(self.blocked)
        out = []
        for x, y, name in names:
            px, py = self.px(x, y)
            best, best_cost = 0, float("inf")
            for k, (dx, dy, align) in enumerate(SPOTS):
                box = text_box(px + dx, py + dy, name, align, "middle")
                cost = k * 0.5 + (2 if abs(dy) > 9 else 0)  # the usual spot unless another is clearer
                cost += 1000 * sum(overlap(box, t) for t in taken)
                cost += 1000 * outside(box, self.width, self.height)
                cost += sum(1 for p in self.points if inside(p, box) and p != (px, py))
                if cost < best_cost:
                    best, best_cost = k, cost
            dx, dy, align = SPOTS[best]
            taken.append(text_box(px + dx, py + dy, name, align, "middle"))
            out.append(best)
        return out


def text_box(px: float, py: float, text: str, align: str, baseline: str, scale: float = 1.0) -> Box:
    """The box a line of ``text`` anchored at (px, py) covers (``scale``: larger or bolder type)."""
    w, h = CHAR_PX * len(text) * scale, LINE_PX * scale
    x0 = px if align == "left" else px - w if align == "right" else px - w / 2
    y0 = py - h if baseline == "bottom" else py if baseline == "top" else py - h / 2
    return (x0, y0, x0 + w, y0 + h)


def overlap(a: Box, b: Box) -> float:
    """1 when the boxes overlap (by more than a pixel each way), else 0."""
    return float(min(a[2], b[2]) - max(a[0], b[0]) > 1 and min(a[3], b[3]) - max(a[1], b[1]) > 1)


def outside(box: Box, width: float, height: float) -> float:
    """1 when the box runs out of the plot area (a name cut by the edge, or over the legend), else 0."""
    return float(box[0] < 0 or box[1] < 0 or box[2] > width or box[3] > height)


def inside(p: tuple[float, float], box: Box) -> bool:
    return box[0] <= p[0] <= box[2] and box[1] <= p[1] <= box[3]
