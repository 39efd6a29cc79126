"""A set of sheets as a 16:9 PowerPoint deck (python-pptx).

One slide per sheet: its title, the map as a picture as tall as the slide allows, the
legend as a second picture beside it at the same scale, and the project list as a real,
editable table in the rest of the width; a list longer than the slide holds continues
on full-width slides of table only ("续"), split by the rows' estimated heights (wrapped
with the sheets' character widths), so no table runs off its slide. Every project of
every sheet is in a table: nothing is dropped. The footer names the source and says the
map is a schematic.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.axis import Axis
from matplotlib.backend_bases import RendererBase
from matplotlib.spines import Spine
from matplotlib.text import Text
from matplotlib.transforms import Bbox
from PIL import Image
from pptx import Presentation
from pptx.util import Emu, Inches, Pt
from tqdm import tqdm

from dzgeo.briefing.document import RENDER_LOCK
from dzgeo.briefing.figure import PLAN, MapFigure, SheetText
from dzgeo.briefing.fonts import CjkFont, find_cjk_font
from dzgeo.briefing.listing import list_columns, list_rows
from dzgeo.briefing.page import agg_renderer
from dzgeo.briefing.textfit import CharWidths, wrap_text
from dzgeo.data.published import Layers

if TYPE_CHECKING:
    from dzgeo.briefing.atlas import SheetJob

__all__ = ["SLIDE_H", "SLIDE_W", "build_deck", "slide_tables"]

SLIDE_W, SLIDE_H = Emu(12192000), Emu(6858000)  # 16:9, 13.33 × 7.5 in
MARGIN = Inches(0.4)
TOP = Inches(1.2)  # under the title and the subtitle
BOTTOM = Inches(0.5)  # the footer's band
GAP = Inches(0.2)
#: The table never gets narrower than this beside the pictures.
MIN_TABLE_W = Inches(4.6)
#: Widest the map picture may be (a wide extent leaves the table its room).
MAX_MAP_W = Inches(6.4)
TABLE_PT, HEADER_PT = 9.0, 9.5
CELL_X, CELL_Y = Inches(0.06), Inches(0.035)  # cell margins (set on every cell)
LINE = 1.25  # line height in ems, PowerPoint's single spacing with a little air
#: Share of a cell's width the estimate fills: the office font may be wider than ours,
#: and it may add space between Chinese and Latin letters.
FILL = 0.88
FOOTER = (
    f"资料来源：{PLAN}。示意图，非标准地图；正式用图请使用标准地图（自然资源部“标准地图服务”）。"
)
PICTURE_DPI = 150
EMU_PER_PT = 12700


def _content_box(ax: Axes, renderer: RendererBase) -> Bbox:
    """What the legend panel drew (its texts and symbols), in display pixels."""
    parts = []
    for artist in ax.get_children():
        if artist is ax.patch or isinstance(artist, Spine | Axis) or not artist.get_visible():
            continue
        if isinstance(artist, Text) and not artist.get_text():
            continue
        box = artist.get_window_extent(renderer)
        if box.width > 0 or box.height > 0:
            parts.append(box)
    return Bbox.union(parts) if parts else ax.get_window_extent(renderer)


def _pictures(figure: MapFigure) -> tuple[bytes, bytes | None]:
    """The map panel (with its inset, scale bar and north arrow) and the legend as PNGs,
    cropped from the sheet's first page rendered once."""
    fig = figure.figure
    renderer = agg_renderer(fig)
    boxes = [figure.ax.get_window_extent(renderer)]
    if figure.legend_ax is not None:
        boxes.append(_content_box(figure.legend_ax, renderer))
    data = figure.save("png", dpi=PICTURE_DPI)
    crops: list[bytes] = []
    with Image.open(io.BytesIO(data)) as image:
        scale = PICTURE_DPI / fig.dpi
        height = fig.bbox.height * scale
        for box, pad in zip(boxes, (1.0, 4.0), strict=False):
            crop = (
                max(0, int(box.x0 * scale - pad)),
                max(0, int(height - box.y1 * scale - pad)),
                min(image.width, int(box.x1 * scale + pad) + 1),
                min(image.height, int(height - box.y0 * scale + pad) + 1),
            )
            out = io.BytesIO()
            image.crop(crop).save(out, format="png")
            crops.append(out.getvalue())
    return crops[0], (crops[1] if len(crops) > 1 else None)


