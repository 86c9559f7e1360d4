"""Geometry of the dashboard's throughput chart (a line per person per day), for an inline SVG.

Pure functions of the counts: the template only draws what this returns. Coordinates are SVG
user units, origin top-left, y down; the plot area sits inside fixed margins.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

# Eight colours stay distinguishable (Okabe-Ito, colour-blind safe); more people fold into "others".
MAX_SERIES = 8
OTHERS = "others"

WIDTH, HEIGHT = 720, 240
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 44, 28, 12, 28  # room for the end labels


@dataclass(frozen=True)
class Tick:
    value: int
    y: float


@dataclass(frozen=True)
class DayLabel:
    day: dt.date
    x: float
    text: str


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    value: int
    day: dt.date


    @property
    def day_text(self) -> str:
        return f"{self.day:%b} {self.day.day}"


@dataclass(frozen=True)
class Series:
    name: str
    index: int  # colour slot 0..MAX_SERIES-1 (CSS class ``series-<index>``)
    total: int
    points: list[Point]

    @property
    def polyline(self) -> str:
        return " ".join(f"{p.x:g},{p.y:g}" for p in self.points)


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    plot_left: float
    plot_right: float
    plot_top: float
    plot_bottom: float
    ticks: list[Tick]
    labels: list[DayLabel]
    series: list[Series]

    @property
    def empty(self) -> bool:
        return not self.series


def nice_step(maximum: int, *, most_ticks: int = 5) -> int:
    """The smallest 1, 2 or 5 x 10^k step giving at most ``most_ticks`` steps up to ``maximum``.

    >>> nice_step(7), nice_step(23), nice_step(0)
    (2, 5, 1)
    """
    if maximum <= most_ticks:
        return 1
    magnitude = 10 ** math.floor(math.log10(maximum / most_ticks))
    for factor in (1, 2, 5, 10):
        step = factor * magnitude
        if math.ceil(maximum / step) <= most_ticks:
            return step
    return 10 * magnitude  # pragma: no cover - factor 10 always fits


def fold_series(per_person: dict[str, list[int]], *, limit: int = MAX_SERIES) -> dict[str, list[int]]:
    """The ``limit - 1`` busiest people and one summed "others" line when there are more than ``limit``."""
    if len(per_person) <= limit:
        return dict(per_person)
    ranked = sorted(per_person.items(), key=lambda item: (-sum(item[1]), item[0]))
    kept = dict(ranked[: limit - 1])
    rest = [counts for _, counts in ranked[limit - 1 :]]
    kept[OTHERS] = [sum(day) for day in zip(*rest, strict=True)]
    return kept


def line_chart(*, days: list[dt.date], per_person: dict[str, list[int]]) -> LineChart:
    """Lay out one line per person over ``days``; each list in ``per_person`` is aligned with ``days``."""
    folded = fold_series(per_person)
    left, right = MARGIN_LEFT, WIDTH - MARGIN_RIGHT
    top, bottom = MARGIN_TOP, HEIGHT - MARGIN_BOTTOM
    peak = max((max(counts) for counts in folded.values()), default=0)
    step = nice_step(peak)
    top_value = max(step, math.ceil(peak / step) * step)

    def x_of(i: int) -> float:
        return round(left + (right - left) * (i / (len(days) - 1) if len(days) > 1 else 0.5), 1)

    def y_of(value: int) -> float:
        return round(bottom - (bottom - top) * value / top_value, 1)

    ticks = [Tick(value, y_of(value)) for value in range(0, top_value + 1, step)]
    every = max(1, math.ceil(len(days) / 7))  # at most ~7 date labels fit under the axis
    last = len(days) - 1  # counted back from the last day, so today always has its label
    labels = [DayLabel(day, x_of(i), f"{day:%b} {day.day}") for i, day in enumerate(days) if (last - i) % every == 0]
    series = [
        Series(
            name=name,
            index=index,
            total=sum(counts),
            points=[Point(x_of(i), y_of(value), value, days[i]) for i, value in enumerate(counts)],
        )
        for index, (name, counts) in enumerate(folded.items())
    ]
    return LineChart(WIDTH, HEIGHT, left, right, top, bottom, ticks, labels, series)
