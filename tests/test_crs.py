"""GCJ-02 <-> WGS 84: reference values, round trips, the offset in Dezhou, frame helpers."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from geopandas.testing import assert_geodataframe_equal
from pyproj import CRS
from shapely.geometry import LineString, Point, Polygon

from dzgeo import settings
from dzgeo.crs import (
    INVERSE_TOLERANCE_DEG,
    METRIC_CRS,
    STORAGE_CRS,
    gcj02_to_wgs84,
    to_gcj02,
    to_wgs84_from_gcj02,
    transform_geometry,
    wgs84_to_gcj02,
)
from dzgeo.data.boundaries import read_city
from dzgeo.errors import DzgeoError

# (wgs lon, wgs lat, gcj lon, gcj lat) published as test values of two widely used
# implementations of the formula: googollee/eviltransform (python tests: Shanghai,
# Shenzhen, Beijing) and wandergis/coordtransform (test/app.js: Beijing).
REFERENCE = [
    (121.5272106, 31.1774276, 121.531541859215, 31.17530398364597),
    (113.912316, 22.543847, 113.9171764808363, 22.540796131694766),
    (116.377817, 39.911954, 116.38404722455657, 39.91334545536069),
    (116.404, 39.915, 116.41024449916938, 39.91640428150164),
]


def _dezhou_grid() -> tuple[np.ndarray, np.ndarray]:
    x0, y0, x1, y1 = settings.DEZHOU_BOUNDS
    lon, lat = np.meshgrid(np.linspace(x0, x1, 41), np.linspace(y0, y1, 37))
    return lon.ravel(), lat.ravel()


def test_metric_crs_covers_all_of_dezhou() -> None:
    """Lengths and areas are measured in METRIC_CRS: its zone must hold the whole city."""
    area = CRS(METRIC_CRS).area_of_use
    assert area is not None
    x0, y0, x1, y1 = settings.DEZHOU_BOUNDS
    assert area.west <= x0 and x1 <= area.east and area.south <= y0 and y1 <= area.north


@pytest.mark.parametrize(("wlon", "wlat", "glon", "glat"), REFERENCE)
def test_forward_matches_reference_values(wlon: float, wlat: float, glon: float, glat: float):
    lon, lat = wgs84_to_gcj02(wlon, wlat)
    assert float(lon) == pytest.approx(glon, abs=1e-9)
    assert float(lat) == pytest.approx(glat, abs=1e-9)


@pytest.mark.parametrize(("wlon", "wlat", "glon", "glat"), REFERENCE)
def test_inverse_matches_reference_values(wlon: float, wlat: float, glon: float, glat: float):
    lon, lat = gcj02_to_wgs84(glon, glat)
    assert float(lon) == pytest.approx(wlon, abs=1e-7)
    assert float(lat) == pytest.approx(wlat, abs=1e-7)


def test_offset_in_dezhou_is_about_500_m_east(city_path: Path) -> None:
    """Over Dezhou's outline GCJ-02 = WGS 84 + 0.0054…0.0064° lon (≈480–565 m east)
    and −0.0001…+0.0010° lat (≈ −6…+107 m north)."""
    xy = shapely.get_coordinates(read_city(city_path).geometry.iloc[0])
    lon, lat = xy[:, 0], xy[:, 1]
    glon, glat = wgs84_to_gcj02(lon, lat)
    dlon, dlat = glon - lon, glat - lat
    assert dlon.min() > 0.0053 and dlon.max() < 0.0065
    assert dlat.min() > -0.0002 and dlat.max() < 0.0011
    east_m = dlon * 111_320 * np.cos(np.radians(lat))
    assert east_m.min() > 470 and east_m.max() < 580, f"{east_m.min():.0f}–{east_m.max():.0f} m"


def test_round_trip_over_dezhou_and_china() -> None:
    lon, lat = _dezhou_grid()
    china_lon, china_lat = np.meshgrid(np.linspace(75, 134, 30), np.linspace(18, 53, 30))
    lon = np.concatenate([lon, china_lon.ravel()])
    lat = np.concatenate([lat, china_lat.ravel()])
    back_lon, back_lat = gcj02_to_wgs84(*wgs84_to_gcj02(lon, lat))
    err = np.maximum(np.abs(back_lon - lon), np.abs(back_lat - lat))
    assert err.max() < 1e-6
    assert err.max() < 2 * INVERSE_TOLERANCE_DEG


def test_shapes_scalars_and_inputs_untouched() -> None:
    lon = np.array([[116.3, 116.4], [117.0, 116.0]])
    lat = np.array([[37.4, 37.5], [37.7, 36.9]])
    before = lon.copy(), lat.copy()
    out_lon, out_lat = gcj02_to_wgs84(lon, lat)
    assert out_lon.shape == lat.shape == out_lat.shape
    np.testing.assert_array_equal(lon, before[0])
    np.testing.assert_array_equal(lat, before[1])
    assert np.shape(wgs84_to_gcj02(116.3, 37.4)[0]) == ()


def test_result_of_a_point_does_not_depend_on_its_batch() -> None:
    lon, lat = _dezhou_grid()
    glon, glat = wgs84_to_gcj02(lon, lat)
    batch = gcj02_to_wgs84(glon, glat)
    alone = gcj02_to_wgs84(glon[7], glat[7])
    assert (batch[0][7], batch[1][7]) == (alone[0], alone[1])


def test_outside_china_is_unchanged() -> None:
    lon, lat = wgs84_to_gcj02([2.35, -74.0], [48.85, 40.7])
    np.testing.assert_array_equal(lon, [2.35, -74.0])
    np.testing.assert_array_equal(lat, [48.85, 40.7])


def test_non_convergence_is_an_error() -> None:
    with pytest.raises(DzgeoError, match="did not converge"):
        gcj02_to_wgs84(116.3, 37.4, tolerance=0.0)


def test_transform_geometry_keeps_type_and_moves_every_vertex() -> None:
    poly = Polygon([(116.3, 37.4), (116.4, 37.4), (116.4, 37.5), (116.3, 37.4)])
    line = LineString([(116.3, 37.4), (116.5, 37.6)])
    for geom in (poly, line, Point(116.3, 37.4)):
        moved = transform_geometry(geom, wgs84_to_gcj02)
        assert moved.geom_type == geom.geom_type
        assert moved is not geom
        d = shapely.get_coordinates(moved) - shapely.get_coordinates(geom)
        assert (d[:, 0] > 0.005).all()
        back = transform_geometry(moved, gcj02_to_wgs84)
        assert shapely.equals_exact(back, geom, tolerance=1e-7)


def test_frame_helpers_return_new_frames() -> None:
    frame = gpd.GeoDataFrame(
        {"name": ["a", "b"]},
        geometry=[Point(116.3, 37.4), LineString([(116.3, 37.4), (116.6, 37.3)])],
        crs=STORAGE_CRS,
    )
    original = frame.copy()
    gcj = to_gcj02(frame)
    assert gcj is not frame and gcj.crs == frame.crs
    assert_geodataframe_equal(frame, original)
    first = gcj.geometry.iloc[0]
    assert isinstance(first, Point)
    assert first.x == pytest.approx(116.3 + 0.0058, abs=2e-4)
    back = to_wgs84_from_gcj02(gcj)
    assert back.geom_equals_exact(frame.geometry, tolerance=1e-7).all()
    series = to_gcj02(frame.geometry)
    assert isinstance(series, gpd.GeoSeries) and series.crs == frame.crs


def test_frame_helpers_refuse_missing_or_projected_crs() -> None:
    plain = gpd.GeoDataFrame(geometry=[Point(116.3, 37.4)])
    with pytest.raises(DzgeoError, match=r"no CRS .*set_crs\('EPSG:4326'\)"):
        to_gcj02(plain)
    metric = plain.set_crs(STORAGE_CRS).to_crs(METRIC_CRS)
    with pytest.raises(DzgeoError, match=r"EPSG:4548 .*to_crs\('EPSG:4326'\)"):
        to_wgs84_from_gcj02(metric)
