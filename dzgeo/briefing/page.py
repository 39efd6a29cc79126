"""The briefing map's page: paper sizes, the map and legend panels, heading and footer notes.

Sizes are in millimetres on A4 and grow with the paper (type scale ``k``: 1 on A4, √2 on A3).
"""

from __future__ import annotations

import os
import threading
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties

from dzgeo.briefing.fonts import CjkFont
from dzgeo.briefing.textfit import CharWidths

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
    """The figure, its map and legend axes, and the type sizes for this paper.

    ``side`` is the panel beside (landscape) or below (portrait) the map, in inches
    ``(x, y, width, height)``: the legend at its top, the project list under it.
    ``body`` is the whole area between heading and footer, for list-only pages.
    """

    figure: Figure
    ax: Axes
    legend_ax: Axes
    font: CjkFont
    k: float  # type scale: 1 on A4, √2 on A3
    side: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)
    body: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)

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


#: Height of one footer line and of the heading, in millimetres on A4.
NOTE_LINE_MM = 3.2
HEADER_MM = 17.0
SUBTITLE_MM = 5.0


def blank_figure(paper: str, orientation: str, dpi: int) -> Figure:
    """A white page of the paper's size with an Agg canvas."""
    width_px, height_px = paper_pixels(paper, orientation, dpi)
    # A hair over the pixel size: Agg truncates width × dpi to whole pixels.
    fig = Figure(figsize=((width_px + 0.01) / dpi, (height_px + 0.01) / dpi), dpi=dpi)
    FigureCanvasAgg(fig)
    fig.patch.set_facecolor("white")
    return fig


def body_box(
    fig: Figure, paper: str, footer_lines: int, heading_lines: int
) -> tuple[float, float, float, float]:
    """The area between heading and footer, in inches (x, y, width, height)."""
    w_in, h_in = fig.get_size_inches()
    k = type_scale(paper)
    margin = MARGIN_MM / 25.4 * k
    header = (HEADER_MM + SUBTITLE_MM * (heading_lines - 2)) / 25.4 * k
    footer = (NOTE_LINE_MM * footer_lines + 2) / 25.4 * k
    return margin, margin + footer, w_in - 2 * margin, h_in - 2 * margin - header - footer


def new_page(
    extent: tuple[float, float, float, float],
    font: CjkFont,
    paper: str,
    orientation: str,
    dpi: int,
    footer_lines: int,
    *,
    heading_lines: int = 2,
    with_list: bool = False,
) -> Page:
    """A blank page: the map panel shows ``extent`` (EPSG:4548) at an equal aspect.

    With ``with_list`` the map leaves more of the page to the side panel (the list).
    """
    fig = blank_figure(paper, orientation, dpi)
    w_in, h_in = fig.get_size_inches()
    k = type_scale(paper)
    bx, by, bw, bh = body_box(fig, paper, footer_lines, heading_lines)
    ratio = (extent[3] - extent[1]) / (extent[2] - extent[0])
    gap = 6 / 25.4 * k
    if orientation == "landscape":
        map_w = min(bh / ratio, (0.54 if with_list else 0.66) * bw)
        map_h = map_w * ratio
        map_box = (bx, by + bh - map_h, map_w, map_h)
        side = (bx + map_w + gap, by, bw - map_w - gap, bh)
    else:
        map_h = min(bw * ratio, (0.55 if with_list else 0.70) * bh)
        map_w = map_h / ratio
        map_box = (bx + (bw - map_w) / 2, by + bh - map_h, map_w, map_h)
        side = (bx, by, bw, bh - map_h - gap)
    ax = fig.add_axes(_fraction(map_box, w_in, h_in))
    # Grow the extent to the panel's exact proportions: metres per point are then the
    # same across and up, and the scale bar is true.
    x0, y0, x1, y1 = extent
    box_ratio = map_box[3] / map_box[2]
    if (y1 - y0) / (x1 - x0) < box_ratio:
        grow = ((x1 - x0) * box_ratio - (y1 - y0)) / 2
        y0, y1 = y0 - grow, y1 + grow
    else:
        grow = ((y1 - y0) / box_ratio - (x1 - x0)) / 2
        x0, x1 = x0 - grow, x1 + grow
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal", adjustable="box")
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_linewidth(0.8)
        spine.set_color(INK)
    ax.set_facecolor("white")
    legend_ax = fig.add_axes(_fraction(side, w_in, h_in))
    legend_ax.set_axis_off()
    return Page(fig, ax, legend_ax, font, k, side, (bx, by, bw, bh))


