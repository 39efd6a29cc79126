"""A set of sheets as a 16:9 PowerPoint deck (python-pptx).

One slide per sheet: its title, the map with its legend as a picture, and the project
list as a real, editable table beside it; a list longer than a slide holds continues
on slides of table only ("续"). Every project of every sheet is in a table: nothing is
dropped. The footer names the source and says the map is a schematic.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd
from PIL import Image
from pptx import Presentation
from pptx.util import Emu, Inches, Pt
from tqdm import tqdm

from dzgeo.briefing.document import RENDER_LOCK
from dzgeo.briefing.figure import PLAN, MapFigure, SheetText
from dzgeo.briefing.listing import list_columns, list_rows
from dzgeo.briefing.page import agg_renderer
from dzgeo.data.published import Layers

if TYPE_CHECKING:
    from dzgeo.briefing.atlas import SheetJob

__all__ = ["SLIDE_ROWS", "build_deck"]

#: Table rows on a slide with the map, and on a table-only slide.
SLIDE_ROWS = (10, 15)
SLIDE_W, SLIDE_H = Emu(12192000), Emu(6858000)  # 16:9, 13.33 × 7.5 in
FOOTER = (
    f"资料来源：{PLAN}。示意图，非标准地图；正式用图请使用标准地图（自然资源部“标准地图服务”）。"
)
PICTURE_DPI = 150


def _map_picture(figure: MapFigure) -> bytes:
    """The map panel and its legend, cropped from the sheet's first page, as PNG."""
    fig = figure.figure
    renderer = agg_renderer(fig)
    boxes = [figure.ax.get_window_extent(renderer)]
    if figure.legend_ax is not None:
        boxes.append(figure.legend_ax.get_window_extent(renderer))
    x0 = min(b.x0 for b in boxes)
    x1 = max(b.x1 for b in boxes)
    y0 = min(b.y0 for b in boxes)
    y1 = max(b.y1 for b in boxes)
    data = figure.save("png", dpi=PICTURE_DPI)
    image = Image.open(io.BytesIO(data))
    scale = PICTURE_DPI / fig.dpi
    height = fig.bbox.height * scale
    pad = 6 * scale
    crop = (
        max(0, int(x0 * scale - pad)),
        max(0, int(height - y1 * scale - pad)),
        min(image.width, int(x1 * scale + pad)),
        min(image.height, int(height - y0 * scale + pad)),
    )
    out = io.BytesIO()
    image.crop(crop).save(out, format="png")
    return out.getvalue()


def _text_box(slide: Any, left: int, top: int, width: int, height: int, text: str, size: float,
              *, bold: bool = False) -> None:  # fmt: skip
    frame = slide.shapes.add_textbox(left, top, width, height).text_frame
    frame.word_wrap = True
    run = frame.paragraphs[0].add_run()
    run.text = text
    run.font.size = Pt(size)
    run.font.bold = bold


def _table(
    slide: Any, left: int, top: int, width: int, headers: Sequence[str],
    shares: Sequence[float], rows: Sequence[Sequence[str]],
) -> None:  # fmt: skip
    height = Inches(0.3) * (len(rows) + 1)
    table = slide.shapes.add_table(len(rows) + 1, len(headers), left, top, width, height).table
    total = sum(shares)
    for i, share in enumerate(shares):
        table.columns[i].width = Emu(int(width * share / total))
    for c, header in enumerate(headers):
        table.cell(0, c).text = header
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    for r in range(len(rows) + 1):
        for c in range(len(headers)):
            for paragraph in table.cell(r, c).text_frame.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(9 if r else 9.5)
                    run.font.bold = r == 0


def build_deck(
    layers: Layers,
    jobs: Sequence[SheetJob],
    *,
    text: SheetText = SheetText(),  # noqa: B008  (frozen dataclass, never mutated)
    projects: pd.DataFrame | None = None,
    progress: bool = False,
) -> bytes:
    """The deck of ``jobs`` (see :func:`dzgeo.briefing.atlas.set_jobs`) as PPTX bytes."""
    from dzgeo.briefing.sheets import build_figure

    deck = Presentation()
    deck.slide_width, deck.slide_height = SLIDE_W, SLIDE_H
    blank = deck.slide_layouts[6]
    margin = Inches(0.4)
    for job in tqdm(jobs, desc="幻灯片 slides", unit="sheet", disable=not progress):
        with RENDER_LOCK:
            figure = build_figure(
                layers, kind=job.kind, flt=job.flt, dpi=PICTURE_DPI, projects=projects,
                text=SheetText(text.subtitle, text.unit, text.review_number, with_list=False),
            )  # fmt: skip
            picture = _map_picture(figure)
            numbered = figure.numbered
            title, subtitle = figure.title, figure.subtitle
            figure.close()
        columns = list_columns(numbered) if len(numbered) else []
        rows = [row.cells for row in list_rows(numbered, columns)] if columns else []
        headers = [c.header for c in columns]
        shares = [max(c.share, 0.1) for c in columns]  # room for three-digit numbers
        first, later = SLIDE_ROWS
        chunks = [rows[:first]] + [rows[i : i + later] for i in range(first, len(rows), later)]
        for n, chunk in enumerate(chunks):
            slide = deck.slides.add_slide(blank)
            head = title if n == 0 else f"{title}（项目清单续 {n + 1}/{len(chunks)}）"
            _text_box(slide, margin, Inches(0.2), SLIDE_W - 2 * margin, Inches(0.6), head, 24,
                      bold=True)  # fmt: skip
            _text_box(slide, margin, Inches(0.75), SLIDE_W - 2 * margin, Inches(0.4), subtitle, 11)
            top = Inches(1.2)
            if n == 0:
                with Image.open(io.BytesIO(picture)) as im:
                    ratio = im.width / im.height
                pic_h = SLIDE_H - top - Inches(0.55)
                pic_w = min(int(pic_h * ratio), Inches(7.4) if chunk else SLIDE_W - 2 * margin)
                pic_h = int(pic_w / ratio)
                slide.shapes.add_picture(io.BytesIO(picture), margin, top, pic_w, pic_h)
                left = margin + pic_w + Inches(0.2)
            else:
                left = margin
            if chunk:
                _table(slide, left, top, SLIDE_W - margin - left, headers, shares, chunk)
            _text_box(slide, margin, SLIDE_H - Inches(0.4), SLIDE_W - 2 * margin, Inches(0.3),
                      FOOTER, 8)  # fmt: skip
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()
