"""The project table and the plan's 重点支持项目 paragraphs agree, item for item.

For each of the 12 industries: every row's ``plan_text`` is found, in id order, in the
industry's paragraph; what is left of the paragraph once the rows are removed is only
connective text (an allow-list below) — anything else is a project missing from the table.
Rows come from ``geodata/projects.csv``; an industry with no rows fails.

Other scripts may call :func:`industry_problems` / :func:`assert_industry_ok` directly.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

import pytest
from _planparse import (
    INDUSTRIES,
    INDUSTRY_BY_CODE,
    INDUSTRY_BY_NAME,
    find_project_paragraphs,
    locate,
    plan_text_or_skip,
    read_plan,
    residue,
    run_at,
    split_runs,
)

from dzgeo.data.projects import COLUMNS, OUTSIDE_PREFIX, PLAN_PLACE_WORDS
from dzgeo.errors import DataFileNotFoundError, DzgeoError
from dzgeo.settings import GEODATA_DIR

ID_RE = re.compile(r"^([ET][1-6])-(\d{3})$")
SOURCES = {"stated", "inferred", "unplaced"}
BASIS_KINDS = {"plan", "outside"}
CITY = "德州市"
#: Ends of an item's plan_text that belong to the list, not to the item.
BAD_ENDS = ("、", "，", "。", "；", "：", " ", "等", "等项目")

#: Connective text allowed in a residue, in every paragraph. Order matters: longest first.
SHARED_FILLERS: tuple[str, ...] = (
    r"等[\u4e00-\u9fff]{1,8}项目",  # a group word closing a list: 等医疗器械项目, 等试点示范项目
    r"等项目",  # closes a list of items
    r"重点推进",  # verbs that introduce a list
    r"重点支持",
    r"重点打造",
    r"项目",  # a bare group noun
    r"[、，。；：]",  # separators
    r"\s+",  # the plan's spaces and the joined line breaks
)

#: Further connective phrases of single paragraphs, literal text, each with its reason.
#: The six emerging industries need none. A phrase here must not be a project.
INDUSTRY_FILLERS: dict[str, tuple[str, ...]] = {
    **{i.name: () for i in INDUSTRIES},
    "现代高效农业": (
        "等一批特色高效种植园",  # closes (1)'s list of crops: each crop is a planting park
    ),
    "文化旅游": (
        "十大产业园区",  # the heading of the ten parks listed after it
        "等重大节事",  # closes the list of festivals
        "，支持",  # 重点…项目，支持 <festivals>: the verb before the festivals
    ),
    "现代物流": (
        # (1) opens with what the logistics parks should be like (no project named) …
        "依托京沪高铁、京台高速等交通主干线，规划建设一批布局合理、用地节约、产业集聚、"
        "功能集成、经营集约的生产服务型、货运服务型、商贸服务型和综合服务型物流园区",
        "等十大物流区域建设",  # … closes its list …
        "打造济德物流集聚带",  # … and names the cluster (the run's label)
        "依托德滨高速、德商高速及德大铁路",  # (2) the routes it follows
        "打造鲁冀物流发展轴",  # (2) the axis it builds (the run's label)
    ),
}

#: Labels for （n） runs that have no heading of their own: the plan's two 现代物流 items are
#: long sentences, each ending in the name of what it builds, which serves as the label.
HEADINGLESS_LABELS: dict[tuple[str, str], str] = {
    ("现代物流", "1"): "济德物流集聚带",
    ("现代物流", "2"): "鲁冀物流发展轴",
}

#: Place words the plan uses that places.csv does not list as aliases (the library's).
EXTRA_PLACE_WORDS = PLAN_PLACE_WORDS

Row = dict[str, str]


# ---------------------------------------------------------------- loading


def load_places(geodata_dir: Path) -> tuple[set[str], dict[str, str]]:
    """Canonical place names, and every place word (name, short, alias) → canonical name."""
    with (geodata_dir / "places.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    names = {r["name"] for r in rows}
    words: dict[str, str] = {}
    for r in rows:
        for word in [r["name"], r["short"], *filter(None, r["aliases"].split("|"))]:
            words.setdefault(word, r["name"])
    for word, name in EXTRA_PLACE_WORDS.items():
        words.setdefault(word, name)
    return names, words


def load_rows(geodata_dir: Path) -> list[Row]:
    """Rows of projects.csv; ``_where`` names the file and the row."""
    files = [geodata_dir / "projects.csv"]
    rows: list[Row] = []
    for path in files:
        with path.open(encoding="utf-8", newline="") as f:
            reader = csv.DictReader(f)
            assert reader.fieldnames == list(COLUMNS), (
                f"{path.name}: header is {reader.fieldnames}, expected {COLUMNS}"
            )
            for n, row in enumerate(reader, start=2):
                assert None not in row and None not in row.values(), (
                    f"{path.name} row {n}: wrong number of cells — quote cells with commas"
                )
                rows.append({**row, "_where": f"{path.relative_to(geodata_dir)} row {n}"})
    return rows


# ---------------------------------------------------------------- checks


def unexplained(rest: str, paragraph: str, industry: str) -> str:
    """What is left of a residue after removing labels and allowed connective text."""
    for run in split_runs(paragraph):
        if run.marker:
            rest = rest.replace(run.marker, " ", 1)
    for phrase in INDUSTRY_FILLERS.get(industry, ()):
        rest = rest.replace(phrase, " ")
    return re.sub("|".join(SHARED_FILLERS), "", rest)


def _expected_section(industry: str, label: str, number: str) -> str:
    ind = INDUSTRY_BY_NAME[industry]
    where = f"（{number}）{label}" if number and label != f"（{number}）" else f"（{number}）"
    return f"{ind.section} {ind.heading}重点支持项目{where if number else ''}"


def _id_problems(industry: str, rows: list[Row]) -> list[str]:
    code = INDUSTRY_BY_NAME[industry].code
    problems = []
    for k, row in enumerate(rows, start=1):
        m = ID_RE.match(row["id"])
        if not m or m.group(1) != code or int(m.group(2)) != k:
            problems.append(
                f"{row['_where']}: id {row['id']!r} — expected {code}-{k:03d} "
                "(industry code, then 001, 002 … in plan order)"
            )
    return problems


def _unsaid(row: Row, words: dict[str, str]) -> list[str]:
    """Problems for places marked 'stated' that plan_text does not name."""
    return [
        f"{row['_where']}: place {p} is 'stated' but plan_text does not name it"
        for p in row["place"].split("|")
        if not any(n == p and w in row["plan_text"] for w, n in words.items())
    ]


def _place_problems(row: Row, places: tuple[set[str], dict[str, str]]) -> list[str]:
    names, words = places
    where, src = row["_where"], row["place_source"]
    kind, basis = row["place_basis_kind"], row["place_basis"]
    parts = row["place"].split("|")
    out = []
    for p in parts:
        if p not in names:
            fix = f"use the full name {words[p]}" if p in words else "use a places.csv name"
            out.append(f"{where}: place {p!r} is not a places.csv name — {fix}")
    if len(set(parts)) != len(parts):
        out.append(f"{where}: place {row['place']!r} repeats a name")
    if src not in SOURCES:
        out.append(f"{where}: place_source {src!r} — expected one of {sorted(SOURCES)}")
    if src == "stated":
        out += _unsaid(row, words)
    if src in {"stated", "unplaced"} and kind:
        out.append(f"{where}: place_basis_kind must be empty for {src}")
    if src == "inferred":
        if not basis or kind not in BASIS_KINDS:
            out.append(
                f"{where}: inferred place needs place_basis and place_basis_kind plan|outside"
            )
        if kind == "outside" and not basis.startswith(OUTSIDE_PREFIX):
            out.append(f"{where}: outside basis must start with {OUTSIDE_PREFIX!r}")
    if src == "unplaced" and (row["place"] != CITY or not basis):
        out.append(f"{where}: unplaced rows have place {CITY} and the reason in place_basis")
    return out


def _name_ok(row: Row, after: str, words: dict[str, str]) -> bool:
    """The name is the item (less a leading place word), plus at most a group word after it."""
    text, name = row["plan_text"], row["name"]
    cores = [text] + [
        text[len(w) :] for w, n in words.items() if text.startswith(w) and n in row["place"]
    ]
    for core in cores:
        if core and name.startswith(core):
            extra = name[len(core) :]
            if not extra or extra in after:
                return True
    return False


def _row_problems(
    row: Row, paragraph: str, at: int, places: tuple[set[str], dict[str, str]]
) -> list[str]:
    where, text, industry = row["_where"], row["plan_text"], row["industry"]
    out = []
    if text != text.strip() or text.endswith(BAD_ENDS) or text.startswith(BAD_ENDS[:5]):
        out.append(f"{where}: plan_text {text!r} carries a separator or list word at an end")
    run = run_at(paragraph, at)
    label = HEADINGLESS_LABELS.get((industry, run.number), run.label)
    if row["subfield"] != label:
        out.append(f"{where}: subfield {row['subfield']!r} — the item is under {label!r}")
    section = _expected_section(industry, run.label, run.number)
    if row["plan_section"] != section:
        out.append(f"{where}: plan_section {row['plan_section']!r} — expected {section!r}")
    if paragraph.startswith("项目", at + len(text)):
        out.append(
            f"{where}: the item's own 项目 belongs to plan_text (only 等…项目 is a group word)"
        )
    cat = row["category"]
    if cat and cat not in paragraph[run.start : run.end]:
        out.append(f"{where}: category {cat!r} is not a word of the item's （n） run")
    if not _name_ok(row, paragraph[at + len(text) : run.end], places[1]):
        out.append(
            f"{where}: name {row['name']!r} must be plan_text, or plan_text without a leading "
            "place word of the row's place, optionally followed by the group word that closes "
            "its list (e.g. 特色高效种植园)"
        )
    if row["enterprise"] and row["enterprise"] not in text:
        out.append(f"{where}: enterprise {row['enterprise']!r} is not in plan_text (plan's words)")
    return out + _place_problems(row, places)


def industry_problems(
    industry: str, rows: list[Row], paragraph: str, places: tuple[set[str], dict[str, str]]
) -> list[str]:
    """Every disagreement between an industry's rows and its paragraph (empty = all good)."""
    if not rows:
        return [f"{industry}: no rows yet — every 重点支持项目 item needs a row"]
    rows = sorted(rows, key=lambda r: r["id"])
    problems = [
        f"{r['_where']}: industry {r['industry']!r}" for r in rows if r["industry"] != industry
    ]
    problems += _id_problems(industry, rows)
    texts = [r["plan_text"] for r in rows]
    try:
        offsets = locate(paragraph, texts)
    except DzgeoError as exc:  # (a) a row not in the plan, or out of order
        return [*problems, f"{industry}: plan_text not in the plan in id order — {exc}"]
    left = unexplained(residue(paragraph, texts), paragraph, industry).strip()
    if left:  # (b)
        problems.append(
            f"{industry}: unexplained residue {left!r} — a project missing from the table, "
            "or connective text to add (with a reason) to INDUSTRY_FILLERS"
        )
    for row, at in zip(rows, offsets, strict=True):
        problems += _row_problems(row, paragraph, at, places)
    return problems


