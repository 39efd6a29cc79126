"""One filter model for the app, the exports and the CLI.

A :class:`ProjectFilter` says which key projects a view shows. It round-trips through
URL query parameters (the app's shareable state) and command-line options, and is
checked against the :class:`~dzgeo.vocabulary.Vocabulary` and the ledger's closed
lists (:mod:`dzgeo.ledger.fields`): strictly for the CLI (an unknown name or a malformed
range is an error) and leniently for URLs (it is dropped with a notice the user sees).

The ledger fields (状态, 开工年份, 总投资, the year slider's year) filter the current
ledger version's projects; on a frame without those columns (the published layer) a
ledger condition admits nothing, because no project is known to meet it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TypeVar

import pandas as pd

from dzgeo.errors import FilterError
from dzgeo.ledger.conditions import (
    FIRST_YEAR,
    NO_STATUS,
    STATUS_CHOICES,
    YEAR_BOUNDS,
    in_range,
    last_year,
    ledger_number,
    ledger_text,
    range_from,
    range_text,
    range_words,
    year_stage,
)
from dzgeo.vocabulary import GROUPS, Vocabulary, split_multi

#: A projects frame: a GeoDataFrame stays one through the filter.
FrameT = TypeVar("FrameT", bound=pd.DataFrame)

#: URL / CLI keys of the list and text filter fields.
QUERY_KEYS = {
    "group": "groups",
    "industry": "industries",
    "subfield": "subfields",
    "place": "places",
    "q": "text",
}
#: URL keys of the ledger filter fields (lists, ranges ``A-B`` and the slider's year).
LEDGER_QUERY_KEYS = ("status", "start", "invest", "year")
VIEWS = ("布局", "项目")
#: URL key of the map's position (``zoom/lat/lon``), kept by the browser, not the filter.
MAP_POSITION_KEY = "map"
BASEMAPS = ("none", "osm", "tianditu", "amap")
MAX_TEXT = 100


@dataclass(frozen=True)
class ProjectFilter:
    """Which key projects to show. Empty fields mean "no restriction"."""

    groups: tuple[str, ...] = ()
    industries: tuple[str, ...] = ()
    subfields: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    text: str = ""
    #: 状态: STATUSES and NO_STATUS.
    statuses: tuple[str, ...] = ()
    #: 开工年份 range, both ends included (None: open).
    start_min: int | None = None
    start_max: int | None = None
    #: 总投资（亿元） range, both ends included (None: open).
    invest_min: float | None = None
    invest_max: float | None = None
    #: The year slider: only what stood in that year (started by then); None: every project.
    year: int | None = None

    def is_empty(self) -> bool:
        """True when the filter lets every project through."""
        return not (
            self.groups
            or self.industries
            or self.subfields
            or self.places
            or self.text
            or self.statuses
            or self.has_ranges()
        )

    def has_ranges(self) -> bool:
        """True when a range or the year restricts the projects."""
        ends = (self.start_min, self.start_max, self.invest_min, self.invest_max, self.year)
        return any(end is not None for end in ends)

    def describe(self) -> str:
        """A short Chinese sentence naming the filter, for subtitles and captions."""
        parts = []
        if self.groups:
            parts.append("类别：" + "、".join(self.groups))
        if self.industries:
            parts.append("产业：" + "、".join(self.industries))
        if self.subfields:
            parts.append("细分领域：" + "、".join(self.subfields))
        if self.places:
            parts.append("地点：" + "、".join(self.places))
        if self.text:
            parts.append(f"关键词：“{self.text}”")
        if self.statuses:
            parts.append("状态：" + "、".join(self.statuses))
        if self.start_min is not None or self.start_max is not None:
            parts.append("开工年份：" + range_words(self.start_min, self.start_max, " 年"))
        if self.invest_min is not None or self.invest_max is not None:
            parts.append("总投资：" + range_words(self.invest_min, self.invest_max, " 亿元"))
        if self.year is not None:
            parts.append(f"{self.year} 年已开工")
        return "；".join(parts) if parts else "全部重点支持项目"

    def to_query(self) -> dict[str, list[str]]:
        """URL query parameters for this filter (repeated keys for lists)."""
        query: dict[str, list[str]] = {}
        for key, attr in QUERY_KEYS.items():
            value = getattr(self, attr)
            values = [value] if isinstance(value, str) else list(value)
            values = [v for v in values if v]
            if values:
                query[key] = values
        if self.statuses:
            query["status"] = list(self.statuses)
        if self.start_min is not None or self.start_max is not None:
            query["start"] = [range_text(self.start_min, self.start_max)]
        if self.invest_min is not None or self.invest_max is not None:
            query["invest"] = [range_text(self.invest_min, self.invest_max)]
        if self.year is not None:
            query["year"] = [str(self.year)]
        return query


@dataclass(frozen=True)
class ViewState:
    """Everything a shared URL reproduces: the filter, the view and the basemap."""

    filter: ProjectFilter = field(default_factory=ProjectFilter)
    view: str = VIEWS[0]
    basemap: str = BASEMAPS[0]

    def to_query(self) -> dict[str, list[str]]:
        """URL query parameters for the whole view state (defaults left out)."""
        query = self.filter.to_query()
        if self.view != VIEWS[0]:
            query["view"] = [self.view]
        if self.basemap != BASEMAPS[0]:
            query["basemap"] = [self.basemap]
        return query


def _values(raw: Mapping[str, str | Sequence[str]], key: str) -> list[str]:
    value = raw.get(key)
    if value is None:
        return []
    items = [value] if isinstance(value, str) else list(value)
    out: list[str] = []
    for item in items:
        out += [part.strip() for part in str(item).replace("，", ",").split(",") if part.strip()]
    return out


def _keep_known(
    values: Iterable[str], known: Sequence[str], label: str, notices: list[str]
) -> tuple[str, ...]:
    kept: list[str] = []
    for value in values:
        if value in known:
            if value not in kept:
                kept.append(value)
        else:
            notices.append(f"未知{label}“{value}”（可选：{'、'.join(known)}）")
    return tuple(kept)


def parse_view_state(
    raw: Mapping[str, str | Sequence[str]], vocab: Vocabulary
) -> tuple[ViewState, list[str]]:
    """Read a view state from URL query parameters, dropping what is unknown.

    Returns the state and the notices (in Chinese) for every parameter that was dropped;
    never raises on user input.
    """
    notices: list[str] = []
    known_keys = {*QUERY_KEYS, *LEDGER_QUERY_KEYS, "view", "basemap", MAP_POSITION_KEY}
    for key in raw:
        if key not in known_keys:
            notices.append(f"已忽略未知参数“{key}”")
    problems: list[str] = []
    flt = _filter_from(raw, vocab, problems)
    view = _one_of(_values(raw, "view"), VIEWS, "视图", problems)
    basemap = _one_of(_values(raw, "basemap"), BASEMAPS, "底图", problems)
    notices += [p if p.startswith("关键词") else f"已忽略{p}" for p in problems]
    return ViewState(flt, view, basemap), notices


def _one_of(values: list[str], allowed: Sequence[str], label: str, notices: list[str]) -> str:
    kept = _keep_known(values[:1], allowed, label, notices)
    if len(values) > 1:
        notices.append(f"多余的{label}“{'、'.join(values[1:])}”（{label}只取一个值）")
    return kept[0] if kept else allowed[0]


def _filter_from(
    raw: Mapping[str, str | Sequence[str]], vocab: Vocabulary, notices: list[str]
) -> ProjectFilter:
    groups = _keep_known(_values(raw, "group"), GROUPS, "类别", notices)
    industries = _keep_known(_values(raw, "industry"), list(vocab.industries), "产业", notices)
    allowed_sub = allowed_subfields(vocab, groups=groups, industries=industries)
    # a second spelling (an older URL, the other wording of the plan) means its sub-field
    subfields_raw = [vocab.resolve_subfield(s) for s in _values(raw, "subfield")]
    subfields = _keep_known(subfields_raw, allowed_sub, "细分领域", notices)
    places_raw = [vocab.resolve_place(p) or p for p in _values(raw, "place")]
    places = _keep_known(places_raw, vocab.filter_places(), "地点", notices)
    text = _text(raw.get("q"))
    if len(text) > MAX_TEXT:
        notices.append(f"关键词过长，已截取前 {MAX_TEXT} 个字")
        text = text[:MAX_TEXT]
    statuses = _keep_known(_values(raw, "status"), STATUS_CHOICES, "状态", notices)
    start = range_from(raw, "start", "开工年份", YEAR_BOUNDS, notices, integer=True)
    invest = range_from(raw, "invest", "总投资", (0.0, 1e6), notices, integer=False)
    year_range = range_from(raw, "year", "年份", (FIRST_YEAR, last_year()), notices, integer=True)
    year = None
    if year_range != (None, None):
        if year_range[0] != year_range[1]:
            notices.append(f"年份“{range_text(*year_range)}”（年份只取一个值，如 2020）")
        else:
            year = int(year_range[0])  # type: ignore[arg-type]
    return ProjectFilter(
        groups,
        industries,
        subfields,
        places,
        text,
        statuses=statuses,
        start_min=_as_int(start[0]),
        start_max=_as_int(start[1]),
        invest_min=invest[0],
        invest_max=invest[1],
        year=year,
    )


def _as_int(value: float | None) -> int | None:
    return None if value is None else int(value)


def _text(value: str | Sequence[str] | None) -> str:
    """The search text: commas are part of it, so it is not split like the lists."""
    if value is None:
        return ""
    items = [value] if isinstance(value, str) else list(value)
    return " ".join(str(item).strip() for item in items if str(item).strip())


def validate_filter(flt: ProjectFilter, vocab: Vocabulary) -> ProjectFilter:
    """Return ``flt`` with places made canonical, or raise :class:`FilterError`.

    The strict check used by the CLI and the library's export functions: every unknown
    group, industry, sub-field, place or status and every bad range is named in one
    error with the valid choices.
    """
    raw: dict[str, str | list[str]]
    raw = {key: list(v) if not isinstance(v, str) else v for key, v in flt.to_query().items()}
    return parse_filter(raw, vocab)


def parse_filter(raw: Mapping[str, str | Sequence[str]], vocab: Vocabulary) -> ProjectFilter:
    """Read a filter from URL-style parameters strictly (the CLI's options): every
    unknown name or malformed range is named in one :class:`FilterError`."""
    notices: list[str] = []
    checked = _filter_from(raw, vocab, notices)
    if notices:
        raise FilterError("筛选条件有误：" + "；".join(notices))
    return checked


def allowed_subfields(
    vocab: Vocabulary, *, groups: Sequence[str] = (), industries: Sequence[str] = ()
) -> list[str]:
    """Sub-fields that belong to the chosen industries (or groups, or all), one entry
    per sub-field (a second spelling is merged into it: ``same_as`` of subfields.csv)."""
    return [
        s
        for ind in selected_industries(vocab, groups=groups, industries=industries)
        for s in vocab.subfield_entries(ind)
    ]


#: Appended to a sub-field option that no project of the current version lists.
NO_PROJECTS_MARK = "（无重点项目）"


def subfield_counts(projects: pd.DataFrame, vocab: Vocabulary) -> dict[str, int]:
    """Sub-field (one entry per sub-field) -> how many of ``projects`` list it, under
    any of its spellings; every sub-field of the vocabulary is a key."""
    listed = projects["subfield"].fillna("").astype(str).str.strip().map(vocab.resolve_subfield)
    counts = listed.value_counts()
    return {
        s: int(counts.get(s, 0)) for ind in vocab.industries for s in vocab.subfield_entries(ind)
    }


def subfield_option_label(name: str, counts: Mapping[str, int]) -> str:
    """How the sub-field widget shows ``name``: marked when no project lists it."""
    return name if counts.get(name, 0) else f"{name}{NO_PROJECTS_MARK}"


def selected_industries(
    vocab: Vocabulary, *, groups: Sequence[str] = (), industries: Sequence[str] = ()
) -> list[str]:
    """The industries a filter admits, in the plan's order."""
    return [
        name
        for name, group in vocab.industries.items()
        if (not groups or group in groups) and (not industries or name in industries)
    ]


def with_industries(flt: ProjectFilter, industries: Sequence[str]) -> ProjectFilter:
    """A copy of ``flt`` restricted to ``industries`` (used for one-map-per-industry sets)."""
    return replace(flt, industries=tuple(industries), subfields=())


def project_mask(projects: pd.DataFrame, flt: ProjectFilter, vocab: Vocabulary) -> pd.Series:
    """Boolean mask of the projects that pass ``flt``.

    ``projects`` needs the columns ``industry``, ``subfield``, ``place``, ``counties``
    (``|``-separated adcodes), ``name`` and ``enterprise``. A place filter on a county
    also admits the projects of the zones inside it; on an area (中心城区), every
    project in its member counties.
    """
    mask = pd.Series(True, index=projects.index)
    industries = selected_industries(vocab, groups=flt.groups, industries=flt.industries)
    if flt.groups or flt.industries:
        mask &= projects["industry"].isin(industries)
    if flt.subfields:
        mask &= projects["subfield"].isin(vocab.subfield_spellings(flt.subfields))
    if flt.places:
        mask &= projects.apply(lambda row: _place_match(row, flt.places, vocab), axis=1)
    if flt.text:
        needle = flt.text.casefold()
        haystack = projects["name"].fillna("") + " " + projects["enterprise"].fillna("")
        mask &= haystack.str.casefold().str.contains(needle, regex=False)
    if flt.statuses:
        status = ledger_text(projects, "status")
        wanted = [s for s in flt.statuses if s != NO_STATUS]
        mask &= status.isin(wanted) | ((status == "") & (NO_STATUS in flt.statuses))
    if flt.start_min is not None or flt.start_max is not None:
        mask &= in_range(ledger_number(projects, "start_year"), flt.start_min, flt.start_max)
    if flt.invest_min is not None or flt.invest_max is not None:
        invest = ledger_number(projects, "investment_total")
        mask &= in_range(invest, flt.invest_min, flt.invest_max)
    if flt.year is not None:
        mask &= year_stage(projects, flt.year) != ""
    return mask.astype(bool)


def _place_match(row: pd.Series, wanted: Sequence[str], vocab: Vocabulary) -> bool:
    own_places = set(split_multi(row["place"]))
    own_counties = set(split_multi(row["counties"]))
    for place in wanted:
        if place in own_places:
            return True
        if vocab.places.get(place) in ("county", "area") and own_counties & set(
            vocab.place_adcodes.get(place, [])
        ):
            return True
    return False


def apply_filter(projects: FrameT, flt: ProjectFilter, vocab: Vocabulary) -> FrameT:
    """The projects that pass ``flt``, as a new frame (the input is not changed)."""
    return projects.loc[project_mask(projects, flt, vocab)].copy()
