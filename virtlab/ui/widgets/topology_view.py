"""The topology view: the lab's network drawn from its state (:mod:`.topology_text`) under
the packet-trace stepper (:mod:`.trace_stepper`), which walks the trace from the selected
workload one hop per key and lights each hop's node in the drawing, its words set under it.

Keys (on the lab panel, where the focus is, shown only while this view is on show): ``.``
the next hop, ``,`` the one before (both wrap round), ``T`` the next destination, ``P`` the
next probe (the matrix's own, a 1500- or 1400-byte ping, ssh, telnet, http, postgres). Selecting
another workload in the table walks from it, from its first hop. The stepper's header is
docked at the top of the view's scroller (:class:`StepperHeader`), and the drawing scrolls
under it to keep the lit node and its words in sight.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Protocol

from textual.binding import Binding
from textual.containers import ScrollableContainer
from textual.reactive import var
from textual.widgets import Static

from virtlab.ui.widgets.labtext import Lines
from virtlab.ui.widgets.lines_view import LinesView, ViewContext
from virtlab.ui.widgets.network_view import NetworkView
from virtlab.ui.widgets.repaint import needs_layout
from virtlab.ui.widgets.topology_cards import MARK
from virtlab.ui.widgets.topology_text import draw_topology
from virtlab.ui.widgets.trace_stepper import (
    Stepper,
    callout,
    next_destination,
    next_probe,
    stepper_lines,
    walk,
)

__all__ = ["TRACE_BINDINGS", "StepperHeader", "TopologyView", "TraceKeys"]

#: The stepper's keys, in the lab panel's bindings (none of the lab's other keys, the table's
#: arrows or the lesson's ``n``/``p``).
TRACE_BINDINGS = [
    Binding("full_stop", "trace_step(1)", "Trace: the next hop", key_display=".", id="trace-next"),
    Binding("comma", "trace_step(-1)", "Trace: the hop before", key_display=",", id="trace-back"),
    Binding("T", "trace_destination", "Trace: the next destination", id="trace-destination"),
    Binding("P", "trace_probe", "Trace: another probe", id="trace-probe"),
]


#: A view fewer lines high than this has the hop's words in its header as well.
LOW = 9


class StepperHeader(Static):
    """The stepper's header, docked at the top of the view's scroller so it stays in sight
    while the drawing scrolls under it."""

    DEFAULT_CSS = """
    StepperHeader { dock: top; height: auto; background: $surface; }
    """


class TopologyView(LinesView):
    """The network's topology with the packet-trace stepper on top."""

    stepper: var[Stepper] = var(Stepper, init=False)
    """The destination the stepper walks to and the hop it is on."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._header = StepperHeader()
        self._header_lines = Lines()

    def on_mount(self) -> None:
        if isinstance(self.parent, ScrollableContainer):
            self.parent.mount(self._header, before=self)

    def show(self, context: ViewContext) -> None:
        before = self._view_context
        if before is not None and before.selected != context.selected:
            self.set_reactive(TopologyView.stepper, replace(self.stepper, index=0))  # walk from the new source
        super().show(context)
        self._follow()

    def lines_for(self, context: ViewContext) -> Lines:
        """The drawing; the header goes to the docked :class:`StepperHeader` (or on top of
        the drawing when the view has no scroller to dock it in)."""
        w = walk(context, self.stepper)
        drawing = Lines()
        placed = draw_topology(context, callout(w, context.lang) if w is not None else None, drawing)
        # A view only a few lines high (80×24) has the hop's words in the header too.
        low = isinstance(self.parent, ScrollableContainer) and 0 < self.parent.size.height < LOW
        header = stepper_lines(context, w, with_hop=w is not None and (low or not placed))
        if not self._header.is_mounted:
            return header.extend(drawing)
        plain = header.plain()
        if plain != self._header_lines.plain():
            self._header.update(header.content(), layout=needs_layout(self._header_lines.plain(), plain,
                                                                      context.width))
        self._header_lines = header
        return drawing

    def as_text(self) -> str:
        """The plain-text twin: the stepper's header, then the drawing."""
        if not self._header.is_mounted:
            return super().as_text()
        return f"{self._header_lines.plain()}\n{super().as_text()}"

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

    def next_probe(self) -> None:
        """Send the next probe (another size or service), from the first hop."""
        if self._view_context is not None:
            self.stepper = next_probe(self._view_context, self.stepper)

    def _follow(self) -> None:
        """Scroll the drawing so the lit node and its words show under the header."""
        self._scroll_to_lit()
        # What a key changed elsewhere (a longer status line, the drawing's new height) is laid
        # out after this handler: scroll again then, by the new sizes.
        self.call_after_refresh(self._scroll_to_lit)

    def _scroll_to_lit(self) -> None:
        scroller = self.parent
        if not isinstance(scroller, ScrollableContainer):
            return
        height = scroller.scrollable_content_region.height - (
            self._header.outer_size.height if self._header.is_mounted else 0)  # the docked header
        lit = next((i for i, line in enumerate(super().as_text().split("\n")) if MARK in line), None)
        if lit is None or height <= 0:
            return
        end = lit + 4  # the words under the node (most take one to four lines)
        # From the top if all of that fits; else from the line above the node (from the node
        # itself when the view is only a few lines high, as at 80×24).
        y = 0 if end < height else max(0, lit - 1 if height >= 6 else lit)
        scroller.scroll_to(y=y, animate=False, immediate=True)


class _Pairing(Protocol):
    view: str
    table: Any
    def query_one(self, selector: type[TopologyView]) -> TopologyView: ...


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

    def action_trace_probe(self: _Panel) -> None:
        if self.view == "topology":
            self.query_one(TopologyView).next_probe()

    def on_network_view_trace_pair(self: _Pairing, event: NetworkView.TracePair) -> None:
        """A cell of the reachability grid: its source selected in the table, the topology
        view shown, walking from the first hop to its destination."""
        event.stop()
        self.table.select(event.src)
        view = self.query_one(TopologyView)
        view.stepper = Stepper(event.dst, 0, view.stepper.probe)
        self.view = "topology"
