"""The interactive map (dzgeo.web.views) rendered to HTML from the published layers."""

from __future__ import annotations

import base64
import dataclasses
import datetime
import inspect
import json
import re
import zlib

import geopandas as gpd
import numpy as np
import pytest
import shapely

from dzgeo import style
from dzgeo.crs import wgs84_to_gcj02
from dzgeo.data.published import Layers
from dzgeo.filters import ProjectFilter, ViewState, apply_filter
from dzgeo.web import views as webmap

XSS = "<img src=x onerror=alert(1)>"


def with_projects(layers: Layers, projects: gpd.GeoDataFrame) -> Layers:
    return dataclasses.replace(layers, projects=projects)


def synthetic(layers: Layers, n: int, seed: int = 1) -> gpd.GeoDataFrame:
    """``n`` projects at random points inside the counties, real names recycled."""
    rng = np.random.default_rng(seed)
    real = layers.projects
    rows = real.iloc[rng.integers(0, len(real), n)].reset_index(drop=True)
    counties = layers.counties_web
    pick = rng.integers(0, len(counties), n)
    points = []
    for i in pick:
        geom = counties.geometry.iloc[i]
        minx, miny, maxx, maxy = geom.bounds
        while True:
            x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
            if shapely.contains_xy(geom, x, y):
                points.append(shapely.Point(x, y))
                break
    frame = rows.drop(columns="geometry")
    frame["id"] = [f"S-{i:05d}" for i in range(n)]
    frame["name"] = [f"{name}（合成{i}）" for i, name in enumerate(frame["name"])]
    frame["counties"] = counties["adcode"].iloc[pick].to_numpy()
    frame["located"] = "place"
    return gpd.GeoDataFrame(frame, geometry=points, crs="EPSG:4326")


def decode(payload: dict) -> dict:
    if "packed" in payload:
        return json.loads(zlib.decompress(base64.b64decode(payload["packed"])))
    return payload


def test_script_json_cannot_break_out_of_a_script():
    text = webmap.script_json({"name": "</script><script>alert('x')</script> & {{'a'}}"})
    assert "<" not in text and ">" not in text and "'" not in text and "&" not in text
    assert json.loads(text) == {"name": "</script><script>alert('x')</script> & {{'a'}}"}


def test_payload_has_one_marker_per_project(layers):
    data = decode(webmap.project_payload(layers.projects))
    assert len(data["n"]) == len(data["x"]) == len(data["i"]) == len(layers.projects)
    assert data["n"] == list(layers.projects["name"])
    # the 12 industries of the data, each with its own colour; 新兴 round, 传统 square
    assert set(data["ind"][:12]) == set(layers.industries["name"])
    assert len(set(data["col"][:12])) == 12
    group = dict(zip(layers.industries["name"], layers.industries["group"], strict=True))
    for industry, shape in zip(data["ind"][:12], data["shp"][:12], strict=True):
        assert shape == ("circle" if group[industry] == "新兴" else "square"), industry
    industries = [data["ind"][i] for i in data["i"]]
    assert industries == list(layers.projects["industry"])


def test_multipoint_project_is_drawn_at_its_first_place(layers):
    projects = layers.projects
    multi = projects[projects.geom_type == "MultiPoint"]
    assert len(multi)
    data = decode(webmap.project_payload(multi))
    first = multi.geometry.iloc[0].geoms[0]
    assert data["x0"] + data["x"][0] * webmap.COORD_STEP == pytest.approx(first.x, abs=1e-5)
    assert data["y0"] + data["y"][0] * webmap.COORD_STEP == pytest.approx(first.y, abs=1e-5)
    assert "|" in data["plc"][data["p"][0]]  # the other places travel for the popup


def test_city_level_projects_go_to_an_anchor_outside_the_city(layers):
    outline = webmap.city_outline(layers).geometry.iloc[0]
    anchor = webmap.city_anchor(outline)
    assert not outline.contains(shapely.Point(anchor))
    data = decode(webmap.project_payload(layers.projects, anchor=anchor))
    at_city = (layers.projects["located"] == "city").to_numpy()
    xs = np.array(data["x"]) * webmap.COORD_STEP + data["x0"]
    assert np.allclose(xs[at_city], anchor[0], atol=1e-5)
    assert not np.isclose(xs[~at_city], anchor[0], atol=1e-3).any()


