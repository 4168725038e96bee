"""Host bars: CPU, RAM and disk of each host as stacked bars, one segment per workload.

A bar's scale is the largest of physical, schedulable and allocated capacity, so overcommit is
visible at a glance: ``│`` marks the physical capacity and ``┤`` the schedulable one
(``(physical − reserved) × ratio``); ``░`` is free usable capacity, ``▒`` what the host keeps
for itself, ``╌`` room the allocation ratio still allows beyond physical, and any allocation
past physical is drawn in ``$error``. The legend (:func:`legend`) shows each glyph as the bar
draws it, beside its words, with no separator that could be mistaken for a glyph. With many hosts only the selected workload's host gets
bars; the others get one summary line each (at most :data:`MAX_SUMMARIES`).
"""

from __future__ import annotations

from bisect import bisect_right
from functools import partial

from textual.content import Content

from virtlab.core.compute.capacity import ResourceLine
from virtlab.core.compute.memory import STATE_THRESHOLDS, HostMemory, MemState
from virtlab.core.compute.report import HostReport
from virtlab.core.hosts import HostStatus
from virtlab.core.state import Datacenter
from virtlab.course.i18n import t
from virtlab.ui.widgets.labtext import STATE_STYLE, Lines, memo, qty
from virtlab.ui.widgets.lines_view import LinesView, ViewContext
from virtlab.ui.widgets.storage_lines import render_datastores

#: More hosts than this and only the selected one is drawn with bars.
MANY_HOSTS = 3
MAX_SUMMARIES = 24
SEGMENT_STYLES = ("$accent", "$primary")
SEGMENT_GLYPHS = ("█", "▓")
ROOM_GLYPH = "╌"
#: The legend: each glyph as the bar draws it, and the key of its words (labp.legend.*).
LEGEND = (
    (Content.assemble(("█", SEGMENT_STYLES[0]), ("▓", SEGMENT_STYLES[1])), "segments"),
    (Content.styled("░", "$foreground-muted"), "free"),
    (Content.styled("▒", "$foreground-muted"), "reserved"),
    (Content.styled("│", "bold"), "physical"),
    (Content.styled(ROOM_GLYPH, "$foreground-muted"), "room"),
    (Content.styled("┤", "bold"), "schedulable"),
    (Content.styled("█", "bold $error"), "beyond"),
)


def legend(out: Lines, lang: str, width: int) -> None:
    """``█▓ workloads   ░ free   …``: glyphs in their bar styles, items three spaces apart,
    wrapped between items (never inside one unless it alone is wider than the view)."""
    items = [Content.assemble(glyph, " ", (t(f"labp.legend.{key}", lang), "$foreground-muted"))
             for glyph, key in LEGEND]
    row: list[Content] = []
    used = 0
    for item in items:
        cost = item.cell_length + (3 if row else 0)
        if row and used + cost > width:
            out.block(Content("   ").join(row), width)
            row, used, cost = [], 0, item.cell_length
        row.append(item)
        used += cost
    if row:
        out.block(Content("   ").join(row), width)


def allocations(dc: Datacenter, host: str) -> dict[str, list[tuple[str, float]]]:
    """Per resource, what each workload placed on ``host`` allocates (Placement's view)."""
    vms = dc.compute.vms_by_host.get(host, [])
    ctrs = dc.compute.containers_by_parent.get(("host", host), [])
    local = {d.name for d in dc.storage.local_to(host)}
    return {
        "cpu": [(v.name, float(v.vcpus)) for v in vms]
        + [(c.name, c.eff_cpu_request_m / 1000) for c in ctrs],
        "ram": [(v.name, v.memory_mib) for v in vms] + [(c.name, c.eff_mem_request_mib) for c in ctrs],
        "disk": [(v.name, sum(d.size_gib for d in v.disks if d.datastore in local)) for v in vms],
    }


