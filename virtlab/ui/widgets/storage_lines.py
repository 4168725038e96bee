"""Datastore lines for the host view: capacity, base disks, snapshot deltas, the worst case,
and each VM's snapshots and backup age — what the VM-lifecycle lab is judged on."""

from __future__ import annotations

from virtlab.core.units import fmt_gib
from virtlab.course.i18n import t
from virtlab.ui.widgets.labtext import Lines
from virtlab.ui.widgets.lines_view import ViewContext

ALARM_STYLE = {"ok": "$success", "warning": "$warning", "alert": "bold $error", "full": "bold $error"}


def _bar(out: Lines, capacity: float, base: float, snap: float, worst: float, width: int) -> None:
    scale = max(capacity, worst, base + snap, 1e-9)
    worst_at = round(worst / scale * width)
    for i in range(width + 1):
        if i == worst_at:
            out.add("┤", "bold $error" if worst > capacity else "bold")
        if i == width:
            break
        v = (i + 0.5) * scale / width
        if v < base:
            out.add("█" if v <= capacity else "█", "$accent" if v <= capacity else "bold $error")
        elif v < base + snap:
            out.add("▒", "$warning" if v <= capacity else "bold $error")
        elif v < capacity:
            out.add("░", "$foreground-muted")
        else:
            out.add(" ")
    out.nl()


def render_datastores(out: Lines, ctx: ViewContext) -> None:
    """Append the datastores section: shared datastores that hold a VM disk, and any
    datastore with snapshots (a host's local disk already has its own bar above)."""
    report, dc, lang, width = ctx.report, ctx.state, ctx.lang, ctx.width
    shared = {d.name for d in dc.storage.datastores if len(d.hosts) != 1}
    used = [d for d in report.datastores
            if (d.name in shared and d.provisioned_gib > 0) or d.oldest_snapshot_h is not None]
    if not used:
        return
    out.add(t("labp.store.title", lang), "bold")
    if dc.clock_h:
        out.add(" · " + t("labp.store.clock", lang, h=f"{dc.clock_h:g}"))
    out.nl()
    for d in used:
        line = Lines().add(t("labp.store.line", lang, name=d.name, allocated=fmt_gib(d.allocated_gib),
                             capacity=fmt_gib(d.capacity_gib), pct=f"{d.used_pct:.0f}",
                             snap=fmt_gib(d.snapshot_gib), worst=fmt_gib(d.worst_case_gib)))
        line.add(" · ").add(t("labp.store.alarm", lang, alarm=t(f"labp.alarm.{d.alarm}", lang)),
                            ALARM_STYLE[d.alarm])
        out.block(line.content(), width, "  ", "    ")
        out.add("  ")
        _bar(out, d.capacity_gib, d.allocated_gib - d.snapshot_gib, d.snapshot_gib,
             d.worst_case_gib, max(8, width - 4))
        for vm, disk in dc.compute.disks_by_datastore.get(d.name, []):
            if disk.lost:
                out.line("    " + t("labp.store.lost", lang, vm=vm.name), "bold $error")
            for snap in disk.snapshots:
                style = "$warning" if snap.age_h > 72 else ""
                out.line("    " + t("labp.store.snapshots", lang, vm=vm.name, snap=snap.name,
                                      age=f"{snap.age_h:g}", delta=fmt_gib(snap.delta_gib)), style)
    backups = [vm for vm in dc.compute.vms if vm.disks]
    if any(vm.backup_age_h is not None or vm.disks[0].snapshots for vm in backups):
        for vm in backups:
            if vm.backup_age_h is None:
                out.line("    " + t("labp.store.no_backup", lang, vm=vm.name), "$foreground-muted")
            else:
                out.line("    " + t("labp.store.backup", lang, vm=vm.name, age=f"{vm.backup_age_h:g}"))
    out.line(t("labp.store.legend", lang), "$foreground-muted")
