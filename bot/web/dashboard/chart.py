"""Inquiries per topic and ISO week as a stacked bar chart, laid out on the server (inline SVG)."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Dict, List, Mapping, Sequence, Tuple

# Okabe-Ito colours (distinguishable with colour-vision deficiencies; the light yellow replaced by
# indigo), then two extra ones. Every segment also gets a dark outline (dashboard.css), so light
# colours stay visible on white.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#332288", "#000000", "#999999", "#882255")
WIDTH, HEIGHT = 720, 320
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 24, 44


@dataclass(frozen=True)
class Week:
    year: int
    week: int
    monday: date

    @property
    def key(self) -> Tuple[int, int]:
        return self.year, self.week

    @property
    def short_label(self) -> str:
        return f"KW {self.week}"

    @property
    def label(self) -> str:
        return f"KW {self.week}/{self.year}"


@dataclass(frozen=True)
class Segment:
    x: float
    y: float
    width: float
    height: float
    fill: str
    title: str


@dataclass(frozen=True)
class Bar:
    week: Week
    total: int
    segments: Tuple[Segment, ...]
    label_x: float
    total_y: float


@dataclass(frozen=True)
class Tick:
    value: int
    y: float


@dataclass(frozen=True)
class Series:
    topic: str
    label: str
    fill: str
    counts: Tuple[int, ...]  # one per week

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass(frozen=True)
class Chart:
    weeks: Tuple[Week, ...]
    series: Tuple[Series, ...]  # topics with at least one inquiry, in configuration order
    bars: Tuple[Bar, ...]
    ticks: Tuple[Tick, ...]
    totals: Tuple[int, ...]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = WIDTH - RIGHT
    baseline: float = HEIGHT - BOTTOM

    @property
    def grand_total(self) -> int:
        return sum(self.totals)

    @property
    def first_day(self) -> date:
        return self.weeks[0].monday

    @property
    def last_day(self) -> date:
        return self.weeks[-1].monday + timedelta(days=6)


def last_weeks(today: date, count: int = 8) -> Tuple[Week, ...]:
    """The ISO week of `today` and the `count - 1` weeks before it, oldest first."""
    this_monday = today - timedelta(days=today.weekday())
    weeks = []
    for back in range(count - 1, -1, -1):
        monday = this_monday - timedelta(weeks=back)
        year, week, _ = monday.isocalendar()
        weeks.append(Week(year, week, monday))
    return tuple(weeks)


def nice_step(maximum: int) -> int:
    """A step of 1, 2 or 5 times a power of ten giving at most about five grid lines."""
    if maximum <= 5:
        return 1
    raw = maximum / 5
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if factor * power >= raw:
            return int(factor * power)
    return int(10 * power)


def build_chart(
    counts: Mapping[Tuple[int, int], Counter], topic_labels: Mapping[str, str], weeks: Sequence[Week]
) -> Chart:
    weeks = tuple(weeks)
    keys = [w.key for w in weeks]
    seen: Counter[str] = Counter()
    for key in keys:
        seen.update(counts.get(key, Counter()))
    # Configuration order keeps each topic's colour stable; unknown topics come last.
    order: List[str] = [t for t in topic_labels if seen[t]] + sorted(
        t for t in seen if seen[t] and t not in topic_labels
    )
    colours: Dict[str, str] = {
        t: PALETTE[i % len(PALETTE)]
        for i, t in enumerate(list(topic_labels) + sorted(t for t in seen if t not in topic_labels))
    }
    series = tuple(
        Series(t, topic_labels.get(t, t), colours[t], tuple(counts.get(k, Counter())[t] for k in keys)) for t in order
    )
    totals = tuple(sum(counts.get(k, Counter()).values()) for k in keys)

    step = nice_step(max(totals, default=0))
    top_value = max(step, step * math.ceil(max(totals, default=0) / step))
    plot_height = HEIGHT - TOP - BOTTOM
    scale = plot_height / top_value
    baseline = HEIGHT - BOTTOM
    ticks = tuple(Tick(v, round(baseline - v * scale, 2)) for v in range(0, top_value + 1, step))

    slot = (WIDTH - LEFT - RIGHT) / max(len(weeks), 1)
    bar_width = round(slot * 0.6, 2)
    bars = []
    for index, week in enumerate(weeks):
        x = round(LEFT + index * slot + (slot - bar_width) / 2, 2)
        y: float = baseline
        segments = []
        for s in series:
            value = s.counts[index]
            if not value:
                continue
            height = value * scale
            y -= height
            segments.append(
                Segment(x, round(y, 2), bar_width, round(height, 2), s.fill, f"{week.label}, {s.label}: {value}")
            )
        bars.append(Bar(week, totals[index], tuple(segments), round(x + bar_width / 2, 2), round(y - 6, 2)))
    return Chart(weeks, series, tuple(bars), ticks, totals)
