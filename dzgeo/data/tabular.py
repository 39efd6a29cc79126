"""The one reader of a user's table file (CSV or XLSX): what ``validate`` and the ledger read.

A planner's table comes from Excel, WPS, a database export or a colleague's script, so
this module finds out what the file is before reading it:

* CSV: the encoding (UTF-8 with or without BOM, GBK / GB18030, UTF-16 LE/BE with a BOM as
  Excel's "Unicode text" writes it) and the separator (comma, tab, semicolon);
* XLSX: every sheet is looked at and the one whose header best matches the expected
  columns is read; formula cells are read as the values Excel cached (and a note says
  so); an old ``.xls`` renamed ``.xlsx``, a truncated file or a CSV with the wrong suffix
  gets a message naming the fix, never a traceback;
* the header: duplicate column names are refused (pandas would silently rename them to
  ``id.1``), unknown ones are flagged with the closest known name.

Rows are streamed in chunks (:meth:`Table.chunks`), so a 500 MB CSV is checked in bounded
memory. Every cell is text, as written (ids such as ``007`` keep their zeros, blank cells
are ``""``); a chunk's index is the row number a spreadsheet shows (the header is row 1).

Front door::

    table = open_table(path, known=COLUMNS)      # DataValidationError if unreadable
    table.columns, table.notes                   # header, what was detected / assumed
    for chunk in table.chunks():                 # DataFrames of str, index = file row
        ...
    frame = read_table(path, known=COLUMNS)      # the whole table at once (small files)

:func:`header_problems` reports missing, unknown (with a suggestion) and blank columns.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import logging
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import pandas as pd

from dzgeo.data._validate import HEADER, WHOLE_FILE, choices, suggest
from dzgeo.errors import DataFileNotFoundError, DataValidationError, Problem, shorten

log = logging.getLogger(__name__)

__all__ = [
    "CSV_SUFFIXES",
    "TABLE_SUFFIXES",
    "XLSX_SUFFIXES",
    "Table",
    "header_problems",
    "open_table",
    "read_table",
]

CSV_SUFFIXES = (".csv", ".txt", ".tsv")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
TABLE_SUFFIXES = CSV_SUFFIXES + XLSX_SUFFIXES
#: Rows per chunk of :meth:`Table.chunks`.
CHUNK_ROWS = 10_000
#: Bytes looked at to guess the separator and to recognise a binary file.
SAMPLE_BYTES = 1 << 16
#: How many column names a message lists before "等 N 列".
LISTED_COLUMNS = 20

_SEPARATORS = {",": "逗号 (comma)", "\t": "制表符 (tab)", ";": "分号 (semicolon)"}
_ENCODING_NAMES = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8 (BOM)",
    "gbk": "GBK",
    "gb18030": "GB18030",
    "utf-16": "UTF-16",
    "utf-16-le": "UTF-16 LE",
    "utf-16-be": "UTF-16 BE",
}
_MAGIC = {
    b"PK\x03\x04": "zip",
    b"\xd0\xcf\x11\xe0": "ole",
    b"%PDF": "pdf",
    b"\x89PNG": "png",
    b"\x1f\x8b": "gzip",
}
_SAVE_AS = "请在 Excel / WPS 中“另存为” CSV UTF-8（逗号分隔）或 Excel 工作簿 (.xlsx)"


@dataclass
class Table:
    """An opened table file: its header, what was detected, and its rows on demand.

    ``source`` names the file in messages; ``notes`` say what was detected or assumed
    (encoding, separator, sheet, formula cells read as cached values) in Chinese first.
    """

    path: Path
    source: str
    kind: str  # "csv" | "xlsx"
    columns: tuple[str, ...]
    encoding: str | None = None
    separator: str | None = None
    sheet: str | None = None
    formula_cells: int = 0
    formulas_without_value: int = 0
    notes: list[str] = field(default_factory=list)

    def chunks(self, rows: int = CHUNK_ROWS) -> Iterator[pd.DataFrame]:
        """The data rows in DataFrames of ``rows`` rows: all text, index = file row.

        Rows with every cell blank are skipped (their numbers are kept by the others).
        Raises :class:`DataValidationError` naming the row when a row cannot be parsed.
        """
        reader = self._csv_chunks(rows) if self.kind == "csv" else self._xlsx_chunks(rows)
        for chunk in reader:
            chunk = chunk.fillna("")  # object columns of str: fast to iterate
            blank = (chunk == "").all(axis=1)
            if blank.any():
                chunk = chunk[~blank]
            if len(chunk):
                yield chunk

    def frame(self) -> pd.DataFrame:
        """Every data row at once (for small files; large ones: :meth:`chunks`)."""
        parts = list(self.chunks())
        if not parts:
            return pd.DataFrame({c: pd.Series(dtype=object) for c in self.columns})
        return pd.concat(parts) if len(parts) > 1 else parts[0]

    # ------------------------------------------------------------------ CSV

    def _csv_chunks(self, rows: int) -> Iterator[pd.DataFrame]:
        assert self.encoding is not None and self.separator is not None
        # pandas is given the bytes and the encoding: a text stream of ours made its C
        # parser's peak memory grow with the file (1.1 GB for 500 MB), bytes keep it flat.
        with self.path.open("rb") as raw:
            reader = pd.read_csv(
                raw,
                encoding=self.encoding,
                sep=self.separator,
                header=0,
                names=list(self.columns),
                dtype=object,
                keep_default_na=False,
                skip_blank_lines=False,
                index_col=False,
                chunksize=rows,
                engine="c",
            )
            start = 2
            try:
                for chunk in reader:
                    chunk.index = pd.RangeIndex(start, start + len(chunk))
                    start += len(chunk)
                    yield chunk
            except pd.errors.ParserError as exc:
                raise _parse_error(self.source, exc, start) from exc
            except UnicodeDecodeError as exc:  # the scan passed, so this is a damaged tail
                raise _undecodable(self.source, exc, start) from exc

    # ------------------------------------------------------------------ XLSX

    def _xlsx_chunks(self, rows: int) -> Iterator[pd.DataFrame]:
        book = _open_book(self.path, self.source)
        try:
            sheet = book[self.sheet]
            width = len(self.columns)
            batch: list[list[str]] = []
            index: list[int] = []
            header_seen = False
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                cells = [_cell_text(v) for v in values]
                if not header_seen:
                    header_seen = any(cells)
                    continue
                cells = (cells + [""] * width)[:width] if len(cells) != width else cells
                batch.append(cells)
                index.append(number)
                if len(batch) >= rows:
                    yield pd.DataFrame(batch, columns=list(self.columns), index=index, dtype=object)
                    batch, index = [], []
            if batch:
                yield pd.DataFrame(batch, columns=list(self.columns), index=index, dtype=object)
        finally:
            book.close()


# ---------------------------------------------------------------------- front door


def open_table(
    path: str | Path,
    *,
    known: Sequence[str] = (),
    required: Sequence[str] = (),
    what: str = "表格文件",
    sheet: str | None = None,
) -> Table:
    """Open a CSV or XLSX table: detect its format and read its header.

    ``known`` (and ``required``) columns pick the XLSX sheet to read when ``sheet`` is not
    given: the first sheet whose header has the most of them. Raises
    :class:`DataFileNotFoundError` for a missing path and :class:`DataValidationError`
    (one problem, naming the file and the fix) for a file that cannot be read as a table
    or whose header repeats a column.
    """
    path = Path(path)
    source = str(path)
    if not path.is_file():
        kind = "文件夹" if path.is_dir() else "文件"
        raise DataFileNotFoundError(
            f"找不到{what}：{source} 不是{kind if path.exists() else '已有的文件'} "
            f"(not found) — 请检查路径，支持 CSV、XLSX"
        )
    suffix = path.suffix.lower()
    head = _head(path, source)
    magic = next((name for sig, name in _MAGIC.items() if head.startswith(sig)), None)
    if suffix in XLSX_SUFFIXES or magic in ("zip", "ole"):
        table = _open_xlsx(path, source, head, magic, known, required, sheet)
    elif suffix in CSV_SUFFIXES or suffix == "":
        table = _open_csv(path, source, head, magic)
    else:
        raise _file_error(
            source,
            f"不支持的表格格式“{shorten(suffix, 20)}” (unsupported format)",
            "请另存为 CSV (UTF-8) 或 XLSX",
        )
    if duplicates := _duplicates(table.columns):
        raise _file_error(
            source,
            f"表头有重复的列 (duplicate column) {choices(duplicates)}",
            "每个列名只能出现一次：删除或改名重复的列",
            where=HEADER,
        )
    return table


def read_table(path: str | Path, **options: Any) -> pd.DataFrame:
    """The whole table as a DataFrame of text (index = file row); see :func:`open_table`."""
    return open_table(path, **options).frame()


def header_problems(
    columns: Sequence[str],
    known: Sequence[str],
    source: str,
    *,
    required: Sequence[str] = (),
) -> list[Problem]:
    """Missing ``required`` columns, and columns that are not ``known`` (with a suggestion).

    An unknown column is a problem because its data would be dropped: a misspelt
    ``enterprize`` must not silently lose every enterprise.
    """
    problems = []
    present = [c for c in columns if c]
    if missing := [c for c in required if c not in present]:
        problems.append(
            Problem(
                source,
                HEADER,
                f"缺少必需的列 (missing column) {choices(missing)}；"
                f"现有列：{_listed(present) or '无'}",
                f"表头应包含：{','.join(required)}；可用列：{','.join(known)}",
            )
        )
    for position, column in enumerate(columns, start=1):
        if not column:
            problems.append(
                Problem(
                    source,
                    f"第 1 行 第 {position} 列 (row 1, column {position})",
                    "这一列没有列名 (blank column name)",
                    "填写列名，或删除这一列",
                )
            )
        elif column not in known:
            hint = suggest(column, known)
            problems.append(
                Problem(
                    source,
                    HEADER,
                    f"未知的列 (unknown column) “{shorten(column, 60)}”{hint}，其数据不会被读取",
                    f"改正列名{'为建议的名称' if hint else ''}，或删除该列；"
                    f"可用列：{','.join(known)}",
                )
            )
    return problems


# ---------------------------------------------------------------------- helpers


def _file_error(source: str, message: str, fix: str, *, where: str = WHOLE_FILE) -> Exception:
    return DataValidationError([Problem(source, where, message, fix)])


def _head(path: Path, source: str) -> bytes:
    try:
        with path.open("rb") as handle:
            return handle.read(SAMPLE_BYTES)
    except OSError as exc:
        raise _file_error(
            source,
            f"无法打开文件 (cannot open): {exc.strerror}",
            "请检查文件权限，或先关闭占用它的程序",
        ) from exc


def _listed(columns: Sequence[str]) -> str:
    shown = [shorten(c, 40) for c in columns[:LISTED_COLUMNS]]
    more = len(columns) - len(shown)
    return choices(shown) + (f" 等 {len(columns):,} 列" if more > 0 else "")


def _duplicates(columns: Sequence[str]) -> list[str]:
    seen: set[str] = set()
    repeated: list[str] = []
    for column in columns:
        if column and column in seen and column not in repeated:
            repeated.append(shorten(column, 40))
        seen.add(column)
    return repeated


def _cell_text(value: object) -> str:
    """An XLSX cell as text: whole floats without ``.0``, dates as ISO, blanks as ""."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        text = value.isoformat()
        return text[:-9] if text.endswith("T00:00:00") else text
    return str(value).strip()


