"""Tests of dzgeo.data.catalog: the committed catalogue against the plan text, and every error path.

The plan (``settings.PLAN_TEXT``) is parsed here, independently of the CSV files, and
the data must match it exactly. If the plan text is missing the tests fail: they are
the evidence that the catalogue carries the plan's facts.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pytest
from _planparse import plan_text_or_skip

from dzgeo import settings
from dzgeo.data import catalog, catalog_checks, schema
from dzgeo.errors import DataFileNotFoundError, DataValidationError, DzgeoError
from dzgeo.frames import rows

GEODATA = settings.GEODATA_DIR
CATALOG_FILES = [*schema.FILES.values(), schema.PLACES_FILE]

#: The route ids the geography layer uses for the roads and railway the plan names.
ROUTE_IDS = {
    "京台高速": "g3_jingtai",
    "京沪高铁": "jinghu_hsr",
    "德滨": "debin_expressway",
    "德上高速公路": "deshang_expressway",
}


# --------------------------------------------------------------------------- the plan


@pytest.fixture(scope="module")
def plan() -> str:
    """The plan text; absent on a user's clone (skip), required in CI (DZGEO_PLAN_TEXT)."""
    return plan_text_or_skip()


@pytest.fixture(scope="module")
def spellings() -> dict[str, str]:
    """Every spelling in places.csv (name, short, aliases) -> canonical name."""
    places = pd.read_csv(GEODATA / "places.csv", dtype=str, keep_default_na=False)
    out: dict[str, str] = {}
    for row in rows(places):
        for spelling in [row.name, row.short, *row.aliases.split("|")]:
            if spelling:
                out.setdefault(spelling, row.name)
    return out


@pytest.fixture(scope="module")
def cat() -> catalog.Catalog:
    return catalog.read_catalog()


def _lines(text: str, start: str, end: str) -> list[str]:
    """The non-blank lines from the one starting with ``start`` up to one starting with ``end``.

    Table-of-contents lines (a title, a tab, a page number) are never a start or an end.
    """
    lines = text.splitlines()

    def heading(line: str, prefix: str) -> bool:
        return line.startswith(prefix) and "\t" not in line

    first = next(i for i, line in enumerate(lines) if heading(line, start))
    last = next(i for i in range(first + 1, len(lines)) if heading(lines[i], end))
    return [line for line in lines[first:last] if line.strip()]


def _plain(text: str) -> str:
    """Text without the markdown bold markers of the extraction."""
    return text.replace("**", "")


_HEADING = re.compile(r"([^：，。；\s]{2,20})：")
_CORE = re.compile(r"以([^以，。；：]+?)为核心区")


@dataclass
class Chapter:
    """One industry of 第三章 as the plan writes it."""

    full_name: str
    intro: str = ""
    column: int = 0
    column_title: str = ""
    #: 专栏 heading -> its text (page-broken lines joined).
    blocks: dict[str, str] = field(default_factory=dict)
    projects: str = ""


def _chapters(plan: str) -> list[Chapter]:
    """The 12 industry sections of 第三章第一节/第二节, in plan order."""
    lines = [_plain(line) for line in _lines(plan, "第一节 发展新兴产业", "第三节 注重低碳")]
    chapters: list[Chapter] = []
    part = "intro"
    for line in lines:
        if line.startswith("——"):
            chapters.append(Chapter(full_name=line[2:].split("。")[0], intro=line))
            part = "intro"
        elif not chapters or line.startswith("第二节"):
            continue
        elif match := re.match(r"专栏 (\d+)：(.+)", line):
            chapters[-1].column, chapters[-1].column_title = int(match[1]), match[2]
            part = "column"
        elif "重点支持项目：" in line:
            chapters[-1].projects = line.split("重点支持项目：", 1)[1]
            part = "projects"
        else:
            _add(chapters[-1], part, line)
    return chapters


