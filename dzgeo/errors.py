"""One error family for dzgeo.

Every member also subclasses the matching built-in, so callers may catch either.
Messages name the file or argument, what was expected, what was found, and the fix.
The app shows them with ``st.error``; the CLI prints them and exits 2.
"""

from __future__ import annotations

from dataclasses import dataclass


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
        text = f"{self.source} {self.where}: {self.message}"
        return f"{text} — {self.fix}" if self.fix else text


class DataValidationError(DzgeoError, ValueError):
    """An input file breaks the data rules; ``problems`` lists every violation found."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        lines = [f"发现 {len(self.problems)} 个数据问题 (found {len(self.problems)} problem(s)):"]
        lines += [f"  - {p}" for p in self.problems]
        super().__init__("\n".join(lines))


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
