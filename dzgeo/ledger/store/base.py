"""The ledger store's one interface, shared by the SQLite and PostgreSQL back ends.

A version is an immutable snapshot of the ledger rows (one row per project the ledger
says something about: a plan project with ledger fields, or a project the ledger added).
Version 0 is the plan as published: no ledger rows. ``current`` is a pointer in
``ledger_state``; an import or a revert writes a new version's rows and moves the pointer
in one transaction, so a reader sees a whole version or the one before, never a half.
Writers are serialised by a lock taken at the start of the transaction, so two imports at
the same moment both land, one after the other, each on top of the one before.
"""

from __future__ import annotations

import getpass
import logging
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pandas as pd
import shapely

from dzgeo import settings
from dzgeo.errors import DzgeoError
from dzgeo.ledger.store.rows import (
    ROW_COLUMNS,
    normalise_rows,
    quoted,
)

log = logging.getLogger(__name__)

#: Columns of ``ledger_versions`` after ``version``.
VERSION_COLUMNS = (
    "created_at",
    "user_name",
    "file_name",
    "kind",
    "reverted_to",
    "added",
    "updated",
    "unchanged",
    "row_count",
)
KIND_PLAN = "规划"
KIND_IMPORT = "导入"
KIND_REVERT = "恢复"


class StoreError(DzgeoError, RuntimeError):
    """The ledger store cannot be opened or written (nothing was changed)."""


@dataclass(frozen=True)
class Version:
    """One version of the ledger: who made it, when, from which file, what it changed."""

    number: int
    created_at: str  # ISO 8601, UTC
    user: str
    file_name: str
    kind: str  # 规划 / 导入 / 恢复
    reverted_to: int | None
    added: int
    updated: int
    unchanged: int
    rows: int  # ledger rows in this version

    def describe(self) -> str:
        """One Chinese line for listings."""
        what = self.kind
        if self.reverted_to is not None:
            what = f"恢复为第 {self.reverted_to} 版"
        elif self.file_name:
            what = f"{self.kind}“{self.file_name}”"
        return (
            f"第 {self.number} 版  {self.created_at}  {self.user or '-'}  {what}  "
            f"新增 {self.added}，更新 {self.updated}，未变 {self.unchanged}"
        )


