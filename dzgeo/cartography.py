"""Map furniture for the briefing maps: scale bar, north arrow, labels that do not overlap.

Everything is drawn in the data coordinates of a map axes whose units are metres of a
projected CRS (EPSG:4548) and whose aspect is equal, so a length in data units *is* a
ground length. Sizes given in points are converted with :func:`metres_per_point`.
"""

from __future__ import annotations

import functools
import logging
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backend_bases import RendererBase
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.patches import Polygon, Rectangle
from matplotlib.patheffects import Stroke
from matplotlib.text import Text
from matplotlib.transforms import Bbox
from pyproj import Transformer

from dzgeo.settings import METRIC_CRS, STORAGE_CRS

log = logging.getLogger(__name__)

#: Lengths a scale bar may take, as multiples of a power of ten.
NICE_STEPS = (1.0, 2.0, 2.5, 3.0, 4.0, 5.0)
#: How many segments a scale bar of each leading digit is divided into.
SEGMENTS = {1.0: 5, 2.0: 4, 2.5: 5, 3.0: 3, 4.0: 4, 5.0: 5}
HALO = "white"


def metres_per_point(ax: Axes) -> float:
    """Ground metres per typographic point (1/72 inch) on the paper, for an equal-aspect map."""
    width_in = ax.get_position().width * ax.figure.get_figwidth()
    x0, x1 = ax.get_xlim()
    return abs(x1 - x0) / (width_in * 72.0)


def nice_length(width_m: float, *, low: float = 0.2, high: float = 0.25) -> float:
    """A round scale-bar length between ``low`` and ``high`` of ``width_m`` (or the nearest).

    Candidates are 1, 2, 2.5, 3, 4 and 5 times a power of ten (in metres, so whole
    kilometres for maps of a city). Among those inside the range the largest wins; if
    none is inside, the one closest to the middle of the range.
    """
    if width_m <= 0:
        raise ValueError(f"map width must be positive, got {width_m}")
    target = (low + high) / 2 * width_m
    exponent = math.floor(math.log10(target))
    candidates = [s * 10.0**e for e in (exponent - 1, exponent, exponent + 1) for s in NICE_STEPS]
    inside = [c for c in candidates if low * width_m <= c <= high * width_m]
    if inside:
        return max(inside)
    return min(candidates, key=lambda c: abs(c - target))


def _segments(length_m: float) -> int:
    lead = length_m / 10 ** math.floor(math.log10(length_m))
    return SEGMENTS.get(round(lead, 6), 4)


@dataclass(frozen=True)
class ScaleBar:
    """A drawn scale bar: its ground length and where it lies in data (EPSG:4548) units.

    Attributes
    ----------
    length_m
        Ground length in metres, as labelled.
    x0, x1, y
        Left and right end and baseline of the bar in data coordinates.
    segments
        Number of alternating black and white segments.
    artists
        The patches and texts that draw it (for tests and bounding boxes).
    """

    length_m: float
    x0: float
    x1: float
    y: float
    segments: int
    artists: tuple = field(repr=False, default=())

    @property
    def label(self) -> str:
        """The label of the bar's end, e.g. ``30 km``."""
        return f"{self.length_m / 1000:g} km"

    def endpoints_lonlat(self, crs: str = METRIC_CRS) -> tuple[tuple[float, float], ...]:
        """The bar's two ends as WGS 84 lon/lat (for a geodesic check)."""
        to_lonlat = _transformer(crs, STORAGE_CRS)
        xs, ys = to_lonlat.transform([self.x0, self.x1], [self.y, self.y])
        return tuple(zip(xs, ys, strict=True))

    def window_extent(self, renderer: RendererBase) -> Bbox:
        """Display-space box around every artist of the bar."""
        return Bbox.union([a.get_window_extent(renderer) for a in self.artists])


