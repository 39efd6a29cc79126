"""The planner's project table (项目台账): template, import, store, versions.

The plan's 272 projects are version 0; each accepted import is a new immutable version,
and "current" is a pointer. See :mod:`dzgeo.ledger.fields` for the field contract.

Front door::

    from dzgeo.ledger import open_store, current_projects
    with open_store() as store:          # DZGEO_STORE: a file (default) or postgresql://…
        store.versions()                 # [Version(number=0, kind="规划", ...), ...]
        projects = current_projects(store)  # GeoDataFrame, EPSG:4326
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dzgeo.ledger.current import compose_projects, current_projects, plan_projects
    from dzgeo.ledger.store import LedgerStore, StoreError, Version, open_store

__all__ = [
    "LedgerStore",
    "StoreError",
    "Version",
    "compose_projects",
    "current_projects",
    "open_store",
    "plan_projects",
]
_HOMES = {
    "compose_projects": "dzgeo.ledger.current",
    "current_projects": "dzgeo.ledger.current",
    "plan_projects": "dzgeo.ledger.current",
    "LedgerStore": "dzgeo.ledger.store",
    "StoreError": "dzgeo.ledger.store",
    "Version": "dzgeo.ledger.store",
    "open_store": "dzgeo.ledger.store",
}


def __getattr__(name: str) -> Any:
    """Import on first use, so ``dzgeo --help`` and the CLI's parser stay light (no
    geopandas before the CLI's signal handlers are in place)."""
    if name in _HOMES:
        return getattr(importlib.import_module(_HOMES[name]), name)
    raise AttributeError(f"module 'dzgeo.ledger' has no attribute {name!r}")
