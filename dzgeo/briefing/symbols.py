"""The cartographic spec (:mod:`dzgeo.symbology`) in matplotlib's terms.

A spec length is in points of an A4 sheet; a page scales it by its type factor ``k``.
:func:`stroke_kwargs` / :func:`fill_layers` / :func:`marker_kwargs` give the keyword
arguments that draw a symbol on the map, :func:`legend_drawer` the same symbol in a
legend box, so map and legend cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle

from dzgeo.symbology import FillSymbol, LineSymbol, MarkerSymbol, Stroke, Symbol

__all__ = [
    "MARKERS",
    "fill_layers",
    "legend_drawer",
    "line_layers",
    "marker_kwargs",
    "stroke_kwargs",
]

#: matplotlib marker per spec shape.
MARKERS = {"circle": "o", "square": "s", "diamond": "D", "star": "*"}

Drawer = Callable[[Axes, float, float, float, float], None]


def _linestyle(stroke: Stroke) -> Any:
    if not stroke.dash:
        return "-"
    # matplotlib scales a dash pattern by the line width: give it in widths
    return (0, tuple(d / stroke.width for d in stroke.dash))


def stroke_kwargs(stroke: Stroke, k: float = 1.0) -> dict[str, Any]:
    """Line2D / patch-edge keyword arguments of ``stroke`` at type scale ``k``."""
    return {
        "color": stroke.color,
        "lw": stroke.width * k,
        "ls": _linestyle(stroke),
        "alpha": stroke.opacity,
        "solid_capstyle": stroke.cap,
        "dash_capstyle": stroke.cap,
    }


def line_layers(symbol: LineSymbol, k: float = 1.0) -> list[dict[str, Any]]:
    """Keyword arguments of each stroke of a line symbol, casing first."""
    return [stroke_kwargs(s, k) for s in (symbol.casing, symbol.stroke) if s is not None]


def fill_layers(symbol: FillSymbol, k: float = 1.0) -> list[dict[str, Any]]:
    """Patch keyword arguments of an area symbol: the fill, then its outline (if any)."""
    out: list[dict[str, Any]] = [
        {"facecolor": symbol.fill, "edgecolor": "none", "alpha": symbol.opacity, "lw": 0}
    ]
    if symbol.edge is not None:
        edge = symbol.edge
        out.append(
            {
                "facecolor": "none",
                "edgecolor": edge.color,
                "lw": edge.width * k,
                "ls": _linestyle(edge),
                "alpha": edge.opacity,
                "capstyle": edge.cap,
            }
        )
    return out


def marker_kwargs(symbol: MarkerSymbol, k: float = 1.0) -> dict[str, Any]:
    """``ax.plot`` keyword arguments of a point symbol."""
    return {
        "marker": MARKERS[symbol.shape],
        "ms": symbol.size * k,
        "mfc": symbol.color,
        "mec": symbol.edge,
        "mew": symbol.edge_width * k,
        "linestyle": "none",
    }


def legend_drawer(symbol: Symbol, k: float = 1.0) -> Drawer:
    """Draw ``symbol`` in a legend box (x, y, w, h in the legend panel's points)."""

    def draw(ax: Axes, x: float, y: float, w: float, h: float) -> None:
        if isinstance(symbol, LineSymbol):
            for kwargs in line_layers(symbol, k):
                ax.add_line(Line2D([x, x + w], [y + h / 2] * 2, **kwargs))
        elif isinstance(symbol, FillSymbol):
            layers = fill_layers(symbol, k)
            for kwargs in layers:
                ax.add_patch(Rectangle((x, y), w, h, **kwargs))
            if len(layers) == 1:  # a plain fill still gets a hairline frame on paper
                ax.add_patch(
                    Rectangle((x, y), w, h, facecolor="none", edgecolor="#9a9a9a", lw=0.5 * k)
                )
        else:
            ax.add_line(Line2D([x + w / 2], [y + h / 2], **marker_kwargs(symbol, k)))

    return draw
