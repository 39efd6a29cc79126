"""What a user typed, shown as text: never Markdown, HTML, a link or an image.

Streamlit renders ``st.warning``, ``st.error`` and ``st.markdown`` text as Markdown, so a
URL value such as ``**系统升级通知** [新版地图](https://evil.example) ![x](…)`` would
show a bold notice with a working link and load an outside image. :func:`markdown_literal`
backslash-escapes every ASCII punctuation character (CommonMark allows that for each of
them), which also breaks autolinks, Streamlit's ``:color[...]`` / ``:icon:`` directives,
``$…$`` TeX and raw HTML; line breaks become spaces.

:func:`capped_notices` de-duplicates notices and keeps the first few, then one
"… 另有 19,998 条" line: one URL with 20,000 values must not make 20,000 boxes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from dzgeo.errors import shorten

__all__ = ["MAX_NOTICES", "NOTICE_CHARS", "capped_notices", "markdown_lines", "markdown_literal"]

#: Notices shown before "… 另有 N 条".
MAX_NOTICES = 5
#: The longest notice shown (a 2 MB URL value is cut).
NOTICE_CHARS = 300
_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
_BREAKS = re.compile(r"[\r\n\t\f\v\u2028\u2029]+")


def markdown_literal(text: object) -> str:
    """``text`` escaped so that Markdown (and Streamlit's extensions) show it as typed."""
    return _PUNCTUATION.sub(r"\\\1", _BREAKS.sub(" ", str(text)))


def markdown_lines(text: object) -> str:
    """Like :func:`markdown_literal`, keeping the line breaks of a multi-line message."""
    return "  \n".join(markdown_literal(line) for line in str(text).splitlines())


def capped_notices(
    notices: Iterable[str], *, limit: int = MAX_NOTICES, chars: int = NOTICE_CHARS
) -> list[str]:
    """Distinct ``notices`` in order, each shortened, at most ``limit``, then a count."""
    distinct = list(dict.fromkeys(shorten(n, chars) for n in notices))
    if len(distinct) <= limit:
        return distinct
    return [*distinct[:limit], f"… 另有 {len(distinct) - limit:,} 条 ({len(distinct):,} in all)"]
