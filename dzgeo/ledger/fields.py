"""The ledger's fields: what a planner's 项目台账 adds to each plan project.

This is the contract between the ledger (template, import, store, versions) and its
readers (filters, web map, briefing sheets, downloads). The current version's projects
are the published project fields (:data:`dzgeo.data.published.PROJECT_FIELDS`) plus
:data:`LEDGER_FIELDS`; a row's geometry is its site when the ledger gives one, otherwise
the plan's place point (or none for a city-level project).

Codes are English (GIS users, URL keys); :data:`HEADERS` gives the Chinese header a
planner sees in the template, the on-screen table and the downloads.
"""

from __future__ import annotations

#: 状态, a closed list in the order a project moves through it.
STATUSES = ("谋划", "前期", "在建", "竣工", "投产", "取消")
#: Statuses counted as "started" on the year slider (a project stands from its 开工年份).
STARTED_STATUSES = ("在建", "竣工", "投产")
#: Statuses counted as "finished" (drawn distinct from the 竣工年份 on).
FINISHED_STATUSES = ("竣工", "投产")

#: The coordinate systems a planner may declare for a typed site.
SITE_CRS = ("WGS84", "GCJ02", "BD09")
#: Their Chinese labels in the template's drop-down.
SITE_CRS_LABELS = {
    "WGS84": "WGS 84（GPS、天地图）",
    "GCJ02": "GCJ-02（高德、腾讯）",
    "BD09": "BD-09（百度）",
}

#: Fields the ledger adds, in table order.
LEDGER_FIELDS = (
    "site_lon",  # site longitude, WGS 84 (converted from the declared system)
    "site_lat",  # site latitude, WGS 84
    "site_crs",  # the declared system of the typed coordinates: one of SITE_CRS
    "site_lon_input",  # longitude as typed
    "site_lat_input",  # latitude as typed
    "located_by",  # how the drawn point was found: 台账坐标 / 乡镇 / 规划地点 / 无（全市层面）
    "township",  # 乡镇（街道）
    "status",  # one of STATUSES, or empty
    "start_year",  # 开工年份 (int or empty)
    "finish_year",  # 竣工年份 (int or empty)
    "investment_total",  # 总投资（亿元）
    "investment_done",  # 累计完成投资（亿元）
    "responsible",  # 责任单位
    "remarks",  # 备注
    "origin",  # 规划 (a plan project) or 台账 (a project the ledger added)
    "provenance",  # per field: 规划 or 台账 v<N>, as JSON text {"status": "台账 v3", ...}
    "ledger_version",  # the version this row was read from
)

#: Chinese headers of the fields planners fill in (template, on-screen table, downloads).
HEADERS = {
    "id": "编号",
    "site_lon": "经度",
    "site_lat": "纬度",
    "site_crs": "坐标系",
    "township": "乡镇（街道）",
    "status": "状态",
    "start_year": "开工年份",
    "finish_year": "竣工年份",
    "investment_total": "总投资（亿元）",
    "investment_done": "累计完成投资（亿元）",
    "responsible": "责任单位",
    "remarks": "备注",
}

#: ``located_by`` values: how the drawn point of a row was found.
LOCATED_BY_SITE = "台账坐标"
LOCATED_BY_TOWNSHIP = "乡镇"
LOCATED_BY_PLAN = "规划地点"
LOCATED_BY_NONE = "无（全市层面）"

#: Ledger fields held as floating-point numbers (empty = NaN).
REAL_FIELDS = (
    "site_lon",
    "site_lat",
    "site_lon_input",
    "site_lat_input",
    "investment_total",
    "investment_done",
)
#: Ledger fields held as whole numbers (empty = <NA>, pandas ``Int64``).
INT_FIELDS = ("start_year", "finish_year")
#: Ledger fields a planner types (the template's fill-in columns, in order).
INPUT_FIELDS = (
    "site_lon",
    "site_lat",
    "site_crs",
    "township",
    "status",
    "start_year",
    "finish_year",
    "investment_total",
    "investment_done",
    "responsible",
    "remarks",
)
#: ``origin`` of a current project: in the plan, or added by a ledger import.
ORIGIN_PLAN = "规划"
ORIGIN_LEDGER = "台账"
PROVENANCE_PLAN = "规划"


def provenance_label(version: int) -> str:
    """The provenance of a field set by the import that made ``version``: ``台账 v3``."""
    return f"{ORIGIN_LEDGER} v{version}"
