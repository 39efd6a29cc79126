"""The interactive map: Leaflet (through folium) drawn from the published layers.

:func:`base_layers` (what no filter changes) and :func:`view_layers` (what the view state
changes) give plain data; :func:`build_map`, :func:`map_html` and :func:`standalone_html`
turn it into folium objects or whole pages. The pieces live by concern in
:mod:`~dzgeo.web.overlays`, :mod:`~dzgeo.web.popups`, :mod:`~dzgeo.web.labels`,
:mod:`~dzgeo.web.legend`, :mod:`~dzgeo.web.projects`, :mod:`~dzgeo.web.basemaps` and
:mod:`~dzgeo.web.page`.
"""

from __future__ import annotations

from dzgeo.web.views import (
    BaseLayers,
    ViewLayers,
    base_layers,
    build_map,
    map_html,
    standalone_html,
    view_layers,
)

__all__ = [
    "BaseLayers",
    "ViewLayers",
    "base_layers",
    "build_map",
    "map_html",
    "standalone_html",
    "view_layers",
]
