"""Coverage charts drawn on the server: the geometry of an SVG bar chart, which a template
renders (templates/tracker/_chart.html). No JavaScript, and nothing marked safe: every number and
label reaches the page through the template's escaping."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from .conflicts import Measure, measure_of
from .figures import comparable
from .selectors import CHART_WEEKS, WeekCount

WIDTH, HEIGHT = 360, 170
LEFT, RIGHT, TOP, BOTTOM = 28, 6, 10, 24  # room for the axis labels
MIN_WEEKS = 8  # a chart of one bar says little: show at least two months
HISTORY_LEFT = 76  # room for amounts such as "$12 billion" left of the history's y axis


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


# --- an initiative's key-figure history -------------------------------------------------------


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    day: date
    value: Decimal  # in the history's unit
    status: str  # the claim's status: "verified" is drawn apart
    article_title: str


@dataclass(frozen=True)
class FigureHistory:
    """The values reported for one of an initiative's figures, by the date of each report, the
    one an editor verified marked: the geometry of an SVG dot chart
    (templates/tracker/_figure_history.html)."""

    title: str
    unit: str  # the unit values are shown in (claims.comparable's)
    points: tuple[Point, ...]
    peak: Decimal  # the value at the top of the y axis
    first: date | None = None
    last: date | None = None
    width: int = WIDTH
    height: int = HEIGHT
    left: int = HISTORY_LEFT
    top: int = TOP
    baseline: int = HEIGHT - BOTTOM

    @property
    def verified(self) -> tuple[Point, ...]:
        return tuple(p for p in self.points if p.status == "verified")

    @property
    def line(self) -> str:
        """The polyline through the reports in date order."""
        return " ".join(f"{p.x},{p.y}" for p in self.points)


def figure_history(claims: Sequence, *, title: str) -> FigureHistory | None:
    """The history of the figure most often reported among ``claims`` (an initiative's, each
    with ``listed_appearances`` as ``selectors._attach_articles`` gives them): one point per
    dated report of a value, at the report's date; None when no figure was reported twice.

    Figures are grouped as conflicts are (``conflicts.measure_of``): the same measure, in one
    comparable unit and per the same denominator. Values that look misread at the source
    (``implausible``) are left out.
    """
    groups: dict[Measure, list[tuple[date, Decimal, object, str]]] = {}
    for claim in claims:
        if claim.value is None or claim.implausible:
            continue
        value = comparable(claim.value, claim.unit)[0]
        key = measure_of(claim)
        for appearance in getattr(claim, "listed_appearances", ()):
            published = appearance.article.published_at
            if published is not None:
                groups.setdefault(key, []).append(
                    (published.date(), value, claim.status, appearance.article.title)
                )
    # The most reported figure; among equals, one an editor verified, then by name.
    candidates = [
        (len(reports), any(r[2] == "verified" for r in reports), key, reports)
        for key, reports in groups.items()
        if len(reports) >= 2
    ]
    if not candidates:
        return None
    _, _, (unit, per, measure), reports = max(
        candidates, key=lambda c: (c[0], c[1], (c[2].measure, c[2].unit, c[2].per))
    )
    reports.sort(key=lambda r: (r[0], r[1]))
    first, last = reports[0][0], reports[-1][0]
    span = max((last - first).days, 1)
    peak = max(r[1] for r in reports) or Decimal(1)
    plot_width = WIDTH - HISTORY_LEFT - RIGHT - 6
    plot_height = HEIGHT - TOP - BOTTOM
    points = []
    for day, value, status, article_title in reports:
        x = HISTORY_LEFT + 3 + plot_width * ((day - first).days / span if last != first else 0.5)
        y = TOP + plot_height - plot_height * float(value / peak)
        points.append(Point(round(x, 1), round(y, 1), day, value, str(status), article_title))
    what = " ".join(part for part in (measure, f"per {per}" if per else "") if part)
    return FigureHistory(
        title=f"{title}: {what}" if what else title,
        unit=unit,
        points=tuple(points),
        peak=peak,
        first=first,
        last=last,
    )
