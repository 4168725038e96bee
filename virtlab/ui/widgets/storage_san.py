"""The storage view's SAN and NAS lines: each datastore on a LUN (VMFS, block), an NFS
share (file) or a Ceph pool's RBD images, the array and RAID group (or the OSDs) below it, every host's paths (● up, ○ dead) and its
state, the selected VM's disks traced down to the physical disks, and the faults that
would stop workloads' disks (the storage blast radius).

Every number comes from the report (:attr:`~virtlab.core.report.Report.storage_stack` and
:attr:`~virtlab.core.report.Report.storage_blast`).
"""

from __future__ import annotations

from virtlab.course.i18n import t
from virtlab.ui.widgets.labtext import Lines
from virtlab.ui.widgets.lines_view import ViewContext

REACH_STYLE = {"ok": "$success", "degraded": "$warning", "apd": "bold $error", "lost": "bold $error",
               "unmapped": "$foreground-muted"}


def san_lines(out: Lines, ctx: ViewContext) -> None:
    """Append the back ends' lines (nothing when no datastore sits on a LUN or share)."""
    stack = ctx.report.storage_stack
    if stack is None or not stack.backends:
        return
    lang, width = ctx.lang, ctx.width or 10_000
    for b in stack.backends.values():
        group = next((h for h in b.trace if h.kind == "raid"), None)
        disks = [h for h in b.trace if h.kind == "disk"]
        head = Lines().add(f"{b.datastore} ", "bold")
        head.add(t(f"labp.san.{b.fs}", lang, on=b.backing, protocol=b.protocol.upper(), size=f"{b.size_tb:g} TB"))
        g = stack.raid.get(b.group)
        if b.fs == "rbd":
            head.add(" · ").add(t("labp.san.osds", lang, n=len(disks), down=sum(h.state != "ok" for h in disks)))
        else:
            head.add(" · ").add(t("labp.san.below", lang, array=b.array, group=b.group, n=len(disks),
                                  level=group.detail if group else t("labp.san.bare", lang),
                                  usable=f"{b.group_usable_tb:g} TB", survives=g.survives if g else 0))
        if group is not None and group.state != "optimal":
            head.add(" · ").add(t(f"labp.storage.raid_state.{group.state}", lang), "bold $error"
                                if group.state == "failed" else "$warning")
        out.block(head.content(), width, "", "  ")
        for r in b.reach:
            row = Lines().add("  ").add(r.host if r.host != "*" else t("labp.san.clients", lang) + ":", "bold")
            row.add(" " if r.paths else "")
            for i in range(r.paths):
                row.add("●" if i < r.paths_up else "○", "$success" if i < r.paths_up else "bold $error")
            if r.host != "*":  # an RBD pool has no paths: every client sees the pool's state
                row.add(" " + t("labp.san.paths", lang, up=r.paths_up, n=r.paths) + " ·")
            row.add(" ")
            row.add(t(f"labp.san.state.{r.state.value}", lang), REACH_STYLE[r.state.value])
            if r.why and r.state.value != "unmapped":
                row.add(" · " + t(f"goal.san.why.{r.why}", lang), "$foreground-muted")
            out.block(row.content(), width, "", "    ")
    vm = ctx.state.compute.vm_index.get(ctx.selected or "")
    if vm is not None:
        for i, disk in enumerate(vm.disks, 1):
            back = stack.backends.get(disk.datastore)
            if back is None:
                continue
            chain = " → ".join([f"{vm.name} #{i}", *(h.name for h in back.trace if h.kind != "disk")])
            names = [h.name for h in back.trace if h.kind == "disk"]
            out.wrapped("", t("labp.san.trace", lang, chain=chain, disks=", ".join(names)), width, "$accent")
    hits = [x for x in ctx.report.storage_blast if x.lose_disk]
    if hits:
        text = ", ".join(t("labp.san.hit", lang, fault=x.fault, n=len(x.lose_disk)) for x in hits)
        out.wrapped("", t("labp.san.blast", lang, faults=text), width, "$warning")
    out.line(t("labp.san.legend", lang), "$foreground-muted")