def _add(chapter: Chapter, part: str, line: str) -> None:
    """Append a line to the part of the chapter it belongs to (page breaks joined)."""
    if part == "intro":
        chapter.intro += line
    elif part == "projects":
        chapter.projects += line
    elif heading := _HEADING.match(line):
        chapter.blocks[heading[1]] = line
    else:
        last = list(chapter.blocks)[-1]
        chapter.blocks[last] += line


def _project_labels(projects: str) -> list[str]:
    """The （n） labels of a 重点支持项目 paragraph, in order (none if it is not numbered)."""
    items = re.split(r"（(\d+)）", projects)[1:]
    numbers, texts = items[0::2], items[1::2]
    assert numbers == [str(i) for i in range(1, len(numbers) + 1)], numbers
    labels = []
    for text in texts:
        if match := re.match(r"([^：，。]+?)：", text):
            labels.append(match[1])
        else:  # 现代物流: a long sentence ending "…，打造<label>。"
            found = re.search(r"打造([^，。]+?)。$", text.strip())
            assert found, text
            labels.append(found[1])
    return labels


@pytest.fixture(scope="module")
def chapters(plan: str) -> dict[str, Chapter]:
    return {chapter.full_name: chapter for chapter in _chapters(plan)}


def _by_full_name(cat: catalog.Catalog) -> dict[str, pd.Series]:
    return {row["full_name"]: row for _, row in cat.industries.iterrows()}


def test_plan_text_is_present() -> None:
    assert "德州市新旧动能转换重大工程" in plan_text_or_skip()


# --------------------------------------------------------------------------- industries


def test_industries_are_the_plans_six_plus_six(plan: str, cat: catalog.Catalog) -> None:
    match = re.search(r"培育壮大(.+?)六大新兴产业，改造提升(.+?)六大传统产业", plan)
    assert match, "the plan names its six emerging and six traditional industries"
    emerging, traditional = match[1].split("、"), match[2].split("、")
    assert len(emerging) == len(traditional) == 6
    industries = cat.industries
    assert industries["name"].tolist() == emerging + traditional
    assert industries["group"].tolist() == ["新兴"] * 6 + ["传统"] * 6
    assert industries["code"].tolist() == [f"E{i}" for i in range(1, 7)] + [
        f"T{i}" for i in range(1, 7)
    ]
    assert industries["plan_section"].tolist() == ["第三章第一节"] * 6 + ["第三章第二节"] * 6


def test_industry_full_names_and_columns(
    chapters: dict[str, Chapter], cat: catalog.Catalog
) -> None:
    assert list(chapters) == cat.industries["full_name"].tolist()
    for full_name, row in _by_full_name(cat).items():
        chapter = chapters[full_name]
        assert chapter.column == row["column"], full_name
        assert chapter.column_title == f"{full_name}发展路线及重点领域"
    assert cat.industries["column"].tolist() == list(range(1, 13))


# --------------------------------------------------------------------------- targets

_TARGET_NUMBER = re.compile(r"(突破|达到)?\s*(\d+(?:\.\d+)?)\s*(万亿元|亿元|万人次|%)(左右)?")


def test_targets_match_the_plan(chapters: dict[str, Chapter], cat: catalog.Catalog) -> None:
    for full_name, industry in _by_full_name(cat).items():
        goal = re.search(r"力争到\s*2022\s*年，(.+?)。", chapters[full_name].intro)
        assert goal, full_name
        sentence = goal[1]
        expected = [
            (float(m[2]), m[3], (m[1] or "") + ("…左右" if m[4] else ""))
            for m in _TARGET_NUMBER.finditer(sentence)
        ]
        rows = cat.targets[cat.targets["industry"] == industry["name"]]
        found = list(zip(rows["value"], rows["unit"], rows["qualifier"], strict=True))
        assert found == expected, full_name
        compact = sentence.replace(" ", "")
        for metric in rows["metric"]:
            assert all(part in compact for part in metric.split("占")), (full_name, metric)
        assert set(rows["year"]) == {2022}
        assert set(rows["plan_section"]) == {industry["plan_section"]}


