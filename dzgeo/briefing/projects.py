"""The ``projects`` briefing map: counties shaded by project count, pies per place, 核心区."""

from __future__ import annotations

import logging
import math
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence

import geopandas as gpd
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.patches import Circle, Patch, Rectangle, Wedge

from dzgeo import style, symbology
from dzgeo.briefing.figure import PLAN, TITLE, MapBuilder
from dzgeo.briefing.fonts import CjkFont
from dzgeo.briefing.furniture import metres_per_point
from dzgeo.briefing.geometry import ProjectedLayers
from dzgeo.briefing.labels import Label, TextLine
from dzgeo.briefing.page import INK, Page
from dzgeo.briefing.symbols import marker_kwargs
from dzgeo.counting import (
    CITY_LEVEL,
    COUNT_RULE_SHORT,
    count_points,
    county_counts,
    county_seats,
)
from dzgeo.data.published import Layers
from dzgeo.filters import ProjectFilter, apply_filter, selected_industries
from dzgeo.frames import rows
from dzgeo.settings import METRIC_CRS
from dzgeo.symbology import LegendEntry
from dzgeo.vocabulary import split_multi

log = logging.getLogger(__name__)

#: The 核心区 star's size (pt at A4).
STAR_PT = symbology.CORE_AREA.size


def _project_places(
    projects: gpd.GeoDataFrame, layers: Layers, geo: ProjectedLayers
) -> tuple[dict[str, Counter], Counter]:
    """Per pie (a zone, or a county's seat), the projects per industry; the city-level
    ones apart. A project is in one pie of every county it counts in
    (:func:`dzgeo.counting.count_points`), so a county's pies add up to its count."""
    per_place: dict[str, Counter] = defaultdict(Counter)
    city: Counter = Counter()
    if not len(projects):
        return per_place, city
    seats, areas = county_seats(layers.places, geo.points)
    points = count_points(projects.to_crs(METRIC_CRS), geo.counties, seats, areas)
    county_name = dict(zip(geo.counties["adcode"].astype(str), geo.counties["name"], strict=True))
    industries = projects["industry"].astype(str).to_numpy()
    for row, code, place in zip(points["row"], points["adcode"], points["place"], strict=True):
        industry = industries[row]
        if not code:
            city[industry] += 1
        elif geo.place_kind.get(place) == "zone":
            per_place[place][industry] += 1
        else:
            per_place[county_name[code]][industry] += 1
    return per_place, city


