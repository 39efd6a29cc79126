"""The web map on the current ledger version: sites, ledger fields, the year slider."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest
import shapely
from _ledger_frame import FILLED, SITE_LAT, SITE_LON, SITED, ledger_frame

from dzgeo.data.published import Layers
from dzgeo.filters import ProjectFilter, ViewState
from dzgeo.ledger.conditions import year_stage
from dzgeo.web import views as webmap
from dzgeo.web.projects import COORD_STEP, project_payload


@pytest.fixture(scope="module")
def current(layers: Layers) -> Layers:
    return dataclasses.replace(layers, projects=ledger_frame(layers.projects, version=3))


def _legend(view: webmap.ViewLayers) -> str:
    part = next(p for o in view.overlays for p in o.parts if p.kind == "legend")
    return json.loads(part.payload)


def test_payload_draws_sites_and_sends_the_ledger_fields(current):
    data = project_payload(current.projects)
    lon = data["x0"] + np.array(data["x"][:SITED]) * COORD_STEP
    lat = data["y0"] + np.array(data["y"][:SITED]) * COORD_STEP
    np.testing.assert_allclose(lon, SITE_LON + np.arange(SITED) / 100, atol=1e-5)
    np.testing.assert_allclose(lat, SITE_LAT, atol=1e-5)
    assert data["ver"] == 3
    assert [data["sta"][c] for c in data["st"][:3]] == ["谋划", "前期", "在建"]
    assert data["lby"][data["lb"][0]] == "台账坐标"
    assert data["lby"][data["lb"][SITED]] in ("规划地点", "无（全市层面）")
    assert json.loads(data["prv"][data["pv"][0]])["status"] == "台账 v3"
    assert data["y1"][0] == 2018 and data["y1"][FILLED] is None
    assert data["iv"][7] == 7.0
    assert "g" not in data


def test_published_layer_payload_has_no_ledger_keys(layers):
    data = project_payload(layers.projects)
    assert not {"st", "sta", "ver", "g"} & set(data)


def test_year_sends_each_projects_stage(current):
    data = project_payload(current.projects, year=2020)
    stage = year_stage(current.projects, 2020)
    expected = np.select([stage == "竣工", stage == "在建"], [2, 1], 0)
    assert data["g"] == expected.tolist() and data["yr"] == 2020
    assert 0 < data["g"].count(2) < data["g"].count(1) + data["g"].count(2)


def test_year_slider_changes_what_is_drawn(current):
    counts = {}
    for year in (2018, 2020, 2022):
        view = webmap.view_layers(current, ViewState(ProjectFilter(year=year)))
        counts[year] = view.n_projects
        legend = _legend(view)
        assert f"{year} 年已开工的项目" in legend and "已竣工" in legend
    assert counts[2018] < counts[2020] < counts[2022]


def test_legend_says_how_many_sit_at_their_site(current):
    view = webmap.view_layers(current, ViewState())
    legend = _legend(view)
    assert f"{SITED} 个项目标于台账坐标" in legend


def test_a_project_the_ledger_placed_is_drawn_once_at_its_site(layers):
    """Even a city-level or a multi-county plan project: one marker, at its site."""
    from dzgeo.web.projects import layer_markers

    projects = ledger_frame(layers.projects)
    city_level = projects.index[projects["counties"] == ""][0]
    multi = projects.index[projects["counties"].str.contains("|", regex=False)][0]
    site = shapely.Point(116.5, 37.5)
    for row in (city_level, multi):
        projects.loc[row, "located_by"] = "台账坐标"
        projects.loc[row, "site_lon"], projects.loc[row, "site_lat"] = site.x, site.y
    projects = projects.set_geometry(
        [site if i in (city_level, multi) else g for i, g in projects.geometry.items()]
    )
    markers = layer_markers(layers, projects)
    for row in (city_level, multi):
        mine = markers[markers["id"] == projects.loc[row, "id"]]
        assert len(mine) == 1 and mine.geometry.iloc[0].equals(site)
    data = project_payload(markers, anchor=(116.0, 38.0))
    i = data["id"].index(projects.loc[city_level, "id"])
    lon = data["x0"] + data["x"][i] * COORD_STEP
    assert lon == pytest.approx(site.x, abs=1e-5)  # not moved to the city-level anchor
