"""Bar charts as inline SVG: where each bar goes. The `bar_chart` macro of
`templates/partials/charts.html` draws them; every chart has a table with the same numbers
beside it, for screen readers and for reading exact values.

A chart has groups along the x axis (weeks, rounds, units) and one bar per series in each
group (areas, "wanted" and "covered", …), coloured by the series' place in the legend.

Group labels that are wider than their group (unit names) are turned 45° so they never run
into each other, and cut at `LABEL_LIMIT` characters with the whole name in a tooltip.
"""

from __future__ import annotations

import math
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
CHAR_WIDTH = 7.0
"""The width of an average character of the 12px labels, a little generous, in SVG units."""
LABEL_LIMIT = 24
"""Longer group labels are cut here (with "…"); the tooltip has the whole label."""
LABEL_ANGLE = 45
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
    label_y: float
    """Where the group labels hang from."""
    label_angle: int
    """0, or how far the group labels are turned (counter-clockwise) to fit."""
    label_limit: int = LABEL_LIMIT


@dataclass(frozen=True)
class _Labels:
    """Room for the group labels: the plot's left and bottom margins and the labels' turn."""

    left: float
    bottom: float
    angle: int


def _labels(label_chars: int, group_width: float) -> _Labels:
    """Labels that fit under their group stay level; wider ones are turned, and the margins
    grow so that the first label and the longest one stay inside the picture."""
    width = min(label_chars, LABEL_LIMIT) * CHAR_WIDTH
    if width <= group_width - BAR_GAP:
        return _Labels(LEFT, BOTTOM, 0)
    reach = width * math.sin(math.radians(LABEL_ANGLE))
    first_label = (group_width - GROUP_GAP) / 2
    return _Labels(
        left=max(LEFT, math.ceil(reach - first_label) + BAR_GAP),
        bottom=max(BOTTOM, math.ceil(reach) + 24),
        angle=LABEL_ANGLE,
    )


def grouped_bars(
    cells: Sequence[Cell],
    *,
    group: Callable[[Cell], Any],
    series: Callable[[Cell], str],
    value: Callable[[Cell], float],
    percent: bool = True,
    groups: Sequence[Any] | None = None,
    series_order: Sequence[str] | None = None,
    label_chars: int = 0,
) -> BarChart:
    """One group per distinct `group` (in `groups`' order, else sorted), one bar per series
    in it (in `series_order`, else sorted by name). Shares (`percent`) are drawn against
    100 %, capped there; other values against the largest one. `label_chars` is the length
    of the longest group label, when it may be longer than a week's or a priority's."""
    group_keys = list(groups) if groups is not None else sorted({group(c) for c in cells})
    names = list(series_order) if series_order is not None else sorted({series(c) for c in cells})
    top_value = 1.0 if percent else max((value(c) for c in cells), default=0.0) or 1.0
    width = max(len(names) * (BAR_WIDTH + BAR_GAP) + GROUP_GAP, MIN_GROUP_WIDTH)
    inner = width - GROUP_GAP
    indent = (inner - (len(names) * (BAR_WIDTH + BAR_GAP) - BAR_GAP)) / 2
    room = _labels(label_chars, width)
    bars, labels = [], []
    for g, key in enumerate(group_keys):
        left = room.left + g * width
        labels.append(GroupLabel(left + inner / 2, key))
        for cell in (c for c in cells if group(c) == key):
            s = names.index(series(cell))
            height = PLOT_HEIGHT * min(value(cell) / top_value, 1.0)
            y = TOP + PLOT_HEIGHT - height
            x = left + indent + s * (BAR_WIDTH + BAR_GAP)
            bars.append(Bar(x, y, height, y - 4, value(cell), cell, s % COLOURS))
    return BarChart(
        width=room.left + len(group_keys) * width,
        height=TOP + PLOT_HEIGHT + room.bottom,
        top=TOP,
        base=TOP + PLOT_HEIGHT,
        left=room.left,
        bar_width=BAR_WIDTH,
        bars=bars,
        groups=labels,
        series=names,
        top_value=top_value,
        percent=percent,
        label_y=TOP + PLOT_HEIGHT + (14 if room.angle else 18),
        label_angle=room.angle,
    )
