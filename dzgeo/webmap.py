"""The interactive planning map: Leaflet (through folium) from the published layers.

The map is built in two halves so the app can keep the first one still:

* :func:`base_layers` — what never changes with the filter (city outline, county lines,
  corridors and routes, the 双区 and the other zones), for one basemap;
* :func:`view_layers` — what the view state changes (county colouring and labels,
  the key projects, the legend).

Both return plain data (JSON text ready for a ``<script>``), cheap to cache; then
:func:`build_map` wraps them in folium objects: a base :class:`folium.Map` plus the
overlay feature groups that streamlit-folium swaps in place (``feature_group_to_add``),
and :func:`render_html` / :func:`standalone_html` give a whole page.

No CDN: Leaflet, Supercluster, fflate and ``dzmap.js`` are served from ``static/``
(Streamlit's static serving at ``/app/static/``) or inlined for the standalone page.
Every text from the data is HTML-escaped, here (``html.escape``) or in ``dzmap.js``.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import logging
import re
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import Element, MacroElement
from folium.template import Template

from dzgeo import style
from dzgeo.coords import to_gcj02, wgs84_to_gcj02
from dzgeo.filters import ProjectFilter, ViewState, apply_filter
from dzgeo.published import Layers
from dzgeo.settings import REPO_ROOT
from dzgeo.tables import county_industry_counts, industry_counts
from dzgeo.vocabulary import split_multi

log = logging.getLogger(__name__)

#: Folder Streamlit serves at ``/app/static/`` (``server.enableStaticServing``).
ASSETS_DIR = REPO_ROOT / "static"
#: URL prefix of :data:`ASSETS_DIR` in the app.
SERVED_PREFIX = "/app/static"
JS_ASSETS = (
    "vendor/leaflet-1.9.4/leaflet.js",
    "vendor/supercluster-7.1.5/supercluster.min.js",
    "vendor/fflate-0.8.2/fflate.min.js",
    "dzgeo/dzmap.js",
)
CSS_ASSETS = ("vendor/leaflet-1.9.4/leaflet.css", "dzgeo/dzmap.css")

#: Project payloads longer than this (characters of JSON) are sent zlib-packed.
PACK_THRESHOLD = 200_000
MIN_ZOOM, MAX_ZOOM = 7, 16
#: Pixels kept free on the map's right when it first fits the city (control, legend).
FIT_PAD_RIGHT = 260
#: Roughly how far (degrees of latitude) a label below a place point reaches.
LABEL_DROP_DEG = 0.06
#: Decimals of a degree kept in map geometry (5 ≈ 1 m: finer than a pixel at zoom 16).
MAP_DECIMALS = 5
#: Name under which the base map stores the county geometry for the view's fill layer.
COUNTY_STORE = "counties"
#: Project coordinates travel as integers of this many degrees (≈ 1 m).
COORD_STEP = 1e-5

BASEMAP_LABELS: dict[str, str] = {
    "none": "无底图（离线可用）",
    "osm": "OpenStreetMap",
    "tianditu": "天地图（需密钥）",
    "amap": "高德地图（GCJ-02）",
}

Assets = Literal["served", "inline"]


@dataclass(frozen=True)
class TileSpec:
    """One tile layer of a basemap."""

    url: str
    attr: str
    name: str
    subdomains: str = "abc"
    overlay: bool = False


def basemap_tiles(basemap: str, *, tianditu_key: str = "") -> list[TileSpec]:
    """The tile layers of ``basemap`` (none: an empty list; 天地图 without a key: empty)."""
    if basemap == "osm":
        return [
            TileSpec(
                "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
                '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> 贡献者',
                "OpenStreetMap",
                subdomains="abc",
            )
        ]
    if basemap == "tianditu" and tianditu_key.strip():
        key = re.sub(r"[^0-9A-Za-z]", "", tianditu_key)
        wmts = (
            "https://t{s}.tianditu.gov.cn/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile"
            "&VERSION=1.0.0&LAYER={layer}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles"
            "&TILEMATRIX={{z}}&TILEROW={{y}}&TILECOL={{x}}&tk=" + key
        )
        attr = '&copy; <a href="https://www.tianditu.gov.cn/">天地图</a>'
        return [
            TileSpec(wmts.format(s="{s}", layer="vec"), attr, "天地图矢量", "01234567"),
            TileSpec(wmts.format(s="{s}", layer="cva"), attr, "天地图注记", "01234567", True),
        ]
    if basemap == "amap":
        return [
            TileSpec(
                "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1"
                "&style=8&x={x}&y={y}&z={z}",
                '&copy; <a href="https://www.amap.com/">高德地图</a>（GCJ-02，叠加图层已同步偏移）',
                "高德地图",
                subdomains="1234",
            )
        ]
    return []


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


@dataclass
class MapParts:
    """folium objects for streamlit-folium: a still base map and the swapped overlays."""

    map: folium.Map
    overlays: list[folium.FeatureGroup] = field(default_factory=list)
    control: folium.LayerControl = field(default_factory=lambda: folium.LayerControl())


# ----------------------------------------------------------------------------- helpers


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


def _esc(value: object) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    return html.escape(str(value))


def _text(value: object) -> str:
    """A cell as text ('' for missing)."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    return str(value)