# ---------------------------------------------------------------------- CSV detection


@contextlib.contextmanager
def _text_stream(path: Path, encoding: str) -> Iterator[IO[str]]:
    with path.open("rb") as raw:
        text = io.TextIOWrapper(raw, encoding=encoding, newline="")
        try:
            yield text
        finally:
            text.detach()


def _open_csv(path: Path, source: str, head: bytes, magic: str | None) -> Table:
    if magic in ("pdf", "png", "gzip"):
        raise _file_error(source, f"这不是表格文件（是 {magic.upper()} 文件）", _SAVE_AS)
    encoding = _detect_encoding(path, source, head)
    separator = _detect_separator(head.decode(encoding, errors="ignore"))
    columns = _csv_header(path, source, encoding, separator)
    notes = []
    if encoding not in ("utf-8", "utf-8-sig"):
        notes.append(f"按 {_ENCODING_NAMES[encoding]} 编码读取 (read as {encoding})")
    if separator != ",":
        notes.append(f"分隔符为{_SEPARATORS[separator]}")
    return Table(path, source, "csv", columns, encoding=encoding, separator=separator, notes=notes)


def _detect_encoding(path: Path, source: str, head: bytes) -> str:
    """UTF-8 (BOM), UTF-16 by BOM or by its zero bytes, else the first of UTF-8, GBK,
    GB18030 that decodes the whole file (scanned in blocks, never held in memory)."""
    if head.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ["utf-16"]
    elif len(head) > 3 and head[1::2].count(0) > len(head) // 4:
        candidates = ["utf-16-le"]
    elif len(head) > 3 and head[0::2].count(0) > len(head) // 4:
        candidates = ["utf-16-be"]
    else:
        if b"\x00" in head:
            raise _file_error(source, "文件含二进制内容，不是文本表格 (binary file)", _SAVE_AS)
        candidates = ["utf-8", "gbk", "gb18030"]
    failure: tuple[int, str] | None = None
    for encoding in candidates:
        offset = _first_undecodable(path, encoding)
        if offset is None:
            return encoding
        failure = failure or (offset, encoding)
    assert failure is not None
    row = _row_at(path, failure[0])
    raise _file_error(
        source,
        f"无法识别文件编码：第 {row} 行（第 {failure[0]} 字节）不是 UTF-8、GBK 或 GB18030 文本 "
        f"(unknown encoding at row {row}, byte {failure[0]})",
        f"文件可能已损坏或不是表格；{_SAVE_AS}",
        where=f"第 {row} 行 (row {row})",
    )


