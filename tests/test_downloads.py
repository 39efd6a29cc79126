"""Project downloads in Chinese (dzgeo.downloads), on the published layers."""

from __future__ import annotations

import datetime as dt
import io
import json

import geopandas as gpd
import openpyxl
import pandas as pd
import pytest
import shapely

from dzgeo import downloads, tables
from dzgeo.data.published import PROJECT_FIELDS, Layers
from dzgeo.filters import ProjectFilter, apply_filter

EXTRA = list(downloads.EXTRA_HEADERS.values())


@pytest.fixture(scope="module")
def every(layers: Layers) -> gpd.GeoDataFrame:
    return layers.projects


@pytest.fixture(scope="module")
def finance(layers: Layers) -> gpd.GeoDataFrame:
    """现代金融: projects both at a named place and at city level."""
    return apply_filter(layers.projects, ProjectFilter(industries=("现代金融",)), layers.vocab)


@pytest.fixture(scope="module")
def none(layers: Layers) -> gpd.GeoDataFrame:
    return apply_filter(layers.projects, ProjectFilter(text="没有这个项目"), layers.vocab)


def _at_city(frame: pd.DataFrame) -> pd.Series:
    return (frame["located"] == "city").reset_index(drop=True)


def test_csv_headers_and_values_are_the_on_screen_table(layers, every):
    data = downloads.projects_csv(every, layers.vocab)
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel detects the encoding
    frame = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    shown = tables.project_table(every)
    assert list(frame.columns) == [*shown.columns, *EXTRA]
    pd.testing.assert_frame_equal(frame[list(shown.columns)], shown, check_dtype=False)
    assert "stated" not in set(frame["地点依据"]) and "371402" not in set(frame["所在区县"])


def test_city_level_projects_have_no_coordinates_and_say_why(layers, every):
    frame = downloads.export_frame(every, layers.vocab)
    city = _at_city(every)
    assert city.sum() == 86
    assert frame.loc[city, ["经度", "纬度"]].isna().all().all()
    assert frame.loc[~city, "经度"].between(115, 118).all()
    assert frame.loc[~city, "纬度"].between(36, 38.5).all()
    assert frame.loc[city, "位置说明"].str.startswith("规划未指明具体地点").all()
    assert (frame.loc[city, "所在区县"] == "").all()
    assert frame.loc[~city, "位置说明"].str.contains("代表点，非项目选址").all()
    inferred = (every["place_source"] == "inferred").to_numpy() & ~city.to_numpy()
    assert frame.loc[inferred, "位置说明"].str.startswith("地点为推定").all()


def test_geojson_city_level_features_have_null_geometry(layers, finance):
    data = downloads.projects_geojson(finance, layers.vocab)
    feats = json.loads(data)["features"]
    assert len(feats) == len(finance)
    city = _at_city(finance)
    assert 0 < city.sum() < len(finance)
    for feature, at_city in zip(feats, city, strict=True):
        assert (feature["geometry"] is None) == at_city
        assert "编号" in feature["properties"] and "经度" not in feature["properties"]
    back = gpd.read_file(io.BytesIO(data))
    assert back.geometry.isna().sum() == city.sum()
    assert list(back["编号"]) == list(finance["id"])


def test_english_field_names_for_gis_users(layers, finance):
    frame = pd.read_csv(io.BytesIO(downloads.projects_csv(finance, english=True)), dtype=str)
    assert list(frame.columns) == [*PROJECT_FIELDS, "location_note", "lon", "lat"]
    assert set(frame["place_source"]) <= {"stated", "inferred", "unplaced"}
    feats = json.loads(downloads.projects_geojson(finance, english=True))["features"]
    assert list(feats[0]["properties"]) == [*PROJECT_FIELDS, "location_note"]


def test_excel_has_the_projects_and_a_note_sheet(layers, finance):
    info = downloads.DownloadInfo(
        filter=ProjectFilter(industries=("现代金融",)), date=dt.date(2026, 12, 1)
    )
    data = downloads.projects_xlsx(finance, layers.vocab, info=info)
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    assert book.sheetnames == ["重点项目", "说明"]
    rows = list(book["重点项目"].iter_rows(values_only=True))
    assert list(rows[0]) == [*tables.project_table(finance).columns, *EXTRA]
    assert len(rows) == len(finance) + 1
    lon = rows[0].index("经度")
    assert sum(r[lon] is None for r in rows[1:]) == _at_city(finance).sum()
    about = {
        str(key): str(value)
        for key, value, *_ in book["说明"].iter_rows(min_row=2, values_only=True)
    }
    assert about["筛选条件"] == "产业：现代金融"
    assert about["项目数"] == str(len(finance))
    assert "重大工程实施规划" in about["数据来源"]
    assert about["版本"].startswith("dzgeo ")
    assert about["导出日期"] == "2026-12-01"
    book.close()


