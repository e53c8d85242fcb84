"""Charts for reports: PNG images that an email carries by Content-ID, drawn for 560 x 250 CSS
pixels and rendered at twice that (SCALE), so they stay sharp on a phone's or a laptop's screen.
The HTML gives each its CSS size (`css_size`) and lets it shrink to the column.

Every chart labels its lines and bars directly, so a reader needs no legend. Every value axis
includes zero: a line that moves $90 on $1,500 looks like a $90 move, not a spike. Output is
deterministic (no timestamp or version in the file): the same figures give the same bytes.
"""

from __future__ import annotations

import io
import re
import struct
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import matplotlib
from matplotlib.axes import Axes
from matplotlib.axis import Axis
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

# inches at DPI: the size in CSS pixels; the PNG has SCALE times as many pixels each way
WIDTH, HEIGHT, DPI, SCALE = 5.6, 2.5, 100, 2
INK = "#102a43"
MUTED = "#829ab1"
GOOD = "#1d7a46"
BAD = "#b42318"
PALETTE = ["#2563eb", "#d97706", "#0f766e", "#9333ea", "#be123c", "#4d7c0f", "#0369a1"]

matplotlib.rcParams.update(
    {
        "font.family": "DejaVu Sans",
        "font.size": 9,
        "axes.edgecolor": MUTED,
        "axes.labelcolor": INK,
        "axes.titlesize": 10.5,
        "axes.titleweight": "bold",
        "axes.titlecolor": INK,
        "xtick.color": INK,
        "ytick.color": INK,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "svg.hashsalt": "exec-reporting",
    }
)


@dataclass
class Series:
    name: str
    values: Sequence[float | None]
    dashed: bool = False
    color: str | None = None


class ChartImage(bytes):
    """A chart's PNG bytes, with the figures it labels ("JADA: $91.2K"), which the plain-text
    email and the image's alt text carry for a reader who cannot see it, and the range of its
    value axis."""

    key_numbers: tuple[str, ...] = ()
    value_axis: tuple[float, float] = (0.0, 0.0)


def _png(figure: Figure, key_numbers: Sequence[str], horizontal: bool = False) -> ChartImage:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI * SCALE, metadata={"Software": None})
    image = ChartImage(buffer.getvalue())
    image.key_numbers = tuple(key_numbers)
    axes = figure.axes[0]
    image.value_axis = tuple(axes.get_xlim() if horizontal else axes.get_ylim())  # type: ignore[assignment]
    return image


def css_size(png: bytes) -> tuple[int, int]:
    """The chart's width and height in CSS pixels: its PNG's pixels over SCALE."""
    if png[:8] != b"\x89PNG\r\n\x1a\n" or png[12:16] != b"IHDR":
        raise ValueError("not a PNG image")
    width, height = struct.unpack(">II", png[16:24])
    return round(width / SCALE), round(height / SCALE)


def _from_zero(axes: Axes) -> None:
    """Stretch the value axis to include zero (the axis of horizontal bars is x)."""
    low, high = axes.get_ylim()
    axes.set_ylim(min(low, 0.0), max(high, 0.0))


def _set_value_ticks(axis: Axis, label: Callable[[float], str]) -> None:
    """Label the value axis with `label`; if that writes two ticks the same (compact money on a
    narrow range), write plain numbers instead."""
    ticks = list(axis.get_ticklocs())
    # an axis needs no cents: "$500.00" -> "$500", "0,00 €" -> "0 €"
    texts = [re.sub(r"[.,]00(?!\d)", "", label(t)) for t in ticks]
    if len(set(texts)) < len(texts):
        texts = [f"{t:,.0f}" if abs(t) >= 10 else f"{t:,.2f}" for t in ticks]
    axis.set_major_formatter(
        FuncFormatter(
            lambda value, _pos: texts[ticks.index(value)] if value in ticks else label(value)
        )
    )


def _spread(positions: list[float], gap: float) -> list[float]:
    """Move end-of-line labels apart so that no two are closer than `gap` (in data units)."""
    order = sorted(range(len(positions)), key=lambda i: positions[i])
    placed = list(positions)
    for before, after in zip(order, order[1:], strict=False):
        if placed[after] - placed[before] < gap:
            placed[after] = placed[before] + gap
    return placed