def _first_undecodable(path: Path, encoding: str, block: int = 1 << 20) -> int | None:
    """The byte offset of the first bytes ``encoding`` cannot decode, or None."""
    decoder = codecs.getincrementaldecoder(encoding)()
    offset = 0
    with path.open("rb") as handle:
        while data := handle.read(block):
            try:
                decoder.decode(data)
            except UnicodeDecodeError as exc:
                return offset + max(exc.start, 0)
            offset += len(data)
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return offset
    return None


def _row_at(path: Path, offset: int) -> int:
    with path.open("rb") as handle:
        return 1 + sum(
            block.count(b"\n")
            for block in iter(lambda: handle.read(min(1 << 20, offset - handle.tell())), b"")
        )


def _detect_separator(sample: str) -> str:
    """The separator that splits the first lines into the most, equally long, fields."""
    lines = sample.splitlines()[:20]
    if len(sample) >= SAMPLE_BYTES - 4 and len(lines) > 1:
        lines = lines[:-1]  # the last line of a cut sample is incomplete
    best, best_score = ",", (0, 0)
    for separator in _SEPARATORS:
        try:
            widths = [len(r) for r in csv.reader(lines, delimiter=separator)]
        except csv.Error:
            continue
        if not widths or widths[0] < 2:
            continue
        score = (sum(w == widths[0] for w in widths), widths[0])
        if score > best_score:
            best, best_score = separator, score
    return best


