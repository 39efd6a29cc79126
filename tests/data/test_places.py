"""Counties, city outline, places, zones, routes: the real files and every error path."""

from __future__ import annotations

import json
import subprocess
import sys
from itertools import combinations
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import Point, Polygon, mapping

from dzgeo.data.boundaries import read_city, read_counties
from dzgeo.data.features import read_routes, read_zones
from dzgeo.data.geojson import feature_collection_text
from dzgeo.data.places import read_places
from dzgeo.data.schema import INSIDE_MARGIN_M
from dzgeo.errors import DataFileNotFoundError, DataValidationError
from dzgeo.frames import rows
from dzgeo.settings import COUNTY_ADCODES, METRIC_CRS, OFFICIAL_AREA_KM2, REPO_ROOT

BUILT = ["counties.geojson", "counties_web.geojson", "city.geojson", "city_web.geojson"]


def _metric(frame: gpd.GeoDataFrame) -> np.ndarray:
    return np.asarray(frame.to_crs(METRIC_CRS).geometry.values)


def _overlap_and_gap_km2(counties: gpd.GeoDataFrame, city: gpd.GeoDataFrame) -> tuple[float, float]:
    geoms = _metric(counties)
    overlap = max(shapely.area(shapely.intersection(a, b)) for a, b in combinations(geoms, 2))
    union = shapely.union_all(geoms)
    holes = sum(Polygon(r).area for p in getattr(union, "geoms", [union]) for r in p.interiors)
    outline = _metric(city)[0]
    gap = max(holes, outline.area - union.area, shapely.area(outline.difference(union)))
    return overlap / 1e6, gap / 1e6


# ------------------------------------------------------------------------ counties


@pytest.mark.parametrize("web", [False, True])
def test_counties_are_the_eleven_valid_units(web: bool, places_path: Path) -> None:
    counties = read_counties(web=web)
    assert counties.crs == "EPSG:4326"
    assert list(counties["adcode"]) == list(COUNTY_ADCODES)
    assert counties.geometry.is_valid.all()
    assert set(counties.geom_type) == {"MultiPolygon"}
    table = pd.read_csv(places_path, dtype=str, keep_default_na=False)
    rows = table[table["kind"] == "county"]
    assert dict(zip(counties["adcode"], counties["name"], strict=True)) == dict(
        zip(rows["adcode"], rows["name"], strict=True)
    )
    assert set(counties["kind"]) == {"区", "县", "县级市"}


@pytest.mark.parametrize("web", [False, True])
def test_county_area_matches_the_official_area(web: bool) -> None:
    total = sum(shapely.area(_metric(read_counties(web=web)))) / 1e6
    assert abs(total - OFFICIAL_AREA_KM2) / OFFICIAL_AREA_KM2 < 0.01, f"{total:.1f} km²"


@pytest.mark.parametrize("web", [False, True])
def test_counties_neither_overlap_nor_leave_gaps(web: bool) -> None:
    overlap, gap = _overlap_and_gap_km2(read_counties(web=web), read_city(web=web))
    assert overlap < 0.01, f"largest overlap {overlap:.6f} km²"
    assert gap < 0.01, f"gap {gap:.6f} km²"
    assert shapely.coverage_is_valid(read_counties(web=web).geometry.values)


@pytest.mark.parametrize("web", [False, True])
def test_city_is_the_union_of_its_counties(web: bool) -> None:
    city = read_city(web=web)
    assert list(city["adcode"]) == ["371400"] and list(city["name"]) == ["德州市"]
    union = shapely.union_all(read_counties(web=web).geometry.values)
    assert city.geometry.iloc[0].symmetric_difference(union).area < 1e-12
    assert shapely.equals(city.geometry.iloc[0], union)


def test_web_version_is_smaller(
    counties_path: Path, counties_web_path: Path, city_path: Path, city_web_path: Path
) -> None:
    assert counties_web_path.stat().st_size < 0.6 * counties_path.stat().st_size
    assert city_web_path.stat().st_size < 0.6 * city_path.stat().st_size
    full = shapely.get_num_coordinates(read_counties(counties_path).geometry.values)
    web = shapely.get_num_coordinates(read_counties(counties_web_path).geometry.values)
    assert (web < full).all()