def test_every_industry_has_a_target(cat: catalog.Catalog) -> None:
    assert set(cat.targets["industry"]) == set(cat.industries["name"])


# --------------------------------------------------------------------------- sub-fields


def test_column_headings_are_the_subfields(
    chapters: dict[str, Chapter], cat: catalog.Catalog
) -> None:
    columns = cat.subfields[cat.subfields["kind"] == "专栏"]
    for full_name, industry in _by_full_name(cat).items():
        rows = columns[columns["industry"] == industry["name"]]
        assert rows["subfield"].tolist() == list(chapters[full_name].blocks), full_name
        assert set(rows["column"]) == {industry["column"]}


def test_core_areas_match_every_clause(
    chapters: dict[str, Chapter], cat: catalog.Catalog, spellings: dict[str, str]
) -> None:
    clauses = 0
    for full_name, industry in _by_full_name(cat).items():
        for heading, block in chapters[full_name].blocks.items():
            expected: list[str] = []
            for clause in _CORE.findall(block):
                clauses += 1
                for name in clause.split("、"):
                    assert name in spellings, f"{heading}: '{name}' is not in places.csv"
                    if spellings[name] not in expected:
                        expected.append(spellings[name])
            row = cat.subfields[
                (cat.subfields["industry"] == industry["name"])
                & (cat.subfields["subfield"] == heading)
            ]
            assert row["core_areas"].tolist() == ["|".join(expected)], (full_name, heading)
    assert clauses == 16


def test_anchors_are_named_in_their_subfield(
    chapters: dict[str, Chapter], cat: catalog.Catalog
) -> None:
    names = dict(zip(cat.industries["name"], cat.industries["full_name"], strict=True))
    anchored = cat.subfields[cat.subfields["anchors"] != ""]
    for row in rows(anchored):
        block = chapters[names[row.industry]].blocks[row.subfield]
        for anchor in row.anchors.split("|"):
            assert anchor in block, (row.subfield, anchor)
    assert set(anchored["kind"]) == {"专栏"}


def test_project_labels_are_subfields(chapters: dict[str, Chapter], cat: catalog.Catalog) -> None:
    for full_name, industry in _by_full_name(cat).items():
        chapter = chapters[full_name]
        labels = _project_labels(chapter.projects)
        rows = cat.subfields[cat.subfields["industry"] == industry["name"]]
        project_rows = rows[rows["kind"] == "项目"]
        expected = [label for label in labels if label not in chapter.blocks]
        assert project_rows["subfield"].tolist() == expected, full_name
        assert set(labels) <= set(rows["subfield"]), full_name
        assert (project_rows["core_areas"] == "").all()
        assert set(project_rows["column"]) <= {industry["column"]}


def test_special_project_labels(chapters: dict[str, Chapter]) -> None:
    assert _project_labels(chapters["文化旅游产业"].projects) == [
        "“文化+”产业体系",
        "“旅游+”产业体系",
        "旅游服务体系",
    ]
    assert _project_labels(chapters["现代物流产业"].projects) == [
        "济德物流集聚带",
        "鲁冀物流发展轴",
    ]
    assert _project_labels(chapters["现代金融产业"].projects) == []


# --------------------------------------------------------------------------- priorities


def _priorities_in_plan(plan: str) -> list[tuple[str, int, str]]:
    paragraph = next(line for line in plan.splitlines() if line.startswith("多点突破。"))
    clauses = re.findall(r"([^，。]+?)重点发展([^，。]+?)等产业", paragraph)
    return [
        (place, rank, term)
        for place, terms in clauses
        for rank, term in enumerate(terms.split("、"), start=1)
    ]


def test_priorities_match_the_plan(plan: str, cat: catalog.Catalog) -> None:
    expected = _priorities_in_plan(plan)
    priorities = cat.priorities
    found = list(zip(priorities["place"], priorities["rank"], priorities["term"], strict=True))
    assert found == expected
    places = list(dict.fromkeys(priorities["place"]))
    assert len(places) == 11
    assert places[-1] == "运河经济开发区"
    assert "禹城市" not in places


