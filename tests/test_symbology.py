"""One cartographic spec: what each map actually draws is in its legend, with the spec's values.

The styles are read back from what the renderers produced — the web map's overlay
payloads (Leaflet path options, in pixels) and the briefing map's matplotlib artists (in
points times the page scale) — and turned back into spec units, then compared with the
symbols of the legend entries each map shows. Nothing here calls the renderers' own
symbol translators, so a translator that drifts from the spec fails.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable
from html import escape as html_escape

import matplotlib.colors as mcolors
import pytest
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from dzgeo.briefing.figure import MapFigure
from dzgeo.briefing.sheets import build_figure
from dzgeo.counting import county_counts
from dzgeo.data.published import Layers
from dzgeo.filters import ViewState, apply_filter
from dzgeo.style import count_breaks
from dzgeo.symbology import (
    SCREEN_PX_PER_PT,
    FillSymbol,
    LegendEntry,
    LineSymbol,
    MarkerSymbol,
    Symbol,
)
from dzgeo.web import views as webmap
from dzgeo.web.legend import legend, legend_entries, map_notes
from dzgeo.web.symbols import swatch

Atom = tuple


@pytest.fixture(scope="module")
def layout_fig(layers: Layers) -> MapFigure:
    return build_figure(layers, kind="layout", dpi=72)


@pytest.fixture(scope="module")
def projects_fig(layers: Layers) -> MapFigure:
    return build_figure(layers, kind="projects", dpi=72)


SHAPES = {"o": "circle", "s": "square", "D": "diamond", "*": "star"}


def _r(value: float) -> float:
    return round(float(value), 2)


def spec_atoms(symbol: Symbol) -> set[Atom]:
    """The visual atoms (stroke, fill, marker) a symbol is made of, in spec units."""
    if isinstance(symbol, LineSymbol):
        strokes = [s for s in (symbol.casing, symbol.stroke) if s is not None]
        return {
            ("stroke", s.color, _r(s.width), tuple(map(_r, s.dash)), _r(s.opacity)) for s in strokes
        }
    if isinstance(symbol, FillSymbol):
        atoms: set[Atom] = {("fill", symbol.fill, _r(symbol.opacity))}
        if symbol.edge:
            e = symbol.edge
            atoms.add(("stroke", e.color, _r(e.width), tuple(map(_r, e.dash)), _r(e.opacity)))
        return atoms
    assert isinstance(symbol, MarkerSymbol)
    return {("marker", symbol.shape, symbol.color, _r(symbol.size))}


def entry_atoms(entries: Iterable[LegendEntry]) -> list[set[Atom]]:
    return [spec_atoms(e.symbol) for e in entries if e.symbol is not None]


def covered(drawn: set[Atom], entries: list[set[Atom]]) -> bool:
    """Whether one legend entry's symbol accounts for every atom of a drawn style."""
    return any(drawn <= atoms for atoms in entries)


# ----------------------------------------------------------------------------- web map


def web_atoms(style: dict) -> set[Atom]:
    """A Leaflet ``_s`` style as spec atoms."""
    if "shape" in style and style["shape"] in ("star", "diamond", "circle", "square"):
        return {("marker", style["shape"], style["color"], _r(style["size"] / SCREEN_PX_PER_PT))}
    atoms: set[Atom] = set()
    if style.get("stroke", True) and style.get("weight", 0) > 0:
        dash = tuple(_r(float(d) / SCREEN_PX_PER_PT) for d in style.get("dashArray", "").split())
        atoms.add(
            (
                "stroke",
                style["color"],
                _r(style["weight"] / SCREEN_PX_PER_PT),
                dash,
                _r(style.get("opacity", 1.0)),
            )
        )
    if style.get("fill"):
        atoms.add(("fill", style["fillColor"], _r(style["fillOpacity"])))
    return atoms


def drawn_web_styles(overlays) -> list[dict]:
    styles = []
    for overlay in overlays:
        for part in overlay.parts:
            if part.kind != "geo":
                continue
            data = json.loads(part.payload)
            props = data["props"] if "ref" in data else [f["properties"] for f in data["features"]]
            styles += [p["_s"] for p in props]
    return styles


