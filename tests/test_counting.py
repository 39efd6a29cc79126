"""One counting rule: the same filter gives the same totals everywhere a count is shown.

For every industry and every place, the totals are read from what each part produced —
the web map's project payload (markers inside each county polygon, one per project and
county) and its county popups and anchor label, the briefing map's drawn numbers
(county labels, pie numbers, subtitle, legend note) and the tables — and compared.
"""

from __future__ import annotations

import json
import re
from typing import Any

import numpy as np
import shapely

from dzgeo.briefing.sheets import build_figure
from dzgeo.counting import (
    COUNT_RULE,
    city_level_mask,
    count_points,
    county_counts,
    county_seats,
)
from dzgeo.data.published import Layers
from dzgeo.filters import ProjectFilter, ViewState, apply_filter
from dzgeo.tables import COUNTED_IN, county_table, project_table
from dzgeo.web import views as webmap


def number(pattern: str, text: str) -> int:
    """The number a pattern's group captures in ``text`` (the pattern must match)."""
    found = re.search(pattern, text)
    assert found, (pattern, text)
    return int(found.group(1))


def filters(layers: Layers) -> list[ProjectFilter]:
    return [
        ProjectFilter(),
        *(ProjectFilter(industries=(name,)) for name in layers.vocab.industries),
        *(ProjectFilter(places=(place,)) for place in layers.vocab.filter_places()),
    ]


def _payload(view) -> dict:
    for overlay in view.overlays:
        for part in overlay.parts:
            if part.kind == "projects":
                return json.loads(part.payload)
    raise AssertionError("no project layer")


def web_totals(layers: Layers, flt: ProjectFilter) -> dict[str, Any]:
    """Totals as the web map shows them: markers per county, popups, the anchor label."""
    view = webmap.view_layers(layers, ViewState(flt, view="项目"))
    d = _payload(view)
    n = len(d["n"])
    owner = np.arange(n)
    if d.get("xu"):
        first = n - len(d["xu"])
        owner[first:] = d["xu"]
    x = d["x0"] + np.asarray(d["x"], dtype=float) * webmap.COORD_STEP
    y = d["y0"] + np.asarray(d["y"], dtype=float) * webmap.COORD_STEP
    counties = layers.counties_web
    per_county = {}
    inside_any = np.zeros(n, dtype=bool)
    for code, geom in zip(counties["adcode"].astype(str), counties.geometry, strict=True):
        inside = shapely.contains_xy(geom, x, y)
        inside_any |= inside
        # one marker per project and county: a cluster over the county counts this many
        assert len(owner[inside]) == len(set(owner[inside])), code
        per_county[code] = len(set(owner[inside]))
    fill = json.loads(view.overlays[0].parts[0].payload)["props"]
    popups = {}
    for code, props in zip(counties["adcode"].astype(str), fill, strict=True):
        found = re.search(r"共 (\d+) 个", props["_p"])
        assert found, props["_p"]
        popups[code] = int(found.group(1))
    anchor = 0
    for overlay in view.overlays:
        for part in overlay.parts:
            if part.kind == "labels" and "dz-label-anchor" in part.payload:
                anchor = number(r"全市层面 (\d+) 个", part.payload)
    return {
        "total": len(set(owner)),
        "counties": per_county,
        "popups": popups,
        "outside": len(set(owner[~inside_any])),
        "anchor": anchor,
    }


def paper_totals(layers: Layers, flt: ProjectFilter) -> dict[str, Any]:
    """Totals as the projects briefing map draws them."""
    fig = build_figure(layers, kind="projects", flt=flt, dpi=72)
    total = number(r"共 (\d+) 项", fig.subtitle)
    name_code = dict(
        zip(layers.counties["name"], layers.counties["adcode"].astype(str), strict=True)
    )
    labels, pies = {}, dict.fromkeys(name_code.values(), 0)
    for label in fig.labels:
        kind, _, place = label.key.partition(":")
        texts = [t.get_text() for t in label.texts]
        if kind == "county":
            labels[name_code[place]] = int(texts[1].removesuffix(" 项"))
        elif kind == "pie":
            (code,) = layers.vocab.place_adcodes[place]
            pies[code] += int(texts[0])
    note = [e.label for e in fig.legend_entries if "只计入全市合计" in e.label]
    city = number(r"另有 (\d+) 项", note[0]) if note else 0
    return {"total": total, "labels": labels, "pies": pies, "city": city}


