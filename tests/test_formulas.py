"""Downloads never carry a live spreadsheet formula (OWASP CSV injection).

Project names, enterprises, notes and the filter text are set to hostile values; the
real CSV and Excel downloads are read back: CSV cells start with ``'``, Excel cells are
text cells (never formulas) with the quote prefix, plain numbers stay numbers.
"""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from dzgeo import downloads
from dzgeo.data.published import read_layers
from dzgeo.filters import ProjectFilter
from dzgeo.formulas import is_formula_like, neutralise

HOSTILE = [
    '=HYPERLINK("http://x","click")',
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "@SUM(1)",
    "\t=1+1",
    "\r=1+1",
]


@pytest.fixture(scope="module")
def projects():
    layers = read_layers()
    frame = layers.projects.head(len(HOSTILE)).copy()
    frame["name"] = HOSTILE
    frame["enterprise"] = list(reversed(HOSTILE))
    return frame, layers.vocab


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_values_are_formula_like(value: str) -> None:
    assert is_formula_like(value)
    assert neutralise(value) == "'" + value


@pytest.mark.parametrize("value", ["-3.5", "+7", "12", "项目 = 1", "", "1e5"])
def test_plain_values_are_left_alone(value: str) -> None:
    assert not is_formula_like(value) and neutralise(value) == value


def test_csv_download_is_neutralised(projects) -> None:
    frame, vocab = projects
    text = downloads.projects_csv(frame, vocab).decode("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]
    assert not [c for c in cells if is_formula_like(c)]
    for value in HOSTILE:
        assert "'" + value in cells


def test_excel_download_has_no_formula_cell(projects) -> None:
    frame, vocab = projects
    info = downloads.DownloadInfo(filter=ProjectFilter(text="=HYPERLINK(1)"))
    book = openpyxl.load_workbook(io.BytesIO(downloads.projects_xlsx(frame, vocab, info=info)))
    seen = set()
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str) and is_formula_like(cell.value):
                    assert cell.quotePrefix, cell.coordinate
                    seen.add(cell.value)
    assert set(HOSTILE) <= seen
    assert any("=HYPERLINK(1)" in str(c.value) for c in book["说明"]["B"])