def test_build_script_reproduces_the_committed_files(tmp_path: Path, geodata_dir: Path) -> None:
    script = REPO_ROOT / "scripts" / "build_counties.py"
    done = subprocess.run(
        [sys.executable, str(script), "--outdir", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "coverage valid True" in done.stdout
    for name in BUILT:
        assert (tmp_path / name).read_bytes() == (geodata_dir / name).read_bytes(), name


def test_geojson_files_are_rfc7946(geodata_dir: Path) -> None:
    for name in [*BUILT, "zones.geojson", "routes.geojson"]:
        doc = json.loads((geodata_dir / name).read_text(encoding="utf-8"))
        assert "crs" not in doc
        for feature in doc["features"]:
            coords = shapely.get_coordinates(shapely.geometry.shape(feature["geometry"]))
            assert np.array_equal(coords, np.round(coords, 6)), name
        shells = [
            p.exterior
            for geom in gpd.read_file(geodata_dir / name).geometry
            for p in getattr(geom, "geoms", [geom])
            if p.geom_type == "Polygon"
        ]
        assert all(ring.is_ccw for ring in shells), name


# -------------------------------------------------------------------------- places


def test_every_place_has_a_point_in_its_county() -> None:
    places = read_places()
    counties = read_counties().set_index("adcode")
    outline = read_city().geometry.iloc[0]
    assert places.crs == "EPSG:4326"
    assert places["lon"].notna().all() and places["lat"].notna().all()
    assert (places["precision"] == "approximate").all() and (places["basis"] != "").all()
    for row in rows(places):
        area = outline if row.adcode == "371400" else counties.geometry.loc[row.adcode]
        assert area.contains(row.geometry), row.name
    zones = places.set_index("name")
    assert zones.loc["德州经济技术开发区", "adcode"] == "371402"
    assert zones.loc["禹城国家高新技术产业开发区", "adcode"] == "371482"


# --------------------------------------------------------------------------- zones


def test_zones_are_valid_inside_and_explained() -> None:
    zones = read_zones()
    outline = _metric(read_city())[0].buffer(INSIDE_MARGIN_M)
    assert zones.crs == "EPSG:4326"
    assert zones.geometry.is_valid.all()
    assert all(outline.contains(g) for g in _metric(zones))
    assert (zones["precision"] == "approximate").all()
    assert zones["basis"].str.len().min() > 10
    assert zones["id"].is_unique and zones["name"].is_unique
    names = set(read_places()["name"])
    assert set(zones["place"]) <= names


def test_lead_zones_follow_the_plan() -> None:
    zones = read_zones().set_index("name")
    lead = zones[zones["kind"] == "lead_zone"]
    assert set(lead.index) == {"德州经济技术开发区", "禹城国家高新技术产业开发区"}
    assert set(lead.geom_type) == {"Polygon"}
    jkq = lead.loc["德州经济技术开发区"]
    assert (jkq["role"], jkq["industries"]) == ("产业生态圈", "新能源|医养健康|新一代信息技术")
    gxq = lead.loc["禹城国家高新技术产业开发区"]
    assert (gxq["role"], gxq["industries"]) == ("创新生态圈", "医养健康|高端装备|新能源|新材料")
    assert set(lead["plan_section"]) == {"第二章第三节"}


def test_named_platforms_parks_and_districts_are_there() -> None:
    zones = read_zones().set_index("name")
    for name in [
        "运河经济开发区",
        "东部城区",
        "德州创新谷",
        "高新区（禹城）中央创新区",
        "齐河中关村海淀高新园区",
        "齐河特钢产业园",
        "齐河新能源汽车产业园",
        "临邑高端石化产业园",
    ]:
        assert name in zones.index, name
    assert zones.geometry.loc["运河经济开发区"].geom_type == "Polygon"
    assert zones.geometry.loc["东部城区"].geom_type == "Polygon"
    dev = zones[zones["kind"] == "dev_zone"]
    assert len(dev) == 10  # 运河 + one provincial zone for each county but 德城区 and 禹城市
    assert (zones["kind"] == "logistics_park").sum() >= 10


# -------------------------------------------------------------------------- routes


def test_routes_are_valid_inside_and_explained() -> None:
    routes = read_routes().set_index("id")
    assert routes.crs == "EPSG:4326"
    assert set(routes.index) == {
        "g3_jingtai",
        "jinghu_hsr",
        "debin_expressway",
        "deshang_expressway",
    }
    assert set(routes.geom_type) == {"LineString"}
    assert dict(routes["corridor"]) == {
        "g3_jingtai": "axis",
        "jinghu_hsr": "axis",
        "debin_expressway": "belt",
        "deshang_expressway": "belt",
    }
    outline = _metric(read_city())[0].buffer(INSIDE_MARGIN_M)
    assert all(outline.contains(g) for g in _metric(routes.reset_index()))
    assert (routes["precision"] == "approximate").all()
    assert routes["basis"].str.len().min() > 40
    assert "德州东站" in str(routes.loc["jinghu_hsr", "waypoints"]).split("|")
    lengths = routes.reset_index().to_crs(METRIC_CRS).length / 1000
    assert lengths.between(60, 200).all(), list(lengths)


def test_committed_corridors_name_existing_routes(geodata_dir: Path) -> None:
    corridors = geodata_dir / "corridors.csv"
    if not corridors.is_file():
        pytest.skip("corridors.csv is written by the catalogue")
    table = pd.read_csv(corridors, dtype=str, keep_default_na=False)
    ids = set(read_routes()["id"])
    for cell in table["routes"]:
        assert set(cell.split("|")) <= ids


# ---------------------------------------------------------------- the GeoJSON writer


def test_feature_collection_text_is_stable_and_rfc7946() -> None:
    cw = Polygon([(116.3, 37.4), (116.3, 37.5), (116.4, 37.5), (116.3, 37.4)])
    assert not cw.exterior.is_ccw
    text = feature_collection_text([{"name": "甲"}], [cw])
    assert text == feature_collection_text([{"name": "甲"}], [cw])
    assert text.endswith("]}\n") and "甲" in text
    polygon = shapely.geometry.shape(json.loads(text)["features"][0]["geometry"])
    assert isinstance(polygon, shapely.Polygon)
    shell = polygon.exterior
    assert shell.is_ccw
    with pytest.raises(ValueError, match="one of each per feature"):
        feature_collection_text([{"a": 1}], [])


# --------------------------------------------------------------------- error paths


def _write(path: Path, features: list[dict], **extra: object) -> Path:
    doc = {"type": "FeatureCollection", **extra, "features": features}
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def _zone(**props: object) -> dict:
    base = {
        "id": "z1",
        "name": "测试园",
        "kind": "park",
        "place": "齐河县",
        "role": "",
        "industries": "",
        "precision": "approximate",
        "basis": "测试",
        "plan_section": "第二章第二节",
    }
    geometry = props.pop("geometry", mapping(Point(116.76, 36.80)))
    return {"type": "Feature", "properties": {**base, **props}, "geometry": geometry}


def test_missing_file_names_the_path_and_the_fix(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.geojson"
    with pytest.raises(DataFileNotFoundError, match=r"nowhere\.geojson.*not found — restore"):
        read_zones(missing)
    with pytest.raises(FileNotFoundError, match=r"places\.csv"):
        read_places(tmp_path / "places.csv")


def test_missing_field_is_reported(tmp_path: Path) -> None:
    feature = _zone()
    del feature["properties"]["basis"]
    path = _write(tmp_path / "zones.geojson", [feature])
    with pytest.raises(
        DataValidationError, match=r"feature 1 \(z1 测试园\): missing field\(s\) basis"
    ):
        read_zones(path)


def test_invalid_geometry_is_explained(tmp_path: Path) -> None:
    bowtie = Polygon([(116.7, 36.8), (116.8, 36.9), (116.8, 36.8), (116.7, 36.9), (116.7, 36.8)])
    path = _write(tmp_path / "zones.geojson", [_zone(geometry=mapping(bowtie))])
    with pytest.raises(DataValidationError, match=r"invalid geometry: Self-intersection\["):
        read_zones(path)


def test_projected_coordinates_are_refused(tmp_path: Path) -> None:
    point = mapping(Point(500000.0, 4100000.0))
    path = _write(tmp_path / "zones.geojson", [_zone(geometry=point)])
    with pytest.raises(DataValidationError, match=r"look projected .*to_crs\('EPSG:4326'\)"):
        read_zones(path)


def test_declared_projected_crs_is_refused(tmp_path: Path) -> None:
    crs = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::4548"}}
    path = _write(tmp_path / "zones.geojson", [_zone()], crs=crs)
    with pytest.raises(DataValidationError, match=r"crs: declares CRS .*4548, not WGS 84"):
        read_zones(path)
    ok = {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}}
    assert len(read_zones(_write(tmp_path / "ok.geojson", [_zone()], crs=ok))) == 1


def test_unknown_place_and_outside_feature_are_reported(tmp_path: Path) -> None:
    far = mapping(Point(117.0, 36.0))  # south of the Yellow River, in 济南/泰安
    path = _write(tmp_path / "zones.geojson", [_zone(place="齐河"), _zone(id="z2", geometry=far)])
    with pytest.raises(DataValidationError) as info:
        read_zones(path)
    text = str(info.value)
    assert "feature 1 (z1 测试园): place '齐河' is not in places.csv" in text
    assert "feature 2 (z2 测试园): lies outside Dezhou" in text
    assert "name '测试园' repeats feature 1" in text
    assert len(info.value.problems) == 3


def test_bad_enumerations_are_all_reported(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "zones.geojson",
        [_zone(kind="zone", precision="exact", basis="", plan_section="")],
    )
    with pytest.raises(DataValidationError) as info:
        read_zones(path)
    messages = [p.message for p in info.value.problems]
    assert any("kind 'zone' is not one of lead_zone" in m for m in messages)
    assert any("precision 'exact'" in m for m in messages)
    assert any("plan_section is empty" in m for m in messages)


def test_route_problems(tmp_path: Path) -> None:
    feature = {
        "type": "Feature",
        "properties": {
            "id": "x",
            "name": "测试线",
            "kind": "railway",
            "corridor": "axis",
            "waypoints": "德州东站",
            "precision": "approximate",
            "basis": "",
        },
        "geometry": mapping(Point(116.4, 37.4)),
    }
    path = _write(tmp_path / "routes.geojson", [feature])
    with pytest.raises(DataValidationError) as info:
        read_routes(path)
    text = str(info.value)
    assert "kind 'railway' is not one of expressway, high_speed_rail" in text
    assert "geometry is a Point, expected LineString" in text
    assert "fewer than 2 waypoints" in text
    assert "approximate but has no basis" in text


def test_place_rows_count_the_header_as_row_1(tmp_path: Path, places_path: Path) -> None:
    lines = places_path.read_text(encoding="utf-8").splitlines()
    # row 3 = the second data row (中心城区); move 宁津县 (row 6) into 乐陵市.
    lines[2] = lines[2].replace(",area,371400,", ",area,371402,")
    lines[5] = lines[5].replace("116.800,37.652", "117.232,37.730")
    path = tmp_path / "places.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataValidationError) as info:
        read_places(path)
    text = str(info.value)
    assert "row 3 (中心城区): kind area has adcode '371402'" in text
    assert "row 6 (宁津县): point (117.232, 37.73) is not inside 371422" in text


def test_county_file_problems(tmp_path: Path, counties_path: Path) -> None:
    doc = json.loads(counties_path.read_text(encoding="utf-8"))
    doc["features"][1]["properties"]["adcode"] = "371402"
    doc["features"][2]["properties"]["kind"] = "州"
    path = tmp_path / "counties.geojson"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(DataValidationError) as info:
        read_counties(path)
    text = str(info.value)
    assert "adcode '371402' repeats feature 1" in text
    assert "kind '州' is not one of 区, 县, 县级市" in text
