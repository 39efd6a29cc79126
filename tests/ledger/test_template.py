"""The ledger template as Excel opens it: headers, grey read-only plan fields, drop-downs,
the 说明 sheet, and text cells that never become formulas."""

from __future__ import annotations

import openpyxl

from dzgeo.ledger.fields import HEADERS, INPUT_FIELDS, SITE_CRS_LABELS, STATUSES
from dzgeo.ledger.importer import import_file
from dzgeo.ledger.store import open_store
from dzgeo.ledger.template import BLANK_ROWS, PLAN_COLUMNS


def _book(run_cli, tmp_path, *extra: str) -> openpyxl.Workbook:
    path = tmp_path / "台账模板.xlsx"
    done = run_cli("template", "-o", str(path), *extra)
    assert done.returncode == 0, done.stderr
    return openpyxl.load_workbook(path)


def test_template_layout(run_cli, tmp_path):
    book = _book(run_cli, tmp_path)
    assert book.sheetnames == ["台账", "说明"]
    sheet = book["台账"]
    headers = [c.value for c in sheet[1]]
    assert headers[: len(PLAN_COLUMNS)] == [
        "编号",
        "项目名称",
        "产业",
        "细分领域",
        "地点",
        "企业",
        "规划章节",
    ]
    assert headers[len(PLAN_COLUMNS) :] == [HEADERS[f] for f in INPUT_FIELDS]
    assert sheet.max_row == 1 + 272 + BLANK_ROWS
    assert sheet.protection.sheet
    plan_cell, fill_cell = (
        sheet.cell(row=2, column=2),
        sheet.cell(row=2, column=len(PLAN_COLUMNS) + 1),
    )
    assert (
        plan_cell.value
        and plan_cell.protection.locked
        and plan_cell.fill.fgColor.rgb.endswith("D9D9D9")
    )
    assert not fill_cell.protection.locked
    new_row = sheet.cell(row=2 + 272, column=2)  # blank rows below: open for new projects
    assert not new_row.protection.locked
    lists = {
        dv.formula1: str(dv.sqref)
        for dv in sheet.data_validations.dataValidation
        if dv.type == "list"
    }
    crs_list = '"' + ",".join(SITE_CRS_LABELS.values()) + '"'
    assert crs_list in lists and '"' + ",".join(STATUSES) + '"' in lists
    kinds = {dv.type for dv in sheet.data_validations.dataValidation}
    assert {"list", "whole", "decimal"} <= kinds
    notes = book["说明"]
    explained = {row[0].value for row in notes.iter_rows(min_row=2) if row[0].value}
    assert set(headers) <= explained
    for ws in book.worksheets:
        assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)


def test_current_template_keeps_typed_text_as_text(store_url, run_cli, tmp_path):
    path = tmp_path / "a.csv"
    path.write_text(
        '编号,经度,纬度,坐标系,备注\nE1-001,116.3,37.45,百度,"=HYPERLINK(""http://x"")"\n',
        encoding="utf-8",
    )
    with open_store(store_url) as store:
        import_file(path, store)
    book = _book(run_cli, tmp_path, "--current", "--store", store_url)
    sheet = book["台账"]
    headers = {c.value: c.column for c in sheet[1]}
    row = 2  # E1-001 is the plan's first project
    remark = sheet.cell(row=row, column=int(headers["备注"] or 0))
    assert remark.value == '=HYPERLINK("http://x")' and remark.data_type == "s"
    # the site is shown as typed, beside its declared system, so a round trip keeps it
    assert sheet.cell(row=row, column=int(headers["经度"] or 0)).value == 116.3
    assert sheet.cell(row=row, column=int(headers["坐标系"] or 0)).value == SITE_CRS_LABELS["BD09"]
