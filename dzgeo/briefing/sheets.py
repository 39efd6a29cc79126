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
(see :class:`~dzgeo.briefing.labels.LabelPlacer`).

Output choices: PNG at ``dpi`` (A4 landscape at 300 dpi is 3508 × 2480 px); PDF with
the CJK font embedded and text kept as text (Type 42 for TrueType-outline fonts,
Type 3 for CFF fonts such as Noto Sans CJK — see :mod:`dzgeo.briefing.fonts`); SVG with text as
paths (``svg.fonttype = "path"``), so it looks the same on machines without the font.

matplotlib's rcParams are global, so figure building and saving run under one lock:
the Streamlit app may call :func:`render` from several sessions at once.

This module is the front door (checks, rendering, atomic export, briefing sets); the
drawing lives in :mod:`dzgeo.briefing.page` (paper and panels), :mod:`dzgeo.briefing.legend`,
:mod:`dzgeo.briefing.geometry` (layers in EPSG:4548), :mod:`dzgeo.briefing.figure` (the steps both
kinds share), :mod:`dzgeo.briefing.layout` and :mod:`dzgeo.briefing.projects`.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

import matplotlib as mpl
import pandas as pd

from dzgeo import outputs
from dzgeo.briefing.figure import RENDER_LOCK, MapFigure, SheetText, rc_params
from dzgeo.briefing.fonts import find_cjk_font
from dzgeo.briefing.geometry import projected_layers
from dzgeo.briefing.layout import LayoutMap
from dzgeo.briefing.page import ORIENTATIONS, PAPERS, paper_pixels
from dzgeo.briefing.projects import ProjectsMap
from dzgeo.data.published import Layers
from dzgeo.errors import ExportError
from dzgeo.filters import ProjectFilter, validate_filter
from dzgeo.outputs import check_target

__all__ = [
    "DPI_RANGE",
    "FORMATS",
    "KINDS",
    "ORIENTATIONS",
    "PAPERS",
    "SHEET_FORMATS",
    "MapFigure",
    "SheetText",
    "build_figure",
    "check_request",
    "export",
    "format_for",
    "paper_pixels",
    "render",
    "write_atomic",
]

log = logging.getLogger(__name__)

KINDS = ("layout", "projects")
FORMATS = ("png", "pdf", "svg")
#: What one sheet can be written as: the paper formats, or a deck of that sheet.
SHEET_FORMATS = (*FORMATS, "pptx")

DPI_RANGE = (72, 1200)


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


