"""The report's chart, drawn on the server as a PNG for the Word file.

matplotlib's Agg canvas on a bare ``Figure``: no pyplot, so no global state shared between requests.

The page shows the same figures with the app's chart.js charts; both always sit beside their table.
"""

from __future__ import annotations

import io
import math

# GOV.UK blue for this quarter, mid grey for the comparison (also told apart by the legend and the table).
COLOURS = ("#1d70b8", "#b1b4b6")


def bar_chart_png(
    *,
    labels: list[str],
    series: list[tuple[str, list[float | None]]],
    value_label: str,
    percent: bool = False,
) -> bytes:
    """Grouped horizontal bars (long strand names read across), one group per label from the top,
    one bar per series; a missing value draws no bar. PNG bytes, 16 cm wide at 200 dpi."""
    # matplotlib takes about a second to import: loaded when a Word report is built, not by every
    # web and worker process that imports the commitments views.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    height = 1.0 + 0.12 * len(labels) * max(len(series), 1)
    figure = Figure(figsize=(6.3, height), dpi=200)
    canvas = FigureCanvasAgg(figure)
    axes = figure.subplots()
    bar = 0.8 / max(len(series), 1)
    for index, (name, values) in enumerate(series):
        positions = [i + (index - (len(series) - 1) / 2) * bar for i in range(len(labels))]
        widths = [math.nan if v is None else float(v) for v in values]
        axes.barh(positions, widths, height=bar, label=name, color=COLOURS[index % len(COLOURS)])
    axes.set_yticks(range(len(labels)), labels, fontsize=7)
    axes.invert_yaxis()  # the first label at the top, as in the table
    axes.set_xlabel(value_label, fontsize=8)
    axes.tick_params(axis="x", labelsize=7)
    axes.set_xlim(left=0)
    if percent:
        axes.xaxis.set_major_formatter(lambda value, _position: f"{value:g}%")
    axes.spines[["top", "right"]].set_visible(False)
    axes.grid(axis="x", color="#dddddd", linewidth=0.5)
    axes.set_axisbelow(True)
    if len(series) > 1:
        axes.legend(fontsize=7, frameon=False, loc="lower left", bbox_to_anchor=(0, 1), ncol=len(series))
    figure.tight_layout()
    buffer = io.BytesIO()
    canvas.print_png(buffer)
    return buffer.getvalue()
