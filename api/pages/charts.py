"""Bar charts as inline SVG: where each bar goes. The `bar_chart` macro of
`templates/partials/charts.html` draws them; every chart has a table with the same numbers
beside it, for screen readers and for reading exact values.

A chart has groups along the x axis (weeks, rounds, units) and one bar per series in each
group (areas, "wanted" and "covered", …), coloured by the series' place in the legend.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

# The chart's geometry, in SVG user units.
BAR_WIDTH = 28
BAR_GAP = 6
GROUP_GAP = 28
MIN_GROUP_WIDTH = 84
"""Room for a group's label (e.g. "prioritet 5") under a group of one or two bars."""
PLOT_HEIGHT = 160
TOP = 24
BOTTOM = 56
LEFT = 56
COLOURS = 6
"""Series colours (`.area-0` … `.area-5` in jobbank.css); more series reuse them."""

Cell = TypeVar("Cell")


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    height: float
    label_y: float
    value: float
    cell: Any
    """What the bar shows, for its tooltip."""
    colour: int


@dataclass(frozen=True)
class GroupLabel:
    x: float
    key: Any


@dataclass(frozen=True)
class BarChart:
    width: float
    height: float
    top: float
    base: float
    left: float
    bar_width: float
    bars: list[Bar]
    groups: list[GroupLabel]
    series: list[str]
    top_value: float
    """The value a full-height bar stands for: 1 for shares, else the largest value."""
    percent: bool


def grouped_bars(
    cells: Sequence[Cell],
    *,
    group: Callable[[Cell], Any],
    series: Callable[[Cell], str],
    value: Callable[[Cell], float],
    percent: bool = True,
    groups: Sequence[Any] | None = None,
    series_order: Sequence[str] | None = None,
) -> BarChart:
    """One group per distinct `group` (in `groups`' order, else sorted), one bar per series
    in it (in `series_order`, else sorted by name). Shares (`percent`) are drawn against
    100 %, capped there; other values against the largest one."""
    group_keys = list(groups) if groups is not None else sorted({group(c) for c in cells})
    names = list(series_order) if series_order is not None else sorted({series(c) for c in cells})
    top_value = 1.0 if percent else max((value(c) for c in cells), default=0.0) or 1.0
    width = max(len(names) * (BAR_WIDTH + BAR_GAP) + GROUP_GAP, MIN_GROUP_WIDTH)
    inner = width - GROUP_GAP
    indent = (inner - (len(names) * (BAR_WIDTH + BAR_GAP) - BAR_GAP)) / 2
    bars, labels = [], []
    for g, key in enumerate(group_keys):
        left = LEFT + g * width
        labels.append(GroupLabel(left + inner / 2, key))
        for cell in (c for c in cells if group(c) == key):
            s = names.index(series(cell))
            height = PLOT_HEIGHT * min(value(cell) / top_value, 1.0)
            y = TOP + PLOT_HEIGHT - height
            x = left + indent + s * (BAR_WIDTH + BAR_GAP)
            bars.append(Bar(x, y, height, y - 4, value(cell), cell, s % COLOURS))
    return BarChart(
        width=LEFT + len(group_keys) * width,
        height=TOP + PLOT_HEIGHT + BOTTOM,
        top=TOP,
        base=TOP + PLOT_HEIGHT,
        left=LEFT,
        bar_width=BAR_WIDTH,
        bars=bars,
        groups=labels,
        series=names,
        top_value=top_value,
        percent=percent,
    )