def test_priority_mappings_cite_their_subfield(cat: catalog.Catalog) -> None:
    columns = dict(zip(cat.industries["name"], cat.industries["column"], strict=True))
    subfields = cat.subfields
    for row in rows(cat.priorities):
        if row.term == row.industry:
            assert row.mapping_note == "", row
            continue
        match = re.match(r"专栏 (\d+) (.+?)(?:：|$)", row.mapping_note)
        assert match, f"{row.term}: mapping_note should start '专栏 N 细分领域'"
        assert int(match[1]) == columns[row.industry], row
        cited = subfields[
            (subfields["industry"] == row.industry) & (subfields["subfield"] == match[2])
        ]
        assert len(cited) == 1, f"{row.term}: '{match[2]}' is not a sub-field of {row.industry}"


def test_priority_mapping_table(cat: catalog.Catalog) -> None:
    mapping = dict(zip(cat.priorities["term"], cat.priorities["industry"], strict=False))
    assert mapping == {
        "新材料": "新材料",
        "绿色化工": "绿色化工",
        "新能源汽车": "新能源",
        "新型纤维纺织": "纺织服装",
        "体育装备": "医养健康",
        "健身器材": "医养健康",
        "智能电梯": "高端装备",
        "文化旅游": "文化旅游",
        "现代物流": "现代物流",
        "高端石化": "绿色化工",
        "医养健康": "医养健康",
        "高端化工": "绿色化工",
        "新型医药": "生物技术",
        "高端装备": "高端装备",
        "新能源": "新能源",
        "桑产业（文化旅游）": "文化旅游",
        "食品加工": "现代高效农业",
    }


# --------------------------------------------------------------------------- indicators


def _table_in_plan(plan: str) -> list[tuple[object, ...]]:
    rows: list[tuple[object, ...]] = []
    category = ""
    for line in _lines(plan, "表 1：", "第三节 发展布局")[2:]:
        cells = line.split("\t")
        if match := re.match(r"\(.\) (.+)", cells[0]):
            category = match[1].strip()
        elif match := re.match(r"(\d+)\.\s*(.+)", cells[0]):
            indicator, second = match[2].strip(), cells[1]
            level = second if second in schema.INDICATOR_LEVELS else ""
            unit = "个" if level else second  # the plan gives none: see SOURCES.md
            rows.append((int(match[1]), category, indicator, level, unit, *cells[2:4]))
        else:  # a further level of the indicator above
            previous = rows[-1]
            rows.append((*previous[:3], cells[1], "个", *cells[2:4]))
    return rows


def test_indicators_match_table_1(plan: str, cat: catalog.Catalog) -> None:
    expected = _table_in_plan(plan)
    columns = ["no", "category", "indicator", "level", "unit", "baseline_2017", "target_2022"]
    found = [tuple(row) for row in cat.indicators[columns].itertuples(index=False)]
    assert found == expected
    assert sorted(set(cat.indicators["no"])) == list(range(1, 22))
    assert cat.indicators.loc[cat.indicators["no"] == 13, "level"].tolist() == [
        "国家级",
        "省级",
        "市级",
    ]


def test_indicator_values(cat: catalog.Catalog) -> None:
    row = cat.indicators.set_index(["no", "level"])
    assert row.loc[(3, ""), "target_value"] == 8.0
    assert pd.isna(row["target_value"].loc[(15, "")])
    assert pd.isna(row["target_value"].loc[(19, "")])
    assert row.loc[(13, "省级"), "baseline_value"] == 263.0
    assert cat.indicators["baseline_value"].notna().all()


# --------------------------------------------------------------------------- corridors


