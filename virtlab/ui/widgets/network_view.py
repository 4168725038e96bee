"""The network view: who can reach whom, and why not.

From the report's :attr:`~virtlab.core.report.Report.network`: the reachability matrix as a
grid of ✓ / ✗ (the workloads numbered down the side), then for the selected workload each
destination with the reason its packet is dropped, worded from the hop's code (``leaf-1 port
3: trunk does not allow VLAN 30``), and the segments (VLANs and VNIs) with who is on them.
Marks carry the verdict as well as colour.
"""

from __future__ import annotations

from textual.message import Message

from virtlab.course.i18n import t
from virtlab.course.trace_text import cell_text
from virtlab.ui.widgets.labtext import Lines
from virtlab.ui.widgets.lines_view import LinesView, ViewContext

#: Above this many workloads the grid is left out (the list for the selected one stays).
GRID_MAX = 12


def network_lines(ctx: ViewContext) -> Lines:
    out = Lines()
    lang, net = ctx.lang, ctx.report.network
    if net is None:
        return out.line(t("labp.network.none", lang), "$foreground-muted")
    width = ctx.width or 10_000
    names = net.workloads
    out.line(t("labp.network.title", lang, probe=net.probe), "bold")
    if 1 < len(names) <= GRID_MAX:
        out.add("    " + " ".join(f"{i + 1:>2}" for i in range(len(names)))).nl()
        for i, src in enumerate(names):
            out.add(f"{i + 1:>2}  ")
            for j, dst in enumerate(names):
                cell = net.cell(src, dst) if dst != src else None
                if cell is None:
                    out.add(" · ")
                else:  # a click on a cell walks its trace in the topology view
                    click = f" @click=trace_pair({i},{j})"
                    out.add(" ✓ " if cell.ok else " ✗ ", ("$success" if cell.ok else "bold $error") + click)
            out.add(f"  {src}").nl()
        out.line(t("labp.network.click", lang), "$foreground-muted")
    chosen = ctx.selected if ctx.selected in names else (names[0] if names else None)
    if chosen is not None:
        out.line(t("labp.network.from", lang, name=chosen), "bold")
        for dst in names:
            cell = net.cell(chosen, dst)
            if cell is None:
                continue
            mark, style = ("✓", "$success") if cell.ok else ("✗", "bold $error")
            row = Lines().add(f"  {mark} ", style).add(f"{dst}: ")
            row.add(cell_text(cell, lang), "" if cell.ok else "$error")
            out.block(row.content(), width, "", "      ")
    for seg in net.segments:
        label = (f"VLAN {seg.id}" if seg.kind == "vlan" else f"VNI {seg.id}") if seg.id is not None else seg.name
        who = ", ".join(seg.vnics) or "—"
        out.wrapped("  ", t("labp.network.segment", lang, segment=label, name=seg.name, who=who), width,
                    "$foreground-muted")
    if net.cut:
        out.line(t("labp.network.cut", lang, n=len(names)), "$warning")
    return out


class NetworkView(LinesView):
    """The reachability of the lab's workloads; a click on a cell of the grid asks the lab
    panel to walk that pair's trace (:class:`TracePair`)."""

    class TracePair(Message):
        """Walk the trace from ``src`` to ``dst`` (a cell of the grid was clicked)."""

        def __init__(self, src: str, dst: str) -> None:
            super().__init__()
            self.src, self.dst = src, dst

    def lines_for(self, context: ViewContext) -> Lines:
        return network_lines(context)

    def action_trace_pair(self, i: int, j: int) -> None:
        net = self._view_context.report.network if self._view_context is not None else None
        if net is not None and 0 <= i < len(net.workloads) and 0 <= j < len(net.workloads) and i != j:
            self.post_message(self.TracePair(net.workloads[i], net.workloads[j]))
