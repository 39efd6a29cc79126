"""The app's live map (dzgeo.web.live): every project once, a filter as a mask + update."""

from __future__ import annotations

import base64
import dataclasses
import json
import zlib

import numpy as np

from dzgeo.data.published import Layers
from dzgeo.filters import ProjectFilter, ViewState, apply_filter
from dzgeo.web import live
from dzgeo.web import views as webmap
from dzgeo.web.mount import map_mount
from dzgeo.web.page import JS_ASSETS, SERVED_PREFIX


def live_view(layers: Layers, state: ViewState) -> webmap.ViewLayers:
    shown = apply_filter(layers.projects, state.filter, layers.vocab)
    return live.live_view(
        webmap.view_layers(layers, state),
        live.live_projects(layers, state.basemap),
        live.project_mask(layers.projects, shown),
    )


def bits(mask: str, n: int) -> np.ndarray:
    raw = np.frombuffer(base64.b64decode(mask), dtype=np.uint8)
    return np.unpackbits(raw, bitorder="little")[:n].astype(bool)


def test_mask_marks_exactly_the_filtered_rows(layers):
    flt = ProjectFilter(industries=("新能源",), places=("德城区",))
    shown = apply_filter(layers.projects, flt, layers.vocab)
    got = bits(live.project_mask(layers.projects, shown), len(layers.projects))
    assert got.sum() == len(shown) > 0
    assert list(layers.projects.index[got]) == list(shown.index)
    nothing = layers.projects.iloc[:0]
    assert not bits(live.project_mask(layers.projects, nothing), len(layers.projects)).any()


def test_project_layer_carries_every_project_whatever_the_filter(layers):
    one = live_view(layers, ViewState(ProjectFilter(industries=("新材料",))))
    every = live.live_projects(layers)
    parts = [p for o in one.overlays for p in o.parts if p.kind == "projects"]
    assert len(parts) == 1 and parts[0].payload == every
    data = json.loads(every)
    # the projects in order, then the extra markers of those counted in several counties
    assert data["n"][: len(layers.projects)] == list(layers.projects["name"])
    assert len(data["n"]) - len(data["xu"]) == len(layers.projects)
    assert "mask" in json.loads(parts[0].options)


def test_view_layers_take_the_callers_project_payload(layers):
    """The app's live views carry the payload of every project, made once, not the
    passing projects' payload made for each filter and thrown away."""
    state = ViewState(ProjectFilter(industries=("新材料",)))
    every = live.live_projects(layers)
    given = webmap.view_layers(layers, state, projects_json=every)
    made = webmap.view_layers(layers, state)
    kinds = [[p.kind for p in o.parts] for o in given.overlays]
    assert kinds == [[p.kind for p in o.parts] for o in made.overlays]
    for mine, theirs in zip(given.overlays, made.overlays, strict=True):
        for a, b in zip(mine.parts, theirs.parts, strict=True):
            if a.kind == "projects":
                assert a.payload == every != b.payload and a.options == b.options
            else:
                assert a == b


def test_map_element_is_the_same_for_every_later_filter(layers):
    """The app builds its map from the session's first state, so the component's data is
    byte-identical run after run (Streamlit then sends a reference); another basemap is
    another map, under another key (dzmount.js replaces the map)."""

    def element(basemap: str = "none") -> dict:
        base = webmap.base_layers(layers, basemap)
        return map_mount(webmap.build_map(base, live_view(layers, ViewState()))).data()

    first = element()
    assert json.dumps(first) == json.dumps(element())
    other = element("osm")
    assert other["key"] != first["key"] and other["script"] != first["script"]


def test_mount_pieces_load_the_served_assets_and_name_the_map(layers):
    mount = map_mount(
        webmap.build_map(webmap.base_layers(layers, "none"), live_view(layers, ViewState()))
    )
    assert mount.js == tuple(f"{SERVED_PREFIX}/{path}" for path in JS_ASSETS)  # in order
    assert mount.js[0].endswith("leaflet.js")
    assert all(href.startswith(SERVED_PREFIX) for href in mount.css + mount.js)
    assert mount.element.startswith('<div class="folium-map" id="map_000"')
    assert "html, body" not in mount.style and "#map_000" in mount.style
    script = mount.script
    # one function (a replacing map declares the same names), ending with the handles
    # dzmap.view uses
    assert script.startswith("(function () {") and script.endswith("})();")
    assert "window.map = map_000;" in script and "window.layer_control = layer_control_" in script
    groups = script.split("window.feature_group = [", 1)[1].split("]", 1)[0].split(",")
    assert len(groups) == 4 and all(g.startswith("feature_group_") for g in groups)
    for group in groups:  # each declared before the handles name it
        assert script.index(f"var {group} = ") < script.index("window.feature_group")


