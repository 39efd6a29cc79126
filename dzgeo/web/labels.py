"""Where the web map's labels go, and their HTML (every text from the data escaped).

A label is a ``[lat, lon, trusted HTML, CSS class]`` row for ``dzmap.labels``: an anchor
and a kind (``dz-label-county``, ``-anchor``, ``-zone``, ``-route``). The browser places
each label around its anchor clear of the others, the clusters and the controls, in that
priority order (``static/dzgeo/dzlabels.js``). County labels are anchored at the county's
place point, route labels along the line as far as possible from the place points, zone
labels at the zone's label point.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import LineString, MultiLineString

from dzgeo.counting import CITY_LEVEL
from dzgeo.crs import wgs84_to_gcj02
from dzgeo.data.published import Layers
from dzgeo.filters import ViewState
from dzgeo.frames import records
from dzgeo.vocabulary import split_multi
from dzgeo.web.overlays import shifted
from dzgeo.web.popups import cell_text, esc

#: Roughly how far (degrees of latitude) a label below a place point reaches.
LABEL_DROP_DEG = 0.06


def label_point(frame: gpd.GeoDataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Label lat/lon per row: label_lon/label_lat when present, else a point inside."""
    pts = frame.geometry.representative_point()
    lon, lat = pts.x.to_numpy(), pts.y.to_numpy()
    if {"label_lon", "label_lat"} <= set(frame.columns):
        given_lon = pd.to_numeric(frame["label_lon"], errors="coerce").to_numpy(dtype=float)
        given_lat = pd.to_numeric(frame["label_lat"], errors="coerce").to_numpy(dtype=float)
        ok = np.isfinite(given_lon) & np.isfinite(given_lat)
        lon, lat = np.where(ok, given_lon, lon), np.where(ok, given_lat, lat)
    return lat, lon


def place_points(layers: Layers, basemap: str) -> np.ndarray:
    """(lon, lat) of every place point (where projects and labels sit), as an (n, 2) array,
    followed by the spots just below them where their labels hang."""
    lon = pd.to_numeric(layers.places["lon"], errors="coerce")
    lat = pd.to_numeric(layers.places["lat"], errors="coerce")
    ok = (lon.notna() & lat.notna()).to_numpy()
    points = gpd.GeoDataFrame(
        geometry=gpd.points_from_xy(lon[ok], lat[ok]), crs=layers.routes.crs or "EPSG:4326"
    )
    xy = shapely.get_coordinates(shifted(points, basemap).geometry.values)
    # labels hang below place points: keep route labels off them too
    return np.vstack([xy, xy - [0.0, LABEL_DROP_DEG]])


