"""Rich tables for a report: what ``virtlab report`` prints.

Only the shell layers (CLI and UI) import this; the core stays free of Rich.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from virtlab.core.report import Report
from virtlab.core.units import RESOURCE_UNIT, fmt_gib, fmt_mib, fmt_qty
from virtlab.ui.severity import SEVERITY_COLOUR, memory_state_styles

STATE_STYLE = memory_state_styles(SEVERITY_COLOUR)
"""Rich colours for the host memory states (by severity, as the lab panel draws them)."""


def _qty(resource: str, value: float) -> str:
    return fmt_qty(value, RESOURCE_UNIT.get(resource, "count"))


def hosts_table(report: Report) -> Table:
    t = Table(title="Hosts: capacity and overcommit (Placement)", title_justify="left", expand=False)
    for col in ("host", "resource", "physical", "reserved", "ratio", "schedulable", "allocated", "free", "overcommit"):
        t.add_column(col, justify="left" if col in ("host", "resource") else "right")
    for h in report.hosts:
        first = True
        for res, line in h.lines.items():
            over = line.overcommit
            t.add_row(
                f"{h.name} ({h.hypervisor}, {h.status})" if first else "",
                {"cpu": "vCPU", "ram": "RAM", "disk": "disk"}[res],
                _qty(res, line.physical), _qty(res, line.reserved), f"{line.ratio:g}×",
                _qty(res, line.schedulable), _qty(res, line.allocated), _qty(res, line.free),
                Text(f"{over:.2f}:1", style="red" if line.over_capacity else ("yellow" if over > 1 else "")),
            )
            first = False
    return t


def memory_table(report: Report) -> Table:
    t = Table(title="Host memory state (ESXi minFree model) and CPU", title_justify="left")
    for col in ("host", "minFree", "free before", "state", "after", "reclaiming", "CPU demand", "CPU entitled", "fits m1.medium"):
        t.add_column(col, justify="left" if col in ("host", "state", "after", "reclaiming") else "right")
    for h in report.hosts:
        m = h.memory
        t.add_row(
            h.name, fmt_mib(m.min_free_mib), fmt_mib(m.free_before_mib),
            Text(m.state_before.value, style=STATE_STYLE[m.state_before.value]),
            Text(m.state_after.value, style=STATE_STYLE[m.state_after.value]),
            ", ".join(m.techniques) or "—",
            f"{h.cpu_demand_mhz:,.0f} MHz", f"{h.cpu_entitled_mhz:,.0f}/{h.cpu_capacity_mhz:,.0f} MHz",
            str(h.fits.get("m1.medium", "—")),
        )
    return t


def workloads_table(report: Report) -> Table:
    t = Table(title="Workloads: entitlement, ready, memory, OOM", title_justify="left")
    for col in ("workload", "kind", "on", "status", "size", "CPU demand", "entitled", "ready + co-stop % (est.)",
                "memory", "reclaimed", "QoS / oom_score_adj"):
        t.add_column(col, justify="left" if col in ("workload", "kind", "on", "status", "QoS / oom_score_adj") else "right")
    for w in report.workloads:
        cpu = w.cpu
        if w.kind == "vm":
            size = f"{w.vcpus:g} vCPU / {fmt_mib(w.memory_mib)}"
            mem = w.vm_memory
            memory = fmt_mib(mem.consumed_mib) if mem else "—"
            reclaimed = "—"
            if mem and (mem.balloon_mib or mem.compressed_mib or mem.swapped_mib):
                reclaimed = f"balloon {fmt_mib(mem.balloon_mib)}, zip {fmt_mib(mem.compressed_mib)}, swap {fmt_mib(mem.swapped_mib)}"
            qos = "—"
        else:
            cpu_lim = f"{w.vcpus * 1000:g}m" if w.vcpus else "no CPU limit"
            mem_lim = fmt_mib(w.memory_mib) if w.memory_mib else "no memory limit"
            size = f"{cpu_lim} / {mem_lim}" if w.vcpus or w.memory_mib else "no limits"
            memory = fmt_mib(w.container.usage_mib) if w.container else "—"
            reclaimed = f"OOM-killed ({w.container.killed.value})" if w.container and w.container.killed else "—"
            qos = f"{w.container.qos.value} / {w.container.oom_score_adj}" if w.container else "—"
        ready: Text | str = "—"
        if cpu is not None:
            style = "red" if cpu.wait_pct >= 10 else "yellow" if cpu.wait_pct >= 5 else ""
            ready = Text(f"{cpu.ready_pct:.1f} + {cpu.costop_pct:.1f}", style=style)
        t.add_row(
            w.name, w.kind, w.parent, w.status, size,
            f"{cpu.demand_mhz:,.0f}" if cpu else "—", f"{cpu.entitlement_mhz:,.0f}" if cpu else "—",
            ready, memory, reclaimed, qos,
        )
    return t


def datastores_table(report: Report) -> Table:
    t = Table(title="Datastores: provisioned vs written", title_justify="left")
    for col in ("datastore", "capacity", "provisioned", "allocated", "written", "thin overcommit", "used", "alarm"):
        t.add_column(col, justify="left" if col in ("datastore", "alarm") else "right")
    for d in report.datastores:
        t.add_row(
            d.name, fmt_gib(d.capacity_gib), fmt_gib(d.provisioned_gib), fmt_gib(d.allocated_gib),
            fmt_gib(d.written_gib), f"{d.thin_overcommit:.2f}×", f"{d.used_pct:.0f} %",
            Text(d.alarm + (f": stops {', '.join(d.stopped_vms)}" if d.stopped_vms else ""),
                 style={"ok": "", "warning": "yellow", "alert": "red", "full": "bold red"}[d.alarm]),
        )
    return t


def storage_tables(report: Report) -> list[RenderableType]:
    """The stack below the datastores: RAID groups, volume groups, thin pools, Ceph."""
    stack = report.storage_stack
    if stack is None:
        return []
    out: list[RenderableType] = []
    if stack.raid:
        t = Table(title="RAID groups", title_justify="left")
        for col in ("group", "level", "raw", "usable", "survives", "state"):
            t.add_column(col, justify="right" if col in ("raw", "usable", "survives") else "left")
        for g in stack.raid.values():
            t.add_row(g.name, f"RAID {g.level}", f"{g.raw_tb:g} TB", f"{g.usable_tb:g} TB",
                      f"{g.survives} disk(s)", g.state.value)
        out.append(t)
    if stack.vgs:
        t = Table(title="LVM volume groups", title_justify="left")
        for col in ("vg", "extents", "free", "extent size"):
            t.add_column(col, justify="left" if col == "vg" else "right")
        for vg in stack.vgs.values():
            t.add_row(vg.name, f"{vg.extents:,}", f"{vg.free_extents:,}", f"{vg.extent_mib:g} MiB")
        out.append(t)
    if stack.thin_pools:
        t = Table(title="Thin pools: promised vs written", title_justify="left")
        for col in ("pool", "size", "promised", "written", "data use", "overcommit", "autoextends to", "when full"):
            t.add_column(col, justify="left" if col in ("pool", "when full") else "right")
        for tp in stack.thin_pools.values():
            u = tp.use
            t.add_row(tp.name, fmt_mib(u.size_mib), fmt_mib(u.virtual_mib), fmt_mib(u.data_used_mib),
                      f"{u.data_pct:.0f} %", f"{u.overcommit:.2f}×",
                      fmt_mib(tp.size_after_autoextend_mib) if tp.size_after_autoextend_mib > u.size_mib else "—",
                      u.full.value)
        out.append(t)
    if stack.ceph is not None:
        c = stack.ceph
        t = Table(title=f"Ceph: {c.raw_tb:g} TB raw · {c.health.value}", title_justify="left")
        for col in ("pool", "usable", "placement groups", "writes"):
            t.add_column(col, justify="right" if col == "usable" else "left")
        for pool in c.pools.values():
            pgs = ", ".join(f"{n} {state}" for state, n in sorted(pool.pgs.items()))
            t.add_row(pool.name, f"{pool.usable_tb:.1f} TB", pgs, "blocked (an OSD is full)" if pool.writes_blocked else "ok")
        out.append(t)
        if c.reasons:
            out.append(Text("Ceph health: " + "; ".join(c.reasons)))
    out += san_tables(report)
    return out


#: Why a host's view of a back end is not ok, in the text report's words.
REACH_WHY = {"dead_paths": "a path is dead", "all_paths_dead": "all paths dead", "no_path": "no path to the array", "array_down": "array down",
             "fabric_down": "fabric down", "raid_failed": "RAID group failed: data lost",
             "raid_degraded": "RAID group degraded", "masked": "not presented to this host",
             "pgs_inactive": "PGs inactive", "pgs_degraded": "PGs degraded"}


def san_tables(report: Report) -> list[RenderableType]:
    """Datastores on SAN LUNs and NAS shares: who formats them, the array and RAID group
    below, each host's paths, and what each fault under them takes from the workloads."""
    stack = report.storage_stack
    out: list[RenderableType] = []
    if stack is None or not stack.backends:
        return out
    t = Table(title="Datastores on SAN, NAS and Ceph: back ends and each host's paths", title_justify="left")
    for col in ("datastore", "file system", "on", "array / group", "down to", "hosts: paths up"):
        t.add_column(col)
    for b in stack.backends.values():
        fs = {"vmfs": "VMFS (the hosts format the LUN)", "nfs": "NFS (the array's own)",
              "rbd": "RBD images (Ceph block)"}[b.fs]
        group = next((h for h in b.trace if h.kind in ("raid",)), None)
        disks = [h for h in b.trace if h.kind == "disk"]
        failed = sum(1 for h in disks if h.state != "ok")
        t.add_row(b.datastore, fs, f"{b.backing} ({b.protocol.upper()}, {b.size_tb:g} TB)",
                  f"{b.array} / {b.group}" + (f" ({group.detail}, {group.state})" if group else ""),
                  f"{len(disks)} disk(s)" + (f", {failed} not ok" if failed else ""),
                  "\n".join((f"{r.host}: {r.paths_up}/{r.paths} " if r.host != "*" else "every client: ")
                            + r.state.value + (f" ({REACH_WHY[r.why]})" if r.why else "") for r in b.reach))
    out.append(t)
    blast = [b for b in report.storage_blast if b.lose_disk or b.degraded]
    if blast:
        t = Table(title="Storage blast radius: what each fault under the datastores takes", title_justify="left")
        for col in ("fault", "lose their disk", "degraded only", "datastores cut off"):
            t.add_column(col)
        for x in blast:
            t.add_row(x.fault, ", ".join(x.lose_disk) or "—", ", ".join(x.degraded) or "—",
                      ", ".join(x.datastores) or "—")
        out.append(t)
    return out