def web_drawn(layers: Layers, state: ViewState) -> tuple[list[set[Atom]], list[LegendEntry], str]:
    base = webmap.base_layers(layers, state.basemap)
    view = webmap.view_layers(layers, state)
    drawn = [web_atoms(s) for s in drawn_web_styles(base.overlays + view.overlays)]
    projects = apply_filter(layers.projects, state.filter, layers.vocab)
    for overlay in view.overlays:
        for part in overlay.parts:
            if part.kind == "projects":
                d = json.loads(part.payload)
                size = d["sz"] / SCREEN_PX_PER_PT
                drawn += [
                    {("marker", d["shp"][i], d["col"][i], _r(size))} for i in sorted(set(d["i"]))
                ]
    totals = county_counts(projects, layers.counties_web["adcode"])
    breaks = count_breaks([t[""] for t in totals.values()]) if state.view == "项目" else []
    html = legend(layers, state, projects, breaks)
    return drawn, legend_entries(layers, state, projects, breaks), html


@pytest.mark.parametrize("view", ["布局", "项目"])
def test_every_style_on_the_web_map_has_a_legend_entry(layers: Layers, view: str) -> None:
    drawn, entries, html = web_drawn(layers, ViewState(view=view))
    atoms = entry_atoms(entries)
    missing = [d for d in drawn if d and not covered(d, atoms)]
    assert not missing, missing[:5]
    for entry in entries:  # the legend shows every entry
        assert html_escape(entry.label) in html
        if entry.symbol is not None:
            assert swatch(entry.symbol) in html


def test_web_legend_names_the_corridor_outlines_and_every_route(layers: Layers) -> None:
    _, entries, _ = web_drawn(layers, ViewState())
    labels = " ".join(e.label for e in entries)
    for name in (*layers.routes["name"], *layers.corridors["name"]):
        assert name in labels
    bands = [e for e in entries if e.label.startswith(tuple(layers.corridors["name"]))]
    rail = [e for e in entries if "高速铁路" in e.label]
    assert bands and rail
    rail_symbol = rail[0].symbol
    assert rail_symbol is not None
    for band in bands:
        assert band.symbol is not None
        assert not spec_atoms(band.symbol) & spec_atoms(rail_symbol), band.label


# ------------------------------------------------------------------------ briefing map


def mpl_hex(color) -> str:
    return mcolors.to_hex(color, keep_alpha=False)


def mpl_atoms(artist, k: float) -> set[Atom]:
    """A matplotlib artist's visual atoms in spec units (points / k)."""
    atoms: set[Atom] = set()
    if isinstance(artist, Line2D):
        if artist.get_marker() not in ("None", "", None, "none"):
            shape = SHAPES[str(artist.get_marker())]
            atoms.add(
                (
                    "marker",
                    shape,
                    mpl_hex(artist.get_markerfacecolor()),
                    _r(artist.get_markersize() / k),
                )
            )
        if artist.get_linestyle() not in ("None", "none", ""):
            lw = artist.get_linewidth()
            # the unscaled pattern is in line widths (matplotlib scales it by lw)
            # private: matplotlib has no public getter for the unscaled dash pattern
            _, seq = artist._unscaled_dash_pattern  # type: ignore[attr-defined]
            dash = tuple(_r(d * lw / k) for d in seq) if seq else ()
            alpha = artist.get_alpha()
            atoms.add(
                (
                    "stroke",
                    mpl_hex(artist.get_color()),
                    _r(lw / k),
                    dash,
                    _r(1.0 if alpha is None else alpha),
                )
            )
        return atoms
    assert isinstance(artist, Patch)
    face = mcolors.to_rgba(artist.get_facecolor())
    if face[3] > 0:
        atoms.add(("fill", mpl_hex(face), _r(face[3])))
    edge = mcolors.to_rgba(artist.get_edgecolor())
    if artist.get_linewidth() > 0 and edge[3] > 0:
        lw = artist.get_linewidth()
        ls = artist.get_linestyle()
        dash = tuple(_r(d * lw / k) for d in ls[1]) if isinstance(ls, tuple) else ()
        atoms.add(("stroke", mpl_hex(edge), _r(lw / k), dash, _r(edge[3])))
    return atoms