def _size(picture: bytes) -> tuple[float, float]:
    with Image.open(io.BytesIO(picture)) as im:
        return im.width / PICTURE_DPI, im.height / PICTURE_DPI  # inches on the page


def _text_box(slide: Any, left: int, top: int, width: int, height: int, text: str, size: float,
              *, bold: bool = False) -> None:  # fmt: skip
    frame = slide.shapes.add_textbox(left, top, width, height).text_frame
    frame.word_wrap = True
    run = frame.paragraphs[0].add_run()
    run.text = text
    run.font.size = Pt(size)
    run.font.bold = bold


class _TableFit:
    """Column widths and row heights of a table of a given width (EMU), estimated with
    the sheets' per-character widths so a slide's table stays on the slide."""

    def __init__(self, font: CjkFont, shares: Sequence[float], width: int) -> None:
        total = sum(shares)
        self.col_w = [int(width * share / total) for share in shares]
        if self.col_w:
            self.col_w[-1] = width - sum(self.col_w[:-1])
        self._body = CharWidths(font.properties(TABLE_PT))
        self._head = CharWidths(font.properties(HEADER_PT, bold=True))

    def height(self, cells: Sequence[str], *, header: bool = False) -> int:
        widths, size = (self._head, HEADER_PT) if header else (self._body, TABLE_PT)
        lines = max(
            len(wrap_text(text, (w - 2 * CELL_X) * FILL / EMU_PER_PT, widths))
            for text, w in zip(cells, self.col_w, strict=True)
        )
        return int(lines * size * LINE * EMU_PER_PT + 2 * CELL_Y)


def _rows_that_fit(fit: _TableFit, headers: Sequence[str], rows: Sequence[Sequence[str]],
                   height: int) -> int:  # fmt: skip
    """How many of ``rows`` fit under the header in ``height`` EMU (at least one)."""
    used = fit.height(headers, header=True)
    for n, row in enumerate(rows):
        used += fit.height(row)
        if used > height:
            return max(1, n)
    return len(rows)


def _table(slide: Any, left: int, top: int, fit: _TableFit, headers: Sequence[str],
           rows: Sequence[Sequence[str]]) -> None:  # fmt: skip
    heights = [fit.height(headers, header=True), *(fit.height(row) for row in rows)]
    shape = slide.shapes.add_table(
        len(rows) + 1, len(headers), left, top, sum(fit.col_w), sum(heights)
    )
    table = shape.table
    for i, width in enumerate(fit.col_w):
        table.columns[i].width = Emu(width)
    for r, height in enumerate(heights):
        table.rows[r].height = Emu(height)
    for r, values in enumerate([headers, *rows]):
        for c, value in enumerate(values):
            cell = table.cell(r, c)
            cell.text = value
            cell.margin_left = cell.margin_right = CELL_X
            cell.margin_top = cell.margin_bottom = CELL_Y
            for paragraph in cell.text_frame.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(HEADER_PT if r == 0 else TABLE_PT)
                    run.font.bold = r == 0


def slide_tables(
    font: CjkFont,
    headers: Sequence[str],
    shares: Sequence[float],
    rows: Sequence[Sequence[str]],
    first_width: int,
) -> list[tuple[_TableFit, list[Sequence[str]]]]:
    """The rows split into slides: beside the map on the first (``first_width`` EMU
    wide), then full width on table-only slides; no row is dropped."""
    height = SLIDE_H - TOP - BOTTOM
    out = []
    fit = _TableFit(font, shares, first_width)
    rest = list(rows)
    while rest:
        n = _rows_that_fit(fit, headers, rest, height)
        out.append((fit, rest[:n]))
        rest = rest[n:]
        fit = _TableFit(font, shares, SLIDE_W - 2 * MARGIN)
    return out


