"""The shared ledger store: PostgreSQL + PostGIS (``DZGEO_STORE=postgresql://…``).

Several app replicas behind a proxy share one ledger. Writers serialise on a
transaction-level advisory lock; readers use REPEATABLE READ snapshots, so a version is
seen whole or not at all. Rows are written with COPY; geometry is PostGIS
``geometry(Geometry, 4326)``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pandas as pd
import shapely

from dzgeo.ledger.store.base import LedgerStore, StoreError
from dzgeo.ledger.store.rows import ROW_COLUMNS, create_table_sql, row_tuples

#: Key of the advisory lock that serialises writers ('dzgeo' in ASCII).
WRITE_LOCK_KEY = 0x647A67656F
CONNECT_TIMEOUT_S = 10


def redact(url: str) -> str:
    """``url`` without its password, for messages and logs."""
    return re.sub(r"(://[^:/@]*):[^@]*@", r"\1:***@", url)


class PostgresStore(LedgerStore):
    """The ledger in a PostgreSQL database with PostGIS."""

    param = "%s"
    backend = "postgresql"

    def __init__(self, url: str):
        super().__init__(redact(url))
        self._dsn = url
        self._conn: Any = None
        self._connect()
        self._create_schema()
        self._ensure_version_zero()

    def _connect(self) -> None:
        import psycopg

        try:
            self._conn = psycopg.connect(
                self._dsn, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S
            )
        except psycopg.Error as exc:
            raise StoreError(
                f"{self.url}: 无法连接台账数据库 (cannot connect: {str(exc).strip()}) — "
                "请检查 DZGEO_STORE 的地址、用户与密码，以及数据库是否在运行"
            ) from exc

    def _create_schema(self) -> None:
        with self._write() as cur:
            cur.execute("SELECT 1 FROM pg_extension WHERE extname = 'postgis'")
            if cur.fetchone() is None:
                cur.execute("CREATE EXTENSION IF NOT EXISTS postgis")
            for ddl in create_table_sql(
                real="double precision",
                integer="bigint",
                text="text",
                geometry="geometry(Geometry, 4326)",
                row_key="PRIMARY KEY (version, id)",
            ):
                cur.execute(ddl)
            cur.execute(
                "INSERT INTO ledger_state (id, current_version) VALUES (1, NULL) "
                "ON CONFLICT (id) DO NOTHING"
            )

    def _ready(self) -> Any:
        if self._conn is None or self._conn.closed or self._conn.broken:
            self._connect()
        return self._conn

    @contextmanager
    def _write(self) -> Iterator[Any]:
        import psycopg

        with self._lock:
            conn = self._ready()
            try:
                with conn.transaction(), conn.cursor() as cur:
                    cur.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK_KEY,))
                    yield cur
            except psycopg.Error as exc:
                raise StoreError(
                    f"{self.url}: 台账未保存，数据库已回到写入前的状态 "
                    f"(nothing stored: {str(exc).strip()}) — 请检查数据库空间与权限后重试"
                ) from exc

    @contextmanager
    def _read(self) -> Iterator[Any]:
        import psycopg

        with self._lock:
            conn = self._ready()
            try:
                with conn.transaction(), conn.cursor() as cur:
                    cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
                    yield cur
            except psycopg.Error as exc:
                raise StoreError(
                    f"{self.url}: 无法读取台账 (cannot read the ledger: {str(exc).strip()})"
                ) from exc

    def _insert_rows(self, cur: Any, frame: pd.DataFrame, version: int) -> None:
        geoms = frame["geometry"].tolist()
        ewkb = [
            None
            if g is None
            else shapely.to_wkb(shapely.set_srid(g, 4326), hex=True, include_srid=True)
            for g in geoms
        ]
        columns = ", ".join(f'"{c}"' for c in ("version", "seq", *ROW_COLUMNS, "geom"))
        with cur.copy(f"COPY ledger_rows ({columns}) FROM STDIN") as copy:
            for row in row_tuples(frame, version, ewkb):
                copy.write_row(row)

    def _geometry_select(self) -> str:
        return "ST_AsBinary(geom)"

    def close(self) -> None:
        """Close the connection."""
        if self._conn is not None:
            self._conn.close()
