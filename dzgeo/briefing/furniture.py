"""Map furniture for the briefing maps: scale bar and north arrow.

Everything is drawn in the data coordinates of a map axes whose units are metres of a
projected CRS (EPSG:4548) and whose aspect is equal, so a length in data units *is* a
ground length. Sizes given in points are converted with :func:`metres_per_point`.
"""

from __future__ import annotations

import functools
import logging
import math
from dataclasses import dataclass, field

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backend_bases import RendererBase
from matplotlib.font_manager import FontProperties
from matplotlib.patches import Polygon, Rectangle
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
    fig = ax.get_figure(root=True)
    if fig is None:
        raise ValueError("metres_per_point: the axes is on no figure")
    width_in = ax.get_position().width * fig.get_figwidth()
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

    artists: list[Artist] = [
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
