"""The ``layout`` briefing map: corridors, routes, lead and development zones, priorities."""

from __future__ import annotations

import math

from dzgeo import style, symbology
from dzgeo.briefing.figure import MapBuilder
from dzgeo.briefing.furniture import metres_per_point
from dzgeo.briefing.geometry import draw_line, draw_polygon
from dzgeo.briefing.labels import Label, TextLine
from dzgeo.briefing.page import INK, MUTED, Page
from dzgeo.briefing.symbols import fill_layers, line_layers, marker_kwargs
from dzgeo.frames import Row, records, rows
from dzgeo.symbology import LegendEntry
from dzgeo.vocabulary import split_multi

CORRIDOR_COLORS = {"axis": style.AXIS_COLOR, "belt": style.BELT_COLOR}


class LayoutMap(MapBuilder):
    """The plan's spatial layout (the project filter is only named in the subtitle)."""

    kind = "layout"

    def subtitle(self) -> str:
        text = "双区引领 · 轴带联动 · 多点突破（规划第二章第三节）"
        if not self.flt.is_empty():
            text += f"；本图不随项目筛选变化（当前筛选：{self.flt.describe()}）"
        return text

    def schematic_parts(self) -> list[str]:
        width = ", ".join(sorted({f"{w:g}" for w in self.geo.corridors["width_km"]}))
        return [
            f"走廊带（沿线宽 {width} km）、交通干线走向、双区与开发区的位置和范围均为示意",
        ]

    def draw(self, page: Page) -> None:
        ax, k = page.ax, page.k
        counties = self.geo.counties
        fills = [
            style.LAYOUT_FILLS.get(c or "", style.LAYOUT_FILLS[""])
            for c in counties["corridors"].fillna("")
        ]
        self.draw_counties(page, fills)
        for row in rows(self.geo.corridors):
            for kwargs in fill_layers(symbology.band_symbol(row.id), k):
                draw_polygon(ax, row.geometry, zorder=3, **kwargs)
        for row in rows(self.geo.routes):
            for kwargs in line_layers(symbology.route_symbol(row.kind, row.corridor), k):
                draw_line(ax, row.geometry, zorder=8, **kwargs)
            self.labels.append(self._route_label(page, row))
        self._draw_zones(page)
        self._county_labels(page)

    def _route_label(self, page: Page, row: Row) -> Label:
        line = row.geometry
        if line.geom_type == "MultiLineString":
            line = max(line.geoms, key=lambda g: g.length)
        point = line.interpolate(0.5, normalized=True)
        color = CORRIDOR_COLORS.get(row.corridor, MUTED)
        return Label(
            point.x,
            point.y,
            [TextLine(row.name, page.fp(6.5), color)],
            priority=1,
            avoid_pt=2.5 * page.k,
            required=False,
            key=f"route:{row.name}",
        )

    def _draw_zones(self, page: Page) -> None:
        """Every zone in its spec symbol; labels for 双区 and the 开发区 with priorities."""
        ax, k = page.ax, page.k
        mpp = metres_per_point(ax)
        priorities = self.layers.priorities
        for row in rows(self.geo.zones):
            geom = row.geometry
            symbol = symbology.zone_symbol(row.kind, geom.geom_type)
            if isinstance(symbol, symbology.MarkerSymbol):
                centre = geom if geom.geom_type == "Point" else geom.representative_point()
                ax.plot(centre.x, centre.y, zorder=10, **marker_kwargs(symbol, k))
                radius = symbol.size * k / 2
            else:
                for kwargs in fill_layers(symbol, k):
                    draw_polygon(ax, geom, zorder=9, **kwargs)
                centre = geom.representative_point()
                radius = math.sqrt(geom.area / math.pi) / mpp
            color = style.ZONE_COLORS.get(row.kind, INK)
            if row.kind == "lead_zone":
                name = self.geo.short.get(row.name, row.name) if len(row.name) > 9 else row.name
                lines = [
                    TextLine(name, page.fp(7.8, bold=True), color),
                    TextLine(f"双区：{row.role}", page.fp(6.6), color),
                ]
                priority = 30
            elif row.kind == "dev_zone":
                terms = priorities[priorities["place"] == row.name].sort_values("rank")["term"]
                if not len(terms):
                    continue  # county dev zones carry their county's priorities
                lines = [
                    TextLine(row.name, page.fp(7.2, bold=True), color),
                    TextLine(" · ".join(terms), page.fp(6.4), color),
                ]
                priority = 25
            else:
                continue
            self.labels.append(
                Label(
                    centre.x,
                    centre.y,
                    lines,
                    priority=priority,
                    avoid_pt=radius + 1,
                    key=f"zone:{row.name}",
                )
            )

    def _county_labels(self, page: Page) -> None:
        for row in rows(self.geo.counties):
            x, y = self.geo.label_points[row.name]
            lines = [TextLine(row.name, page.fp(9, bold=True), INK)]
            terms = split_multi(row.priority_terms)
            if terms:
                lines.append(TextLine(" · ".join(terms), page.fp(6.8), "#333333"))
            self.labels.append(Label(x, y, lines, priority=20, key=f"county:{row.name}"))

    def legend_entries(self) -> list[LegendEntry]:
        """One entry per symbol this map draws (the spec's legend model)."""
        corridor_names = dict(
            zip(self.geo.corridors["id"], self.geo.corridors["name"], strict=False)
        )
        present = ["|".join(sorted(split_multi(c))) for c in self.geo.counties["corridors"]]
        return [
            *symbology.layout_fill_entries(present),
            LegendEntry("区县（轴带联动）", "县市区名称下为规划确定的多点突破重点产业（规划原词）"),
            *symbology.boundary_entries(),
            *symbology.band_entries(records(self.geo.corridors)),
            *symbology.route_entries(records(self.geo.routes), corridor_names),
            *symbology.zone_entries(records(self.geo.zones)),
        ]