def _label_spot(
    line: LineString | MultiLineString | None, obstacles: np.ndarray
) -> shapely.Point | None:
    """The point along ``line`` (10–90 %) farthest from every obstacle point."""
    if line is None or line.is_empty:
        return None
    candidates = shapely.line_interpolate_point(line, np.linspace(0.1, 0.9, 33), normalized=True)
    xy = shapely.get_coordinates(candidates)
    if not len(obstacles):
        return candidates[len(candidates) // 2]
    dist = np.sqrt(((xy[:, None, :] - obstacles[None, :, :]) ** 2).sum(axis=2)).min(axis=1)
    return candidates[int(np.argmax(dist))]


def route_labels(routes: gpd.GeoDataFrame, obstacles: np.ndarray) -> list[list[Any]]:
    """One label per route, each kept off the ``obstacles`` and the labels before it."""
    labels = []
    for row in records(routes):
        point = _label_spot(row["geometry"], obstacles)
        if point is not None:
            obstacles = np.vstack([obstacles, [[point.x, point.y]]])
            name = f"<b>{esc(row.get('name'))}</b>"
            labels.append([round(point.y, 5), round(point.x, 5), name, "dz-label-route"])
    return labels


def zone_labels(
    zones: gpd.GeoDataFrame,
    priorities: Mapping[str, Sequence[str]] | None = None,
    shorts: Mapping[str, str] | None = None,
) -> list[list[Any]]:
    """Labels of (already shifted) zones at each label point: the 双区 by their short name
    (``shorts``: places.csv name -> short) with their role and industries, the other zones
    named in ``priorities`` (place -> 多点突破 priority terms, e.g. 运河经济开发区) with
    those priorities; other zones get no label."""
    lat, lon = label_point(zones)
    points = gpd.points_from_xy(lon, lat)
    priorities = priorities or {}
    rows = []
    for row, pt in zip(records(zones), points, strict=True):
        name = cell_text(row.get("name"))
        if row.get("kind") == "lead_zone":
            head = f"{(shorts or {}).get(name) or name} {cell_text(row.get('role'))}"
            sub = " · ".join(split_multi(row.get("industries")))
        elif priorities.get(name):
            head, sub = name, " · ".join(priorities[name])
        else:
            continue
        html = f"<b>{esc(head)}</b><small>{esc(sub)}</small>"
        rows.append([round(pt.y, 5), round(pt.x, 5), html, "dz-label-zone"])
    return rows


def priority_terms(priorities: pd.DataFrame) -> dict[str, list[str]]:
    """Place -> its 多点突破 priority terms in the plan's order (priorities.csv)."""
    ordered = priorities.sort_values(["place", "rank"], kind="stable")
    out: dict[str, list[str]] = {}
    for place, term in zip(ordered["place"], ordered["term"], strict=True):
        out.setdefault(str(place), []).append(str(term))
    return out


def anchor_label(anchor: tuple[float, float], n_city: int) -> list[Any]:
    """The label of the spot (lon, lat) where the city-level projects are drawn."""
    label = f"<b>{CITY_LEVEL} {n_city} 个</b><small>未落到县市区，不计入区县</small>"
    return [anchor[1], anchor[0], label, "dz-label-anchor"]


def county_labels(
    layers: Layers,
    counties: gpd.GeoDataFrame,
    per_county: Mapping[str, Mapping[str, int]],
    state: ViewState,
) -> list[list[Any]]:
    """County labels: under the county's place point (where its projects cluster) when
    that point lies inside the county, else at the county's label point."""
    lat, lon = label_point(counties)
    places = layers.places.set_index("name")
    seat_lon = pd.to_numeric(counties["name"].map(places["lon"]), errors="coerce").to_numpy(
        dtype=float, copy=True
    )
    seat_lat = pd.to_numeric(counties["name"].map(places["lat"]), errors="coerce").to_numpy(
        dtype=float, copy=True
    )
    known = np.isfinite(seat_lon) & np.isfinite(seat_lat)
    if state.basemap == "amap" and known.any():
        seat_lon[known], seat_lat[known] = wgs84_to_gcj02(seat_lon[known], seat_lat[known])
    inside = known & shapely.contains_xy(
        counties.geometry.values, np.nan_to_num(seat_lon), np.nan_to_num(seat_lat)
    )
    names = counties["name"].astype(str).tolist()
    adcodes = counties["adcode"].astype(str).tolist()
    terms = counties["priority_terms"].tolist()
    rows = []
    for i, name in enumerate(names):
        if state.view == "项目":
            sub = f"{int(per_county.get(adcodes[i], {}).get('', 0))} 个项目"
        else:
            sub = esc(" · ".join(split_multi(terms[i])))
        if inside[i]:
            y, x = float(seat_lat[i]), float(seat_lon[i])
        else:
            y, x = float(lat[i]), float(lon[i])
        html = f"<b>{esc(name)}</b><small>{sub}</small>"
        # placed in the browser, clear of clusters and other labels (static/dzgeo/dzlabels.js)
        rows.append([round(y, 5), round(x, 5), html, "dz-label-county"])
    return rows