def paper_drawn(fig: MapFigure) -> tuple[list[set[Atom]], list[str]]:
    """Atoms of the map's feature artists, and the face colours of its place symbols."""
    furniture = {id(a) for a in (*fig.scale_bar.artists, *fig.north_arrow.artists)}
    symbols = {id(a) for label in fig.labels for a in label.artists}
    leaders = {id(label.leader) for label in fig.labels if label.leader is not None}
    features, symbol_colours = [], []
    for artist in (*fig.ax.patches, *fig.ax.lines):
        if id(artist) in furniture or id(artist) in leaders:
            continue
        if id(artist) in symbols:
            if isinstance(artist, Patch):
                symbol_colours.append(mpl_hex(artist.get_facecolor()))
            else:
                features.append(mpl_atoms(artist, fig.k))
            continue
        features.append(mpl_atoms(artist, fig.k))
    return [f for f in features if f], symbol_colours


def test_every_style_on_the_layout_sheet_has_a_legend_entry(layout_fig: MapFigure) -> None:
    drawn, _ = paper_drawn(layout_fig)
    atoms = entry_atoms(layout_fig.legend_entries)
    missing = [d for d in drawn if not covered(d, atoms)]
    assert not missing, missing[:5]
    labels = " ".join(e.label for e in layout_fig.legend_entries)
    assert "京台高速" in labels and "京沪高铁" in labels and "德滨高速" in labels


def test_layout_sheet_and_web_map_draw_the_same_symbols(layers: Layers, layout_fig) -> None:
    paper, _ = paper_drawn(layout_fig)
    web, _, _ = web_drawn(layers, ViewState(view="布局"))
    web = [w for w in web if not any(a[0] == "marker" and a[1] in ("circle", "square") for a in w)]
    paper_atoms = set().union(*paper)
    web_atoms_ = set().union(*web)
    assert paper_atoms == web_atoms_, paper_atoms ^ web_atoms_


def test_projects_sheet_draws_its_legend(layers: Layers, projects_fig: MapFigure) -> None:
    drawn, colours = paper_drawn(projects_fig)
    atoms = entry_atoms(projects_fig.legend_entries)
    assert not [d for d in drawn if not covered(d, atoms)]
    legend_colours = {
        e.symbol.color for e in projects_fig.legend_entries if isinstance(e.symbol, MarkerSymbol)
    }
    assert colours and set(colours) <= legend_colours | {"#ffffff"}
    web, _, _ = web_drawn(layers, ViewState(view="项目"))
    web_fills = {a for w in web for a in w if a[0] == "fill" and a[2] == 0.85}
    paper_fills = {a for d in drawn for a in d if a[0] == "fill" and a[2] == 0.85}
    assert web_fills == paper_fills


def test_corridor_names_come_from_the_data_on_both_maps_and_in_the_notes(layers: Layers) -> None:
    """Rename the corridors (and shrink what they share) in the layers: the web legend, the
    layout sheet's legend and the app's notes follow, and no built-in name is left."""
    corridors = layers.corridors.copy()
    corridors["name"] = corridors["id"].map({"axis": "甲走廊", "belt": "乙走廊*"})
    corridors["places"] = corridors["places"].str.replace("中心城区", "德城区")
    renamed = dataclasses.replace(layers, corridors=corridors)
    state = ViewState(view="布局")
    projects = apply_filter(renamed.projects, state.filter, renamed.vocab)
    web = " ".join(e.label for e in legend_entries(renamed, state, projects, []))
    paper = " ".join(e.label for e in build_figure(renamed, kind="layout", dpi=72).legend_entries)
    notes = map_notes(renamed)
    for text in (web, paper):
        assert "甲走廊" in text and "乙走廊*" in text and "两者交汇（德城区）" in text
        assert "新兴产业集聚轴" not in text and "传统产业升级带" not in text
    assert "甲走廊" in notes and r"乙走廊\*" in notes and "德城区" in notes
    assert "新兴产业集聚轴" not in notes