def line_chart(
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    label: Callable[[float], str],
    zero_line: bool = True,
) -> ChartImage:
    """Lines over months; each line is named at its last point, with that point's value. The
    value axis includes zero; `zero_line` draws a rule at zero (for lines that cross it)."""
    figure = Figure(figsize=(WIDTH, HEIGHT))
    axes = figure.subplots()
    positions = list(range(len(labels)))
    ends = []  # (x, y, text, color) of each line's last point
    for index, line in enumerate(series):
        color = line.color or PALETTE[index % len(PALETTE)]
        points = [(x, y) for x, y in zip(positions, line.values, strict=True) if y is not None]
        if not points:
            continue
        xs, ys = zip(*points, strict=True)
        axes.plot(xs, ys, color=color, linewidth=2, linestyle="--" if line.dashed else "-")
        ends.append((xs[-1], ys[-1], f"{line.name}: {label(ys[-1])}", color))
    if zero_line:
        axes.axhline(0, color=MUTED, linewidth=0.8)
    # a line of costs between $1,420 and $1,510 on an axis from $1,420 looked like a spike
    _from_zero(axes)
    low, high = axes.get_ylim()
    placed = _spread([y for _, y, _, _ in ends], (high - low) * 0.075)
    for (x, y, text, color), label_y in zip(ends, placed, strict=True):
        axes.annotate(
            text,
            (x, y),
            xytext=(x + 0.25, label_y),
            textcoords="data",
            color=color,
            va="center",
            fontsize=8,
            annotation_clip=False,
        )
    step = max(1, -(-len(labels) // 6))  # at most six month labels
    axes.set_xticks(positions[::step], [labels[i] for i in positions[::step]])
    _set_value_ticks(axes.yaxis, label)
    axes.set_title(title, loc="left")
    axes.margins(x=0.02)
    figure.subplots_adjust(left=0.12, right=0.7, top=0.88, bottom=0.12)
    return _png(figure, [text for _, _, text, _ in ends])


def bar_chart(
    title: str,
    labels: Sequence[str],
    values: Sequence[float | None],
    label: Callable[[float], str],
    good: Sequence[bool | None] | None = None,
    targets: Sequence[float | None] | None = None,
) -> ChartImage:
    """Horizontal bars, each labelled with its value; green or red when good or bad is known,
    and a tick at its target when one is given."""
    figure = Figure(figsize=(WIDTH, max(1.4, 0.9 + 0.3 * len(labels))))
    axes = figure.subplots()
    positions = list(range(len(labels)))[::-1]
    numbers = [v if v is not None else 0.0 for v in values]
    colors = [
        GOOD if g is True else BAD if g is False else PALETTE[0]
        for g in (good or [None] * len(values))
    ]
    axes.barh(positions, numbers, color=colors, height=0.6)
    key_numbers = []
    for index, (y, value, raw) in enumerate(zip(positions, numbers, values, strict=True)):
        text = label(value) if raw is not None else "n/a"
        target = targets[index] if targets else None
        key_numbers.append(
            f"{labels[index]}: {text}" + (f" (tick {label(target)})" if target is not None else "")
        )
        axes.annotate(
            text,
            (value, y),
            xytext=(3 if value >= 0 else -3, 0),
            textcoords="offset points",
            ha="left" if value >= 0 else "right",
            va="center",
            fontsize=8,
            color=INK,
        )
    if targets:
        for y, target in zip(positions, targets, strict=True):
            if target is not None:
                axes.plot([target, target], [y - 0.4, y + 0.4], color=INK, linewidth=2)
    axes.set_yticks(positions, list(labels))
    axes.axvline(0, color=MUTED, linewidth=0.8)
    axes.set_title(title, loc="left")
    axes.margins(x=0.18)
    figure.tight_layout()
    _set_value_ticks(axes.xaxis, label)
    return _png(figure, key_numbers, horizontal=True)


def grouped_bar_chart(
    title: str,
    categories: Sequence[str],
    series: Sequence[Series],
    label: Callable[[float], str],
) -> ChartImage:
    """Vertical bars per category, one colour per series, named once above the chart."""
    figure = Figure(figsize=(WIDTH, HEIGHT))
    axes = figure.subplots()
    count = max(1, len(series))
    width = 0.8 / count
    for index, bars in enumerate(series):
        color = bars.color or PALETTE[index % len(PALETTE)]
        xs = [i + (index - (count - 1) / 2) * width for i in range(len(categories))]
        values = [v if v is not None else 0.0 for v in bars.values]
        axes.bar(xs, values, width=width * 0.95, color=color, label=bars.name)
    axes.set_xticks(range(len(categories)), list(categories), rotation=0)
    axes.axhline(0, color=MUTED, linewidth=0.8)
    axes.set_title(title, loc="left")
    if count > 1:
        # one row of names, in the series' colours, right under the title
        axes.legend(
            ncols=count, frameon=False, fontsize=8, loc="upper left", bbox_to_anchor=(0, 1.02)
        )
    figure.tight_layout()
    _set_value_ticks(axes.yaxis, label)
    key_numbers = [
        f"{category}: "
        + ", ".join(
            f"{bars.name} {label(v)}" if len(series) > 1 else label(v)
            for bars in series
            if (v := bars.values[i]) is not None
        )
        for i, category in enumerate(categories)
    ]
    return _png(figure, key_numbers)
