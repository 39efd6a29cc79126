"""The briefing map's legend: rows with symbols, laid out in columns, text wrapped to fit."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backend_bases import RendererBase
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.transforms import Bbox

from dzgeo.briefing.page import Page, agg_renderer, text_width
from dzgeo.briefing.symbols import legend_drawer
from dzgeo.symbology import SECTIONS, LegendEntry

log = logging.getLogger(__name__)


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


def sections_from_entries(entries: Sequence[LegendEntry], k: float) -> list[LegendSection]:
    """Legend sections of spec entries, in the spec's section order, symbols from the spec."""
    by_section: dict[str, list[LegendRow]] = {}
    for entry in entries:
        text = entry.label if entry.count is None else f"{entry.label}（{entry.count}）"
        draw = None if entry.symbol is None else legend_drawer(entry.symbol, k)
        by_section.setdefault(entry.section, []).append(LegendRow(text, draw))
    order = [s for s in SECTIONS if s in by_section] + [s for s in by_section if s not in SECTIONS]
    return [LegendSection(title, tuple(by_section[title])) for title in order]


def draw_legend(page: Page, sections: Sequence[LegendSection]) -> Bbox:
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
    renderer = agg_renderer(fig)
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
                plan.append(("symbol", x, y - (row_h - sym_h) / 2, (row.draw, sym_w, sym_h), 0))
            text_y = y - (row_h - len(lines) * line_h) / 2
            for line in lines:
                plan.append(("text", x, text_y, (line, indent), size))
                text_y -= line_h
            y -= row_h + row_gap
        y -= row_gap * 1.5
    return plan


def _section_plan(
    page: Page, section: LegendSection, width_pt: float, size: float, renderer: RendererBase
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
    fig: Figure, text: str, props: FontProperties, width_px: float, renderer: RendererBase
) -> list[str]:
    """Break ``text`` into lines no wider than ``width_px``.

    Prefers a break at punctuation in the second half of the line; else breaks anywhere
    (Chinese text has no spaces to wait for).
    """
    lines: list[str] = []
    for paragraph in text.split("\n"):
        rest = paragraph
        while rest:
            if text_width(fig, rest, props, renderer) <= width_px:
                lines.append(rest)
                break
            fit = 1
            while fit < len(rest) and text_width(fig, rest[: fit + 1], props, renderer) <= width_px:
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
