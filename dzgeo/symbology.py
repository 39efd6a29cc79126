"""The cartographic spec: one symbol per feature kind and one legend model, for both maps.

The web map (:mod:`dzgeo.web`) and the briefing map (:mod:`dzgeo.briefing`) draw every
feature with the :data:`Symbol` this module gives for its kind, and build their legends
from the :class:`LegendEntry` rows it makes; each renderer only translates a symbol into
its own terms (Leaflet path options, matplotlib keyword arguments). So the high-speed
railway, the corridor bands and the zones look the same on screen and on paper, and
whatever is drawn has its row in the legend.

Sizes are in points of an A4 sheet (the briefing map scales them with the page); the web
map draws :data:`SCREEN_PX_PER_PT` pixels per point. Dash patterns are on/off lengths in
the same unit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from dzgeo import style
from dzgeo.vocabulary import split_multi

__all__ = [
    "CORE_AREA",
    "SCREEN_PX_PER_PT",
    "SECTIONS",
    "FillSymbol",
    "LegendEntry",
    "LineSymbol",
    "MarkerSymbol",
    "Stroke",
    "Symbol",
    "band_entries",
    "band_symbol",
    "boundary_entries",
    "city_outline_symbol",
    "count_entries",
    "county_fill_symbol",
    "county_line_symbol",
    "industry_entries",
    "layout_fill_entries",
    "project_symbol",
    "route_entries",
    "route_symbol",
    "zone_entries",
    "zone_symbol",
]

#: Screen pixels the web map draws per point of the spec (lines and markers read on a
#: screen at about twice their printed size).
SCREEN_PX_PER_PT = 2.0

Shape = Literal["circle", "square", "diamond", "star"]


@dataclass(frozen=True)
class Stroke:
    """A stroked line: colour, width (pt), dash pattern (pt, on/off), opacity, cap."""

    color: str
    width: float
    dash: tuple[float, ...] = ()
    opacity: float = 1.0
    cap: Literal["round", "butt"] = "round"


@dataclass(frozen=True)
class LineSymbol:
    """A line feature: its stroke, drawn over an optional wider casing."""

    stroke: Stroke
    casing: Stroke | None = None


@dataclass(frozen=True)
class FillSymbol:
    """An area feature: a fill (colour, opacity) and an optional outline."""

    fill: str
    opacity: float = 1.0
    edge: Stroke | None = None


@dataclass(frozen=True)
class MarkerSymbol:
    """A point feature: a shape of ``size`` pt filled with ``color``, edged in ``edge``."""

    shape: Shape
    color: str
    size: float
    edge: str = "#ffffff"
    edge_width: float = 0.6


Symbol = LineSymbol | FillSymbol | MarkerSymbol


@dataclass(frozen=True)
class LegendEntry:
    """One legend row: its section, label, symbol (None for a note) and optional count."""

    section: str
    label: str
    symbol: Symbol | None = None
    count: int | None = None


#: Legend sections, in the order both maps show them.
SECTIONS = (
    "区县（轴带联动）",
    "区县重点项目数",
    "界线",
    "轴带与干线（示意）",
    "双区与园区（示意）",
    "重点项目",
    "核心区",
    "说明",
)

# ------------------------------------------------------------------------------ symbols

_COUNTY_FILL_OPACITY = 0.85


def county_fill_symbol(fill: str) -> FillSymbol:
    """A county shaded ``fill`` (a corridor colour or a count class)."""
    return FillSymbol(fill, _COUNTY_FILL_OPACITY)


def county_line_symbol() -> LineSymbol:
    """The county boundaries."""
    return LineSymbol(Stroke(style.COUNTY_LINE_COLOR, 0.6))


def city_outline_symbol() -> LineSymbol:
    """The city boundary."""
    return LineSymbol(Stroke(style.CITY_OUTLINE_COLOR, 1.4))


def corridor_color(corridor: str) -> str:
    """The colour of an 轴带 corridor id (``axis`` / ``belt``)."""
    return {"axis": style.AXIS_COLOR, "belt": style.BELT_COLOR}.get(corridor, "#777777")


def band_symbol(corridor: str) -> FillSymbol:
    """An 轴带 corridor band: a light tint and a thin long-dash outline of its colour."""
    color = corridor_color(corridor)
    return FillSymbol(color, 0.1, Stroke(color, 0.9, dash=(6.0, 2.0, 1.0, 2.0), opacity=0.9))


def route_symbol(kind: str, corridor: str) -> LineSymbol:
    """A 干线: an expressway in its corridor's colour on a white casing, or the
    high-speed railway in the black-and-white railway dash."""
    if kind == "high_speed_rail":
        return LineSymbol(
            Stroke("#ffffff", 1.2, dash=(3.0, 3.0), cap="butt"),
            casing=Stroke("#1a1a1a", 2.4, cap="butt"),
        )
    return LineSymbol(Stroke(corridor_color(corridor), 1.8), casing=Stroke("#ffffff", 3.0))


def zone_symbol(kind: str, geom_type: str) -> MarkerSymbol | FillSymbol:
    """A zone: 双区 filled red with a solid edge (a star where only a point is known);
    other zones tinted in their kind's colour with a dotted edge (a diamond as a point)."""
    color = style.ZONE_COLORS.get(kind, "#555555")
    lead = kind == "lead_zone"
    if geom_type in ("Point", "MultiPoint"):
        return MarkerSymbol("star" if lead else "diamond", color, 10.0 if lead else 6.0)
    if lead:
        return FillSymbol(color, 0.3, Stroke(color, 1.4))
    return FillSymbol(color, 0.12, Stroke(color, 1.0, dash=(2.0, 1.5)))


