"""The storage view: the stack from physical disks through RAID groups and PVs to volume
groups, logical volumes and thin pools, each with a bar of used and promised against real
capacity, and for a Ceph cluster a host × OSD grid with the PG states and health.

Every number comes from the report's :attr:`~virtlab.core.report.Report.storage_stack`. A
thin pool's bar shows what is written (█) against its size (░), the promise beyond it (╌)
and a ┤ where the thin volumes' promises end; a grid cell is an OSD: ● up and
in, ○ down, × out. Symbols carry the state as well as colour.
"""

from __future__ import annotations

import math

from virtlab.core.storage.lvm import FullPool
from virtlab.core.storage.raid import RaidState
from virtlab.core.units import fmt_mib
from virtlab.course.i18n import t
from virtlab.ui.widgets.labtext import Lines
from virtlab.ui.widgets.lines_view import LinesView, ViewContext
from virtlab.ui.widgets.storage_san import san_lines

RAID_STYLE = {RaidState.OPTIMAL: "$success", RaidState.DEGRADED: "$warning",
              RaidState.REBUILDING: "$warning", RaidState.FAILED: "bold $error"}
HEALTH_STYLE = {"HEALTH_OK": "$success", "HEALTH_WARN": "$warning", "HEALTH_ERR": "bold $error"}


def _bar(out: Lines, used: float, size: float, promised: float, width: int) -> None:
    """``used`` of ``size`` as █ on ░; past the size, the promise as ╌ up to a ┤."""
    scale = max(size, promised, 1e-9)
    for i in range(width):
        v = (i + 0.5) * scale / width
        if v < used:
            out.add("█", "bold $error" if used >= size - 1e-9 else "$accent")
        elif v < size:
            out.add("░", "$foreground-muted")
        elif v < promised:
            out.add("╌", "$warning")
    if promised > size:
        out.add("┤", "bold $warning")


def storage_lines(ctx: ViewContext) -> Lines:
    out = Lines()
    lang, stack = ctx.lang, ctx.report.storage_stack
    if stack is None:
        return out.line(t("labp.storage.none", lang), "$foreground-muted")
    bar_w = max(10, min(40, (ctx.width or 60) - 24))
    under = {b.group for b in stack.backends.values()}  # drawn with their LUN or share
    for g in stack.raid.values():  # RAID groups, the SAN/NAS back ends, then LVM and Ceph
        if g.name in under:
            continue
        row = Lines().add(f"{g.name} ", "bold").add(f"RAID {g.level} · ")
        row.add(t("labp.storage.raid", lang, usable=f"{g.usable_tb:g} TB", raw=f"{g.raw_tb:g} TB", n=g.survives))
        row.add(" · ").add(t(f"labp.storage.raid_state.{g.state.value}", lang), RAID_STYLE[g.state])
        out.block(row.content(), ctx.width or 10_000, "", "  ")
    san_lines(out, ctx)
    for vg in stack.vgs.values():
        used = vg.extents - vg.free_extents
        row = Lines().add(f"{vg.name} ", "bold")
        row.add(t("labp.storage.vg", lang, used=f"{used:,}", total=f"{vg.extents:,}",
                  free=fmt_mib(vg.free_extents * vg.extent_mib), extent=f"{vg.extent_mib:g}"))
        out.block(row.content(), ctx.width or 10_000, "", "  ")
        out.add("  ")
        _bar(out, used, max(vg.extents, 1), 0, bar_w)
        out.nl()
        members = [(x.name, x.size_mib) for x in ctx.state.storage.stack.lvs if x.vg == vg.name]
        members += [(x.name, x.size_mib) for x in ctx.state.storage.stack.thin_pools if x.vg == vg.name]
        if members:
            out.wrapped("  ", "   ".join(t("labp.storage.member", lang, name=n, size=fmt_mib(m),
                                             extents=f"{math.ceil(m / vg.extent_mib - 1e-9):,}")
                                           for n, m in members), ctx.width or 10_000, "$foreground-muted")
    for tp in stack.thin_pools.values():
        u = tp.use
        row = Lines().add(f"{tp.name} ", "bold")
        row.add(t("labp.storage.pool", lang, written=fmt_mib(u.data_used_mib), size=fmt_mib(u.size_mib),
                  pct=f"{u.data_pct:.0f}", promised=fmt_mib(u.virtual_mib), ratio=f"{u.overcommit:.2f}"))
        if u.full is not FullPool.OK:
            row.add(" · ").add(t(f"labp.storage.full.{u.full.value}", lang), "bold $error")
        out.block(row.content(), ctx.width or 10_000, "", "  ")
        out.add("  ")
        _bar(out, u.data_used_mib, u.size_mib, u.virtual_mib, bar_w)
        out.nl()
    if stack.vgs or stack.thin_pools:
        out.line(t("labp.storage.legend", lang), "$foreground-muted")
    if stack.ceph is not None:
        _ceph(out, ctx)
        out.line(t("labp.storage.legend_ceph", lang), "$foreground-muted")
    return out


def _ceph(out: Lines, ctx: ViewContext) -> None:
    c = ctx.report.storage_stack.ceph if ctx.report.storage_stack else None
    cluster = ctx.state.storage.stack.ceph
    if c is None or cluster is None:
        return
    lang = ctx.lang
    head = Lines().add("Ceph ", "bold").add(t("labp.storage.ceph", lang, raw=f"{c.raw_tb:g} TB"))
    head.add(" · ").add(c.health.value, HEALTH_STYLE[c.health.value])
    out.block(head.content(), ctx.width or 10_000, "", "  ")
    hosts: dict[str, list[str]] = {}
    for o in cluster.osds:
        mark = "×" if not o.marked_in else "●" if o.up else "○"
        hosts.setdefault(o.host, []).append(mark)
    for host, marks in hosts.items():
        out.cell(f"  {host}", 12)
        for m in marks:
            out.add(m + " ", "$success" if m == "●" else "bold $error")
        out.nl()
    for pool in c.pools.values():
        states = ", ".join(f"{n} {s}" for s, n in sorted(pool.pgs.items()))
        out.wrapped("  ", t("labp.storage.ceph_pool", lang, pool=pool.name, usable=f"{pool.usable_tb:.1f} TB",
                            pgs=states), ctx.width or 10_000, "bold $error" if pool.inactive_pgs else "")
    for reason in c.reason_codes:
        out.wrapped("  ", t(f"labp.ceph.{reason.code}", lang, **reason.params), ctx.width or 10_000, "$warning")


class StorageView(LinesView):
    """The storage stack of the lab's state."""

    def lines_for(self, context: ViewContext) -> Lines:
        return storage_lines(context)
