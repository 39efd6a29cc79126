"""Popup and tooltip HTML of the web map, every text from the data escaped.

:func:`esc` is the one HTML escape of data cells; a popup is a title, a table of
(label, already-escaped HTML) rows and an optional note. Builders take one record of a
published layer and return the HTML that ``dzmap.js`` shows as it is.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from dzgeo.filters import ProjectFilter
from dzgeo.vocabulary import split_multi


def esc(value: object) -> str:
    """A cell as escaped HTML ('' for missing)."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    return html.escape(str(value))


def cell_text(value: object) -> str:
    """A cell as text ('' for missing)."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    return str(value)


def joined(cell: object, sep: str = "、") -> str:
    """A multi-valued cell as escaped HTML, its items joined by ``sep``."""
    return esc(sep.join(split_multi(cell)))


def _table(rows: Iterable[tuple[str, str]]) -> str:
    """An HTML table of (label, already-escaped HTML) rows, skipping empty ones."""
    body = "".join(f"<tr><th>{esc(k)}</th><td>{v}</td></tr>" for k, v in rows if v)
    return f"<table>{body}</table>"


def popup(title: str, rows: Iterable[tuple[str, str]], note: str = "") -> str:
    """A popup: escaped ``title``, a table of (label, escaped HTML) rows, a trusted note."""
    foot = f'<p class="dz-note">{note}</p>' if note else ""
    return f'<div class="dz-pop"><h4>{esc(title)}</h4>{_table(rows)}{foot}</div>'


def _precision_note(row: Mapping[str, Any]) -> str:
    if cell_text(row.get("precision")) == "approximate":
        basis = cell_text(row.get("basis"))
        return "示意位置（approximate），非测绘成果" + (f"；依据：{esc(basis)}" if basis else "")
    return ""


def _num(value: object) -> bool:
    try:
        return bool(np.isfinite(float(value)))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False


# ---------------------------------------------------------------- corridors and routes


def corridor_popup(row: Mapping[str, Any]) -> str:
    """Popup of an 轴带 corridor."""
    return popup(
        cell_text(row.get("name")),
        [
            ("依托干线", joined(row.get("routes"))),
            ("沿线地区", joined(row.get("places"))),
            ("集聚产业", joined(row.get("industries"))),
            ("示意宽度", esc(f"{row['width_km']:g} km") if _num(row.get("width_km")) else ""),
            ("规划章节", esc(row.get("plan_section"))),
        ],
        _precision_note(row),
    )


def corridor_tip(row: Mapping[str, Any]) -> str:
    """Tooltip of an 轴带 corridor: its name and routes."""
    return f"{esc(row.get('name'))}：{joined(row.get('routes'))}"


def route_popup(row: Mapping[str, Any], kind: str, corridor: str) -> str:
    """Popup of a 干线 of ``kind`` (高速公路/高速铁路) belonging to ``corridor``."""
    return popup(
        cell_text(row.get("name")),
        [
            ("类型", kind),
            ("所属", esc(corridor)),
            ("途经", joined(row.get("waypoints"))),
        ],
        _precision_note(row),
    )


def route_tip(row: Mapping[str, Any], kind: str) -> str:
    """Tooltip of a 干线: its name and kind."""
    return f"{esc(row.get('name'))}（{kind}）"


# ------------------------------------------------------------------------------ zones


def zone_popup(row: Mapping[str, Any]) -> str:
    """Popup of a zone (双区, 园区, 平台)."""
    return popup(
        cell_text(row.get("name")),
        [
            ("类型", esc(row.get("kind_label"))),
            ("定位", esc(row.get("role"))),
            ("所在地", esc(row.get("place"))),
            ("重点产业", joined(row.get("industries"))),
            ("规划章节", esc(row.get("plan_section"))),
        ],
        _precision_note(row),
    )


def lead_zone_tip(row: Mapping[str, Any]) -> str:
    """Tooltip of a 双区 zone: its name and role."""
    return esc(row.get("name")) + (f"（{esc(row['role'])}）" if row.get("role") else "")


def zone_tip(row: Mapping[str, Any]) -> str:
    """Tooltip of another zone: its name and kind."""
    return f"{esc(row.get('name'))}（{esc(row.get('kind_label'))}）"


# ---------------------------------------------------------------------------- counties


def county_tip(row: Mapping[str, Any], counts: Mapping[str, int], view: str) -> str:
    """Tooltip of a county: its project count (项目 view) or its 多点突破 terms."""
    name = f"<b>{esc(row.get('name'))}</b>"
    if view == "项目":
        return f"{name}：重点项目 {int(counts.get('', 0))} 个（符合筛选）"
    terms = split_multi(row.get("priority_terms"))
    return name + (f"：{esc('、'.join(terms))}" if terms else "")


def _priorities(row: Mapping[str, Any]) -> str:
    terms = split_multi(row.get("priority_terms"))
    inds = split_multi(row.get("priority_industries"))
    out = []
    for i, term in enumerate(terms):
        ind = inds[i] if i < len(inds) else ""
        out.append(esc(term) + (f"（{esc(ind)}）" if ind and ind != term else ""))
    return "、".join(out)


def _core_areas(cell: object) -> str:
    """Core areas grouped by industry: 高端装备：车船零部件、数控机床；…"""
    grouped: dict[str, list[str]] = {}
    for item in split_multi(cell):
        industry, _, sub = item.partition("·")
        grouped.setdefault(industry, []).append(sub or industry)
    return "；".join(f"{esc(ind)}：{esc('、'.join(subs))}" for ind, subs in grouped.items())


def _corridor_membership(row: Mapping[str, Any]) -> str:
    """轴带联动 of a county from its ``corridor_via`` field (``name：place`` per corridor,
    the names read from corridors.csv by the build): ``新兴产业集聚轴（经中心城区）``
    when it belongs through an area."""
    parts = []
    for item in split_multi(row.get("corridor_via")):
        corridor, _, via = item.partition("：")
        parts.append(corridor + (f"（经{via}）" if via and via != row.get("name") else ""))
    return "；".join(parts)


def county_popup(
    row: Mapping[str, Any], counts: Mapping[str, int], flt: ProjectFilter, order: Sequence[str]
) -> str:
    """Popup of a county: 轴带, priorities, zones, core areas and its (filtered) projects
    per industry in ``order``."""
    per_ind = [f"{esc(k)} {counts[k]}" for k in order if counts.get(k)]
    total = int(counts.get("", 0))
    scope = "" if flt.is_empty() else "符合筛选的"
    projects = f"{scope}共 {total} 个" + (f"：{'；'.join(per_ind)}" if per_ind else "")
    return popup(
        f"{cell_text(row.get('name'))}",
        [
            ("轴带联动", esc(_corridor_membership(row)) or "—"),
            ("多点突破", _priorities(row)),
            ("区内园区", joined(row.get("zone_priorities"), "；")),
            ("核心区", _core_areas(row.get("core_areas"))),
            ("重点项目", projects),
        ],
    )
