"""The topology view: the lab's network drawn from its state (:mod:`.topology_text`) under
the packet-trace stepper (:mod:`.trace_stepper`), which walks the trace from the selected
workload one hop per key and lights each hop's node in the drawing, its words set under it.

Keys (on the lab panel, where the focus is, shown only while this view is on show): ``.``
the next hop, ``,`` the one before (both wrap round), ``T`` the next destination. Selecting
another workload in the table walks from it, from its first hop. The view scrolls to keep
the lit node in sight, the header too when the view is tall enough.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Protocol

from textual.binding import Binding
from textual.containers import ScrollableContainer
from textual.reactive import var

from virtlab.ui.widgets.labtext import Lines
from virtlab.ui.widgets.lines_view import LinesView, ViewContext
from virtlab.ui.widgets.topology_cards import MARK
from virtlab.ui.widgets.topology_text import draw_topology
from virtlab.ui.widgets.trace_stepper import Stepper, callout, next_destination, stepper_lines, walk

__all__ = ["TRACE_BINDINGS", "TopologyView", "TraceKeys"]

#: The stepper's keys, in the lab panel's bindings (none of the lab's other keys, the table's
#: arrows or the lesson's ``n``/``p``).
TRACE_BINDINGS = [
    Binding("full_stop", "trace_step(1)", "Trace: the next hop", key_display=".", id="trace-next"),
    Binding("comma", "trace_step(-1)", "Trace: the hop before", key_display=",", id="trace-back"),
    Binding("T", "trace_destination", "Trace: the next destination", id="trace-destination"),
]


class TopologyView(LinesView):
    """The network's topology with the packet-trace stepper on top."""

    stepper: var[Stepper] = var(Stepper, init=False)
    """The destination the stepper walks to and the hop it is on."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._rows = 0

    def show(self, context: ViewContext) -> None:
        before = self._view_context
        if before is not None and before.selected != context.selected:
            self.set_reactive(TopologyView.stepper, replace(self.stepper, index=0))  # walk from the new source
        super().show(context)
        self._follow()

    def lines_for(self, context: ViewContext) -> Lines:
        w = walk(context, self.stepper)
        drawing = Lines()
        placed = draw_topology(context, callout(w, context.lang) if w is not None else None, drawing)
        return stepper_lines(context, w, with_hop=w is not None and not placed).extend(drawing)

    def watch_stepper(self) -> None:
        self._draw()
        self._follow()

    def step(self, delta: int) -> None:
        """Move the stepper ``delta`` hops (back if negative), wrapping round."""
        if self._view_context is not None and (w := walk(self._view_context, self.stepper)) is not None:
            self.stepper = replace(self.stepper, index=w.index).moved(delta, len(w.steps))

    def next_destination(self) -> None:
        """Walk to the next destination, from the first hop."""
        if self._view_context is not None:
            self.stepper = next_destination(self._view_context, self.stepper)

    def _follow(self) -> None:
        """Scroll the view so the lit node and its words show (the header too if it fits)."""
        scroller = self.parent
        if not isinstance(scroller, ScrollableContainer):
            return
        rows = self.as_text().split("\n")
        lit = next((i for i, line in enumerate(rows) if MARK in line), None)
        if lit is None:
            return
        grew, self._rows = len(rows) > self._rows, len(rows)
        height = max(1, scroller.scrollable_content_region.height)
        end = lit + 4  # the words under the node (most take one to four lines)
        y = 0 if end < height else max(0, min(lit - 1, end - height + 1))
        scroller.scroll_to(y=y, animate=False, immediate=True)
        if grew:  # the new height is laid out after this frame: scroll again then
            self.call_after_refresh(scroller.scroll_to, y=y, animate=False, immediate=True)


class _Panel(Protocol):
    @property
    def view(self) -> str: ...
    def query_one(self, selector: type[TopologyView]) -> TopologyView: ...


class TraceKeys:
    """Mixed into LabPanel: the stepper's keys act on its topology view."""

    def action_trace_step(self: _Panel, delta: int) -> None:
        if self.view == "topology":
            self.query_one(TopologyView).step(delta)

    def action_trace_destination(self: _Panel) -> None:
        if self.view == "topology":
            self.query_one(TopologyView).next_destination()
