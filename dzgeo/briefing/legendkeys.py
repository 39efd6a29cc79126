"""A legend made from what is drawn.

Every map artist that stands for something is tagged with a symbol key
(``artist.get_gid() == "sym:<key>"``). While drawing, a map registers the spec's
:class:`~dzgeo.symbology.LegendEntry` of each symbol it may use; the legend then shows
exactly the entries whose key some drawn artist carries — no symbol without an entry,
no entry without a symbol. Legend symbols are tagged ``"legend:<key>"``, so tests can
compare the two sets from the figure.
"""

from __future__ import annotations

from collections.abc import Iterable

from matplotlib.artist import Artist
from matplotlib.axes import Axes

from dzgeo.briefing.legend import LegendRow, LegendSection
from dzgeo.briefing.symbols import legend_drawer
from dzgeo.symbology import SECTIONS, LegendEntry

__all__ = ["LEGEND_PREFIX", "NOTES", "SYMBOL_PREFIX", "LegendCatalog", "drawn_keys", "tag"]

NOTES = "说明"

SYMBOL_PREFIX = "sym:"
LEGEND_PREFIX = "legend:"


def tag(artists: Iterable[Artist], key: str) -> list[Artist]:
    """Mark ``artists`` as drawing the symbol ``key``; return them."""
    out = list(artists)
    for artist in out:
        artist.set_gid(SYMBOL_PREFIX + key)
    return out


def _keys(axes: Iterable[Axes], prefix: str) -> set[str]:
    keys = set()
    for ax in axes:
        for artist in ax.findobj():
            gid = artist.get_gid()
            if gid and gid.startswith(prefix):
                keys.add(gid[len(prefix) :])
    return keys


def drawn_keys(axes: Iterable[Axes]) -> set[str]:
    """Symbol keys carried by the artists of ``axes``."""
    return _keys(axes, SYMBOL_PREFIX)


def legend_keys(legend_ax: Axes) -> set[str]:
    """Symbol keys of the legend's symbols."""
    return _keys([legend_ax], LEGEND_PREFIX)


class LegendCatalog:
    """The spec's legend entries a map may show, by symbol key, in the spec's section order."""

    def __init__(self, k: float) -> None:
        self.k = k
        self._entries: dict[str, LegendEntry] = {}
        self._notes: list[LegendEntry] = []

    def add(self, entry: LegendEntry) -> str:
        """Register ``entry`` (the first registration of a key wins); return its key."""
        key = f"{entry.section}|{entry.label}"
        self._entries.setdefault(key, entry)
        return key

    def note(self, section: str, text: str) -> None:
        """A plain-text row at the end of ``section``."""
        note = LegendEntry(section, text)
        if note not in self._notes:
            self._notes.append(note)

    def entries(self, drawn: set[str]) -> list[LegendEntry]:
        """The drawn entries and the notes, sections in the spec's order."""
        rows = [e for key, e in self._entries.items() if key in drawn]
        rows += [
            n for n in self._notes if n.section in {e.section for e in rows} or n.section == NOTES
        ]
        order = {name: i for i, name in enumerate(SECTIONS)}
        return sorted(rows, key=lambda e: (order.get(e.section, len(order)), e.symbol is None))

    def sections(self, drawn: set[str]) -> list[LegendSection]:
        """Legend sections of :meth:`entries`, each symbol tagged with its key."""
        out: dict[str, list[LegendRow]] = {}
        for entry in self.entries(drawn):
            key = f"{entry.section}|{entry.label}" if entry.symbol is not None else ""
            draw = legend_drawer(entry.symbol, self.k) if entry.symbol is not None else None
            out.setdefault(entry.section, []).append(LegendRow(entry.label, draw, key))
        return [LegendSection(title, tuple(rows)) for title, rows in out.items()]