#: Above this many workloads the matrix is listed as pairs, not drawn as a grid.
GRID_LIMIT = 10


def network_tables(report: Report) -> list[RenderableType]:
    """The network: segments, MTUs, flow tables and the reachability matrix with reasons."""
    net = report.network
    if net is None:
        return []
    out: list[RenderableType] = []
    if net.segments:
        t = Table(title="Network segments: VLANs and VXLAN VNIs", title_justify="left")
        for col in ("segment", "id", "name", "tenant", "vNICs"):
            t.add_column(col, justify="right" if col == "id" else "left")
        for s in net.segments:
            ident = "untagged" if s.id is None else str(s.id)
            t.add_row("VLAN" if s.kind == "vlan" else "VXLAN", ident, s.name or "—", s.tenant or "—",
                      ", ".join(s.vnics) or "—")
        out.append(t)
    t = Table(title="MTUs (DF set: the largest packet that passes)", title_justify="left")
    for col in ("where", "MTU", "carries", "note"):
        t.add_column(col, justify="right" if col in ("MTU", "carries") else "left")
    for m in net.mtus:
        t.add_row(m.where, str(m.mtu), str(m.carries), m.note or "—")
    out.append(t)
    if net.flows or net.controller:
        t = Table(title=f"Flow tables ({net.controller or 'no controller'})", title_justify="left")
        t.add_column("switch")
        t.add_column("flows, highest priority first (no match and no table-miss flow: drop)")
        for sw, flows in net.flows.items():
            t.add_row(sw, "\n".join(flows))
        out.append(t)
    names = net.workloads
    if 1 < len(names) <= GRID_LIMIT:
        t = Table(title=f"Reachability ({net.probe}): row → column", title_justify="left")
        t.add_column("from \\ to")
        for n in names:
            t.add_column(n, justify="center")
        ok = {(c.src, c.dst): c.ok for c in net.cells}
        for a in names:
            t.add_row(a, *(("—" if a == b else Text("yes", style="green") if ok.get((a, b))
                            else Text("no", style="red")) for b in names))
        out.append(t)
    failed = [c for c in net.cells if not c.ok]
    t = Table(title="Why not: the hop that drops each packet" if len(names) <= GRID_LIMIT
              else f"Reachability ({net.probe})", title_justify="left")
    for col in ("from", "to", "verdict"):
        t.add_column(col)
    for c in net.cells if len(names) > GRID_LIMIT else failed:
        t.add_row(c.src, c.dst, c.reason)
    if t.row_count:
        out.append(t)
    if net.cut:
        out.append(Text(f"Reachability: the first {len(names)} workloads only — name the ones to check in "
                        "[network] matrix = [...]."))
    faults = net.faults()
    if faults:
        t = Table(title="Network faults: the reachable pairs each one breaks", title_justify="left")
        for col in ("fault", "breaks", "first reason"):
            t.add_column(col)
        for f in faults:
            t.add_row(f.fault, ", ".join(f"{a} → {b}" for a, b in f.breaks), f.reason)
        out.append(t)
    return out