def test_amap_shifts_every_overlay_to_gcj02(layers):
    plain = decode(webmap.project_payload(layers.projects))
    shifted = decode(webmap.project_payload(layers.projects, basemap="amap"))
    x = plain["x0"] + plain["x"][0] * webmap.COORD_STEP
    y = plain["y0"] + plain["y"][0] * webmap.COORD_STEP
    gx, gy = wgs84_to_gcj02(x, y)
    assert shifted["x0"] + shifted["x"][0] * webmap.COORD_STEP == pytest.approx(float(gx), abs=2e-5)
    assert shifted["y0"] + shifted["y"][0] * webmap.COORD_STEP == pytest.approx(float(gy), abs=2e-5)
    base, amap = webmap.base_layers(layers, "none"), webmap.base_layers(layers, "amap")
    assert amap.bounds[0][1] - base.bounds[0][1] == pytest.approx(0.006, abs=0.002)
    for view in ("布局", "项目"):
        plain_labels = json.loads(
            webmap.view_layers(layers, ViewState(view=view)).overlays[1].parts[0].payload
        )
        state = ViewState(view=view, basemap="amap")
        labels = json.loads(webmap.view_layers(layers, state).overlays[1].parts[0].payload)
        assert [r[2] for r in labels] == [r[2] for r in plain_labels]
        shift = np.array([r[1] for r in labels]) - np.array([r[1] for r in plain_labels])
        assert np.allclose(shift, 0.006, atol=0.002)


def test_large_payloads_are_packed_and_small(layers):
    many = synthetic(layers, 5000)
    payload = webmap.project_payload(many)
    assert set(payload) == {"packed"}
    data = decode(payload)
    assert len(data["n"]) == 5000 and data["n"][0].endswith("（合成0）")
    small = webmap.project_payload(layers.projects)
    assert "packed" not in small


def test_fifty_thousand_projects_stay_under_two_megabytes(layers):
    state = ViewState()
    big = with_projects(layers, synthetic(layers, 50_000))
    html = webmap.standalone_html(big, state)
    assert len(html.encode("utf-8")) < 2_000_000
    assert html.count('"packed"') == 1


def test_standalone_page_needs_no_network(layers):
    html = webmap.standalone_html(layers, ViewState())
    assert not re.search(r"<script[^>]+src=", html)
    assert not re.search(r"<link[^>]+href=", html)
    assert not re.search(r"https?://[^\"' ]*(cdn|jsdelivr|unpkg|cloudflare|jquery)", html)
    assert "L.map(" in html and "Supercluster" in html and "dzmap.projects(" in html
    assert "url(images/" not in html  # Leaflet's CSS images are data URIs
    assert "<title>德州市新旧动能转换重点项目地图 — 全部重点支持项目（布局视图）</title>" in html


def test_standalone_page_is_deterministic(layers):
    state = ViewState(ProjectFilter(groups=("传统",)), "项目")
    assert webmap.standalone_html(layers, state) == webmap.standalone_html(layers, state)


def test_served_page_links_local_assets(layers):
    html = webmap.map_html(layers, ViewState())
    for asset in (*webmap.JS_ASSETS, *webmap.CSS_ASSETS):
        assert f"{webmap.SERVED_PREFIX}/{asset}" in html
        assert (webmap.ASSETS_DIR / asset).is_file()
    assert "http://" not in re.sub(r"https?://(www\.)?(leafletjs|openstreetmap)\S+", "", html)


def test_data_text_is_escaped_everywhere(layers):
    projects = layers.projects.copy()
    projects.loc[projects.index[0], "name"] = XSS
    projects.loc[projects.index[1], "enterprise"] = XSS
    zones = layers.zones.copy()
    zones.loc[zones.index[0], "name"] = XSS
    counties = layers.counties_web.copy()
    counties.loc[counties.index[0], "priority_terms"] = XSS
    evil = dataclasses.replace(layers, projects=projects, zones=zones, counties_web=counties)
    for view in ("布局", "项目"):
        html = webmap.standalone_html(evil, ViewState(view=view))
        assert XSS not in html
        assert "<img src=x" not in html
    # the Python-built popups hold the escaped text, the project payload the raw text
    base = webmap.base_layers(evil, "none")
    assert any("&lt;img src=x onerror=alert(1)&gt;" in p.payload.replace("\\u0026", "&")
               for o in base.overlays for p in o.parts)  # fmt: skip
    data = decode(webmap.project_payload(projects))
    assert data["n"][0] == XSS


@pytest.mark.parametrize("text", ["{{ 7*7 }}", "{% for x in y %}", "{# c #}", "}}{{"])
def test_data_cannot_open_a_template_block(layers, text):
    projects = layers.projects.copy()
    projects.loc[projects.index[0], "name"] = f"X{text}Y"
    zones = layers.zones.copy()
    zones.loc[zones.index[0], "role"] = f"X{text}Y"
    evil = dataclasses.replace(layers, projects=projects, zones=zones)
    html = webmap.standalone_html(evil, ViewState())
    assert "X49Y" not in html and f"X{text}Y" not in html
    data = decode(webmap.project_payload(projects))
    assert data["n"][0] == f"X{text}Y"
    escaped = webmap.script_json(f"X{text}Y")
    assert escaped[1:-1] in html
    assert json.loads(escaped) == f"X{text}Y"


