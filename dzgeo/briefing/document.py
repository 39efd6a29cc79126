"""Writing sheets as files: rc settings, pages to PDF / PNG / SVG, a set as one PDF.

A sheet may have several pages (its project list continues). A PDF holds them all; a
PNG stacks them top to bottom in one image, and an SVG as nested page elements. A set
of sheets becomes one PDF with a bookmark per sheet (pikepdf, i.e. qpdf: it copies the
13 sheets' pages and fonts in ~50 ms where pure-Python pypdf took ~0.6 s).
"""

from __future__ import annotations

import io
import re
import threading
from collections.abc import Sequence
from typing import Any

import matplotlib as mpl
import pikepdf
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from matplotlib.typing import RcKeyType
from PIL import Image

from dzgeo.briefing.fonts import CjkFont
from dzgeo.briefing.page import MARGIN_MM, MUTED

__all__ = [
    "RENDER_LOCK",
    "SVG_FONTTYPE",
    "combine_pdfs",
    "draw_page_number",
    "rc_params",
    "save_pages",
]

#: SVG text as paths: the file looks right without the font (text is not selectable).
SVG_FONTTYPE = "path"
#: matplotlib's rcParams are global: figure building and saving run under this lock.
RENDER_LOCK = threading.RLock()


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


def draw_page_number(fig: Figure, font: CjkFont, k: float, number: int, total: int) -> None:
    """``第 i / N 页`` at the page's lower right corner."""
    w_in, h_in = fig.get_size_inches()
    margin = MARGIN_MM / 25.4 * k
    fig.text(
        1 - margin / w_in, margin / h_in, f"第 {number} / {total} 页", ha="right", va="bottom",
        fontproperties=font.properties(6.2 * k), color=MUTED,
    )  # fmt: skip


def save_pages(pages: Sequence[Figure], fmt: str, *, dpi: int, font: CjkFont, title: str) -> bytes:
    """The pages as one ``fmt`` file's bytes."""
    buffer = io.BytesIO()
    with RENDER_LOCK, mpl.rc_context(rc_params(font)):
        if fmt == "pdf":
            with PdfPages(buffer, metadata={"Title": title, "Creator": "dzgeo"}) as pdf:
                for fig in pages:
                    pdf.savefig(fig, facecolor="white")
            return buffer.getvalue()
        meta = {"Title": title}
        meta["Creator" if fmt == "svg" else "Software"] = (
            "dzgeo" if fmt == "svg" else "dzgeo (matplotlib)"
        )
        if len(pages) == 1 or fmt == "svg":
            parts = []
            for fig in pages:
                part = io.BytesIO()
                fig.savefig(part, format=fmt, dpi=dpi, metadata=meta, facecolor="white")
                parts.append(part.getvalue())
            return parts[0] if len(parts) == 1 else stack_svgs(parts)
        images = []
        for fig in pages:
            part = io.BytesIO()
            fig.savefig(part, format="png", dpi=dpi, facecolor="white")
            images.append(Image.open(io.BytesIO(part.getvalue())).convert("RGB"))
    width = max(im.width for im in images)
    sheet = Image.new("RGB", (width, sum(im.height for im in images)), "white")
    y = 0
    for im in images:
        sheet.paste(im, (0, y))
        y += im.height
    sheet.save(buffer, format="png", dpi=(dpi, dpi))
    return buffer.getvalue()


_SVG_ROOT = re.compile(rb"<svg\b[^>]*>", re.S)
_VIEWBOX = re.compile(rb'viewBox="0 0 ([0-9.]+) ([0-9.]+)"')


def stack_svgs(parts: Sequence[bytes]) -> bytes:
    """Pages of one size (matplotlib SVGs) stacked top to bottom in one SVG document."""
    match = _VIEWBOX.search(parts[0])
    if match is None:
        raise ValueError("an SVG page without a viewBox")
    width, height = float(match.group(1)), float(match.group(2))
    total = height * len(parts)
    out = [
        b'<?xml version="1.0" encoding="utf-8" standalone="no"?>\n',
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        f'width="{width:g}pt" height="{total:g}pt" viewBox="0 0 {width:g} {total:g}" '
        f'version="1.1">\n'.encode(),
    ]
    for i, part in enumerate(parts):
        root = _SVG_ROOT.search(part)
        if root is None:
            raise ValueError("an SVG page without its <svg> element")
        nested = (
            f'<svg x="0" y="{i * height:g}" width="{width:g}" height="{height:g}" '
            f'viewBox="0 0 {width:g} {height:g}">'
        ).encode()
        out.append(nested + part[root.end() :] + b"\n")
    out.append(b"</svg>\n")
    return b"".join(out)


def combine_pdfs(parts: Sequence[tuple[str, bytes]], *, title: str) -> bytes:
    """One PDF of ``parts`` (bookmark title, PDF bytes), a bookmark at each part's first page."""
    whole = pikepdf.Pdf.new()
    starts = []
    for name, data in parts:
        starts.append((name, len(whole.pages)))
        whole.pages.extend(pikepdf.Pdf.open(io.BytesIO(data)).pages)
    with whole.open_outline() as outline:
        outline.root.extend(pikepdf.OutlineItem(name, start) for name, start in starts)
    whole.docinfo["/Title"] = title
    whole.docinfo["/Creator"] = "dzgeo"
    buffer = io.BytesIO()
    whole.save(buffer, deterministic_id=True)  # the same sheets give the same bytes
    return buffer.getvalue()
