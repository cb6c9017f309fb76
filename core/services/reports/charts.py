"""Charts drawn on the server with matplotlib: SVG for the panel, PNG for the bot and PDF.

Only matplotlib's object API is used (no pyplot and its global state), so a chart can be
drawn in a worker thread while the event loop goes on; `render_*` are the async entry
points. Text stays text in the SVG (small, selectable, in the page's font).
"""

from __future__ import annotations

import asyncio
import io

import matplotlib

matplotlib.use("Agg")

from matplotlib.figure import Figure

from core.services.reports.base import Chart

matplotlib.rcParams.update(
    {
        "svg.fonttype": "none",
        "svg.hashsalt": "ona",
        "font.family": "DejaVu Sans",
        "font.size": 9,
        "axes.spines.top": False,
        "axes.spines.right": False,
    }
)
COLOURS = ["#1f6f8b", "#e0a030", "#5b8c5a", "#b5475c", "#7a6fb0", "#6b6b6b"]
MAX_BARS = 30


def _figure(chart: Chart) -> Figure:
    labels = chart.labels[:MAX_BARS]
    width = max(6.0, min(14.0, 0.6 * len(labels) + 3))
    figure = Figure(figsize=(width, 3.6), dpi=100, layout="constrained")
    axes = figure.add_subplot()
    series = list(chart.series.items())
    positions = range(len(labels))
    if chart.kind == "line":
        for index, (name, values) in enumerate(series):
            axes.plot(
                labels,
                values[: len(labels)],
                marker="o",
                label=name,
                color=COLOURS[index % len(COLOURS)],
            )
    elif chart.kind == "stacked":
        bottom = [0.0] * len(labels)
        for index, (name, values) in enumerate(series):
            cut = values[: len(labels)]
            axes.bar(
                positions, cut, bottom=bottom, label=name, color=COLOURS[index % len(COLOURS)]
            )
            bottom = [b + v for b, v in zip(bottom, cut, strict=True)]
        axes.set_xticks(list(positions), labels)
    else:
        step = 0.8 / max(1, len(series))
        for index, (name, values) in enumerate(series):
            shifted = [p - 0.4 + step * (index + 0.5) for p in positions]
            axes.bar(
                shifted,
                values[: len(labels)],
                width=step,
                label=name,
                color=COLOURS[index % len(COLOURS)],
            )
        axes.set_xticks(list(positions), labels)
    if len(labels) > 6:
        axes.tick_params(axis="x", labelrotation=30)
        for tick in axes.get_xticklabels():
            tick.set_horizontalalignment("right")
    if chart.y_label:
        axes.set_ylabel(chart.y_label)
    axes.grid(axis="y", alpha=0.3)
    if len(series) > 1 or chart.kind == "stacked":
        axes.legend(frameon=False)
    return figure


def _svg(chart: Chart) -> str:
    buffer = io.StringIO()
    _figure(chart).savefig(buffer, format="svg")
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def _png(chart: Chart) -> bytes:
    buffer = io.BytesIO()
    _figure(chart).savefig(buffer, format="png", dpi=120)
    return buffer.getvalue()


async def render_svg(chart: Chart) -> str:
    return await asyncio.to_thread(_svg, chart)


async def render_png(chart: Chart) -> bytes:
    return await asyncio.to_thread(_png, chart)
