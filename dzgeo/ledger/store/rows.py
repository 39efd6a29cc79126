"""The stored row layout of the ledger: columns, dtypes, driver values and the DDL.

Shared by both back ends, so a row means the same in a GeoPackage file and in PostGIS.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
import pandas as pd
from shapely.geometry.base import BaseGeometry

from dzgeo.data.published import PROJECT_FIELDS
from dzgeo.ledger.fields import INT_FIELDS, LEDGER_FIELDS, REAL_FIELDS

__all__ = [
    "ROW_COLUMNS",
    "column_type",
    "create_table_sql",
    "empty_rows",
    "normalise_rows",
    "quoted",
    "row_tuples",
]

#: Columns of a stored ledger row, in order (``geometry`` is the drawn point as a shapely
#: geometry, or None when the plan's place point is drawn).
ROW_COLUMNS: tuple[str, ...] = (
    *PROJECT_FIELDS,
    *(f for f in LEDGER_FIELDS if f != "ledger_version"),
)


def empty_rows() -> pd.DataFrame:
    """A ledger row frame with no rows and the stored dtypes."""
    return normalise_rows(pd.DataFrame({c: [] for c in (*ROW_COLUMNS, "geometry")}))


def normalise_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """Ledger rows with every column, in order, with the stored dtypes.

    Text is ``str`` with ``""`` for empty, REAL_FIELDS ``float64`` (NaN), INT_FIELDS
    ``Int64`` (<NA>), ``geometry`` an object column of shapely geometries or None.
    """
    out = pd.DataFrame(index=range(len(frame)))
    src = frame.reset_index(drop=True)
    for column in ROW_COLUMNS:
        values = src[column] if column in src.columns else pd.Series([None] * len(src))
        if column in REAL_FIELDS:
            out[column] = pd.to_numeric(values, errors="coerce").astype("float64")
        elif column in INT_FIELDS:
            out[column] = pd.to_numeric(values, errors="coerce").round().astype("Int64")
        else:
            out[column] = values.map(lambda v: "" if v is None or v is pd.NA else str(v))
            out[column] = out[column].replace("nan", "").astype(object)
    geoms = src["geometry"] if "geometry" in src.columns else [None] * len(src)
    out["geometry"] = pd.Series(
        [g if isinstance(g, BaseGeometry) else None for g in geoms], dtype=object
    )
    return out


def _cell(value: Any) -> Any:
    """A Python value for the database driver (None for empty)."""
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float | np.floating):
        return None if not np.isfinite(value) else float(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, str) and value == "":
        return None
    return value


def row_tuples(frame: pd.DataFrame, version: int, geom_cells: Sequence[Any]) -> Iterator[tuple]:
    """Rows to insert: ``(version, seq, *ROW_COLUMNS, geom)``."""
    columns = [frame[c].tolist() for c in ROW_COLUMNS]
    for seq, values in enumerate(zip(*columns, strict=True)):
        yield (version, seq, *(_cell(v) for v in values), geom_cells[seq])


def column_type(column: str, *, real: str, integer: str, text: str) -> str:
    """The SQL type of a stored column, in a back end's spelling."""
    if column in REAL_FIELDS:
        return real
    if column in INT_FIELDS:
        return integer
    return text


def quoted(columns: Sequence[str]) -> list[str]:
    return [f'"{c}"' for c in columns]


def create_table_sql(
    *, real: str, integer: str, text: str, geometry: str, row_key: str
) -> list[str]:
    """The DDL of the store's three tables, in a back end's types.

    ``row_key`` is the key clause of ``ledger_rows`` (GeoPackage wants an integer ``fid``).
    """
    row_columns = ",\n  ".join(
        f'"{c}" {column_type(c, real=real, integer=integer, text=text)}' for c in ROW_COLUMNS
    )
    return [
        "CREATE TABLE IF NOT EXISTS ledger_versions (\n"
        f"  version {integer} PRIMARY KEY,\n  created_at {text} NOT NULL,\n"
        f"  user_name {text},\n  file_name {text},\n  kind {text} NOT NULL,\n"
        f"  reverted_to {integer},\n  added {integer} NOT NULL,\n"
        f"  updated {integer} NOT NULL,\n  unchanged {integer} NOT NULL,\n"
        f"  row_count {integer} NOT NULL\n)",
        "CREATE TABLE IF NOT EXISTS ledger_rows (\n"
        f"  version {integer} NOT NULL REFERENCES ledger_versions(version),\n"
        f"  seq {integer} NOT NULL,\n  {row_columns},\n  geom {geometry},\n"
        f"  {row_key}\n)",
        "CREATE TABLE IF NOT EXISTS ledger_state (\n"
        f"  id {integer} PRIMARY KEY CHECK (id = 1),\n"
        f"  current_version {integer} REFERENCES ledger_versions(version)\n)",
    ]
