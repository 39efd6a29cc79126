"""Check and convert a ledger file's cells: every problem named by file, row, column, fix.

:func:`check_ledger` turns a :class:`~dzgeo.ledger.read.LedgerFile` into typed values
(coordinates converted to WGS 84 from the declared 坐标系, years, 亿元) and a list of
problems. A point outside Dezhou or with longitude and latitude swapped is a problem of its
row. A file with any problem is refused whole by the import.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date
from typing import Any, cast

import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from dzgeo.crs import bd09_to_wgs84, gcj02_to_wgs84
from dzgeo.data.projects import ID_PATTERN
from dzgeo.errors import Problem, shorten
from dzgeo.ledger.fields import LOCATED_BY_SITE, SITE_CRS, SITE_CRS_LABELS, STATUSES
from dzgeo.ledger.gazetteer import find_township
from dzgeo.ledger.read import GEOM_LAT, GEOM_LON, LedgerFile
from dzgeo.vocabulary import Vocabulary

__all__ = ["NEW_PROJECT_FIELDS", "CheckedLedger", "check_ledger", "parse_crs"]

#: Fields a row adding a new project may give (the plan's fields of a plan project are
#: read-only: a file cannot change them).
NEW_PROJECT_FIELDS = ("name", "industry", "subfield", "place", "enterprise")
FIRST_YEAR, LAST_YEAR_AHEAD = 1949, 15
MAX_TEXT = {"responsible": 200, "remarks": 2000, "township": 50, "name": 200, "enterprise": 200}
#: How far outside the city outline a site may lie (degrees, ≈ 500 m) before it is refused.
OUTLINE_TOLERANCE_DEG = 0.005

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_CRS_WORDS = {
    "WGS84": ("WGS84", "WGS", "GPS", "天地图", "CGCS2000", "EPSG4326", "4326"),
    "GCJ02": ("GCJ02", "GCJ", "高德", "腾讯", "火星", "AMAP", "GAODE"),
    "BD09": ("BD09", "BD09LL", "百度", "BAIDU"),
}


@dataclass
class CheckedLedger:
    """A ledger file's values, typed and converted, with every problem found.

    ``values`` has one row per file row (same index): ``id`` plus every field the file
    gives, WGS 84 ``site_lon``/``site_lat`` and the township's point (``township_point``,
    a shapely Point or None).
    """

    file: LedgerFile
    values: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when nothing is wrong: the file may be imported."""
        return not self.problems