def test_view_layers_follow_the_filter(layers):
    state = ViewState(ProjectFilter(industries=("新能源",)), "项目")
    view = webmap.view_layers(layers, state)
    expected = int(layers.industries.set_index("name").loc["新能源", "projects"])
    assert view.n_projects == expected
    names = [o.name for o in view.overlays]
    assert names == ["区县着色：重点项目数", "区县名称", f"重点项目（{expected} 个）", "图例"]
    assert view.token == webmap.view_token(state) != webmap.view_token(ViewState())
    legend = json.loads(view.overlays[-1].parts[0].payload)
    assert "区县重点项目数" in legend and f"重点项目（{expected} 个）" in legend
    layout = webmap.view_layers(layers, ViewState())
    assert layout.overlays[0].name == "区县着色：轴带联动"


def test_empty_result_draws_an_empty_layer(layers):
    view = webmap.view_layers(layers, ViewState(ProjectFilter(text="没有这个项目"), "项目"))
    assert view.n_projects == 0
    data = json.loads(view.overlays[2].parts[0].payload)
    assert data["n"] == [] and data["x"] == []


def test_county_popups_tell_priorities_core_areas_and_projects(layers):
    view = webmap.view_layers(layers, ViewState())
    fills = json.loads(view.overlays[0].parts[0].payload)
    assert fills["ref"] == webmap.COUNTY_STORE  # the outlines come from the base map
    assert len(fills["props"]) == len(layers.counties_web)
    by_name = {}
    for props in fills["props"]:
        found = re.search(r"<h4>(.*?)</h4>", props["_p"])
        assert found, props["_p"]
        title = found.group(1)
        by_name[title] = props["_p"]
    assert set(by_name) == set(layers.counties_web["name"])
    ningjin = by_name["宁津县"]
    assert "智能电梯" in ningjin and "核心区" in ningjin and "重点项目" in ningjin
    total = int(layers.counties_web.set_index("name").loc["宁津县", "projects_total"])
    assert f"共 {total} 个" in ningjin


def test_lead_zones_and_corridors_are_layers(layers):
    base = webmap.base_layers(layers, "none")
    names = [o.name for o in base.overlays]
    expected = {"双区引领", "轴带走廊（示意）", "交通干线", "区县界线", "市界", "园区与平台"}
    assert expected <= set(names)
    lead = next(o for o in base.overlays if o.name == "双区引领")
    text = "".join(p.payload for p in lead.parts)
    assert "产业生态圈" in text and "创新生态圈" in text


def test_basemap_tiles():
    assert webmap.basemap_tiles("none") == []
    assert webmap.basemap_tiles("tianditu") == []  # no key, no tiles
    tdt = webmap.basemap_tiles("tianditu", tianditu_key="abc123<x>")
    assert [t.name for t in tdt] == ["天地图矢量", "天地图注记"]
    assert all(t.url.endswith("tk=abc123x") for t in tdt)
    assert "vec_w" in tdt[0].url and "cva_w" in tdt[1].url and tdt[1].overlay
    assert "autonavi" in webmap.basemap_tiles("amap")[0].url
    assert "openstreetmap" in webmap.basemap_tiles("osm")[0].url


@pytest.mark.parametrize(
    ("values", "breaks"),
    [([0, 0], []), ([1, 2, 3, 0], [1, 2, 3]), ([32, 11, 6, 20, 14, 14, 12, 20, 12, 29, 24], None)],
)
def test_count_breaks(values, breaks):
    got = style.count_breaks(values)
    if breaks is not None:
        assert got == breaks
    assert got == sorted(set(got))
    if any(values):
        assert got[-1] == max(values)
        assert all(style.count_color(v, got) != style.ZERO_COUNT_COLOR for v in values if v)
    classes = style.count_classes(got)
    assert classes[0] == ("0", style.ZERO_COUNT_COLOR)
    assert len(classes) == len(got) + 1


def test_filtered_count_equals_filter_model(layers):
    for flt in (ProjectFilter(groups=("新兴",)), ProjectFilter(places=("中心城区",))):
        view = webmap.view_layers(layers, ViewState(flt))
        assert view.n_projects == len(apply_filter(layers.projects, flt, layers.vocab))


def test_standalone_page_shows_its_heading_and_never_a_key(layers):
    assert "tianditu_key" not in inspect.signature(webmap.standalone_html).parameters
    state = ViewState(ProjectFilter(industries=("新能源",)), basemap="tianditu")
    html = webmap.standalone_html(layers, state, today=datetime.date(2026, 12, 1))
    head = re.search(r'<div class="dz-page-head">(.*?)</div>', html)
    assert head is not None
    text = head.group(1)
    for part in ("德州市新旧动能转换规划地图", "筛选：产业：新能源", "重大工程", "2026-12-01"):
        assert part in text
    assert "天地图底图需要密钥" in text
    assert "tianditu.gov.cn" not in html and "tk=" not in html
    # the live map does use a typed key (in the session only)
    parts = webmap.build_map(
        webmap.base_layers(layers, "tianditu"),
        webmap.view_layers(layers, state),
        tianditu_key="abc123",
    )
    assert "tk=abc123" in webmap.render_html(parts)
