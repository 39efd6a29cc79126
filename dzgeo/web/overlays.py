"""The web map as plain data: overlays made of calls into ``dzmap.js`` with JSON text.

An :class:`Overlay` (one feature group in the layer control) holds :class:`Part` s, each
one ``dzmap.<kind>(payload, options)`` call whose arguments are JSON text made safe for
a ``<script>`` and a folium template by :func:`script_json`. The GeoJSON parts round
geometries to :data:`MAP_DECIMALS`; :func:`shifted` puts a frame in the basemap's datum.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import geopandas as gpd
import numpy as np
import shapely

from dzgeo.crs import to_gcj02

#: Decimals of a degree kept in map geometry (5 ≈ 1 m: finer than a pixel at zoom 16).
MAP_DECIMALS = 5


@dataclass(frozen=True)
class Part:
    """One call into ``dzmap.js``: ``dzmap.<kind>(payload, options)``; both JSON text."""

    kind: Literal["store", "geo", "labels", "projects", "legend"]
    payload: str
    options: str = "{}"


@dataclass(frozen=True)
class Overlay:
    """A named map layer (one feature group in the layer control) made of parts."""

    name: str
    parts: tuple[Part, ...]
    show: bool = True
    control: bool = True


@dataclass(frozen=True)
class BaseLayers:
    """The filter-independent half of the map, for one basemap."""

    basemap: str
    bounds: tuple[tuple[float, float], tuple[float, float]]
    overlays: tuple[Overlay, ...]


@dataclass(frozen=True)
class ViewLayers:
    """The half of the map that follows the view state."""

    token: str
    n_projects: int
    overlays: tuple[Overlay, ...]


_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')


def script_json(value: Any) -> str:
    """JSON text safe inside an HTML ``<script>`` element and a folium (Jinja) template.

    ``<``, ``>``, ``&`` and ``'`` only occur inside JSON strings, so replacing them with
    ``\\u`` escapes keeps the value and stops any ``</script>`` break-out. Braces inside
    strings are escaped too, so that data can never open a Jinja ``{{ }}``/``{% %}``
    block when folium renders the page (structural JSON never writes ``{{``).
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for char in "<>&'\u2028\u2029":
        text = text.replace(char, f"\\u{ord(char):04x}")
    if "{" in text[1:-1] or "}" in text[1:-1]:
        text = _JSON_STRING.sub(
            lambda m: m.group(0).replace("{", "\\u007b").replace("}", "\\u007d"), text
        )
    return text


def shifted(frame: gpd.GeoDataFrame, basemap: str) -> gpd.GeoDataFrame:
    """``frame`` in the basemap's datum: GCJ-02 for 高德, WGS 84 otherwise."""
    return to_gcj02(frame) if basemap == "amap" and len(frame) else frame


def features(frame: gpd.GeoDataFrame, props: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """A FeatureCollection of ``frame``'s geometries (rounded) with ``props``."""
    feats = []
    for geom, prop in zip(frame.geometry.values, props, strict=True):
        if geom is None or geom.is_empty:
            continue
        rounded = shapely.transform(geom, lambda xy: np.round(xy, MAP_DECIMALS))
        feats.append(
            {"type": "Feature", "properties": prop, "geometry": shapely.geometry.mapping(rounded)}
        )
    return {"type": "FeatureCollection", "features": feats}


def geo_part(frame: gpd.GeoDataFrame, props: Sequence[dict[str, Any]], **options: Any) -> Part:
    """A GeoJSON layer of ``frame`` with per-feature ``props`` (style, tooltip, popup)."""
    return Part("geo", script_json(features(frame, props)), script_json(options))


def store_part(name: str, frame: gpd.GeoDataFrame) -> Part:
    """Keep ``frame``'s geometries in the page under ``name`` (see :func:`geo_ref_part`)."""
    geoms = [feature["geometry"] for feature in features(frame, [{}] * len(frame))["features"]]
    return Part("store", script_json(geoms), script_json({"name": name}))


def geo_ref_part(name: str, props: Sequence[dict[str, Any]], **options: Any) -> Part:
    """A GeoJSON layer over geometries stored by the base map, so that a view change
    sends only styles and texts, not the county outlines again."""
    return Part("geo", script_json({"ref": name, "props": list(props)}), script_json(options))


def labels_part(rows: Sequence[Sequence[Any]]) -> Part:
    """Map labels: ``[lat, lon, trusted HTML, CSS class]`` rows."""
    return Part("labels", script_json(rows))
