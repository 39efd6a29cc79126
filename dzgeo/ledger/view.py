"""The published layers as the current ledger version says: what every reader draws.

The web map, the tables and downloads, the briefing maps and the CLI all take a
:class:`~dzgeo.data.published.Layers`; :func:`current_layers` gives them the same bundle
with ``projects`` replaced by the ledger version's projects
(:func:`dzgeo.ledger.current.current_projects`: the published fields plus the ledger's,
each project at its site when the ledger gives one). One function, so the map, the
downloads and the briefing sheets can never disagree about which version they show.

A reader never creates a store: when the default store file does not exist yet, the
projects are the plan's (version 0) with empty ledger fields.
"""

from __future__ import annotations

import dataclasses
import logging
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import geopandas as gpd
import pandas as pd

from dzgeo.data.published import Layers
from dzgeo.errors import DataFileNotFoundError, Problem
from dzgeo.ledger.current import compose_projects, current_projects, plan_projects
from dzgeo.ledger.store import LedgerStore, Version, empty_rows, is_postgres_url, open_store
from dzgeo.settings import ledger_store

if TYPE_CHECKING:
    from dzgeo.ledger.importer import ImportPreview

__all__ = [
    "PROBLEM_HEADERS",
    "UPLOAD_SUFFIXES",
    "current_layers",
    "current_version",
    "import_upload",
    "preview_upload",
    "problem_table",
    "revert_to",
    "store_exists",
    "template_for",
    "versions",
    "with_projects",
]

#: The files an upload may be (the ledger reader's formats).
UPLOAD_SUFFIXES = ("xlsx", "csv", "txt", "tsv", "geojson", "json")
#: Columns of :func:`problem_table`.
PROBLEM_HEADERS = ("文件", "位置", "问题", "改法")

log = logging.getLogger(__name__)


def store_exists(url: str | None = None) -> bool:
    """Whether the store at ``url`` (default ``DZGEO_STORE``) is there to be read."""
    target = ledger_store() if url is None else url
    return is_postgres_url(target) or Path(target).is_file()


def current_version(url: str | None = None, *, opened: LedgerStore | None = None) -> int:
    """The current version's number in the store at ``url``; 0 when there is no store
    yet. Cheap (one query), so a long-lived app asks on every run and sees imports made
    by another replica. ``opened``: that store held open by the caller (the app holds one
    per server), so no run pays a connection and a schema check (PostgreSQL: ~50 ms and
    the writers' lock)."""
    target = ledger_store() if url is None else url
    if not store_exists(target):
        return 0
    if opened is not None:
        return opened.current_version()
    with open_store(target) as store:
        return store.current_version()


def with_projects(layers: Layers, projects: gpd.GeoDataFrame) -> Layers:
    """``layers`` with its projects replaced (the bundle itself is not changed)."""
    return dataclasses.replace(layers, projects=projects)


def current_layers(
    layers: Layers,
    layers_dir: str | Path,
    *,
    store: LedgerStore | None = None,
    version: int | None = None,
) -> Layers:
    """``layers`` with the projects of the current ledger version (or of ``version``).

    ``store`` defaults to the one ``DZGEO_STORE`` names; a default store file that does
    not exist yet gives the plan's projects as version 0, and nothing is created.
    """
    plan = plan_projects(layers_dir)
    if store is None and not store_exists():
        log.info("no ledger store yet at %s: the plan's projects (version 0)", ledger_store())
        return with_projects(layers, compose_projects(plan, empty_rows(), 0))
    if store is None:
        with open_store() as opened:
            return with_projects(layers, current_projects(opened, version=version, plan=plan))
    return with_projects(layers, current_projects(store, version=version, plan=plan))


# ------------------------------------------------------------------ the app's ledger tab


@contextmanager
def _upload_file(data: bytes, name: str) -> Iterator[Path]:
    """An uploaded file's bytes as a temporary file with the upload's suffix."""
    suffix = Path(name).suffix.lower()
    with tempfile.TemporaryDirectory(prefix="dzgeo-upload-") as tmp:
        path = Path(tmp) / f"upload{suffix}"
        path.write_bytes(data)
        yield path


def preview_upload(data: bytes, name: str, store_url: str, layers_dir: str | Path) -> ImportPreview:
    """What importing the uploaded file would change in the current version.

    Stores nothing (a store that does not exist yet is created, at version 0, so the
    preview is made against what an import would see).
    """
    # imported when a file comes: the reader and its checks are not needed to draw a page
    from dzgeo.ledger.importer import ledger_context, preview_import

    with _upload_file(data, name) as path, open_store(store_url) as store:
        return preview_import(path, store, name=name, context=ledger_context(layers_dir))


def import_upload(
    data: bytes, name: str, store_url: str, layers_dir: str | Path, *, user: str | None = None
) -> tuple[Version, ImportPreview]:
    """Store the uploaded file as a new version (refused whole, with
    :class:`~dzgeo.errors.DataValidationError`, if it has any problem by then)."""
    from dzgeo.ledger.importer import import_file, ledger_context

    with _upload_file(data, name) as path, open_store(store_url) as store:
        return import_file(path, store, name=name, user=user, context=ledger_context(layers_dir))


def versions(store_url: str, *, opened: LedgerStore | None = None) -> list[Version]:
    """Every version of the store, newest first (none when there is no store yet);
    ``opened`` as for :func:`current_version`."""
    if not store_exists(store_url):
        return []
    if opened is not None:
        return list(reversed(opened.versions()))
    with open_store(store_url) as store:
        return list(reversed(store.versions()))


def revert_to(store_url: str, number: int, *, user: str | None = None) -> Version:
    """Make version ``number`` current again, as a new version."""
    if not store_exists(store_url):
        raise DataFileNotFoundError(f"{store_url}: 还没有项目台账，无法切换版本")
    with open_store(store_url) as store:
        return store.revert(number, user=user)


def template_for(layers: Layers) -> bytes:
    """The template workbook filled with ``layers``' projects (the current version's)."""
    from dzgeo.ledger.template import template_bytes

    return template_bytes(layers.projects, layers.vocab)


def problem_table(problems: Sequence[Problem]) -> pd.DataFrame:
    """Problems as a table of plain text: file, where (row / column), what, the fix."""
    rows = [(p.source, p.where, p.message, p.fix) for p in problems]
    return pd.DataFrame(rows, columns=list(PROBLEM_HEADERS), dtype=object)
