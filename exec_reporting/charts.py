"""Charts for reports: small PNG images (640 x 280 px) that an email carries by Content-ID.

Every chart labels its lines and bars directly, so a reader needs no legend. Output is
deterministic (no timestamp or version in the file): the same figures give the same bytes.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import matplotlib
from matplotlib.axis import Axis
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

WIDTH, HEIGHT, DPI = 6.4, 2.8, 100
INK = "#102a43"
MUTED = "#829ab1"
GOOD = "#1d7a46"
BAD = "#b42318"
PALETTE = ["#2563eb", "#d97706", "#0f766e", "#9333ea", "#be123c", "#4d7c0f", "#0369a1"]

matplotlib.rcParams.update(
    {
        "font.family": "DejaVu Sans",
        "font.size": 8,
        "axes.edgecolor": MUTED,
        "axes.labelcolor": INK,
        "axes.titlesize": 10,
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


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


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
) -> bytes:
    """Lines over months; each line is named at its last point, with that point's value."""
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
            fontsize=7,
            annotation_clip=False,
        )
    step = max(1, -(-len(labels) // 6))  # at most six month labels
    axes.set_xticks(positions[::step], [labels[i] for i in positions[::step]])
    _set_value_ticks(axes.yaxis, label)
    axes.set_title(title, loc="left")
    axes.margins(x=0.02)
    figure.subplots_adjust(left=0.12, right=0.74, top=0.88, bottom=0.12)
    return _png(figure)


def bar_chart(
    title: str,
    labels: Sequence[str],
    values: Sequence[float | None],
    label: Callable[[float], str],
    good: Sequence[bool | None] | None = None,
    targets: Sequence[float | None] | None = None,
) -> bytes:
    """Horizontal bars, each labelled with its value; green or red when good or bad is known,
    and a tick at its target when one is given."""
    figure = Figure(figsize=(WIDTH, max(1.4, 0.9 + 0.34 * len(labels))))
    axes = figure.subplots()
    positions = list(range(len(labels)))[::-1]
    numbers = [v if v is not None else 0.0 for v in values]
    colors = [
        GOOD if g is True else BAD if g is False else PALETTE[0]
        for g in (good or [None] * len(values))
    ]
    axes.barh(positions, numbers, color=colors, height=0.6)
    for y, value, raw in zip(positions, numbers, values, strict=True):
        text = label(value) if raw is not None else "n/a"
        axes.annotate(
            text,
            (value, y),
            xytext=(3 if value >= 0 else -3, 0),
            textcoords="offset points",
            ha="left" if value >= 0 else "right",
            va="center",
            fontsize=7,
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
    return _png(figure)


def grouped_bar_chart(
    title: str,
    categories: Sequence[str],
    series: Sequence[Series],
    label: Callable[[float], str],
) -> bytes:
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
            ncols=count, frameon=False, fontsize=7, loc="upper left", bbox_to_anchor=(0, 1.02)
        )
    figure.tight_layout()
    _set_value_ticks(axes.yaxis, label)
    return _png(figure)