def _csv_header(path: Path, source: str, encoding: str, separator: str) -> tuple[str, ...]:
    with _text_stream(path, encoding) as stream:
        try:
            header = next(csv.reader(stream, delimiter=separator), [])
        except csv.Error as exc:
            raise _file_error(
                source,
                f"表头无法解析 (unreadable header): {shorten(str(exc), 80)}",
                "首行应为列名，单元格不超过 10 万字；" + _SAVE_AS,
                where=HEADER,
            ) from exc
    columns = tuple(c.strip().lstrip("\ufeff").strip() for c in header)
    if not any(columns):
        raise _file_error(
            source, "第 1 行是空的，没有列名 (no header)", "首行应为列名，如 id,name,industry,place"
        )
    return columns


def _parse_error(source: str, exc: Exception, start: int) -> Exception:
    text = str(exc)
    match = re.search(r"line (\d+), saw (\d+)", text)
    if match:
        line, saw = match.groups()
        return _file_error(
            source,
            f"第 {line} 行有 {saw} 个字段，比表头多 (more fields than the header)",
            "检查该行是否有多余的分隔符；含逗号的单元格须用英文双引号括起",
            where=f"第 {line} 行 (row {line})",
        )
    return _file_error(
        source,
        f"从第 {start} 行起无法解析 (parse error): {shorten(text, 120)}",
        "检查引号是否成对；" + _SAVE_AS,
        where=f"第 {start} 行 (row {start})",
    )