def isolation_table(report: Report) -> Table | Text:
    if report.pairs is None:
        return Text(f"Isolation: {len(report.workloads)} workloads — pairwise view omitted (use the app).")
    t = Table(title="Isolation between workloads", title_justify="left")
    for col in ("a", "b", "level", "shared", "why"):
        t.add_column(col)
    for p in report.pairs:
        t.add_row(p.a, p.b, p.level.name.lower().replace("_", " "), ", ".join(p.shared) or "nothing", p.reason)
    return t


def blast_table(report: Report) -> Table:
    t = Table(title="Blast radius of each fault", title_justify="left")
    for col in ("fault", "stops", "may starve", "note"):
        t.add_column(col)
    for b in report.blast:
        if not b.down and not b.starved:
            continue
        t.add_row(b.fault, ", ".join(b.down) or "—", ", ".join(b.starved) or "—", b.note)
    return t


def violations_text(report: Report) -> Text:
    if not report.violations:
        return Text("No constraint is violated.", style="green")
    out = Text("Violated constraints:\n", style="bold red")
    for v in report.violations:
        out.append(f"  • {v.message}\n")
    return out


def render_report(report: Report) -> Group:
    parts: list[RenderableType] = [Text(report.name or "Scenario", style="bold"),
                                   hosts_table(report), memory_table(report),
                                   workloads_table(report)]
    if report.datastores:
        parts.append(datastores_table(report))
    parts += storage_tables(report)
    parts += network_tables(report)
    parts += [isolation_table(report), blast_table(report), violations_text(report)]
    return Group(*parts)


