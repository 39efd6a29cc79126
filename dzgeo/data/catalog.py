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

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from dzgeo import settings
from dzgeo.data._validate import (
    HEADER,
    file_error,
    require_file,
)
from dzgeo.data.catalog_checks import (
    PlaceNames,
    _names,
    check_corridors,
    check_indicators,
    check_industries,
    check_priorities,
    check_subfields,
    check_targets,
    place_names,
)
from dzgeo.data.schema import _FLOAT_COLUMNS, _INT_COLUMNS, FILES, PLACES_FILE, PathLike
from dzgeo.errors import Problem, raise_if_problems


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
