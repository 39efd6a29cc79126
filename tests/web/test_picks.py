"""The pick lists' option masks (dzgeo.web.picks): the browser's composition of them
gives exactly the projects the one filter rule lets through."""

from __future__ import annotations

import base64
import json
import random

import numpy as np
import pandas as pd
import pytest
from _ledger_frame import ledger_frame

from dzgeo.data.published import Layers
from dzgeo.filters import ProjectFilter, project_mask, subfield_counts
from dzgeo.ledger.conditions import FIRST_YEAR, last_year
from dzgeo.web import picks


@pytest.fixture(scope="module", params=["published", "ledger"])
def projects(request, layers: Layers) -> pd.DataFrame:
    """The published projects, and a filled ledger version of them (状态, years, 投资)."""
    return layers.projects if request.param == "published" else ledger_frame(layers.projects)


def bits(mask: str, n: int) -> np.ndarray:
    raw = np.frombuffer(base64.b64decode(mask), dtype=np.uint8)
    return np.unpackbits(raw, bitorder="little")[:n].astype(bool)


def random_filter(rng: random.Random, lists: dict[str, picks.PickList], names: list[str]):
    chosen = {}
    for name, pick in lists.items():
        k = rng.choice([0, 0, 0, 1, 1, 2, 4])
        chosen[name] = tuple(rng.sample(pick.options, min(k, len(pick.options))))
    text = ""
    if rng.random() < 0.25:
        name = rng.choice(names)
        start = rng.randrange(len(name))
        text = name[start : start + rng.randint(1, 2)]

    # the ledger's conditions (none passes them on the published layer): now and then
    def sometimes(*values):
        return rng.choice(values) if rng.random() < 0.15 else None

    start_min, start_max = sometimes(2018, 2019, 2020), sometimes(2020, 2021, 2022)
    invest_min, invest_max = sometimes(5.0, 20.0), sometimes(30.0, 50.0)
    year = sometimes(FIRST_YEAR, 2020, last_year())
    return ProjectFilter(
        **chosen,
        text=text,
        start_min=start_min,
        start_max=start_max,
        invest_min=invest_min,
        invest_max=invest_max,
        year=year,
    )


def composed(projects, vocab, flt: ProjectFilter, masks: dict) -> np.ndarray:
    """rest AND, per list with picks, the OR of its options' masks (what dzpicks.js does)."""
    keep = project_mask(projects, picks.rest_filter(flt), vocab).to_numpy().copy()
    for name in picks.PICK_FIELDS:
        chosen = getattr(flt, name)
        if chosen:
            either = np.zeros(len(projects), dtype=bool)
            for option in chosen:
                either |= masks[name, option]
            keep &= either
    return keep


def test_composition_of_option_masks_is_the_filter_rule(layers, projects):
    vocab = layers.vocab
    lists = picks.pick_lists(vocab, subfield_counts(projects, vocab))
    masks = {
        (name, option): picks.option_bits(projects, vocab, name, option)
        for name, pick in lists.items()
        for option in pick.options
    }
    rng = random.Random(12)
    names = projects["name"].astype(str).tolist()
    counts = []
    for _ in range(250):
        flt = random_filter(rng, lists, names)
        expected = project_mask(projects, flt, vocab).to_numpy()
        assert (composed(projects, vocab, flt, masks) == expected).all(), flt
        counts.append(int(expected.sum()))
    # the random filters are neither all empty nor all-admitting
    assert sum(0 < c < len(projects) for c in counts) > 25, counts


def test_option_masks_are_the_rule_on_every_row(layers, projects):
    """The masks are worked out on one row per distinct pick-column combination: the
    same as the rule on every row, for every option of every list."""
    vocab = layers.vocab
    payload = json.loads(
        picks.option_masks(projects, vocab, subfield_counts(projects, vocab), key="k1")
    )
    assert payload["key"] == "k1" and payload["n"] == len(projects)
    assert payload["clear"] == picks.CLEAR_LABEL
    lists = picks.pick_lists(vocab, subfield_counts(projects, vocab))
    assert [p["label"] for p in payload["lists"]] == [p.label for p in lists.values()]
    for sent, pick in zip(payload["lists"], lists.values(), strict=True):
        assert [text for text, _ in sent["options"]] == [pick.format(o) for o in pick.options]
        for (_, mask), option in zip(sent["options"], pick.options, strict=True):
            flt = picks.option_filter(pick.field, option)
            assert getattr(flt, pick.field) == (option,) and picks.rest_filter(flt).is_empty()
            expected = project_mask(projects, flt, vocab).to_numpy()
            assert (bits(mask, len(projects)) == expected).all(), (pick.label, option)
    narrows = {p["label"]: p["narrows"] for p in payload["lists"]}
    assert narrows["类别"] == narrows["产业"] == ["细分领域"]


def test_shown_texts_name_one_option_each(layers):
    """The browser knows an option by its list's label and its shown text."""
    vocab = layers.vocab
    lists = picks.pick_lists(vocab, subfield_counts(layers.projects, vocab))
    assert len({p.label for p in lists.values()}) == len(lists)
    for pick in lists.values():
        shown = [pick.format(o) for o in pick.options]
        assert len(set(shown)) == len(shown) > 1, pick.label
    assert lists["industries"].format("新能源") == "新能源（新兴）"


def test_sub_fields_follow_the_chosen_industries(layers):
    vocab = layers.vocab
    counts = subfield_counts(layers.projects, vocab)
    every = picks.pick_lists(vocab, counts)["subfields"].options
    narrowed = picks.pick_lists(vocab, counts, industries=("新能源",))["subfields"].options
    assert set(narrowed) == set(vocab.subfield_entries("新能源"))
    assert set(narrowed) < set(every)


def test_rest_filter_keeps_all_but_the_picks():
    flt = ProjectFilter(groups=("新兴",), places=("德城区",), text="光伏", year=2020)
    rest = picks.rest_filter(flt)
    assert rest == ProjectFilter(text="光伏", year=2020)


def test_picks_key_names_path_and_size():
    assert picks.picks_key("a#v1", 272) == picks.picks_key("a#v1", 272)
    assert len({picks.picks_key("a#v1", 272), picks.picks_key("a#v2", 272)}) == 2


def test_option_masks_of_many_projects_sharing_their_pick_columns(layers):
    """Synthetic projects: thousands of rows, far fewer distinct combinations — each
    place's and industry's mask still the rule on every row."""
    from _support import synthetic_projects

    projects = synthetic_projects(layers, 3000)
    vocab = layers.vocab
    lists = picks.pick_lists(vocab, subfield_counts(projects, vocab))
    for name in ("places", "industries"):
        for option in lists[name].options:
            expected = project_mask(projects, picks.option_filter(name, option), vocab)
            got = picks.option_bits(projects, vocab, name, option)
            assert (got == expected.to_numpy()).all(), option
    assert picks.option_bits(projects, vocab, "places", "德城区").sum() > 100
