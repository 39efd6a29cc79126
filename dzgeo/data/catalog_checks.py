"""Pure checks of the catalogue tables: each returns every problem of a table at once.

References are checked against the tables beside the file: industry names against
``industries.csv``, place names against ``places.csv`` (canonical names only; a short
name or alias is reported with the canonical spelling as the fix).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from dzgeo.data._validate import (
    Records,
    as_records,
    by_row,
    cells,
    check_columns,
    check_enum,
    check_numbers,
    check_pattern,
    check_text,
    check_unique,
    choices,
    parse_number,
    suggest,
    where,
)
from dzgeo.data.schema import (
    CODE_PREFIX_GROUP,
    COLUMNS,
    CORRIDOR_IDS,
    GROUPS,
    INDICATOR_CATEGORIES,
    INDICATOR_LEVELS,
    QUALIFIERS,
    SUBFIELD_KINDS,
)
from dzgeo.errors import Problem
from dzgeo.frames import records
from dzgeo.vocabulary import split_multi

_CODE = re.compile(r"[ET][1-9]")


_SLUG = re.compile(r"[a-z][a-z0-9_]*")


_ROUTE_ID = re.compile(r"[a-z][a-z0-9_]*")


_LEADING_NUMBER = re.compile(r"\s*(-?\d+(?:\.\d+)?)")


@dataclass(frozen=True)
class PlaceNames:
    """The place vocabulary of ``places.csv``.

    Attributes
    ----------
    canonical
        Canonical names, in table order.
    spellings
        Short name or alias -> canonical name (canonical names themselves excluded).
    """

    canonical: tuple[str, ...]
    spellings: dict[str, str]


def place_names(places: pd.DataFrame) -> PlaceNames:
    """Build the place vocabulary from a ``places.csv`` frame (``name``, ``short``, ``aliases``)."""
    canonical = tuple(str(name).strip() for name in places["name"] if str(name).strip())
    spellings: dict[str, str] = {}
    for row in records(places):
        name = str(row.get("name", "")).strip()
        others = [str(row.get("short", "")), *split_multi(str(row.get("aliases", "")))]
        for spelling in (s.strip() for s in others):
            if spelling and spelling not in canonical:
                spellings.setdefault(spelling, name)
    return PlaceNames(canonical, spellings)


def _check_industry_refs(
    records: Records,
    column: str,
    industries: Sequence[str],
    source: str,
    *,
    multi: bool = False,
) -> list[Problem]:
    """Names not in ``industries``; none if the vocabulary is empty (unreadable, reported)."""
    if not industries:
        return []
    return [
        Problem(
            source,
            at,
            f"未知产业 (unknown industry) '{name}'{suggest(name, industries)}",
            f"应为 industries.csv 中的名称之一：{choices(industries)}",
        )
        for at, value in cells(records, column, multi=multi)
        if (name := value.strip()) not in industries  # stray spaces: check_text's concern
    ]


def _check_place_refs(
    records: Records,
    column: str,
    places: PlaceNames,
    source: str,
    *,
    multi: bool = False,
) -> list[Problem]:
    """Names that are not canonical; none if the vocabulary is empty (unreadable, reported)."""
    if not places.canonical:
        return []
    problems = []
    for at, value in cells(records, column, multi=multi):
        name = value.strip()  # stray spaces are reported by check_text
        if name in places.canonical:
            continue
        if name in places.spellings:
            canonical = places.spellings[name]
            problems.append(
                Problem(
                    source,
                    at,
                    f"'{name}' 是 places.csv 中 '{canonical}' 的简称或别名 (alias)",
                    f"请写规范名称 '{canonical}'",
                )
            )
        else:
            problems.append(
                Problem(
                    source,
                    at,
                    f"未知地名 (unknown place) '{name}'{suggest(name, places.canonical)}",
                    f"应为 places.csv 中的名称之一：{choices(places.canonical)}；"
                    "新地名须先加入 places.csv",
                )
            )
    return problems


def _prepare(
    frame: pd.DataFrame, table: str, source: str
) -> tuple[list[Problem], set[str], Records]:
    """Column problems, the expected columns present, and the records (absent columns blank)."""
    columns = COLUMNS[table]
    present = set(columns) & {str(c) for c in frame.columns}
    return check_columns(frame, columns, source, strict=True), present, as_records(frame, columns)


def _names(frame: pd.DataFrame, column: str = "name") -> list[str]:
    if column not in frame.columns:
        return []
    return [str(v) for v in frame[column] if pd.notna(v) and str(v).strip()]


def check_industries(frame: pd.DataFrame, *, source: str = "industries.csv") -> list[Problem]:
    """Every problem of an ``industries.csv`` frame read as text."""
    problems, have, records = _prepare(frame, "industries", source)
    problems += check_text(records, COLUMNS["industries"], have, source)
    if "code" in have:
        problems += check_pattern(
            records, "code", _CODE, "代码应为 E1–E6（新兴）或 T1–T6（传统）", source
        )
        problems += check_unique(records, ["code"], source)
    if "slug" in have:
        problems += check_pattern(
            records, "slug", _SLUG, "slug 只用小写 ascii 字母、数字和下划线，如 new_energy", source
        )
        problems += check_unique(records, ["slug"], source)
    if "group" in have:
        problems += check_enum(cells(records, "group"), "group", GROUPS, source)
    if {"code", "group"} <= have:
        for row, rec in records:
            expected = CODE_PREFIX_GROUP.get(rec["code"][:1])
            if expected and rec["group"] in GROUPS and rec["group"] != expected:
                problems.append(
                    Problem(
                        source,
                        where(row, "group"),
                        f"代码 {rec['code']} 属于{expected}产业，但 group 为 '{rec['group']}'",
                        f"E 开头写 新兴，T 开头写 传统：此行应为 '{expected}'",
                    )
                )
    if "column" in have:
        problems += check_numbers(records, "column", source, integer=True, minimum=1)
        problems += check_unique(records, ["column"], source)
    for column in ("name", "full_name"):
        if column in have:
            problems += check_unique(records, [column], source)
    return by_row(problems)


def check_targets(
    frame: pd.DataFrame,
    *,
    industries: Sequence[str],
    source: str = "industry_targets.csv",
) -> list[Problem]:
    """Every problem of an ``industry_targets.csv`` frame; ``industries``: valid names."""
    problems, have, records = _prepare(frame, "targets", source)
    required = {"industry", "metric", "value", "unit", "year", "plan_section"} & have
    problems += check_text(records, COLUMNS["targets"], required, source)
    if "industry" in have:
        problems += _check_industry_refs(records, "industry", industries, source)
    if "value" in have:
        problems += check_numbers(records, "value", source)
    if "year" in have:
        problems += check_numbers(records, "year", source, integer=True, minimum=2018)
    if "qualifier" in have:
        problems += check_enum(
            cells(records, "qualifier"), "qualifier", QUALIFIERS, source, optional=True
        )
    if {"industry", "metric"} <= have:
        problems += check_unique(records, ["industry", "metric"], source)
    return by_row(problems)


def check_subfields(
    frame: pd.DataFrame,
    *,
    industries: pd.DataFrame,
    places: PlaceNames,
    source: str = "subfields.csv",
) -> list[Problem]:
    """Every problem of a ``subfields.csv`` frame.

    ``industries`` is the industries table (``name``, ``column``): the sub-field's
    ``column`` must be its industry's 专栏 number.
    """
    problems, have, records = _prepare(frame, "subfields", source)
    required = {"industry", "subfield", "kind", "column", "plan_section"} & have
    problems += check_text(records, COLUMNS["subfields"], required, source)
    names = _names(industries)
    if "industry" in have:
        problems += _check_industry_refs(records, "industry", names, source)
    if "kind" in have:
        problems += check_enum(cells(records, "kind"), "kind", SUBFIELD_KINDS, source)
    if "column" in have:
        problems += check_numbers(records, "column", source, integer=True, minimum=1)
    if {"industry", "column"} <= have and {"name", "column"} <= set(industries.columns):
        columns = dict(zip(industries["name"], industries["column"].astype(str), strict=True))
        for row, rec in records:
            expected = columns.get(rec["industry"])
            if expected is not None and rec["column"].strip() and rec["column"] != expected:
                problems.append(
                    Problem(
                        source,
                        where(row, "column"),
                        f"{rec['industry']} 的专栏是 {expected}，此行写的是 {rec['column']}",
                        f"改为 {expected}（industries.csv 的 column）",
                    )
                )
    if "core_areas" in have:
        problems += _check_place_refs(records, "core_areas", places, source, multi=True)
    if {"industry", "subfield"} <= have:
        problems += check_unique(records, ["industry", "subfield"], source)
        if "same_as" in have:
            problems += _check_same_as(records, source)
    return by_row(problems)


def _check_same_as(records: Records, source: str) -> list[Problem]:
    """``same_as`` names another sub-field of the same industry, itself no alias (no
    chains): the row is a second spelling of that sub-field (the 专栏 heading and the
    项目 label of one field), merged into it wherever sub-fields are offered."""
    own: dict[str, dict[str, str]] = {}
    for _, rec in records:
        own.setdefault(rec["industry"], {})[rec["subfield"]] = rec["same_as"].strip()
    problems = []
    for row, rec in records:
        target = rec["same_as"].strip()
        if not target:
            continue
        industry, siblings = rec["industry"], own.get(rec["industry"], {})
        if target == rec["subfield"]:
            found, fix = "same_as 指向本行自身", "留空，或写同一细分领域的另一写法"
        elif target not in siblings:
            found = f"same_as“{target}”不是{industry}的细分领域{suggest(target, list(siblings))}"
            fix = f"写{industry}的细分领域之一：{choices(list(siblings))}"
        elif siblings[target]:
            found = f"same_as“{target}”本身又 same_as“{siblings[target]}”（不允许连环别名）"
            fix = f"直接写“{siblings[target]}”"
        else:
            continue
        problems.append(Problem(source, where(row, "same_as"), found, fix))
    return problems


def _check_ranks(records: Records, source: str) -> list[Problem]:
    """Within each place the ranks run 1, 2, 3 … without gaps."""
    ranks: dict[str, list[tuple[int, str]]] = {}
    for row, rec in records:
        ranks.setdefault(rec["place"], []).append((row, rec["rank"]))
    problems = []
    for place, rows in ranks.items():
        found = [r for _, r in rows]
        expected = [str(i) for i in range(1, len(rows) + 1)]
        if place and sorted(found, key=lambda r: (len(r), r)) != expected:
            problems.append(
                Problem(
                    source,
                    where(rows[0][0], "rank"),
                    f"{place} 的 rank 为 {', '.join(found)}",
                    f"按规划原文顺序依次写 {', '.join(expected)}",
                )
            )
    return problems


def _check_mapping_notes(records: Records, industries: Sequence[str], source: str) -> list[Problem]:
    """A term filed under an industry of another name says why, in ``mapping_note``."""
    problems = []
    for row, rec in records:
        term, industry = rec["term"], rec["industry"]
        if term and industry in industries and term != industry and not rec["mapping_note"]:
            problems.append(
                Problem(
                    source,
                    where(row, "mapping_note"),
                    f"'{term}' 归入 '{industry}'，但没有说明理由",
                    "写明依据的专栏与细分领域，如 '专栏 3 新能源汽车'",
                )
            )
    return problems


def check_priorities(
    frame: pd.DataFrame,
    *,
    industries: Sequence[str],
    places: PlaceNames,
    source: str = "priorities.csv",
) -> list[Problem]:
    """Every problem of a ``priorities.csv`` frame."""
    problems, have, records = _prepare(frame, "priorities", source)
    required = {"place", "rank", "term", "industry"} & have
    problems += check_text(records, COLUMNS["priorities"], required, source)
    place_problems = _check_place_refs(records, "place", places, source) if "place" in have else []
    problems += place_problems
    if "industry" in have:
        problems += _check_industry_refs(records, "industry", industries, source)
    if "rank" in have:
        rank_problems = check_numbers(records, "rank", source, integer=True, minimum=1)
        problems += rank_problems
        if "place" in have and not rank_problems and not place_problems:
            problems += _check_ranks(records, source)
    if {"term", "industry", "mapping_note"} <= have:
        problems += _check_mapping_notes(records, industries, source)
    if {"place", "rank"} <= have:
        problems += check_unique(records, ["place", "rank"], source)
    if {"place", "term"} <= have:
        problems += check_unique(records, ["place", "term"], source)
    return by_row(problems)


def _check_levels(records: Records, source: str) -> list[Problem]:
    """An indicator split over several rows has a level on each; a single row has none."""
    counts: dict[str, int] = {}
    for _, rec in records:
        counts[rec["no"]] = counts.get(rec["no"], 0) + 1
    problems = []
    for row, rec in records:
        split = counts[rec["no"]] > 1
        if split and not rec["level"]:
            problems.append(
                Problem(
                    source,
                    where(row, "level"),
                    f"指标 {rec['no']} 分多行，但此行没有 level",
                    f"填写 {choices(INDICATOR_LEVELS)} 之一",
                )
            )
        elif not split and rec["level"]:
            problems.append(
                Problem(
                    source,
                    where(row, "level"),
                    f"指标 {rec['no']} 只有一行，却写了 level '{rec['level']}'",
                    "只有分级的指标（表1 第 13 项）填写 level，其余留空",
                )
            )
    return problems


def _check_written_values(records: Records, source: str) -> list[Problem]:
    """``baseline_value`` / ``target_value`` agree with the number in the written cell."""
    problems = []
    for written, value_column in (
        ("baseline_2017", "baseline_value"),
        ("target_2022", "target_value"),
    ):
        for row, rec in records:
            match = _LEADING_NUMBER.match(rec[written])
            value = parse_number(rec[value_column], integer=False) if rec[value_column] else None
            if rec[value_column] and value is None:
                continue  # reported by check_numbers
            if match and (value is None or value != float(match.group(1))):
                problems.append(
                    Problem(
                        source,
                        where(row, value_column),
                        f"{written} 写作 '{rec[written]}'，{value_column} 却是 "
                        f"'{rec[value_column]}'",
                        f"填写 {match.group(1)}",
                    )
                )
            elif not match and value is not None:
                problems.append(
                    Problem(
                        source,
                        where(row, value_column),
                        f"{written} '{rec[written]}' 不是数值，{value_column} 却是 "
                        f"'{rec[value_column]}'",
                        "留空",
                    )
                )
    return problems


def check_indicators(frame: pd.DataFrame, *, source: str = "indicators.csv") -> list[Problem]:
    """Every problem of an ``indicators.csv`` frame (表1)."""
    problems, have, records = _prepare(frame, "indicators", source)
    required = {"no", "category", "indicator", "baseline_2017", "target_2022"} & have
    problems += check_text(records, COLUMNS["indicators"], required, source)
    no_problems: list[Problem] = []
    if "no" in have:
        no_problems = check_numbers(records, "no", source, integer=True, minimum=1)
        problems += no_problems
    if "category" in have:
        problems += check_enum(cells(records, "category"), "category", INDICATOR_CATEGORIES, source)
    if "level" in have:
        problems += check_enum(
            cells(records, "level"), "level", INDICATOR_LEVELS, source, optional=True
        )
        if "no" in have and not no_problems:
            problems += _check_levels(records, source)
    for column in ("baseline_value", "target_value"):
        if column in have:
            problems += check_numbers(records, column, source, required=False)
    if {"baseline_2017", "target_2022", "baseline_value", "target_value"} <= have:
        problems += _check_written_values(records, source)
    if {"no", "level"} <= have:
        problems += check_unique(records, ["no", "level"], source, optional=["level"])
    return by_row(problems)


def check_corridors(
    frame: pd.DataFrame,
    *,
    industries: Sequence[str],
    places: PlaceNames,
    source: str = "corridors.csv",
) -> list[Problem]:
    """Every problem of a ``corridors.csv`` frame.

    Route ids are checked for form only; that they exist is ``routes.geojson``'s concern.
    """
    problems, have, records = _prepare(frame, "corridors", source)
    problems += check_text(records, COLUMNS["corridors"], have, source)
    if "id" in have:
        problems += check_enum(cells(records, "id"), "id", CORRIDOR_IDS, source)
        problems += check_unique(records, ["id"], source)
    if "name" in have:
        problems += check_unique(records, ["name"], source)
    if "routes" in have:
        problems += check_pattern(
            records,
            "routes",
            _ROUTE_ID,
            "路线 id 用小写 ascii，如 g3_jingtai（与 routes.geojson 的 id 一致）",
            source,
            multi=True,
        )
    if "places" in have:
        problems += _check_place_refs(records, "places", places, source, multi=True)
    if "industries" in have:
        problems += _check_industry_refs(records, "industries", industries, source, multi=True)
    return by_row(problems)
