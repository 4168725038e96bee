"""The contention view: who wants how much CPU and gets it, memory pressure and reclamation,
and, for containers, QoS class, ``oom_score_adj``, cgroup values and who is OOM-killed and why.

CPU ready is the engine's *estimate*, banded per vCPU as VMware KB 2002181 does: < 5 %
healthy, 5–10 % warning, ≥ 10 % a problem. With many hosts only the selected workload's host
is shown, and at most :data:`MAX_ROWS` workloads of it.
"""

from __future__ import annotations

from functools import partial

from virtlab.core.compute.containers import MIB
from virtlab.core.compute.report import HostReport, RowStatus, WorkloadReport
from virtlab.core.units import fmt_mib
from virtlab.course.i18n import t
from virtlab.ui.widgets.host_bars import MANY_HOSTS
from virtlab.ui.widgets.labtext import (
    STATE_STYLE,
    Lines,
    memo,
    ready_mark,
    shortfall_text,
    status_text,
)
from virtlab.ui.widgets.lines_view import LinesView, ViewContext

MAX_ROWS = 40
W_NAME, W_NUM, W_READY = 16, 10, 22


def _mem_max(raw: str) -> str:
    return raw if raw == "max" else fmt_mib(int(raw) / MIB)


def host_lines(out: Lines, h: HostReport, lang: str, width: int = 0) -> None:
    m = h.memory
    wrap_at = width or 10_000
    cpu = Lines().add(h.name, "bold").add(" · ")
    cpu.add(t("labp.cont.cpu_host", lang, demand=f"{h.cpu_demand_mhz:,.0f}",
              entitled=f"{h.cpu_entitled_mhz:,.0f}", capacity=f"{h.cpu_capacity_mhz:,.0f}"))
    out.block(cpu.content(), wrap_at, "", "  ")
    mem = Lines().add(t("labp.cont.mem_host", lang, min_free=fmt_mib(m.min_free_mib),
                        free=fmt_mib(m.free_before_mib), after=fmt_mib(m.free_after_mib)) + " ")
    mem.add(t(f"labp.mem_state.{m.state_before.value}", lang), STATE_STYLE[m.state_before.value])
    mem.add(" → ").add(t(f"labp.mem_state.{m.state_after.value}", lang),
                       STATE_STYLE[m.state_after.value])
    out.block(mem.content(), wrap_at, "  ", "    ")
    techniques = ", ".join(t(f"labp.technique.{x}", lang) for x in m.techniques) or "—"
    out.wrapped("  ", t("labp.cont.techniques", lang, techniques=techniques), wrap_at)


def header(out: Lines, lang: str) -> None:
    out.cell("  " + t("labp.col.name", lang), W_NAME + 2, "bold")
    out.cell(t("labp.cont.demand", lang), W_NUM, "bold")
    out.cell(t("labp.cont.entitled", lang), W_NUM, "bold")
    out.cell(t("labp.cont.ready", lang), W_READY, "bold")
    out.line(t("labp.cont.memory", lang), "bold")


def _first_line(row: Lines, w: WorkloadReport, lang: str, indent: str, killed: bool) -> None:
    """Name, CPU want / got / ready and memory of one workload (no line end)."""
    row.cell(f"  {indent}{w.name}", W_NAME + 2, "bold" if w.status is RowStatus.RUNNING else "bold $error")
    if w.cpu is None or killed:  # an OOM-killed container uses no CPU
        row.cell("—", W_NUM).cell("—", W_NUM).cell(status_text(w.status, lang), W_READY, "$error")
    else:
        row.cell(f"{w.cpu.demand_mhz:,.0f}", W_NUM).cell(f"{w.cpu.entitlement_mhz:,.0f}", W_NUM)
        if w.kind == "vm":
            mark, style, _level = ready_mark(w.cpu.wait_pct)
            text = f"{mark} {w.cpu.ready_pct:.1f}%"
            if w.cpu.costop_pct >= 0.05:
                text += f" + cs {w.cpu.costop_pct:.1f}%"
            row.cell(text, W_READY, style)
        else:
            row.cell(t("labp.cont.unmet", lang, pct=f"{w.cpu.ready_pct:.0f}"), W_READY)
    if w.kind == "vm":
        m = w.vm_memory
        if m is None:
            return
        row.add(t("labp.cont.vm_mem", lang, consumed=fmt_mib(m.consumed_mib),
                  active=fmt_mib(m.active_mib)))
        taken = [(k, v) for k, v in (("balloon", m.balloon_mib), ("compressed", m.compressed_mib),
                                     ("swapped", m.swapped_mib)) if v > 0.5]
        for k, v in taken:
            row.add(f" · {t(f'labp.cont.{k}', lang)} {fmt_mib(v)}", "$warning")
        return
    c = w.container
    if c is not None:
        row.add(t("labp.cont.ctr_mem", lang, usage="—" if killed else fmt_mib(c.usage_mib),
                  qos=c.qos.value, oom=c.oom_score_adj))