def project_symbol(industry: str, group: str) -> MarkerSymbol:
    """A key project (or a place's projects of one industry): a 新兴 circle or a 传统
    square in the industry's colour."""
    shape: Shape = "square" if style.GROUP_SHAPES.get(group) == "square" else "circle"
    return MarkerSymbol(shape, style.industry_color(industry), 7.0)


#: The 核心区 star of the projects briefing map.
CORE_AREA = MarkerSymbol("star", "#ffd21f", 9.0, edge="#7a1010", edge_width=0.7)

# ------------------------------------------------------------------------ legend model


def layout_fill_entries(
    present: Iterable[str], corridors: Sequence[Mapping[str, object]]
) -> list[LegendEntry]:
    """County fills of the 布局 view for the corridor keys ``present``.

    A corridor's fill is labelled with its name from ``corridors`` (records of
    corridors.geojson), the fill of counties on both with the places the corridors share.
    """
    names = {str(c["id"]): str(c["name"]) for c in corridors}
    shared = set.intersection(*(set(split_multi(str(c["places"]))) for c in corridors))
    labels = {
        **names,
        "axis|belt": style.LAYOUT_BOTH_LABEL.format(places="、".join(sorted(shared))),
        "": style.LAYOUT_NONE_LABEL,
    }
    keys = set(present)
    return [
        LegendEntry("区县（轴带联动）", labels[k], county_fill_symbol(style.LAYOUT_FILLS[k]))
        for k in ("axis", "belt", "axis|belt", "")
        if k in keys
    ]


def count_entries(breaks: Sequence[int], unit: str = "个") -> list[LegendEntry]:
    """County fills of the 项目 view: one row per count class."""
    return [
        LegendEntry("区县重点项目数", f"{label} {unit}", county_fill_symbol(color))
        for label, color in style.count_classes(breaks)
    ]


def boundary_entries() -> list[LegendEntry]:
    """The city and county boundaries."""
    return [
        LegendEntry("界线", "市界", city_outline_symbol()),
        LegendEntry("界线", "县市区界", county_line_symbol()),
    ]


def band_entries(corridors: Iterable[Mapping[str, object]]) -> list[LegendEntry]:
    """One row per corridor band drawn: ``{id, name, width_km}`` records."""
    out = []
    for row in corridors:
        width = row.get("width_km")
        size = f"，沿线约 {float(width):g} km" if isinstance(width, int | float) else ""
        out.append(
            LegendEntry(
                "轴带与干线（示意）",
                f"{row.get('name', '')}范围{size}",
                band_symbol(str(row.get("id", ""))),
            )
        )
    return out


_ROUTE_KINDS = {"expressway": "高速公路", "high_speed_rail": "高速铁路"}


def route_entries(
    routes: Iterable[Mapping[str, object]], corridor_names: Mapping[str, str]
) -> list[LegendEntry]:
    """One row per route symbol drawn (kind × corridor), naming its routes:
    ``{name, kind, corridor}`` records."""
    grouped: dict[tuple[str, str], list[str]] = {}
    for row in routes:
        key = (str(row.get("kind", "")), str(row.get("corridor", "")))
        grouped.setdefault(key, []).append(str(row.get("name", "")))
    out = []
    for (kind, corridor), names in grouped.items():
        via = corridor_names.get(corridor, "")
        label = f"{_ROUTE_KINDS.get(kind, kind)}：{'、'.join(names)}" + (
            f"（{via}）" if via else ""
        )
        out.append(LegendEntry("轴带与干线（示意）", label, route_symbol(kind, corridor)))
    return out


def zone_entries(
    zones: Iterable[Mapping[str, object]], shorts: Mapping[str, str] | None = None
) -> list[LegendEntry]:
    """One row per zone symbol drawn (kind × polygon/point): ``{kind, kind_label,
    geometry}`` records; 双区 first, named by their short names (``shorts``: places.csv
    name -> short, in table order)."""
    seen: dict[Symbol, str] = {}
    rows = sorted(zones, key=lambda r: r.get("kind") != "lead_zone")
    leads = {str(r.get("name")) for r in rows if r.get("kind") == "lead_zone"}
    order = [*(shorts or {}), *sorted(leads - set(shorts or {}))]
    lead_names = "、".join((shorts or {}).get(n) or n for n in order if n in leads)
    for row in rows:
        kind = str(row.get("kind", ""))
        geom = row.get("geometry")
        geom_type = getattr(geom, "geom_type", "Point")
        symbol = zone_symbol(kind, geom_type)
        label = str(row.get("kind_label") or kind)
        if kind == "lead_zone":
            label = f"双区（{lead_names}）"
        if geom_type in ("Polygon", "MultiPolygon") and kind != "lead_zone":
            label += "范围"
        if symbol not in seen:
            seen[symbol] = label
    return [LegendEntry("双区与园区（示意）", label, symbol) for symbol, label in seen.items()]


def industry_entries(
    industries: Mapping[str, str],
    counts: Mapping[str, int] | None = None,
    only: Iterable[str] | None = None,
) -> list[LegendEntry]:
    """One row per industry (``{name: group}`` in the plan's order), with its count."""
    keep = None if only is None else set(only)
    return [
        LegendEntry(
            "重点项目",
            name,
            project_symbol(name, group),
            None if counts is None else int(counts.get(name, 0)),
        )
        for name, group in industries.items()
        if keep is None or name in keep
    ]