def draw_bar(out: Lines, line: ResourceLine, segments: list[tuple[str, float]], width: int,
             selected: str | None) -> None:
    """One bar of ``width`` cells (plus the two markers) into ``out``."""
    usable = max(0.0, line.physical - line.reserved)
    scale = max(line.physical, line.schedulable, line.allocated, 1e-9)
    ends: list[float] = []
    total = 0.0
    for _name, amount in segments:
        total += amount
        ends.append(total)
    phys_at = round(line.physical / scale * width)
    sched_at = round(line.schedulable / scale * width)
    for i in range(width + 1):
        if i == phys_at:
            out.add("│", "bold")
        if i == sched_at and sched_at != phys_at:
            out.add("┤", "bold")
        if i == width:
            break
        v = (i + 0.5) * scale / width
        if v < total:
            k = bisect_right(ends, v)
            name = segments[min(k, len(segments) - 1)][0]
            style = SEGMENT_STYLES[k % 2]
            if name == selected:
                style = "$secondary"
            if v > line.physical:
                style = "bold $error"
            out.add(SEGMENT_GLYPHS[k % 2], style)
        elif v < usable:
            out.add("░", "$foreground-muted")
        elif v < line.physical:
            out.add("▒", "$foreground-muted")
        elif v < line.schedulable:
            out.add(ROOM_GLYPH, "$foreground-muted")
        else:
            out.add(" ")
    out.nl()


def _resource_label(res: str, lang: str, with_containers: bool = False) -> str:
    """vCPU / RAM / disk; CPU counted in cores when host containers' requests are in it."""
    if res == "cpu" and with_containers:
        return t("labp.bars.cpu_mixed", lang)
    return t({"cpu": "lab.vcpu", "ram": "lab.ram", "disk": "lab.disk"}[res], lang)


def host_header(out: Lines, h: HostReport, lang: str, width: int = 0) -> None:
    up = h.status is HostStatus.UP
    head = Lines()
    head.add(h.name, "bold").add(f" · {h.hypervisor} ({h.hypervisor_type}) · ")
    head.add(t(f"labp.host_status.{h.status}", lang), "" if up else "bold $error")
    m = h.memory
    head.add(" · " + t("labp.bars.memory_state", lang) + " ")
    head.add(t(f"labp.mem_state.{m.state_before.value}", lang), STATE_STYLE[m.state_before.value])
    if m.state_after != m.state_before:
        head.add(" → ").add(t(f"labp.mem_state.{m.state_after.value}", lang),
                            STATE_STYLE[m.state_after.value])
    out.block(head.content(), width or 10_000, "", "  ")
    if h.fits:
        fits = " · ".join(f"{name.removeprefix('m1.')} {n}" for name, n in h.fits.items())
        out.block(Content.styled(t("labp.bars.fits", lang, fits=fits), "$foreground-muted"),
                  width or 10_000, "  ")


def _state_rule(state: MemState, lang: str) -> str:
    """``≥ 64%`` / ``< 16%`` of minFree: the engine's own thresholds, so the words follow it."""
    shares = dict(STATE_THRESHOLDS)
    if state in shares:
        return t("labp.memx.at_least", lang, pct=f"{shares[state] * 100:g}")
    return t("labp.memx.under", lang, pct=f"{STATE_THRESHOLDS[-1][1] * 100:g}")


def memory_states(out: Lines, m: HostMemory, lang: str, width: int) -> None:
    """Under a host whose memory is short (not ``high``): why its state moves from one to the
    other — free memory before reclaiming, what reclaiming does — and the ESXi scale of
    states (vSphere Resource Management: free memory against minFree)."""
    if m.state_before is MemState.HIGH and m.state_after is MemState.HIGH:
        return
    techniques = ", ".join(t(f"labp.technique.{x}", lang) for x in m.techniques)
    key = "labp.memx.moved" if m.state_after != m.state_before else "labp.memx.stays"
    if key == "labp.memx.moved" and m.free_before_mib < 0:
        key = "labp.memx.moved_over"  # the guests want more than the host has
    why = t(key, lang, state_before=m.state_before.value, state_after=m.state_after.value,
            before=_state_rule(m.state_before, lang), after=_state_rule(m.state_after, lang),
            free_before=qty("ram", m.free_before_mib), free_after=qty("ram", m.free_after_mib),
            over=qty("ram", -m.free_before_mib), min_free=qty("ram", m.min_free_mib),
            techniques=techniques or "—")
    out.block(Content.styled(why, "$foreground-muted"), width, "  ")
    scale = " · ".join(t("labp.memx.item", lang, state=s.value, rule=_state_rule(s, lang),
                         does=t(f"labp.memx.does.{s.value}", lang)) for s in MemState if s is not MemState.DOWN)
    out.block(Content.styled(t("labp.memx.scale", lang, states=scale), "$foreground-muted"), width,
              "  ")


