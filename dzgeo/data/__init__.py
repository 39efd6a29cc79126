"""The data pipeline: the plan as reviewable files in ``geodata/``, checked, joined and
published to ``layers/``.

``geodata/`` -> readers (:mod:`~dzgeo.data.catalog`, :mod:`~dzgeo.data.boundaries`,
:mod:`~dzgeo.data.places`, :mod:`~dzgeo.data.features`, :mod:`~dzgeo.data.projects`) ->
:func:`build_layers` -> :func:`write_layers` -> ``layers/`` -> :func:`read_layers`.
Fixed values live in :mod:`~dzgeo.data.schema`.
"""

from __future__ import annotations

from dzgeo.data.build import build_layers, load_geodata, write_layers
from dzgeo.data.catalog import Catalog, read_catalog
from dzgeo.data.projects import check_projects
from dzgeo.data.published import Layers, read_layers

__all__ = [
    "Catalog",
    "Layers",
    "build_layers",
    "check_projects",
    "load_geodata",
    "read_catalog",
    "read_layers",
    "write_layers",
]
