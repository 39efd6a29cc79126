"""The ledger store: versions of the planner's project table, in SQLite or PostgreSQL.

:func:`open_store` picks the back end from ``DZGEO_STORE`` (see
:func:`dzgeo.settings.ledger_store`): unset or a path -> one local GeoPackage file;
``postgresql://…`` -> PostgreSQL + PostGIS, shared by several app replicas.
"""

from __future__ import annotations

from pathlib import Path

from dzgeo.ledger.store.base import (
    KIND_IMPORT,
    KIND_PLAN,
    KIND_REVERT,
    Counts,
    LedgerStore,
    StoreError,
    Version,
)
from dzgeo.ledger.store.rows import ROW_COLUMNS, empty_rows, normalise_rows

__all__ = [
    "KIND_IMPORT",
    "KIND_PLAN",
    "KIND_REVERT",
    "ROW_COLUMNS",
    "Counts",
    "LedgerStore",
    "StoreError",
    "Version",
    "empty_rows",
    "normalise_rows",
    "open_store",
]


def is_postgres_url(url: str) -> bool:
    """Whether ``url`` names a PostgreSQL database rather than a file."""
    return url.startswith(("postgresql://", "postgres://"))


def open_store(url: str | Path | None = None) -> LedgerStore:
    """Open (creating if needed) the ledger store at ``url``, default ``DZGEO_STORE``.

    A new store starts with version 0, the plan as published.
    """
    from dzgeo.settings import ledger_store

    target = str(url) if url is not None else ledger_store()
    if is_postgres_url(target):
        from dzgeo.ledger.store.postgres import PostgresStore

        return PostgresStore(target)
    from dzgeo.ledger.store.sqlite import SQLiteStore

    return SQLiteStore(target)
