"""A current-ledger-version frame made from the published projects, with known values.

What :func:`dzgeo.ledger.current.current_projects` returns has the published project
fields plus the ledger's; this builds one by hand so the readers (filters, tables, maps)
are tested on values worked out in the test, independent of the store.
"""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import shapely

from dzgeo.ledger.fields import LEDGER_FIELDS, STATUSES

#: Rows 0..FILLED-1 have ledger values; the rest are as the plan has them.
FILLED = 60
#: Rows 0..SITED-1 have a site: SITE_LON + k / 100, SITE_LAT.
SITED = 5
SITE_LON, SITE_LAT = 116.2, 37.2


def ledger_frame(projects: gpd.GeoDataFrame, version: int = 1) -> gpd.GeoDataFrame:
    """The published ``projects`` with ledger fields.

    Row k < FILLED: status STATUSES[k % 6], start 2018 + k % 5, finish start + 2 for the
    finished statuses (竣工, 投产), investment k 亿元; rows k < SITED sit at their site.
    """
    frame = projects.copy()
    for column in LEDGER_FIELDS:
        frame[column] = None
    idx = frame.index[:FILLED]
    k = np.arange(FILLED)
    frame.loc[idx, "status"] = [STATUSES[i % 6] for i in k]
    frame.loc[idx, "start_year"] = 2018 + k % 5
    finished = [STATUSES[i % 6] in ("竣工", "投产") for i in k]
    frame.loc[idx, "finish_year"] = np.where(finished, 2018 + k % 5 + 2, np.nan)
    frame.loc[idx, "investment_total"] = k.astype(float)
    provenance = json.dumps(
        {f: f"台账 v{version}" for f in ("status", "start_year", "investment_total")},
        ensure_ascii=False,
    )
    frame.loc[idx, "provenance"] = provenance
    frame["located_by"] = np.where(frame["located"] == "city", "无（全市层面）", "规划地点")
    sited = frame.index[:SITED]
    frame.loc[sited, "located_by"] = "台账坐标"
    frame.loc[sited, "site_lon"] = SITE_LON + np.arange(SITED) / 100
    frame.loc[sited, "site_lat"] = SITE_LAT
    geometry = frame.geometry.copy()
    sites = [shapely.Point(SITE_LON + i / 100, SITE_LAT) for i in range(SITED)]
    geometry.loc[sited] = gpd.GeoSeries(sites, index=sited, crs=geometry.crs)
    frame = frame.set_geometry(geometry)
    frame["origin"] = "规划"
    frame["ledger_version"] = version
    return frame