@dataclass(frozen=True)
class Counts:
    """What a new version changes against the one before."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0


#: Builds the new version's rows from the current ones: ``(current_rows, new_number)`` ->
#: ``(new_rows, counts)``. Called inside the write transaction, under the lock.
Builder = Callable[[pd.DataFrame, int], tuple[pd.DataFrame, Counts]]


def default_user() -> str:
    """Who is importing: DZGEO_USER if set, else the login name."""
    try:
        return settings.ledger_user() or getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (containers)
        return ""


def now_text() -> str:
    """Now in UTC, ISO 8601 to the second."""
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


class LedgerStore(ABC):
    """The ledger's versions and rows; see the module docstring for the guarantees."""

    #: How the back end spells a parameter in SQL (``?`` or ``%s``).
    param = "?"
    backend = ""

    def __init__(self, url: str):
        self.url = url
        self._lock = threading.RLock()

    # ---- back-end hooks -------------------------------------------------------------
    @abstractmethod
    @contextmanager
    def _write(self) -> Iterator[Any]:
        """A write transaction holding the store's writer lock; yields a cursor."""

    @abstractmethod
    @contextmanager
    def _read(self) -> Iterator[Any]:
        """A read-only snapshot transaction; yields a cursor."""

    @abstractmethod
    def _insert_rows(self, cur: Any, frame: pd.DataFrame, version: int) -> None:
        """Bulk-insert a version's rows."""

    def _geometry_select(self) -> str:
        """SQL expression returning the stored geometry (decoded by _decode_geometry)."""
        return "geom"

    @abstractmethod
    def close(self) -> None:
        """Release the connection."""

    # ---- shared logic ---------------------------------------------------------------
    def _sql(self, text: str) -> str:
        return text.replace("?", self.param)

    def _ensure_version_zero(self) -> None:
        """Write version 0 (the plan as published, no ledger rows) if the store is new."""
        with self._write() as cur:
            cur.execute("SELECT COUNT(*) FROM ledger_versions")
            if cur.fetchone()[0]:
                return
            self._insert_version(cur, 0, KIND_PLAN, "", "", None, Counts(), 0)
            cur.execute(self._sql("UPDATE ledger_state SET current_version = ? WHERE id = 1"), (0,))
            log.info("ledger store %s: created version 0", self.backend)

    def _insert_version(
        self,
        cur: Any,
        number: int,
        kind: str,
        user: str,
        file_name: str,
        reverted_to: int | None,
        counts: Counts,
        rows: int,
    ) -> None:
        placeholders = ", ".join([self.param] * (len(VERSION_COLUMNS) + 1))
        cur.execute(
            f"INSERT INTO ledger_versions (version, {', '.join(VERSION_COLUMNS)}) "
            f"VALUES ({placeholders})",
            (
                number,
                now_text(),
                user,
                file_name,
                kind,
                reverted_to,
                counts.added,
                counts.updated,
                counts.unchanged,
                rows,
            ),
        )

    def versions(self) -> list[Version]:
        """Every version, oldest first."""
        with self._read() as cur:
            cur.execute(
                f"SELECT version, {', '.join(VERSION_COLUMNS)} FROM ledger_versions "
                "ORDER BY version"
            )
            return [_version(row) for row in cur.fetchall()]

    def current_version(self) -> int:
        """The number of the current version."""
        with self._read() as cur:
            return self._current(cur)

    def version(self, number: int | None = None) -> Version:
        """One version (the current one by default); StoreError if there is none."""
        with self._read() as cur:
            number = self._current(cur) if number is None else int(number)
            cur.execute(
                self._sql(
                    f"SELECT version, {', '.join(VERSION_COLUMNS)} FROM ledger_versions "
                    "WHERE version = ?"
                ),
                (number,),
            )
            row = cur.fetchone()
        if row is None:
            raise StoreError(
                f"台账没有第 {number} 版 (no ledger version {number}) — "
                "用 `dzgeo versions` 查看已有版本"
            )
        return _version(row)

    @staticmethod
    def _current(cur: Any) -> int:
        cur.execute("SELECT current_version FROM ledger_state WHERE id = 1")
        row = cur.fetchone()
        if row is None or row[0] is None:
            raise StoreError("台账存储未初始化 (ledger store not initialised)")
        return int(row[0])

    def rows(self, version: int | None = None) -> tuple[int, pd.DataFrame]:
        """The ledger rows of ``version`` (current by default), read in one snapshot.

        Returns ``(version_number, rows)``; rows as :func:`normalise_rows` describes.
        """
        with self._read() as cur:
            number = self._current(cur) if version is None else int(version)
            cur.execute(self._sql("SELECT 1 FROM ledger_versions WHERE version = ?"), (number,))
            if cur.fetchone() is None:
                raise StoreError(
                    f"台账没有第 {number} 版 (no ledger version {number}) — "
                    "用 `dzgeo versions` 查看已有版本"
                )
            return number, self._select_rows(cur, number)

    def _select_rows(self, cur: Any, number: int) -> pd.DataFrame:
        cur.execute(
            self._sql(
                f"SELECT {', '.join(quoted(ROW_COLUMNS))}, {self._geometry_select()} "
                "FROM ledger_rows WHERE version = ? ORDER BY seq"
            ),
            (number,),
        )
        records = cur.fetchall()
        frame = pd.DataFrame.from_records(
            records, columns=[*ROW_COLUMNS, "geometry"], coerce_float=True
        )
        frame["geometry"] = [self._decode_geometry(b) for b in frame["geometry"].tolist()]
        return normalise_rows(frame)

    def _decode_geometry(self, value: Any) -> Any:
        """A shapely geometry from the stored WKB bytes (None stays None)."""
        return None if value is None else shapely.from_wkb(bytes(value))

    def append_version(
        self,
        build: Builder,
        *,
        kind: str = KIND_IMPORT,
        user: str | None = None,
        file_name: str = "",
        reverted_to: int | None = None,
    ) -> Version:
        """Write a new version made by ``build`` from the current rows and make it current.

        All in one transaction under the writer lock: concurrent calls land one after the
        other, each ``build`` seeing the rows its predecessor wrote. Any failure (a
        ``build`` error, a full disk, a killed process) leaves the store as it was.
        ``reverted_to`` hands ``build`` that version's rows instead of the current ones.
        """
        user = default_user() if user is None else user
        with self._write() as cur:
            source = self._current(cur) if reverted_to is None else reverted_to
            cur.execute("SELECT MAX(version) FROM ledger_versions")
            number = int(cur.fetchone()[0]) + 1
            new_rows, counts = build(self._select_rows(cur, source), number)
            new_rows = normalise_rows(new_rows)
            self._insert_version(
                cur, number, kind, user, file_name, reverted_to, counts, len(new_rows)
            )
            if len(new_rows):
                self._insert_rows(cur, new_rows, number)
            cur.execute(
                self._sql("UPDATE ledger_state SET current_version = ? WHERE id = 1"),
                (number,),
            )
        log.info("ledger store %s: version %d (%s %s)", self.backend, number, kind, file_name)
        return self.version(number)

    def revert(self, number: int, *, user: str | None = None) -> Version:
        """Make version ``number``'s rows current again, as a new version."""
        target = self.version(number)

        def build(rows: pd.DataFrame, _new: int) -> tuple[pd.DataFrame, Counts]:
            return rows, Counts(unchanged=len(rows))

        return self.append_version(build, kind=KIND_REVERT, user=user, reverted_to=target.number)

    def __enter__(self) -> LedgerStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _version(row: Sequence[Any]) -> Version:
    number, created, user, file_name, kind, reverted, added, updated, unchanged, rows = row
    return Version(
        number=int(number),
        created_at=str(created),
        user=user or "",
        file_name=file_name or "",
        kind=kind,
        reverted_to=None if reverted is None else int(reverted),
        added=int(added),
        updated=int(updated),
        unchanged=int(unchanged),
        rows=int(rows),
    )
