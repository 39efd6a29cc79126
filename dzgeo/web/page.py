"""folium glue of the web map: a base :class:`folium.Map`, the swapped overlay groups
and the whole HTML page.

No CDN: Leaflet, Supercluster, fflate and ``dzmap.js`` are served from ``static/``
(Streamlit's static serving at ``/app/static/``) or inlined for the standalone page.
Payloads never go through Jinja (see :class:`RawElement`).
"""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import folium
from branca.element import Element, Figure, MacroElement
from folium.template import Template

from dzgeo.settings import STATIC_DIR
from dzgeo.web.basemaps import basemap_tiles
from dzgeo.web.overlays import BaseLayers, Overlay, Part, ViewLayers, script_json

#: Folder Streamlit serves at ``/app/static/`` (``server.enableStaticServing``).
ASSETS_DIR = STATIC_DIR
#: URL prefix of :data:`ASSETS_DIR` in the app.
SERVED_PREFIX = "/app/static"
JS_ASSETS = (
    "vendor/leaflet-1.9.4/leaflet.js",
    "vendor/supercluster-7.1.5/supercluster.min.js",
    "vendor/fflate-0.8.2/fflate.min.js",
    "dzgeo/dzmap.js",
    "dzgeo/dzlabels.js",
    "dzgeo/dznav.js",
    "dzgeo/dzpicks.js",
)
CSS_ASSETS = ("vendor/leaflet-1.9.4/leaflet.css", "dzgeo/dzmap.css")
#: The app page's own styles around the map (a compact head, the map's frame height).
APP_CSS = "dzgeo/dzapp.css"

MIN_ZOOM, MAX_ZOOM = 7, 16

Assets = Literal["served", "inline"]


@dataclass
class MapParts:
    """folium objects of the map: a still base map and the overlays a view refills."""

    map: folium.Map
    overlays: list[folium.FeatureGroup] = field(default_factory=list)
    control: folium.LayerControl = field(default_factory=lambda: folium.LayerControl())


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

    # branca types Element.render as returning the HTML; MacroElement (our base) renders
    # into the root figure and returns nothing, and so does this.
    def render(self, **kwargs: Any) -> None:  # type: ignore[override]
        """Add the script to the figure without compiling it (see :class:`RawElement`)."""
        script = self._template.module.__dict__["script"]
        root_figure(self).script.add_child(RawElement(script(self, kwargs)), name=self.get_name())


class DzStart(MacroElement):
    """The map's first view, set once everything is on it (after the layer control):
    the URL's position or the whole city clear of the controls (``dzmap.start``). The
    map has no view before, so Leaflet holds every layer back and draws it once, there
    (a view in the constructor and a fit after it drew everything two or three times)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        dzmap.start({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "DzStart"


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
    fmap.options.update(minZoom=MIN_ZOOM, maxZoom=MAX_ZOOM, scrollWheelZoom=False)
    # no zoom, so no view yet: the map's one first view is set by DzStart (assemble)
    del fmap.options["zoom"]
    fmap.default_js = (
        [(Path(p).stem, f"{SERVED_PREFIX}/{p}") for p in JS_ASSETS] if assets == "served" else []
    )
    fmap.default_css = (
        [(Path(p).stem + "_css", f"{SERVED_PREFIX}/{p}") for p in CSS_ASSETS]
        if assets == "served"
        else []
    )
    background = "#ffffff" if base.basemap == "none" else "#f2efe9"
    city = [list(base.bounds[0]), list(base.bounds[1])]
    fmap.add_child(DzSetup({"background": background, "city": city}), name="dz_setup")
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
    groups = [_feature_group(overlay) for overlay in view.overlays]
    return MapParts(fmap, groups, folium.LayerControl(collapsed=False, position="topright"))


def render_html(parts: MapParts, *, title: str = "") -> str:
    """The whole page of ``parts`` (overlays and layer control added), ids normalised."""
    fmap = assemble(parts)
    figure = root_figure(fmap)
    if title:
        figure.title = html.escape(title)
    return normalise_ids(figure.render())


def assemble(parts: MapParts) -> folium.Map:
    """``parts``'s map with its overlays, the layer control and the first view added."""
    fmap = parts.map
    for group in parts.overlays:
        fmap.add_child(group)
    fmap.add_child(parts.control)
    fmap.add_child(DzStart(), name="dz_start")
    return fmap


def root_figure(element: Element) -> Figure:
    """The branca Figure a map element renders into (its header, body and script)."""
    root = element.get_root()
    if not isinstance(root, Figure):
        raise TypeError(f"{element.get_name()} is not on a folium figure")
    return root


def normalise_ids(text: str) -> str:
    """Replace folium's random 32-hex element ids by stable sequence numbers."""
    seen: dict[str, str] = {}

    def repl(match: re.Match[str]) -> str:
        return "_" + seen.setdefault(match.group(1), f"{len(seen):03d}")

    return re.sub(r"_([0-9a-f]{32})(?![0-9a-f])", repl, text)


def app_css() -> str:
    """The app page's own styles (:data:`APP_CSS`), given to its map component: they
    reach the page with the map, not as an element of their own before it."""
    return (ASSETS_DIR / APP_CSS).read_text(encoding="utf-8")


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