def assert_industry_ok(
    industry: str, rows: list[Row], paragraph: str, places: tuple[set[str], dict[str, str]]
) -> None:
    """Raise AssertionError listing every problem of the industry's rows."""
    problems = industry_problems(industry, rows, paragraph, places)
    assert not problems, "\n".join(problems)


# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def paragraphs() -> dict[str, str]:
    return find_project_paragraphs(plan_text_or_skip())


@pytest.fixture(scope="module")
def rows() -> list[Row]:
    return load_rows(GEODATA_DIR)


@pytest.fixture(scope="module")
def places() -> tuple[set[str], dict[str, str]]:
    return load_places(GEODATA_DIR)


def _of(rows: list[Row], industry: str) -> list[Row]:
    code = INDUSTRY_BY_NAME[industry].code
    return [r for r in rows if r["industry"] == industry or r["id"].startswith(f"{code}-")]


# ---------------------------------------------------------------- tests


@pytest.mark.parametrize("industry", [i.name for i in INDUSTRIES], ids=[i.code for i in INDUSTRIES])
def test_rows_match_plan_paragraph(
    industry: str,
    rows: list[Row],
    paragraphs: dict[str, str],
    places: tuple[set[str], dict[str, str]],
) -> None:
    problems = industry_problems(industry, _of(rows, industry), paragraphs[industry], places)
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


