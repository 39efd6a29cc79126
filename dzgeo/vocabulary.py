"""The closed vocabularies every input is checked against: industries, sub-fields, places.

Built from the catalog and place tables, so a name means the same thing in the data
checks, the filter model, the app and the CLI.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd

from dzgeo.frames import rows

GROUPS = ("新兴", "传统")


def split_multi(cell: object) -> list[str]:
    """Split a ``|``-separated cell into its stripped, non-empty parts."""
    if cell is None or (isinstance(cell, float) and pd.isna(cell)):
        return []
    return [part.strip() for part in str(cell).split("|") if part.strip()]


@dataclass(frozen=True)
class Vocabulary:
    """Canonical names and their aliases.

    Attributes
    ----------
    industries
        Industry short name -> group (新兴 / 传统), in the plan's order.
    subfields
        Industry short name -> every spelling of its sub-fields (专栏 headings and 项目
        labels), in order: what a data row may say.
    places
        Canonical place name -> kind (city / county / zone / area), in table order.
    aliases
        Every accepted spelling (canonical names, short names, aliases) -> canonical name.
    place_adcodes
        Canonical place name -> adcodes of the counties it covers (empty for the city).
    subfield_same_as
        Second spelling of a sub-field -> the sub-field (``same_as`` of subfields.csv).
    """

    industries: dict[str, str]
    subfields: dict[str, list[str]]
    places: dict[str, str]
    aliases: dict[str, str] = field(repr=False)
    place_adcodes: dict[str, list[str]] = field(repr=False)
    subfield_same_as: dict[str, str] = field(default_factory=dict, repr=False)

    def subfield_entries(self, industry: str) -> list[str]:
        """The sub-fields of ``industry``, one entry each (second spellings left out)."""
        return [s for s in self.subfields.get(industry, []) if s not in self.subfield_same_as]

    def resolve_subfield(self, name: str) -> str:
        """The sub-field ``name`` spells (itself when it is no second spelling)."""
        name = name.strip()
        return self.subfield_same_as.get(name, name)

    def subfield_spellings(self, names: Iterable[str]) -> list[str]:
        """Every spelling of the sub-fields ``names``: what a project row may say."""
        wanted = {self.resolve_subfield(n) for n in names}
        spellings = [*wanted, *(a for a, s in self.subfield_same_as.items() if s in wanted)]
        return sorted(set(spellings))

    def resolve_place(self, name: str) -> str | None:
        """Return the canonical name for ``name`` (a name, short name or alias), or None."""
        return self.aliases.get(name.strip())

    def county_names(self) -> list[str]:
        """The county-level units, in table order."""
        return [name for name, kind in self.places.items() if kind == "county"]

    def filter_places(self) -> list[str]:
        """Places a user may filter on: counties, zones and areas (not the whole city)."""
        return [name for name, kind in self.places.items() if kind != "city"]


def build_vocabulary(
    industries: pd.DataFrame, subfields: pd.DataFrame, places: pd.DataFrame
) -> Vocabulary:
    """Build the vocabulary from the industries, sub-fields and places tables."""
    industry_group = dict(zip(industries["name"], industries["group"], strict=True))
    sub: dict[str, list[str]] = {name: [] for name in industry_group}
    same_as: dict[str, str] = {}
    for row in rows(subfields):
        if row.industry in sub and row.subfield not in sub[row.industry]:
            sub[row.industry].append(row.subfield)
        target = getattr(row, "same_as", "")
        if isinstance(target, str) and target.strip():
            same_as[row.subfield] = target.strip()
    kinds = dict(zip(places["name"], places["kind"], strict=True))
    aliases: dict[str, str] = {}
    for row in rows(places):
        for spelling in [row.name, row.short, *split_multi(row.aliases)]:
            if isinstance(spelling, str) and spelling.strip():
                aliases.setdefault(spelling.strip(), row.name)
    own_adcode = {
        row.name: str(row.adcode)
        for row in rows(places)
        if row.kind in ("county", "zone") and pd.notna(row.adcode) and str(row.adcode)
    }
    adcodes: dict[str, list[str]] = {}
    for row in rows(places):
        if row.kind == "area":
            members = split_multi(row.members)
            codes = sorted({own_adcode[m] for m in members if m in own_adcode})
        else:
            codes = [own_adcode[row.name]] if row.name in own_adcode else []
        adcodes[row.name] = codes
    return Vocabulary(industry_group, sub, kinds, aliases, adcodes, same_as)
