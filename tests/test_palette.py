"""The 12 industry colours stay apart for every reader, on both maps.

Colour differences are CIEDE2000 (coloraide), between every pair of the palette as seen
in normal vision and as simulated for deuteranopia and protanopia (Machado et al. 2009,
severity 1; Brettel 1997 as a second model) and for tritanopia. A pie's wedges can be
any two industries side by side, so every pair counts.
"""

from __future__ import annotations

import itertools

import pytest
from coloraide import Color

from dzgeo import style, symbology
from dzgeo.data.published import read_layers

#: Least CIEDE2000 difference between two industries, per simulated vision.
FLOORS = {
    ("normal", ""): 15.0,
    ("deutan", "machado"): 15.0,
    ("protan", "machado"): 15.0,
    ("deutan", "brettel"): 15.0,
    ("protan", "brettel"): 15.0,
    ("tritan", "brettel"): 10.0,
}


def seen(hex_colour: str, deficiency: str, method: str) -> Color:
    colour = Color(hex_colour)
    if deficiency == "normal":
        return colour
    return colour.filter(deficiency, method=method).convert("srgb").clip()


def least_difference(colours: list[str], deficiency: str, method: str) -> float:
    views = [seen(c, deficiency, method) for c in colours]
    return min(a.delta_e(b, method="2000") for a, b in itertools.combinations(views, 2))


@pytest.mark.parametrize(("deficiency", "method"), list(FLOORS))
def test_industry_colours_stay_apart_under_colour_vision_deficiency(
    deficiency: str, method: str
) -> None:
    colours = list(style.INDUSTRY_COLORS.values())
    assert least_difference(colours, deficiency, method) >= FLOORS[(deficiency, method)]


def test_the_old_palette_would_fail() -> None:
    """The measure can fail: the palette before issue 10 had orange and olive alike."""
    old = ["#f08a00", "#a59a1c", "#6ab43e", "#1f4e9c"]
    assert least_difference(old, "protan", "machado") < 5


def test_every_industry_has_a_colour_that_stands_out_from_white() -> None:
    layers = read_layers()
    assert set(style.INDUSTRY_COLORS) == set(layers.vocab.industries)
    for colour in style.INDUSTRY_COLORS.values():
        assert Color(colour).delta_e("white", method="2000") >= 20, colour


def test_both_maps_take_the_one_palette() -> None:
    layers = read_layers()
    for name, group in layers.vocab.industries.items():
        assert symbology.project_symbol(name, group).color == style.INDUSTRY_COLORS[name]