def test_ids_unique_and_industries_known(rows: list[Row]) -> None:
    dupes = [i for i, n in Counter(r["id"] for r in rows).items() if n > 1]
    assert not dupes, f"duplicate ids: {dupes}"
    for r in rows:
        m = ID_RE.match(r["id"])
        assert m, f"{r['_where']}: id {r['id']!r} is not like E1-001"
        assert INDUSTRY_BY_CODE[m.group(1)].name == r["industry"], (
            f"{r['_where']}: id {r['id']} belongs to {INDUSTRY_BY_CODE[m.group(1)].name}, "
            f"industry says {r['industry']!r}"
        )


def test_residue_check_catches_a_deleted_row(
    rows: list[Row], paragraphs: dict[str, str], places: tuple[set[str], dict[str, str]]
) -> None:
    own = sorted(_of(rows, "高端装备"), key=lambda r: r["id"])
    assert len(own) > 3
    del own[len(own) // 2]
    with pytest.raises(AssertionError, match="unexplained residue"):
        assert_industry_ok("高端装备", own, paragraphs["高端装备"], places)


def test_invented_row_is_caught(
    rows: list[Row], paragraphs: dict[str, str], places: tuple[set[str], dict[str, str]]
) -> None:
    own = sorted(_of(rows, "高端装备"), key=lambda r: r["id"])
    fake = {**own[0], "plan_text": "德城区某公司年产 1 万台不存在的设备"}
    with pytest.raises(AssertionError, match="not in the plan"):
        assert_industry_ok("高端装备", [fake, *own[1:]], paragraphs["高端装备"], places)


def test_paragraphs_found_and_broken_line_joined(paragraphs: dict[str, str]) -> None:
    assert list(paragraphs) == [i.name for i in INDUSTRIES]
    assert "重点打造十大产业园区：" in paragraphs["文化旅游"]
    assert all(p.endswith("。") for p in paragraphs.values())


def test_residue_requires_items_in_order() -> None:
    assert residue("甲、乙、丙等项目。", ["甲", "丙"]) == "、乙、等项目。"
    with pytest.raises(DzgeoError, match="out of order"):
        residue("甲、乙、丙等项目。", ["乙", "甲"])


def test_missing_plan_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(DataFileNotFoundError, match="plan text not found"):
        read_plan(tmp_path / "missing.txt")
