"""The ``layout`` briefing map: corridors, routes, 双区, the other zones, parks and platforms
(as the web map shows them), and each county's 多点突破 priorities."""

from __future__ import annotations

import pandas as pd

from dzgeo import style, symbology
from dzgeo.briefing.figure import MapBuilder
from dzgeo.briefing.geometry import draw_line, draw_polygon
from dzgeo.briefing.labels import Label, TextLine
from dzgeo.briefing.legendkeys import tag
from dzgeo.briefing.page import INK, Page
from dzgeo.briefing.symbols import fill_layers, line_layers
from dzgeo.briefing.zones import draw_zone
from dzgeo.frames import Row, records, rows
from dzgeo.symbology import LegendEntry
from dzgeo.vocabulary import split_multi


class LayoutMap(MapBuilder):
    """The plan's spatial layout (the project filter is only named in the subtitle)."""

    kind = "layout"

    def subtitle(self) -> str:
        text = "双区引领 · 轴带联动 · 多点突破（规划第二章第三节）"
        if self.flt.places:
            text += f"；地点：{'、'.join(self.flt.places)}"
        return text

    def schematic_parts(self) -> list[str]:
        width = ", ".join(sorted({f"{w:g}" for w in self.geo.corridors["width_km"]}))
        return [
            f"走廊带（沿线宽 {width} km）、交通干线走向、"
            "双区、开发区、园区和平台的位置和范围均为示意",
        ]

    def draw(self, page: Page) -> None:
        ax, k = page.ax, page.k
        counties = self.geo.counties
        present = ["|".join(sorted(split_multi(c))) for c in counties["corridors"].fillna("")]
        by_fill: dict[str, LegendEntry] = {}
        # registered in the spec's order
        for entry in symbology.layout_fill_entries(present, records(self.geo.corridors)):
            self.catalog.add(entry)
            assert isinstance(entry.symbol, symbology.FillSymbol)
            by_fill[entry.symbol.fill] = entry
        fills = []
        for key in present:
            color = style.LAYOUT_FILLS.get(key, style.LAYOUT_FILLS[""])
            fills.append((color, by_fill[color]))
        self.draw_counties(page, fills)
        corridors = self.geo.corridors
        for row, entry in zip(
            rows(corridors),
            symbology.band_entries(records(corridors)),
            strict=True,
        ):
            if not self.visible(ax, row.geometry):
                continue
            key = self.catalog.add(entry)
            for kwargs in fill_layers(symbology.band_symbol(row.id), k):
                tag(draw_polygon(ax, row.geometry, zorder=3, **kwargs), key)
        names = dict(zip(corridors["id"], corridors["name"], strict=False))
        routes = {e.symbol: e for e in symbology.route_entries(records(self.geo.routes), names)}
        for row in rows(self.geo.routes):
            if not self.visible(ax, row.geometry):
                continue
            symbol = symbology.route_symbol(row.kind, row.corridor)
            key = self.catalog.add(routes[symbol])
            for kwargs in line_layers(symbol, k):
                tag(draw_line(ax, row.geometry, zorder=8, **kwargs), key)
            self.labels.append(self._route_label(page, row))
        self._draw_zones(page)
        self._county_labels(page)
        self.catalog.note(
            symbology.SECTIONS[0], "县市区名称下为规划确定的多点突破重点产业（规划原词）"
        )

    def _route_label(self, page: Page, row: Row) -> Label:
        line = row.geometry
        if line.geom_type == "MultiLineString":
            line = max(line.geoms, key=lambda g: g.length)
        point = line.interpolate(0.5, normalized=True)
        color = symbology.corridor_color(row.corridor)
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
        """Every zone in its spec symbol (as the web map shows them); labels for 双区, the
        运河经济开发区 and, where there is room, the parks and platforms."""
        ax, k = page.ax, page.k
        zones = self.geo.zones
        entries = {
            e.symbol: e for e in symbology.zone_entries(records(zones), self.layers.place_shorts())
        }
        priorities = self.layers.priorities
        for row in rows(zones):
            geom = row.geometry
            if not self.visible(ax, geom):
                continue
            symbol = symbology.zone_symbol(row.kind, geom.geom_type)
            centre, radius = draw_zone(ax, geom, symbol, k, self.catalog.add(entries[symbol]))
            if not self.in_extent(ax, centre.x, centre.y):
                continue
            label = self._zone_label(page, row, priorities)
            if label is not None:
                lines, priority, required = label
                self.labels.append(
                    Label(
                        centre.x, centre.y, lines, priority=priority, avoid_pt=radius + 1,
                        required=required, key=f"zone:{row.name}",
                    )
                )  # fmt: skip

    def _zone_label(
        self, page: Page, row: Row, priorities: pd.DataFrame
    ) -> tuple[list[TextLine], int, bool] | None:
        color = style.ZONE_COLORS.get(row.kind, INK)
        if row.kind == "lead_zone":
            name = self.geo.short.get(row.name, row.name) if len(row.name) > 9 else row.name
            lines = [
                TextLine(name, page.fp(7.8, bold=True), color),
                TextLine(f"双区：{row.role}", page.fp(6.6), color),
            ]
            return lines, 30, True
        terms = priorities[priorities["place"] == row.name].sort_values("rank")["term"].tolist()
        if terms:
            lines = [
                TextLine(self.geo.short.get(row.name, row.name), page.fp(7.2, bold=True), color),
                TextLine(" · ".join(terms), page.fp(6.4), color),
            ]
            return lines, 25, True
        if row.kind == "dev_zone":
            return None  # a county's dev zone sits at its seat, under the county's name
        short = self.geo.short.get(row.name, row.name)
        return [TextLine(short, page.fp(5.8), color)], 5, False

    def _county_labels(self, page: Page) -> None:
        for row, quiet in zip(rows(self.geo.counties), self.muted(), strict=True):
            x, y = self.geo.label_points[row.name]
            if not self.in_extent(page.ax, x, y):
                continue
            color = style.COUNTY_LINE_COLOR if quiet else INK
            lines = [TextLine(row.name, page.fp(7.6 if quiet else 9, bold=True), color)]
            terms = split_multi(row.priority_terms)
            if terms and not quiet:
                lines.append(TextLine(" · ".join(terms), page.fp(6.8), "#333333"))
            self.labels.append(
                Label(x, y, lines, priority=20, key=f"county:{row.name}", required=not quiet)
            )
