"""Where the web map's labels go, and their HTML (every text from the data escaped).

A label is a ``[lat, lon, trusted HTML, CSS class]`` row for ``dzmap.labels``. County
labels hang under the county's place point, route labels sit along the line as far as
possible from the place points, zone labels at the zone's label point.
"""

from __future__ import annotations

from collections.abc import Mapping
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

_ZONE_SHORT = {
    "德州经济技术开发区": "经开区",
    "禹城国家高新技术产业开发区": "高新区（禹城）",
}


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


def _short_zone(row: Mapping[str, Any]) -> str:
    name = cell_text(row.get("name"))
    return _ZONE_SHORT.get(name, name)


def zone_labels(zones: gpd.GeoDataFrame) -> list[list[Any]]:
    """Labels of (already shifted) zones: short name and role, at each label point."""
    lat, lon = label_point(zones)
    points = gpd.points_from_xy(lon, lat)
    return [
        [
            round(pt.y, 5),
            round(pt.x, 5),
            f"<b>{esc(_short_zone(row))}</b><small>{esc(row.get('role'))}</small>",
            "dz-label-zone",
        ]
        for row, pt in zip(records(zones), points, strict=True)
    ]


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
    obstacles = place_points(layers, state.basemap)
    others = obstacles[: len(obstacles) // 2]  # the points themselves, not the drops
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
            cls = "dz-label-above" if _crowded_below(x, y, others) else "dz-label-below"
        else:
            y, x, cls = float(lat[i]), float(lon[i]), ""
        rows.append([round(y, 5), round(x, 5), f"<b>{esc(name)}</b><small>{sub}</small>", cls])
    return rows


def _crowded_below(x: float, y: float, points: np.ndarray) -> bool:
    """Whether another place point sits where a label below (x, y) would go."""
    dx = np.abs(points[:, 0] - x)
    dy = y - points[:, 1]
    return bool(((dx < 0.12) & (dy > 0.005) & (dy < 2.5 * LABEL_DROP_DEG)).any())
