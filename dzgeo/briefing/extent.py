"""The map extent that follows the filter, and the whole-city locator inset.

A sheet filtered to places shows those places (county polygons, zone extents, the
中心城区's member counties) with a margin; the other counties stay drawn but muted, and
a small inset shows where on the city the map is. A sheet without a place filter shows
the whole city. Everything is in EPSG:4548 metres.
"""

from __future__ import annotations

from collections.abc import Sequence

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from shapely.geometry import box
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union

from dzgeo import style
from dzgeo.briefing.geometry import ProjectedLayers, draw_polygon
from dzgeo.briefing.page import INK
from dzgeo.data.published import Layers
from dzgeo.filters import ProjectFilter

__all__ = [
    "LOCATOR_TITLE",
    "draw_locator",
    "focus_geometry",
    "in_focus",
    "map_extent",
    "quiet_corner",
]

#: Margin around the focus, as a share of its larger side.
FOCUS_MARGIN = 0.10
#: Smallest side of a focused extent (a zone alone would fill the page otherwise).
MIN_SIDE_M = 30_000.0
#: Radius drawn for a place known only as a point.
POINT_RADIUS_M = 4_000.0
LOCATOR_TITLE = "在全市的位置"


def focus_geometry(flt: ProjectFilter, layers: Layers, geo: ProjectedLayers) -> BaseGeometry | None:
    """The union of the filter's places as areas, or None for a city-wide sheet."""
    if not flt.places:
        return None
    parts: list[BaseGeometry] = []
    counties = geo.counties
    for place in flt.places:
        kind = geo.place_kind.get(place)
        if kind == "county":
            parts += list(counties.loc[counties["name"] == place].geometry)
        elif kind == "area":
            codes = set(layers.vocab.place_adcodes.get(place, []))
            parts += list(counties.loc[counties["adcode"].astype(str).isin(codes)].geometry)
        else:
            zone = geo.zones.loc[geo.zones["name"] == place].geometry
            areas = [g for g in zone if g.geom_type in ("Polygon", "MultiPolygon")]
            if areas:
                parts += areas
            elif place in geo.points:
                x, y = geo.points[place]
                parts.append(box(x, y, x, y).buffer(POINT_RADIUS_M))
    return unary_union(parts) if parts else None


def map_extent(focus: BaseGeometry | None, city: BaseGeometry) -> tuple[float, float, float, float]:
    """The map's extent: the city with 4 %, or the focus with a margin and a least size."""
    if focus is None:
        x0, y0, x1, y1 = city.bounds
        pad = 0.04 * max(x1 - x0, y1 - y0)
        return x0 - pad, y0 - pad, x1 + pad, y1 + pad
    x0, y0, x1, y1 = focus.bounds
    pad = FOCUS_MARGIN * max(x1 - x0, y1 - y0)
    x0, y0, x1, y1 = x0 - pad, y0 - pad, x1 + pad, y1 + pad
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    half_w, half_h = max(x1 - x0, MIN_SIDE_M) / 2, max(y1 - y0, MIN_SIDE_M) / 2
    return cx - half_w, cy - half_h, cx + half_w, cy + half_h


def in_focus(geoms: Sequence[BaseGeometry], focus: BaseGeometry | None) -> list[bool]:
    """Which of ``geoms`` (counties) belong to the focus (all of them without a focus)."""
    if focus is None:
        return [True] * len(geoms)
    return [g.intersection(focus).area > 0.05 * min(g.area, focus.area) for g in geoms]


def quiet_corner(
    ax: Axes, subject: BaseGeometry, cells: dict[str, tuple[float, float, float, float]]
) -> str:
    """The key of the axes-fraction cell that ``subject`` covers least."""
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()

    def covered(cell: tuple[float, float, float, float]) -> float:
        fx0, fy0, fx1, fy1 = cell
        area = box(
            x0 + fx0 * (x1 - x0), y0 + fy0 * (y1 - y0), x0 + fx1 * (x1 - x0), y0 + fy1 * (y1 - y0)
        )
        return subject.intersection(area).area

    return min(cells, key=lambda key: covered(cells[key]))


def draw_locator(
    fig: Figure,
    ax: Axes,
    geo: ProjectedLayers,
    focus: BaseGeometry,
    cell: tuple[float, float, float, float],
    fontprops: object,
) -> Axes:
    """A small whole-city map in the axes-fraction ``cell`` of ``ax``: the focus filled,
    the main map's extent framed."""
    pos = ax.get_position()
    fx0, fy0, fx1, fy1 = cell
    inset = fig.add_axes(
        (
            pos.x0 + fx0 * pos.width,
            pos.y0 + fy0 * pos.height,
            (fx1 - fx0) * pos.width,
            (fy1 - fy0) * pos.height,
        )
    )
    inset.set_zorder(40)
    inset.set_xticks([])
    inset.set_yticks([])
    for spine in inset.spines.values():
        spine.set_linewidth(0.6)
        spine.set_color(INK)
    inset.set_facecolor("white")
    x0, y0, x1, y1 = geo.city.bounds
    pad = 0.06 * max(x1 - x0, y1 - y0)
    x0, y0, x1, y1 = x0 - pad, y0 - pad, x1 + pad, y1 + pad * 2.2
    # Grow the limits to the inset's proportions (equal aspect, no limit fight).
    fig_w, fig_h = fig.get_size_inches()
    ratio = ((fy1 - fy0) * pos.height * fig_h) / ((fx1 - fx0) * pos.width * fig_w)
    if (y1 - y0) / (x1 - x0) < ratio:
        grow = ((x1 - x0) * ratio - (y1 - y0)) / 2
        y0, y1 = y0 - grow, y1 + grow
    else:
        grow = ((y1 - y0) / ratio - (x1 - x0)) / 2
        x0, x1 = x0 - grow, x1 + grow
    inset.set_xlim(x0, x1)
    inset.set_ylim(y0, y1)
    for g in geo.counties.geometry:
        draw_polygon(
            inset, g, facecolor=style.ZERO_COUNT_COLOR, edgecolor=style.COUNTY_LINE_COLOR, lw=0.3
        )
    draw_polygon(inset, focus, facecolor=style.LEAD_ZONE_COLOR, edgecolor="none", alpha=0.55)
    draw_polygon(inset, geo.city, facecolor="none", edgecolor=style.CITY_OUTLINE_COLOR, lw=0.6)
    mx0, mx1 = ax.get_xlim()
    my0, my1 = ax.get_ylim()
    inset.add_patch(
        Rectangle((mx0, my0), mx1 - mx0, my1 - my0, fill=False, edgecolor=INK, lw=0.7, ls="--")
    )
    inset.text(
        0.5, 0.985, LOCATOR_TITLE, transform=inset.transAxes, ha="center", va="top",
        fontproperties=fontprops, color=INK,
    )  # fmt: skip
    return inset
