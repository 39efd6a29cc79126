"""Briefing maps: the layout and filtered projects as print-ready PNG, PDF and SVG.

:func:`render` gives a map's bytes, :func:`export` writes one file atomically and
:func:`export_set` writes a set (one map per industry). The drawing lives by concern in
:mod:`~dzgeo.briefing.page`, :mod:`~dzgeo.briefing.figure`, :mod:`~dzgeo.briefing.layout`,
:mod:`~dzgeo.briefing.projects`, :mod:`~dzgeo.briefing.legend`,
:mod:`~dzgeo.briefing.geometry`, :mod:`~dzgeo.briefing.furniture` (scale bar, north
arrow), :mod:`~dzgeo.briefing.labels` and :mod:`~dzgeo.briefing.fonts`.
"""

from __future__ import annotations

from dzgeo.briefing.sheets import (
    FORMATS,
    KINDS,
    ORIENTATIONS,
    PAPERS,
    check_request,
    export,
    export_set,
    format_for,
    render,
)

__all__ = [
    "FORMATS",
    "KINDS",
    "ORIENTATIONS",
    "PAPERS",
    "check_request",
    "export",
    "export_set",
    "format_for",
    "render",
]