def _place_pictures(slide: Any, map_png: bytes, legend_png: bytes | None,
                    with_table: bool) -> int:  # fmt: skip
    """Map and legend pictures at the same scale (type reads the same size in both),
    as large as the slide allows; returns the x (EMU) where the table may start."""
    height = SLIDE_H - TOP - BOTTOM
    map_w, map_h = _size(map_png)
    leg_w, leg_h = _size(legend_png) if legend_png is not None else (0.0, 0.0)
    room = SLIDE_W - 2 * MARGIN - (GAP if legend_png is not None else 0)
    if with_table:
        room -= GAP + MIN_TABLE_W
    per_in = min(height / map_h, MAX_MAP_W / map_w, room / (map_w + leg_w))  # EMU per inch
    leg_scale = min(per_in, height / leg_h) if legend_png is not None else 0.0
    group = int(map_w * per_in) + (GAP + int(leg_w * leg_scale) if legend_png is not None else 0)
    # Without a table the pictures stand centred on the slide.
    left = MARGIN if with_table else (SLIDE_W - group) // 2
    slide.shapes.add_picture(io.BytesIO(map_png), left, TOP, int(map_w * per_in),
                             int(map_h * per_in))  # fmt: skip
    right = left + int(map_w * per_in)
    if legend_png is not None:
        left = right + GAP
        slide.shapes.add_picture(io.BytesIO(legend_png), left, TOP, int(leg_w * leg_scale),
                                 int(leg_h * leg_scale))  # fmt: skip
        right = left + int(leg_w * leg_scale)
    return right + GAP


def build_deck(
    layers: Layers,
    jobs: Sequence[SheetJob],
    *,
    text: SheetText = SheetText(),  # noqa: B008  (frozen dataclass, never mutated)
    projects: pd.DataFrame | None = None,
    progress: bool = False,
) -> bytes:
    """The deck of ``jobs`` (see :func:`dzgeo.briefing.atlas.set_jobs`) as PPTX bytes.

    A sheet's first slide: the map picture as tall as the slide allows, its legend
    beside it at the same scale, and the project table in the rest of the width; the
    table continues on full-width slides, split by the rows' estimated heights.
    """
    from dzgeo.briefing.sheets import build_figure

    font = find_cjk_font()
    deck = Presentation()
    deck.slide_width, deck.slide_height = SLIDE_W, SLIDE_H
    blank = deck.slide_layouts[6]
    for job in tqdm(jobs, desc="幻灯片 slides", unit="sheet", disable=not progress):
        with RENDER_LOCK:
            figure = build_figure(
                layers, kind=job.kind, flt=job.flt, dpi=PICTURE_DPI, projects=projects,
                text=SheetText(text.subtitle, text.unit, text.review_number, with_list=False),
            )  # fmt: skip
            map_png, legend_png = _pictures(figure)
            numbered = figure.numbered
            title, subtitle = figure.title, figure.subtitle
            figure.close()
        columns = list_columns(numbered) if len(numbered) else []
        rows = [row.cells for row in list_rows(numbered, columns)] if columns else []
        headers = [c.header for c in columns]
        shares = [max(c.share, 0.1) for c in columns]  # room for three-digit numbers
        slide = deck.slides.add_slide(blank)
        _heading(slide, title, subtitle)
        left = _place_pictures(slide, map_png, legend_png, bool(rows))
        tables = slide_tables(font, headers, shares, rows, SLIDE_W - MARGIN - left)
        for n, (fit, chunk) in enumerate(tables):
            if n:
                slide = deck.slides.add_slide(blank)
                _heading(slide, f"{title}（项目清单续 {n + 1}/{len(tables)}）", subtitle)
            _table(slide, left if n == 0 else MARGIN, TOP, fit, headers, chunk)
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


def _heading(slide: Any, title: str, subtitle: str) -> None:
    """The slide's title, the filter line under it and the footer."""
    _text_box(slide, MARGIN, Inches(0.2), SLIDE_W - 2 * MARGIN, Inches(0.6), title, 24, bold=True)
    _text_box(slide, MARGIN, Inches(0.8), SLIDE_W - 2 * MARGIN, Inches(0.38), subtitle, 11)
    _text_box(slide, MARGIN, SLIDE_H - Inches(0.4), SLIDE_W - 2 * MARGIN, Inches(0.3), FOOTER, 8)
