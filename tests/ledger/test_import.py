"""Importing real ledger files on both back ends: the encodings, separators and formats
planners have, coordinates checked against an independent GCJ-02 / BD-09 implementation
(the PyPI package ``eviltransform``, its forward closed forms), refusals, revert."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import eviltransform  # type: ignore[import-untyped]  # no stubs; the reference
import openpyxl
import pytest
from pyproj import Geod

from dzgeo.errors import DataValidationError
from dzgeo.ledger.current import current_projects
from dzgeo.ledger.fields import LOCATED_BY_SITE, LOCATED_BY_TOWNSHIP, SITE_CRS_LABELS
from dzgeo.ledger.gazetteer import find_township
from dzgeo.ledger.importer import import_file, preview_import
from dzgeo.ledger.store import open_store

GEOD = Geod(ellps="WGS84")
#: True WGS 84 sites inside Dezhou (德城, 陵城, 禹城, 乐陵, 齐河, 夏津), by plan id.
TRUTH = {
    "E1-001": (116.3125, 37.4321),
    "E1-002": (117.2211, 37.7188),
    "E1-003": (116.5912, 37.3407),
    "E1-004": (116.6533, 36.9311),
    "E1-005": (116.7702, 36.7854),
    "E1-006": (116.0121, 36.9512),
}
HEADER = ["编号", "经度", "纬度", "坐标系", "状态", "开工年份", "总投资（亿元）", "备注"]


def _gcj(lon: float, lat: float) -> tuple[float, float]:
    g_lat, g_lon = eviltransform.wgs2gcj(lat, lon)
    return g_lon, g_lat


def _bd(lon: float, lat: float) -> tuple[float, float]:
    b_lat, b_lon = eviltransform.wgs2bd(lat, lon)
    return b_lon, b_lat


def _metres(a: tuple[Any, Any], b: tuple[float, float]) -> float:
    return abs(GEOD.inv(float(a[0]), float(a[1]), b[0], b[1])[2])


def _rows(convert, label: str) -> list[list[str]]:
    return [
        [pid, f"{x:.7f}", f"{y:.7f}", label, "在建", "2019", "3.5", f"测试{i}"]
        for i, (pid, (x, y)) in enumerate((pid, convert(*lonlat)) for pid, lonlat in TRUTH.items())
    ]


def _assert_sites(store, wanted_crs: str) -> None:
    projects = current_projects(store).set_index("id")
    for pid, truth in TRUTH.items():
        row = projects.loc[pid]
        assert row["located_by"] == LOCATED_BY_SITE
        assert row["site_crs"] == wanted_crs
        assert _metres((row["site_lon"], row["site_lat"]), truth) < 1.0, pid
        assert _metres((row.geometry.x, row.geometry.y), truth) < 1.0, pid
        assert (row["status"], row["start_year"], row["investment_total"]) == ("在建", 2019, 3.5)


def test_gbk_csv_with_chinese_headers_in_gcj02(store_url, tmp_path):
    path = tmp_path / "台账（GBK）.csv"
    with path.open("w", encoding="gbk", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(_rows(_gcj, SITE_CRS_LABELS["GCJ02"]))
    with open_store(store_url) as store:
        version, preview = import_file(path, store, user="测试员")
        assert (version.number, version.file_name, version.user) == (1, path.name, "测试员")
        assert (version.added, version.updated, version.unchanged) == (0, len(TRUTH), 0)
        assert any("GBK" in note or "gbk" in note for note in preview.notes)
        _assert_sites(store, "GCJ02")


def test_utf16_tab_separated_in_bd09(store_url, tmp_path):
    path = tmp_path / "ledger.txt"
    lines = ["\t".join(HEADER)] + ["\t".join(r) for r in _rows(_bd, "百度")]
    path.write_bytes("\r\n".join(lines).encode("utf-16"))  # with BOM, as Excel writes it
    with open_store(store_url) as store:
        import_file(path, store)
        _assert_sites(store, "BD09")


def test_template_filled_in_by_openpyxl(store_url, tmp_path, run_cli):
    template = tmp_path / "台账模板.xlsx"
    assert run_cli("template", "-o", str(template)).returncode == 0
    book = openpyxl.load_workbook(template)
    sheet = book["台账"]
    columns = {str(cell.value): int(cell.column or 0) for cell in sheet[1]}
    ids = {sheet.cell(row=r, column=1).value: r for r in range(2, sheet.max_row + 1)}
    for pid, (lon, lat) in TRUTH.items():
        r = ids[pid]
        x, y = _gcj(lon, lat) if pid != "E1-006" else _bd(lon, lat)
        sheet.cell(row=r, column=columns["经度"], value=x)  # numbers, as Excel keeps them
        sheet.cell(row=r, column=columns["纬度"], value=y)
        crs = SITE_CRS_LABELS["GCJ02" if pid != "E1-006" else "BD09"]
        sheet.cell(row=r, column=columns["坐标系"], value=crs)
        sheet.cell(row=r, column=columns["状态"], value="在建")
        sheet.cell(row=r, column=columns["开工年份"], value=2019)
        sheet.cell(row=r, column=columns["总投资（亿元）"], value=3.5)
    town = ids["E2-001"]
    sheet.cell(row=town, column=columns["乡镇（街道）"], value="宋官屯街道")
    new = 2 + 272  # the first blank row below the plan's projects
    sheet.cell(row=new, column=columns["项目名称"], value="新建光伏电站")
    sheet.cell(row=new, column=columns["产业"], value="新能源")
    sheet.cell(row=new, column=columns["地点"], value="乐陵市")
    sheet.cell(row=new, column=columns["状态"], value="谋划")
    filled = tmp_path / "填好的台账.xlsx"
    book.save(filled)
    with open_store(store_url) as store:
        version, preview = import_file(filled, store)
        assert (version.added, version.updated) == (1, len(TRUTH) + 1)
        assert preview.assigned == {new: "TZ-0001"}
        projects = current_projects(store).set_index("id")
        for pid, truth in TRUTH.items():
            row = projects.loc[pid]
            assert _metres((row["site_lon"], row["site_lat"]), truth) < 1.0, pid
        placed = projects.loc["E2-001"]
        township = find_township("宋官屯街道")
        assert township is not None and placed["located_by"] == LOCATED_BY_TOWNSHIP
        assert (placed.geometry.x, placed.geometry.y) == (township.lon, township.lat)
        added = projects.loc["TZ-0001"]
        assert (added["name"], added["industry"], added["group"], added["origin"]) == (
            "新建光伏电站",
            "新能源",
            "新兴",
            "台账",
        )
        assert added["counties"] == "371481"


def test_geojson_points_and_english_codes(store_url, tmp_path):
    features = []
    for pid, (lon, lat) in TRUTH.items():
        props = {"id": pid, "status": "竣工", "start_year": 2018, "finish_year": 2021}
        coords = [lon, lat]
        if pid == "E1-003":  # one feature declares GCJ-02 coordinates
            props["site_crs"] = "GCJ-02"
            coords = list(_gcj(lon, lat))
        features.append(
            {
                "type": "Feature",
                "properties": props,
                "geometry": {"type": "Point", "coordinates": coords},
            }
        )
    path = tmp_path / "sites.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), "utf-8")
    with open_store(store_url) as store:
        import_file(path, store)
        projects = current_projects(store).set_index("id")
    for pid, truth in TRUTH.items():
        row = projects.loc[pid]
        assert _metres((row.geometry.x, row.geometry.y), truth) < 1.0, pid
        assert (row["status"], row["finish_year"]) == ("竣工", 2021)
    assert projects.loc["E1-003", "site_crs"] == "GCJ02"
    assert projects.loc["E1-001", "site_crs"] == "WGS84"


def _bad_file(tmp_path: Path) -> Path:
    path = tmp_path / "有错的台账.csv"
    rows = [
        HEADER,
        ["E1-001", "116.3", "37.4", "WGS84", "在建", "2019", "1", ""],
        ["E1-002", "37.73", "117.23", "WGS84", "在建", "2019", "1", ""],  # swapped
        ["E1-003", "116.5", "37.3", "WGS84", "开工了", "2019", "1", ""],  # status
        ["E1-004", "116.6", "36.9", "WGS84", "前期", "2019", "1", ""],
        ["E1-005", "121.47", "31.23", "GCJ-02", "在建", "19", "1", ""],  # Shanghai, year
    ]
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def test_file_with_three_bad_rows_is_refused_whole(store_url, tmp_path):
    path = _bad_file(tmp_path)
    with open_store(store_url) as store:
        preview = preview_import(path, store)
        assert not preview.ok
        assert {p.where.split(" ")[1] for p in preview.problems} == {"3", "4", "6"}
        with pytest.raises(DataValidationError, match=r"第 3 行 经度 列.*填反") as info:
            import_file(path, store)
        message = str(info.value)
        assert (
            "第 4 行 状态 列" in message and "第 6 行" in message and "不在德州市范围内" in message
        )
        assert [v.number for v in store.versions()] == [0]
        assert (current_projects(store)["status"] == "").all()


def test_refused_file_leaves_the_sqlite_file_byte_identical(tmp_path):
    db = tmp_path / "ledger.gpkg"
    open_store(db).close()
    before = db.read_bytes()
    with open_store(db) as store, pytest.raises(DataValidationError):
        import_file(_bad_file(tmp_path), store)
    assert db.read_bytes() == before


def test_revert_restores_an_earlier_version(store_url, tmp_path):
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_text("编号,状态\nE1-001,前期\n", encoding="utf-8")
    second.write_text("编号,状态,责任单位\nE1-001,在建,市发改委\n", encoding="utf-8")
    with open_store(store_url) as store:
        import_file(first, store)
        import_file(second, store)
        assert current_projects(store).set_index("id").loc["E1-001", "status"] == "在建"
        back = store.revert(1)
        assert (back.number, back.reverted_to) == (3, 1)
        row = current_projects(store).set_index("id").loc["E1-001"]
        assert (row["status"], row["responsible"]) == ("前期", "")
        assert json.loads(str(row["provenance"])) == {"status": "台账 v1"}
        assert [v.number for v in store.versions()] == [0, 1, 2, 3]


def test_a_column_left_out_keeps_its_values(store_url, tmp_path):
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_text("编号,状态,备注\nE1-001,前期,第一次\n", encoding="utf-8")
    second.write_text("编号,开工年份\nE1-001,2020\n", encoding="utf-8")
    with open_store(store_url) as store:
        import_file(first, store)
        version, _ = import_file(second, store)
        row = current_projects(store).set_index("id").loc["E1-001"]
    assert (row["status"], row["remarks"], row["start_year"]) == ("前期", "第一次", 2020)
    assert json.loads(str(row["provenance"])) == {
        "remarks": "台账 v1",
        "start_year": "台账 v2",
        "status": "台账 v1",
    }
    assert (version.updated, version.unchanged) == (1, 0)


@pytest.mark.parametrize("language", ["english", "chinese"])
def test_download_reimports(store_url, tmp_path, run_cli, language):
    """A download read back is accepted; in field codes it changes nothing at all."""
    path = tmp_path / "a.csv"
    x, y = _gcj(*TRUTH["E1-001"])
    path.write_text(f"编号,经度,纬度,坐标系,状态\nE1-001,{x},{y},高德,在建\n", encoding="utf-8")
    with open_store(store_url) as store:
        import_file(path, store)
    options = ["--english"] if language == "english" else []
    for suffix in ("csv", "xlsx", "geojson"):
        out = tmp_path / f"download.{suffix}"
        done = run_cli("table", "-o", str(out), "--store", store_url, *options)
        assert done.returncode == 0, done.stderr
        with open_store(store_url) as store:
            preview = preview_import(out, store)
            version, _ = import_file(out, store)
            row = current_projects(store).set_index("id").loc["E1-001"]
        assert preview.ok, preview.lines()
        assert len(preview.added) == 0, suffix
        assert _metres((row.geometry.x, row.geometry.y), TRUTH["E1-001"]) < 1.0, suffix
        assert row["status"] == "在建"
        if language == "english":
            assert (len(preview.updated), version.updated) == (0, 0), suffix


def test_a_new_project_may_name_either_spelling_of_a_subfield(store_url, tmp_path):
    from dzgeo.data.published import read_layers
    from dzgeo.filters import ProjectFilter, apply_filter

    path = tmp_path / "new.csv"
    rows = [
        ["编号", "项目名称", "产业", "细分领域", "地点", "状态"],
        ["", "新建风电整机项目", "新能源", "风力发电及装备", "乐陵市", "谋划"],  # the 项目 label
        ["", "新建叶片项目", "新能源", "风电叶片", "乐陵市", "谋划"],  # no such sub-field
    ]
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(rows)
    with open_store(store_url) as store:
        preview = preview_import(path, store)
        assert [p.where.split(" ")[1] for p in preview.problems] == ["3"]
        problem = preview.problems[0]
        assert "细分领域“风电叶片”不属于新能源" in problem.message
        assert "风力发电及设备" in problem.fix and "风力发电及装备" not in problem.fix
        rows.pop()
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            csv.writer(handle).writerows(rows)
        import_file(path, store)
        projects = current_projects(store)
    vocab = read_layers().vocab
    found = apply_filter(projects, ProjectFilter(subfields=("风力发电及设备",)), vocab)
    assert "新建风电整机项目" in set(found["name"])