def test_update_holds_the_view_but_not_the_projects(layers):
    state = ViewState(ProjectFilter(industries=("文化旅游",)), view="项目")
    view = live_view(layers, state)
    text = live.view_update(view, ask="abc")
    update = json.loads(text)
    assert update["token"] == webmap.view_token(state) and update["ask"] == "abc"
    names = [g["name"] for g in update["groups"]]
    n = len(apply_filter(layers.projects, state.filter, layers.vocab))
    assert names == [o.name for o in view.overlays] and f"重点项目（{n} 个）" in names
    kinds = [p[0] for g in update["groups"] for p in g["parts"]]
    assert "projects" in kinds and "legend" in kinds and "geo" in kinds
    projects = next(p for g in update["groups"] for p in g["parts"] if p[0] == "projects")
    assert projects[1] is None  # the browser has the data already
    assert bits(projects[2]["mask"], len(layers.projects)).sum() == n
    assert len(text.encode()) < 25_000  # half the 50 kB a filter change may send
    assert "ask" not in json.loads(live.view_update(view))


def test_packed_update_carries_any_text_as_data(layers):
    """What the view component receives is JSON data, never markup: a name holding HTML
    comes back unchanged from the packed update."""
    view = live_view(layers, ViewState(view="项目"))
    evil = "</script><script>alert(1)</script>"
    renamed = dataclasses.replace(view.overlays[0], name=evil)
    view = dataclasses.replace(view, overlays=(renamed, *view.overlays[1:]))
    data = live.packed_update(live.view_update(view))
    assert json.loads(json.dumps(data)) == data and data["token"] == view.token
    unpacked = json.loads(zlib.decompress(base64.b64decode(data["packed"])))
    assert unpacked["groups"][0]["name"] == evil


def test_year_slider_stages_travel_with_the_mask(layers):
    from dzgeo.ledger.conditions import STAGE_FINISHED, STAGE_STARTED, year_stage

    stage = year_stage(layers.projects, 2020)
    codes = np.frombuffer(base64.b64decode(live.project_stages(layers.projects, 2020)), np.uint8)
    assert len(codes) == len(layers.projects)
    assert ((codes == 2) == (stage == STAGE_FINISHED).to_numpy()).all()
    assert ((codes == 1) == (stage == STAGE_STARTED).to_numpy()).all()
    state = ViewState(ProjectFilter(year=2020))
    shown = apply_filter(layers.projects, state.filter, layers.vocab)
    view = live.live_view(
        webmap.view_layers(layers, state),
        live.live_projects(layers),
        live.project_mask(layers.projects, shown),
        stages=live.project_stages(layers.projects, 2020),
        year=2020,
    )
    update = json.loads(live.view_update(view))
    options = next(p[2] for g in update["groups"] for p in g["parts"] if p[0] == "projects")
    assert options["yr"] == 2020 and len(base64.b64decode(options["stage"])) == len(codes)


def test_packed_update_round_trips_and_keeps_token_and_ask_readable(layers):
    text = live.view_update(live_view(layers, ViewState(view="项目")), ask="f00d")
    outer = live.packed_update(text)
    assert outer["token"] == json.loads(text)["token"] and outer["ask"] == "f00d"
    assert zlib.decompress(base64.b64decode(outer["packed"])).decode("utf-8") == text
    assert len(json.dumps(live.packed_update(text))) < len(text.encode()) / 3


def test_option_masks_travel_once_packed_beside_the_update(layers):
    from dzgeo.filters import subfield_counts
    from dzgeo.web import picks

    masks = picks.option_masks(
        layers.projects, layers.vocab, subfield_counts(layers.projects, layers.vocab), "k"
    )
    view = live_view(layers, ViewState())
    plain = live.packed_update(live.view_update(view))
    outer = live.packed_update(live.view_update(view, picks=masks))
    assert "picks" not in plain
    assert json.loads(zlib.decompress(base64.b64decode(outer["picks"]["packed"]))) == json.loads(
        masks
    )

    # the view itself is packed without them: the same as an update that has none
    def unpacked(outer: dict) -> dict:
        return json.loads(zlib.decompress(base64.b64decode(outer["packed"])))

    assert unpacked(outer) == unpacked(plain) and outer["token"] == plain["token"]


def test_rest_mask_and_key_go_with_the_project_layer(layers):
    flt = ProjectFilter(industries=("新能源",), text="德州")
    rest = apply_filter(layers.projects, ProjectFilter(text="德州"), layers.vocab)
    view = live.live_view(
        webmap.view_layers(layers, ViewState(flt)),
        live.live_projects(layers),
        live.project_mask(layers.projects, apply_filter(layers.projects, flt, layers.vocab)),
        rest=live.project_mask(layers.projects, rest),
        picks_key="k",
    )
    update = json.loads(live.view_update(view))
    options = next(p[2] for g in update["groups"] for p in g["parts"] if p[0] == "projects")
    assert options["pk"] == "k"
    assert bits(options["rest"], len(layers.projects)).sum() == len(rest) > 0
