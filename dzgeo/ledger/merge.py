"""Lay a checked ledger file over the current version's rows: the next version's rows.

Pure: :func:`merge_ledger` returns new rows and what changed; it never touches a store.
A column the file has sets its field on every row of the file (an empty cell clears it);
a column the file lacks leaves the field as it was. Rows are matched by 编号; a row with an
empty 编号 adds a project under the next free ``TZ-0001``-style id.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import shapely

from dzgeo.ledger.check import NEW_PROJECT_FIELDS, CheckedLedger, frame_records
from dzgeo.ledger.fields import (
    INPUT_FIELDS,
    LOCATED_BY_NONE,
    LOCATED_BY_PLAN,
    LOCATED_BY_SITE,
    LOCATED_BY_TOWNSHIP,
    ORIGIN_LEDGER,
    ORIGIN_PLAN,
    provenance_label,
)
from dzgeo.ledger.store import Counts, normalise_rows
from dzgeo.vocabulary import Vocabulary

__all__ = ["ASSIGNED_PREFIX", "MergeResult", "PlaceIndex", "merge_ledger"]

#: Prefix of ids given to new projects whose row had no 编号.
ASSIGNED_PREFIX = "TZ-"
_ASSIGNED = re.compile(rf"^{ASSIGNED_PREFIX}(\d+)$")
_SITE_FIELDS = ("site_lon", "site_lat", "site_crs", "site_lon_input", "site_lat_input")
#: Fields compared to tell an updated row from an unchanged one.
_COMPARED = (*INPUT_FIELDS, "site_lon_input", "site_lat_input", "located_by")
#: Fields whose provenance is recorded (what a planner typed, and how the point was found).
_PROVENANCE_FIELDS = (*INPUT_FIELDS, "located_by")
CITY = "德州市"


@dataclass(frozen=True)
class PlaceIndex:
    """What placing a new project needs: plan ids, place points, the vocabulary."""

    plan_ids: frozenset[str]
    points: dict[str, tuple[float, float]]  # canonical place -> (lon, lat)
    vocab: Vocabulary


@dataclass
class MergeResult:
    """The next version's rows and what the file changed."""

    rows: pd.DataFrame
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    assigned: dict[int, str] = field(default_factory=dict)  # file row -> id given

    @property
    def counts(self) -> Counts:
        return Counts(len(self.added), len(self.updated), len(self.unchanged))


def _empty(value: Any) -> bool:
    return (
        value is None
        or value is pd.NA
        or value == ""
        or (isinstance(value, float) and math.isnan(value))
    )


def _same(a: Any, b: Any) -> bool:
    if _empty(a) or _empty(b):
        return _empty(a) and _empty(b)
    if isinstance(a, int | float) and isinstance(b, int | float):
        return abs(float(a) - float(b)) <= 1e-9 * max(1.0, abs(float(a)))
    return str(a) == str(b)


def _next_ids(existing: set[str]) -> Any:
    numbers = [int(m.group(1)) for i in existing if (m := _ASSIGNED.match(i))]
    n = max(numbers, default=0)
    while True:
        n += 1
        candidate = f"{ASSIGNED_PREFIX}{n:04d}"
        if candidate not in existing:
            yield candidate


def _new_project(values: dict[str, Any], index: PlaceIndex) -> dict[str, Any]:
    industry = str(values.get("industry", ""))
    place = str(values.get("place", ""))
    counties = index.vocab.place_adcodes.get(place, []) if place else []
    return {
        **{code: values.get(code, "") for code in NEW_PROJECT_FIELDS},
        "group": index.vocab.industries.get(industry, ""),
        "counties": "|".join(counties),
        "place_source": "stated" if place else "unplaced",
        "located": "place" if place and place != CITY else "city",
    }


def _place(row: dict[str, Any], values: dict[str, Any], index: PlaceIndex, is_plan: bool) -> None:
    """The drawn point and located_by: site, else township, else the place (plan or new)."""
    if not _empty(row.get("site_lon")) and not _empty(row.get("site_lat")):
        row["located_by"] = LOCATED_BY_SITE
        row["geometry"] = shapely.Point(float(row["site_lon"]), float(row["site_lat"]))
        return
    town = values.get("township_point")
    if row.get("township") and isinstance(town, shapely.Point):
        row["located_by"] = LOCATED_BY_TOWNSHIP
        row["geometry"] = town
        return
    if row.get("located_by") == LOCATED_BY_TOWNSHIP and "township" not in values:
        return  # kept from before: the file did not touch the township
    row["geometry"] = None
    if is_plan:
        row["located_by"] = ""  # the plan's place point (compose_projects fills it in)
        return
    place = str(row.get("place") or CITY)
    point = index.points.get(place) or index.points.get(CITY)
    row["located_by"] = LOCATED_BY_PLAN if place != CITY else LOCATED_BY_NONE
    row["geometry"] = shapely.Point(*point) if point else None


def _merged_row(
    project_id: str,
    before: dict[str, Any] | None,
    values: dict[str, Any],
    fields: set[str],
    index: PlaceIndex,
) -> dict[str, Any]:
    """One project's row after the file: its row before with the file's fields set."""
    is_plan = project_id in index.plan_ids
    row: dict[str, Any] = dict(before) if before else {"id": project_id}
    if before is None and not is_plan:
        row.update(_new_project(values, index))
    for code in INPUT_FIELDS:
        if code not in _SITE_FIELDS and code in fields:
            row[code] = values.get(code)
    if values.get("site_given"):
        for code in _SITE_FIELDS:
            row[code] = values.get(code)
    _place(row, values, index, is_plan)
    row["origin"] = ORIGIN_PLAN if is_plan else ORIGIN_LEDGER
    return row


def _track(row: dict[str, Any], old: dict[str, Any], label: str) -> list[str]:
    """The compared fields that changed; records their provenance in ``row``."""
    changed = [c for c in _COMPARED if not _same(row.get(c), old.get(c))]
    provenance = json.loads(old.get("provenance") or "{}")
    for code in changed:
        if code not in _PROVENANCE_FIELDS:
            continue
        if _empty(row.get(code)):
            provenance.pop(code, None)
        else:
            provenance[code] = label
    row["provenance"] = json.dumps(provenance, ensure_ascii=False, sort_keys=True)
    return changed


def merge_ledger(
    current: pd.DataFrame, checked: CheckedLedger, index: PlaceIndex, number: int
) -> MergeResult:
    """The rows of version ``number``: ``current`` with ``checked`` laid over it."""
    fields = set(checked.file.fields)
    records = frame_records(normalise_rows(current)).values()
    by_id: dict[str, dict[str, Any]] = {str(r["id"]): r for r in records}
    order = list(by_id)
    ids = iter(_next_ids(set(by_id) | set(index.plan_ids)))
    result = MergeResult(rows=current)
    label = provenance_label(number)
    rows = frame_records(checked.values)
    for file_row, values in rows.items():
        project_id = str(values.get("id") or "")
        if not project_id:
            project_id = next(ids)
            result.assigned[int(file_row)] = project_id
        before = by_id.get(project_id)
        row = _merged_row(project_id, before, values, fields, index)
        changed = _track(row, before or {}, label)
        if before is None and project_id not in index.plan_ids:
            result.added.append(project_id)
        elif changed:
            result.updated.append(project_id)
        else:
            result.unchanged.append(project_id)
            continue
        if project_id not in by_id:
            order.append(project_id)
        by_id[project_id] = row
    result.rows = normalise_rows(pd.DataFrame([by_id[i] for i in order]))
    return result