def draw_scale_bar(
    ax: Axes,
    *,
    at: tuple[float, float] = (0.04, 0.05),
    fontprops: FontProperties,
    height_pt: float = 4.0,
    fraction: tuple[float, float] = (0.2, 0.25),
) -> ScaleBar:
    """Draw a segmented scale bar in km; its left end at axes fraction ``at``.

    The axes must show projected coordinates in metres with an equal aspect, so that
    the bar's data length is its ground length (true at the CRS's scale factor, which for
    Gauss-Krüger within 1.5° of the central meridian differs from 1 by < 0.03 %).
    """
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    length = nice_length(x1 - x0, low=fraction[0], high=fraction[1])
    segments = _segments(length)
    left = x0 + at[0] * (x1 - x0)
    base = y0 + at[1] * (y1 - y0)
    mpp = metres_per_point(ax)
    height = height_pt * mpp
    step = length / segments
    artists: list = []
    for i in range(segments):
        artists.append(
            ax.add_patch(
                Rectangle(
                    (left + i * step, base),
                    step,
                    height,
                    facecolor="black" if i % 2 == 0 else "white",
                    edgecolor="black",
                    linewidth=0.6,
                    zorder=20,
                )
            )
        )
    size = fontprops.get_size_in_points()
    ticks = [0, segments // 2 if segments % 2 == 0 else None, segments]
    for i in (t for t in ticks if t is not None):
        km = i * step / 1000
        text = f"{km:g} km" if i == segments else f"{km:g}"
        artists.append(
            ax.text(
                left + i * step,
                base + height + 0.35 * size * mpp,
                text,
                ha="center",
                va="bottom",
                fontproperties=fontprops,
                zorder=20,
            )
        )
    return ScaleBar(length, left, left + length, base, segments, tuple(artists))


@functools.lru_cache(maxsize=8)
def _transformer(source: str, target: str) -> Transformer:
    return Transformer.from_crs(source, target, always_xy=True)


def grid_convergence_deg(x: float, y: float, crs: str = METRIC_CRS) -> float:
    """Angle from grid north to true north at projected point (x, y), degrees clockwise.

    In EPSG:4548 (CM 117°E) meridians converge on the pole, so west of 117°E true north
    lies slightly east (clockwise) of grid north: about +0.75° at Dezhou's north-west
    corner, under 1° everywhere in the city.
    """
    to_lonlat = _transformer(crs, STORAGE_CRS)
    to_xy = _transformer(STORAGE_CRS, crs)
    lon, lat = to_lonlat.transform(x, y)
    nx, ny = to_xy.transform(lon, lat + 0.05)
    return math.degrees(math.atan2(nx - x, ny - y))


@dataclass(frozen=True)
class NorthArrow:
    """A drawn north arrow pointing to true north."""

    x: float
    y: float
    rotation_deg: float
    artists: tuple = field(repr=False, default=())

    def window_extent(self, renderer: RendererBase) -> Bbox:
        """Display-space box around the arrow and its letter."""
        return Bbox.union([a.get_window_extent(renderer) for a in self.artists])


def draw_north_arrow(
    ax: Axes,
    *,
    at: tuple[float, float] = (0.94, 0.86),
    fontprops: FontProperties,
    size_pt: float = 26.0,
) -> NorthArrow:
    """Draw a north arrow at axes fraction ``at`` (its centre), rotated to true north."""
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    cx, cy = x0 + at[0] * (x1 - x0), y0 + at[1] * (y1 - y0)
    angle = grid_convergence_deg(cx, cy)
    mpp = metres_per_point(ax)
    half = size_pt * mpp / 2
    # A split arrowhead: left half black, right half white, tip at the top.
    tip, tail, notch, wing = (0.0, half), (0.0, -half), (0.0, -half * 0.45), half * 0.42
    left = [tip, (-wing, -half), notch]
    right = [tip, (wing, -half), notch]
    del tail
    rot = math.radians(-angle)
    cos, sin = math.cos(rot), math.sin(rot)

    def place(points: list[tuple[float, float]]) -> np.ndarray:
        return np.array([(cx + px * cos - py * sin, cy + px * sin + py * cos) for px, py in points])

    artists = [
        ax.add_patch(Polygon(place(left), closed=True, fc="black", ec="black", lw=0.6, zorder=20)),
        ax.add_patch(Polygon(place(right), closed=True, fc="white", ec="black", lw=0.6, zorder=20)),
    ]
    tx, ty = place([(0.0, half + 0.2 * size_pt * mpp)])[0]
    artists.append(
        ax.text(
            tx,
            ty,
            "北",
            ha="center",
            va="bottom",
            rotation=-angle,
            fontproperties=fontprops,
            zorder=20,
        )
    )
    return NorthArrow(cx, cy, angle, tuple(artists))


# ----------------------------------------------------------------------------- labels


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