def _table(rows: Iterable[tuple[str, str]]) -> str:
    """An HTML table of (label, already-escaped HTML) rows, skipping empty ones."""
    body = "".join(f"<tr><th>{_esc(k)}</th><td>{v}</td></tr>" for k, v in rows if v)
    return f"<table>{body}</table>"


def _popup(title: str, rows: Iterable[tuple[str, str]], note: str = "") -> str:
    foot = f'<p class="dz-note">{note}</p>' if note else ""
    return f'<div class="dz-pop"><h4>{_esc(title)}</h4>{_table(rows)}{foot}</div>'


def _join(cell: object, sep: str = "、") -> str:
    return _esc(sep.join(split_multi(cell)))


def _precision_note(row: Mapping[str, Any]) -> str:
    if _text(row.get("precision")) == "approximate":
        basis = _text(row.get("basis"))
        return "示意位置（approximate），非测绘成果" + (f"；依据：{_esc(basis)}" if basis else "")
    return ""


def _features(frame: gpd.GeoDataFrame, props: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """A FeatureCollection of ``frame``'s geometries (6 decimals) with ``props``."""
    feats = []
    for geom, prop in zip(frame.geometry.values, props, strict=True):
        if geom is None or geom.is_empty:
            continue
        rounded = shapely.transform(geom, lambda xy: np.round(xy, MAP_DECIMALS))
        feats.append(
            {"type": "Feature", "properties": prop, "geometry": shapely.geometry.mapping(rounded)}
        )
    return {"type": "FeatureCollection", "features": feats}


def _shifted(frame: gpd.GeoDataFrame, basemap: str) -> gpd.GeoDataFrame:
    """``frame`` in the basemap's datum: GCJ-02 for 高德, WGS 84 otherwise."""
    return to_gcj02(frame) if basemap == "amap" and len(frame) else frame


def _label_point(frame: gpd.GeoDataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Label lat/lon per row: label_lon/label_lat when present, else a point inside."""
    pts = frame.geometry.representative_point()
    lon, lat = pts.x.to_numpy(), pts.y.to_numpy()
    if {"label_lon", "label_lat"} <= set(frame.columns):
        given_lon = pd.to_numeric(frame["label_lon"], errors="coerce").to_numpy(dtype=float)
        given_lat = pd.to_numeric(frame["label_lat"], errors="coerce").to_numpy(dtype=float)
        ok = np.isfinite(given_lon) & np.isfinite(given_lat)
        lon, lat = np.where(ok, given_lon, lon), np.where(ok, given_lat, lat)
    return lat, lon


def _labels_frame(frame: gpd.GeoDataFrame, basemap: str) -> gpd.GeoDataFrame:
    """Label points as a GeoDataFrame, shifted for 高德 like every overlay."""
    lat, lon = _label_point(frame)
    points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(lon, lat), crs=frame.crs)
    return _shifted(points, basemap)


def _geo(frame: gpd.GeoDataFrame, props: Sequence[dict[str, Any]], **options: Any) -> Part:
    return Part("geo", script_json(_features(frame, props)), script_json(options))


def _store(name: str, frame: gpd.GeoDataFrame) -> Part:
    """Keep ``frame``'s geometries in the page under ``name`` (see :func:`_geo_ref`)."""
    geoms = [feature["geometry"] for feature in _features(frame, [{}] * len(frame))["features"]]
    return Part("store", script_json(geoms), script_json({"name": name}))


def _geo_ref(name: str, props: Sequence[dict[str, Any]], **options: Any) -> Part:
    """A GeoJSON layer over geometries stored by the base map, so that a view change
    sends only styles and texts, not the county outlines again."""
    return Part("geo", script_json({"ref": name, "props": list(props)}), script_json(options))


def view_token(state: ViewState) -> str:
    """A short stable id of a view state (the map marks itself with it when updated)."""
    text = json.dumps(state.to_query(), ensure_ascii=False, sort_keys=True)
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


# ------------------------------------------------------------------------- base layers


def base_layers(layers: Layers, basemap: str = "none") -> BaseLayers:
    """The filter-independent overlays for ``basemap`` (shifted to GCJ-02 for 高德)."""
    city = city_outline(layers, basemap)
    minx, miny, maxx, maxy = (float(v) for v in city.total_bounds)
    overlays = (
        _corridor_overlay(layers, basemap),
        _route_overlay(layers, basemap),
        Overlay(
            "区县界线",
            (
                _store(COUNTY_STORE, _shifted(layers.counties_web, basemap)),
                _geo_ref(
                    COUNTY_STORE,
                    [_line_style(style.COUNTY_LINE_COLOR, 1.2)] * len(layers.counties_web),
                    interactive=False,
                    pane="overlayPane",
                ),
            ),
        ),
        Overlay(
            "市界",
            (
                _geo(
                    city,
                    [_line_style(style.CITY_OUTLINE_COLOR, 3.0)] * len(city),
                    interactive=False,
                    pane="overlayPane",
                ),
            ),
        ),
        *_zone_overlays(layers, basemap),
    )
    return BaseLayers(basemap, ((miny, minx), (maxy, maxx)), overlays)


def city_outline(layers: Layers, basemap: str = "none") -> gpd.GeoDataFrame:
    """The city outline as the union of the simplified counties, so its edge is theirs."""
    counties = _shifted(layers.counties_web, basemap)
    outline = shapely.coverage_union_all(counties.geometry.values)
    return gpd.GeoDataFrame(geometry=[outline], crs=counties.crs)


def city_anchor(outline: shapely.Geometry) -> tuple[float, float]:
    """Where projects without a stated place are drawn: (lon, lat) just outside the city.

    The plan names no place for them, so they are not piled on the city's
    representative point (which is 德城区's): they get a labelled spot of their own in
    an empty corner of the map view (north-west first), clear of the boundary.
    """
    minx, miny, maxx, maxy = outline.bounds
    w, h = maxx - minx, maxy - miny
    margin = 0.04 * max(w, h)
    for fx, fy in ((0.12, 0.9), (0.1, 0.78), (0.9, 0.1), (0.78, 0.1), (0.1, 0.1), (0.9, 0.9)):
        point = shapely.Point(minx + fx * w, miny + fy * h)
        if outline.distance(point) >= margin:
            return round(point.x, 5), round(point.y, 5)
    rep = outline.representative_point()
    return round(rep.x, 5), round(rep.y, 5)


def _line_style(color: str, weight: float, **extra: Any) -> dict[str, Any]:
    return {"_s": {"color": color, "weight": weight, "fill": False, "opacity": 1.0, **extra}}


def _corridor_overlay(layers: Layers, basemap: str) -> Overlay:
    frame = _shifted(layers.corridors, basemap)
    outlines = []
    for row in frame.to_dict("records"):
        color = style.AXIS_COLOR if row.get("id") == "axis" else style.BELT_COLOR
        popup = _popup(
            _text(row.get("name")),
            [
                ("依托干线", _join(row.get("routes"))),
                ("沿线地区", _join(row.get("places"))),
                ("集聚产业", _join(row.get("industries"))),
                ("示意宽度", _esc(f"{row['width_km']:g} km") if _num(row.get("width_km")) else ""),
                ("规划章节", _esc(row.get("plan_section"))),
            ],
            _precision_note(row),
        )
        tip = f"{_esc(row.get('name'))}：{_join(row.get('routes'))}"
        outlines.append(
            {
                "_s": {"color": color, "weight": 2, "dashArray": "6 5", "fill": False},
                "_t": tip,
                "_p": popup,
            }
        )
    # outlines only: the 布局 view colours the counties by corridor already
    return Overlay("轴带走廊（示意）", (_geo(frame, outlines, pane="dzBand", sticky=True),))


def _num(value: object) -> bool:
    try:
        return bool(np.isfinite(float(value)))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False


def _route_overlay(layers: Layers, basemap: str) -> Overlay:
    frame = _shifted(layers.routes, basemap)
    corridor_names = dict(zip(layers.corridors["id"], layers.corridors["name"], strict=False))
    casing, lines, labels = [], [], []
    obstacles = _place_points(layers, basemap)
    for row in frame.to_dict("records"):
        color = style.AXIS_COLOR if row.get("corridor") == "axis" else style.BELT_COLOR
        rail = row.get("kind") == "high_speed_rail"
        casing.append({"_s": {"color": "#ffffff", "weight": 6, "opacity": 0.9, "fill": False}})
        kind = "高速铁路" if rail else "高速公路"
        lines.append(
            {
                "_s": {
                    "color": color,
                    "weight": 3.5,
                    "fill": False,
                    **({"dashArray": "9 6"} if rail else {}),
                },
                "_t": f"{_esc(row.get('name'))}（{kind}）",
                "_p": _popup(
                    _text(row.get("name")),
                    [
                        ("类型", kind),
                        ("所属", _esc(corridor_names.get(row.get("corridor"), ""))),
                        ("途经", _join(row.get("waypoints"))),
                    ],
                    _precision_note(row),
                ),
            }
        )
        point = _label_spot(row["geometry"], obstacles)
        if point is not None:
            obstacles = np.vstack([obstacles, [[point.x, point.y]]])
            name = f"<b>{_esc(row.get('name'))}</b>"
            labels.append([round(point.y, 5), round(point.x, 5), name, "dz-label-route"])
    return Overlay(
        "交通干线",
        (
            _geo(frame, casing, interactive=False, pane="dzLine"),
            _geo(frame, lines, pane="dzLine", sticky=True),
            Part("labels", script_json(labels)),
        ),
    )


def _place_points(layers: Layers, basemap: str) -> np.ndarray:
    """(lon, lat) of every place point (where projects and labels sit), as an (n, 2) array."""
    lon = pd.to_numeric(layers.places["lon"], errors="coerce")
    lat = pd.to_numeric(layers.places["lat"], errors="coerce")
    ok = (lon.notna() & lat.notna()).to_numpy()
    points = gpd.GeoDataFrame(
        geometry=gpd.points_from_xy(lon[ok], lat[ok]), crs=layers.routes.crs or "EPSG:4326"
    )
    xy = shapely.get_coordinates(_shifted(points, basemap).geometry.values)
    # labels hang below place points: keep route labels off them too
    return np.vstack([xy, xy - [0.0, LABEL_DROP_DEG]])


def _label_spot(line: shapely.Geometry, obstacles: np.ndarray) -> shapely.Point | None:
    """The point along ``line`` (10–90 %) farthest from every obstacle point."""
    if line is None or line.is_empty:
        return None
    candidates = shapely.line_interpolate_point(line, np.linspace(0.1, 0.9, 33), normalized=True)
    xy = shapely.get_coordinates(candidates)
    if not len(obstacles):
        return candidates[len(candidates) // 2]
    dist = np.sqrt(((xy[:, None, :] - obstacles[None, :, :]) ** 2).sum(axis=2)).min(axis=1)
    return candidates[int(np.argmax(dist))]


def _zone_popup(row: Mapping[str, Any]) -> str:
    return _popup(
        _text(row.get("name")),
        [
            ("类型", _esc(row.get("kind_label"))),
            ("定位", _esc(row.get("role"))),
            ("所在地", _esc(row.get("place"))),
            ("重点产业", _join(row.get("industries"))),
            ("规划章节", _esc(row.get("plan_section"))),
        ],
        _precision_note(row),
    )


def _zone_overlays(layers: Layers, basemap: str) -> list[Overlay]:
    zones = _shifted(layers.zones, basemap)
    lead = zones[zones["kind"] == "lead_zone"]
    other = zones[zones["kind"] != "lead_zone"]
    out: list[Overlay] = []
    if len(lead):
        props = []
        for row in lead.to_dict("records"):
            tip = _esc(row.get("name")) + (f"（{_esc(row['role'])}）" if row.get("role") else "")
            props.append(
                {
                    "_s": {
                        "color": style.LEAD_ZONE_COLOR,
                        "weight": 3,
                        "fillColor": style.LEAD_ZONE_COLOR,
                        "fillOpacity": 0.22,
                        "shape": "star",
                        "size": 22,
                        "radius": 9,
                    },
                    "_t": tip,
                    "_p": _zone_popup(row),
                }
            )
        labels = _labels_frame(lead, "none")  # already shifted above
        rows = [
            [
                round(pt.y, 5),
                round(pt.x, 5),
                f"<b>{_esc(_short_zone(row))}</b><small>{_esc(row.get('role'))}</small>",
                "dz-label-zone",
            ]
            for row, pt in zip(lead.to_dict("records"), labels.geometry, strict=True)
        ]
        out.append(
            Overlay(
                "双区引领",
                (
                    _geo(lead, props, pane="dzZone", highlight=False),
                    Part("labels", script_json(rows)),
                ),
            )
        )
    if len(other):
        props = []
        for row in other.to_dict("records"):
            color = style.ZONE_COLORS.get(_text(row.get("kind")), "#555555")
            props.append(
                {
                    "_s": {
                        "color": color,
                        "weight": 2,
                        "dashArray": "4 3",
                        "fillColor": color,
                        "fillOpacity": 0.12,
                        "shape": "diamond",
                        "size": 14,
                        "radius": 6,
                    },
                    "_t": f"{_esc(row.get('name'))}（{_esc(row.get('kind_label'))}）",
                    "_p": _zone_popup(row),
                }
            )
        out.append(Overlay("园区与平台", (_geo(other, props, pane="dzZone"),)))
    return out


_ZONE_SHORT = {
    "德州经济技术开发区": "经开区",
    "禹城国家高新技术产业开发区": "高新区（禹城）",
}


def _short_zone(row: Mapping[str, Any]) -> str:
    name = _text(row.get("name"))
    return _ZONE_SHORT.get(name, name)


# ------------------------------------------------------------------------- view layers


def view_layers(layers: Layers, state: ViewState) -> ViewLayers:
    """The overlays that follow ``state``: county colouring and labels, projects, legend."""
    flt = state.filter
    projects = apply_filter(layers.projects, flt, layers.vocab)
    per_county = county_industry_counts(projects, layers.counties_web["adcode"])
    counties = _shifted(layers.counties_web, state.basemap)
    token = view_token(state)
    if state.view == "项目":
        totals = [int(per_county.get(_text(a), {}).get("", 0)) for a in counties["adcode"]]
        breaks = style.count_breaks(totals)
        fills = [style.count_color(n, breaks) for n in totals]
        fill_name = "区县着色：重点项目数"
    else:
        breaks = []
        fills = [
            style.LAYOUT_FILLS.get(_corridor_key(c), style.LAYOUT_FILLS[""])
            for c in counties["corridors"]
        ]
        fill_name = "区县着色：轴带联动"
    props = []
    for row, fill in zip(counties.to_dict("records"), fills, strict=True):
        counts = per_county.get(_text(row.get("adcode")), {})
        props.append(
            {
                "_s": {
                    "color": "#ffffff",
                    "weight": 0.8,
                    "fillColor": fill,
                    "fillOpacity": 0.85,
                },
                "_t": _county_tip(row, counts, state.view),
                "_p": _county_popup(row, counts, flt, list(layers.vocab.industries)),
            }
        )
    fill = Overlay(
        fill_name,
        (_geo_ref(COUNTY_STORE, props, pane="dzFill", sticky=True, highlight=True),),
    )
    labels = Overlay(
        "区县名称",
        (Part("labels", script_json(_county_labels(layers, counties, per_county, state))),),
    )
    n = len(projects)
    anchor = city_anchor(shapely.coverage_union_all(counties.geometry.values))
    project_parts = [
        Part(
            "projects",
            script_json(project_payload(projects, basemap=state.basemap, anchor=anchor)),
            script_json({"token": token, "minZoom": MIN_ZOOM, "maxZoom": MAX_ZOOM}),
        )
    ]
    n_city = int((_col(projects, "located") == "city").sum())
    if n_city:
        label = f"<b>市域 {n_city} 个</b><small>未指明具体地点</small>"
        project_parts.append(
            Part("labels", script_json([[anchor[1], anchor[0], label, "dz-label-anchor"]]))
        )
    points = Overlay(f"重点项目（{n} 个）", tuple(project_parts))
    legend_html = legend(layers, state, projects, breaks)
    key = Overlay(
        "图例",
        (Part("legend", script_json(legend_html), script_json({"token": token})),),
        control=False,
    )
    return ViewLayers(token, n, (fill, labels, points, key))


def _corridor_key(cell: object) -> str:
    parts = sorted(split_multi(cell))
    return "|".join(parts)


def _county_tip(row: Mapping[str, Any], counts: Mapping[str, int], view: str) -> str:
    name = f"<b>{_esc(row.get('name'))}</b>"
    if view == "项目":
        return f"{name}：重点项目 {int(counts.get('', 0))} 个（符合筛选）"
    terms = split_multi(row.get("priority_terms"))
    return name + (f"：{_esc('、'.join(terms))}" if terms else "")


def _priorities(row: Mapping[str, Any]) -> str:
    terms = split_multi(row.get("priority_terms"))
    inds = split_multi(row.get("priority_industries"))
    out = []
    for i, term in enumerate(terms):
        ind = inds[i] if i < len(inds) else ""
        out.append(_esc(term) + (f"（{_esc(ind)}）" if ind and ind != term else ""))
    return "、".join(out)


def _core_areas(cell: object) -> str:
    """Core areas grouped by industry: 高端装备：车船零部件、数控机床；…"""
    grouped: dict[str, list[str]] = {}
    for item in split_multi(cell):
        industry, _, sub = item.partition("·")
        grouped.setdefault(industry, []).append(sub or industry)
    return "；".join(f"{_esc(ind)}：{_esc('、'.join(subs))}" for ind, subs in grouped.items())


def _corridor_membership(row: Mapping[str, Any]) -> str:
    """轴带联动 of a county: ``新兴产业集聚轴（经中心城区）`` when it belongs through an area."""
    names = {"axis": "新兴产业集聚轴", "belt": "传统产业升级带"}
    parts = []
    for item in split_multi(row.get("corridor_via")):
        corridor, _, via = item.partition("：")
        parts.append(corridor + (f"（经{via}）" if via and via != row.get("name") else ""))
    if not parts:
        parts = [names[c] for c in split_multi(row.get("corridors")) if c in names]
    return "；".join(parts)


def _county_popup(
    row: Mapping[str, Any], counts: Mapping[str, int], flt: ProjectFilter, order: Sequence[str]
) -> str:
    per_ind = [f"{_esc(k)} {counts[k]}" for k in order if counts.get(k)]
    total = int(counts.get("", 0))
    scope = "" if flt.is_empty() else "符合筛选的"
    projects = f"{scope}共 {total} 个" + (f"：{'；'.join(per_ind)}" if per_ind else "")
    return _popup(
        f"{_text(row.get('name'))}",
        [
            ("轴带联动", _esc(_corridor_membership(row)) or "—"),
            ("多点突破", _priorities(row)),
            ("区内园区", _join(row.get("zone_priorities"), "；")),
            ("核心区", _core_areas(row.get("core_areas"))),
            ("重点项目", projects),
        ],
    )


def _county_labels(
    layers: Layers,
    counties: gpd.GeoDataFrame,
    per_county: Mapping[str, Mapping[str, int]],
    state: ViewState,
) -> list[list[Any]]:
    """County labels: under the county's place point (where its projects cluster) when
    that point lies inside the county, else at the county's label point."""
    lat, lon = _label_point(counties)
    places = layers.places.set_index("name")
    seat_lon = pd.to_numeric(counties["name"].map(places["lon"]), errors="coerce")
    seat_lat = pd.to_numeric(counties["name"].map(places["lat"]), errors="coerce")
    seat_lon = seat_lon.to_numpy(dtype=float, copy=True)
    seat_lat = seat_lat.to_numpy(dtype=float, copy=True)
    known = np.isfinite(seat_lon) & np.isfinite(seat_lat)
    if state.basemap == "amap" and known.any():
        seat_lon[known], seat_lat[known] = wgs84_to_gcj02(seat_lon[known], seat_lat[known])
    inside = known & shapely.contains_xy(
        counties.geometry.values, np.nan_to_num(seat_lon), np.nan_to_num(seat_lat)
    )
    obstacles = _place_points(layers, state.basemap)
    others = obstacles[: len(obstacles) // 2]  # the points themselves, not the drops
    names = counties["name"].astype(str).tolist()
    adcodes = counties["adcode"].astype(str).tolist()
    terms = counties["priority_terms"].tolist()
    rows = []
    for i, name in enumerate(names):
        if state.view == "项目":
            sub = f"{int(per_county.get(adcodes[i], {}).get('', 0))} 个项目"
        else:
            sub = _esc(" · ".join(split_multi(terms[i])))
        if inside[i]:
            y, x = float(seat_lat[i]), float(seat_lon[i])
            cls = "dz-label-above" if _crowded_below(x, y, others) else "dz-label-below"
        else:
            y, x, cls = float(lat[i]), float(lon[i]), ""
        rows.append([round(y, 5), round(x, 5), f"<b>{_esc(name)}</b><small>{sub}</small>", cls])
    return rows


def _crowded_below(x: float, y: float, points: np.ndarray) -> bool:
    """Whether another place point sits where a label below (x, y) would go."""
    dx = np.abs(points[:, 0] - x)
    dy = y - points[:, 1]
    return bool(((dx < 0.12) & (dy > 0.005) & (dy < 2.5 * LABEL_DROP_DEG)).any())


# ----------------------------------------------------------------------------- projects


def project_payload(
    projects: gpd.GeoDataFrame,
    *,
    basemap: str = "none",
    anchor: tuple[float, float] | None = None,
) -> dict[str, Any]:
    """The compact, column-wise payload ``dzmap.projects`` reads (packed when large).

    One row per project at its first point (a MultiPoint's other places are named in
    the popup); projects located at city level (``located == "city"``) go to ``anchor``
    (lon, lat) when given. Coordinates travel as integers of :data:`COORD_STEP` degrees
    above (x0, y0), repeated texts as indices into string tables.
    """
    frame = _shifted(projects, basemap) if len(projects) else projects
    lon, lat = _first_points(frame)
    if anchor is not None and len(frame):
        at_city = (_col(frame, "located") == "city").to_numpy()
        lon[at_city], lat[at_city] = anchor
    x0 = float(np.floor(lon.min())) if len(lon) else 0.0
    y0 = float(np.floor(lat.min())) if len(lat) else 0.0
    industries = list(style.INDUSTRY_COLORS)
    extra = sorted(set(frame["industry"].astype(str)) - set(industries)) if len(frame) else []
    industries += extra
    groups = _industry_groups(frame, industries)
    data: dict[str, Any] = {
        "ind": industries,
        "col": [style.industry_color(i) for i in industries],
        "grp": [groups.get(i, "") for i in industries],
        "shp": [style.GROUP_SHAPES.get(groups.get(i, ""), "circle") for i in industries],
        "x0": x0,
        "y0": y0,
        "x": np.rint((lon - x0) / COORD_STEP).astype(np.int64).tolist(),
        "y": np.rint((lat - y0) / COORD_STEP).astype(np.int64).tolist(),
        "i": pd.Categorical(_col(frame, "industry"), categories=industries).codes.tolist(),
        "n": _col(frame, "name").tolist(),
        "id": _col(frame, "id").tolist(),
    }
    for key, table, column in (
        ("s", "sub", "subfield"),
        ("c", "cat", "category"),
        ("p", "plc", "place"),
        ("k", "src", "place_source"),
        ("b", "bas", "place_basis"),
        ("e", "ent", "enterprise"),
        ("t", "sec", "plan_section"),
    ):
        codes, uniques = pd.factorize(_col(frame, column), sort=False)
        data[key] = codes.tolist()
        data[table] = [str(u) for u in uniques]
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    if len(text) > PACK_THRESHOLD:
        packed = base64.b64encode(zlib.compress(text.encode("utf-8"), 6)).decode("ascii")
        return {"packed": packed}
    return data


def _col(frame: pd.DataFrame, column: str) -> pd.Series:
    if column not in frame.columns:
        return pd.Series([""] * len(frame), index=frame.index, dtype=object)
    return frame[column].fillna("").astype(str)


def _industry_groups(frame: pd.DataFrame, industries: Sequence[str]) -> dict[str, str]:
    """Group (新兴/传统) of each industry: from the data, else from the palette's order."""
    groups: dict[str, str] = {}
    if len(frame) and "group" in frame.columns:
        firsts = frame[["industry", "group"]].astype(str).drop_duplicates("industry")
        groups = dict(zip(firsts["industry"], firsts["group"], strict=True))
    names = list(style.INDUSTRY_COLORS)
    defaults = dict.fromkeys(names[:6], "新兴") | dict.fromkeys(names[6:], "传统")
    return {i: groups.get(i) or defaults.get(i, "") for i in industries}


def _first_points(frame: gpd.GeoDataFrame) -> tuple[np.ndarray, np.ndarray]:
    """lon, lat of each row's first point (a missing geometry falls back to the centroid
    of the others, so every project still gets one marker)."""
    n = len(frame)
    if n == 0:
        return np.zeros(0), np.zeros(0)
    coords, index = shapely.get_coordinates(frame.geometry.values, return_index=True)
    lon, lat = np.full(n, np.nan), np.full(n, np.nan)
    first = np.unique(index, return_index=True)
    lon[first[0]] = coords[first[1], 0]
    lat[first[0]] = coords[first[1], 1]
    missing = ~np.isfinite(lon)
    if missing.any():
        log.warning(
            "%d project(s) without geometry drawn at the centre of the others", missing.sum()
        )
        lon[missing] = np.nanmean(lon) if (~missing).any() else 116.5
        lat[missing] = np.nanmean(lat) if (~missing).any() else 37.4
    return lon, lat


# ------------------------------------------------------------------------------ legend


def _li(symbol: str, label: str, count: int | None = None) -> str:
    """A legend row: a symbol (trusted HTML), an escaped label and an optional count."""
    n = "" if count is None else f'<span class="dz-n">{count}</span>'
    return f"<li>{symbol}{_esc(label)}{n}</li>"


def _swatch(fill: str, extra: str = "") -> str:
    return f'<i class="dz-sw" style="background:{fill};{extra}"></i>'


def _line(color: str, dashed: bool = False) -> str:
    return f'<i class="dz-ln{" dz-dash" if dashed else ""}" style="border-color:{color}"></i>'


def legend(layers: Layers, state: ViewState, projects: pd.DataFrame, breaks: Sequence[int]) -> str:
    """The legend's HTML (every text escaped) for ``state`` and the filtered ``projects``."""
    parts = [
        '<div class="dz-legend-head"><span>图例</span>'
        '<button type="button" class="dz-legend-toggle" title="收起或展开图例">收起/展开</button>'
        '</div><div class="dz-legend-body"><div>'
    ]
    if state.view == "项目":
        parts.append("<h5>区县重点项目数</h5><ul>")
        parts += [_li(_swatch(c), f"{label} 个") for label, c in style.count_classes(breaks)]
    else:
        parts.append("<h5>区县（轴带联动）</h5><ul>")
        parts += [
            _li(_swatch(style.LAYOUT_FILLS[k]), style.LAYOUT_LABELS[k])
            for k in ("axis", "belt", "axis|belt", "")
        ]
        parts.append('<li class="dz-note">区县名下为多点突破重点</li>')
    lead = style.LEAD_ZONE_COLOR
    parts += [
        '</ul><h5>双区与园区</h5><ul class="dz-wrap">',
        _li(_swatch(f"{lead}38", f"border:2px solid {lead}"), "双区"),
    ]
    kinds = layers.zones.loc[layers.zones["kind"] != "lead_zone", ["kind", "kind_label"]]
    for kind, label in kinds.drop_duplicates("kind").itertuples(index=False):
        color = style.ZONE_COLORS.get(_text(kind), "#555555")
        parts.append(_li(f'<i class="dz-dia" style="border-color:{color}"></i>', _text(label)))
    parts.append("</ul></div><div>")
    counts = industry_counts(projects, layers.vocab)
    parts.append(f'<h5>重点项目（{len(projects)} 个）</h5><div class="dz-cols">')
    for group, shape_class in (("新兴", ""), ("传统", " dz-sq")):
        parts.append(f'<ul><li class="dz-note">{group}产业</li>')
        for name, grp in layers.vocab.industries.items():
            if grp == group:
                chip = (
                    f'<i class="dz-chip{shape_class}" '
                    f'style="background:{style.industry_color(name)}"></i>'
                )
                parts.append(_li(chip, name, int(counts.get(name, 0))))
        parts.append("</ul>")
    parts += [
        "</div><h5>轴带与干线（示意）</h5><ul>",
        _li(_line(style.AXIS_COLOR), "新兴产业集聚轴：高速公路"),
        _li(_line(style.AXIS_COLOR, dashed=True), "新兴产业集聚轴：高速铁路"),
        _li(_line(style.BELT_COLOR), "传统产业升级带：高速公路"),
        "</ul></div></div>",
    ]
    unplaced = int((_col(projects, "located") == "city").sum())
    note = "项目点位为所在地的代表点，并非实际选址"
    if unplaced:
        note += f"；{unplaced} 个未指明地点的项目标于市域"
    if state.basemap == "amap":
        note += "；高德底图为 GCJ-02，叠加图层已同步偏移"
    parts.append(f'<p class="dz-note dz-legend-foot">{_esc(note)}</p>')
    return "".join(parts)


# ------------------------------------------------------------------------ folium glue


class RawElement(Element):
    """Text that goes into the page as it is.

    branca wraps a rendered script in ``Element(text)``, which compiles the text as a
    Jinja template: slow for large payloads, and a data text holding ``{{ }}`` would be
    evaluated. This element is never compiled.
    """

    def __init__(self, text: str):
        super().__init__()
        self._name = "RawElement"
        self.text = text

    def render(self, **kwargs: Any) -> str:
        """The text itself."""
        return self.text


class DzCall(MacroElement):
    """``dzmap.<kind>(payload, options).addTo(parent)`` in the map script."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = dzmap.{{ this.kind }}(
            {{ this.payload }}, {{ this.options }}
        ).addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, part: Part):
        super().__init__()
        self._name = "DzCall"
        self.kind = part.kind
        self.payload = part.payload
        self.options = part.options

    def render(self, **kwargs: Any) -> None:
        """Add the script to the figure without compiling it (see :class:`RawElement`)."""
        script = self._template.module.__dict__["script"]
        self.get_root().script.add_child(RawElement(script(self, kwargs)), name=self.get_name())


class DzSetup(MacroElement):
    """Panes, scale bar and background of the map (runs before any layer)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        dzmap.setup({{ this._parent.get_name() }}, {{ this.options }});
        {% endmacro %}
        """
    )

    def __init__(self, options: Mapping[str, Any]):
        super().__init__()
        self._name = "DzSetup"
        self.options = script_json(dict(options))


def _feature_group(overlay: Overlay) -> folium.FeatureGroup:
    group = folium.FeatureGroup(name=overlay.name, show=overlay.show, control=overlay.control)
    for part in overlay.parts:
        group.add_child(DzCall(part))
    return group


def build_map(
    base: BaseLayers,
    view: ViewLayers,
    *,
    tianditu_key: str = "",
    assets: Assets = "served",
) -> MapParts:
    """folium objects for the map: a base map plus the view's overlay groups.

    The base map depends on ``base`` (and the 天地图 key) only, so it is identical
    across reruns that change the filter; the overlays are new feature groups.
    """
    (south, west), (north, east) = base.bounds
    fmap = folium.Map(
        location=[(south + north) / 2, (west + east) / 2],
        zoom_start=9,
        tiles=None,
        zoom_snap=0.25,
        zoom_delta=0.5,
        font_size="13px",
    )
    # folium hands min/max zoom to its own tile layer only; with no tiles, tell the map
    fmap.options.update(minZoom=MIN_ZOOM, maxZoom=MAX_ZOOM)
    fmap.default_js = (
        [(Path(p).stem, f"{SERVED_PREFIX}/{p}") for p in JS_ASSETS] if assets == "served" else []
    )
    fmap.default_css = (
        [(Path(p).stem + "_css", f"{SERVED_PREFIX}/{p}") for p in CSS_ASSETS]
        if assets == "served"
        else []
    )
    background = "#ffffff" if base.basemap == "none" else "#f2efe9"
    fmap.add_child(DzSetup({"background": background}), name="dz_setup")
    for tile in basemap_tiles(base.basemap, tianditu_key=tianditu_key):
        folium.TileLayer(
            tiles=tile.url,
            attr=tile.attr,
            name=tile.name,
            subdomains=tile.subdomains,
            overlay=tile.overlay,
            control=False,
            max_zoom=MAX_ZOOM,
        ).add_to(fmap)
    for overlay in base.overlays:
        fmap.add_child(_feature_group(overlay))
    # room on the right for the layer control and the legend
    fmap.fit_bounds(
        [list(base.bounds[0]), list(base.bounds[1])],
        padding_top_left=(10, 10),
        padding_bottom_right=(FIT_PAD_RIGHT, 10),
    )
    groups = [_feature_group(overlay) for overlay in view.overlays]
    return MapParts(fmap, groups, folium.LayerControl(collapsed=False, position="topright"))


def render_html(parts: MapParts, *, title: str = "") -> str:
    """The whole page of ``parts`` (overlays and layer control added), ids normalised."""
    fmap = parts.map
    for group in parts.overlays:
        fmap.add_child(group)
    fmap.add_child(parts.control)
    figure = fmap.get_root()
    if title:
        figure.title = html.escape(title)
    return normalise_ids(figure.render())


def normalise_ids(text: str) -> str:
    """Replace folium's random 32-hex element ids by stable sequence numbers."""
    seen: dict[str, str] = {}

    def repl(match: re.Match[str]) -> str:
        return "_" + seen.setdefault(match.group(1), f"{len(seen):03d}")

    return re.sub(r"_([0-9a-f]{32})(?![0-9a-f])", repl, text)


def inline_assets() -> str:
    """Every JS and CSS asset as inline ``<style>``/``<script>`` (images as data URIs)."""
    chunks = []
    for rel in CSS_ASSETS:
        css = (ASSETS_DIR / rel).read_text(encoding="utf-8")
        folder = (ASSETS_DIR / rel).parent

        def data_uri(match: re.Match[str], folder: Path = folder) -> str:
            path = folder / match.group(1)
            if not path.is_file():
                return match.group(0)
            encoded = base64.b64encode(path.read_bytes()).decode("ascii")
            return f"url(data:image/png;base64,{encoded})"

        css = re.sub(r"url\((images/[^)]+\.png)\)", data_uri, css)
        chunks.append(f"<style>\n{css}\n</style>")
    for rel in JS_ASSETS:
        js = (ASSETS_DIR / rel).read_text(encoding="utf-8")
        chunks.append("<script>\n" + js.replace("</script", "<\\/script") + "\n</script>")
    return "\n".join(chunks)


def standalone_html(layers: Layers, state: ViewState, *, tianditu_key: str = "") -> str:
    """A single offline HTML page of the map for ``state``: every JS/CSS file inlined."""
    parts = build_map(
        base_layers(layers, state.basemap),
        view_layers(layers, state),
        tianditu_key=tianditu_key,
        assets="inline",
    )
    parts.map.get_root().header.add_child(RawElement(inline_assets()), name="dz_assets", index=0)
    title = f"德州市新旧动能转换重点项目地图 — {state.filter.describe()}（{state.view}视图）"
    return render_html(parts, title=title)


def map_html(layers: Layers, state: ViewState, *, assets: Assets = "served") -> str:
    """The map page for ``state`` with assets linked (served) or inlined."""
    if assets == "inline":
        return standalone_html(layers, state)
    return render_html(build_map(base_layers(layers, state.basemap), view_layers(layers, state)))
