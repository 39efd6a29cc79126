"""The reader of a user's table file: encodings, separators, sheets, formulas, damage.

Every hostile file is made here, in tmp_path; each case checks what is read or the
message (file, row, fix) and that the file is left as it was.
"""

from __future__ import annotations

import codecs
import os
import re
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from dzgeo.data.tabular import header_problems, open_table, read_table
from dzgeo.errors import DataFileNotFoundError, DataValidationError

ROWS = [
    ("id", "name", "place"),
    ("E1-001", "德州高铁新区综合体", "德城区"),
    ("E1-002", "齐河县 𠀀 项目；€ 与 㐀", "齐河县"),
    ("007", "禹城市生物产业园", "禹城市"),
]
KNOWN = ("id", "name", "industry", "place", "enterprise")


def _text(rows=ROWS, sep=",") -> str:
    return "\n".join(sep.join(r) for r in rows) + "\n"


def _unchanged(path: Path, before: bytes) -> None:
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    ("encoding", "bom", "sep", "note"),
    [
        ("utf-8", b"", ",", None),
        ("utf-8", codecs.BOM_UTF8, ",", None),
        ("gb18030", b"", ",", "GB18030"),
        ("utf-16-le", codecs.BOM_UTF16_LE, "\t", "UTF-16"),
        ("utf-16-be", codecs.BOM_UTF16_BE, "\t", "UTF-16"),
        ("utf-16-le", b"", "\t", "UTF-16 LE"),
        ("utf-8", b"", ";", "分号"),
        ("utf-8", b"", "\t", "制表符"),
    ],
)
def test_encodings_and_separators(tmp_path: Path, encoding, bom, sep, note) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes(bom + _text(sep=sep).encode(encoding))
    table = open_table(path, known=KNOWN)
    frame = table.frame()
    assert table.columns == ROWS[0]
    assert list(frame.index) == [2, 3, 4]
    assert frame.loc[3, "name"] == ROWS[2][1]
    assert frame.loc[4, "id"] == "007"
    if note:
        assert any(note in n for n in table.notes), table.notes
    else:
        assert table.notes == []


def test_gbk_file_is_read_and_named(tmp_path: Path) -> None:
    rows = [("id", "name", "place"), ("E1-001", "德州市经济技术开发区", "经开区")]
    path = tmp_path / "gbk.csv"
    path.write_bytes(_text(rows).encode("gbk"))
    table = open_table(path)
    assert table.encoding == "gbk" and "GBK" in table.notes[0]
    assert table.frame().loc[2, "name"] == "德州市经济技术开发区"


def test_gb18030_only_characters_are_not_mangled(tmp_path: Path) -> None:
    with pytest.raises(UnicodeEncodeError):
        "𠀀".encode("gbk")
    path = tmp_path / "gb.csv"
    path.write_bytes(_text().encode("gb18030"))
    assert open_table(path).encoding == "gb18030"


def test_random_bytes_name_the_row(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes("id,name\nA,甲\nB,乙\n".encode() + bytes([0x81, 0xFF, 0xFE, 0x80]) * 8)
    before = path.read_bytes()
    with pytest.raises(DataValidationError, match=r"无法识别文件编码：第 4 行") as info:
        open_table(path)
    assert "另存为" in str(info.value) and str(path) in str(info.value)
    _unchanged(path, before)


def test_binary_and_wrong_suffix(tmp_path: Path) -> None:
    png = tmp_path / "x.csv"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(64))
    with pytest.raises(DataValidationError, match="不是表格文件"):
        open_table(png)
    blob = tmp_path / "y.csv"
    blob.write_bytes(b"id,name\n\x00\x01\x02\x03garbage")
    with pytest.raises(DataValidationError, match="二进制"):
        open_table(blob)
    with pytest.raises(DataFileNotFoundError, match="找不到表格文件"):
        open_table(tmp_path / "missing.csv")
    with pytest.raises(DataFileNotFoundError, match="文件夹"):
        open_table(tmp_path)


def test_duplicate_columns_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "dup.csv"
    path.write_text("id,name,id\nA,甲,B\n", encoding="utf-8")
    with pytest.raises(DataValidationError, match=r"表头.*重复的列 \(duplicate column\) id"):
        open_table(path)


def test_unknown_columns_get_the_closest_name(tmp_path: Path) -> None:
    problems = header_problems(("id", "enterprize", "", "备注"), KNOWN, "f.csv", required=("id",))
    text = "\n".join(map(str, problems))
    assert "未知的列 (unknown column) “enterprize”（是否指 'enterprise'？）" in text
    assert "第 3 列 (row 1, column 3)" in text and "没有列名" in text
    assert "“备注”" in text
    missing = header_problems(("x",), KNOWN, "f.csv", required=("id", "name"))
    assert "缺少必需的列 (missing column) id、name" in str(missing[0])