def _undecodable(source: str, exc: UnicodeDecodeError, start: int) -> Exception:
    return _file_error(
        source,
        f"第 {start} 行之后的内容无法按所识别的编码解码 ({exc.reason})",
        _SAVE_AS,
        where=f"第 {start} 行 (row {start})",
    )


# ---------------------------------------------------------------------- XLSX detection


def _open_book(path: Path, source: str) -> Any:
    import openpyxl

    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, EOFError, KeyError, OSError, ValueError, TypeError) as exc:
        raise _file_error(
            source,
            f"XLSX 文件已损坏或不完整 (damaged or truncated workbook: {type(exc).__name__})",
            "请重新下载或从 Excel 重新保存；" + _SAVE_AS,
        ) from exc


def _open_xlsx(
    path: Path,
    source: str,
    head: bytes,
    magic: str | None,
    known: Sequence[str],
    required: Sequence[str],
    sheet: str | None,
) -> Table:
    if magic == "ole":
        raise _file_error(
            source,
            "这是旧版 Excel 97-2003 (.xls) 文件，只是扩展名为 .xlsx (old .xls workbook)",
            "请在 Excel / WPS 中打开，“另存为” Excel 工作簿 (.xlsx) 或 CSV UTF-8",
        )
    if magic != "zip":
        what = "文本（CSV?）" if b"\x00" not in head else "未知格式"
        raise _file_error(
            source,
            f"这不是 XLSX 工作簿，内容像是{what} (not an XLSX workbook)",
            "若是 CSV，请把扩展名改为 .csv；否则" + _SAVE_AS,
        )
    if not zipfile.is_zipfile(path) or not _zip_complete(path):
        raise _file_error(
            source,
            "XLSX 文件已损坏或不完整 (damaged or truncated workbook)",
            "请重新下载或从 Excel 重新保存；" + _SAVE_AS,
        )
    book = _open_book(path, source)
    try:
        headers = {name: _sheet_header(book[name]) for name in book.sheetnames}
    except (zipfile.BadZipFile, EOFError, KeyError, ValueError, TypeError) as exc:
        raise _file_error(
            source,
            f"XLSX 文件已损坏，无法读取工作表 (damaged worksheet: {type(exc).__name__})",
            "请从 Excel 重新保存；" + _SAVE_AS,
        ) from exc
    finally:
        book.close()
    if sheet is None:
        sheet = _best_sheet(headers, known or required)
    elif sheet not in headers:
        raise _file_error(
            source, f"没有名为“{shorten(sheet, 40)}”的工作表", f"现有工作表：{choices(headers)}"
        )
    if sheet is None:
        raise _file_error(source, "所有工作表都是空的 (every sheet is empty)", "请在首行填写列名")
    notes = []
    if len(headers) > 1:
        notes.append(f"读取工作表“{sheet}”（共 {len(headers)} 个工作表）")
    formulas, missing = _count_formulas(path, list(headers).index(sheet) + 1, book_sheet=sheet)
    if formulas:
        notes.append(
            f"{formulas} 个公式单元格按 Excel 保存的计算结果读取 "
            "(formula cells read as their cached values)"
        )
    if missing:
        notes.append(
            f"{missing} 个公式单元格没有保存的计算结果，按空白读取 — "
            "请在 Excel 中打开并保存后再导入"
        )
    return Table(
        path,
        source,
        "xlsx",
        headers[sheet],
        sheet=sheet,
        formula_cells=formulas,
        formulas_without_value=missing,
        notes=notes,
    )