def _fraction(
    box: tuple[float, float, float, float], w: float, h: float
) -> tuple[float, float, float, float]:
    x, y, bw, bh = box
    return (x / w, y / h, bw / w, bh / h)


#: Per page, the renderer its text is measured with (see :func:`agg_renderer`).
_MEASURERS: weakref.WeakKeyDictionary[Figure, RendererAgg] = weakref.WeakKeyDictionary()
_MEASURERS_LOCK = threading.Lock()


def agg_renderer(fig: Figure) -> RendererAgg:
    """An Agg renderer at the page's DPI that a page is laid out (measured) with.

    Text extents depend on the DPI, not on the canvas size, so it has a 1-pixel canvas:
    the page's own canvas would allocate and clear a full-page raster (35 MB for A4 at
    300 dpi) only to measure. One per page, so matplotlib's text-metrics cache (keyed
    by renderer) holds across the page's layout.
    """
    with _MEASURERS_LOCK:
        renderer = _MEASURERS.get(fig)
        if renderer is None or renderer.dpi != fig.dpi:
            renderer = _MEASURERS[fig] = RendererAgg(1, 1, fig.dpi)
    return renderer


def map_date() -> str:
    """Today, or SOURCE_DATE_EPOCH's date when set (reproducible builds)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=UTC).date().isoformat()
    return date.today().isoformat()


def draw_header_footer(
    fig: Figure,
    font: CjkFont,
    k: float,
    heading: Sequence[str],
    notes: Sequence[str],
    small_note: str = "",
) -> None:
    """The title, the heading lines under it, the footer notes and the small CRS note."""
    w_in, h_in = fig.get_size_inches()
    margin = MARGIN_MM / 25.4 * k
    title, *rest = heading
    fig.text(
        margin / w_in,
        1 - margin / h_in,
        title,
        ha="left",
        va="top",
        fontproperties=font.properties(16 * k, bold=True),
        color=INK,
    )
    y = margin + 9.5 / 25.4 * k
    for i, line in enumerate(rest):
        size = 9 if i == len(rest) - 1 else 10.5
        fig.text(
            margin / w_in,
            1 - y / h_in,
            line,
            ha="left",
            va="top",
            fontproperties=font.properties(size * k, bold=size > 9),
            color=MUTED if size == 9 else INK,
        )
        y += SUBTITLE_MM / 25.4 * k
    y = margin
    if small_note:
        fig.text(
            margin / w_in,
            y / h_in,
            small_note,
            ha="left",
            va="bottom",
            fontproperties=font.properties(5.2 * k),
            color=MUTED,
        )
        y += NOTE_LINE_MM / 25.4 * k
    for note in reversed(notes):
        fig.text(
            margin / w_in,
            y / h_in,
            note,
            ha="left",
            va="bottom",
            fontproperties=font.properties(6.2 * k),
            color=MUTED,
        )
        y += NOTE_LINE_MM / 25.4 * k


def wrap_notes(font: CjkFont, k: float, parts: Sequence[str], width_in: float) -> list[str]:
    """Join ``parts`` with '；' into lines no wider than ``width_in`` at the note size.

    Measured with the per-character widths of :mod:`dzgeo.briefing.textfit` (no figure),
    so the page itself is laid out once, with the footer height already known.
    """
    widths = CharWidths(font.properties(6.2 * k))
    lines: list[str] = []
    current = ""
    for part in parts:
        trial = f"{current}；{part}" if current else part
        if current and widths.width(trial + "；") > width_in * 72:
            lines.append(current + "；")
            current = part
        else:
            current = trial
    if current:
        lines.append(current + "。")
    return lines
