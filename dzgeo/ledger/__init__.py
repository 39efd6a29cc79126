"""The planner's project table (项目台账): template, import, store, versions.

The plan's 272 projects are version 0; each accepted import is a new immutable version,
and "current" is a pointer. See :mod:`dzgeo.ledger.fields` for the field contract.

Front door::

    from dzgeo.ledger import open_store, current_projects
    with open_store() as store:          # DZGEO_STORE: a file (default) or postgresql://…
        store.versions()                 # [Version(number=0, kind="规划", ...), ...]
        projects = current_projects(store)  # GeoDataFrame, EPSG:4326
"""

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
