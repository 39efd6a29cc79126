"""Zones on the briefing maps: a zone in its spec symbol, and the zones a place sheet is about.

The layout sheet draws every zone; a projects sheet filtered to a zone draws that zone
too, so the sheet shows where the place is even when no project is listed there (the
plan places most projects at a county, not at its 园区).
"""

from __future__ import annotations

import math
from collections.abc import Collection
from typing import TYPE_CHECKING

from matplotlib.axes import Axes
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from dzgeo import style, symbology
from dzgeo.briefing.furniture import metres_per_point
from dzgeo.briefing.geometry import draw_polygon
from dzgeo.briefing.labels import Label, TextLine
from dzgeo.briefing.legendkeys import tag
from dzgeo.briefing.page import INK, Page
from dzgeo.briefing.symbols import fill_layers, marker_kwargs
from dzgeo.frames import records, rows

if TYPE_CHECKING:
    from dzgeo.briefing.figure import MapBuilder

__all__ = ["draw_focus_zones", "draw_zone"]


def draw_zone(
    ax: Axes, geom: BaseGeometry, symbol: symbology.Symbol, k: float, key: str
) -> tuple[Point, float]:
    """Draw a zone's symbol (a marker at a point, else a tinted area); return its centre
    and its radius in points (for a label to keep clear of)."""
    if isinstance(symbol, symbology.MarkerSymbol):
        centre = geom if isinstance(geom, Point) else geom.representative_point()
        tag(ax.plot(centre.x, centre.y, zorder=10, **marker_kwargs(symbol, k)), key)
        return centre, symbol.size * k / 2
    for kwargs in fill_layers(symbol, k):  # type: ignore[arg-type]
        tag(draw_polygon(ax, geom, zorder=9, **kwargs), key)
    return geom.representative_point(), math.sqrt(geom.area / math.pi) / metres_per_point(ax)


def draw_focus_zones(builder: MapBuilder, page: Page, marked: Collection[str]) -> None:
    """The zones of the sheet's filter in their symbols, each named unless a project
    marker (``marked``: places with one) already stands there with its name."""
    ax, k = page.ax, page.k
    zones = builder.geo.zones
    chosen = zones[zones["name"].isin(builder.flt.places)]
    if chosen.empty:
        return
    shorts = builder.layers.place_shorts()
    entries = {e.symbol: e for e in symbology.zone_entries(records(chosen), shorts)}
    for row in rows(chosen):
        geom = row.geometry
        symbol = symbology.zone_symbol(row.kind, geom.geom_type)
        is_point = isinstance(symbol, symbology.MarkerSymbol)
        if not builder.visible(ax, geom) or (is_point and row.name in marked):
            continue  # a point zone with projects is the projects' marker
        centre, radius = draw_zone(ax, geom, symbol, k, builder.catalog.add(entries[symbol]))
        if row.name in marked:
            continue
        color = style.ZONE_COLORS.get(row.kind, INK)
        lines = [
            TextLine(row.name, page.fp(7.8, bold=True), color),
            TextLine("（无符合筛选条件的项目）", page.fp(6.2), color),
        ]
        builder.labels.append(
            Label(
                centre.x, centre.y, lines, priority=45, avoid_pt=radius + 1, required=True,
                key=f"zone:{row.name}",
            )
        )  # fmt: skip
