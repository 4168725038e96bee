"""The isolation view: the source note's layered stack, drawn from the actual state.

Per host, bottom to top: hardware → the hypervisor (ESXi: no host OS; Hyper-V: a Windows root
partition beside the guests; KVM: the Linux kernel *is* the hypervisor; type 2: a host OS
below the hypervisor; none: a Linux host OS with a container engine) → VMs with their guest
kernels / the container engine → containers. Below it, for the selected workload, what it
shares with every other one (``isolation_from``) and which faults take it down (``report.blast``).
"""

from __future__ import annotations

from virtlab.core.compute.isolation import isolation_from, isolation_groups
from virtlab.core.compute.models import WorkloadStatus
from virtlab.core.hosts import Host
from virtlab.core.hypervisors import PROFILES, HypervisorKind, HypervisorType
from virtlab.core.state import Datacenter
from virtlab.course.i18n import t
from virtlab.ui.widgets.host_bars import MANY_HOSTS
from virtlab.ui.widgets.labtext import Lines, fault_text, level_text, shared_text
from virtlab.ui.widgets.lines_view import LinesView, ViewContext

MAX_LIST = 12
MAX_NAMES = 6


def _names(names: list[str] | tuple[str, ...], total: int | None = None) -> str:
    """The first :data:`MAX_NAMES` of ``names`` and how many more (of ``total``, by default
    all of ``names``)."""
    total = len(names) if total is None else total
    shown = ", ".join(names[:MAX_NAMES])
    return shown + (f", … (+{total - MAX_NAMES})" if total > MAX_NAMES else "")


def _columns(dc: Datacenter, host: Host, lang: str) -> list[tuple[list[str], str | None]]:
    """The guest columns of one host's stack: (cells top → bottom, workload name or None)."""
    cols: list[tuple[list[str], str | None]] = []
    hv = host.hypervisor
    if hv is HypervisorKind.HYPERV:
        cols.append((["", "", t("labp.iso.root_os", lang), t("labp.iso.root_partition", lang)], None))
    if hv is HypervisorKind.XEN:
        cols.append((["", "", t("labp.iso.dom0_os", lang), "dom0"], None))
    for vm in dc.compute.vms_by_host.get(host.name, []):
        inner = [c.name for c in dc.compute.containers_by_parent.get(("vm", vm.name), [])]
        cols.append(([_names(inner) if inner else t("labp.iso.apps", lang),
                      t("labp.iso.engine", lang) if inner else "",
                      t("labp.iso.guest_kernel", lang), f"VM {vm.name} ({vm.vcpus} vCPU)"], vm.name))
    ctrs = [c.name for c in dc.compute.containers_by_parent.get(("host", host.name), [])]
    if ctrs:
        cols.append(([_names(ctrs), t("labp.iso.engine", lang), t("labp.iso.shares_host_kernel", lang),
                      ""], ctrs[0] if len(ctrs) == 1 else None))
    return cols


def _layers(host: Host, lang: str) -> list[tuple[str, str]]:
    """The full-width layers under the guests, top → bottom, with a style."""
    p = PROFILES[host.hypervisor]
    kind = host.hypervisor.value
    if p.type is HypervisorType.TYPE2:
        return [(t("labp.iso.layer.type2", lang, label=p.label), "bold $accent"),
                (t("labp.iso.layer.host_os", lang), "$primary")]
    return [(t(f"labp.iso.layer.{kind}", lang, label=p.label), "bold $accent")]


