"""What both floor pages draw: the app's live map of the default view (every project,
all shown), built from the published layers as app.py builds it."""

from __future__ import annotations

from dzgeo.data.published import read_layers
from dzgeo.filters import ViewState
from dzgeo.settings import layers_dir
from dzgeo.web import live
from dzgeo.web import views as webmap


def map_layers() -> tuple[webmap.BaseLayers, webmap.ViewLayers]:
    """The base and view layers of the map (plain data, cacheable); ``webmap.build_map``
    makes the folium map of them (the map description both pages mount) — anew for
    every st_folium call, which changes the map it is given."""
    layers = read_layers(str(layers_dir()))
    every = live.live_projects(layers)
    view = live.live_view(
        webmap.view_layers(layers, ViewState(), projects_json=every),
        every,
        live.project_mask(layers.projects, layers.projects),
    )
    return webmap.base_layers(layers, "none"), view
