"""The live map of the app: every project reaches the browser once, a filter change
sends only the view that follows it.

The app's map element is built from :func:`live_view` — the view layers of a state,
but with the project layer carrying *every* project (:func:`live_projects`) plus a
bit mask of the ones the filter lets through. That element stays byte-identical while
the filter changes, so Streamlit sends it once and later only refers to it by hash.
What a filter does change travels as :func:`view_update`: the new mask, the county
colouring, labels and legend (a few kB), applied in the browser by ``dzmap.view``
(``static/dzgeo/dzmap.js``), handed over by the app's view component
(``static/dzgeo/dzview.js``) as :func:`packed_update`.

Which projects pass is decided here, in Python, by :func:`dzgeo.filters.apply_filter`
(the one filter rule); the browser only reads the mask.
"""

from __future__ import annotations

import base64
import json
import zlib
from typing import Any

import numpy as np
import pandas as pd
import shapely

from dzgeo.data.published import Layers
from dzgeo.ledger.conditions import STAGE_FINISHED, STAGE_STARTED, year_stage
from dzgeo.web.overlays import Overlay, Part, ViewLayers, script_json, shifted
from dzgeo.web.projects import city_anchor, layer_markers, project_payload

__all__ = [
    "bit_set",
    "live_projects",
    "live_view",
    "packed_update",
    "project_mask",
    "project_stages",
    "view_update",
]


def live_projects(layers: Layers, basemap: str = "none") -> str:
    """JSON payload of every project for ``basemap`` (the map's project layer, once):
    a marker per project and county it counts in; the mask and stages stay per project."""
    counties = shifted(layers.counties_web, basemap)
    anchor = city_anchor(shapely.coverage_union_all(counties.geometry.values))
    markers = layer_markers(layers, layers.projects)
    return script_json(
        project_payload(markers, basemap=basemap, anchor=anchor, groups=layers.vocab.industries)
    )


def project_mask(everything: pd.DataFrame, shown: pd.DataFrame) -> str:
    """Base64 of a little-endian bit set over ``everything``'s rows: bit i set when
    row i is in ``shown`` (a subset of it with the same index)."""
    keep = np.zeros(len(everything), dtype=bool)
    positions = everything.index.get_indexer(shown.index)
    keep[positions[positions >= 0]] = True
    return bit_set(keep)


def bit_set(keep: np.ndarray) -> str:
    """Base64 of a little-endian bit set: bit i set when ``keep[i]`` (the browser's
    ``dzmap.bits`` reads it)."""
    return base64.b64encode(np.packbits(keep, bitorder="little").tobytes()).decode("ascii")


def project_stages(projects: pd.DataFrame, year: int) -> str:
    """Base64 of one byte per project: its stage in ``year`` (0 not started, 1 在建,
    2 竣工), as the year slider shows it."""
    stage = year_stage(projects, year)
    codes = np.select([stage == STAGE_FINISHED, stage == STAGE_STARTED], [2, 1], 0)
    return base64.b64encode(codes.astype(np.uint8).tobytes()).decode("ascii")


def live_view(
    view: ViewLayers,
    projects_json: str,
    mask: str,
    *,
    stages: str | None = None,
    year: int | None = None,
    rest: str | None = None,
    picks_key: str | None = None,
) -> ViewLayers:
    """``view`` with its project layer carrying every project and ``mask`` (and, with
    the year slider, ``stages`` of :func:`project_stages` for ``year``; ``rest``: the
    projects passing the filter without its picks, for the option masks named
    ``picks_key``, :mod:`dzgeo.web.picks`)."""
    extra: dict[str, object] = {"mask": mask}
    if rest is not None:
        extra |= {"rest": rest, "pk": picks_key}
    if stages is not None:
        extra |= {"stage": stages, "yr": year}
    return ViewLayers(
        view.token,
        view.n_projects,
        tuple(_with_all_projects(o, projects_json, extra) for o in view.overlays),
    )


def _with_all_projects(overlay: Overlay, projects_json: str, extra: dict[str, object]) -> Overlay:
    parts = []
    for part in overlay.parts:
        if part.kind == "projects":
            options = json.loads(part.options) | extra
            part = Part("projects", projects_json, script_json(options))
        parts.append(part)
    return Overlay(overlay.name, tuple(parts), overlay.show, overlay.control)


def view_update(view: ViewLayers, *, ask: str | None = None, picks: str | None = None) -> str:
    """JSON for ``dzmap.view``: per overlay group its name and parts, the project
    layer's payload left out (the browser has it) — only its options (mask, token).

    ``ask``: the app waits for the map to report it has drawn; the map answers with
    this text as its component's "ready" state (dzmount.js), once. ``picks``: the
    option masks of :func:`dzgeo.web.picks.option_masks` (JSON), sent once per page.
    """
    groups = []
    for overlay in view.overlays:
        parts = []
        for part in overlay.parts:
            payload = "null" if part.kind == "projects" else part.payload
            parts.append(f'["{part.kind}",{payload},{part.options}]')
        groups.append(f'{{"name":{script_json(overlay.name)},"parts":[{",".join(parts)}]}}')
    ask_json = f',"ask":{script_json(ask)}' if ask else ""
    picks_json = f',"picks":{picks}' if picks else ""
    return (
        f'{{"token":{script_json(view.token)},"groups":[{",".join(groups)}]{ask_json}{picks_json}}}'
    )


def packed_update(update: str) -> dict[str, Any]:
    """``update`` as ``{token, ask, packed, picks}``: its JSON zlib-packed in base64
    (popups and legend HTML pack 4–5×), token and ask left readable; the option masks
    (``picks``) packed on their own, taken by the map whatever the token. Plain JSON
    data for the view component (never HTML: nothing in it is parsed as markup)."""
    data = json.loads(update)
    picks = data.pop("picks", None)
    if picks is not None:
        update = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    outer: dict[str, Any] = {"token": data["token"], "packed": _packed(update)}
    if data.get("ask"):
        outer["ask"] = data["ask"]
    if picks is not None:
        outer["picks"] = {"packed": _packed(json.dumps(picks, separators=(",", ":")))}
    return outer


def _packed(text: str) -> str:
    return base64.b64encode(zlib.compress(text.encode("utf-8"), 6)).decode("ascii")
