"""The ``projects`` briefing sheet: numbered project markers keyed to the project list.

Counties are shaded by their number of projects; every project passing the filter has
a number in the list, and its marker (at its ledger site, else at its place's point)
shows it: a place's several projects share a pie coloured by industry, labelled with
their numbers ("5–18"); a project alone at its point shows its number inside. The
city-level projects have no point: they are the list's separate box. 核心区 of the
selected industries' sub-fields get a star.
"""

from __future__ import annotations

import logging
import math
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import pandas as pd
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.patches import Circle, Patch, Rectangle, Wedge

from dzgeo import style, symbology
from dzgeo.briefing.figure import PLAN, TITLE, MapBuilder
from dzgeo.briefing.furniture import metres_per_point
from dzgeo.briefing.geometry import ProjectedLayers
from dzgeo.briefing.labels import Label, TextLine
from dzgeo.briefing.legendkeys import NOTES, tag
from dzgeo.briefing.listing import (
    ListColumn,
    ListRow,
    has_sites,
    list_columns,
    list_rows,
    number_projects,
    number_ranges,
)
from dzgeo.briefing.page import INK, Page
from dzgeo.briefing.symbols import marker_kwargs
from dzgeo.briefing.zones import draw_focus_zones
from dzgeo.counting import (
    CITY_LEVEL,
    COUNT_RULE_SHORT,
    count_points,
    county_counts,
    county_seats,
)
from dzgeo.data.published import Layers
from dzgeo.filters import apply_filter, selected_industries
from dzgeo.frames import rows
from dzgeo.settings import METRIC_CRS, STORAGE_CRS
from dzgeo.symbology import CORE_AREA, LegendEntry, MarkerSymbol
from dzgeo.vocabulary import split_multi

log = logging.getLogger(__name__)

STAR_PT = CORE_AREA.size
PROJECTS, CORE = symbology.SECTIONS[5], symbology.SECTIONS[6]
#: A ledger site is ringed in the list's ink (the marker itself keeps its industry colour).
SITE_RING = MarkerSymbol("circle", "none", 8.0, edge=INK, edge_width=0.9)


@dataclass
class MarkerGroup:
    """The projects drawn at one point: their numbers and industries."""

    x: float
    y: float
    place: str  # the place's name, or "" for a ledger site
    numbers: list[int] = field(default_factory=list)
    industries: Counter = field(default_factory=Counter)


def _county_counts(projects: pd.DataFrame, adcodes: Sequence[str]) -> list[int]:
    """Projects per county by the one counting rule (:func:`dzgeo.counting.county_counts`)."""
    per_county = county_counts(projects, adcodes)
    return [int(per_county.get(code, {}).get("", 0)) for code in adcodes]


def marker_groups(
    numbered: pd.DataFrame, layers: Layers, geo: ProjectedLayers
) -> list[MarkerGroup]:
    """The markers of the listed projects, by the one counting rule.

    A project is drawn once in every county it counts in (:func:`dzgeo.counting.count_points`:
    at its ledger site or zone inside that county, else at the county's seat), so a
    county's markers add up to its count; city-level projects have no marker. Projects
    at one zone or one county seat share a marker; a ledger site has its own.
    """
    groups: dict[str, MarkerGroup] = {}
    if not len(numbered):
        return []
    frame = numbered.reset_index(drop=True)
    sited = has_sites(frame)
    if sited.any():  # the ledger's site is the drawn point
        lon = pd.to_numeric(frame["site_lon"], errors="coerce")
        lat = pd.to_numeric(frame["site_lat"], errors="coerce")
        geometry = gpd.GeoSeries(frame.geometry, crs=STORAGE_CRS).copy()
        geometry[sited] = gpd.points_from_xy(lon[sited], lat[sited])
        frame = gpd.GeoDataFrame(frame, geometry=geometry, crs=STORAGE_CRS)
    elif not isinstance(frame, gpd.GeoDataFrame):
        frame = gpd.GeoDataFrame(frame, geometry="geometry", crs=STORAGE_CRS)
    seats, areas = county_seats(layers.places, geo.points)
    points = count_points(frame.to_crs(METRIC_CRS), geo.counties, seats, areas)
    county_name = dict(zip(geo.counties["adcode"].astype(str), geo.counties["name"], strict=True))
    numbers = frame["number"].astype(int).to_numpy()
    industries = frame["industry"].astype(str).to_numpy()
    for row, code, x, y, place in zip(
        points["row"], points["adcode"], points["x"], points["y"], points["place"], strict=True
    ):
        if not code or pd.isna(x):
            continue
        if bool(sited.iloc[row]):
            key, name = f"site:{x:.0f},{y:.0f}", ""
        elif geo.place_kind.get(place) == "zone":
            key = name = place
        else:
            key = name = county_name[code]
            x, y = seats.get(code, (x, y))
        group = groups.setdefault(key, MarkerGroup(float(x), float(y), name))
        group.numbers.append(int(numbers[row]))
        group.industries[industries[row]] += 1
    return list(groups.values())


