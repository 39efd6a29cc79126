"""The ledger template: an Excel workbook of the plan's projects, ready to fill in.

Sheet 台账: one row per project, the plan's fields in grey and locked (the sheet is
protected without a password, so they read as read-only but nothing is hidden), the
fill-in columns white and open, with drop-down lists for 坐标系 and 状态 (and 产业 on the
blank rows below, for new projects), whole-number years and non-negative 亿元. Sheet 说明
explains every column. Every cell is written as text or a number, never as a formula.
"""

from __future__ import annotations

import io
from collections.abc import Iterable

import geopandas as gpd
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from dzgeo.formulas import write_text_cells
from dzgeo.ledger.check import FIRST_YEAR
from dzgeo.ledger.fields import HEADERS, INPUT_FIELDS, SITE_CRS_LABELS, STATUSES
from dzgeo.ledger.headers import PLAN_HEADERS
from dzgeo.vocabulary import Vocabulary

__all__ = ["BLANK_ROWS", "PLAN_COLUMNS", "SHEET", "template_bytes"]

SHEET = "台账"
NOTES_SHEET = "说明"
#: The plan's columns shown (read-only) in the template.
PLAN_COLUMNS = ("id", "name", "industry", "subfield", "place", "enterprise", "plan_section")
#: Empty rows left below the projects for new ones.
BLANK_ROWS = 200
LAST_YEAR = 2035
GREY = PatternFill("solid", fgColor="D9D9D9")
HEAD = PatternFill("solid", fgColor="BDD7EE")
WIDTHS = {"name": 40, "plan_section": 36, "enterprise": 18, "remarks": 30, "responsible": 18}

_EXPLAIN = {
    "id": "项目编号。更新规划项目：保留原编号；新增项目：在表末空行填写新编号"
    "（字母、数字、- _ .），或留空由系统分配（TZ-0001 起）并在导入时告知",
    "name": "项目名称（规划原文，只读）；新增项目必填",
    "industry": "所属产业（只读）；新增项目必填，从下拉列表选择 12 个产业之一",
    "subfield": "细分领域（只读）；新增项目可填，须属于所选产业",
    "place": "规划地点（只读）；新增项目可填县（市、区）或开发区名称",
    "enterprise": "企业（只读）；新增项目可填",
    "plan_section": "规划章节（只读）",
    "site_lon": "项目实际位置的经度，十进制度数，如 116.3075",
    "site_lat": "项目实际位置的纬度，十进制度数，如 37.4513；经度、纬度须同时填写，且在德州市内",
    "site_crs": "坐标来自哪里：WGS 84（GPS、天地图）、GCJ-02（高德、腾讯地图拾取）、"
    "BD-09（百度地图拾取）；填了坐标就必须选择，导入时统一换算为 WGS 84",
    "township": "乡镇（街道）名称，如 宋官屯街道；没有坐标时，项目画在该乡镇（名录取自 sizhi 包，"
    "不在名录中的按县显示）",
    "status": f"项目状态，从下拉列表选择：{'、'.join(STATUSES)}",
    "start_year": f"开工年份，四位数字，如 2019（{FIRST_YEAR}–{LAST_YEAR}）",
    "finish_year": "竣工年份，四位数字，不早于开工年份",
    "investment_total": "总投资，单位亿元，数字，如 12.5（万元请除以 10000）",
    "investment_done": "累计完成投资，单位亿元，数字",
    "responsible": "责任单位",
    "remarks": "备注（作为文字保存，不会被当作公式）",
}


_TYPED = {"site_lon": "site_lon_input", "site_lat": "site_lat_input"}


def _columns() -> list[tuple[str, str, bool]]:
    """(code, header, editable) in sheet order."""
    plan = [(c, PLAN_HEADERS[c], False) for c in PLAN_COLUMNS]
    return [*plan, *((c, HEADERS[c], True) for c in INPUT_FIELDS)]


def _cell_value(value: object) -> object:
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and value != value:  # NaN
        return None
    return value


