"""Import a ledger file: preview what it changes, then store it as a new version.

:func:`preview_import` reads, checks and merges against the current version and stores
nothing; :func:`import_file` does the same and, when the file has no problem, writes the
new version in one transaction (merged again, under the store's lock, on top of whatever
version is current by then). A file with any problem is refused whole.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from dzgeo.data.published import read_table
from dzgeo.errors import DataValidationError, Problem, capped_lines
from dzgeo.ledger.check import CheckedLedger, check_ledger
from dzgeo.ledger.current import plan_projects
from dzgeo.ledger.merge import MergeResult, PlaceIndex, merge_ledger
from dzgeo.ledger.read import read_ledger_file
from dzgeo.ledger.store import Counts, LedgerStore, Version
from dzgeo.settings import LAYERS_DIR
from dzgeo.vocabulary import build_vocabulary

__all__ = ["ImportPreview", "LedgerContext", "import_file", "ledger_context", "preview_import"]

#: Township notes listed one by one before "… N more".
LISTED_NOTES = 20


@dataclass(frozen=True)
class LedgerContext:
    """What checking and placing need from the published layers."""

    index: PlaceIndex
    city: BaseGeometry


@functools.lru_cache(maxsize=2)
def _context(layers_dir: str) -> LedgerContext:
    root = Path(layers_dir)
    tables = {n: read_table(root / f"{n}.csv") for n in ("industries", "subfields", "places")}
    vocab = build_vocabulary(tables["industries"], tables["subfields"], tables["places"])
    places = tables["places"]
    points = {str(r["name"]): (float(r["lon"]), float(r["lat"])) for r in places.to_dict("records")}
    plan_ids = frozenset(plan_projects(root)["id"].astype(str))
    city = shapely.union_all(gpd.read_file(root / "city.geojson", engine="pyogrio").geometry)
    return LedgerContext(PlaceIndex(plan_ids, points, vocab), city)


def ledger_context(layers_dir: str | Path = LAYERS_DIR) -> LedgerContext:
    """The published layers' facts the ledger checks against (read once)."""
    return _context(str(Path(layers_dir).resolve()))


@dataclass
class ImportPreview:
    """What an import would change, and every problem that stops it."""

    source: str
    rows: int
    base_version: int
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    assigned: dict[int, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the file may be stored."""
        return not self.problems

    @property
    def counts(self) -> Counts:
        return Counts(len(self.added), len(self.updated), len(self.unchanged))

    def summary(self) -> str:
        """One Chinese line: rows added / updated / unchanged."""
        return (
            f"{self.source}：{self.rows} 行 — 新增 {len(self.added)}，更新 {len(self.updated)}，"
            f"未变 {len(self.unchanged)}（基于第 {self.base_version} 版）"
        )

    def lines(self) -> list[str]:
        """The whole preview as plain-text lines (the CLI prints them)."""
        out = [self.summary()]
        out += [f"注意 (note): {note}" for note in self.notes]
        if self.assigned:
            given = "、".join(f"第 {r} 行 -> {i}" for r, i in list(self.assigned.items())[:20])
            more = f" 等 {len(self.assigned)} 个" if len(self.assigned) > 20 else ""
            out.append(f"新编号 (ids assigned): {given}{more}")
        if self.problems:
            out.append(
                f"发现 {len(self.problems)} 个问题，整个文件未导入 (refused whole: "
                f"{len(self.problems)} problem(s)):"
            )
            out += [f"  - {line}" for line in capped_lines(self.problems)]
        return out


def _township_notes(checked: CheckedLedger) -> list[str]:
    values = checked.values
    if "township" not in values.columns:
        return []
    points = values["township_point"] if "township_point" in values.columns else None
    missing = [
        (row, town)
        for row, town in values["township"].items()
        if town and (points is None or points.get(row) is None)
    ]
    notes = [
        f"{checked.file.where(int(row), 'township')}: 乡镇“{town}”不在乡镇名录中，"
        "按规划地点（县）显示"
        for row, town in cast(list[tuple[int, str]], missing[:LISTED_NOTES])
    ]
    if len(missing) > LISTED_NOTES:
        notes.append(f"… 另有 {len(missing) - LISTED_NOTES} 行的乡镇不在名录中")
    return notes


def _checked(
    path: str | Path, store: LedgerStore, name: str | None, context: LedgerContext
) -> tuple[CheckedLedger, int, pd.DataFrame]:
    """The file checked against the current version: (checked, version, its rows)."""
    file = read_ledger_file(path, name=name)
    number, current = store.rows()
    known = set(context.index.plan_ids) | set(current["id"])
    checked = check_ledger(file, context.index.vocab, known, city=context.city)
    checked.notes = [*file.notes, *checked.notes, *_township_notes(checked)]
    return checked, number, current


def preview_import(
    path: str | Path,
    store: LedgerStore,
    *,
    name: str | None = None,
    context: LedgerContext | None = None,
) -> ImportPreview:
    """What importing ``path`` would do to the current version; stores nothing.

    ``name`` is how messages call the file (an upload's original name). Unreadable files
    raise :class:`DataValidationError`; problems in rows are listed in the preview.
    """
    context = context or ledger_context()
    checked, number, current = _checked(path, store, name, context)
    merged = merge_ledger(current, checked, context.index, number + 1)
    return ImportPreview(
        source=checked.file.source,
        rows=len(checked.values),
        base_version=number,
        added=merged.added,
        updated=merged.updated,
        unchanged=merged.unchanged,
        assigned=merged.assigned,
        problems=checked.problems,
        notes=checked.notes,
    )


def import_file(
    path: str | Path,
    store: LedgerStore,
    *,
    name: str | None = None,
    user: str | None = None,
    context: LedgerContext | None = None,
) -> tuple[Version, ImportPreview]:
    """Check ``path`` and store it as a new version; returns the version and the preview.

    Raises :class:`DataValidationError` listing every problem (and stores nothing) when
    the file has any.
    """
    context = context or ledger_context()
    checked, _number, _rows = _checked(path, store, name, context)
    if checked.problems:
        raise DataValidationError(checked.problems)
    final: dict[str, MergeResult] = {}

    def build(current: pd.DataFrame, number: int) -> tuple[pd.DataFrame, Counts]:
        final["merge"] = merge = merge_ledger(current, checked, context.index, number)
        return merge.rows, merge.counts

    version = store.append_version(build, file_name=checked.file.source, user=user)
    merge = final["merge"]
    preview = ImportPreview(
        source=checked.file.source,
        rows=len(checked.values),
        base_version=version.number - 1,
        added=merge.added,
        updated=merge.updated,
        unchanged=merge.unchanged,
        assigned=merge.assigned,
        notes=checked.notes,
    )
    return version, preview
