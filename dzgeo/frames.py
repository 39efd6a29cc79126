"""Typed row access to the pipeline's frames.

pandas' stubs type a cell as the union of every scalar pandas knows. The cells of our
frames are known only at run time, after :mod:`dzgeo.data.schema` checked the columns
(text, number, a shapely geometry), so row access is typed ``Any`` here, once, instead
of a cast at every use.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, cast

import pandas as pd

__all__ = ["Record", "Row", "first_record", "records", "rows"]

#: One row as a named tuple (``DataFrame.itertuples``): fields are the frame's columns.
Row = Any
#: One row as a mapping from column name to cell.
Record = dict[str, Any]


def rows(frame: pd.DataFrame) -> Iterator[Row]:
    """The rows of ``frame`` as named tuples, in order (no index field)."""
    return frame.itertuples(index=False)


def records(frame: pd.DataFrame) -> list[Record]:
    """The rows of ``frame`` as dicts keyed by column name (our column labels are str)."""
    return cast(list[Record], frame.to_dict("records"))


def first_record(frame: pd.DataFrame) -> Record:
    """The first row of ``frame`` as a dict keyed by column name."""
    return cast(Record, frame.iloc[0].to_dict())