def _write_rows(
    ws: Worksheet, projects: pd.DataFrame, columns: list[tuple[str, str, bool]]
) -> None:
    ws.append([header for _, header, _ in columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = HEAD
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    crs_labels = SITE_CRS_LABELS
    for record in projects.to_dict("records"):
        row = []
        for code, _, _ in columns:
            source = _TYPED.get(code, code)  # sites as typed, beside their declared system
            value = _cell_value(record.get(source))
            if code == "site_crs" and value:
                value = crs_labels.get(str(value), value)
            row.append(value)
        ws.append(row)
    for _ in range(BLANK_ROWS):
        ws.append([None] * len(columns))


def _style(ws: Worksheet, columns: list[tuple[str, str, bool]], filled: int) -> None:
    last = filled + 1 + BLANK_ROWS
    for index, (code, header, editable) in enumerate(columns, start=1):
        letter = get_column_letter(index)
        ws.column_dimensions[letter].width = WIDTHS.get(code, max(10, len(header) * 2 + 2))
        for row in range(2, last + 1):
            cell = ws.cell(row=row, column=index)
            if editable or row > filled + 1:
                cell.protection = Protection(locked=False)
            else:
                cell.fill = GREY
            if code in ("id", "name", "township", "responsible", "remarks", "site_crs"):
                cell.number_format = "@"
    ws.freeze_panes = "C2"
    ws.protection.sheet = True
    for option in ("formatColumns", "formatRows", "autoFilter", "sort", "insertRows"):
        setattr(ws.protection, option, False)  # False = allowed to the user


def _validations(
    ws: Worksheet, columns: list[tuple[str, str, bool]], filled: int, vocab: Vocabulary | None
) -> None:
    last = filled + 1 + BLANK_ROWS
    letters = {code: get_column_letter(i) for i, (code, _, _) in enumerate(columns, start=1)}

    def add(code: str, validation: DataValidation, first: int = 2) -> None:
        validation.error = (
            f"请按“{NOTES_SHEET}”表的要求填写{HEADERS.get(code, PLAN_HEADERS.get(code))}"
        )
        validation.errorTitle = "输入无效"
        validation.showErrorMessage = True
        validation.allowBlank = True
        ws.add_data_validation(validation)
        validation.add(f"{letters[code]}{first}:{letters[code]}{last}")

    add("site_crs", DataValidation(type="list", formula1=_list(SITE_CRS_LABELS.values())))
    add("status", DataValidation(type="list", formula1=_list(STATUSES)))
    for code in ("start_year", "finish_year"):
        add(
            code,
            DataValidation(
                type="whole", operator="between", formula1=str(FIRST_YEAR), formula2=str(LAST_YEAR)
            ),
        )
    for code in ("investment_total", "investment_done"):
        add(code, DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0"))
    if vocab is not None:
        add("industry", DataValidation(type="list", formula1=_list(vocab.industries)), filled + 2)


def _list(values: Iterable[str]) -> str:
    return '"' + ",".join(str(v) for v in values) + '"'


def _notes(wb: Workbook, columns: list[tuple[str, str, bool]]) -> None:
    ws = wb.create_sheet(NOTES_SHEET)
    ws.append(["列名", "可否填写", "说明"])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = HEAD
    for code, header, editable in columns:
        ws.append([header, "填写" if editable else "只读（灰色）", _EXPLAIN[code]])
    ws.append([])
    ws.append(
        [
            "导入",
            "",
            "填好后在地图应用中上传，或运行 dzgeo import 文件名 --dry-run 预览；"
            "有任何错误的文件整份不导入，并逐条列出行、列与改法。每次导入都保存为新版本，可随时恢复。",
        ]
    )
    ws.column_dimensions["A"].width = 22
    ws.column_dimensions["B"].width = 14
    ws.column_dimensions["C"].width = 100
    for row in ws.iter_rows(min_row=2):
        row[2].alignment = Alignment(wrap_text=True, vertical="top")


def template_bytes(
    projects: gpd.GeoDataFrame | pd.DataFrame, vocab: Vocabulary | None = None
) -> bytes:
    """The template workbook for ``projects`` (the plan's, or a ledger version's).

    ``vocab`` adds the 产业 drop-down on the blank rows for new projects.
    """
    columns = _columns()
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = SHEET
    _write_rows(ws, pd.DataFrame(projects), columns)
    _style(ws, columns, len(projects))
    _validations(ws, columns, len(projects), vocab)
    _notes(wb, columns)
    for sheet in wb.worksheets:
        write_text_cells(sheet)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
