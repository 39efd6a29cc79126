"""`dzgeo validate` on hostile files: the exit code, the message, and nothing changed.

Every file is made here in tmp_path. Each case runs the real CLI and checks the exit
code (0 valid, 2 refused), the words of the message (what, where, the fix), that no
traceback is shown, and that the folder holds exactly what it held before, byte for byte.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
from pathlib import Path

import openpyxl
import pytest
from pyproj import Transformer

from dzgeo.cli import main
from dzgeo.data.projects import COLUMNS
from dzgeo.settings import GEODATA_DIR

DEZHOU = (116.36, 37.43)


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    with (GEODATA_DIR / "projects.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))[:6]


def _csv_text(rows: list[dict[str, str]], sep: str = ",", header=COLUMNS) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=sep, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(c.strip(), "") for c in header])
    return buffer.getvalue()


def _validate(path: Path, capsys) -> tuple[int, str, str]:
    folder = {p.name: p.read_bytes() for p in path.parent.iterdir()}
    code = main(["validate", str(path)])
    out, err = capsys.readouterr()
    assert {p.name: p.read_bytes() for p in path.parent.iterdir()} == folder
    assert "Traceback" not in out + err
    return code, out, err


def _geojson(features, **top) -> str:
    return json.dumps({"type": "FeatureCollection", **top, "features": features})


def _features(rows, geometry=None) -> list[dict]:
    point = {"type": "Point", "coordinates": list(DEZHOU)}
    return [
        {"type": "Feature", "properties": r, "geometry": point if geometry is None else geometry}
        for r in rows
    ]


# ---------------------------------------------------------------------- CSV and XLSX


@pytest.mark.parametrize(
    ("encoding", "bom", "sep", "note"),
    [
        ("gbk", b"", ",", "GBK"),
        ("gb18030", b"", ",", "GB"),
        ("utf-16-le", codecs.BOM_UTF16_LE, "\t", "UTF-16"),
        ("utf-16-be", codecs.BOM_UTF16_BE, "\t", "UTF-16"),
        ("utf-8", codecs.BOM_UTF8, ";", "分号"),
    ],
)
def test_encodings_and_separators_are_read(tmp_path, rows, capsys, encoding, bom, sep, note):
    path = tmp_path / "p.csv"
    path.write_bytes(bom + _csv_text(rows, sep).encode(encoding))
    code, out, err = _validate(path, capsys)
    assert code == 0, err
    assert note in out and "6 个项目，全部通过检查" in out


def test_random_bytes_name_the_row_and_the_fix(tmp_path, rows, capsys):
    path = tmp_path / "p.csv"
    path.write_bytes(_csv_text(rows).encode() + bytes(range(128, 256)) * 4)
    code, _, err = _validate(path, capsys)
    assert code == 2
    assert "无法识别文件编码：第 8 行" in err and "另存为" in err


def test_data_on_a_second_sheet_with_formula_cells(tmp_path, rows, capsys):
    book = openpyxl.Workbook()
    about = book.active
    assert about is not None
    about.title = "说明"
    about.append(["本表由规划科填写"])
    sheet = book.create_sheet("项目")
    sheet.append(list(COLUMNS))
    for row in rows:
        sheet.append([row[c] for c in COLUMNS])
    path = tmp_path / "p.xlsx"
    book.save(path)
    code, out, err = _validate(path, capsys)
    assert code == 0, err
    assert "读取工作表“项目”" in out


@pytest.mark.parametrize(
    ("content", "match"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1000), "旧版 Excel 97-2003"),
        (b"PK\x03\x04" + bytes(300), "已损坏或不完整"),
        (b"id,name\nA,B\n", "扩展名改为 .csv"),
    ],
)
def test_damaged_or_misnamed_workbooks(tmp_path, capsys, content, match):
    path = tmp_path / "p.xlsx"
    path.write_bytes(content)
    code, _, err = _validate(path, capsys)
    assert code == 2 and match in err and str(path) in err


def test_duplicate_and_misspelt_columns(tmp_path, rows, capsys):
    dup = tmp_path / "dup.csv"
    dup.write_text(_csv_text(rows, header=(*COLUMNS, "id")), encoding="utf-8")
    code, _, err = _validate(dup, capsys)
    assert code == 2 and "重复的列 (duplicate column) id" in err
    typo = tmp_path / "typo.csv"
    header = tuple("enterprize" if c == "enterprise" else c for c in COLUMNS)
    typo.write_text(_csv_text(rows, header=header), encoding="utf-8")
    code, _, err = _validate(typo, capsys)
    assert code == 2 and "“enterprize”（是否指 'enterprise'？）" in err


def test_formula_like_cells_are_warned_about(tmp_path, rows, capsys):
    rows = [dict(r) for r in rows]
    rows[0]["name"] = '=HYPERLINK("http://x","click")'
    rows[1]["enterprise"] = "=cmd|' /C calc'!A0"
    rows[2]["plan_text"] = "+1+1"
    rows[3]["enterprise"] = "@SUM(1)"
    path = tmp_path / "p.csv"
    path.write_text(_csv_text(rows), encoding="utf-8")
    code, out, err = _validate(path, capsys)
    assert code == 0, err
    assert "4 个单元格会被电子表格当作公式执行" in out
    assert "第 2 行 name 列" in out and "第 5 行 enterprise 列" in out


def test_100000_bad_rows_give_a_capped_report(tmp_path, rows, capsys):
    bad = [dict(rows[0], id=f"X-{i}", industry="不存在的产业") for i in range(100_000)]
    path = tmp_path / "p.csv"
    path.write_text(_csv_text(bad), encoding="utf-8")
    code, _, err = _validate(path, capsys)
    assert code == 2
    assert len(err.encode()) < 30_000
    assert "发现 100,000 个数据问题" in err and "另有 99,980 个同类问题" in err


def test_a_20_mb_header_is_not_echoed(tmp_path, capsys):
    path = tmp_path / "p.csv"
    path.write_text("id,name," + "x" * 20_000_000 + "\nA,B,C\n", encoding="utf-8")
    code, _, err = _validate(path, capsys)
    assert code == 2 and len(err) < 3000 and "表头" in err


# ---------------------------------------------------------------------- GeoJSON


def _nested(depth: int) -> str:
    return '{"type": "FeatureCollection", "features": ' + "[" * depth + "]" * depth + "}"


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("[1, 2, 3]", "顶层不是 FeatureCollection（是数组）"),
        ("42", "顶层不是 FeatureCollection（是数字 42）"),
        ('"FeatureCollection"', "顶层不是 FeatureCollection"),
        ('{"type": "FeatureCollection", "features": null}', '"features" 应为数组，实际是null'),
        ('{"type": "FeatureCollection", "features": [1, "x"]}', "第 1 个要素 (feature 1)"),
        (_nested(100_000), "嵌套过深"),
        ('{"type": "FeatureCollection", "features": [}', "第 1 行第 44 列"),
    ],
)
def test_geojson_structure(tmp_path, capsys, text, match):
    path = tmp_path / "p.geojson"
    path.write_text(text, encoding="utf-8")
    code, _, err = _validate(path, capsys)
    assert code == 2, err
    assert match in err and str(path) in err


@pytest.mark.parametrize(
    ("geometry", "match"),
    [
        ({"type": "Banana", "coordinates": [1, 2]}, "未知的几何类型 “Banana”"),
        ({"type": "Point", "coordinates": []}, "几何为空"),
        ({"type": "Point", "coordinates": "here"}, "坐标无法解析"),
        ({"type": "Point", "coordinates": [2.35, 48.86]}, "不在德州市范围内"),
        ({"type": "Point", "coordinates": [1.3e7, 4.5e6]}, "像是投影坐标"),
        (
            {
                "type": "Polygon",
                "coordinates": [
                    [[116.3, 37.4], [116.4, 37.5], [116.4, 37.4], [116.3, 37.5], [116.3, 37.4]]
                ],
            },
            "几何无效：Self-intersection",
        ),
    ],
)
def test_geojson_geometry(tmp_path, rows, capsys, geometry, match):
    features = _features(rows)
    features[2]["geometry"] = geometry
    path = tmp_path / "p.geojson"
    path.write_text(_geojson(features), encoding="utf-8")
    code, _, err = _validate(path, capsys)
    assert code == 2, err
    assert "第 3 个要素 geometry (feature 3, geometry)" in err and match in err


def test_geojson_valid_with_points_and_nulls(tmp_path, rows, capsys):
    features = _features(rows)
    features[0]["geometry"] = None
    path = tmp_path / "p.geojson"
    path.write_text(_geojson(features), encoding="utf-8")
    code, out, err = _validate(path, capsys)
    assert code == 0, err and "6 个项目" in out


def test_geojson_declared_crs_is_converted(tmp_path, rows, capsys):
    x, y = Transformer.from_crs("EPSG:4326", "EPSG:4548", always_xy=True).transform(*DEZHOU)
    features = _features(rows, {"type": "Point", "coordinates": [x, y]})
    crs = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::4548"}}
    path = tmp_path / "p.geojson"
    path.write_text(_geojson(features, crs=crs), encoding="utf-8")
    code, out, err = _validate(path, capsys)
    assert code == 0, err
    assert "已转换为 WGS 84" in out
    crs84 = {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}}
    path.write_text(_geojson(_features(rows), crs=crs84), encoding="utf-8")
    code, out, _ = _validate(path, capsys)
    assert code == 0 and "即 WGS 84" in out
    bad = {"type": "name", "properties": {"name": "EPSG:999999"}}
    path.write_text(_geojson(_features(rows), crs=bad), encoding="utf-8")
    code, _, err = _validate(path, capsys)
    assert code == 2 and "未知的坐标系" in err
