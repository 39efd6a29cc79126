"""The data's vocabulary of fixed values: file names, columns, enums and city constants.

Every reader, check and writer takes these from here, so a value is defined once.
The field contract for people is ``geodata/SCHEMA.md``.
"""

from __future__ import annotations

from pathlib import Path

from dzgeo.vocabulary import GROUPS

PathLike = str | Path


#: File name of each catalogue table inside ``geodata/``.
FILES = {
    "industries": "industries.csv",
    "targets": "industry_targets.csv",
    "subfields": "subfields.csv",
    "priorities": "priorities.csv",
    "indicators": "indicators.csv",
    "corridors": "corridors.csv",
}


PLACES_FILE = "places.csv"


#: The columns of each table, in file order (geodata/SCHEMA.md).
COLUMNS: dict[str, tuple[str, ...]] = {
    "industries": ("code", "name", "full_name", "slug", "group", "column", "plan_section"),
    "targets": ("industry", "metric", "value", "unit", "qualifier", "year", "plan_section"),
    "subfields": (
        "industry",
        "subfield",
        "kind",
        "same_as",
        "column",
        "core_areas",
        "anchors",
        "plan_section",
    ),
    "priorities": ("place", "rank", "term", "industry", "mapping_note"),
    "indicators": (
        "no",
        "category",
        "indicator",
        "level",
        "unit",
        "baseline_2017",
        "target_2022",
        "baseline_value",
        "target_value",
    ),
    "corridors": ("id", "name", "routes", "places", "industries", "plan_section"),
}


#: Industry code prefix -> group (E1–E6 新兴, T1–T6 传统); the groups are vocabulary.GROUPS.
CODE_PREFIX_GROUP = dict(zip(("E", "T"), GROUPS, strict=True))


SUBFIELD_KINDS = ("专栏", "项目")


QUALIFIERS = ("突破", "达到", "达到…左右")


INDICATOR_CATEGORIES = ("质量效益类", "创新发展类", "对外开放类", "环保及民生类", "品牌提升类")


INDICATOR_LEVELS = ("国家级", "省级", "市级")


CORRIDOR_IDS = ("axis", "belt")


_INT_COLUMNS = {
    "industries": ("column",),
    "targets": ("year",),
    "subfields": ("column",),
    "priorities": ("rank",),
    "indicators": ("no",),
    "corridors": (),
}


_FLOAT_COLUMNS = {
    "targets": ("value",),
    "indicators": ("baseline_value", "target_value"),
}


CITY_ADCODE = "371400"


COUNTY_KINDS = ("区", "县", "县级市")


PLACE_KINDS = ("city", "county", "zone", "area")


ZONE_KINDS = ("lead_zone", "dev_zone", "platform", "park", "logistics_park", "district")


ROUTE_KINDS = ("expressway", "high_speed_rail")


#: Only hand-placed features carry a precision; none of them is surveyed.
PRECISIONS = ("approximate",)


#: How far outside the city outline a zone or route may reach, metres.
INSIDE_MARGIN_M = 2000.0


COUNTY_FIELDS = ("adcode", "name", "kind")


CITY_FIELDS = ("adcode", "name")


PLACE_FIELDS = (
    "name",
    "short",
    "kind",
    "adcode",
    "aliases",
    "members",
    "lon",
    "lat",
    "precision",
    "basis",
)


ZONE_FIELDS = (
    "id",
    "name",
    "kind",
    "place",
    "role",
    "industries",
    "precision",
    "basis",
    "plan_section",
)


ROUTE_FIELDS = ("id", "name", "kind", "corridor", "waypoints", "precision", "basis")
