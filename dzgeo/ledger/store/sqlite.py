"""The default ledger store: one local SQLite file, laid out as a GeoPackage.

The file opens in QGIS (layer ``ledger_rows``, filter on ``version``). WAL journal,
``synchronous=FULL``: a reader never blocks a writer and sees the last committed
version; a killed process or a full disk rolls the open transaction back on the next
open. Writers take SQLite's write lock with ``BEGIN IMMEDIATE`` and wait for each other.
"""

from __future__ import annotations

import sqlite3
import struct
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd
import shapely

from dzgeo.ledger.store.base import LedgerStore, StoreError
from dzgeo.ledger.store.rows import ROW_COLUMNS, create_table_sql, row_tuples

#: SQLite ``application_id`` of a GeoPackage ('GPKG') and the version it follows (1.3).
GPKG_APPLICATION_ID = 0x47504B47
GPKG_USER_VERSION = 10300
SRS_ID = 4326
BUSY_TIMEOUT_S = 120.0
_ENVELOPE_BYTES = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}

_GPKG_DDL = [
    "CREATE TABLE IF NOT EXISTS gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, "
    "srs_id INTEGER PRIMARY KEY, organization TEXT NOT NULL, "
    "organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT)",
    "CREATE TABLE IF NOT EXISTS gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, "
    "data_type TEXT NOT NULL, identifier TEXT UNIQUE, description TEXT DEFAULT '', "
    "last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')), "
    "min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER, "
    "CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id))",
    "CREATE TABLE IF NOT EXISTS gpkg_geometry_columns (table_name TEXT NOT NULL, "
    "column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL, srs_id INTEGER NOT NULL, "
    "z TINYINT NOT NULL, m TINYINT NOT NULL, "
    "CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name))",
]
_WGS84_WKT = (
    'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563]],'
    'PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433],AUTHORITY["EPSG","4326"]]'
)
_GPKG_ROWS = [
    (
        "INSERT OR IGNORE INTO gpkg_spatial_ref_sys VALUES (?, ?, ?, ?, ?, ?)",
        [
            ("Undefined cartesian SRS", -1, "NONE", -1, "undefined", ""),
            ("Undefined geographic SRS", 0, "NONE", 0, "undefined", ""),
            ("WGS 84 geodetic", SRS_ID, "EPSG", 4326, _WGS84_WKT, "longitude/latitude"),
        ],
    ),
    (
        "INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, description, "
        "srs_id) VALUES (?, ?, ?, ?, ?)",
        [("ledger_rows", "features", "ledger_rows", "项目台账：各版本的台账行", SRS_ID)],
    ),
    (
        "INSERT OR IGNORE INTO gpkg_geometry_columns VALUES (?, ?, ?, ?, ?, ?)",
        [("ledger_rows", "geom", "GEOMETRY", SRS_ID, 0, 0)],
    ),
]


def gpkg_blob(geometry: Any) -> bytes | None:
    """A GeoPackage geometry blob (header without envelope + little-endian WKB)."""
    if geometry is None:
        return None
    wkb = shapely.to_wkb(geometry, byte_order=1)
    return b"GP" + bytes([0, 0b00000001]) + struct.pack("<i", SRS_ID) + wkb


def wkb_from_gpkg(blob: bytes) -> bytes:
    """The WKB inside a GeoPackage geometry blob (any envelope skipped)."""
    if blob[:2] != b"GP":
        raise StoreError("台账文件中的几何不是 GeoPackage 格式 (not a GeoPackage geometry)")
    flags = blob[3]
    envelope = _ENVELOPE_BYTES.get((flags >> 1) & 0b111, 0)
    return blob[8 + envelope :]


class SQLiteStore(LedgerStore):
    """The ledger in one GeoPackage file at ``path``."""

    backend = "sqlite"

    def __init__(self, path: str | Path):
        self.path = Path(path)
        super().__init__(str(self.path))
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._conn = sqlite3.connect(
                self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
            )
            self._mark_geopackage()
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=FULL")
            self._conn.execute("PRAGMA foreign_keys=ON")
            self._create_schema()
        except sqlite3.DatabaseError as exc:
            raise StoreError(
                f"{self.path}: 无法打开台账文件 (cannot open the ledger store: {exc}) — "
                "请检查路径与写权限，或用 DZGEO_STORE 指定另一个文件"
            ) from exc
        self._ensure_version_zero()

    def _mark_geopackage(self) -> None:
        """Set the GeoPackage header fields (before WAL, so they reach the file itself)."""
        if self._conn.execute("PRAGMA application_id").fetchone()[0] != GPKG_APPLICATION_ID:
            self._conn.execute(f"PRAGMA application_id = {GPKG_APPLICATION_ID}")
            self._conn.execute(f"PRAGMA user_version = {GPKG_USER_VERSION}")

    def _create_schema(self) -> None:
        with self._write() as cur:
            for ddl in _GPKG_DDL:
                cur.execute(ddl)
            for ddl in create_table_sql(
                real="DOUBLE",
                integer="INTEGER",
                text="TEXT",
                geometry="GEOMETRY",
                row_key="fid INTEGER PRIMARY KEY AUTOINCREMENT,\n  UNIQUE (version, id)",
            ):
                cur.execute(ddl)
            for sql, rows in _GPKG_ROWS:
                cur.executemany(sql, rows)
            cur.execute("INSERT OR IGNORE INTO ledger_state (id, current_version) VALUES (1, NULL)")

    @contextmanager
    def _write(self) -> Iterator[Any]:
        with self._lock:
            cur = self._conn.cursor()
            try:
                cur.execute("BEGIN IMMEDIATE")
                yield cur
                cur.execute("COMMIT")
            except BaseException as exc:
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                if isinstance(exc, sqlite3.Error):
                    raise StoreError(
                        f"{self.path}: 台账未保存，存储已回到写入前的状态 "
                        f"(nothing stored: {exc}) — 请检查磁盘空间与写权限后重试"
                    ) from exc
                raise
            finally:
                cur.close()

    @contextmanager
    def _read(self) -> Iterator[Any]:
        with self._lock:
            cur = self._conn.cursor()
            try:
                cur.execute("BEGIN")
                yield cur
            finally:
                if self._conn.in_transaction:
                    self._conn.execute("COMMIT")
                cur.close()

    def _insert_rows(self, cur: Any, frame: pd.DataFrame, version: int) -> None:
        blobs = [gpkg_blob(g) for g in frame["geometry"].tolist()]
        columns = ", ".join(f'"{c}"' for c in ("version", "seq", *ROW_COLUMNS, "geom"))
        marks = ", ".join(["?"] * (len(ROW_COLUMNS) + 3))
        cur.executemany(
            f"INSERT INTO ledger_rows ({columns}) VALUES ({marks})",
            row_tuples(frame, version, blobs),
        )

    def _decode_geometry(self, value: Any) -> Any:
        return None if value is None else shapely.from_wkb(wkb_from_gpkg(bytes(value)))

    def close(self) -> None:
        """Close the file (a later call on this store reopens nothing: make a new one)."""
        self._conn.close()
