"""The web map's legend as HTML (every text from the data escaped)."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from dzgeo import style
from dzgeo.data.published import Layers
from dzgeo.filters import ViewState
from dzgeo.tables import industry_counts
from dzgeo.web.popups import cell_text, esc
from dzgeo.web.projects import n_at_city, text_column


def _li(symbol: str, label: str, count: int | None = None) -> str:
    """A legend row: a symbol (trusted HTML), an escaped label and an optional count."""
    n = "" if count is None else f'<span class="dz-n">{count}</span>'
    return f"<li>{symbol}{esc(label)}{n}</li>"


def _swatch(fill: str, extra: str = "") -> str:
    return f'<i class="dz-sw" style="background:{fill};{extra}"></i>'


def _line(color: str, dashed: bool = False) -> str:
    return f'<i class="dz-ln{" dz-dash" if dashed else ""}" style="border-color:{color}"></i>'


def legend(layers: Layers, state: ViewState, projects: pd.DataFrame, breaks: Sequence[int]) -> str:
    """The legend's HTML (every text escaped) for ``state`` and the filtered ``projects``."""
    parts = [
        '<div class="dz-legend-head"><span>图例</span>'
        '<button type="button" class="dz-legend-toggle" title="收起或展开图例">收起/展开</button>'
        '</div><div class="dz-legend-body"><div>'
    ]
    if state.view == "项目":
        parts.append("<h5>区县重点项目数</h5><ul>")
        parts += [_li(_swatch(c), f"{label} 个") for label, c in style.count_classes(breaks)]
    else:
        parts.append("<h5>区县（轴带联动）</h5><ul>")
        parts += [
            _li(_swatch(style.LAYOUT_FILLS[k]), style.LAYOUT_LABELS[k])
            for k in ("axis", "belt", "axis|belt", "")
        ]
        parts.append('<li class="dz-note">区县名下为多点突破重点</li>')
    lead = style.LEAD_ZONE_COLOR
    parts += [
        '</ul><h5>双区与园区</h5><ul class="dz-wrap">',
        _li(_swatch(f"{lead}38", f"border:2px solid {lead}"), "双区"),
    ]
    kinds = layers.zones.loc[layers.zones["kind"] != "lead_zone", ["kind", "kind_label"]]
    for kind, label in kinds.drop_duplicates("kind").itertuples(index=False):
        color = style.ZONE_COLORS.get(cell_text(kind), "#555555")
        parts.append(_li(f'<i class="dz-dia" style="border-color:{color}"></i>', cell_text(label)))
    parts.append("</ul></div><div>")
    counts = industry_counts(projects, layers.vocab)
    parts.append(f'<h5>重点项目（{len(projects)} 个）</h5><div class="dz-cols">')
    for group, shape_class in (("新兴", ""), ("传统", " dz-sq")):
        parts.append(f'<ul><li class="dz-note">{group}产业</li>')
        for name, grp in layers.vocab.industries.items():
            if grp == group:
                chip = (
                    f'<i class="dz-chip{shape_class}" '
                    f'style="background:{style.industry_color(name)}"></i>'
                )
                parts.append(_li(chip, name, int(counts.get(name, 0))))
        parts.append("</ul>")
    parts.append("</div>")
    if state.filter.year is not None:
        parts += [
            f"<h5>{state.filter.year} 年已开工的项目</h5><ul>",
            _li('<i class="dz-chip dz-open"></i>', "在建（颜色为产业）"),
            _li('<i class="dz-chip dz-done"></i>', "已竣工（竣工、投产）"),
            "</ul>",
        ]
    parts += [
        "<h5>轴带与干线（示意）</h5><ul>",
        _li(_line(style.AXIS_COLOR), "新兴产业集聚轴：高速公路"),
        _li(_line(style.AXIS_COLOR, dashed=True), "新兴产业集聚轴：高速铁路"),
        _li(_line(style.BELT_COLOR), "传统产业升级带：高速公路"),
        "</ul></div></div>",
    ]
    unplaced = n_at_city(projects)
    sited = int((text_column(projects, "located_by") == "台账坐标").sum())
    note = "项目点位为所在地的代表点，并非实际选址"
    if sited:
        note = f"{sited} 个项目标于台账坐标，其余为所在地的代表点"
    if unplaced:
        note += f"；{unplaced} 个未指明地点的项目标于市域"
    if state.basemap == "amap":
        note += "；高德底图为 GCJ-02，叠加图层已同步偏移"
    parts.append(f'<p class="dz-note dz-legend-foot">{esc(note)}</p>')
    return "".join(parts)
