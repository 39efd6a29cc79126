"""Labels for the briefing maps that never overlap each other or the map furniture.

:class:`LabelPlacer` tries each label's candidate positions in priority order against the
rendered bounding boxes of what is already on the map.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backend_bases import RendererBase
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.patheffects import Stroke
from matplotlib.text import Text
from matplotlib.transforms import Bbox

from dzgeo.briefing.furniture import HALO, metres_per_point

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TextLine:
    """One line of a label."""

    text: str
    fontprops: FontProperties
    color: str = "#222222"


@dataclass
class Label:
    """A label to place near an anchor point (data coordinates).

    ``lines`` are stacked and centred. ``avoid_pt`` is the radius of the symbol drawn at
    the anchor, which the label must not cover (0: the label may sit on the anchor, as a
    county name on its label point does). ``required`` labels are shrunk and pushed
    further out rather than dropped.

    A label may also be a symbol: ``draw_symbol(x, y, diameter)`` (data coordinates)
    draws it ``symbol_pt`` wide at the placed position, with ``center_text`` on it and
    ``lines`` beneath it. Symbols are placed like text, so they never overlap either.
    """

    x: float
    y: float
    lines: Sequence[TextLine]
    priority: int = 0
    avoid_pt: float = 0.0
    required: bool = True
    halo: bool = True
    key: str = ""
    symbol_pt: float = 0.0
    draw_symbol: Callable[[float, float, float], list[Artist]] | None = field(
        default=None, repr=False
    )
    center_text: TextLine | None = None
    texts: list[Text] = field(default_factory=list, repr=False)
    artists: list[Artist] = field(default_factory=list, repr=False)
    leader: Line2D | None = field(default=None, repr=False)
    bbox: Bbox | None = field(default=None, repr=False)
    scale: float = 1.0


@dataclass(frozen=True)
class _Block:
    """Measured size of a label in pixels: its text lines, its symbol and the whole."""

    lines: list[tuple[float, float]]
    symbol: float
    width: float
    height: float


#: Candidate directions (dx, dy), tried in this order at every distance.
_DIRECTIONS = (
    (0, 1),
    (0, -1),
    (1, 0),
    (-1, 0),
    (1, 1),
    (-1, 1),
    (1, -1),
    (-1, -1),
    (0.5, 1),
    (-0.5, 1),
    (0.5, -1),
    (-0.5, -1),
)


class LabelPlacer:
    """Greedy label placement that checks rendered bounding boxes.

    Labels are placed in priority order. For each, candidate positions around its
    anchor are tried (on the anchor when allowed, then the 12 directions of
    :data:`_DIRECTIONS` at growing distances); the first whose box, measured with the
    renderer, stays inside ``region`` and meets no obstacle or earlier label wins.
    Failing that, the label is shrunk (down to ``min_scale``) and tried again; a label
    that is placed away from its anchor gets a thin leader line.

    Parameters
    ----------
    ax
        The map axes (data coordinates in metres, equal aspect).
    renderer
        The renderer the figure will be drawn with (its DPI fixes the pixel boxes).
    region
        Display-space box labels must stay inside (default: the axes box).
    obstacles
        Display-space boxes labels must not touch (scale bar, north arrow, symbols).
    pad_px
        Extra clearance around every box.
    """

    def __init__(
        self,
        ax: Axes,
        renderer: RendererBase,
        *,
        region: Bbox | None = None,
        obstacles: Sequence[Bbox] = (),
        pad_px: float = 2.0,
        min_scale: float = 0.7,
        max_rings: int = 8,
    ) -> None:
        self.ax = ax
        self.renderer = renderer
        self.region = region if region is not None else ax.get_window_extent(renderer)
        self.obstacles: list[Bbox] = list(obstacles)
        self.pad = pad_px
        self.min_scale = min_scale
        self.max_rings = max_rings
        self.placed: list[Label] = []
        self.dropped: list[Label] = []
        self._px_per_pt = ax.figure.dpi / 72.0

    def add_obstacle(self, box: Bbox) -> None:
        """Keep labels placed from now on off ``box`` (display space)."""
        self.obstacles.append(box)

    def place_all(self, labels: Sequence[Label]) -> list[Label]:
        """Place ``labels`` (highest priority first); return those placed."""
        for label in sorted(labels, key=lambda lab: -lab.priority):
            self.place(label)
        return self.placed

    def place(self, label: Label) -> bool:
        """Place one label; return False if it had to be dropped (only if not required)."""
        scale = 1.0
        while True:
            block = self._measure(label, scale)
            spot = self._search(label, block)
            if spot is not None:
                self._commit(label, block, spot, scale)
                return True
            if scale <= self.min_scale + 1e-9:
                break
            scale = max(self.min_scale, scale - 0.1)
        if label.required:
            block = self._measure(label, self.min_scale)
            spot = self._search(label, block, rings=self.max_rings * 3)
            if spot is not None:
                self._commit(label, block, spot, self.min_scale)
                return True
            log.warning("label %r could not be placed without overlap; left out", label.key)
        else:
            log.info("label %r left out: no free space near its anchor", label.key)
        self.dropped.append(label)
        return False

    # -- internals -------------------------------------------------------------------

    def _text_size(self, line: TextLine, scale: float) -> tuple[float, float]:
        props = line.fontprops.copy()
        props.set_size(line.fontprops.get_size_in_points() * scale)
        probe = Text(0, 0, line.text, fontproperties=props)
        probe.set_figure(self.ax.figure)
        box = probe.get_window_extent(self.renderer)
        return box.width, box.height

    def _measure(self, label: Label, scale: float) -> _Block:
        lines = [self._text_size(line, scale) for line in label.lines]
        symbol = label.symbol_pt * self._px_per_pt * (scale if label.lines else 1.0)
        if label.center_text is not None:
            cw, ch = self._text_size(label.center_text, scale)
            symbol = max(symbol, cw + 2 * self._px_per_pt, ch)
        width = max([symbol, *(w for w, _ in lines)])
        height = symbol + sum(h for _, h in lines)
        return _Block(lines, symbol, width, height)

    def _candidates(self, label: Label, block: _Block, rings: int):
        ax_px, ay_px = self.ax.transData.transform((label.x, label.y))
        width, height = block.width, block.height
        avoid = label.avoid_pt * self._px_per_pt
        if label.avoid_pt <= 0:
            # On the anchor: a symbol centred on it, a text block centred on it.
            dy = height / 2 - block.symbol / 2 if block.symbol else 0.0
            yield ax_px, ay_px - dy, False
        step = max(4.0 * self._px_per_pt, min(width, height) * 0.6)
        for ring in range(rings):
            gap = avoid + self.pad + 1.5 * self._px_per_pt + ring * step
            for dx, dy in _DIRECTIONS:
                cx = ax_px + dx * (gap + width / 2)
                cy = ay_px + dy * (gap + height / 2)
                yield cx, cy, True

    def _search(
        self, label: Label, block: _Block, *, rings: int | None = None
    ) -> tuple[float, float, bool] | None:
        for cx, cy, leader in self._candidates(label, block, rings or self.max_rings):
            box = Bbox.from_bounds(
                cx - block.width / 2, cy - block.height / 2, block.width, block.height
            )
            if self._free(box):
                return cx, cy, leader
        return None

    def _free(self, box: Bbox) -> bool:
        r = self.region
        if box.x0 < r.x0 or box.y0 < r.y0 or box.x1 > r.x1 or box.y1 > r.y1:
            return False
        padded = box.padded(self.pad)
        for other in self.obstacles:
            if padded.overlaps(other):
                return False
        return all(not padded.overlaps(lab.bbox) for lab in self.placed if lab.bbox is not None)

    def _draw_text(self, line: TextLine, scale: float, x: float, y: float, halo: bool) -> Text:
        props = line.fontprops.copy()
        props.set_size(line.fontprops.get_size_in_points() * scale)
        if halo:
            # The halo is a stroked copy drawn as paths; the text on top stays text.
            under = self.ax.text(
                x,
                y,
                line.text,
                ha="center",
                va="center",
                fontproperties=props,
                color=HALO,
                zorder=29,
            )
            under.set_path_effects([Stroke(linewidth=2.4, foreground=HALO)])
        return self.ax.text(
            x,
            y,
            line.text,
            ha="center",
            va="center",
            fontproperties=props,
            color=line.color,
            zorder=30,
        )

    def _commit(
        self, label: Label, block: _Block, spot: tuple[float, float, bool], scale: float
    ) -> None:
        cx, cy, leader = spot
        to_data = self.ax.transData.inverted()
        top = cy + block.height / 2
        label.texts = []
        label.artists = []
        if block.symbol:
            sx, sy = to_data.transform((cx, top - block.symbol / 2))
            diameter = block.symbol / self._px_per_pt * metres_per_point(self.ax)
            if label.draw_symbol is not None:
                label.artists += label.draw_symbol(sx, sy, diameter)
            if label.center_text is not None:
                label.texts.append(self._draw_text(label.center_text, scale, sx, sy, True))
            top -= block.symbol
        for line, (_, h) in zip(label.lines, block.lines, strict=True):
            x, y = to_data.transform((cx, top - h / 2))
            label.texts.append(self._draw_text(line, scale, x, y, label.halo))
            top -= h
        label.bbox = Bbox.from_bounds(
            cx - block.width / 2, cy - block.height / 2, block.width, block.height
        )
        label.scale = scale
        if leader:
            label.leader = self._leader(label, label.bbox)
        self.placed.append(label)

    def _leader(self, label: Label, box: Bbox) -> Line2D:
        ax_px, ay_px = self.ax.transData.transform((label.x, label.y))
        ex = min(max(ax_px, box.x0), box.x1)
        ey = min(max(ay_px, box.y0), box.y1)
        length = math.hypot(ex - ax_px, ey - ay_px)
        avoid = label.avoid_pt * self._px_per_pt
        start = (ax_px, ay_px)
        if length > 0 and avoid > 0:
            frac = min(1.0, avoid / length)
            start = (ax_px + (ex - ax_px) * frac, ay_px + (ey - ay_px) * frac)
        to_data = self.ax.transData.inverted()
        (x0, y0), (x1, y1) = to_data.transform([start, (ex, ey)])
        line = Line2D([x0, x1], [y0, y1], color="#555555", linewidth=0.5, zorder=24)
        self.ax.add_line(line)
        return line


def label_boxes(labels: Sequence[Label], renderer: RendererBase) -> list[Bbox]:
    """Boxes of the placed labels as the renderer draws them now (texts and symbols)."""
    boxes = []
    for lab in labels:
        parts = [a.get_window_extent(renderer) for a in (*lab.texts, *lab.artists)]
        if parts:
            boxes.append(Bbox.union(parts))
    return boxes


def overlapping_pairs(boxes: Sequence[Bbox]) -> list[tuple[int, int]]:
    """Index pairs of boxes that overlap (touching edges do not count)."""
    pairs = []
    for i in range(len(boxes)):
        for j in range(i + 1, len(boxes)):
            if boxes[i].overlaps(boxes[j]):
                pairs.append((i, j))
    return pairs
