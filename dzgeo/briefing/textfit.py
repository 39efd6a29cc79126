"""Fast text measuring and wrapping for the project lists.

A list of 300 projects has over a thousand cells; measuring every prefix of every cell
with a matplotlib :class:`~matplotlib.text.Text` would take seconds. CJK text has no
kerning to speak of, so a cell's width is the sum of its characters' advances, measured
once per character, font and size and cached for the process (a set of 13 sheets
measures each character once, not once per sheet).
"""

from __future__ import annotations

import threading

from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.font_manager import FontProperties

__all__ = ["CharWidths", "wrap_text"]

#: Characters a line may break after (and before: the opening brackets).
BREAK_AFTER = "，、；：。）」” ·|/-"
BREAK_BEFORE = "（「“"
#: Characters a line must not start with (they hang at the end of the line before).
NO_START = "，、；：。）」”"
#: Safety margin on summed advances (hinting, the odd kerned Latin pair).
SLACK = 1.05


#: Per font (family, weight, style, size): character -> advance in points.
_CACHES: dict[tuple[object, ...], dict[str, float]] = {}
_LOCK = threading.Lock()  # the app may lay out sheets from several sessions at once


def _cache_for(props: FontProperties) -> dict[str, float]:
    key = (
        props.get_file(),
        tuple(props.get_family()),
        props.get_weight(),
        props.get_style(),
        props.get_stretch(),
        round(props.get_size_in_points(), 4),
    )
    with _LOCK:
        return _CACHES.setdefault(key, {})


class CharWidths:
    """Advance widths in points of single characters in one font at one size."""

    def __init__(self, props: FontProperties) -> None:
        self.props = props
        self._renderer: RendererAgg | None = None
        self._cache = _cache_for(props)

    def char(self, ch: str) -> float:
        width = self._cache.get(ch)
        if width is None:
            # Between two bracketing letters, so a space or an edge bearing counts too.
            width = self._measure(f"国{ch}国") - self._pair()
            self._cache[ch] = width  # a race measures twice and stores the same value
        return width

    def _pair(self) -> float:
        pair = self._cache.get("\0pair")
        if pair is None:
            pair = self._cache["\0pair"] = self._measure("国国")
        return pair

    def _measure(self, text: str) -> float:
        if self._renderer is None:
            self._renderer = RendererAgg(10, 10, 72)  # 72 dpi: pixels are points
        width, _, _ = self._renderer.get_text_width_height_descent(text, self.props, ismath=False)
        return width

    def width(self, text: str) -> float:
        """Width of ``text`` in points (a hair generous, see :data:`SLACK`)."""
        return sum(self.char(ch) for ch in text) * SLACK


def wrap_text(text: str, width_pt: float, widths: CharWidths) -> list[str]:
    """Break ``text`` into lines no wider than ``width_pt``; nothing is ever left out.

    Prefers a break at punctuation in the second half of the line, else breaks anywhere
    (Chinese text has no spaces to wait for). A line holds at least one character.
    """
    lines: list[str] = []
    for paragraph in str(text).split("\n"):
        rest = paragraph
        while rest:
            if widths.width(rest) <= width_pt:
                lines.append(rest)
                break
            used, fit = 0.0, 0
            while fit < len(rest):
                used += widths.char(rest[fit]) * SLACK
                if used > width_pt:
                    break
                fit += 1
            fit = max(1, fit)
            cut = fit
            for i in range(fit, fit // 2, -1):
                if rest[i - 1] in BREAK_AFTER or (i < len(rest) and rest[i] in BREAK_BEFORE):
                    cut = i
                    break
            while cut < len(rest) and rest[cut] in NO_START:
                cut += 1
            lines.append(rest[:cut].rstrip())
            rest = rest[cut:].lstrip()
    return lines or [""]
