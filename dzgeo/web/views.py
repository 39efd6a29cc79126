"""The interactive planning map: Leaflet (through folium) from the published layers.

The map is built in two halves so the app can keep the first one still:

* :func:`base_layers` — what never changes with the filter (city outline, county lines,
  corridors and routes, the 双区 and the other zones), for one basemap;
* :func:`view_layers` — what the view state changes (county colouring and labels,
  the key projects, the legend).

Both return plain data (JSON text ready for a ``<script>``), cheap to cache; then
:func:`build_map` wraps them in folium objects: a base :class:`folium.Map` plus the
overlay feature groups (the groups a later view update, ``dzmap.view``, refills), and
:func:`render_html` / :func:`standalone_html` give a whole page (:mod:`dzgeo.web.mount`
takes it apart for the app page).

This module is the front door; the pieces live by concern:

* :mod:`dzgeo.web.overlays` — the plain-data overlays and :func:`script_json`;
* :mod:`dzgeo.web.popups`, :mod:`dzgeo.web.labels`, :mod:`dzgeo.web.legend` — the HTML
  of popups and tooltips, labels and the legend;
* :mod:`dzgeo.web.projects` — the compact project payload of the cluster layer;
* :mod:`dzgeo.web.basemaps` — the basemaps' tile layers;
* :mod:`dzgeo.web.page` — the folium glue and the page with its assets;
* :mod:`dzgeo.web.mount` — that page mounted in the app page (components v2);
* :mod:`dzgeo.web.live` — the view updates a filter change sends.

No CDN: Leaflet, Supercluster, fflate and ``dzmap.js`` are served from ``static/``
(Streamlit's static serving at ``/app/static/``) or inlined for the standalone page.
Every text from the data is HTML-escaped, in :func:`dzgeo.web.popups.esc` or in
``dzmap.js``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

import geopandas as gpd
import shapely

from dzgeo import __version__, style, symbology
from dzgeo.counting import county_counts
from dzgeo.data.published import Layers
from dzgeo.filters import VIEWS, ViewState, apply_filter
from dzgeo.frames import records
from dzgeo.settings import PLAN_TITLE
from dzgeo.vocabulary import split_multi
from dzgeo.web.basemaps import BASEMAP_LABELS, TileSpec, basemap_tiles
from dzgeo.web.labels import (
    anchor_label,
    county_labels,
    place_points,
    priority_terms,
    route_labels,
    zone_labels,
)
from dzgeo.web.legend import legend
from dzgeo.web.overlays import (
    BaseLayers,
    Overlay,
    Part,
    ViewLayers,
    geo_part,
    geo_ref_part,
    labels_part,
    script_json,
    shifted,
    store_part,
)
from dzgeo.web.page import (
    ASSETS_DIR,
    CSS_ASSETS,
    JS_ASSETS,
    MAX_ZOOM,
    MIN_ZOOM,
    SERVED_PREFIX,
    Assets,
    MapParts,
    RawElement,
    build_map,
    inline_assets,
    normalise_ids,
    render_html,
    root_figure,
)
from dzgeo.web.popups import (
    cell_text,
    corridor_popup,
    corridor_tip,
    county_popup,
    county_tip,
    esc,
    lead_zone_tip,
    route_popup,
    route_tip,
    zone_popup,
    zone_tip,
)
from dzgeo.web.projects import (
    COORD_STEP,
    PACK_THRESHOLD,
    city_anchor,
    layer_markers,
    n_at_city,
    project_markers,
    project_payload,
)
from dzgeo.web.symbols import leaflet_styles

__all__ = [
    "ASSETS_DIR",
    "BASEMAP_LABELS",
    "COORD_STEP",
    "COUNTY_STORE",
    "CSS_ASSETS",
    "JS_ASSETS",
    "MAX_ZOOM",
    "MIN_ZOOM",
    "PACK_THRESHOLD",
    "SERVED_PREFIX",
    "Assets",
    "BaseLayers",
    "MapParts",
    "Overlay",
    "Part",
    "TileSpec",
    "ViewLayers",
    "base_layers",
    "basemap_tiles",
    "build_map",
    "city_anchor",
    "city_outline",
    "inline_assets",
    "legend",
    "map_html",
    "normalise_ids",
    "page_heading",
    "project_markers",
    "project_payload",
    "render_html",
    "script_json",
    "standalone_html",
    "view_layers",
    "view_token",
]

#: County fill opacity at most, over a tile basemap (the basemap must stay readable).
TILE_FILL_OPACITY = 0.4
#: Name under which the base map stores the county geometry for the view's fill layer.
COUNTY_STORE = "counties"


def view_token(state: ViewState, ledger_version: int | None = None) -> str:
    """A short stable id of a view state (the map marks itself with it when updated);
    a ledger version other than the plan's changes it, so an import redraws the map."""
    query: dict[str, object] = dict(state.to_query())
    if ledger_version:
        query["ledger_version"] = ledger_version
    text = json.dumps(query, ensure_ascii=False, sort_keys=True)
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
                store_part(COUNTY_STORE, shifted(layers.counties_web, basemap)),
                geo_ref_part(
                    COUNTY_STORE,
                    _styled(symbology.county_line_symbol(), len(layers.counties_web)),
                    interactive=False,
                    pane="overlayPane",
                ),
            ),
        ),
        Overlay(
            "市界",
            (
                geo_part(
                    city,
                    _styled(symbology.city_outline_symbol(), len(city)),
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
    counties = shifted(layers.counties_web, basemap)
    outline = shapely.coverage_union_all(counties.geometry.values)
    return gpd.GeoDataFrame(geometry=[outline], crs=counties.crs)


def _styled(symbol: symbology.Symbol, n: int, layer: int = -1) -> list[dict[str, Any]]:
    """``n`` feature properties drawing ``symbol`` (its ``layer``-th Leaflet layer)."""
    return [{"_s": leaflet_styles(symbol)[layer]} for _ in range(n)]


def _corridor_overlay(layers: Layers, basemap: str) -> Overlay:
    frame = shifted(layers.corridors, basemap)
    tints, outlines = [], []
    for row in records(frame):
        (band,) = leaflet_styles(symbology.band_symbol(cell_text(row.get("id"))))
        # the tint takes no clicks, so the counties under it keep their popups
        tints.append({"_s": {**band, "stroke": False}})
        outlines.append(
            {
                "_s": {**band, "fill": False},
                "_t": corridor_tip(row),
                "_p": corridor_popup(row),
            }
        )
    return Overlay(
        "轴带走廊（示意）",
        (
            geo_part(frame, tints, interactive=False, pane="dzBand"),
            geo_part(frame, outlines, pane="dzBand", sticky=True),
        ),
    )


def _route_overlay(layers: Layers, basemap: str) -> Overlay:
    frame = shifted(layers.routes, basemap)
    corridor_names = dict(zip(layers.corridors["id"], layers.corridors["name"], strict=False))
    casing, lines = [], []
    for row in records(frame):
        symbol = symbology.route_symbol(cell_text(row.get("kind")), cell_text(row.get("corridor")))
        *under, top = leaflet_styles(symbol)
        casing.append({"_s": under[0] if under else {**top, "opacity": 0.0}})
        kind = "高速铁路" if row.get("kind") == "high_speed_rail" else "高速公路"
        lines.append(
            {
                "_s": top,
                "_t": route_tip(row, kind),
                "_p": route_popup(row, kind, corridor_names.get(row.get("corridor"), "")),
            }
        )
    return Overlay(
        "交通干线",
        (
            geo_part(frame, casing, interactive=False, pane="dzLine"),
            geo_part(frame, lines, pane="dzLine", sticky=True),
            labels_part(route_labels(frame, place_points(layers, basemap))),
        ),
    )


def _zone_props(zones: gpd.GeoDataFrame, tip: Any) -> list[dict[str, Any]]:
    props = []
    for row in records(zones):
        geom = row.get("geometry")
        symbol = symbology.zone_symbol(
            cell_text(row.get("kind")), getattr(geom, "geom_type", "Point")
        )
        props.append({"_s": leaflet_styles(symbol)[-1], "_t": tip(row), "_p": zone_popup(row)})
    return props


def _zone_overlays(layers: Layers, basemap: str) -> list[Overlay]:
    zones = shifted(layers.zones, basemap)
    lead = zones[zones["kind"] == "lead_zone"]
    other = zones[zones["kind"] != "lead_zone"]
    out: list[Overlay] = []
    if len(lead):
        out.append(
            Overlay(
                "双区引领",
                (
                    geo_part(
                        lead, _zone_props(lead, lead_zone_tip), pane="dzZone", highlight=False
                    ),
                    labels_part(zone_labels(lead, shorts=layers.place_shorts())),
                ),
            )
        )
    if len(other):
        # 多点突破 places that are zones (运河经济开发区) are labelled with their priorities
        terms = priority_terms(layers.priorities)
        out.append(
            Overlay(
                "园区与平台",
                (
                    geo_part(other, _zone_props(other, zone_tip), pane="dzZone"),
                    labels_part(zone_labels(other, terms)),
                ),
            )
        )
    return out


# ------------------------------------------------------------------------- view layers


def view_layers(
    layers: Layers, state: ViewState, *, projects_json: str | None = None
) -> ViewLayers:
    """The overlays that follow ``state``: county colouring and labels, projects, legend.

    ``projects_json``: the project layer's payload when the caller has it (the app's live
    map holds every project's and sends a mask, :mod:`dzgeo.web.live`), so the passing
    projects' payload is not made for nothing; by default, that of the passing projects.
    """
    flt = state.filter
    projects = apply_filter(layers.projects, flt, layers.vocab)
    per_county = county_counts(projects, layers.counties_web["adcode"])
    counties = shifted(layers.counties_web, state.basemap)
    token = view_token(state, layers.projects.attrs.get("ledger_version"))
    if state.view == "项目":
        totals = [int(per_county.get(cell_text(a), {}).get("", 0)) for a in counties["adcode"]]
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
    for row, fill_color in zip(records(counties), fills, strict=True):
        counts = per_county.get(cell_text(row.get("adcode")), {})
        county_style = dict(leaflet_styles(symbology.county_fill_symbol(fill_color))[0])
        if state.basemap != "none":  # let the basemap show through
            county_style["fillOpacity"] = min(county_style.get("fillOpacity", 1), TILE_FILL_OPACITY)
        props.append(
            {
                "_s": county_style,
                "_t": county_tip(row, counts, state.view),
                "_p": county_popup(row, counts, flt, list(layers.vocab.industries)),
            }
        )
    fill = Overlay(
        fill_name,
        (geo_ref_part(COUNTY_STORE, props, pane="dzFill", sticky=True, highlight=True),),
    )
    labels = Overlay("区县名称", (labels_part(county_labels(layers, counties, per_county, state)),))
    n = len(projects)
    anchor = city_anchor(shapely.coverage_union_all(counties.geometry.values))
    if projects_json is None:
        projects_json = script_json(
            project_payload(
                layer_markers(layers, projects),
                basemap=state.basemap,
                anchor=anchor,
                year=flt.year,
                groups=layers.vocab.industries,
            )
        )
    project_parts = [
        Part(
            "projects",
            projects_json,
            script_json(
                {
                    "token": token,
                    "minZoom": MIN_ZOOM,
                    "maxZoom": MAX_ZOOM,
                    # the 布局 view opens with zones and labels in sight, not under clusters
                    "startHidden": state.view == VIEWS[0],
                }
            ),
        )
    ]
    n_city = n_at_city(projects)
    if n_city:
        project_parts.append(labels_part([anchor_label(anchor, n_city)]))
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


# ------------------------------------------------------------------------------- pages


def standalone_html(layers: Layers, state: ViewState, *, today: dt.date | None = None) -> str:
    """A single offline HTML page of the map for ``state``: every JS/CSS file inlined, and
    a heading on the page with the title, the filter, the source and the date.

    It takes no 天地图 key and writes none: the page is made to be forwarded, and a
    天地图 basemap in it says that it needs a key.
    """
    parts = build_map(
        base_layers(layers, state.basemap), view_layers(layers, state), assets="inline"
    )
    root = root_figure(parts.map)
    root.header.add_child(RawElement(inline_assets()), name="dz_assets", index=0)
    title = f"德州市新旧动能转换重点项目地图 — {state.filter.describe()}（{state.view}视图）"
    root.html.add_child(RawElement(page_heading(state, today=today)), name="dz_head", index=0)
    return render_html(parts, title=title)


def page_heading(state: ViewState, *, today: dt.date | None = None) -> str:
    """The offline page's heading (HTML, every text escaped): title, filter, source, date."""
    day = (today or dt.date.today()).isoformat()
    lines = [
        f"<b>德州市新旧动能转换规划地图（{esc(state.view)}视图）</b>",
        f"<span>筛选：{esc(state.filter.describe())}</span>",
        f"<span>来源：《{esc(PLAN_TITLE)}》 · 制图 dzgeo {esc(__version__)} · {day}</span>",
    ]
    if state.basemap == "tianditu":
        note = "天地图底图需要密钥，离线网页不保存密钥，故不显示底图"
        lines.append(f'<span class="dz-note">{note}</span>')
    return '<div class="dz-page-head">' + "".join(lines) + "</div>"


def map_html(layers: Layers, state: ViewState, *, assets: Assets = "served") -> str:
    """The map page for ``state`` with assets linked (served) or inlined."""
    if assets == "inline":
        return standalone_html(layers, state)
    return render_html(build_map(base_layers(layers, state.basemap), view_layers(layers, state)))
