"""The map mounted in the app page itself (Streamlit components v2), not in an iframe.

The folium page of :func:`dzgeo.web.page.render_html` stays the map's description; it
is taken apart here into what ``static/dzgeo/dzmount.js`` puts into the app page: the
stylesheets and scripts to load (once per page, from ``/app/static/``), the map's
element and its styles, and the map script — run in a function of its own, so that a
new map (another basemap, a new ledger version) can replace the old one in the same
page, and handing ``dzmap.view`` the map, its view groups and its layer control.

Measured (benchmarks/bench_app.py --floor): the map-only page draws its map in ~0.9×
the time of the same page in streamlit-folium's iframe; the iframe, its own document
and streamlit-folium's script are what the page no longer waits for.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from dzgeo.settings import STATIC_DIR
from dzgeo.web.page import MapParts, assemble, normalise_ids, root_figure

__all__ = ["COMPONENT_MODULES", "MOUNT_CLASS", "MapMount", "component_module", "map_mount"]

#: Class of the element the mount script puts the map into (sized by dzapp.css).
MOUNT_CLASS = "dz-map-box"

_STYLES = re.compile(r"<style>(.*?)</style>", re.S)
_LINKS = re.compile(r'<link rel="stylesheet" href="([^"]+)"')
_SCRIPTS = re.compile(r'<script src="([^"]+)"></script>')
_INLINE = re.compile(r"<script>(.*?)</script>", re.S)
_ELEMENT = re.compile(r'<div class="folium-map" id="[^"]+" ?></div>')


#: The app's components (st.components.v2) and their modules in static/dzgeo/: the map's
#: mount (this module's :class:`MapMount` is its data), the line above the map with the
#: view update handed to the map (:func:`dzgeo.web.live.packed_update`), and the project
#: table (:func:`dzgeo.web.table.table_data`).
COMPONENT_MODULES = {"map": "dzmount.js", "view": "dzview.js", "table": "dztable.js"}


def component_module(name: str) -> str:
    """The JavaScript module of the app's component ``name`` (:data:`COMPONENT_MODULES`)."""
    return (STATIC_DIR / "dzgeo" / COMPONENT_MODULES[name]).read_text(encoding="utf-8")


@dataclass(frozen=True)
class MapMount:
    """What the mount script needs; ``key`` changes exactly when the map does."""

    css: tuple[str, ...]
    js: tuple[str, ...]
    style: str
    element: str
    script: str
    key: str

    def data(self) -> dict[str, object]:
        """The component's data (JSON-able)."""
        return {
            "css": list(self.css),
            "js": list(self.js),
            "style": self.style,
            "element": self.element,
            "script": self.script,
            "key": self.key,
            "box": MOUNT_CLASS,
        }


def map_mount(parts: MapParts) -> MapMount:
    """The pieces of ``parts``'s page for the mount script.

    The page's own ``html, body`` and full-window ``#map`` rules are left out: the map
    sits in the app's page, in a box the app sizes.
    """
    fmap = assemble(parts)
    names = ",".join(group.get_name() for group in parts.overlays)
    handles = (  # after the map script (ids normalised with the page's)
        f"<script>window.map = {fmap.get_name()};\n"
        f"window.feature_group = [{names}];\n"
        f"window.layer_control = {parts.control.get_name()};</script>"
    )
    page = normalise_ids(root_figure(fmap).render() + handles)
    head, body = page.split("<body>", 1)
    element = _ELEMENT.search(body)
    if element is None:
        raise ValueError("the folium page has no map element")
    styles = [
        s for s in _STYLES.findall(head) if "html, body" not in s and not s.startswith("#map {")
    ]
    # one function: a second map in the same page declares the same names again
    script = "(function () {\n" + "\n".join(_INLINE.findall(page)) + "\n})();"
    return MapMount(
        css=tuple(_LINKS.findall(head)),
        js=tuple(_SCRIPTS.findall(head)),
        style="".join(f"<style>{s}</style>" for s in styles),
        element=element.group(0),
        script=script,
        key=hashlib.sha1(page.encode("utf-8")).hexdigest()[:16],
    )