def table_totals(layers: Layers, flt: ProjectFilter) -> dict[str, Any]:
    projects = apply_filter(layers.projects, flt, layers.vocab)
    names = dict(zip(layers.counties["adcode"].astype(str), layers.counties["name"], strict=True))
    shown = project_table(projects, names)
    table = county_table(projects, layers.counties)
    per_county = dict(zip(table["县市区"], table["项目数"], strict=True))
    in_column = {
        code: int(shown[COUNTED_IN].map(lambda cell, n=name: n in cell.split("、")).sum())
        for code, name in names.items()
    }
    return {
        "rows": len(shown),
        "counties": {code: int(per_county[name]) for code, name in names.items()},
        "column": in_column,
        "city": int(table["项目数"].iloc[-2]),
        "total": int(table["项目数"].iloc[-1]),
        "city_rows": int(shown[COUNTED_IN].astype(str).str.startswith("全市层面").sum()),
    }


def test_one_filter_gives_one_set_of_totals_everywhere(layers: Layers) -> None:
    checked = []
    for flt in filters(layers):
        web, paper, table = (
            web_totals(layers, flt),
            paper_totals(layers, flt),
            table_totals(layers, flt),
        )
        what = flt.describe()
        n = len(apply_filter(layers.projects, flt, layers.vocab))
        assert web["total"] == paper["total"] == table["rows"] == table["total"] == n, what
        assert web["counties"] == web["popups"], what
        # A place-filtered sheet zooms to the place: it labels the counties it shows, and
        # a county cut by the frame may have markers outside it; city-wide, all add up.
        shown = {code: web["counties"][code] for code in paper["labels"]}
        assert shown == paper["labels"], what
        if not flt.places:
            assert paper["labels"] == web["counties"] == paper["pies"], what
        assert web["counties"] == table["counties"] == table["column"], what
        assert web["outside"] == web["anchor"] == paper["city"] == table["city"], what
        assert table["city"] == table["city_rows"], what
        checked.append((what, n, sum(web["counties"].values()), web["anchor"]))
    assert len(checked) == 1 + 12 + len(layers.vocab.filter_places())
    everything = checked[0]
    assert everything[1] == 272 and everything[3] == 86  # 86 city-level, 186 in counties


def test_a_project_naming_several_counties_counts_in_each_and_once_in_the_city(
    layers: Layers,
) -> None:
    many = layers.projects
    counts = county_counts(many, layers.counties["adcode"].astype(str))
    multi = many[many["counties"].str.count(r"\|") >= 2]
    assert len(multi) == 2  # 中心城区|夏津县|齐河县|庆云县|乐陵市 and 陵城区|经开区|临邑县
    for _, row in multi.iterrows():
        alone = county_counts(many[many["id"] == row["id"]], layers.counties["adcode"])
        assert {c for c, v in alone.items() if v[""]} == set(row["counties"].split("|"))
    # 186 placed projects, plus one count for every further county they name
    extra = sum(len(c.split("|")) - 1 for c in many["counties"] if c)
    assert extra == 1 + 5 + 2  # 中心城区 (2 counties), the 6- and the 3-county project
    assert sum(v[""] for v in counts.values()) == 186 + extra
    seats, areas = county_seats(layers.places)
    points = count_points(many, layers.counties, seats, areas)
    assert len(points) == 86 + 186 + extra
    assert (points["adcode"] == "").sum() == city_level_mask(many).sum() == 86
    # 中心城区 stands for 德城区 and 陵城区: its projects are drawn at both seats
    centre = points[points["place"] == "中心城区"]
    assert set(centre["adcode"]) == {"371402", "371403"}


def test_the_rule_is_stated_in_chinese_where_counts_are_shown(layers: Layers) -> None:
    assert "各计 1 个" in COUNT_RULE and "全市合计每个项目只计 1 个" in COUNT_RULE
    html = webmap.legend(layers, ViewState(), layers.projects, [])
    assert "各县市区分别计数" in html and "全市合计只计一次" in html
    fig = build_figure(layers, kind="projects", dpi=72)
    notes = " ".join(t.get_text() for t in fig.figure.texts)
    assert "各县市区分别计数" in notes.replace("\n", "")
