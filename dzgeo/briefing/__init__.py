"""Briefing sheets: the layout and filtered projects as print-ready PDF, PNG, SVG and slides.

:func:`render` gives a sheet's bytes, :func:`export` writes one file atomically,
:func:`export_set` writes a set (one sheet per industry, place or 状态; one bookmarked
PDF; or a deck) and :func:`render_set` gives a set as one file's bytes. The drawing lives
by concern in :mod:`~dzgeo.briefing.page`, :mod:`~dzgeo.briefing.figure`,
:mod:`~dzgeo.briefing.layout`, :mod:`~dzgeo.briefing.projects` (numbered markers),
:mod:`~dzgeo.briefing.listing` and :mod:`~dzgeo.briefing.projectlist` (the project list),
:mod:`~dzgeo.briefing.extent` (extent and locator), :mod:`~dzgeo.briefing.symbols` and
:mod:`~dzgeo.briefing.legend` (legend from what is drawn), :mod:`~dzgeo.briefing.geometry`,
:mod:`~dzgeo.briefing.furniture` (scale bar, north arrow), :mod:`~dzgeo.briefing.labels`,
:mod:`~dzgeo.briefing.fonts`, :mod:`~dzgeo.briefing.document` (pages to files),
:mod:`~dzgeo.briefing.atlas` (sets) and :mod:`~dzgeo.briefing.deck` (PPTX).
"""

from __future__ import annotations

from dzgeo.briefing.atlas import EACH, SET_FORMATS, export_set, render_set, set_jobs
from dzgeo.briefing.figure import SheetText
from dzgeo.briefing.sheets import (
    FORMATS,
    KINDS,
    ORIENTATIONS,
    PAPERS,
    check_request,
    export,
    format_for,
    render,
)

__all__ = [
    "EACH",
    "FORMATS",
    "KINDS",
    "ORIENTATIONS",
    "PAPERS",
    "SET_FORMATS",
    "SheetText",
    "check_request",
    "export",
    "export_set",
    "format_for",
    "render",
    "render_set",
    "set_jobs",
]