def _fold(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def parse_crs(text: str) -> str | None:
    """The SITE_CRS code a 坐标系 cell names (``GCJ-02（高德、腾讯）`` -> ``GCJ02``), or None."""
    key = _fold(text).upper().replace("-", "").replace("_", "").replace(":", "")
    if not key:
        return None
    for code, label in SITE_CRS_LABELS.items():
        if key == _fold(label).upper().replace("-", ""):
            return code
    for code in ("BD09", "GCJ02", "WGS84"):  # BD09 first: '百度' beats a stray 'WGS'
        if any(word in key for word in _CRS_WORDS[code]):
            return code
    return None


def _number(text: str) -> float | None:
    """A number from a cell (full-width digits, thousands separators), None if blank.

    Raises ValueError when the cell is not a plain number.
    """
    cleaned = _fold(text).replace(",", "")
    if not cleaned:
        return None
    if not _NUMBER.match(cleaned):
        raise ValueError(cleaned)
    return float(cleaned)


class _Checker:
    def __init__(self, file: LedgerFile, vocab: Vocabulary, known_ids: Collection[str]):
        self.file = file
        self.vocab = vocab
        self.known = set(known_ids)
        self.problems: list[Problem] = []
        self.notes: list[str] = []

    def bad(self, row: int, code: str, message: str, fix: str) -> None:
        self.problems.append(Problem(self.file.source, self.file.where(row, code), message, fix))

    def cell(self, record: dict[str, str], code: str) -> str:
        return str(record.get(code, "")).strip()


def check_ledger(
    file: LedgerFile,
    vocab: Vocabulary,
    known_ids: Collection[str],
    *,
    city: BaseGeometry | None = None,
    this_year: int | None = None,
) -> CheckedLedger:
    """Check every cell of ``file``; ``known_ids`` are the ids that exist (plan + ledger).

    ``city`` is Dezhou's outline (WGS 84) that sites must fall in (default: the bounding
    box of :data:`dzgeo.settings.DEZHOU_BOUNDS`).
    """
    checker = _Checker(file, vocab, known_ids)
    records = cast(dict[int, dict[str, str]], frame_records(file.frame))
    year_max = (this_year or date.today().year) + LAST_YEAR_AHEAD
    out: dict[int, dict[str, object]] = {}
    for row, record in records.items():
        out[int(row)] = _check_row(checker, int(row), record, year_max)
    values = pd.DataFrame.from_dict(out, orient="index")
    if len(values):
        _check_sites(checker, values, city)
        _check_duplicates(checker, values)
    checker.problems.sort(key=lambda p: _row_of(p.where))
    return CheckedLedger(file, values, checker.problems, checker.notes)


def frame_records(frame: pd.DataFrame) -> dict[int, dict[str, Any]]:
    """``{index: {column: value}}`` through plain lists (``to_dict`` on Arrow-backed text
    columns costs ~0.5 ms a row: a minute for a 100,000-row ledger)."""
    columns = [str(c) for c in frame.columns]
    values = [frame[c].astype(object).tolist() for c in frame.columns]
    rows = list(zip(*values, strict=True)) if values else [()] * len(frame)
    return {
        int(i): dict(zip(columns, row, strict=True))
        for i, row in zip(frame.index, rows, strict=True)
    }


def _row_of(where: str) -> int:
    match = re.match(r"第 (\d+)", where)
    return int(match.group(1)) if match else 0


def _check_row(c: _Checker, row: int, record: dict[str, str], year_max: int) -> dict[str, object]:
    fields = c.file.fields
    value: dict[str, object] = {"id": c.cell(record, "id")}
    project_id = value["id"]
    if project_id and not ID_PATTERN.match(str(project_id)):
        c.bad(
            row,
            "id",
            f"编号“{shorten(project_id, 40)}”含不允许的字符",
            "编号只用字母、数字和 - _ .",
        )
    for code in ("township", "responsible", "remarks"):
        if code in fields:
            text = c.cell(record, code)
            if len(text) > MAX_TEXT[code]:
                c.bad(row, code, f"内容过长（{len(text)} 字）", f"不超过 {MAX_TEXT[code]} 字")
            value[code] = text
    if "status" in fields:
        status = _fold(c.cell(record, "status"))
        if status and status not in STATUSES:
            c.bad(
                row,
                "status",
                f"状态“{shorten(status, 20)}”不在可选列表中",
                f"填写 {'、'.join(STATUSES)} 之一",
            )
        value["status"] = status
    _check_years(c, row, record, value, year_max)
    _check_money(c, row, record, value)
    _read_site(c, row, record, value)
    if project_id not in c.known:
        _check_new_project(c, row, record, value)
    if value.get("township"):
        town = find_township(str(value["township"]))
        value["township_point"] = None if town is None else shapely.Point(town.lon, town.lat)
    return value


def _check_years(c: _Checker, row: int, record: dict[str, str], value: dict, year_max: int) -> None:
    for code in ("start_year", "finish_year"):
        if code not in c.file.fields:
            continue
        text = _fold(c.cell(record, code)).removesuffix("年")
        if not text:
            value[code] = None
            continue
        try:
            number = _number(text)
        except ValueError:
            number = None
        if number is None or not float(number).is_integer() or not FIRST_YEAR <= number <= year_max:
            c.bad(
                row,
                code,
                f"年份“{shorten(text, 20)}”无效",
                f"填写四位年份，{FIRST_YEAR}–{year_max}，如 2020",
            )
            value[code] = None
        else:
            value[code] = int(number)
    start, finish = value.get("start_year"), value.get("finish_year")
    if isinstance(start, int) and isinstance(finish, int) and finish < start:
        c.bad(row, "finish_year", f"竣工年份 {finish} 早于开工年份 {start}", "核对两列年份")


def _check_money(c: _Checker, row: int, record: dict[str, str], value: dict) -> None:
    for code in ("investment_total", "investment_done"):
        if code not in c.file.fields:
            continue
        text = _fold(c.cell(record, code))
        if "万" in text:
            c.bad(
                row, code, f"金额“{shorten(text, 20)}”的单位是万元", "单位为亿元：万元数除以 10000"
            )
            continue
        text = text.removesuffix("亿元").removesuffix("亿")
        try:
            number = _number(text)
        except ValueError:
            c.bad(row, code, f"金额“{shorten(text, 20)}”不是数字", "只填数字（亿元），如 12.5")
            continue
        if number is not None and (number < 0 or not np.isfinite(number)):
            c.bad(row, code, f"金额 {number:g} 为负", "填写不小于 0 的亿元数")
            continue
        value[code] = number


def _read_site(c: _Checker, row: int, record: dict[str, str], value: dict) -> None:
    """Typed coordinates and the declared system; conversion happens for all rows at once."""
    fields = c.file.fields
    has_columns = "site_lon" in fields or "site_lat" in fields
    located_by = record.get("_located_by")
    if located_by is not None and located_by.strip() != LOCATED_BY_SITE:
        return  # a download: 经度/纬度 is the drawn point (a place's), not a site
    lon_text, lat_text = c.cell(record, "site_lon"), c.cell(record, "site_lat")
    from_geometry = not (lon_text or lat_text) and record.get(GEOM_LON, "")
    if from_geometry:
        lon_text, lat_text = record.get(GEOM_LON, ""), record.get(GEOM_LAT, "")
    if not (has_columns or from_geometry):
        return
    value["site_given"] = True
    if not lon_text and not lat_text:
        value["site_crs"] = ""
        return
    numbers = []
    for code, text in (("site_lon", lon_text), ("site_lat", lat_text)):
        try:
            number = _number(text)
        except ValueError:
            number = None
            c.bad(
                row, code, f"坐标“{shorten(text, 30)}”不是十进制度数", "填写十进制度数，如 116.3075"
            )
        if number is None and text == "":
            c.bad(row, code, "只填了经度、纬度中的一个", "经度、纬度都填，或都不填")
        numbers.append(number)
    crs_text = c.cell(record, "site_crs")
    downloaded = located_by is not None  # downloads are in WGS 84
    crs = parse_crs(crs_text) if crs_text else ("WGS84" if from_geometry or downloaded else None)
    if crs is None:
        shown = f"“{shorten(crs_text, 30)}”无法识别" if crs_text else "未填写"
        c.bad(row, "site_crs", f"坐标系{shown}", f"填写 {'、'.join(SITE_CRS_LABELS.values())} 之一")
    if None in numbers or crs is None:
        return
    value["site_crs"] = crs
    value["site_lon_input"], value["site_lat_input"] = numbers


def _to_wgs84(crs: str, lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    if crs == "GCJ02":
        return gcj02_to_wgs84(lon, lat)
    if crs == "BD09":
        return bd09_to_wgs84(lon, lat)
    return lon.astype(float), lat.astype(float)


def _check_sites(c: _Checker, values: pd.DataFrame, city: BaseGeometry | None) -> None:
    """Convert every typed site to WGS 84; refuse points outside Dezhou or swapped."""
    if "site_lon_input" not in values.columns:
        return
    if city is None:
        from dzgeo.settings import DEZHOU_BOUNDS

        city = shapely.box(*DEZHOU_BOUNDS)
    area = city.buffer(OUTLINE_TOLERANCE_DEG)
    shapely.prepare(area)
    values["site_lon"] = np.nan
    values["site_lat"] = np.nan
    typed = values["site_lon_input"].notna() & values["site_lat_input"].notna()
    for crs in SITE_CRS:
        rows = typed & (values["site_crs"] == crs)
        if not rows.any():
            continue
        lon_in = values.loc[rows, "site_lon_input"].to_numpy(float)
        lat_in = values.loc[rows, "site_lat_input"].to_numpy(float)
        lon, lat = _to_wgs84(crs, lon_in, lat_in)
        inside = shapely.contains_xy(area, lon, lat)
        swapped_lon, swapped_lat = _to_wgs84(crs, lat_in, lon_in)
        swapped = shapely.contains_xy(area, swapped_lon, swapped_lat)
        values.loc[rows, "site_lon"] = np.round(lon, 7)
        values.loc[rows, "site_lat"] = np.round(lat, 7)
        for row, ok, flip, x, y in zip(
            values.index[rows], inside, swapped, lon_in, lat_in, strict=True
        ):
            if ok:
                continue
            if flip:
                c.bad(
                    int(row),
                    "site_lon",
                    f"经度 {x:g}、纬度 {y:g} 填反了",
                    "交换经度与纬度两列的值（德州约东经 116–117.6°、北纬 36.4–38°）",
                )
            else:
                c.bad(
                    int(row),
                    "site_lon",
                    f"坐标 ({x:g}, {y:g}) 不在德州市范围内",
                    "核对坐标与坐标系；德州约东经 115.7–117.6°、北纬 36.4–38°",
                )
            values.loc[row, ["site_lon", "site_lat"]] = np.nan


def _check_new_project(c: _Checker, row: int, record: dict[str, str], value: dict) -> None:
    """A row whose 编号 is new (or empty) adds a project: it needs a name and an industry."""
    for code in NEW_PROJECT_FIELDS:
        value[code] = c.cell(record, code)
    value["new"] = True
    label = f"编号“{value['id']}”不在规划与台账中，" if value["id"] else "未填编号，"
    if not value["name"]:
        c.bad(
            row,
            "name",
            f"{label}作为新增项目须填写项目名称",
            "填写项目名称；更新已有项目请填写其编号",
        )
    industry = str(value["industry"])
    if industry not in c.vocab.industries:
        shown = (
            f"产业“{shorten(industry, 20)}”不在 12 个产业中" if industry else "新增项目须填写产业"
        )
        c.bad(row, "industry", f"{label}{shown}", f"填写 {'、'.join(c.vocab.industries)} 之一")
    elif value["subfield"] and value["subfield"] not in c.vocab.subfields.get(industry, []):
        c.bad(
            row,
            "subfield",
            f"细分领域“{shorten(value['subfield'], 30)}”不属于{industry}",
            f"填写 {'、'.join(c.vocab.subfield_entries(industry))} 之一，或留空",
        )
    place = str(value["place"])
    if place:
        canonical = c.vocab.resolve_place(place)
        if canonical is None:
            c.bad(
                row,
                "place",
                f"地点“{shorten(place, 30)}”不是德州的县（市、区）或园区",
                "填写县（市、区）或开发区名称，或留空",
            )
        else:
            value["place"] = canonical


def _check_duplicates(c: _Checker, values: pd.DataFrame) -> None:
    ids = values["id"].astype(str)
    given = ids[ids != ""]
    given = given[given.duplicated(keep=False)]
    for project_id, rows in given.groupby(given).groups.items():
        if len(rows) > 1:
            first = int(rows[0])
            for row in rows[1:]:
                c.bad(
                    int(row),
                    "id",
                    f"编号“{project_id}”与第 {first} 行重复",
                    "每个项目只占一行：合并或删除重复的行",
                )