def _range_lines(numbers: Sequence[int], width: int = 14) -> list[str]:
    """The numbers as ranges, broken after a '、' into lines of about ``width`` characters."""
    lines, current = [], ""
    for part in number_ranges(numbers).split("、"):
        trial = f"{current}、{part}" if current else part
        if current and len(trial) > width:
            lines.append(current + "、")
            current = part
        else:
            current = trial
    return [*lines, current] if current else lines


class ProjectsMap(MapBuilder):
    """The key projects passing the filter, each numbered on the map and in the list."""

    kind = "projects"

    def __init__(self, *args: Any, projects: pd.DataFrame | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        source = self.layers.projects if projects is None else projects
        self.projects = apply_filter(source, self.flt, self.layers.vocab)
        self.numbered = number_projects(self.projects, self.layers)
        self.city_count = int((self.numbered["located"] == "city").sum())
        self.industries = [
            name for name in self.layers.vocab.industries if name in set(self.projects["industry"])
        ]
        self.selected = selected_industries(
            self.layers.vocab, groups=self.flt.groups, industries=self.flt.industries
        )
        self.core = self._core_areas()

    def title(self) -> str:
        if len(self.flt.industries) == 1:
            name = self.flt.industries[0]
            full = self.layers.industries.set_index("name")["full_name"].get(name, name)
            return f"德州市{full}重点支持项目"
        if len(self.flt.places) == 1 and not (self.flt.industries or self.flt.groups):
            return f"{self.flt.places[0]}新旧动能转换重点支持项目"
        return TITLE["projects"]

    def subtitle(self) -> str:
        n = len(self.projects)
        return f"筛选：{self.flt.describe()} · 共 {n} 项（{PLAN}所列重点支持项目）"

    def schematic_parts(self) -> list[str]:
        return [  # separate parts: the footer wraps between them
            "项目标在台账选址处，无选址的标在规划所列地点（县市区或园区代表点），非项目选址",
            "列出多个县市区的项目在每个县市区都标出",
            COUNT_RULE_SHORT,
        ]

    def list_rows(self) -> tuple[list[ListColumn], list[ListRow]]:
        columns = list_columns(self.numbered)
        if not self.text.with_list:
            return columns, []
        return columns, list_rows(self.numbered, columns)

    def _core_areas(self) -> dict[str, list[str]]:
        """Place -> sub-fields it is a 核心区 of, for the selected industries."""
        subs = self.layers.subfields
        subs = subs[subs["industry"].isin(self.selected)]
        if self.flt.subfields:
            subs = subs[subs["subfield"].isin(self.flt.subfields)]
        core: dict[str, list[str]] = defaultdict(list)
        for row in rows(subs):
            for place in split_multi(row.core_areas):
                if row.subfield not in core[place]:
                    core[place].append(row.subfield)
        return dict(core)

    def draw(self, page: Page) -> None:
        counties = self.geo.counties
        counts = _county_counts(self.projects, list(counties["adcode"].astype(str)))
        # Classes from the counties the sheet is about: the muted neighbours of a place
        # sheet (their counts are the place's multi-place projects) would otherwise push
        # the place itself into the darkest class.
        focus = [n for n, quiet in zip(counts, self.muted(), strict=True) if not quiet]
        breaks = style.count_breaks(focus)
        by_fill: dict[str, LegendEntry] = {}
        for entry in symbology.count_entries(breaks, unit="项"):  # registered in class order
            self.catalog.add(entry)
            assert isinstance(entry.symbol, symbology.FillSymbol)
            by_fill[entry.symbol.fill] = entry
        fills = []
        for n in counts:
            color = style.count_color(n, breaks)
            fills.append((color, by_fill[color]))
        self.draw_counties(page, fills)
        starred, marked = self._markers(page)
        draw_focus_zones(self, page, marked)
        k, muted = page.k, self.muted()
        for row, n, quiet in zip(rows(counties), counts, muted, strict=True):
            x, y = self.geo.label_points[row.name]
            if not self.in_extent(page.ax, x, y):
                continue
            color = style.COUNTY_LINE_COLOR if quiet else INK
            lines = [
                TextLine(row.name, page.fp(7.4 if quiet else 8.4, bold=True), color),
                TextLine(f"{n} 项", page.fp(6.6), color),
            ]
            star = row.name in self.core and row.name not in starred and not quiet
            self.labels.append(
                Label(
                    x,
                    y,
                    lines,
                    priority=15 if quiet else 20,
                    key=f"county:{row.name}",
                    symbol_pt=STAR_PT * k if star else 0.0,
                    draw_symbol=_star_drawer(page.ax, STAR_PT * k) if star else None,
                    required=not quiet,
                )
            )
        for place in self.core:
            if place in starred or self.geo.place_kind.get(place) == "county":
                continue
            if place not in self.geo.points or not self.in_extent(page.ax, *self.geo.points[place]):
                continue
            x, y = self.geo.points[place]
            self.labels.append(
                Label(
                    x,
                    y,
                    [TextLine(self.geo.short.get(place, place), page.fp(6.2), INK)],
                    priority=35,
                    key=f"core:{place}",
                    symbol_pt=STAR_PT * k,
                    draw_symbol=_star_drawer(page.ax, STAR_PT * k),
                )
            )
        self._register_legend(page)

    def _markers(self, page: Page) -> tuple[set[str], set[str]]:
        """Add a marker label per point with projects; return the places whose marker has
        a star, and the places with a marker."""
        ax, k = page.ax, page.k
        starred: set[str] = set()
        groups = [
            g
            for g in marker_groups(self.numbered, self.layers, self.geo)
            if self.in_extent(ax, g.x, g.y)
        ]
        marked = {g.place for g in groups if g.place}
        if not groups:
            return starred, marked
        top = max(len(g.numbers) for g in groups)
        group_of = self.layers.vocab.industries
        for g in sorted(groups, key=lambda g: -len(g.numbers)):
            total = len(g.numbers)
            diameter_pt = (9 + 15 * math.sqrt(total / top)) * k
            parts = [(ind, g.industries[ind]) for ind in group_of if g.industries[ind]]
            caption = [  # the list numbers; the count is inside the symbol
                TextLine(line, page.fp(6.4, bold=True), INK) for line in _range_lines(g.numbers)
            ]
            if g.place and self.geo.place_kind.get(g.place) not in ("county", "city"):
                caption.append(TextLine(self.geo.short.get(g.place, g.place), page.fp(6.0), INK))
            square = (
                len(parts) == 1
                and style.GROUP_SHAPES.get(group_of.get(parts[0][0], "")) == "square"
            )
            star_pt = STAR_PT * k if g.place in self.core else 0.0
            if star_pt:
                starred.add(g.place)
            box_pt = max(diameter_pt, 2 * (0.42 * diameter_pt + star_pt / 2)) if star_pt else 0
            self.labels.append(
                Label(
                    g.x,
                    g.y,
                    caption,
                    priority=40,
                    key=f"pie:{g.place}" if g.place else f"site:{g.x:.0f},{g.y:.0f}",
                    symbol_pt=max(diameter_pt, box_pt),
                    draw_symbol=_pie_drawer(
                        ax, parts, square, diameter_pt, star_pt, sited=not g.place
                    ),
                    center_text=TextLine(str(total), page.fp(6.4, bold=True), INK),
                )
            )
        return starred, marked

    def _register_legend(self, page: Page) -> None:
        del page  # the entries are the spec's; the page scales them when drawn
        for entry in symbology.industry_entries(self.layers.vocab.industries, only=self.industries):
            self.catalog.add(entry)
        self.catalog.add(LegendEntry(PROJECTS, "台账所给项目选址（黑圈）", SITE_RING))
        self.catalog.note(
            PROJECTS,
            "符号内为项目数，符号下为清单编号；一地几个产业的项目合为饼图；"
            "圆形为新兴产业、方形为传统产业",
        )
        self.catalog.add(LegendEntry(CORE, "细分领域核心区（在其项目符号或名称上）", CORE_AREA))
        by_sub: dict[str, list[str]] = defaultdict(list)
        for place, subs in self.core.items():
            for sub in subs:
                by_sub[sub].append(self.geo.short.get(place, place))
        if by_sub and len(by_sub) <= 8:
            for sub, places in by_sub.items():
                self.catalog.note(CORE, f"{sub}：{'、'.join(places)}")
        self.catalog.note(NOTES, f"县市区项目数：{COUNT_RULE_SHORT}")
        if self.city_count:
            self.catalog.note(
                NOTES,
                f"另有 {self.city_count} 项为{CITY_LEVEL}（规划未落到县市区），只计入全市合计，"
                "图上不标，见清单方框",
            )
        if not len(self.projects):
            self.catalog.note(NOTES, "没有符合筛选条件的项目")
        for place in self.flt.places if len(self.flt.places) == 1 else ():
            pri = self.layers.priorities
            terms = pri[pri["place"] == place].sort_values("rank")["term"].tolist()
            if terms:
                self.catalog.note(NOTES, f"{place}多点突破重点产业（规划原词）：{'、'.join(terms)}")
            subs = self.core.get(place, [])
            if subs:
                self.catalog.note(NOTES, f"{place}为下列细分领域的核心区：{'、'.join(subs)}")


def _pie_drawer(
    ax: Axes,
    parts: Sequence[tuple[str, int]],
    square: bool,
    diameter_pt: float,
    star_pt: float,
    *,
    sited: bool = False,
) -> Callable[[float, float, float], list[Artist]]:
    """Draw a place's projects: a circle or square of one industry, or a pie of several.

    The symbol box handed to the drawer may be larger than the pie when a 核心区 star
    sits on its upper right.
    """

    def draw(x: float, y: float, box: float) -> list[Artist]:
        del box  # the pie keeps its own size; the box only makes room for the star
        r = diameter_pt * metres_per_point(ax) / 2
        out: list[Artist] = []
        if len(parts) == 1:
            color = style.industry_color(parts[0][0])
            patch: Patch
            if square:
                side = r * 1.8
                patch = Rectangle(
                    (x - side / 2, y - side / 2), side, side, fc=color, ec="white", lw=0.7
                )
            else:
                patch = Circle((x, y), r, fc=color, ec="white", lw=0.7)
            patch.set_zorder(25)
            out += tag([ax.add_patch(patch)], f"{PROJECTS}|{parts[0][0]}")
        else:
            total = sum(n for _, n in parts)
            start = 90.0
            for industry, n in parts:
                sweep = 360.0 * n / total
                wedge = Wedge(
                    (x, y),
                    r,
                    start - sweep,
                    start,
                    fc=style.industry_color(industry),
                    ec="white",
                    lw=0.5,
                    zorder=25,
                )
                out += tag([ax.add_patch(wedge)], f"{PROJECTS}|{industry}")
                start -= sweep
        if sited:
            ring = ax.plot(x, y, zorder=26, **marker_kwargs(SITE_RING, 1.0))
            ring[0].set_markersize(2 * r / metres_per_point(ax) * 1.15)
            out += tag(ring, f"{PROJECTS}|台账所给项目选址（黑圈）")
        if star_pt:
            offset = 0.42 * diameter_pt * metres_per_point(ax)
            out += _star_drawer(ax, star_pt)(x + offset, y + offset, 0.0)
        return out

    return draw


def _star_drawer(ax: Axes, size_pt: float) -> Callable[[float, float, float], list[Artist]]:
    """Draw the 核心区 star (the spec's symbol, ``size_pt`` wide) at a point."""
    kwargs = marker_kwargs(CORE_AREA)
    kwargs["ms"] = size_pt

    def draw(x: float, y: float, diameter: float) -> list[Artist]:
        del diameter  # the marker has a fixed size in points
        return tag(
            ax.plot(x, y, zorder=27, **kwargs), f"{CORE}|细分领域核心区（在其项目符号或名称上）"
        )

    return draw