def test_empty_downloads_are_valid_files(layers, none):
    header = downloads.projects_csv(none, layers.vocab).decode("utf-8-sig").splitlines()[0]
    assert header.startswith("编号,项目名称,产业")
    assert json.loads(downloads.projects_geojson(none))["features"] == []
    book = openpyxl.load_workbook(io.BytesIO(downloads.projects_xlsx(none)))
    assert book["重点项目"].max_row == 1


@pytest.mark.parametrize(
    ("flt", "name"),
    [
        (ProjectFilter(industries=("新能源",), places=("齐河县",)),
         "德州重点项目-新能源-齐河县.xlsx"),
        (ProjectFilter(), "德州重点项目-全部.xlsx"),
        (ProjectFilter(groups=("新兴",), industries=("新能源", "新材料")),
         "德州重点项目-新兴-新能源、新材料.xlsx"),
        (ProjectFilter(text='a/b:c*"<>|'), "德州重点项目-关键词a_b_c.xlsx"),
    ],
)  # fmt: skip
def test_file_names_carry_the_filter(flt, name):
    assert downloads.download_name(flt, "xlsx") == name


def test_file_name_parts_are_bounded():
    name = downloads.download_name(ProjectFilter(text="长" * 90), ".csv")
    assert name.endswith(".csv") and len(name) < 40


def test_formula_like_text_stays_text(layers, finance):
    evil = finance.copy()
    evil.loc[evil.index[0], "name"] = '=HYPERLINK("http://x","点我")'
    frame = pd.read_csv(io.BytesIO(downloads.projects_csv(evil, layers.vocab)), dtype=str)
    assert frame.loc[0, "项目名称"] == '\'=HYPERLINK("http://x","点我")'
    book = openpyxl.load_workbook(io.BytesIO(downloads.projects_xlsx(evil, layers.vocab)))
    cell = book["重点项目"]["B2"]
    assert cell.data_type == "s" and cell.value.startswith("=")


def test_a_ledger_site_gives_a_city_level_project_its_point(layers):
    from _ledger_frame import ledger_frame

    frame = ledger_frame(layers.projects)
    city = frame.index[frame["located_by"] == "无（全市层面）"][0]
    before = downloads.placeless(frame).sum()
    assert before == (frame["located_by"] == "无（全市层面）").sum()
    frame.loc[city, "located_by"] = "台账坐标"
    frame.loc[[city], "geometry"] = gpd.GeoSeries([shapely.Point(116.3, 37.3)], index=[city])
    none = downloads.placeless(frame)
    assert none.sum() == before - 1 and not none[frame.index.get_loc(city)]
    feats = json.loads(downloads.projects_geojson(frame, layers.vocab))["features"]
    assert feats[frame.index.get_loc(city)]["geometry"]["coordinates"] == [116.3, 37.3]
    assert sum(f["geometry"] is None for f in feats) == before - 1
    table = downloads.export_frame(frame, layers.vocab)
    assert table["位置说明"].iloc[frame.index.get_loc(city)] == "坐标为台账填报的项目选址"


def _strict_json(data: bytes) -> dict:
    """Parse as RFC 8259 JSON: Python's json accepts NaN and Infinity, GIS tools do not."""

    def refuse(name: str) -> None:
        raise ValueError(f"not JSON: {name}")

    return json.loads(data, parse_constant=refuse)


@pytest.mark.parametrize("english", [False, True])
def test_geojson_writes_empty_ledger_numbers_as_null_not_nan(layers, english):
    from _ledger_frame import FILLED, ledger_frame

    frame = ledger_frame(layers.projects)
    feats = _strict_json(downloads.projects_geojson(frame, layers.vocab, english=english))[
        "features"
    ]
    key = "investment_total" if english else "总投资（亿元）"
    assert feats[FILLED + 1]["properties"][key] in ((None, "") if english else (None,))
    assert float(feats[1]["properties"][key]) == 1.0
