"""The 重点项目 table of the app, drawn in the browser (``static/dzgeo/dztable.js``).

Every project's row — :func:`dzgeo.tables.project_table`, the one display rule — reaches
a page once, column-wise and zlib-packed; the browser shows the rows the map's project
layer shows (its bit mask: the server's, or dzpicks.js's own at a pick), sorts them and
scrolls through them itself. A filter change sends no table rows at all (before: every
shown row again, 7–34 kB on the real data), and 50,000 projects need no paging.
Clicking a row flies the map to that project and opens its popup.
"""

from __future__ import annotations

import base64
import json
import math
import zlib
from typing import Any

import pandas as pd

__all__ = ["table_data"]


def table_data(table: pd.DataFrame, key: str) -> dict[str, Any]:
    """``table`` (one row per project, in the order of the map's mask bits) for the
    browser: headers, which columns are numbers, and per column either the numbers
    (``None`` for empty) or codes into its list of texts; packed. ``key`` changes with
    the projects (a new ledger version), so the browser knows to read it again."""
    heads: list[str] = []
    numeric: list[bool] = []
    columns: list[list[float | None] | list[int]] = []
    texts: list[list[str]] = []
    for head in table.columns:
        values = table[head]
        heads.append(str(head))
        if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
            numeric.append(True)
            columns.append([_number(v) for v in values])
            texts.append([])
        else:
            codes, uniques = pd.factorize(values.astype(object).fillna("").astype(str))
            numeric.append(False)
            columns.append(codes.tolist())
            texts.append([str(u) for u in uniques])
    body = {"head": heads, "num": numeric, "cols": columns, "vals": texts}
    text = json.dumps(body, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    packed = base64.b64encode(zlib.compress(text.encode("utf-8"), 6)).decode("ascii")
    return {"key": key, "n": len(table), "packed": packed}


def _number(value: object) -> float | None:
    number = float(value)  # type: ignore[arg-type]
    return None if math.isnan(number) else round(number, 4)