class ProjectsMap(MapBuilder):
    """The key projects passing the filter, summed per place."""

    kind = "projects"

    def __init__(
        self,
        layers: Layers,
        geo: ProjectedLayers,
        font: CjkFont,
        flt: ProjectFilter,
        paper: str,
        orientation: str,
        dpi: int,
    ) -> None:
        super().__init__(layers, geo, font, flt, paper, orientation, dpi)
        self.projects = apply_filter(self.layers.projects, self.flt, self.layers.vocab)
        self.per_place, self.city_level = _project_places(self.projects, self.layers, self.geo)
        self.industries = [
            name for name in self.layers.vocab.industries if name in set(self.projects["industry"])
        ]
        self.selected = self._selected_industries()
        self.core = self._core_areas()

    def _selected_industries(self) -> list[str]:
        return selected_industries(
            self.layers.vocab, groups=self.flt.groups, industries=self.flt.industries
        )

    def title(self) -> str:
        if len(self.flt.industries) == 1 and not self.flt.groups:
            name = self.flt.industries[0]
            full = self.layers.industries.set_index("name")["full_name"].get(name, name)
            return f"德州市{full}重点支持项目分布"
        return TITLE["projects"]

    def subtitle(self) -> str:
        n = len(self.projects)
        return f"筛选：{self.flt.describe()} · 共 {n} 项（{PLAN}重点支持项目）"

    def schematic_parts(self) -> list[str]:
        return ["项目按规划所列地点（县市区或园区代表点）汇总，非项目选址；" + COUNT_RULE_SHORT]

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
        per_county = county_counts(self.projects, counties["adcode"].astype(str))
        self.counts = [per_county[str(code)][""] for code in counties["adcode"]]
        self.breaks = style.count_breaks(self.counts)
        fills = [style.count_color(n, self.breaks) for n in self.counts]
        self.draw_counties(page, fills)
        starred = self._pies(page)
        k = page.k
        for row, n in zip(rows(counties), self.counts, strict=True):
            x, y = self.geo.label_points[row.name]
            lines = [
                TextLine(row.name, page.fp(8.4, bold=True), INK),
                TextLine(f"{n} 项", page.fp(6.6), "#333333"),
            ]
            star = row.name in self.core and row.name not in starred
            self.labels.append(
                Label(
                    x,
                    y,
                    lines,
                    priority=20,
                    key=f"county:{row.name}",
                    symbol_pt=STAR_PT * k if star else 0.0,
                    draw_symbol=_star_drawer(page.ax, STAR_PT * k) if star else None,
                )
            )
        for place in self.core:
            if place in starred or self.geo.place_kind.get(place) == "county":
                continue
            if place not in self.geo.points:
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

    def _pies(self, page: Page) -> set[str]:
        """Add a pie label per place with projects; return the places whose pie has a star."""
        ax, k = page.ax, page.k
        starred: set[str] = set()
        if not self.per_place:
            return starred
        top = max(sum(c.values()) for c in self.per_place.values())
        group = self.layers.vocab.industries
        for place, counter in sorted(self.per_place.items(), key=lambda kv: -sum(kv[1].values())):
            if place not in self.geo.points:
                log.warning("no point for place %s; its projects are not drawn", place)
                continue
            x, y = self.geo.points[place]
            total = sum(counter.values())
            diameter_pt = (9 + 15 * math.sqrt(total / top)) * k
            parts = [(ind, counter[ind]) for ind in self.layers.vocab.industries if counter[ind]]
            caption = []
            if self.geo.place_kind.get(place) != "county":
                caption = [TextLine(self.geo.short.get(place, place), page.fp(6.2), INK)]
            square = (
                len(parts) == 1
                and symbology.project_symbol(parts[0][0], group.get(parts[0][0], "")).shape
                == "square"
            )
            star_pt = STAR_PT * k if place in self.core else 0.0
            if star_pt:
                starred.add(place)
            box_pt = max(diameter_pt, 2 * (0.42 * diameter_pt + star_pt / 2)) if star_pt else 0
            self.labels.append(
                Label(
                    x,
                    y,
                    caption,
                    priority=40,
                    key=f"pie:{place}",
                    symbol_pt=max(diameter_pt, box_pt),
                    draw_symbol=_pie_drawer(ax, parts, square, diameter_pt, star_pt),
                    center_text=TextLine(str(total), page.fp(6.6, bold=True), INK),
                )
            )
        return starred

    def legend_entries(self) -> list[LegendEntry]:
        """One entry per symbol this map draws (the spec's legend model)."""
        entries = [
            *symbology.count_entries(self.breaks, unit="项"),
            *symbology.boundary_entries(),
            *symbology.industry_entries(self.layers.vocab.industries, only=self.industries),
        ]
        section = "重点项目"
        entries.append(
            LegendEntry(
                section, "单一产业：圆形为新兴产业、方形为传统产业；多产业为饼图，数字为项目数"
            )
        )
        if self.core:
            entries.append(
                LegendEntry("核心区", "细分领域核心区（在其项目符号或名称上）", symbology.CORE_AREA)
            )
            by_sub: dict[str, list[str]] = defaultdict(list)
            for place, subs in self.core.items():
                for sub in subs:
                    by_sub[sub].append(self.geo.short.get(place, place))
            if len(by_sub) <= 8:
                entries += [
                    LegendEntry("核心区", f"{sub}：{'、'.join(places)}")
                    for sub, places in by_sub.items()
                ]
        if self.city_level:
            n = sum(self.city_level.values())
            entries.append(
                LegendEntry(
                    "说明",
                    f"另有 {n} 项为{CITY_LEVEL}（规划未落到县市区），只计入全市合计，图上未标注",
                )
            )
        if not len(self.projects):
            entries.append(LegendEntry("说明", "没有符合筛选条件的项目"))
        return entries


def _pie_drawer(
    ax: Axes,
    parts: Sequence[tuple[str, int]],
    square: bool,
    diameter_pt: float,
    star_pt: float,
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
            color = symbology.project_symbol(parts[0][0], "").color
            if square:
                side = r * 1.8
                patch: Patch = Rectangle(
                    (x - side / 2, y - side / 2), side, side, fc=color, ec="white", lw=0.7
                )
            else:
                patch = Circle((x, y), r, fc=color, ec="white", lw=0.7)
            patch.set_zorder(25)
            out.append(ax.add_patch(patch))
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
                    fc=symbology.project_symbol(industry, "").color,
                    ec="white",
                    lw=0.5,
                    zorder=25,
                )
                out.append(ax.add_patch(wedge))
                start -= sweep
        if star_pt:
            offset = 0.42 * diameter_pt * metres_per_point(ax)
            out += _star_drawer(ax, star_pt)(x + offset, y + offset, 0.0)
        return out

    return draw


def _star_drawer(ax: Axes, size_pt: float) -> Callable[[float, float, float], list[Artist]]:
    """Draw the 核心区 star (a marker ``size_pt`` wide) at a point."""

    def draw(x: float, y: float, diameter: float) -> list[Artist]:
        del diameter  # the marker has a fixed size in points
        kwargs = marker_kwargs(symbology.CORE_AREA)
        kwargs["ms"] = size_pt
        return [*ax.plot(x, y, zorder=27, **kwargs)]

    return draw