def host_block(out: Lines, h: HostReport, ctx: ViewContext) -> None:
    dc, width, lang = ctx.state, ctx.width, ctx.lang
    host_header(out, h, lang, width)
    memory_states(out, h.memory, lang, width)
    alloc = allocations(dc, h.name)
    with_containers = bool(dc.compute.containers_by_parent.get(("host", h.name)))
    for res, line in h.lines.items():
        label = _resource_label(res, lang, with_containers)
        over = line.overcommit
        text = Lines().add(f"{label} ", "bold")
        key = ("labp.bars.line_after_ratio" if line.reserve_after_ratio
               else "labp.bars.line" if line.reserved > 0 else "labp.bars.line_no_reserve")
        text.add(t(key, lang, allocated=qty(res, line.allocated),
                   physical=qty(res, line.physical), reserved=qty(res, line.reserved),
                   ratio=f"{line.ratio:g}", schedulable=qty(res, line.schedulable)))
        text.add(" · ")
        text.add(f"{over:.2f}:1",
                 "bold $error" if line.over_capacity else "$warning" if over > 1 else "$success")
        out.block(text.content(), width, "  ", "    ")
        out.add("  ")
        draw_bar(out, line, alloc.get(res, []), max(8, width - 4), ctx.selected)


def host_summary(out: Lines, h: HostReport, lang: str) -> None:
    cpu, ram = h.lines["cpu"], h.lines["ram"]
    m = h.memory.state_after.value
    out.add(f"  {h.name} ", "bold")
    out.add(t(f"labp.host_status.{h.status}", lang), "" if h.status is HostStatus.UP else "bold $error")
    out.add(f" · vCPU {cpu.overcommit:.2f}:1 · RAM {ram.overcommit:.2f}:1 · ")
    out.add(t(f"labp.mem_state.{m}", lang), STATE_STYLE[m])
    if "m1.medium" in h.fits:
        out.add(" · " + t("labp.bars.fits", lang, fits=f"medium {h.fits['m1.medium']}"))
    out.nl()


def render_hosts(ctx: ViewContext) -> Lines:
    """The whole view (also its plain-text twin through ``Lines.plain``)."""
    report, dc, selected, lang = ctx.report, ctx.state, ctx.selected, ctx.lang
    out = Lines()
    if not report.hosts:
        return out.line(t("labp.bars.no_hosts", lang))
    if len(report.hosts) <= MANY_HOSTS:
        for h in report.hosts:
            host_block(out, h, ctx)
        legend(out, lang, ctx.width)
        render_datastores(out, ctx)
        return out
    focus = dc.host_of(selected) if selected else None
    main = report.host(focus) if focus else None
    main = main or report.hosts[0]
    host_block(out, main, ctx)
    memo(out, ctx.memo, ("legend", lang, ctx.width), LEGEND, partial(legend, lang=lang, width=ctx.width))
    others = [h for h in report.hosts if h.name != main.name]
    out.line(t("labp.bars.others", lang, n=len(others)), "bold")
    for h in others[:MAX_SUMMARIES]:  # an unchanged host's line as it was drawn before
        memo(out, ctx.memo, ("summary", lang), h, partial(host_summary, h=h, lang=lang))
    if len(others) > MAX_SUMMARIES:
        out.line("  " + t("labp.bars.more_hosts", lang, n=len(others) - MAX_SUMMARIES))
    return out


class HostBars(LinesView):
    """Stacked capacity bars per host (see the module docstring for the glyphs)."""

    LINEWISE = True

    def lines_for(self, context: ViewContext) -> Lines:
        return render_hosts(context)
