"""Charts for reports: small PNG images (640 x 280 px) that an email carries by Content-ID.

Every chart labels its lines and bars directly, so a reader needs no legend. Output is
deterministic (no timestamp or version in the file): the same figures give the same bytes.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402  (the backend must be chosen first)
from matplotlib.ticker import FuncFormatter  # noqa: E402

WIDTH, HEIGHT, DPI = 6.4, 2.8, 100
INK = "#102a43"
MUTED = "#829ab1"
GOOD = "#1d7a46"
BAD = "#b42318"
PALETTE = ["#2563eb", "#d97706", "#0f766e", "#9333ea", "#be123c", "#4d7c0f", "#0369a1"]

plt.rcParams.update(
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


def _png(figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    plt.close(figure)
    return buffer.getvalue()


def _axis_formatter(label: Callable[[float], str]) -> FuncFormatter:
    return FuncFormatter(lambda value, _pos: label(value))


def line_chart(
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    label: Callable[[float], str],
    zero_line: bool = True,
) -> bytes:
    """Lines over months; each line is named at its last point, with that point's value."""
    figure, axes = plt.subplots(figsize=(WIDTH, HEIGHT))
    positions = list(range(len(labels)))
    for index, line in enumerate(series):
        color = line.color or PALETTE[index % len(PALETTE)]
        points = [(x, y) for x, y in zip(positions, line.values, strict=True) if y is not None]
        if not points:
            continue
        xs, ys = zip(*points, strict=True)
        axes.plot(xs, ys, color=color, linewidth=2, linestyle="--" if line.dashed else "-")
        axes.annotate(
            f"{line.name}: {label(ys[-1])}",
            (xs[-1], ys[-1]),
            xytext=(4, 0),
            textcoords="offset points",
            color=color,
            va="center",
            fontsize=7,
        )
    if zero_line:
        axes.axhline(0, color=MUTED, linewidth=0.8)
    step = max(1, len(labels) // 8)
    axes.set_xticks(positions[::step], [labels[i] for i in positions[::step]])
    axes.yaxis.set_major_formatter(_axis_formatter(label))
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
    figure, axes = plt.subplots(figsize=(WIDTH, max(1.4, 0.9 + 0.34 * len(labels))))
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
    axes.xaxis.set_major_formatter(_axis_formatter(label))
    axes.set_title(title, loc="left")
    axes.margins(x=0.18)
    figure.tight_layout()
    return _png(figure)


def grouped_bar_chart(
    title: str,
    categories: Sequence[str],
    series: Sequence[Series],
    label: Callable[[float], str],
) -> bytes:
    """Vertical bars per category, one colour per series, named once above the chart."""
    figure, axes = plt.subplots(figsize=(WIDTH, HEIGHT))
    count = max(1, len(series))
    width = 0.8 / count
    for index, bars in enumerate(series):
        color = bars.color or PALETTE[index % len(PALETTE)]
        xs = [i + (index - (count - 1) / 2) * width for i in range(len(categories))]
        values = [v if v is not None else 0.0 for v in bars.values]
        axes.bar(xs, values, width=width * 0.95, color=color, label=bars.name)
    axes.set_xticks(range(len(categories)), list(categories), rotation=0)
    axes.yaxis.set_major_formatter(_axis_formatter(label))
    axes.axhline(0, color=MUTED, linewidth=0.8)
    axes.set_title(title, loc="left")
    if count > 1:
        # one row of names, in the series' colours, right under the title
        axes.legend(
            ncols=count, frameon=False, fontsize=7, loc="upper left", bbox_to_anchor=(0, 1.02)
        )
    figure.tight_layout()
    return _png(figure)
