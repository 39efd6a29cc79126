"""The briefing map's legend: rows with symbols, laid out in columns, text wrapped to fit."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from matplotlib.axes import Axes

from dzgeo.briefing.fonts import CjkFont
from dzgeo.briefing.page import Page, agg_renderer
from dzgeo.briefing.textfit import CharWidths, wrap_text

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LegendRow:
    """One legend row: a symbol drawer (None for plain text) and its text."""

    text: str
    draw: Callable[[Axes, float, float, float, float], None] | None = None
    key: str = ""  # the symbol key (see dzgeo.briefing.symbols); tags the drawn symbol


@dataclass(frozen=True)
class LegendSection:
    """A titled group of legend rows."""

    title: str
    rows: tuple[LegendRow, ...]


def draw_legend(
    page: Page, sections: Sequence[LegendSection], *, compact: bool = False, narrow: bool = False
) -> float:
    """Draw the legend sections in the legend panel, in as many columns as needed.

    By default the type grows or shrinks (125 % down to 70 %) to fill the panel. With
    ``compact`` the type stays at 100 % (or shrinks if it must) and the panel is cut to
    the height the legend needs, leaving the rest for the project list. ``narrow``: one
    column of the narrowest width (a slide shows the legend as a picture beside the map).
    Returns the height used, in inches.
    """
    ax = page.legend_ax
    fig = page.figure
    pos = ax.get_position()
    panel_w = w_pt = pos.width * fig.get_figwidth() * 72
    h_pt = pos.height * fig.get_figheight() * 72
    min_col = 150 * page.k
    if narrow:
        w_pt = min(w_pt, min_col)
    columns = max(1, min(3, int(w_pt // min_col)))
    plan = None
    if compact:
        plan, h_pt = _compact_plan(page, sections, w_pt, h_pt, columns)
    if plan is None:
        # Largest type that fits: a roomy panel grows it, a crowded one shrinks it.
        for shrink in (1.25, 1.15, 1.05, 1.0, 0.92, 0.85, 0.78, 0.7):
            plan = _legend_plan(page, sections, w_pt / columns, h_pt, shrink, columns)
            if plan is not None:
                break
        else:
            plan = _legend_plan(page, sections, w_pt / columns, 1e9, 0.7, columns)
            log.warning("legend is taller than its panel; it may be clipped")
    if compact:
        height = h_pt / 72 / fig.get_figheight()
        ax.set_position((pos.x0, pos.y1 - height, pos.width, height))
    ax.set_xlim(0, panel_w)
    ax.set_ylim(0, h_pt)
    for kind, x, y, payload, size in plan or []:
        if kind == "title":
            ax.text(x, y, payload, ha="left", va="top", fontproperties=page.fp(size, bold=True))
        elif kind == "text":
            text, indent = payload
            ax.text(x + indent, y, text, ha="left", va="top", fontproperties=page.fp(size))
        else:  # symbol
            draw, sw, sh, key = payload
            before = {id(a) for a in ax.get_children()}
            draw(ax, x, y - sh, sw, sh)
            for artist in ax.get_children():
                if id(artist) not in before and key:
                    artist.set_gid(f"legend:{key}")
    return h_pt / 72


def _compact_plan(
    page: Page, sections: Sequence[LegendSection], w_pt: float, h_pt: float, columns: int
) -> tuple[list[tuple] | None, float]:
    """The shortest panel height (points) the legend fits in at full size, and its plan."""
    if _legend_plan(page, sections, w_pt / columns, h_pt, 1.0, columns) is None:
        return None, h_pt
    low, high = 20.0, h_pt
    while high - low > 4:
        mid = (low + high) / 2
        if _legend_plan(page, sections, w_pt / columns, mid, 1.0, columns) is None:
            low = mid
        else:
            high = mid
    return _legend_plan(page, sections, w_pt / columns, high, 1.0, columns), high


def _legend_plan(
    page: Page,
    sections: Sequence[LegendSection],
    col_w: float,
    h_pt: float,
    shrink: float,
    columns: int,
) -> list[tuple] | None:
    """Positions (in points, top-down) of every legend element, or None if they don't fit."""
    fig = page.figure
    renderer = agg_renderer(fig)
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
                symbol = (row.draw, sym_w, sym_h, row.key)
                plan.append(("symbol", x, y - (row_h - sym_h) / 2, symbol, 0))
            text_y = y - (row_h - len(lines) * line_h) / 2
            for line in lines:
                plan.append(("text", x, text_y, (line, indent), size))
                text_y -= line_h
            y -= row_h + row_gap
        y -= row_gap * 1.5
    return plan


def _section_plan(
    page: Page, section: LegendSection, width_pt: float, size: float, renderer: object
) -> list[tuple[list[str], LegendRow]]:
    del renderer  # widths come from the per-character cache
    widths = _char_widths(page.font, size * page.k)
    out = []
    for row in section.rows:
        avail = width_pt + (0 if row.draw is not None else 25 * page.k)
        out.append((wrap_text(row.text, avail, widths), row))
    return out


@functools.lru_cache(maxsize=64)
def _char_widths(font: CjkFont, size: float) -> CharWidths:
    return CharWidths(font.properties(size))