def host_stack(out: Lines, host: Host, ctx: ViewContext) -> None:
    dc, selected, width, lang = ctx.state, ctx.selected, ctx.width, ctx.lang
    down = not host.is_up
    out.add(host.name, "bold").add(f" · {PROFILES[host.hypervisor].label}")
    if down:
        out.add(" · " + t(f"labp.host_status.{host.status.value}", lang), "bold $error")
    out.nl()
    inner = max(20, width - 2)
    cols = _columns(dc, host, lang)
    if cols:
        n = len(cols)
        fits = max(1, (inner + 1) // 13)
        if n > fits:
            hidden = n - (fits - 1)
            cols = cols[: fits - 1] + [(["", "", "", t("labp.iso.more_vms", lang, n=hidden)], None)]
            n = len(cols)
        col_w = (inner - (n - 1)) // n
        widths = [col_w] * n
        widths[-1] += inner - (n - 1) - col_w * n
        out.line("┌" + "┬".join("─" * w for w in widths) + "┐")
        for r in range(4):
            out.add("│")
            for (cells, name), w in zip(cols, widths, strict=True):
                style = ""
                if name is not None and name == selected:
                    style = "reverse"
                vm = dc.compute.vm_index.get(name or "")
                if vm is not None and vm.status is not WorkloadStatus.RUNNING:
                    style = "bold $error"
                if r == 2 and cells[2]:
                    style = style or "$primary"
                out.cell(" " + cells[r], w, style)
                out.add("│")
            out.nl()
        out.line("├" + "┴".join("─" * w for w in widths) + "┤")
    else:
        out.line("┌" + "─" * inner + "┐")
        out.add("│").cell(" " + t("labp.iso.no_guests", lang), inner, "$foreground-muted").line("│")
        out.line("├" + "─" * inner + "┤")
    for label, style in _layers(host, lang):
        out.add("│").cell(" " + label, inner, "bold $error" if down else style).line("│")
        out.line("├" + "─" * inner + "┤")
    hw = t("labp.iso.hardware", lang, host=host.name, sockets=host.sockets,
           cores=host.cores_per_socket, threads=host.threads_per_core, mhz=f"{host.mhz:g}",
           ram=f"{host.memory_mib / 1024:g}")
    out.add("│").cell(" " + hw, inner, "$foreground-muted").line("│")
    out.line("└" + "─" * inner + "┘")


def selected_section(out: Lines, selected: str, ctx: ViewContext) -> None:
    dc, report, lang = ctx.state, ctx.report, ctx.lang
    # Grouped by level, the first names of each are all a large lab shows: counted, not paired.
    groups = isolation_groups(dc, selected, MAX_NAMES + 1)
    total = sum(n for _, n, _ in groups)
    out.line(t("labp.iso.shares_with", lang, name=selected), "bold")
    if not total:
        out.line("  " + t("labp.iso.alone", lang))
    elif total <= MAX_LIST:
        for p in sorted(isolation_from(dc, selected), key=lambda p: (p.level, p.b)):
            shared = ", ".join(shared_text(s, lang) for s in p.shared) or t("labp.shared.nothing", lang)
            out.add(f"  {p.b}", "bold").add(f" — {shared}")
            out.line(f" · {level_text(p.level.name, lang)}", "$foreground-muted")
    else:
        for level, n, names in groups:
            out.add(f"  {level_text(level.name, lang)}: ", "bold").line(f"{n} ({_names(names, n)})")
    out.line(t("labp.iso.faults", lang, name=selected), "bold")
    hits = 0
    for b in report.blast_of(selected):
        if selected in b.down:
            out.add("  ✗ ", "bold $error").add(fault_text(b.fault, lang))
            out.line(" — " + t("labp.iso.stops", lang, n=len(b.down), names=_names(b.down)))
            hits += 1
        elif selected in b.starved:
            out.add("  ! ", "$warning").add(fault_text(b.fault, lang))
            out.line(" — " + t("labp.iso.starves", lang, n=len(b.starved), names=_names(b.starved)))
            hits += 1
    if not hits:
        out.line("  " + t("labp.iso.no_faults", lang))


def render_isolation(ctx: ViewContext) -> Lines:
    dc, selected, lang = ctx.state, ctx.selected, ctx.lang
    out = Lines()
    hosts = list(dc.hosts)
    if len(hosts) > MANY_HOSTS:
        focus = dc.host_of(selected) if selected else None
        hosts = [dc.host_index[focus]] if focus in dc.host_index else hosts[:1]
        out.line(t("labp.iso.one_host", lang, n=len(dc.hosts)), "$foreground-muted")
    for h in hosts:
        host_stack(out, h, ctx)
    if selected and (selected in dc.compute.vm_index or selected in dc.compute.container_index):
        selected_section(out, selected, ctx)
    return out


class IsolationView(LinesView):
    """Layered stack per host and the selected workload's isolation and blast radius."""

    LINEWISE = True

    def lines_for(self, context: ViewContext) -> Lines:
        return render_isolation(context)
