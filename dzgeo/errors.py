"""One error family for dzgeo.

Every member also subclasses the matching built-in, so callers may catch either.
Messages name the file or argument, what was expected, what was found, and the fix.
The app shows them with ``st.error``; the CLI prints them and exits 2.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

#: Problems of one kind listed in full before "… 另有 N 个同类问题".
PROBLEMS_PER_KIND = 20
#: Longest text a message repeats from a user's file (a cell, a header, a file name).
SHOWN_CHARS = 200
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def shorten(text: object, limit: int = SHOWN_CHARS) -> str:
    """``text`` on one line and at most ``limit`` characters, saying how long it was.

    Messages quote what a user wrote; a 20 MB header or a cell with line breaks must not
    be echoed back whole or break the one-line message.
    """
    value = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", str(text))
    if len(value) <= limit:
        return value
    return f"{value[:limit]}…（共 {len(value):,} 字）"


class DzgeoError(Exception):
    """Base class of every error dzgeo raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One problem found in an input: where it is, what is wrong, how to fix it."""

    source: str
    where: str
    message: str
    fix: str = ""

    def __str__(self) -> str:
        text = f"{shorten(self.source)} {self.where}: {shorten(self.message, 2 * SHOWN_CHARS)}"
        return f"{text} — {shorten(self.fix, 2 * SHOWN_CHARS)}" if self.fix else text

    @property
    def kind(self) -> str:
        """What kind of problem this is: the column and the message without quoted values."""
        column = re.search(r"(\S+) 列", self.where)
        bare = re.sub(r"[“'\"‘].*?[”'\"’]", "…", self.message)
        return f"{column.group(1) if column else ''}|{bare}"


class DataValidationError(DzgeoError, ValueError):
    """An input file breaks the data rules; ``problems`` lists the violations found.

    The message lists at most :data:`PROBLEMS_PER_KIND` problems of each kind, then how
    many more there are (100,000 bad rows must not print 45 MB). ``totals`` (kind ->
    count) gives the true counts when ``problems`` was already capped (:class:`ProblemLog`).
    """

    def __init__(self, problems: list[Problem], *, totals: Counter[str] | None = None):
        self.problems = list(problems)
        self.totals = totals if totals is not None else Counter(p.kind for p in self.problems)
        self.total = sum(self.totals.values())
        lines = [f"发现 {self.total:,} 个数据问题 (found {self.total:,} problem(s)):"]
        lines += [f"  - {line}" for line in capped_lines(self.problems, self.totals)]
        super().__init__("\n".join(lines))


def capped_lines(
    problems: list[Problem],
    totals: Counter[str] | None = None,
    per_kind: int = PROBLEMS_PER_KIND,
) -> list[str]:
    """One line per problem, at most ``per_kind`` of each kind, then how many more."""
    totals = totals if totals is not None else Counter(p.kind for p in problems)
    shown: Counter[str] = Counter()
    lines = []
    for problem in problems:
        shown[problem.kind] += 1
        if shown[problem.kind] <= per_kind:
            lines.append(str(problem))
    for kind, total in totals.items():
        if total > min(shown[kind], per_kind):
            column, message = kind.split("|", 1)
            label = f"{column} 列 " if column else ""
            more = total - min(shown[kind], per_kind)
            lines.append(f"… 另有 {more:,} 个同类问题 ({label}{shorten(message, 60)})")
    return lines


class ProblemLog:
    """Problems of a streamed file in bounded memory: the first few of each kind, counted all."""

    def __init__(self, per_kind: int = PROBLEMS_PER_KIND):
        self.per_kind = per_kind
        self.kept: list[Problem] = []
        self.totals: Counter[str] = Counter()

    def extend(self, problems: list[Problem]) -> None:
        for problem in problems:
            kind = problem.kind
            self.totals[kind] += 1
            if self.totals[kind] <= self.per_kind:
                self.kept.append(problem)

    def __bool__(self) -> bool:
        return bool(self.totals)

    def raise_if_any(self, order: Callable[[list[Problem]], list[Problem]] = list) -> None:
        """Raise one :class:`DataValidationError` with what was kept and the true counts."""
        if self.totals:
            raise DataValidationError(order(self.kept), totals=self.totals)


class DataFileNotFoundError(DzgeoError, FileNotFoundError):
    """A data file that dzgeo needs is missing."""


class FilterError(DzgeoError, ValueError):
    """A filter names an unknown industry, sub-field, place or group."""


class ExportError(DzgeoError, ValueError):
    """An export request cannot be honoured (format, paper, output path)."""


class FontNotFoundError(DzgeoError, RuntimeError):
    """No CJK font is installed, so Chinese text cannot be drawn."""


def raise_if_problems(problems: list[Problem]) -> None:
    """Raise one :class:`DataValidationError` listing all ``problems``, if there are any."""
    if problems:
        raise DataValidationError(problems)