#: Above this many workloads the text report is laid out as plain columns (the same cells),
#: which takes a small part of the time Rich's table layout takes for thousands of rows.
PLAIN_ABOVE = 300


def _cell_text(cell: RenderableType) -> str:
    return cell.plain if isinstance(cell, Text) else str(cell)


def plain_table(table: Table) -> str:
    """A table as plain aligned columns: its title, a header line and one line per row
    (a cell's lines joined with a space), right-aligned where the column is."""
    columns = table.columns
    header = [_cell_text(c.header) for c in columns]
    cells = [[_cell_text(cell).replace("\n", " ") for cell in c.cells] for c in columns]
    rows = list(zip(*cells, strict=True)) if cells else []
    widths = [max([len(h), *(len(v) for v in col)]) for h, col in zip(header, cells, strict=True)]

    def line(values: Sequence[str]) -> str:
        out = [v.rjust(w) if c.justify == "right" else v.ljust(w)
               for v, w, c in zip(values, widths, columns, strict=True)]
        return "  ".join(out).rstrip()

    title = _cell_text(table.title) if table.title is not None else ""
    body = [line(header), "  ".join("-" * w for w in widths), *(line(r) for r in rows)]
    return "\n".join([title, *body] if title else body)


def plain_report(report: Report) -> str:
    """The whole report as plain text (for reports too large for table layout)."""
    parts: list[str] = []
    for part in render_report(report).renderables:
        parts.append(plain_table(part) if isinstance(part, Table) else _cell_text(part))
    return "\n".join(parts)