def build_figure(
    layers: Layers,
    *,
    kind: str,
    flt: ProjectFilter = ProjectFilter(),  # noqa: B008  (frozen dataclass, never mutated)
    paper: str = "A4",
    orientation: str = "landscape",
    dpi: int = 300,
    text: SheetText = SheetText(),  # noqa: B008  (frozen dataclass, never mutated)
    projects: pd.DataFrame | None = None,
) -> MapFigure:
    """Compose a briefing sheet (see the module docstring) without saving it.

    ``text`` holds the user's subtitle, 制图单位 and 审图号; ``projects`` the current
    projects (a ledger version with ``site_lon``/``site_lat``, ``status``,
    ``investment_total``), by default the plan's.

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
    geo = projected_layers(layers)
    with RENDER_LOCK, mpl.rc_context(rc_params(font)):
        if kind == "layout":
            return LayoutMap(layers, geo, font, flt, paper, orientation, dpi, text).build()
        builder = ProjectsMap(
            layers, geo, font, flt, paper, orientation, dpi, text, projects=projects
        )
        return builder.build()


# ------------------------------------------------------------------------ output


def render(
    layers: Layers,
    *,
    kind: str,
    flt: ProjectFilter = ProjectFilter(),  # noqa: B008  (frozen dataclass, never mutated)
    fmt: str = "png",
    paper: str = "A4",
    orientation: str = "landscape",
    dpi: int = 300,
    text: SheetText = SheetText(),  # noqa: B008  (frozen dataclass, never mutated)
    projects: pd.DataFrame | None = None,
) -> bytes:
    """Draw a briefing sheet and return the file's bytes.

    A PDF holds every page of the sheet (the project list continues on list-only pages);
    a PNG or an SVG stacks them top to bottom.

    Parameters
    ----------
    layers
        The published layers (:func:`dzgeo.data.published.read_layers`).
    kind
        ``"layout"`` (the plan's spatial layout) or ``"projects"`` (filtered projects).
    flt
        Which projects to show (validated strictly; the layout map does not use it).
    fmt
        ``"png"``, ``"pdf"`` or ``"svg"``; ``"pptx"``: a deck of this one sheet (its
        slide and the list's continuation slides, :mod:`dzgeo.briefing.deck`).
    paper, orientation
        ``"A4"`` or ``"A3"``; ``"landscape"`` or ``"portrait"``.
    dpi
        Resolution of PNG output (and of nothing else: PDF and SVG are vector).
    text, projects
        See :func:`build_figure`.

    Raises
    ------
    ExportError, FilterError, FontNotFoundError
        See :func:`build_figure`; also for an unknown ``fmt``.
    """
    if str(fmt).lower().lstrip(".") == "pptx":
        return _sheet_deck(layers, kind, flt, paper, orientation, dpi, text, projects)
    fmt = check_request(kind, fmt, paper, orientation, dpi)
    figure = build_figure(
        layers, kind=kind, flt=flt, paper=paper, orientation=orientation, dpi=dpi, text=text,
        projects=projects,
    )  # fmt: skip
    try:
        return figure.save(fmt, dpi=dpi)
    finally:
        # Drop the pages' full-page rasters now rather than let a set of 13 pile up;
        # no gc.collect() here: a full collection walks every live object (layers,
        # pandas, matplotlib) and cost ~0.3 s per sheet.
        figure.close()


def _sheet_deck(
    layers: Layers, kind: str, flt: ProjectFilter, paper: str, orientation: str, dpi: int,
    text: SheetText, projects: pd.DataFrame | None,
) -> bytes:  # fmt: skip
    """One sheet as a deck, through the same code as a set's deck."""
    from dzgeo.briefing.atlas import SheetJob
    from dzgeo.briefing.deck import build_deck

    check_request(kind, "pdf", paper, orientation, dpi)
    flt = validate_filter(flt, layers.vocab)
    job = SheetJob(kind, kind, kind, flt)
    return build_deck(layers, [job], text=text, projects=projects)


def format_for(path: str | Path, fmt: str | None) -> str:
    """The output format: ``fmt`` if given (it must agree with a known suffix), else the suffix."""
    suffix = Path(path).suffix.lower().lstrip(".")
    if fmt is None:
        if suffix not in SHEET_FORMATS:
            raise ExportError(
                f"{path}: 无法从扩展名判断格式 (cannot tell the format from the suffix "
                f"{'.' + suffix if suffix else '(none)'}) — use .png/.pdf/.svg/.pptx or --format"
            )
        return suffix
    try:
        fmt = _choice(str(fmt).lower().lstrip("."), SHEET_FORMATS, "格式", "format")
    except ExportError as exc:
        raise ExportError(f"{path}: {exc}") from None
    if suffix in SHEET_FORMATS and suffix != fmt:
        raise ExportError(
            f"{path}: 扩展名 .{suffix} 与格式 {fmt} 不符 (suffix and format disagree) — "
            f"rename the file to .{fmt} or drop --format"
        )
    return fmt


def _writable_folder(path: Path) -> None:
    check_target(path, what="输出文件")


def write_atomic(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` whole or not at all (:func:`dzgeo.outputs.write_atomic`).

    A failure or a signal leaves neither a partial file nor a changed old file behind;
    devices, pipes, folders and read-only files are refused.
    """
    return outputs.write_atomic(path, data)


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
    text: SheetText = SheetText(),  # noqa: B008  (frozen dataclass, never mutated)
    projects: pd.DataFrame | None = None,
) -> Path:
    """Render a briefing sheet and write it to ``path`` atomically; return the path.

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
    check_request(kind, "pdf" if fmt == "pptx" else fmt, paper, orientation, dpi)
    _writable_folder(path)
    data = render(
        layers, kind=kind, flt=flt, fmt=fmt, paper=paper, orientation=orientation, dpi=dpi,
        text=text, projects=projects,
    )  # fmt: skip
    written = write_atomic(path, data)
    log.info("wrote %s (%d bytes)", written, len(data))
    return written
