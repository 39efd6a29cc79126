"""The cartographic spec (:mod:`dzgeo.symbology`) in Leaflet's terms, and as legend swatches.

:func:`leaflet_styles` turns a symbol into the path options ``dzmap.geo`` reads from a
feature's ``_s`` (a line with a casing is two layers: casing first); :func:`swatch` draws
the same symbol as a small inline SVG for the legend.
"""

from __future__ import annotations

import math
from typing import Any

from dzgeo.symbology import (
    SCREEN_PX_PER_PT,
    FillSymbol,
    LineSymbol,
    MarkerSymbol,
    Stroke,
    Symbol,
)

__all__ = ["leaflet_styles", "marker_px", "px", "stroke_options", "swatch"]


def px(points: float) -> float:
    """Screen pixels for a spec length in points."""
    return round(points * SCREEN_PX_PER_PT, 2)


def marker_px(symbol: MarkerSymbol) -> int:
    """A marker's size on screen, in whole pixels."""
    return round(symbol.size * SCREEN_PX_PER_PT)


def _dash(stroke: Stroke) -> str:
    return " ".join(f"{px(d):g}" for d in stroke.dash)


def stroke_options(stroke: Stroke) -> dict[str, Any]:
    """Leaflet path options of a stroke."""
    out: dict[str, Any] = {
        "color": stroke.color,
        "weight": px(stroke.width),
        "opacity": stroke.opacity,
        "lineCap": stroke.cap,
    }
    if stroke.dash:
        out["dashArray"] = _dash(stroke)
    return out


def leaflet_styles(symbol: Symbol) -> list[dict[str, Any]]:
    """The ``_s`` option dicts that draw ``symbol``, bottom layer first."""
    if isinstance(symbol, LineSymbol):
        layers = [symbol.casing, symbol.stroke] if symbol.casing else [symbol.stroke]
        return [{**stroke_options(s), "fill": False} for s in layers if s is not None]
    if isinstance(symbol, FillSymbol):
        edge = (
            {**stroke_options(symbol.edge), "stroke": True}
            if symbol.edge
            else {"stroke": False, "weight": 0}
        )
        return [{**edge, "fill": True, "fillColor": symbol.fill, "fillOpacity": symbol.opacity}]
    size = marker_px(symbol)
    return [
        {
            "shape": symbol.shape,
            "color": symbol.color,
            "size": size,
            "radius": size / 2,
            "fill": True,
            "fillColor": symbol.color,
            "fillOpacity": 1.0,
            "weight": px(symbol.edge_width),
        }
    ]


# ------------------------------------------------------------------------------ legend

_W, _H = 28, 14


def _svg_stroke(stroke: Stroke) -> str:
    """SVG stroke attributes (SVG's defaults — opacity 1, butt caps — left out)."""
    out = f'stroke="{stroke.color}" stroke-width="{px(stroke.width):g}"'
    if stroke.opacity != 1:
        out += f' stroke-opacity="{stroke.opacity:g}"'
    if stroke.cap != "butt":
        out += f' stroke-linecap="{stroke.cap}"'
    if stroke.dash:
        out += f' stroke-dasharray="{_dash(stroke)}"'
    return out


def _marker_svg(symbol: MarkerSymbol) -> str:
    r = min(marker_px(symbol), _H) / 2
    cx, cy = _W / 2, _H / 2
    paint = f'fill="{symbol.color}" stroke="{symbol.edge}" stroke-width="{px(symbol.edge_width):g}"'
    if symbol.shape == "circle":
        return f'<circle cx="{cx:g}" cy="{cy:g}" r="{r:g}" {paint}/>'
    if symbol.shape == "square":
        s = r * 1.8
        return f'<rect x="{cx - s / 2:g}" y="{cy - s / 2:g}" width="{s:g}" height="{s:g}" {paint}/>'
    if symbol.shape == "diamond":
        pts = f"{cx:g},{cy - r:g} {cx + r:g},{cy:g} {cx:g},{cy + r:g} {cx - r:g},{cy:g}"
        return f'<polygon points="{pts}" {paint}/>'
    # a five-pointed star
    star = []
    for i in range(10):
        rad = r if i % 2 == 0 else r * 0.45
        angle = math.pi / 2 + i * math.pi / 5
        star.append(f"{cx + rad * math.cos(angle):.2f},{cy - rad * math.sin(angle):.2f}")
    return f'<polygon points="{" ".join(star)}" {paint}/>'


def swatch(symbol: Symbol | None) -> str:
    """A legend symbol as inline SVG (trusted HTML: every value comes from the spec)."""
    if symbol is None:
        return ""
    if isinstance(symbol, LineSymbol):
        body = "".join(
            f'<line x1="1" y1="{_H / 2:g}" x2="{_W - 1}" y2="{_H / 2:g}" {_svg_stroke(s)}/>'
            for s in (symbol.casing, symbol.stroke)
            if s is not None
        )
    elif isinstance(symbol, FillSymbol):
        edge = _svg_stroke(symbol.edge) if symbol.edge else 'stroke="#9a9a9a" stroke-width="0.6"'
        body = (
            f'<rect x="1.5" y="1.5" width="{_W - 3}" height="{_H - 3}" fill="{symbol.fill}" '
            f'fill-opacity="{symbol.opacity:g}" {edge}/>'
        )
    else:
        body = _marker_svg(symbol)
    return f'<svg class="dz-sym-sw" width="{_W}" height="{_H}">{body}</svg>'
