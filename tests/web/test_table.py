"""The project table's data for the browser (dzgeo.web.table): every row once, packed."""

from __future__ import annotations

import base64
import json
import math
import zlib

import pandas as pd
from _ledger_frame import ledger_frame

from dzgeo import tables
from dzgeo.data.published import Layers
from dzgeo.web.table import table_data


def unpacked(data: dict) -> dict:
    return json.loads(zlib.decompress(base64.b64decode(data["packed"])))


def shown_text(body: dict, col: int, row: int) -> str:
    value = body["cols"][col][row]
    if body["num"][col]:
        return "" if value is None else f"{value:g}"
    return body["vals"][col][value]


def check_round_trip(frame: pd.DataFrame) -> dict:
    data = table_data(frame, "k1")
    body = unpacked(data)
    assert data["key"] == "k1" and data["n"] == len(frame)
    assert body["head"] == list(frame.columns)
    for col, head in enumerate(frame.columns):
        for row in range(len(frame)):
            value = frame[head].iloc[row]
            if body["num"][col]:
                expected = "" if pd.isna(value) else f"{round(float(value), 4):g}"
            else:
                expected = "" if pd.isna(value) else str(value)
            assert shown_text(body, col, row) == expected, (head, row)
    return body


def names(layers: Layers) -> dict[str, str]:
    return dict(zip(layers.counties["adcode"], layers.counties["name"], strict=True))


def test_every_projects_row_travels_once_as_the_table_shows_it(layers):
    frame = tables.project_table(layers.projects, names(layers))
    body = check_round_trip(frame)
    assert not any(body["num"])  # the plan's own table is all text
    assert tables.COUNTED_IN in body["head"]
    # packed: the 272 rows are smaller than the Arrow table of a filter's 106 rows was
    assert len(table_data(frame, "k")["packed"]) < 15_000


def test_ledger_numbers_stay_numbers_and_empty_stays_empty(layers):
    frame = tables.project_table(ledger_frame(layers.projects), names(layers))
    body = check_round_trip(frame)
    money = body["head"].index(tables.LEDGER_DISPLAY_COLUMNS["investment_total"])
    assert body["num"][money]
    values = body["cols"][money]
    assert any(v is None for v in values) and any(v is not None for v in values)
    assert all(v is None or math.isfinite(v) for v in values)


def test_text_that_looks_like_markup_or_a_formula_is_kept_as_text(layers):
    frame = pd.DataFrame(
        {"编号": ["A1", "A2"], "项目名称": ["<img src=x onerror=alert(1)>", "=1+1"]}
    )
    body = check_round_trip(frame)
    assert body["vals"][1] == ["<img src=x onerror=alert(1)>", "=1+1"]
