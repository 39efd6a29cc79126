"""The briefing map's page: paper sizes, the map and legend panels, heading and footer notes.

Sizes are in millimetres on A4 and grow with the paper (type scale ``k``: 1 on A4, √2 on A3).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from matplotlib.axes import Axes
from matplotlib.backend_bases import RendererBase
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.text import Text

from dzgeo.briefing.fonts import CjkFont

#: Paper sizes in millimetres (short side, long side).
PAPERS: dict[str, tuple[float, float]] = {"A4": (210.0, 297.0), "A3": (297.0, 420.0)}
ORIENTATIONS = ("landscape", "portrait")

#: Colours not taken from :mod:`dzgeo.style`.
INK = "#222222"
MUTED = "#555555"
#: Page margin on every side, in millimetres on A4.
MARGIN_MM = 9


def paper_pixels(paper: str, orientation: str, dpi: int) -> tuple[int, int]:
    """Width and height in pixels of a page at ``dpi`` (A4 landscape, 300 dpi: 3508, 2480)."""
    short, long = PAPERS[paper]
    width_mm, height_mm = (long, short) if orientation == "landscape" else (short, long)
    return round(width_mm / 25.4 * dpi), round(height_mm / 25.4 * dpi)


@dataclass
class Page:
    """The figure, its map and legend axes, and the type sizes for this paper."""

    figure: Figure
    ax: Axes
    legend_ax: Axes
    font: CjkFont
    k: float  # type scale: 1 on A4, √2 on A3

    def fp(self, size: float, *, bold: bool = False) -> FontProperties:
        return self.font.properties(size * self.k, bold=bold)


def type_scale(paper: str) -> float:
    """The type scale of ``paper``: 1 on A4, √2 on A3."""
    return PAPERS[paper][0] / 210


def notes_width_in(paper: str, orientation: str) -> float:
    """Width in inches of the footer notes: the page width less both margins."""
    short, long = PAPERS[paper]
    k = type_scale(paper)
    width_mm = long if orientation == "landscape" else short
    return (width_mm - 2 * MARGIN_MM * k) / 25.4


def new_page(
    map_bounds: tuple[float, float, float, float],
    font: CjkFont,
    paper: str,
    orientation: str,
    dpi: int,
    footer_lines: int,
) -> Page:
    """A blank page: the map panel fits ``map_bounds`` (plus 4 %) at an equal aspect."""
    width_px, height_px = paper_pixels(paper, orientation, dpi)
    # A hair over the pixel size: Agg truncates width × dpi to whole pixels.
    fig = Figure(figsize=((width_px + 0.01) / dpi, (height_px + 0.01) / dpi), dpi=dpi)
    FigureCanvasAgg(fig)
    fig.patch.set_facecolor("white")
    w_in, h_in = fig.get_size_inches()
    k = type_scale(paper)
    margin = MARGIN_MM / 25.4 * k
    header = 17 / 25.4 * k
    footer = (3.2 * footer_lines + 2) / 25.4 * k
    body = (margin, margin + footer, w_in - margin, h_in - margin - header)
    x0, y0, x1, y1 = map_bounds
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
    return Page(fig, ax, legend_ax, font, k)


def _fraction(
    box: tuple[float, float, float, float], w: float, h: float
) -> tuple[float, float, float, float]:
    x, y, bw, bh = box
    return (x / w, y / h, bw / w, bh / h)


def agg_renderer(fig: Figure) -> RendererAgg:
    """The Agg renderer a page is laid out with (:func:`new_page` gives it an Agg canvas)."""
    canvas = fig.canvas
    if not isinstance(canvas, FigureCanvasAgg):
        canvas = FigureCanvasAgg(fig)
    return canvas.get_renderer()


def map_date() -> str:
    """Today, or SOURCE_DATE_EPOCH's date when set (reproducible builds)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=UTC).date().isoformat()
    return date.today().isoformat()


def draw_header_footer(page: Page, title: str, subtitle: str, notes: Sequence[str]) -> None:
    fig = page.figure
    w_in, h_in = fig.get_size_inches()
    margin = MARGIN_MM / 25.4 * page.k
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


def wrap_notes(font: CjkFont, k: float, parts: Sequence[str], width_in: float) -> list[str]:
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
        if current and text_width(fig, trial, props, renderer) > width_in * 72:
            lines.append(current + "；")
            current = part
        else:
            current = trial
    if current:
        lines.append(current + "。")
    return lines


def text_width(fig: Figure, text: str, props: FontProperties, renderer: RendererBase) -> float:
    probe = Text(0, 0, text, fontproperties=props)
    probe.set_figure(fig)
    return probe.get_window_extent(renderer).width