def test_corridors_match_the_layout(
    plan: str, cat: catalog.Catalog, spellings: dict[str, str]
) -> None:
    paragraph = next(line for line in plan.splitlines() if line.startswith("轴带联动。"))
    pattern = r"沿(.+?)(?:等)?(?:纵向|横向)交通干线，打造以(.+?)为主体的(.+?)，重点发展(.+?)六大"
    corridors = cat.corridors.set_index("name")
    found = re.findall(pattern, paragraph)
    assert [name for _, _, name, _ in found] == ["新兴产业集聚轴", "传统产业升级带"]
    for routes, places, name, industries in found:
        row = corridors.loc[name]
        route_names = [r for r in ROUTE_IDS if r in routes]
        assert row["routes"] == "|".join(ROUTE_IDS[r] for r in route_names)
        assert row["places"] == "|".join(spellings[p] for p in places.split("、"))
        assert row["industries"] == industries.replace("、", "|")
        assert row["plan_section"] == "第二章第三节"
    assert corridors["id"].tolist() == ["axis", "belt"]


# --------------------------------------------------------------------------- loaders


def test_loaders_return_typed_frames() -> None:
    assert catalog.read_industries()["column"].dtype == "int64"
    targets = catalog.read_targets()
    assert targets["value"].dtype == "float64"
    assert targets["year"].dtype == "int64"
    assert catalog.read_subfields()["column"].dtype == "int64"
    assert catalog.read_priorities()["rank"].dtype == "int64"
    indicators = catalog.read_indicators()
    assert indicators["no"].dtype == "int64"
    assert indicators["target_value"].dtype == "float64"
    assert len(catalog.read_corridors()) == 2


def test_row_counts(cat: catalog.Catalog) -> None:
    assert len(cat.industries) == 12
    assert len(cat.targets) == 15
    assert len(cat.subfields) == 68
    assert len(cat.priorities) == 23
    assert len(cat.indicators) == 23
    assert len(cat.corridors) == 2