def test_huge_header_is_not_echoed(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    path.write_text("id," + "x" * 20_000_000 + "\nA,1\n", encoding="utf-8")
    with pytest.raises(DataValidationError) as info:
        open_table(path)
    assert len(str(info.value)) < 2000
    assert "表头无法解析" in str(info.value)
    many = tmp_path / "many.csv"
    many.write_text(",".join(f"column_{i}" for i in range(200_000)) + "\n", encoding="utf-8")
    problems = header_problems(open_table(many).columns, KNOWN, "many.csv", required=("id",))
    assert len(str(problems[0])) < 2000 and "等 200,000 列" in str(problems[0])


def test_ragged_row_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "ragged.csv"
    path.write_text("id,name\nA,甲\nB,乙,多余\n", encoding="utf-8")
    with pytest.raises(DataValidationError, match=r"第 3 行有 3 个字段，比表头多"):
        read_table(path)


def test_blank_lines_keep_spreadsheet_row_numbers(tmp_path: Path) -> None:
    path = tmp_path / "gaps.csv"
    path.write_text("id,name\nA,甲\n\n,\nB,乙\n", encoding="utf-8")
    assert list(read_table(path).index) == [2, 5]


def test_chunks_stream_with_file_rows(tmp_path: Path) -> None:
    path = tmp_path / "long.csv"
    path.write_text("id,name\n" + "".join(f"P{i},n{i}\n" for i in range(1234)), encoding="utf-8")
    chunks = list(open_table(path).chunks(rows=500))
    assert [len(c) for c in chunks] == [500, 500, 234]
    assert chunks[2].index[0] == 1002 and chunks[2].iloc[0]["id"] == "P1000"


# ------------------------------------------------------------------------------ XLSX


def _workbook(path: Path, sheets: dict[str, list[tuple]]) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.worksheets[0])
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(list(row))
    book.save(path)
    return path


def _with_cached_values(path: Path, cached: dict[str, str]) -> None:
    """Write the cached results Excel would store next to each formula (openpyxl can't)."""
    with zipfile.ZipFile(path) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    xml = members["xl/worksheets/sheet1.xml"].decode()
    for ref, value in cached.items():
        xml = re.sub(
            rf'<c r="{ref}"><f>(.*?)</f><v\s*/?>(</v>)?',
            rf'<c r="{ref}" t="str"><f>\1</f><v>{value}</v>',
            xml,
        )
    members["xl/worksheets/sheet1.xml"] = xml.encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def test_data_on_a_second_sheet_is_found(tmp_path: Path) -> None:
    path = _workbook(
        tmp_path / "two.xlsx",
        {"说明": [("填表说明",), ("每行一个项目",)], "项目": [*ROWS]},
    )
    table = open_table(path, known=KNOWN, required=("id", "name"))
    assert table.sheet == "项目" and "读取工作表“项目”" in table.notes[0]
    frame = table.frame()
    assert frame.loc[4, "id"] == "007" and frame.loc[3, "name"] == ROWS[2][1]


def test_formula_cells_read_as_cached_values(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "f.xlsx", {"项目": [("id", "name"), ("A", '="德州"&"项目"')]})
    _with_cached_values(path, {"B2": "德州项目"})
    table = open_table(path)
    assert table.formula_cells == 1 and table.formulas_without_value == 0
    assert "按 Excel 保存的计算结果读取" in table.notes[0]
    assert table.frame().loc[2, "name"] == "德州项目"


def test_formula_without_cached_value_is_said(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "g.xlsx", {"项目": [("id", "n"), ("A", "=1+1")]})
    table = open_table(path)
    assert table.formulas_without_value == 1
    assert any("没有保存的计算结果" in n and "在 Excel 中打开并保存" in n for n in table.notes)


def test_xlsx_numbers_dates_and_zeros(tmp_path: Path) -> None:
    import datetime

    path = _workbook(
        tmp_path / "n.xlsx",
        {"s": [("id", "year", "money", "day"), ("007", 2020, 1.5, datetime.date(2020, 5, 1))]},
    )
    row = read_table(path).loc[2]
    assert list(row) == ["007", "2020", "1.5", "2020-05-01"]


def test_old_xls_renamed_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "old.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    with pytest.raises(DataValidationError, match=r"旧版 Excel 97-2003 \(\.xls\).*另存为"):
        open_table(path)


def test_truncated_xlsx(tmp_path: Path) -> None:
    good = _workbook(tmp_path / "good.xlsx", {"项目": [*ROWS]})
    data = good.read_bytes()
    for cut in (len(data) // 3, len(data) - 30):
        path = tmp_path / f"cut{cut}.xlsx"
        path.write_bytes(data[:cut])
        with pytest.raises(DataValidationError, match=r"已损坏或不完整.*重新下载"):
            open_table(path)
        assert path.read_bytes() == data[:cut]


def test_csv_named_xlsx_and_empty_workbook(tmp_path: Path) -> None:
    path = tmp_path / "text.xlsx"
    path.write_text(_text(), encoding="utf-8")
    with pytest.raises(DataValidationError, match=r"不是 XLSX.*扩展名改为 \.csv"):
        open_table(path)
    empty = _workbook(tmp_path / "empty.xlsx", {"a": [], "b": []})
    with pytest.raises(DataValidationError, match="所有工作表都是空的"):
        open_table(empty)


def test_xlsx_duplicate_header(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "d.xlsx", {"s": [("id", "name", "id"), ("A", "x", "B")]})
    with pytest.raises(DataValidationError, match="重复的列"):
        open_table(path)


def test_read_table_matches_pandas_for_a_plain_csv(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text(_text(), encoding="utf-8")
    expected = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert read_table(path).reset_index(drop=True).astype(str).equals(expected.astype(str))
