"""Column headers of a planner's file -> field codes.

A ledger file may carry the template's Chinese headers, the on-screen table's, a
download's English field codes, or small variants of them (full-width or half-width
brackets, spaces, case): all map to the same field code.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from dzgeo.data.published import PROJECT_FIELDS
from dzgeo.ledger.fields import HEADERS, LEDGER_FIELDS

__all__ = [
    "IGNORED_FIELDS",
    "PLAN_HEADERS",
    "TEMPLATE_HEADERS",
    "header_key",
    "map_headers",
]

#: Chinese headers of the plan's fields, as in the template and the on-screen table.
PLAN_HEADERS = {
    "id": "编号",
    "name": "项目名称",
    "industry": "产业",
    "group": "类别",
    "subfield": "细分领域",
    "category": "分类",
    "place": "地点",
    "counties": "所在县（区）代码",
    "place_source": "地点依据",
    "place_basis": "地点说明",
    "place_basis_kind": "地点说明类型",
    "enterprise": "企业",
    "plan_section": "规划章节",
    "plan_text": "规划原文",
    "located": "规划点位",
}
#: Every field's Chinese header (plan fields, then the ledger's).
TEMPLATE_HEADERS = {
    **PLAN_HEADERS,
    **HEADERS,
    "site_lon_input": "经度（原始）",
    "site_lat_input": "纬度（原始）",
    "located_by": "点位依据",
    "origin": "来源",
    "provenance": "字段来源",
    "ledger_version": "台账版本",
    "location_note": "位置说明",
    "county_names": "所在区县",
}
#: Columns a download carries that an import must not read back: the drawn point
#: (``lon``/``lat`` is the plan's place point when there is no site) and bookkeeping.
IGNORED_FIELDS = (
    "lon",
    "lat",
    "origin",
    "provenance",
    "ledger_version",
    "location_note",
    "county_names",
)

_ALIASES = {
    "id": ("项目编号", "序号编号"),
    "name": ("名称", "项目"),
    "site_lon": ("经度（WGS84）", "东经", "longitude", "lng", "x"),
    "site_lat": ("纬度（WGS84）", "北纬", "latitude", "y"),
    "site_crs": ("坐标系统", "坐标类型", "crs"),
    "township": ("乡镇", "乡镇街道", "乡镇（街道、园区）", "街道"),
    "status": ("项目状态", "建设状态"),
    "start_year": ("开工时间", "开工年度"),
    "finish_year": ("竣工时间", "竣工年度"),
    "investment_total": ("总投资", "计划总投资（亿元）", "总投资(亿元)"),
    "investment_done": ("累计完成投资", "已完成投资（亿元）"),
    "responsible": ("责任部门", "牵头单位"),
    "remarks": ("备注说明", "说明"),
}


def header_key(text: object) -> str:
    """A header reduced for matching: NFKC (full-width -> half-width), no spaces, casefold."""
    folded = unicodedata.normalize("NFKC", str(text)).casefold()
    return "".join(folded.split())


def _lookup() -> dict[str, str]:
    table: dict[str, str] = {}
    for code in (*PROJECT_FIELDS, *LEDGER_FIELDS, *IGNORED_FIELDS):
        table[header_key(code)] = code
    for code, header in TEMPLATE_HEADERS.items():
        table[header_key(header)] = code
    for code, aliases in _ALIASES.items():
        for alias in aliases:
            table.setdefault(header_key(alias), code)
    return table


_LOOKUP = _lookup()


def map_headers(columns: Iterable[str]) -> tuple[dict[str, str], list[str]]:
    """``({header: field code}, [unknown headers])`` for a file's header row."""
    mapping: dict[str, str] = {}
    unknown: list[str] = []
    for column in columns:
        code = _LOOKUP.get(header_key(column))
        if code is None:
            unknown.append(str(column))
        else:
            mapping[str(column)] = code
    return mapping, unknown
