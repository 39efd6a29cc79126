"""The projects as a ledger version says: the plan's projects with the ledger's fields.

One pure function (:func:`compose_projects`) joins the published projects with a version's
ledger rows; :func:`current_projects` reads both and calls it. The result has the
published project fields plus :data:`~dzgeo.ledger.fields.LEDGER_FIELDS`, in EPSG:4326,
one row per project: the 272 plan projects in plan order, then the projects the ledger
added, in the order they were added.
"""

from __future__ import annotations

import functools
from pathlib import Path

import geopandas as gpd
import pandas as pd

from dzgeo.data.published import PROJECT_FIELDS
from dzgeo.ledger.fields import (
    LEDGER_FIELDS,
    LOCATED_BY_NONE,
    LOCATED_BY_PLAN,
    ORIGIN_LEDGER,
    ORIGIN_PLAN,
)
from dzgeo.ledger.store import LedgerStore, empty_rows, normalise_rows, open_store
from dzgeo.settings import LAYERS_DIR, STORAGE_CRS

__all__ = ["PROJECT_COLUMNS", "compose_projects", "current_projects", "plan_projects"]

#: Columns of :func:`current_projects`, before ``geometry``.
PROJECT_COLUMNS = (*PROJECT_FIELDS, *LEDGER_FIELDS)
_LEDGER_ROW_FIELDS = tuple(f for f in LEDGER_FIELDS if f != "ledger_version")


@functools.lru_cache(maxsize=4)
def _read_plan(path: str, _mtime: float) -> gpd.GeoDataFrame:
    frame = gpd.read_file(path, engine="pyogrio")
    for column in PROJECT_FIELDS:
        frame[column] = frame[column].fillna("").astype(str) if column in frame else ""
    return frame[[*PROJECT_FIELDS, "geometry"]]


def plan_projects(layers_dir: str | Path = LAYERS_DIR) -> gpd.GeoDataFrame:
    """The published plan projects (layers/projects.geojson), read once per file version."""
    path = Path(layers_dir) / "projects.geojson"
    if not path.is_file():
        from dzgeo.errors import DataFileNotFoundError

        raise DataFileNotFoundError(
            f"{path}: 找不到发布图层 (missing published layer) — 请先运行 `dzgeo build`"
        )
    return _read_plan(str(path), path.stat().st_mtime).copy()


def compose_projects(plan: gpd.GeoDataFrame, rows: pd.DataFrame, version: int) -> gpd.GeoDataFrame:
    """The projects of a ledger version: ``plan`` with ``rows`` laid over it.

    A plan project's published fields stay the plan's; its ledger fields and, when the
    ledger placed it (site or township), its point come from its ledger row. A ledger row
    whose ``id`` is not in the plan is a project the ledger added and brings all its
    fields. Neither input is modified.
    """
    rows = normalise_rows(rows) if len(rows) else empty_rows()
    plan_ids = plan["id"].astype(str)
    in_plan = rows["id"].isin(set(plan_ids))
    ledger = rows.loc[in_plan].set_index("id")

    base = pd.DataFrame({c: plan[c].astype(str).to_numpy() for c in PROJECT_FIELDS})
    joined = ledger.reindex(plan_ids.to_numpy())
    for column in _LEDGER_ROW_FIELDS:
        base[column] = joined[column].to_numpy()
    base = normalise_rows(base.assign(geometry=joined["geometry"].to_numpy()))
    base = base.drop(columns="geometry")
    placed = joined["geometry"].notna().to_numpy()
    geometry = [
        row_geom if has_row else plan_geom
        for row_geom, plan_geom, has_row in zip(
            joined["geometry"].tolist(), plan.geometry.tolist(), placed, strict=True
        )
    ]
    base.loc[~placed, "located_by"] = [
        LOCATED_BY_NONE if located == "city" else LOCATED_BY_PLAN
        for located in base.loc[~placed, "located"]
    ]
    base["origin"] = ORIGIN_PLAN

    added = rows.loc[~in_plan].reset_index(drop=True)
    added_geometry = added["geometry"].tolist()
    added = added.drop(columns="geometry")
    added["origin"] = ORIGIN_LEDGER

    frame = pd.concat([base, added], ignore_index=True) if len(added) else base
    frame["provenance"] = frame["provenance"].replace("", "{}")
    frame["ledger_version"] = int(version)
    frame = frame[list(PROJECT_COLUMNS)]
    out = gpd.GeoDataFrame(
        frame, geometry=gpd.GeoSeries(geometry + added_geometry, crs=STORAGE_CRS)
    )
    out.attrs["ledger_version"] = int(version)
    return out


def current_projects(
    store: LedgerStore | None = None,
    *,
    version: int | None = None,
    plan: gpd.GeoDataFrame | None = None,
) -> gpd.GeoDataFrame:
    """The projects of the current ledger version (or of ``version``), EPSG:4326.

    ``store`` defaults to :func:`~dzgeo.ledger.store.open_store` (DZGEO_STORE); ``plan``
    to the published projects. The version read is in every row's ``ledger_version``
    and in ``.attrs["ledger_version"]``.
    """
    plan = plan_projects() if plan is None else plan
    if store is None:
        with open_store() as opened:
            number, rows = opened.rows(version)
    else:
        number, rows = store.rows(version)
    return compose_projects(plan, rows, number)