def workload_row(out: Lines, w: WorkloadReport, ctx: ViewContext, indent: str) -> None:
    """One workload; a line too long for the view wraps under the numbers, not at column 0."""
    dc, lang = ctx.state, ctx.lang
    wrap_at = ctx.width or 10_000
    c = w.container
    killed = c is not None and c.killed is not None
    row = Lines()
    _first_line(row, w, lang, indent, killed)
    out.block(row.content(), wrap_at, "", " " * (W_NAME + 4))
    pad = " " * len(indent)
    for s in w.shortfalls:  # what its own size or limits keep from it (contention is ready)
        if s.own and not killed:
            out.wrapped(f"  {pad}  ✗ ", shortfall_text(s, lang), wrap_at,
                        "bold $error" if s.starves else "$warning")
    if w.kind == "vm" or c is None:
        return
    cg = w.cgroup
    out.wrapped(f"  {pad}  ", f"cpu.max {cg.get('cpu.max', '—')} · cpu.weight {cg.get('cpu.weight', '—')}"
                f" · memory.max {_mem_max(cg.get('memory.max', 'max'))}", wrap_at, "$foreground-muted")
    if c.killed is not None:
        ctr = dc.compute.container_index.get(w.name)
        limit = fmt_mib(ctr.mem_limit_mib) if ctr and ctr.mem_limit_mib else "—"
        demand = fmt_mib(ctr.mem_demand_mib) if ctr else "—"
        out.wrapped(f"  {pad}  ✗ ", t(f"labp.cont.killed_{c.killed.value}", lang, limit=limit,
                                      demand=demand, parent=w.parent), wrap_at, "bold $error")


def render_contention(ctx: ViewContext) -> Lines:
    report, dc, selected, lang, width = ctx.report, ctx.state, ctx.selected, ctx.lang, ctx.width
    out = Lines()
    hosts = report.hosts
    if len(hosts) > MANY_HOSTS:
        focus = dc.host_of(selected) if selected else None
        one = report.host(focus) if focus else None
        hosts = [one or hosts[0]]
        out.line(t("labp.iso.one_host", lang, n=len(report.hosts)), "$foreground-muted")
    for h in hosts:
        host_lines(out, h, lang, width)
        rows = report.rows_on(h.name)
        if not rows:
            out.line("  " + t("labp.cont.empty", lang), "$foreground-muted")
            continue
        header(out, lang)
        # VMs, each followed by the containers inside it, then the host's own containers.
        inner: dict[str, list[WorkloadReport]] = {}
        for w in rows:
            if w.kind == "container" and w.parent != h.name:
                inner.setdefault(w.parent, []).append(w)
        ordered: list[tuple[WorkloadReport, str]] = []
        for w in rows:
            if w.kind == "vm":
                ordered.append((w, ""))
                ordered += [(c, "└ ") for c in inner.get(w.name, [])]
            elif w.parent == h.name:
                ordered.append((w, ""))
        for w, indent in ordered[:MAX_ROWS]:  # an unchanged row as it was drawn before
            memo(out, ctx.memo, ("row", indent, lang, width), w,
                 partial(workload_row, w=w, ctx=ctx, indent=indent))
        if len(ordered) > MAX_ROWS:
            out.line("  " + t("labp.cont.more", lang, n=len(ordered) - MAX_ROWS))
    out.line(t("labp.cont.legend", lang), "$foreground-muted")
    return out


class ContentionView(LinesView):
    """CPU entitlement and ready, memory state and reclamation, container QoS and OOM."""

    LINEWISE = True

    def lines_for(self, context: ViewContext) -> Lines:
        return render_contention(context)
