"""The ``layout`` briefing map: corridors, routes, lead and development zones, priorities."""

from __future__ import annotations

import math

from dzgeo import style
from dzgeo.briefing.figure import MapBuilder
from dzgeo.briefing.furniture import metres_per_point
from dzgeo.briefing.geometry import draw_line, draw_polygon
from dzgeo.briefing.labels import Label, TextLine
from dzgeo.briefing.legend import LegendRow, LegendSection, fill_symbol, line_symbol, marker_symbol
from dzgeo.briefing.page import INK, MUTED, Page
from dzgeo.vocabulary import split_multi


def _route_style(kind: str, color: str) -> list[dict[str, object]]:
    if kind == "high_speed_rail":
        return [
            {"color": "#1a1a1a", "lw": 2.2, "solid_capstyle": "butt"},
            {"color": "white", "lw": 1.2, "dashes": (3.0, 3.0), "solid_capstyle": "butt"},
        ]
    return [
        {"color": "white", "lw": 2.8, "solid_capstyle": "round"},
        {"color": color, "lw": 1.6, "solid_capstyle": "round"},
    ]


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
        for row in self.geo.corridors.itertuples(index=False):
            color = CORRIDOR_COLORS.get(row.id, MUTED)
            draw_polygon(ax, row.geometry, facecolor=color, edgecolor="none", alpha=0.13, zorder=3)
            draw_polygon(
                ax,
                row.geometry,
                facecolor="none",
                edgecolor=color,
                lw=0.8,
                ls=(0, (4, 2)),
                alpha=0.9,
                zorder=3,
            )
        for row in self.geo.routes.itertuples(index=False):
            color = CORRIDOR_COLORS.get(row.corridor, MUTED)
            for spec in _route_style(row.kind, color):
                spec = dict(spec)
                spec["lw"] = float(spec["lw"]) * k
                draw_line(ax, row.geometry, zorder=8, **spec)
            self.labels.append(self._route_label(page, row))
        self._draw_zones(page)
        self._county_labels(page)

    def _route_label(self, page: Page, row: object) -> Label:
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
        ax, k = page.ax, page.k
        mpp = metres_per_point(ax)
        zones = self.geo.zones
        for row in zones[zones["kind"] == "lead_zone"].itertuples(index=False):
            geom = row.geometry
            if geom.geom_type in ("Polygon", "MultiPolygon"):
                draw_polygon(
                    ax,
                    geom,
                    facecolor=style.LEAD_ZONE_COLOR,
                    edgecolor="none",
                    alpha=0.35,
                    zorder=9,
                )
                draw_polygon(
                    ax,
                    geom,
                    facecolor="none",
                    edgecolor=style.LEAD_ZONE_COLOR,
                    lw=1.4 * k,
                    zorder=9,
                )
                centre = geom.representative_point()
                radius = math.sqrt(geom.area / math.pi) / mpp
            else:
                centre = geom
                radius = 5 * k
                ax.plot(
                    centre.x,
                    centre.y,
                    marker="o",
                    ms=8 * k,
                    mfc=style.LEAD_ZONE_COLOR,
                    mec="white",
                    zorder=9,
                )
            name = self.geo.short.get(row.name, row.name) if len(row.name) > 9 else row.name
            self.labels.append(
                Label(
                    centre.x,
                    centre.y,
                    [
                        TextLine(name, page.fp(7.8, bold=True), style.LEAD_ZONE_COLOR),
                        TextLine(f"双区：{row.role}", page.fp(6.6), style.LEAD_ZONE_COLOR),
                    ],
                    priority=30,
                    avoid_pt=radius + 1,
                    key=f"zone:{row.name}",
                )
            )
        color = style.ZONE_COLORS["dev_zone"]
        priorities = self.layers.priorities
        for row in zones[zones["kind"] == "dev_zone"].itertuples(index=False):
            terms = priorities[priorities["place"] == row.name].sort_values("rank")["term"].tolist()
            if not terms:
                continue  # county dev zones carry their county's priorities
            point = (
                row.geometry
                if row.geometry.geom_type == "Point"
                else row.geometry.representative_point()
            )
            ax.plot(
                point.x, point.y, marker="D", ms=5.5 * k, mfc=color, mec="white", mew=0.8, zorder=10
            )
            self.labels.append(
                Label(
                    point.x,
                    point.y,
                    [
                        TextLine(row.name, page.fp(7.2, bold=True), color),
                        TextLine(" · ".join(terms), page.fp(6.4), color),
                    ],
                    priority=25,
                    avoid_pt=3.5 * k,
                    key=f"zone:{row.name}",
                )
            )

    def _county_labels(self, page: Page) -> None:
        for row in self.geo.counties.itertuples(index=False):
            x, y = self.geo.label_points[row.name]
            lines = [TextLine(row.name, page.fp(9, bold=True), INK)]
            terms = split_multi(row.priority_terms)
            if terms:
                lines.append(TextLine(" · ".join(terms), page.fp(6.8), "#333333"))
            self.labels.append(Label(x, y, lines, priority=20, key=f"county:{row.name}"))

    def legend(self, page: Page) -> list[LegendSection]:
        present = set(self.geo.counties["corridors"].fillna(""))
        fills = tuple(
            LegendRow(style.LAYOUT_LABELS[key], fill_symbol(style.LAYOUT_FILLS[key]))
            for key in ("axis|belt", "axis", "belt", "")
            if key in present
        )
        bands = []
        for row in self.geo.corridors.itertuples(index=False):
            color = CORRIDOR_COLORS.get(row.id, MUTED)
            bands.append(
                LegendRow(
                    f"{row.name}：{'、'.join(split_multi(row.routes))}沿线（示意）",
                    fill_symbol(color, edge=color, alpha=0.18, ls="--"),
                )
            )
        routes = []
        for route_kind, text in (
            ("expressway", "高速公路（示意走向）"),
            ("high_speed_rail", "高速铁路（示意走向）"),
        ):
            rows = self.geo.routes[self.geo.routes["kind"] == route_kind]
            if len(rows):
                color = CORRIDOR_COLORS.get(rows.iloc[0]["corridor"], MUTED)
                routes.append(LegendRow(text, line_symbol(layers=_route_style(route_kind, color))))
        zones = [
            LegendRow(
                "双区：经开区（产业生态圈）、高新区（禹城）（创新生态圈），范围示意",
                fill_symbol(style.LEAD_ZONE_COLOR, edge=style.LEAD_ZONE_COLOR, alpha=0.35),
            ),
            LegendRow(
                "开发区（单列多点突破产业），位置示意",
                marker_symbol(
                    marker="D", ms=5.5 * page.k, mfc=style.ZONE_COLORS["dev_zone"], mec="white"
                ),
            ),
        ]
        return [
            LegendSection("轴带联动（县市区）", fills),
            LegendSection("轴带示意范围", tuple(bands)),
            LegendSection("交通干线", tuple(routes)),
            LegendSection("双区引领", tuple(zones)),
            LegendSection(
                "多点突破",
                (LegendRow("县市区名称下为规划确定的重点突破产业（规划原词）"),),
            ),
        ]
