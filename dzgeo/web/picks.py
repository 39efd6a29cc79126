"""The sidebar's pick lists, and what lets the map follow a pick before the server runs.

Each pick list (类别, 产业, 细分领域, 地点, 状态（台账）) is one field of the
:class:`~dzgeo.filters.ProjectFilter`, and the filter rule is AND across fields, OR
within one (:func:`dzgeo.filters.project_mask`). So the projects a filter lets through
are ``rest AND (for each list with picks: OR of its picked options' projects)``, where
``rest`` are the projects passing the filter without its picks (:func:`rest_filter`).

The browser gets, once per page, every option's bit set (:func:`option_masks`, worked
out here with the one filter rule) and, with each view update, the ``rest`` bit set;
``static/dzgeo/dzpicks.js`` then shows a click on an option at once, and the server's
answer, when it comes, is what stays. The app's widgets take their labels and the
options' shown text from :func:`pick_lists`, so both sides name an option alike.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from dzgeo.filters import (
    ProjectFilter,
    allowed_subfields,
    project_mask,
    subfield_option_label,
)
from dzgeo.ledger.conditions import STATUS_CHOICES
from dzgeo.vocabulary import GROUPS, Vocabulary
from dzgeo.web.live import bit_set

__all__ = [
    "CLEAR_LABEL",
    "PICK_FIELDS",
    "PickList",
    "option_bits",
    "option_filter",
    "option_masks",
    "pick_lists",
    "picks_key",
    "rest_filter",
]

#: The filter fields the sidebar picks from lists, in the sidebar's order.
PICK_FIELDS = ("groups", "industries", "subfields", "places", "statuses")
#: The sidebar button that resets the filter (the browser follows it too).
CLEAR_LABEL = "清除筛选"
#: Columns a filter holding only picks reads (status: the ledger's, when there is one).
PICK_COLUMNS = ("industry", "subfield", "place", "counties", "status")


@dataclass(frozen=True)
class PickList:
    """One pick list of the sidebar: its filter field, label, options and their text."""

    field: str
    label: str
    placeholder: str
    options: tuple[str, ...]
    #: option -> the text the widget shows for it
    shown: Mapping[str, str]
    #: lists whose picks a change of this one can drop (细分领域 follows 类别 and 产业)
    narrows: tuple[str, ...] = ()

    def format(self, option: str) -> str:
        """The text shown for ``option`` (the widget's ``format_func``)."""
        return self.shown.get(option, option)


def pick_lists(
    vocab: Vocabulary,
    subfield_counts: Mapping[str, int],
    *,
    groups: Sequence[str] = (),
    industries: Sequence[str] = (),
) -> dict[str, PickList]:
    """The sidebar's pick lists by filter field; the sub-fields those of ``groups`` and
    ``industries`` (all when both are empty), marked when no project lists them."""
    subfields = allowed_subfields(vocab, groups=groups, industries=industries)
    lists = (
        PickList("groups", "类别", "全部（新兴、传统）", GROUPS, {}, ("subfields",)),
        PickList(
            "industries",
            "产业",
            "全部 12 个产业",
            tuple(vocab.industries),
            {name: f"{name}（{group}）" for name, group in vocab.industries.items()},
            ("subfields",),
        ),
        PickList(
            "subfields",
            "细分领域",
            "全部（随所选产业收窄）",
            tuple(subfields),
            {name: subfield_option_label(name, subfield_counts) for name in subfields},
        ),
        PickList("places", "地点", "全市", tuple(vocab.filter_places()), {}),
        PickList("statuses", "状态（台账）", "全部状态", STATUS_CHOICES, {}),
    )
    return {pick.field: pick for pick in lists}


def rest_filter(flt: ProjectFilter) -> ProjectFilter:
    """``flt`` without its picks: the part of it the pick lists do not set."""
    cleared: dict[str, Any] = {name: () for name in PICK_FIELDS}
    return replace(flt, **cleared)


def option_bits(projects: pd.DataFrame, vocab: Vocabulary, name: str, option: str) -> np.ndarray:
    """Which of ``projects`` pass a filter holding only ``option`` of list ``name``.

    Decided by :func:`~dzgeo.filters.project_mask` on one row per distinct combination of
    the columns a pick reads (:data:`PICK_COLUMNS`), then spread to every row: at 50,000
    projects the place rule, row by row, would take seconds per option.
    """
    return _passes(*_distinct_rows(projects), vocab, name, option)


def _passes(
    distinct: pd.DataFrame, rows: np.ndarray, vocab: Vocabulary, name: str, option: str
) -> np.ndarray:
    passed = project_mask(distinct, option_filter(name, option), vocab).to_numpy()
    return passed[rows]


def option_filter(name: str, option: str) -> ProjectFilter:
    """The filter holding only ``option`` of the pick list of field ``name``."""
    only: dict[str, Any] = {name: (option,)}
    return replace(ProjectFilter(), **only)


def _distinct_rows(projects: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    columns = [c for c in PICK_COLUMNS if c in projects.columns]
    codes = projects.groupby(columns, dropna=False, sort=False).ngroup().to_numpy()
    first = np.unique(codes, return_index=True)[1]
    return projects.iloc[first], codes


def picks_key(path: str, n_projects: int) -> str:
    """A short name for the projects ``path`` holds (the ledger version in it): the
    browser composes a ``rest`` only with the option masks of the same key."""
    return hashlib.sha256(f"{path}#{n_projects}".encode()).hexdigest()[:12]


def option_masks(
    projects: pd.DataFrame, vocab: Vocabulary, subfield_counts: Mapping[str, int], key: str
) -> str:
    """JSON for the browser, once per page: per pick list its label, the lists it
    narrows, and per option (every sub-field, whatever is chosen) the shown text and
    the bit set (:func:`dzgeo.web.live.bit_set`) of the projects it lets through."""
    distinct, rows = _distinct_rows(projects)
    every = pick_lists(vocab, subfield_counts)
    lists = []
    for pick in every.values():
        options = [
            [pick.format(option), bit_set(_passes(distinct, rows, vocab, pick.field, option))]
            for option in pick.options
        ]
        narrows = [every[n].label for n in pick.narrows]
        lists.append({"label": pick.label, "narrows": narrows, "options": options})
    payload = {"key": key, "n": len(projects), "clear": CLEAR_LABEL, "lists": lists}
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
