"""Coverage charts drawn on the server: the geometry of an SVG bar chart, which a template
renders (templates/tracker/_chart.html). No JavaScript, and nothing marked safe: every number and
label reaches the page through the template's escaping."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from .selectors import CHART_WEEKS, WeekCount

WIDTH, HEIGHT = 360, 170
LEFT, RIGHT, TOP, BOTTOM = 28, 6, 10, 24  # room for the axis labels
MIN_WEEKS = 8  # a chart of one bar says little: show at least two months


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    week: date
    count: int


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True)
class Chart:
    title: str
    bars: tuple[Bar, ...]
    ticks: tuple[Tick, ...]  # week labels under the bars
    peak: int  # the value at the top of the y axis
    total: int
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    top: int = TOP
    baseline: int = HEIGHT - BOTTOM

    @property
    def description(self) -> str:
        if not self.bars:
            return "No dated coverage yet."
        first, last = self.bars[0].week, self.bars[-1].week
        return (
            f"{self.total} article{'s' if self.total != 1 else ''} in the {len(self.bars)} weeks "
            f"from {first:%-d %b %Y} to {last:%-d %b %Y}; at most {self.peak} in one week."
        )


def weekly_chart(weeks: Sequence[WeekCount], *, title: str, max_weeks: int = CHART_WEEKS) -> Chart:
    """Bars for consecutive weeks up to the last one with coverage (missing weeks are zero),
    at most ``max_weeks`` of them."""
    if not weeks:
        return Chart(title=title, bars=(), ticks=(), peak=0, total=0)
    counts = {w.week: w.count for w in weeks}
    last = max(counts)
    first = max(min(counts), last - timedelta(weeks=max_weeks - 1))
    span = max((last - first).days // 7 + 1, MIN_WEEKS)
    first = last - timedelta(weeks=span - 1)
    series = [
        (first + timedelta(weeks=i), counts.get(first + timedelta(weeks=i), 0)) for i in range(span)
    ]
    peak = max(count for _, count in series) or 1
    plot_width = WIDTH - LEFT - RIGHT
    plot_height = HEIGHT - TOP - BOTTOM
    step = plot_width / span
    gap = min(4.0, step * 0.2)
    bars = []
    for i, (week, count) in enumerate(series):
        height = plot_height * count / peak
        bars.append(
            Bar(
                x=round(LEFT + i * step + gap / 2, 1),
                y=round(TOP + plot_height - height, 1),
                width=round(step - gap, 1),
                height=round(height, 1),
                week=week,
                count=count,
            )
        )
    every = max(1, -(-span // 4))  # about four labels, whatever the span
    ticks = tuple(
        Tick(x=round(bar.x + bar.width / 2, 1), label=f"{bar.week:%-d %b}")
        for i, bar in enumerate(bars)
        if (span - 1 - i) % every == 0
    )
    return Chart(
        title=title,
        bars=tuple(bars),
        ticks=ticks,
        peak=peak,
        total=sum(count for _, count in series),
    )