def _zip_complete(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            return archive.testzip() is None
    except (zipfile.BadZipFile, OSError, EOFError):
        return False


def _sheet_header(sheet: Any) -> tuple[str, ...]:
    for values in sheet.iter_rows(values_only=True):
        cells = tuple(_cell_text(v) for v in values)
        if any(cells):
            while cells and not cells[-1]:
                cells = cells[:-1]
            return cells
    return ()


def _best_sheet(headers: dict[str, tuple[str, ...]], wanted: Sequence[str]) -> str | None:
    """The first non-empty sheet with the most ``wanted`` columns in its header."""
    best, best_score = None, -1
    for name, header in headers.items():
        if not header:
            continue
        score = len(set(header) & set(wanted))
        if score > best_score:
            best, best_score = name, score
    return best


def _count_formulas(path: Path, position: int, *, book_sheet: str) -> tuple[int, int]:
    """(formula cells, formula cells without a cached value) of a sheet, from its XML."""
    import xml.etree.ElementTree as ET

    member = _sheet_member(path, book_sheet, position)
    if member is None:
        return 0, 0
    ns = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    formulas = missing = 0
    with zipfile.ZipFile(path) as archive:
        with archive.open(member) as raw:
            if not _contains(raw, b"<f"):
                return 0, 0
        with archive.open(member) as raw:
            for _, element in ET.iterparse(raw):
                if element.tag == f"{ns}c":
                    if element.find(f"{ns}f") is not None:
                        formulas += 1
                        value = element.find(f"{ns}v")
                        missing += value is None or not (value.text or "")
                    element.clear()
    return formulas, missing


def _contains(raw: IO[bytes], needle: bytes, block: int = 1 << 20) -> bool:
    tail = b""
    while data := raw.read(block):
        if needle in tail + data:
            return True
        tail = data[-len(needle) :]
    return False


def _sheet_member(path: Path, sheet: str, position: int) -> str | None:
    """The zip member holding ``sheet``'s XML (via the workbook's relationships)."""
    import xml.etree.ElementTree as ET

    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    rel = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
    try:
        with zipfile.ZipFile(path) as archive:
            book = ET.fromstring(archive.read("xl/workbook.xml"))
            rels = ET.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ET.ParseError):
        return f"xl/worksheets/sheet{position}.xml"
    targets = {r.get("Id"): r.get("Target", "") for r in rels}
    for element in book.iter(f"{main}sheet"):
        if element.get("name") == sheet:
            target = targets.get(element.get(f"{rel}id"), "")
            target = target.lstrip("/")
            return target if target.startswith("xl/") else f"xl/{target}"
    return None
