"""The plan's catalogue: industries, targets, sub-fields, priorities, indicators, corridors.

Readers (``read_*``) are the only functions here that touch disk. Each reads one CSV of
``geodata/`` as text, validates it with the pure ``check_*`` functions, raises one
:class:`~dzgeo.errors.DataValidationError` listing *every* problem found, and only then
converts the columns to their types:

- text columns stay ``str``; ``|``-separated cells (``core_areas``, ``anchors``,
  ``places``, ``routes``, ``industries``) stay as written, one string per cell;
- ordinals (``column``, ``rank``, ``no``, ``year``) become ``int64``;
- measurements (``value``, ``baseline_value``, ``target_value``) become ``float64``,
  NaN where the cell is empty.

References are checked against the tables beside the file: industry names against
``industries.csv``, place names against ``places.csv`` (read directly; canonical names
only, a short name or alias is reported with the canonical spelling as the fix).
The field contract is ``geodata/SCHEMA.md``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from dzgeo import settings
from dzgeo._validate import (
    HEADER,
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
    file_error,
    parse_number,
    require_file,
    suggest,
    where,
)
from dzgeo.errors import Problem, raise_if_problems
from dzgeo.vocabulary import split_multi

__all__ = [
    "COLUMNS",
    "CORRIDOR_IDS",
    "FILES",
    "GROUPS",
    "INDICATOR_CATEGORIES",
    "INDICATOR_LEVELS",
    "PLACES_FILE",
    "QUALIFIERS",
    "SUBFIELD_KINDS",
    "Catalog",
    "PlaceNames",
    "check_corridors",
    "check_indicators",
    "check_industries",
    "check_priorities",
    "check_subfields",
    "check_targets",
    "place_names",
    "read_catalog",
    "read_corridors",
    "read_indicators",
    "read_industries",
    "read_priorities",
    "read_subfields",
    "read_targets",
]

PathLike = str | Path

#: File name of each catalogue table inside ``geodata/``.
FILES = {
    "industries": "industries.csv",
    "targets": "industry_targets.csv",
    "subfields": "subfields.csv",
    "priorities": "priorities.csv",
    "indicators": "indicators.csv",
    "corridors": "corridors.csv",
}
PLACES_FILE = "places.csv"

#: The columns of each table, in file order (geodata/SCHEMA.md).
COLUMNS: dict[str, tuple[str, ...]] = {
    "industries": ("code", "name", "full_name", "slug", "group", "column", "plan_section"),
    "targets": ("industry", "metric", "value", "unit", "qualifier", "year", "plan_section"),
    "subfields": (
        "industry",
        "subfield",
        "kind",
        "column",
        "core_areas",
        "anchors",
        "plan_section",
    ),
    "priorities": ("place", "rank", "term", "industry", "mapping_note"),
    "indicators": (
        "no",
        "category",
        "indicator",
        "level",
        "unit",
        "baseline_2017",
        "target_2022",
        "baseline_value",
        "target_value",
    ),
    "corridors": ("id", "name", "routes", "places", "industries", "plan_section"),
}

GROUPS = ("新兴", "传统")
CODE_PREFIX_GROUP = {"E": "新兴", "T": "传统"}
SUBFIELD_KINDS = ("专栏", "项目")
QUALIFIERS = ("突破", "达到", "达到…左右")
INDICATOR_CATEGORIES = ("质量效益类", "创新发展类", "对外开放类", "环保及民生类", "品牌提升类")
INDICATOR_LEVELS = ("国家级", "省级", "市级")
CORRIDOR_IDS = ("axis", "belt")

_CODE = re.compile(r"[ET][1-9]")
_SLUG = re.compile(r"[a-z][a-z0-9_]*")
_ROUTE_ID = re.compile(r"[a-z][a-z0-9_]*")
_LEADING_NUMBER = re.compile(r"\s*(-?\d+(?:\.\d+)?)")

_INT_COLUMNS = {
    "industries": ("column",),
    "targets": ("year",),
    "subfields": ("column",),
    "priorities": ("rank",),
    "indicators": ("no",),
    "corridors": (),
}
_FLOAT_COLUMNS = {
    "targets": ("value",),
    "indicators": ("baseline_value", "target_value"),
}


# --------------------------------------------------------------------------- places


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
    for row in places.to_dict("records"):
        name = str(row.get("name", "")).strip()
        others = [str(row.get("short", "")), *split_multi(str(row.get("aliases", "")))]
        for spelling in (s.strip() for s in others):
            if spelling and spelling not in canonical:
                spellings.setdefault(spelling, name)
    return PlaceNames(canonical, spellings)


# --------------------------------------------------------------------------- helpers


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


# --------------------------------------------------------------------------- checks


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
    return by_row(problems)


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


# --------------------------------------------------------------------------- reading


def _display(path: Path) -> str:
    """The path as shown in messages: relative to the repository when inside it."""
    try:
        return str(path.resolve().relative_to(settings.REPO_ROOT))
    except ValueError:
        return str(path)


def _locate(path: PathLike | None, table: str) -> Path:
    """The file of ``table``: ``path`` itself, or ``FILES[table]`` inside directory ``path``."""
    if path is None:
        return settings.GEODATA_DIR / FILES[table]
    path = Path(path)
    return path / FILES[table] if path.is_dir() else path


def _read_text(path: Path) -> pd.DataFrame:
    """A CSV as text cells ('' for empty), or the error that says what is wrong with it."""
    require_file(path)
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise file_error(
            _display(path),
            f"无法读取为 UTF-8 CSV：{exc}",
            "用 UTF-8 编码、逗号分隔、首行为表头保存",
        ) from exc


def _typed(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """A validated text frame with ordinals as int64 and measurements as float64."""
    out = frame.copy()
    for column in _INT_COLUMNS.get(table, ()):
        out[column] = out[column].astype("int64")
    for column in _FLOAT_COLUMNS.get(table, ()):
        out[column] = pd.to_numeric(out[column].replace("", None)).astype("float64")
    return out


def _name_column(frame: pd.DataFrame, source: str) -> list[Problem]:
    """A reference table without a ``name`` column, as a problem."""
    if "name" in frame.columns:
        return []
    return [
        Problem(
            source,
            HEADER,
            "缺少列 name (missing column)：无法核对引用的名称",
            "补上 name 列（表头见 geodata/SCHEMA.md）",
        )
    ]


@dataclass(frozen=True)
class _Refs:
    industries: pd.DataFrame
    places: PlaceNames
    problems: list[Problem]


def _read_refs(directory: Path, *, need_places: bool) -> _Refs:
    """The industries table and, if needed, the place vocabulary beside a file.

    Only what the references need is checked here (the ``name`` column of each table);
    :func:`read_industries` and the places reader report the rest, so a problem of a
    reference table is not repeated by every table that points at it.
    """
    industries_path = directory / FILES["industries"]
    industries = _read_text(industries_path)
    problems = _name_column(industries, _display(industries_path))
    places = PlaceNames((), {})
    if need_places:
        places_path = directory / PLACES_FILE
        frame = _read_text(places_path)
        problems += _name_column(frame, _display(places_path))
        if "name" in frame.columns:
            places = place_names(frame.reindex(columns=["name", "short", "aliases"]).fillna(""))
    return _Refs(industries, places, problems)


def _read_checked(
    path: PathLike | None,
    table: str,
    check: Callable[[pd.DataFrame, str, _Refs], list[Problem]],
    *,
    need_places: bool = False,
) -> pd.DataFrame:
    file = _locate(path, table)
    frame = _read_text(file)
    refs = _read_refs(file.parent, need_places=need_places)
    problems = check(frame, _display(file), refs)
    raise_if_problems(refs.problems + problems)
    return _typed(frame, table)


def read_industries(path: PathLike | None = None) -> pd.DataFrame:
    """Read and validate ``industries.csv``.

    Parameters
    ----------
    path
        The file, or the directory holding it; default ``settings.GEODATA_DIR``.

    Returns
    -------
    One row per industry (12), in the plan's order; ``column`` is int64.

    Raises
    ------
    DataFileNotFoundError
        The file is missing.
    DataValidationError
        Listing every problem found.
    """
    file = _locate(path, "industries")
    frame = _read_text(file)
    raise_if_problems(check_industries(frame, source=_display(file)))
    return _typed(frame, "industries")


def read_targets(path: PathLike | None = None) -> pd.DataFrame:
    """Read and validate ``industry_targets.csv`` (``value`` float64, ``year`` int64).

    ``path`` is the file or its directory (default ``settings.GEODATA_DIR``); industry
    names are checked against ``industries.csv`` in the same directory.
    """
    return _read_checked(
        path,
        "targets",
        lambda f, s, r: check_targets(f, industries=_names(r.industries), source=s),
    )


def read_subfields(path: PathLike | None = None) -> pd.DataFrame:
    """Read and validate ``subfields.csv`` (``column`` int64).

    Industries and places are checked against ``industries.csv`` and ``places.csv`` in
    the same directory as the file.
    """
    return _read_checked(
        path,
        "subfields",
        lambda f, s, r: check_subfields(f, industries=r.industries, places=r.places, source=s),
        need_places=True,
    )


def read_priorities(path: PathLike | None = None) -> pd.DataFrame:
    """Read and validate ``priorities.csv`` (``rank`` int64), the 多点突破 priorities."""
    return _read_checked(
        path,
        "priorities",
        lambda f, s, r: check_priorities(
            f, industries=_names(r.industries), places=r.places, source=s
        ),
        need_places=True,
    )


def read_indicators(path: PathLike | None = None) -> pd.DataFrame:
    """Read and validate ``indicators.csv``, 表1.

    ``no`` is int64; ``baseline_value`` and ``target_value`` float64 (NaN where the
    plan's value is not a number, e.g. 稳定增长); the written cells stay text.
    """
    file = _locate(path, "indicators")
    frame = _read_text(file)
    raise_if_problems(check_indicators(frame, source=_display(file)))
    return _typed(frame, "indicators")


def read_corridors(path: PathLike | None = None) -> pd.DataFrame:
    """Read and validate ``corridors.csv``, the two 轴带联动 corridors."""
    return _read_checked(
        path,
        "corridors",
        lambda f, s, r: check_corridors(
            f, industries=_names(r.industries), places=r.places, source=s
        ),
        need_places=True,
    )


@dataclass(frozen=True)
class Catalog:
    """The six catalogue tables, validated together."""

    industries: pd.DataFrame
    targets: pd.DataFrame
    subfields: pd.DataFrame
    priorities: pd.DataFrame
    indicators: pd.DataFrame
    corridors: pd.DataFrame


def read_catalog(geodata_dir: PathLike | None = None) -> Catalog:
    """Read all six tables from ``geodata_dir`` and raise once with every problem in any."""
    directory = Path(geodata_dir) if geodata_dir is not None else settings.GEODATA_DIR
    refs = _read_refs(directory, need_places=True)
    names = _names(refs.industries)
    frames = {table: _read_text(directory / FILES[table]) for table in FILES}
    sources = {table: _display(directory / FILES[table]) for table in FILES}
    problems = list(refs.problems)
    problems += check_industries(frames["industries"], source=sources["industries"])
    problems += check_targets(frames["targets"], industries=names, source=sources["targets"])
    problems += check_subfields(
        frames["subfields"],
        industries=refs.industries,
        places=refs.places,
        source=sources["subfields"],
    )
    problems += check_priorities(
        frames["priorities"], industries=names, places=refs.places, source=sources["priorities"]
    )
    problems += check_indicators(frames["indicators"], source=sources["indicators"])
    problems += check_corridors(
        frames["corridors"], industries=names, places=refs.places, source=sources["corridors"]
    )
    raise_if_problems(problems)
    return Catalog(**{table: _typed(frame, table) for table, frame in frames.items()})
