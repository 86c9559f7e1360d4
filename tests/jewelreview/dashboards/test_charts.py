"""The throughput chart's geometry: ticks, labels, folded series, coordinates."""

from __future__ import annotations

import datetime as dt

import pytest

from jewelreview.dashboards.charts import (
    HEIGHT,
    MARGIN_BOTTOM,
    MARGIN_LEFT,
    MARGIN_RIGHT,
    MARGIN_TOP,
    OTHERS,
    WIDTH,
    fold_series,
    line_chart,
    nice_step,
)

DAYS = [dt.date(2026, 11, 16) + dt.timedelta(days=i) for i in range(14)]


@pytest.mark.parametrize(
    ("maximum", "step"), [(0, 1), (1, 1), (5, 1), (6, 2), (10, 2), (11, 5), (23, 5), (26, 10), (240, 50), (999, 200)]
)
def test_nice_step(maximum, step):
    assert nice_step(maximum) == step
    assert -(-maximum // step) <= 5  # at most five steps up to the maximum


def test_fold_series_keeps_seven_and_sums_the_rest():
    people = {f"p{i}": [i, 1] for i in range(10)}
    folded = fold_series(people)
    assert list(folded) == ["p9", "p8", "p7", "p6", "p5", "p4", "p3", OTHERS]
    assert folded[OTHERS] == [0 + 1 + 2, 3]
    assert fold_series({"a": [1], "b": [2]}) == {"a": [1], "b": [2]}


def test_line_chart_coordinates():
    counts = [0] * 14
    counts[0], counts[13] = 10, 4
    chart = line_chart(days=DAYS, per_person={"rita": counts, "tom": [1] * 14})
    left, right = MARGIN_LEFT, WIDTH - MARGIN_RIGHT
    top, bottom = MARGIN_TOP, HEIGHT - MARGIN_BOTTOM
    assert (chart.plot_left, chart.plot_right, chart.plot_top, chart.plot_bottom) == (left, right, top, bottom)
    assert [t.value for t in chart.ticks] == [0, 2, 4, 6, 8, 10]
    assert chart.ticks[0].y == bottom and chart.ticks[-1].y == top
    rita = chart.series[0]
    assert (rita.name, rita.index, rita.total) == ("rita", 0, 14)
    assert (rita.points[0].x, rita.points[0].y) == (left, top)  # 10 of 10 at the first day
    assert (rita.points[-1].x, rita.points[-1].y) == (right, round(bottom - (bottom - top) * 0.4, 1))
    assert rita.points[1].y == bottom
    assert rita.polyline.startswith(f"{left},{top} ")
    assert [label.text for label in chart.labels] == [f"Nov {day}" for day in range(17, 30, 2)]  # ends today
    assert chart.series[1].index == 1 and not chart.empty


def test_an_empty_chart():
    chart = line_chart(days=DAYS, per_person={})
    assert chart.empty and [t.value for t in chart.ticks] == [0, 1]
