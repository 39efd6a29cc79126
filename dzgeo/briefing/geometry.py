"""The layers reprojected to EPSG:4548 for the briefing maps, and geometries drawn on axes."""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.path import Path as MplPath
from shapely.geometry import Polygon
from shapely.geometry.base import BaseGeometry

from dzgeo.data.published import Layers
from dzgeo.settings import METRIC_CRS


@dataclass(frozen=True)
class ProjectedLayers:
    """The layers in EPSG:4548 and the points the maps anchor things to."""

    counties: gpd.GeoDataFrame
    city: BaseGeometry
    corridors: gpd.GeoDataFrame
    routes: gpd.GeoDataFrame
    zones: gpd.GeoDataFrame
    points: dict[str, tuple[float, float]]
    label_points: dict[str, tuple[float, float]]
    place_kind: dict[str, str]
    short: dict[str, str]


_GEO_CACHE: dict[int, tuple[weakref.ref, ProjectedLayers]] = {}


def projected_layers(layers: Layers) -> ProjectedLayers:
    """The layers reprojected once per :class:`Layers` object (cached while it lives)."""
    hit = _GEO_CACHE.get(id(layers))
    if hit is not None and hit[0]() is layers:
        return hit[1]
    counties = layers.counties.to_crs(METRIC_CRS)
    places = layers.places
    if "lon" in places.columns:
        lon = pd.to_numeric(places["lon"], errors="coerce")
        lat = pd.to_numeric(places["lat"], errors="coerce")
    else:  # a places layer with point geometry
        lon, lat = places.geometry.x, places.geometry.y
    ok = lon.notna() & lat.notna()
    pts = gpd.GeoSeries.from_xy(lon[ok], lat[ok], crs="EPSG:4326").to_crs(METRIC_CRS)
    points = {
        name: (float(x), float(y))
        for name, x, y in zip(places.loc[ok, "name"], pts.x, pts.y, strict=True)
    }
    labels = gpd.GeoSeries.from_xy(
        counties["label_lon"].astype(float), counties["label_lat"].astype(float), crs="EPSG:4326"
    ).to_crs(METRIC_CRS)
    geo = ProjectedLayers(
        counties=counties,
        city=layers.city.to_crs(METRIC_CRS).union_all(),
        corridors=layers.corridors.to_crs(METRIC_CRS),
        routes=layers.routes.to_crs(METRIC_CRS),
        zones=layers.zones.to_crs(METRIC_CRS),
        points=points,
        label_points={
            n: (float(x), float(y))
            for n, x, y in zip(counties["name"], labels.x, labels.y, strict=True)
        },
        place_kind=dict(zip(places["name"], places["kind"], strict=True)),
        short=dict(zip(places["name"], places["short"], strict=True)),
    )
    if len(_GEO_CACHE) > 8:
        _GEO_CACHE.clear()
    _GEO_CACHE[id(layers)] = (weakref.ref(layers), geo)
    return geo


def _polygons(geom: BaseGeometry) -> list[Polygon]:
    return list(getattr(geom, "geoms", [geom]))


def draw_polygon(ax: Axes, geom: BaseGeometry, **kwargs: Any) -> list[Artist]:
    """Draw a (Multi)Polygon with holes as one compound path per part."""
    artists = []
    for part in _polygons(geom):
        if part.is_empty or part.geom_type != "Polygon":
            continue
        rings = [np.asarray(part.exterior.coords)] + [np.asarray(r.coords) for r in part.interiors]
        verts = np.concatenate(rings)
        codes = np.concatenate(
            [
                [MplPath.MOVETO] + [MplPath.LINETO] * (len(r) - 2) + [MplPath.CLOSEPOLY]
                for r in rings
            ]
        )
        patch = mpl.patches.PathPatch(MplPath(verts, codes), **kwargs)
        # add_artist, not add_patch: the limits are fixed, and updating them from
        # thousands of vertices is most of the drawing time.
        artists.append(ax.add_artist(patch))
    return artists


def draw_line(ax: Axes, geom: BaseGeometry, **kwargs: Any) -> list[Artist]:
    artists: list[Artist] = []
    for part in getattr(geom, "geoms", [geom]):
        xy = np.asarray(part.coords)
        artists += ax.plot(xy[:, 0], xy[:, 1], **kwargs)
    return artists
