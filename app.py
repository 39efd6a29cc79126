"""德州市新旧动能转换实施规划（2018–2022）空间布局 — the Streamlit app.

Thin by design: sidebar widgets and URL parameters become one ViewState through
:mod:`dzgeo.filters`, the library builds the map, tables and files, and this script
only lays them out. Run with ``streamlit run app.py``.

Environment: ``DZGEO_LAYERS_DIR`` (published layers, default layers/),
``DZGEO_TIANDITU_KEY`` (天地图 key), ``DZGEO_RUN_LOG`` (append one line per script
run, for the benchmark).
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import time
import uuid
from collections.abc import Callable
from typing import Any

import geopandas as gpd
import pandas as pd
import pyarrow as pa
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from dzgeo import downloads, settings, tables
from dzgeo.counting import COUNT_RULE
from dzgeo.data.published import Layers, read_layers
from dzgeo.errors import DzgeoError
from dzgeo.filters import (
    BASEMAPS,
    MAP_POSITION_KEY,
    VIEWS,
    ProjectFilter,
    ViewState,
    allowed_subfields,
    apply_filter,
    parse_view_state,
    subfield_counts,
)
from dzgeo.ledger import view as ledger_view
from dzgeo.ledger.conditions import FIRST_YEAR, last_year
from dzgeo.ledger.store import LedgerStore, open_store
from dzgeo.literal import capped_notices, markdown_lines, markdown_literal
from dzgeo.settings import ledger_store
from dzgeo.web import live, picks
from dzgeo.web import views as webmap
from dzgeo.web.legend import map_notes
from dzgeo.web.mount import component_module, map_mount
from dzgeo.web.page import app_css
from dzgeo.web.picks import CLEAR_LABEL, PICK_FIELDS, PickList, pick_lists
from dzgeo.web.summary import Segments, summary_line
from dzgeo.web.table import table_data

TITLE = "德州市新旧动能转换规划地图"
SUBTITLE = f"《{settings.PLAN_TITLE}》的空间布局与重点支持项目"
SIDEBAR_TITLE = "视图与筛选"
WIDGETS = {  # URL key -> widget key
    "view": "w_view",
    "group": "w_groups",
    "industry": "w_industries",
    "subfield": "w_subfields",
    "place": "w_places",
    "q": "w_text",
    "status": "w_statuses",
    "start": "w_start",
    "invest": "w_invest",
    "year": "w_year",
    "basemap": "w_basemap",
}

#: Sidebar lists are picked from, not typed into: Streamlit's "Select all" option and
#: the "No results" of a search that finds nothing are English and cannot be translated.
PICK_ONLY: dict[str, Any] = {"select_all": False, "filter_mode": None}
#: Typed boxes take their text after a pause (and on Enter or leaving the box), so they
#: show no English "Press Enter to apply" hint.
TYPED = "1s"

log = logging.getLogger("dzgeo.app")
#: The parameter that stands for a query string Streamlit dropped whole.
DROPPED_QUERY = "_dz_dropped"


@st.cache_resource(show_spinner="读取图层…")
def load_layers(path: str) -> Layers:
    """The published layers (read once per server)."""
    return read_layers(path)


@st.cache_resource(max_entries=4, show_spinner="读取项目台账…")
def load_current(_layers: Layers, path: str, store: str, version: int) -> Layers:
    """The layers with the projects of ledger ``version`` (read once per version)."""
    if not ledger_view.store_exists(store):
        return ledger_view.current_layers(_layers, path)
    with open_store(store) as opened:
        return ledger_view.current_layers(_layers, path, store=opened, version=version)


@st.cache_resource(max_entries=4, show_spinner=False)
def held_store(store: str) -> LedgerStore:
    """The ledger store held open by this server (its lock makes it thread-safe): every
    run asks it for the current version without connecting again."""
    return open_store(store)


def opened_store(store: str) -> LedgerStore | None:
    """:func:`held_store` once the store exists (reading never creates one)."""
    return held_store(store) if ledger_view.store_exists(store) else None


@st.cache_resource(max_entries=8, show_spinner=False)
def cached_base(_layers: Layers, path: str, basemap: str) -> webmap.BaseLayers:
    """Filter-independent map layers for one basemap."""
    return webmap.base_layers(_layers, basemap)


@st.cache_resource(max_entries=64, show_spinner=False)
def cached_view(_layers: Layers, path: str, state: ViewState) -> webmap.ViewLayers:
    """Map layers for one view state, the project layer carrying every project (the
    live map's: its payload is made once per basemap, not once per filter)."""
    every = cached_live_projects(_layers, path, state.basemap)
    return webmap.view_layers(_layers, state, projects_json=every)


@st.cache_resource(max_entries=8, show_spinner=False)
def cached_live_projects(_layers: Layers, path: str, basemap: str) -> str:
    """Every project's payload for one basemap (reaches a browser once per page)."""
    return live.live_projects(_layers, basemap)


@st.cache_resource(max_entries=64, show_spinner=False)
def cached_live_view(_layers: Layers, path: str, state: ViewState) -> webmap.ViewLayers:
    """The view layers for one state, the project layer carrying every project + a mask."""
    year = state.filter.year
    rest = cached_projects(_layers, path, picks.rest_filter(state.filter))
    return live.live_view(
        cached_view(_layers, path, state),
        cached_live_projects(_layers, path, state.basemap),
        live.project_mask(_layers.projects, cached_projects(_layers, path, state.filter)),
        stages=None if year is None else live.project_stages(_layers.projects, year),
        year=year,
        rest=live.project_mask(_layers.projects, rest),
        picks_key=picks.picks_key(path, len(_layers.projects)),
    )


@st.cache_resource(max_entries=4, show_spinner=False)
def cached_option_masks(_layers: Layers, path: str) -> str:
    """Every pick-list option's projects (sent to a page once, after its map drew)."""
    return picks.option_masks(
        _layers.projects,
        _layers.vocab,
        cached_subfield_counts(_layers, path),
        picks.picks_key(path, len(_layers.projects)),
    )


@st.cache_resource(max_entries=64, show_spinner=False)
def cached_projects(_layers: Layers, path: str, flt: ProjectFilter) -> gpd.GeoDataFrame:
    """The projects that pass ``flt``."""
    return apply_filter(_layers.projects, flt, _layers.vocab)


@st.cache_resource(max_entries=8, show_spinner=False)
def cached_subfield_counts(_layers: Layers, path: str) -> dict[str, int]:
    """How many projects list each sub-field (the widget marks those with none)."""
    return subfield_counts(_layers.projects, _layers.vocab)


@st.cache_resource(max_entries=4, show_spinner=False)
def cached_fixed_tables(_layers: Layers, path: str) -> dict[str, pd.DataFrame]:
    """The tables no filter changes: every project's row (the browser's table shows a
    filter's rows of it) and 表1."""
    every = tables.project_table(_layers.projects, county_names(_layers))
    return {
        "projects": every,
        "indicators": tables.indicator_panel(_layers.indicators),
    }


@st.cache_resource(max_entries=16, show_spinner=False)
def cached_industry_panel(_layers: Layers, path: str, year: int | None) -> pd.DataFrame:
    """The 12 industries with the progress of all their projects (in ``year``): the same
    for every filter, so a filter change sends it by reference only."""
    return tables.industry_panel(
        _layers.industries, _layers.projects, _layers.vocab, year=year, passing_column=False
    )


@st.cache_resource(max_entries=64, show_spinner=False)
def cached_tables(_layers: Layers, path: str, flt: ProjectFilter) -> dict[str, pa.Table]:
    """The tables shown for ``flt``: counties, 表1 and the 12 industries, as
    Arrow tables for ``st.dataframe`` (:func:`dzgeo.tables.display_table`)."""
    projects = cached_projects(_layers, path, flt)
    fixed = cached_fixed_tables(_layers, path)
    shown = {
        "counties": tables.county_table(projects, _layers.counties),
        "indicators": fixed["indicators"],
        "industries": cached_industry_panel(_layers, path, flt.year),
    }
    return {name: tables.display_table(frame) for name, frame in shown.items()}


@st.cache_resource(max_entries=64, show_spinner=False)
def cached_summary(_layers: Layers, path: str, flt: ProjectFilter, version: int) -> Segments:
    """The line above the map for ``flt`` (ledger ``version``): counts, progress, per
    industry (:mod:`dzgeo.web.summary`)."""
    shown = cached_projects(_layers, path, flt)
    return summary_line(shown, _layers.projects, _layers.vocab, flt, version)


def county_names(layers: Layers) -> dict[str, str]:
    """adcode -> county name."""
    counties = layers.counties
    return dict(zip(counties["adcode"].astype(str), counties["name"].astype(str), strict=True))


def widget_query() -> dict[str, list[str] | str]:
    """The widgets' values in URL-parameter form."""
    state = st.session_state
    return {
        "view": state.get("w_view", VIEWS[0]),
        "group": list(state.get("w_groups", [])),
        "industry": list(state.get("w_industries", [])),
        "subfield": list(state.get("w_subfields", [])),
        "place": list(state.get("w_places", [])),
        "q": state.get("w_text", ""),
        "status": list(state.get("w_statuses", [])),
        "start": state.get("w_start", ""),
        "invest": state.get("w_invest", ""),
        "year": str(state.get("w_year", last_year())) if state.get("w_year_on") else "",
        "basemap": state.get("w_basemap", BASEMAPS[0]),
    }


def set_widgets(state: ViewState) -> None:
    """Put ``state`` into the widgets (before they are drawn)."""
    flt = state.filter
    st.session_state.update(
        w_view=state.view,
        w_groups=list(flt.groups),
        w_industries=list(flt.industries),
        w_subfields=list(flt.subfields),
        w_places=list(flt.places),
        w_text=flt.text,
        w_statuses=list(flt.statuses),
        w_start=flt.to_query().get("start", [""])[0],
        w_invest=flt.to_query().get("invest", [""])[0],
        w_year_on=flt.year is not None,
        w_year=flt.year if flt.year is not None else last_year(),
        w_basemap=state.basemap,
    )


def clear_filter() -> None:
    """Reset the filter widgets, keeping the view and the basemap."""
    st.session_state.update(w_groups=[], w_industries=[], w_subfields=[], w_places=[], w_text="")
    st.session_state.update(w_statuses=[], w_start="", w_invest="", w_year_on=False)


def init_from_url(layers: Layers) -> None:
    """On a session's first run: the URL's view state goes into the widgets."""
    if "dz_initial" in st.session_state:
        return
    raw = {key: st.query_params.get_all(key) for key in st.query_params}
    dropped = raw.pop(DROPPED_QUERY, None)
    state, notices = parse_view_state(raw, layers.vocab)
    if dropped:
        notices.insert(
            0,
            f"网址参数过多或过长（{dropped[0]} 个字符，超过 1,000 个参数或 512 KB），已全部忽略，"
            "显示默认视图",
        )
    set_widgets(state)
    st.session_state.w_tianditu = settings.tianditu_key()
    st.session_state.dz_initial = state
    st.session_state.dz_notices = notices


def current_state(layers: Layers) -> tuple[ViewState, str]:
    """The view state and the 天地图 key held by the widgets (read before drawing them)."""
    vocab = layers.vocab
    options = allowed_subfields(
        vocab, groups=st.session_state.w_groups, industries=st.session_state.w_industries
    )
    # a sub-field of an industry no longer chosen is dropped, not an error
    st.session_state.w_subfields = [s for s in st.session_state.w_subfields if s in options]
    state, notices = parse_view_state(widget_query(), vocab)
    # what a planner typed into a range box and could not be read is said, not ignored
    st.session_state.dz_range_notices = [n for n in notices if "开工年份" in n or "总投资" in n]
    key = st.session_state.get("w_tianditu", "") if state.basemap == "tianditu" else ""
    return state, key


def sidebar(layers: Layers, path: str) -> None:
    """The sidebar widgets. Drawn after the map, so the map reaches the browser first;
    their values are already in the session state when a run starts."""
    vocab = layers.vocab
    sb = st.sidebar
    sb.header(SIDEBAR_TITLE)
    sb.radio(
        "视图",
        VIEWS,
        key="w_view",
        horizontal=True,
        help="布局：轴带联动与多点突破；项目：各区县项目数",
    )
    lists = pick_lists(
        vocab,
        cached_subfield_counts(layers, path),
        groups=st.session_state.w_groups,
        industries=st.session_state.w_industries,
    )
    for name in ("groups", "industries", "subfields", "places"):
        pick_list(sb, lists[name])
    sb.text_input("关键词", key="w_text", placeholder="项目或企业名称", max_chars=100, live=TYPED)
    pick_list(sb, lists["statuses"])
    cols = sb.columns(2)
    cols[0].text_input(
        "开工年份", key="w_start", placeholder="如 2019-2021", max_chars=20, live=TYPED
    )
    cols[1].text_input(
        "总投资（亿元）", key="w_invest", placeholder="如 1-10", max_chars=30, live=TYPED
    )
    for notice in capped_notices(st.session_state.get("dz_range_notices", [])):
        sb.warning(markdown_literal(notice))
    sb.toggle("按年份查看", key="w_year_on", help="只显示该年已开工的项目；已竣工的加深色外圈")
    if st.session_state.get("w_year_on"):
        sb.slider("年份", FIRST_YEAR, last_year(), key="w_year")
    sb.button(CLEAR_LABEL, on_click=clear_filter, use_container_width=True)
    sb.divider()
    sb.selectbox(
        "底图",
        BASEMAPS,
        key="w_basemap",
        format_func=lambda b: webmap.BASEMAP_LABELS[b],
        filter_mode=None,
    )
    if st.session_state.w_basemap == "tianditu":
        sb.text_input(
            "天地图密钥（tk）",
            key="w_tianditu",
            type="password",
            help="在天地图开放平台申请；只在本次会话中使用，不写入网址",
            live=TYPED,
        )


#: The widget key of each pick list (by filter field).
PICK_KEYS = {field: f"w_{field}" for field in PICK_FIELDS}


def pick_list(sb: DeltaGenerator, pick: PickList) -> None:
    """One pick list of the sidebar (labels and shown text from :mod:`dzgeo.web.picks`,
    which the browser reads too)."""
    sb.multiselect(
        pick.label,
        pick.options,
        key=PICK_KEYS[pick.field],
        placeholder=pick.placeholder,
        format_func=pick.format,
        **PICK_ONLY,
    )


def url_query() -> dict[str, list[str]]:
    """The URL's parameters, without the map position (the browser keeps that one)."""
    return {key: st.query_params.get_all(key) for key in st.query_params if key != MAP_POSITION_KEY}


def follow_history(layers: Layers) -> None:
    """Back / Forward: when the URL is no longer the one this session last wrote, the
    browser stepped through its history, so the URL's filter goes into the widgets."""
    last = st.session_state.get("dz_url")
    raw = url_query()
    if last is not None and raw != last:
        state, _ = parse_view_state(raw, layers.vocab)
        set_widgets(state)


def sync_url(state: ViewState) -> None:
    """Write ``state`` to the URL (only when it changed, so nothing reruns); each filter
    change becomes one browser history entry."""
    wanted = state.to_query()
    if url_query() != wanted:
        st.query_params.from_dict(wanted)
    st.session_state.dz_url = wanted


def notice_dropped_query_strings() -> None:
    """Make Streamlit say when it drops a whole query string (over 1,000 parameters or
    512 KiB): it then passes a marker parameter instead of nothing, and the page says so.

    Installed when this script first runs, so it covers every session after the first.
    """
    from streamlit.runtime import app_session
    from streamlit.runtime.state import query_params

    for module in (app_session, query_params):
        original = module.sanitize_query_string
        if getattr(original, "dz_marks_drops", False):
            continue

        def sanitize(query_string: str, original=original) -> str:
            kept = original(query_string)
            return kept if kept or not query_string else f"{DROPPED_QUERY}={len(query_string)}"

        sanitize.dz_marks_drops = True  # type: ignore[attr-defined]
        setattr(module, "sanitize_query_string", sanitize)  # noqa: B010 (a module of two)


def download_row(layers: Layers, state: ViewState, projects: gpd.GeoDataFrame) -> None:
    """Download buttons; every file is made only when its button is clicked."""
    flt = state.filter
    english = st.session_state.get("w_field_names") == "英文字段名（GIS）"
    vocab = layers.vocab
    info = downloads.DownloadInfo(filter=flt)
    files: list[tuple[str, Callable[[], bytes | str], str, str]] = [
        (
            "CSV",
            lambda: downloads.projects_csv(projects, vocab, english=english),
            downloads.download_name(flt, "csv"),
            "text/csv",
        ),
        (
            "Excel",
            lambda: downloads.projects_xlsx(projects, vocab, info=info, english=english),
            downloads.download_name(flt, "xlsx"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        (
            "GeoJSON",
            lambda: downloads.projects_geojson(projects, vocab, english=english),
            downloads.download_name(flt, "geojson"),
            "application/geo+json",
        ),
        (
            "离线网页",
            # never the 天地图 key: the page is made to be forwarded
            lambda: webmap.standalone_html(layers, state),
            downloads.download_name(flt, "html", stem=f"德州规划地图-{state.view}"),
            "text/html",
        ),
    ]
    kind = "layout" if state.view == VIEWS[0] else "projects"

    def briefing(fmt: str) -> bytes:
        # imported on click: matplotlib would add ~0.5 s to every page open
        from dzgeo import briefing as sheets

        return sheets.render(layers, kind=kind, flt=flt, fmt=fmt)

    def briefing_set(fmt: str) -> bytes:
        from dzgeo import briefing as sheets

        return sheets.render_set(layers, flt=flt, each="industry", fmt=fmt)

    for fmt, mime in (("png", "image/png"), ("pdf", "application/pdf")):
        files.append(
            (
                f"简报图 {fmt.upper()}",
                functools.partial(briefing, fmt),
                f"dezhou-{kind}.{fmt}",
                mime,
            )
        )
    files += [
        (
            "简报图集 PDF",
            lambda: briefing_set("pdf"),
            "dezhou-briefing-set.pdf",
            "application/pdf",
        ),
        (
            "幻灯片 PPTX",
            lambda: briefing_set("pptx"),
            "dezhou-briefing.pptx",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ),
    ]
    cols = st.columns(len(files))
    for col, (label, make, name, mime) in zip(cols, files, strict=True):
        col.download_button(
            label, data=make, file_name=name, mime=mime, on_click="ignore", use_container_width=True
        )


def panels(shown: dict[str, pa.Table], notes: str, ledger: Callable[[], None]) -> None:
    """表1, the 12 industries, the county counts, the notes (Markdown) and the ledger tab
    (drawn by ``ledger``)."""
    tab1, tab2, tab4, tab3, tab5 = st.tabs(
        ["表1 主要指标", "十二大产业", "各县市区项目数", "说明", "项目台账"]
    )
    with tab5:
        ledger()
    with tab1:
        st.caption(
            "2017 年基期与 2022 年目标（规划第二章第二节表1）；“变化”：百分比指标为两者之差"
            "（百分点），其余为目标与基期之比（倍）"
        )
        st.dataframe(shown["indicators"], hide_index=True, height=_height(shown["indicators"]))
    with tab2:
        st.caption(
            "各产业 2022 年目标、重点支持项目数与核心区（规划第三章、专栏 1–12）；"
            "台账的在建、竣工与总投资为该产业全部项目的，筛选结果各产业的项目数见地图上方"
        )
        st.dataframe(shown["industries"], hide_index=True, height=_height(shown["industries"]))
    with tab4:
        st.caption(COUNT_RULE)
        st.dataframe(shown["counties"], hide_index=True, height=_height(shown["counties"]))
    with tab3:
        st.markdown(notes)


def map_and_view(layers: Layers, path: str, state: ViewState, key: str, line: Segments) -> bool:
    """Draw the line above the map and the map; True when the rest of the page may be
    drawn now.

    The map element is built from the session's first view state (with the current
    basemap), so it stays the same while the filter changes: Streamlit then sends only
    a reference to it. The current view goes to the map as a small update
    (:mod:`dzgeo.web.live`), sent before the map element so an open map redraws without
    waiting for the rest of the run. Until the map reports it has drawn, the tables
    wait, so they do not hold up the map; without a browser (AppTest: no request
    headers) there is no map to wait for.
    """
    session = st.session_state
    session.setdefault("dz_ask", uuid.uuid4().hex)
    ready = session.get("dz_map_ready", False) or not st.context.headers
    view = cached_live_view(layers, path, state)
    # the pick lists' option masks: once per page and ledger version, after the map drew
    # (not on the page-open path); from then on the map follows a pick at once
    options = None
    if ready and session.get("dz_picks_held") != path:
        options = cached_option_masks(layers, path)
    update = live.view_update(view, ask=None if ready else session.dz_ask, picks=options)
    # the view component shows the line (as text) and hands the update to the map
    component("view")(key=VIEW_KEY, data={**live.packed_update(update), "line": line})
    if options is not None:  # on its way (a run stopped before it sends it again)
        session.dz_picks_held = path
    first = dataclasses.replace(session.dz_initial, basemap=state.basemap)
    component("map")(
        key=MAP_KEY, data=cached_map_data(layers, path, first, key), on_ready_change=map_reported
    )
    return ready


#: The map component's key (its "ready" state is in the session state under it).
MAP_KEY = "dzmap"


#: The view component's key.
VIEW_KEY = "dzview"


@st.cache_resource
def component(name: str) -> Callable[..., Any]:
    """The app's component ``name`` — "map", "view" or "table"
    (:data:`dzgeo.web.mount.COMPONENT_MODULES`) — registered once per server, in the
    page itself (no iframe). Components, not ``st.html`` and ``st.markdown``: the page
    loads and parses nothing of its own for them before the map (Streamlit's HTML
    element is a code chunk fetched first; its Markdown took ~40 ms). The map's carries
    the page's own styles (a compact head, the map as tall as the screen allows), so they
    come with it, not as an element before."""
    css = app_css() if name == "map" else None
    return st.components.v2.component(
        f"dzgeo_{name}", js=component_module(name), css=css, isolate_styles=False
    )


@st.cache_resource(max_entries=16, show_spinner=False)
def cached_map_data(_layers: Layers, path: str, state: ViewState, key: str) -> dict[str, object]:
    """The map component's data for the map of ``state``, made once."""
    parts = webmap.build_map(
        cached_base(_layers, path, state.basemap),
        cached_live_view(_layers, path, state),
        tianditu_key=key,
    )
    return map_mount(parts).data()


#: The table component's key.
TABLE_KEY = "dztable"


@st.cache_resource(max_entries=4, show_spinner=False)
def cached_table_data(_layers: Layers, path: str) -> dict[str, Any]:
    """Every project's row for the table component (the same for every filter)."""
    every = cached_fixed_tables(_layers, path)["projects"]
    return table_data(every, picks.picks_key(path, len(_layers.projects)))


def map_reported() -> None:
    """The map's "ready" state changed: it has drawn if it answers this session's ask."""
    value = st.session_state.get(MAP_KEY) or {}
    if value.get("ready") == st.session_state.get("dz_ask"):
        mark_map_ready()


def mark_map_ready() -> None:
    """The map has drawn (or could not be drawn): draw the rest from now on."""
    st.session_state.dz_map_ready = True


def ledger_tab(layers: Layers, layers_dir: str, store: str, version: int) -> None:
    """The ledger: the current version, the template, an upload with its preview (nothing
    is stored until the user confirms; a file with problems is refused whole), and a
    switch to another version. What the user's file says is shown as plain text."""
    done = st.session_state.pop("dz_ledger_done", None)
    if done:
        st.success("台账已更新，地图、表格和下载已改用新版本：")
        st.text(done)
    known = ledger_view.versions(store, opened=opened_store(store))
    current = next((v for v in known if v.number == version), None)
    st.text("当前版本：" + (current.describe() if current else "第 0 版（规划原文，尚未导入台账）"))
    st.download_button(
        "下载台账模板（Excel，含当前版本的值）",
        data=lambda: ledger_view.template_for(layers),
        file_name="台账模板.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        on_click="ignore",
    )
    upload = st.file_uploader(
        "上传项目台账（XLSX、CSV 或 GeoJSON）：先预览，确认后才保存为新版本",
        type=list(ledger_view.UPLOAD_SUFFIXES),
        key=f"w_upload_{st.session_state.get('dz_upload_round', 0)}",
    )
    if upload is not None:
        upload_preview(upload.file_id, upload.name, upload.getvalue(), layers_dir, store, version)
    if len(known) > 1:
        st.divider()
        chosen = st.selectbox(
            "切换到另一版本（作为新版本恢复，原有版本都保留）",
            [v.number for v in known if v.number != version],
            format_func=lambda n: next(v.describe() for v in known if v.number == n),
            key="w_revert",
        )
        if st.button("恢复为所选版本", key="w_revert_go") and chosen is not None:
            made = ledger_view.revert_to(store, int(chosen))
            st.session_state.dz_ledger_done = f"已恢复：{made.describe()}"
            st.rerun()


def upload_preview(
    file_id: str, name: str, data: bytes, layers_dir: str, store: str, version: int
) -> None:
    """The preview of an uploaded file and, when it has no problem, the confirm button.
    The preview is made once per file and version, not on every rerun."""
    key = (file_id, version)
    held = st.session_state.get("dz_preview")
    if held is None or held[0] != key:
        try:
            held = (key, ledger_view.preview_upload(data, name, store, layers_dir), "")
        except DzgeoError as exc:  # unreadable: not a table, wrong encoding, no 编号 column
            held = (key, None, str(exc))
        st.session_state.dz_preview = held
    _, preview, unreadable = held
    if preview is None:
        st.error("文件无法读取，未导入。")
        st.text(unreadable)
        return
    st.text(preview.summary())
    for note in preview.notes:
        st.text(f"注意：{note}")
    if preview.problems:
        st.error(f"发现 {len(preview.problems)} 个问题，整个文件未导入；请按下表修改后重新上传。")
        st.dataframe(ledger_view.problem_table(preview.problems), hide_index=True)
        return
    if st.button("确认导入", type="primary", key="w_import"):
        try:
            made, _ = ledger_view.import_upload(data, name, store, layers_dir)
            st.session_state.pop("dz_preview", None)
        except DzgeoError as exc:  # the current version changed under the preview
            st.error("导入未完成，台账未改变。")
            st.text(str(exc))
            return
        st.session_state.dz_ledger_done = f"已保存为{made.describe()}"
        st.session_state.dz_upload_round = st.session_state.get("dz_upload_round", 0) + 1
        st.rerun()


def _height(frame: pa.Table, rows: int = 25) -> int:
    """Pixel height showing up to ``rows`` rows of ``frame`` without inner scrolling."""
    return 38 + 35 * min(len(frame), rows)


def main() -> None:
    """One run of the app."""
    started = time.perf_counter()
    st.set_page_config(page_title="德州新旧动能转换规划地图", page_icon="🗺️", layout="wide")
    try:
        page()
    except DzgeoError as exc:  # bad input that reached the page: the message, as text
        st.error(markdown_lines(exc))
    finally:
        log = settings.run_log()
        if log is not None:  # the benchmark counts and times script runs
            with log.open("a", encoding="utf-8") as fh:
                fh.write(f"{time.time():.3f},{time.perf_counter() - started:.4f}\n")


def page() -> None:
    """The page's content."""
    layers_dir = str(settings.layers_dir())
    store = ledger_store()
    try:
        plan = load_layers(layers_dir)
        version = ledger_view.current_version(store, opened=opened_store(store))
        layers = load_current(plan, layers_dir, store, version)
    except DzgeoError as exc:
        st.error(markdown_lines(exc))
        st.stop()
    path = f"{layers_dir}#{store}#v{version}"  # the cache key of everything drawn below
    init_from_url(layers)
    follow_history(layers)
    state, key = current_state(layers)
    sync_url(state)

    # the map's component first on the wire (the head is drawn above it, into a container
    # made before it): the browser starts loading the component's code at the first delta
    head = st.container()
    ready = map_and_view(
        layers, path, state, key, cached_summary(layers, path, state.filter, version)
    )
    with head:
        st.title(TITLE)
        st.caption(SUBTITLE)
        if state == st.session_state.dz_initial:
            for notice in capped_notices(st.session_state.dz_notices):
                st.warning(markdown_literal(f"网址参数：{notice}"))
        if state.basemap == "tianditu" and not key.strip():
            st.warning(
                "天地图底图需要密钥：请在侧栏填写，或设置环境变量 DZGEO_TIANDITU_KEY。"
                "当前不显示底图。"
            )
    projects = cached_projects(layers, path, state.filter)
    if not ready:
        # the sidebar's widgets wait too (their values are in the session state already):
        # drawn in the map's batch they held up its iframe (~0.6 s of a 2 s open); the
        # sidebar's title keeps its room, so the map does not shift when they come. No
        # button to skip the wait: a widget's code is fetched before the map's is run,
        # and a map that cannot be drawn reports too (dzmount.js), with its reason
        st.sidebar.header(SIDEBAR_TITLE)
        st.caption("地图绘制完成后显示筛选、项目表格与下载…")
        return

    shown = cached_tables(layers, path, state.filter)
    st.subheader("重点项目")
    st.caption(COUNT_RULE)
    if not len(projects):
        st.info(tables.EMPTY_MESSAGE)
    # every row reached the browser once: it shows those of the map's mask by itself
    component("table")(key=TABLE_KEY, data=cached_table_data(layers, path))
    st.caption(
        "下载符合条件的项目（表格、GeoJSON）、离线网页地图或简报图。"
        "未指明具体地点的全市层面项目不带坐标（GeoJSON 几何为空），见“位置说明”列："
    )
    st.radio(
        "表格字段名",
        ("中文表头", "英文字段名（GIS）"),
        key="w_field_names",
        horizontal=True,
        label_visibility="collapsed",
    )
    download_row(layers, state, projects)
    panels(shown, map_notes(layers), lambda: ledger_tab(layers, layers_dir, store, version))
    sidebar(layers, path)


notice_dropped_query_strings()
main()
