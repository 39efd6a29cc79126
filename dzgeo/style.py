"""Map colours and symbols shared by the web map and the static briefing maps.

One place for every colour a reader learns from a legend, so that the interactive map,
the PNG/PDF exports and the tables agree (the symbols built from them are in
:mod:`dzgeo.symbology`). The 12 industry colours stay apart for readers with colour
vision deficiency; emerging industries (新兴) also take a round symbol and traditional
ones (传统) a square, so the two groups read apart by shape as well.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

#: Industry short name (industries.csv ``name``) -> hex colour, in the plan's order.
#: Chosen for readers with colour vision deficiency: every pair differs by CIEDE2000
#: ΔE ≥ 16 in normal vision and under simulated deuteranopia and protanopia (Machado
#: 2009, severity 1), ≥ 11 under tritanopia, and each stands out from white (ΔE ≥ 22),
#: so the wedges of a pie stay apart (tests/test_palette.py measures it). 新兴 industries
#: keep the blues, greens and lavender, 传统 the reds, browns, olive and gold.
INDUSTRY_COLORS: dict[str, str] = {
    # 新兴产业
    "高端装备": "#0000ff",  # blue
    "生物技术": "#4be1c3",  # mint teal
    "新能源": "#789600",  # leaf green
    "新材料": "#d2c3ff",  # lavender
    "新一代信息技术": "#6978ff",  # periwinkle
    "医养健康": "#1e4b2d",  # deep green
    # 传统产业
    "绿色化工": "#f08787",  # salmon red
    "纺织服装": "#a587a5",  # mauve
    "现代高效农业": "#5a6900",  # olive
    "文化旅游": "#a51e78",  # raspberry
    "现代物流": "#876969",  # brown grey
    "现代金融": "#ffc300",  # gold
}
#: Colour of an industry that is not in :data:`INDUSTRY_COLORS`.
UNKNOWN_INDUSTRY_COLOR = "#7f7f7f"

#: Marker shape per industry group: the web map draws circles and squares.
GROUP_SHAPES: dict[str, str] = {"新兴": "circle", "传统": "square"}

#: 轴带联动 corridors: 新兴产业集聚轴 (axis) and 传统产业升级带 (belt).
AXIS_COLOR = "#2b6cb0"
BELT_COLOR = "#d9822b"
#: Counties on both corridors (the 中心城区 counties).
AXIS_BELT_COLOR = "#8e5ba6"

#: County fills of the 布局 view, keyed by the ``corridors`` field of counties.geojson.
LAYOUT_FILLS: dict[str, str] = {
    "axis": "#cfe0f3",
    "belt": "#f8dfc4",
    "axis|belt": "#e3d3ec",
    "": "#eeeeea",
}
#: Legend labels of the fills that are not one corridor (a corridor's fill is labelled with
#: its ``name`` from corridors.geojson).
LAYOUT_BOTH_LABEL = "两者交汇（{places}）"
LAYOUT_NONE_LABEL = "其他"

#: 双区 (lead zones) and the other zones, platforms and parks.
LEAD_ZONE_COLOR = "#b2182b"
ZONE_COLORS: dict[str, str] = {
    "lead_zone": LEAD_ZONE_COLOR,
    "dev_zone": "#5b3a8c",
    "platform": "#00838f",
    "park": "#2e7d32",
    "logistics_park": "#795548",
    "district": "#455a64",
}
CITY_OUTLINE_COLOR = "#222222"
COUNTY_LINE_COLOR = "#5f6368"

#: Sequential palette (light -> dark) for project counts per county (ColorBrewer YlGnBu 5).
COUNT_COLORS: tuple[str, ...] = ("#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494")
#: Fill of a county with no project that passes the filter.
ZERO_COUNT_COLOR = "#f4f4f1"


def industry_color(industry: str) -> str:
    """The colour of ``industry`` (grey for a name outside the 12 industries)."""
    return INDUSTRY_COLORS.get(industry, UNKNOWN_INDUSTRY_COLOR)


def count_breaks(values: Sequence[int], classes: int = len(COUNT_COLORS)) -> list[int]:
    """Upper bounds of up to ``classes`` count classes for a choropleth of ``values``.

    Counts of 0 get their own colour (:data:`ZERO_COUNT_COLOR`); the positive counts
    are split at their quantiles (project counts per county are skewed, so equal
    intervals would put most counties in one class). Bounds are integers and strictly
    increase; few distinct values give fewer classes rather than empty ones.

    Returns
    -------
    The inclusive upper bounds, the last one equal to ``max(values)`` (empty if no
    value is positive).
    """
    positive = sorted(int(v) for v in values if int(v) > 0)
    if not positive:
        return []
    distinct = sorted(set(positive))
    if len(distinct) <= classes:
        return distinct
    bounds: list[int] = []
    for i in range(1, classes):
        bound = int(np.ceil(np.quantile(positive, i / classes)))
        if (not bounds or bound > bounds[-1]) and bound < positive[-1]:
            bounds.append(bound)
    return [*bounds, positive[-1]]


def count_color(count: int, breaks: Sequence[int]) -> str:
    """Fill colour of a county with ``count`` projects, for ``breaks`` from :func:`count_breaks`."""
    if count <= 0 or not breaks:
        return ZERO_COUNT_COLOR
    for bound, color in zip(breaks, _palette(len(breaks)), strict=True):
        if count <= bound:
            return color
    return _palette(len(breaks))[-1]


def count_classes(breaks: Sequence[int]) -> list[tuple[str, str]]:
    """Legend rows ``(label, colour)`` for ``breaks``, starting with the zero class."""
    rows = [("0", ZERO_COUNT_COLOR)]
    low = 1
    for bound, color in zip(breaks, _palette(len(breaks)), strict=True):
        rows.append((str(bound) if bound == low else f"{low}–{bound}", color))
        low = bound + 1
    return rows


def _palette(n: int) -> tuple[str, ...]:
    """``n`` colours spread over :data:`COUNT_COLORS`, light to dark."""
    if n >= len(COUNT_COLORS):
        return COUNT_COLORS
    if n == 1:
        return (COUNT_COLORS[-2],)
    last = len(COUNT_COLORS) - 1
    return tuple(COUNT_COLORS[round(i * last / (n - 1))] for i in range(n))
