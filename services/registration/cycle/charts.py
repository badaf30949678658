"""Horizontal bar charts as SVG rendered on the server, each with its figures in a table.

No script and no style attributes (the content security policy allows neither): the bars are
SVG shapes with presentation attributes, sized here and drawn by the template
``registration/cycle/_bar_chart.html`` (a page includes it with ``chart`` set). The SVG is
``role="img"`` named by its ``<title>``; the table beside it carries the same figures, for screen
readers and for copying.
"""

import dataclasses

#: px: the label column, the longest bar, one bar's height and the gap between bars
LABEL_WIDTH, BAR_MAX, BAR_HEIGHT, GAP = 220, 300, 22, 8
#: characters of a label drawn in the SVG (the table has the whole label)
LABEL_CHARS = 32
VALUE_WIDTH = 60


@dataclasses.dataclass(frozen=True)
class Bar:
    """One bar: its label and value, and where it is drawn."""

    label: str
    value: int
    y: int
    width: int

    @property
    def short_label(self):
        """The label as drawn (shortened with an ellipsis past LABEL_CHARS)."""
        text = str(self.label)
        return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "…"


@dataclasses.dataclass(frozen=True)
class Chart:
    """A chart's id, title, bars and size."""

    id: str
    title: str
    bars: tuple
    unit: str = ""

    label_width = LABEL_WIDTH
    bar_height = BAR_HEIGHT

    @property
    def width(self):
        """The SVG's width."""
        return LABEL_WIDTH + BAR_MAX + VALUE_WIDTH

    @property
    def height(self):
        """The SVG's height (one row when there are no bars, for the 'nothing yet' line)."""
        return max(len(self.bars), 1) * (BAR_HEIGHT + GAP) + GAP


def bar_chart(chart_id, title, rows, unit=""):
    """A Chart of ``rows`` [(label, value)], bars scaled to the largest value."""
    largest = max((value for _label, value in rows), default=0)
    bars = tuple(Bar(label, value, GAP + i * (BAR_HEIGHT + GAP),
                     round(BAR_MAX * value / largest) if largest else 0)
                 for i, (label, value) in enumerate(rows))
    return Chart(chart_id, str(title), bars, str(unit))