def test_loaders_accept_a_file_or_a_directory(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    by_dir = catalog.read_subfields(folder)
    by_file = catalog.read_subfields(str(folder / "subfields.csv"))
    pd.testing.assert_frame_equal(by_dir, by_file)
    pd.testing.assert_frame_equal(by_dir, catalog.read_subfields())


# --------------------------------------------------------------------------- error paths


def _copy(tmp_path: Path) -> Path:
    folder = tmp_path / "geodata"
    folder.mkdir()
    for name in CATALOG_FILES:
        shutil.copy(GEODATA / name, folder / name)
    return folder


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_unknown_industries_are_all_reported(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _replace(folder / "industry_targets.csv", "新能源,主营业务收入", "新能,主营业务收入")
    _replace(folder / "industry_targets.csv", "现代金融,金融业增加值,", "金融,金融业增加值,")
    with pytest.raises(DataValidationError, match="未知产业") as info:
        catalog.read_targets(folder)
    problems = info.value.problems
    assert [p.where for p in problems] == [
        "第 4 行 industry 列 (row 4, column industry)",
        "第 15 行 industry 列 (row 15, column industry)",
    ]
    assert all(p.source.endswith("industry_targets.csv") for p in problems)
    assert "'新能'" in problems[0].message
    assert "新能源" in problems[0].message  # the suggestion
    assert "高端装备、生物技术" in problems[0].fix


def test_unknown_and_alias_places_are_all_reported(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _replace(folder / "subfields.csv", "禹城市|齐河县|武城县", "禹州市|齐河县|武城县")
    _replace(folder / "subfields.csv", ",宁津县,", ",宁津,")
    with pytest.raises(DataValidationError, match=r"未知地名 \(unknown place\) '禹州市'") as info:
        catalog.read_subfields(folder)
    problems = info.value.problems
    assert len(problems) == 2
    assert problems[0].where == "第 4 行 core_areas 列 (row 4, column core_areas)"
    assert "禹城市" in problems[0].message  # suggestion
    assert "places.csv" in problems[0].fix
    assert problems[1].where == "第 6 行 core_areas 列 (row 6, column core_areas)"
    assert problems[1].fix == "请写规范名称 '宁津县'"


def test_priority_place_and_corridor_place(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _replace(folder / "priorities.csv", "德城区,1,", "德州区,1,")
    _replace(folder / "corridors.csv", "|中心城区,高端装备", "|主城区,高端装备")
    with pytest.raises(DataValidationError, match="德州区"):
        catalog.read_priorities(folder)
    with pytest.raises(DataValidationError, match="主城区") as info:
        catalog.read_corridors(folder)
    assert len(info.value.problems) == 1


def test_duplicate_keys_are_all_reported(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _replace(folder / "priorities.csv", "庆云县,2,高端装备", "庆云县,1,高端装备")
    _replace(folder / "indicators.csv", "\n14,", "\n12,")
    _replace(folder / "indicators.csv", ",市级,", ",省级,")
    with pytest.raises(DataValidationError, match="重复的键") as info:
        catalog.read_priorities(folder)
    messages = [str(p) for p in info.value.problems]
    assert any("place+rank" in m and "庆云县 + 1" in m for m in messages), messages
    assert any("rank 为 1, 1" in m for m in messages), messages
    with pytest.raises(DataValidationError, match="重复的键") as info:
        catalog.read_indicators(folder)
    assert [(p.where.split(" (")[0], p.message) for p in info.value.problems] == [
        ("第 13 行 level 列", "指标 12 分多行，但此行没有 level"),
        ("第 16 行 no+level 列", "重复的键 (duplicate key) '13 + 省级'，与第 15 行相同"),
        ("第 17 行 level 列", "指标 12 分多行，但此行没有 level"),
        ("第 17 行 no+level 列", "重复的键 (duplicate key) '12 + （空）'，与第 13 行相同"),
    ]


def test_duplicate_subfield(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _replace(folder / "subfields.csv", "航天航空材料,项目,航空航天材料", "航空航天材料,项目,")
    with pytest.raises(DataValidationError, match="与第 21 行相同") as info:
        catalog.read_subfields(folder)
    assert len(info.value.problems) == 1
    assert "新材料 + 航空航天材料" in info.value.problems[0].message


def test_subfield_same_as_names_a_subfield_of_its_industry_and_no_chain(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    path = folder / "subfields.csv"
    # another industry's sub-field, a misspelt one, itself, and a chain through an alias
    _replace(path, "风力发电及装备,项目,风力发电及设备", "风力发电及装备,项目,数控机床")
    _replace(path, "新材料,航天航空材料,项目,航空航天材料", "新材料,航天航空材料,项目,航空航天材")
    _replace(path, "项目,构建“文化+”产业体系", "项目,“文化+”产业体系")
    _replace(path, "现代物流,济德物流集聚带,项目,", "现代物流,济德物流集聚带,项目,鲁冀物流发展轴")
    _replace(path, "现代物流,鲁冀物流发展轴,项目,", "现代物流,鲁冀物流发展轴,项目,冷链物流")
    with pytest.raises(DataValidationError, match="same_as") as info:
        catalog.read_subfields(folder)
    messages = [str(p) for p in info.value.problems]
    assert len(messages) == 4, messages
    assert any("“数控机床”不是新能源的细分领域" in m for m in messages)
    assert any("“航空航天材”不是新材料的细分领域（是否指 '航空航天材料'？）" in m for m in messages)
    assert any("same_as 指向本行自身" in m for m in messages)
    assert any("本身又 same_as“冷链物流”" in m and "直接写“冷链物流”" in m for m in messages)
    assert all("same_as 列" in m for m in messages)


def test_missing_column_and_other_problems_together(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    path = folder / "corridors.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False).drop(columns="routes")
    frame.loc[1, "industries"] = str(frame.loc[1, "industries"]).replace("现代金融", "金融")
    frame.to_csv(path, index=False)
    with pytest.raises(DataValidationError, match="缺少列 \\(missing column\\) routes") as info:
        catalog.read_corridors(folder)
    problems = info.value.problems
    assert len(problems) == 2
    assert problems[0].where == "第 1 行 表头 (row 1, header)"
    assert "id,name,routes,places" in problems[0].fix
    assert problems[1].where == "第 3 行 industries 列 (row 3, column industries)"


def test_bad_numbers_and_enumerations(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _replace(folder / "industry_targets.csv", "600,亿元,突破", "六百,亿元,超过")
    _replace(folder / "indicators.csv", "5.97,8 左右,5.97,8", "5.97,8 左右,5.97,9")
    _replace(folder / "subfields.csv", "高端装备,智能电梯,专栏,,1", "高端装备,智能电梯,栏目,,2")
    with pytest.raises(DataValidationError) as info:
        catalog.read_catalog(folder)
    messages = [str(p) for p in info.value.problems]
    assert len(messages) == 5, messages
    assert any("不是数字 (number)：'六百'" in m for m in messages)
    assert any("'超过'" in m and "突破、达到" in m for m in messages)
    assert any("target_2022 写作 '8 左右'" in m and "填写 8" in m for m in messages)
    assert any("'栏目'" in m and "专栏、项目" in m for m in messages)
    assert any("高端装备 的专栏是 1" in m for m in messages)


def test_catalog_lists_problems_of_every_file(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _replace(
        folder / "industries.csv",
        "E2,生物技术,生物技术产业,biotech,新兴",
        "E2,生物技术,生物技术产业,Biotech,传统",
    )
    _replace(
        folder / "priorities.csv", "陵城区,2,新型纤维纺织,纺织服装,", "陵城区,2,新型纤维纺织,纺织,"
    )
    _replace(folder / "subfields.csv", "陵城区|庆云县", "陵城区 |庆云县")
    with pytest.raises(DataValidationError) as info:
        catalog.read_catalog(folder)
    sources = {Path(p.source).name for p in info.value.problems}
    assert sources == {"industries.csv", "priorities.csv", "subfields.csv"}
    text = str(info.value)
    assert text.startswith("发现 4 个数据问题")
    assert "E 开头写 新兴" in text
    assert "slug" in text
    assert "多余的空格" in text


def test_reference_table_problems_are_reported_once(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _replace(folder / "industries.csv", ",biotech,", ",Biotech,")
    assert len(catalog.read_targets(folder)) == 15  # the slug is not the targets' problem
    with pytest.raises(DataValidationError, match="Biotech"):
        catalog.read_industries(folder)
    frame = pd.read_csv(folder / "industries.csv", dtype=str, keep_default_na=False)
    frame.rename(columns={"name": "short_name"}).to_csv(folder / "industries.csv", index=False)
    with pytest.raises(DataValidationError, match="无法核对引用的名称") as info:
        catalog.read_targets(folder)
    assert len(info.value.problems) == 1  # and no "unknown industry" on every row
    assert Path(info.value.problems[0].source).name == "industries.csv"


def test_missing_file(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    (folder / "industries.csv").unlink()
    with pytest.raises(DataFileNotFoundError, match=r"industries\.csv") as info:
        catalog.read_subfields(folder)
    assert isinstance(info.value, FileNotFoundError)
    assert isinstance(info.value, DzgeoError)
    with pytest.raises(DataFileNotFoundError, match="找不到数据文件"):
        catalog.read_indicators(tmp_path / "nowhere.csv")


def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "indicators.csv"
    path.write_bytes("no,category\n1,质量效益类\n".encode("gbk"))
    with pytest.raises(DataValidationError, match="UTF-8"):
        catalog.read_indicators(path)


def test_checks_are_pure() -> None:
    frame = pd.read_csv(GEODATA / "priorities.csv", dtype=str, keep_default_na=False)
    before = frame.copy()
    places = catalog_checks.place_names(
        pd.read_csv(GEODATA / "places.csv", dtype=str, keep_default_na=False)
    )
    names = catalog.read_industries()["name"].tolist()
    assert catalog_checks.check_priorities(frame, industries=names, places=places) == []
    pd.testing.assert_frame_equal(frame, before)
