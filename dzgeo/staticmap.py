"""Deprecated home of the briefing-map functions; use :mod:`dzgeo.briefing`.

Kept for one release so code written against 0.1 (``dzgeo.staticmap.render``,
``export``, ``export_set``) keeps working; it warns once on import.
"""

from __future__ import annotations

import warnings

from dzgeo.briefing import export, export_set, render

__all__ = ["export", "export_set", "render"]

warnings.warn(
    "dzgeo.staticmap is deprecated and will be removed in 0.3; import dzgeo.briefing instead",
    DeprecationWarning,
    stacklevel=2,
)
