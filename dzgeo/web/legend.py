"""The web map's legend: the spec's legend entries (:mod:`dzgeo.symbology`) as HTML.

:func:`legend_entries` lists one entry for every symbol the map draws for a view;
:func:`legend` renders them (every text from the data escaped, symbols as inline SVG).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from dzgeo import symbology
from dzgeo.counting import CITY_LEVEL, COUNT_RULE_SHORT
from dzgeo.data.published import Layers
from dzgeo.filters import ViewState
from dzgeo.frames import records
from dzgeo.ledger.fields import LOCATED_BY_SITE
from dzgeo.literal import markdown_literal
from dzgeo.symbology import LegendEntry
from dzgeo.tables import industry_counts
from dzgeo.vocabulary import split_multi
from dzgeo.web.popups import esc
from dzgeo.web.projects import n_at_city, text_column
from dzgeo.web.symbols import swatch

__all__ = ["legend", "legend_entries", "map_notes"]


def legend_entries(
    layers: Layers, state: ViewState, projects: pd.DataFrame, breaks: Sequence[int]
) -> list[LegendEntry]:
    """Every symbol the web map draws for ``state``, as legend entries in section order."""
    if state.view == "项目":
        counties = symbology.count_entries(breaks)
    else:
        counties = symbology.layout_fill_entries(
            ("|".join(sorted(split_multi(c))) for c in layers.counties_web["corridors"]),
            records(layers.corridors),
        )
        counties.append(LegendEntry("区县（轴带联动）", "区县名下为多点突破重点"))
    counts = industry_counts(projects, layers.vocab)
    corridor_names = dict(zip(layers.corridors["id"], layers.corridors["name"], strict=False))
    return [
        *counties,
        *symbology.boundary_entries(),
        *symbology.band_entries(records(layers.corridors)),
        *symbology.route_entries(records(layers.routes), corridor_names),
        *symbology.zone_entries(records(layers.zones), layers.place_shorts()),
        *symbology.industry_entries(layers.vocab.industries, counts),
    ]


def _row(entry: LegendEntry) -> str:
    n = "" if entry.count is None else f'<span class="dz-n">{entry.count}</span>'
    if entry.symbol is None:
        return f'<li class="dz-note">{esc(entry.label)}</li>'
    return f"<li>{swatch(entry.symbol)}{esc(entry.label)}{n}</li>"


def _section(title: str, entries: Sequence[LegendEntry], css: str = "") -> str:
    cls = f' class="{css}"' if css else ""
    return f"<h5>{esc(title)}</h5><ul{cls}>" + "".join(_row(e) for e in entries) + "</ul>"


def legend(layers: Layers, state: ViewState, projects: pd.DataFrame, breaks: Sequence[int]) -> str:
    """The legend's HTML (every text escaped) for ``state`` and the filtered ``projects``."""
    entries = legend_entries(layers, state, projects, breaks)
    by_section: dict[str, list[LegendEntry]] = {}
    for entry in entries:
        by_section.setdefault(entry.section, []).append(entry)
    parts = [
        '<div class="dz-legend-head"><span>图例</span>'
        '<button type="button" class="dz-legend-toggle" title="收起或展开图例">收起/展开</button>'
        '</div><div class="dz-legend-body"><div>'
    ]
    for title in ("区县（轴带联动）", "区县重点项目数"):
        if title in by_section:
            parts.append(_section(title, by_section.pop(title)))
    parts.append(
        _section("双区与园区（示意）", by_section.pop("双区与园区（示意）", []), "dz-wrap")
    )
    parts.append("</div><div>")
    industries = by_section.pop("重点项目", [])
    parts.append(f'<h5>重点项目（{len(projects)} 个）</h5><div class="dz-cols">')
    for group in dict.fromkeys(layers.vocab.industries.values()):
        rows = [e for e in industries if layers.vocab.industries.get(e.label) == group]
        parts.append(
            f'<ul><li class="dz-note">{group}产业</li>' + "".join(_row(e) for e in rows) + "</ul>"
        )
    parts.append("</div>")
    if state.filter.year is not None:
        parts += [
            f"<h5>{state.filter.year} 年已开工的项目</h5><ul>",
            '<li><i class="dz-chip dz-open"></i>在建（颜色为产业）</li>',
            '<li><i class="dz-chip dz-done"></i>已竣工（竣工、投产）</li>',
            "</ul>",
        ]
    for title in symbology.SECTIONS:
        if title in by_section:
            parts.append(_section(title, by_section.pop(title)))
    parts.append("</div></div>")
    unplaced = n_at_city(projects)
    sited = int((text_column(projects, "located_by") == LOCATED_BY_SITE).sum())
    note = "项目点位为所在地的代表点，并非实际选址"
    if sited:
        note = f"{sited} 个项目标于台账坐标，其余为所在地的代表点"
    if unplaced:
        note += f"；{unplaced} 个{CITY_LEVEL}项目（规划未落到县市区）标于图外一角"
    note += f"。{COUNT_RULE_SHORT}"
    if state.basemap == "amap":
        note += "；高德底图为 GCJ-02，叠加图层已同步偏移"
    parts.append(f'<p class="dz-note dz-legend-foot">{esc(note)}</p>')
    return "".join(parts)


def map_notes(layers: Layers) -> str:
    """The app's 说明 tab as Markdown: how the map is drawn, corridor names from the data
    (escaped, so a user's build cannot inject Markdown)."""
    names = dict(zip(layers.corridors["id"], layers.corridors["name"], strict=False))
    shared = set.intersection(*(set(split_multi(p)) for p in layers.corridors["places"]))
    axis = markdown_literal(names.get("axis", "axis"))
    belt = markdown_literal(names.get("belt", "belt"))
    both = markdown_literal("、".join(sorted(shared)) or "两者交汇的区县")
    return (
        f"- **布局**视图按轴带联动给区县着色：蓝为{axis}，橙为{belt}，"
        f"紫为两者交汇的{both}；区县名下是该地多点突破的重点产业。\n"
        "- **项目**视图按符合筛选的重点项目数给区县着色。\n"
        "- 项目点位：台账给出坐标（或乡镇）的项目画在该处（只画一个点），弹窗中“点位”"
        "标明台账坐标／乡镇／规划地点，每个台账字段注明来源（规划或台账第几版）；"
        "其余项目画在所在地（区县、园区）的代表点，不是项目选址；一个项目涉及几个县市区，"
        "就在每个县市区各画一个点、各计 1 个，聚合圈与全市合计只计 1 次。\n"
        "- **按年份查看**：只显示该年已开工的项目（状态为在建、竣工、投产且开工年份"
        "不晚于该年），该年已竣工的加深色外圈。\n"
        "- 轴带走廊、干线与园区范围为示意，非测绘成果。\n"
        "- 无底图时不需联网；高德底图为 GCJ-02 坐标，叠加图层随之偏移。"
    )
