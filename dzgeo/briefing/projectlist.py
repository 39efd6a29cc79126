"""Drawing the project list: measured rows, split into column blocks and pages.

The list fills the page space beside the map and continues on list-only pages of the
same document; every row is drawn whole (a row never splits across blocks) and none is
left out. Each block repeats the column headers. The city-level projects sit in a framed
box of their own, headed by what they are.

Sizes are in points from the block's lower left corner. A block is drawn straight on the
figure (no axes: an axes per block costs its tick machinery and a clip path per text).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.text import Text
from matplotlib.transforms import Affine2D, Transform

from dzgeo.briefing.fonts import CjkFont
from dzgeo.briefing.listing import ListColumn, ListRow
from dzgeo.briefing.page import INK, MUTED
from dzgeo.briefing.textfit import CharWidths, wrap_text

__all__ = [
    "CITY_BOX_TITLE",
    "DrawnBlock",
    "ListGeometry",
    "MeasuredRow",
    "continuation_pages",
    "draw_block",
    "paginate",
]

CITY_BOX_TITLE = "全市层面项目（规划未列具体地点，图上不标注）"
#: Body size of the list in points on A4.
LIST_SIZE = 6.3
GUTTER = 4.0


@dataclass(frozen=True)
class MeasuredRow:
    """A list row wrapped to its column widths, and its height in points."""

    row: ListRow
    lines: tuple[tuple[str, ...], ...]
    height: float


@dataclass
class ListGeometry:
    """Type sizes and column widths of one list layout (the same on every page).

    With ``fit_rows`` the columns other than the widest (名称) shrink to what their
    header and cells need, never beyond their share; the name gets the room they free
    (an industry sheet's 产业 cells are all one short word), so fewer names wrap.
    """

    font: CjkFont
    k: float
    width_pt: float
    columns: Sequence[ListColumn]
    fit_rows: Sequence[ListRow] = ()
    size: float = field(init=False)
    line_h: float = field(init=False)
    pad: float = field(init=False)
    col_x: list[float] = field(init=False)
    col_w: list[float] = field(init=False)

    def __post_init__(self) -> None:
        self.size = LIST_SIZE * self.k
        # A line's box as matplotlib draws it (ascent + descent of the font), plus air.
        self.line_h = max(self.size * 1.3, _line_box(self.font, self.size) + 0.6 * self.k)
        self.pad = 0.9 * self.k  # a tight table: the line box already has air
        self._regular = CharWidths(self.font.properties(self.size))
        self._bold = CharWidths(self.font.properties(self.size, bold=True))
        x = 0.0
        self.col_x, self.col_w = [], []
        for w in self._widths():
            self.col_x.append(x)
            self.col_w.append(w - GUTTER * self.k)
            x += w

    def _widths(self) -> list[float]:
        """Each column's width in points, gutter included."""
        widths = [column.share * self.width_pt for column in self.columns]
        if not self.fit_rows or not widths:
            return widths
        flexible = max(range(len(widths)), key=lambda i: self.columns[i].share)
        for i, column in enumerate(self.columns):
            if i != flexible:
                cells = [self._regular.width(row.cells[i]) for row in self.fit_rows]
                natural = max(self._bold.width(column.header), *cells) + GUTTER * self.k + 0.5
                widths[i] = min(widths[i], natural)
        widths[flexible] = self.width_pt - sum(w for i, w in enumerate(widths) if i != flexible)
        return widths

    @property
    def header_h(self) -> float:
        return self.line_h + 2 * self.pad + 1.5 * self.k

    @property
    def section_h(self) -> float:
        return self.line_h + 2 * self.pad + 2.0 * self.k

    def measure(self, rows: Sequence[ListRow]) -> list[MeasuredRow]:
        out = []
        for row in rows:
            lines = tuple(
                tuple(wrap_text(text, w, self._regular))
                for text, w in zip(row.cells, self.col_w, strict=True)
            )
            height = max(len(cell) for cell in lines) * self.line_h + 2 * self.pad
            out.append(MeasuredRow(row, lines, height))
        return out

    def header_lines(self) -> list[list[str]]:
        return [
            wrap_text(c.header, w, self._bold)
            for c, w in zip(self.columns, self.col_w, strict=True)
        ]


def _line_box(font: CjkFont, size: float) -> float:
    """Height in points of a one-line text box in ``font`` at ``size``."""
    fig = Figure(figsize=(1, 1), dpi=72)
    renderer = FigureCanvasAgg(fig).get_renderer()
    probe = Text(0, 0, "国lpÅ", fontproperties=font.properties(size))
    probe.set_figure(fig)
    return probe.get_window_extent(renderer).height


def _row_height(rows: Sequence[MeasuredRow], i: int, geo: ListGeometry) -> float:
    """Height row ``i`` adds to a block (with the city box's title before its first row)."""
    mrow = rows[i]
    opens_box = mrow.row.city_level and (i == 0 or not rows[i - 1].row.city_level)
    return mrow.height + (geo.section_h if opens_box else 0.0)


def paginate(
    rows: Sequence[MeasuredRow],
    geo: ListGeometry,
    first: Sequence[float],
    following: Sequence[float],
) -> list[list[list[MeasuredRow]]]:
    """Split ``rows`` into pages of column blocks.

    ``first`` holds the heights (points) of the blocks on the map page (possibly none),
    ``following`` those of a list-only page; as many list-only pages are added as the
    rows need. A row taller than a whole list-only block still goes in, alone: no row
    is ever dropped.
    """
    if not following:
        raise ValueError("a list-only page needs at least one block")
    pages: list[list[list[MeasuredRow]]] = [] if rows else [[]]
    queue = list(rows)
    heights, list_page = list(first), False
    while queue:
        page: list[list[MeasuredRow]] = []
        for height in heights:
            block: list[MeasuredRow] = []
            used = geo.header_h
            while queue:
                add = _row_height([*block[-1:], queue[0]], 1 if block else 0, geo)
                if used + add > height and (block or not list_page):
                    break
                block.append(queue.pop(0))
                used += add
            page.append(block)
            if not queue:
                break
        pages.append(page)
        heights, list_page = list(following), True
    return pages


#: Narrowest column block of a list-only page, in millimetres on A4.
MIN_CONTINUED_MM = 80.0


def continuation_pages(
    rows: Sequence[ListRow],
    font: CjkFont,
    k: float,
    columns: Sequence[ListColumn],
    width_in: float,
    height_in: float,
    gap_in: float,
) -> tuple[ListGeometry, float, list[list[list[MeasuredRow]]]]:
    """The list-only pages for ``rows``: their geometry, block width (inches) and blocks.

    Of the most columns whose blocks stay at least :data:`MIN_CONTINUED_MM` wide, and one
    fewer, the count needing fewer pages wins; on a tie the fewer, wider columns.
    """
    widest = max(1, int((width_in + gap_in) // (MIN_CONTINUED_MM / 25.4 * k + gap_in)))
    best: tuple[ListGeometry, float, list[list[list[MeasuredRow]]]] | None = None
    for n in range(max(1, widest - 1), widest + 1):  # the widest count or one fewer
        w = (width_in - (n - 1) * gap_in) / n
        geo = ListGeometry(font, k, w * 72, columns, rows)
        pages = paginate(geo.measure(rows), geo, [], [height_in * 72] * n)[1:] if rows else []
        if best is None or len(pages) < len(best[2]):
            best = (geo, w, pages)
    assert best is not None
    return best


@dataclass
class DrawnBlock:
    """What a block drew: per list row its number and texts (for tests and overlap checks).

    ``box`` is the block's place on the figure in inches (x, y, width, height).
    """

    box: tuple[float, float, float, float]
    rows: list[tuple[int, list[Text]]]
    headers: list[Text]


def _block_transform(fig: Figure, box_in: tuple[float, float, float, float]) -> Transform:
    """Points from the block's lower left corner to display space."""
    x, y, _, _ = box_in
    return Affine2D().scale(1 / 72).translate(x, y) + fig.dpi_scale_trans


def draw_block(
    fig: Figure,
    box_in: tuple[float, float, float, float],
    rows: Sequence[MeasuredRow],
    geo: ListGeometry,
) -> DrawnBlock:
    """Draw one column block of the list in the figure box ``box_in`` (inches)."""
    _, _, bw, bh = box_in
    pen = _Pen(fig, _block_transform(fig, box_in))
    w_pt, h_pt = bw * 72, bh * 72
    regular = geo.font.properties(geo.size)
    bold = geo.font.properties(geo.size, bold=True)
    top = h_pt
    headers = []
    for i, lines in enumerate(geo.header_lines()):  # lines: the header, wrapped
        headers += _cell_texts(pen, geo, i, lines[:1], top - geo.pad, bold, INK)
    top -= geo.header_h
    pen.line([0, w_pt], [top + 0.8 * geo.k] * 2, color=INK, lw=0.7 * geo.k)
    drawn: list[tuple[int, list[Text]]] = []
    city_top: float | None = None
    for i, mrow in enumerate(rows):
        if mrow.row.city_level and (i == 0 or not rows[i - 1].row.city_level):
            city_top = top
            pen.text(geo.pad, top - geo.pad - 1.0 * geo.k, CITY_BOX_TITLE, "left", bold, INK)
            top -= geo.section_h
        texts: list[Text] = []
        for c, cell in enumerate(mrow.lines):
            texts += _cell_texts(pen, geo, c, cell, top - geo.pad, regular, INK)
        drawn.append((mrow.row.number, texts))
        top -= mrow.height
        pen.line([0, w_pt], [top, top], color=MUTED, lw=0.25 * geo.k, alpha=0.5)
    if city_top is not None:
        frame = Rectangle(
            (0.3, top), w_pt - 0.6, city_top - top - 0.4 * geo.k,
            fill=False, edgecolor=INK, lw=0.6 * geo.k, transform=pen.transform,
        )  # fmt: skip
        fig.add_artist(frame)
    return DrawnBlock(box_in, drawn, headers)


@dataclass
class _Pen:
    """Draws texts and lines on a figure in one transform."""

    fig: Figure
    transform: Transform

    def text(self, x: float, y: float, s: str, ha: str, props: FontProperties, color: str) -> Text:
        return self.fig.text(
            x, y, s, ha=ha, va="top", fontproperties=props, color=color,
            transform=self.transform,
        )  # fmt: skip

    def line(self, xs: list[float], ys: list[float], **kwargs: object) -> None:
        self.fig.add_artist(Line2D(xs, ys, transform=self.transform, **kwargs))  # type: ignore[arg-type]


def _cell_texts(
    pen: _Pen,
    geo: ListGeometry,
    column: int,
    lines: Sequence[str],
    top: float,
    props: FontProperties,
    color: str,
) -> list[Text]:
    align = geo.columns[column].align
    x = geo.col_x[column] + (geo.col_w[column] if align == "right" else 0.0) + geo.pad
    return [
        pen.text(x, top - n * geo.line_h, line, align, props, color) for n, line in enumerate(lines)
    ]
