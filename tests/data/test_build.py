"""The published layers: rebuilt from geodata/, they match the committed layers/ byte for byte."""

from __future__ import annotations

import filecmp
import json
from pathlib import Path

import geopandas as gpd
import pytest

from dzgeo.cli import main
from dzgeo.data.build import build_layers, load_geodata, write_layers
from dzgeo.data.published import read_layers
from dzgeo.settings import LAYERS_DIR


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    outdir = tmp_path_factory.mktemp("layers")
    assert main(["build", "--outdir", str(outdir)]) == 0
    return outdir


def test_build_is_deterministic(built: Path, tmp_path: Path) -> None:
    write_layers(build_layers(load_geodata()), tmp_path)
    names = sorted(p.name for p in built.iterdir())
    assert names == sorted(p.name for p in tmp_path.iterdir())
    _, mismatch, errors = filecmp.cmpfiles(built, tmp_path, names, shallow=False)
    assert mismatch == [] and errors == []


def test_committed_layers_are_current(built: Path) -> None:
    names = sorted(p.name for p in built.iterdir())
    _, mismatch, errors = filecmp.cmpfiles(built, LAYERS_DIR, names, shallow=False)
    assert mismatch == [] and errors == [], "layers/ is stale: run `dzgeo build` and commit"


def test_published_fields(built: Path) -> None:
    layers = read_layers(built)
    assert len(layers.counties) == 11
    assert {"adcode", "name", "priority_terms", "in_axis", "in_belt", "projects_total"} <= set(
        layers.counties.columns
    )
    for slug in layers.industries["slug"]:
        assert f"projects_{slug}" in layers.counties.columns
    assert {"id", "name", "industry", "subfield", "place", "place_source", "enterprise"} <= set(
        layers.projects.columns
    )
    assert set(layers.projects["place_source"]) <= {"stated", "inferred", "unplaced"}
    assert layers.projects["id"].is_unique
    assert set(layers.corridors["id"]) == {"axis", "belt"}
    assert (layers.corridors["precision"] == "approximate").all()


def test_county_joins_agree_with_projects(built: Path) -> None:
    layers = read_layers(built)
    counties = layers.counties.set_index("name")
    # 中心城区 belongs to both corridors, so its counties are in the axis and the belt.
    assert counties.loc["德城区", "in_axis"] and counties.loc["德城区", "in_belt"]
    assert counties.loc["齐河县", "in_axis"] and not counties.loc["齐河县", "in_belt"]
    assert counties.loc["夏津县", "in_belt"] and not counties.loc["夏津县", "in_axis"]
    assert str(counties.loc["乐陵市", "priority_terms"]).split("|") == ["新能源汽车", "体育装备"]
    for county in layers.counties.itertuples():
        here = layers.projects["counties"].str.split("|").map(lambda c, a=county.adcode: a in c)
        assert county.projects_total == int(here.sum())
    total = sum(layers.industries["projects"])
    assert total == len(layers.projects)


def test_geopackage_holds_every_geo_layer(built: Path) -> None:
    import pyogrio

    names = {name for name, _ in pyogrio.list_layers(built / "dezhou-plan.gpkg")}
    assert names == {"city", "counties", "zones", "corridors", "routes", "projects"}
    projects = gpd.read_file(built / "dezhou-plan.gpkg", layer="projects")
    assert projects.crs == "EPSG:4326"
    assert len(projects) == len(read_layers(built).projects)


def test_geojson_is_rfc7946_wgs84(built: Path) -> None:
    data = json.loads((built / "counties.geojson").read_text(encoding="utf-8"))
    assert "crs" not in data  # RFC 7946: WGS 84 implied
    lon, lat = data["features"][0]["geometry"]["coordinates"][0][0][0]
    assert 115 < lon < 118 and 36 < lat < 39


def test_failed_build_leaves_layers_untouched(tmp_path: Path) -> None:
    broken = tmp_path / "geodata"
    broken.mkdir()
    for path in Path(LAYERS_DIR.parent / "geodata").iterdir():
        if path.is_file():
            (broken / path.name).write_bytes(path.read_bytes())
    text = (broken / "projects.csv").read_text(encoding="utf-8")
    (broken / "projects.csv").write_text(text.replace(",新能源,", ",新能源X,", 1), "utf-8")
    out = tmp_path / "layers"
    out.mkdir()
    (out / "keep.txt").write_text("previous build", encoding="utf-8")
    assert main(["build", "--geodata", str(broken), "--outdir", str(out)]) == 2
    assert [p.name for p in out.iterdir()] == ["keep.txt"]


def test_build_refuses_a_corridor_naming_an_unknown_route(tmp_path: Path, capsys) -> None:
    source = tmp_path / "geodata"
    source.mkdir()
    for path in Path(LAYERS_DIR.parent / "geodata").iterdir():
        if path.is_file():
            (source / path.name).write_bytes(path.read_bytes())
    text = (source / "corridors.csv").read_text(encoding="utf-8")
    assert "|debin_expressway|" not in text and "debin_expressway" in text
    (source / "corridors.csv").write_text(
        text.replace("debin_expressway", "debin_expresway", 1), "utf-8"
    )
    out = tmp_path / "layers"
    assert main(["build", "--geodata", str(source), "--outdir", str(out)]) == 2
    err = capsys.readouterr().err
    assert "corridors.csv" in err and "第 3 行 routes 列" in err
    assert "未知线路 id“debin_expresway”" in err and "debin_expressway" in err
    assert not out.exists() or not any(out.iterdir())
