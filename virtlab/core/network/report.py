"""The network part of the report: the reachability matrix for the lab's workloads (each
cell the trace's verdict and the reason), the segments (VLANs and VNIs and who is on them),
the effective MTUs and the flow tables, computed from exactly the network part and where the
workloads run (:class:`~virtlab.core.network.trace.Where`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from virtlab.core.network.fabric import Hop
from virtlab.core.network.faults import fault_targets, set_up
from virtlab.core.network.topology import NetworkPart
from virtlab.core.network.trace import Trace, Where, trace
from virtlab.core.network.vlan import VXLAN_OVERHEAD_V4, VXLAN_OVERHEAD_V6

__all__ = ["FAULT_TRACES_LIMIT", "MATRIX_LIMIT", "Cell", "FaultImpact", "MtuRow", "NetworkReport", "SegmentRow", "matrix", "matrix_workloads",
           "network_report"]


@dataclass(frozen=True, slots=True)
class Cell:
    """One cell of the matrix: the verdict, the core's English reason, and the hop that drops
    the packet (its ``code`` and ``params`` are what the string files word), on the reply or not."""

    src: str
    dst: str
    ok: bool
    reason: str
    hop: Hop | None = None
    on_reply: bool = False

    def as_json(self) -> dict[str, object]:
        out: dict[str, object] = {"src": self.src, "dst": self.dst, "ok": self.ok, "reason": self.reason}
        if self.hop is not None:
            out["code"] = self.hop.code
            out["on_reply"] = self.on_reply
        return out


@dataclass(frozen=True, slots=True)
class SegmentRow:
    kind: str  # "vlan" | "vxlan"
    id: int | None
    name: str
    tenant: str | None
    vnics: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class MtuRow:
    """An MTU and the largest packet it carries unfragmented with DF set."""

    where: str
    mtu: int
    carries: int
    note: str


@dataclass(frozen=True, slots=True)
class FaultImpact:
    """What one network fault breaks: the matrix pairs that reached before and do not after,
    and why the first of them fails."""

    fault: str
    breaks: tuple[tuple[str, str], ...]
    reason: str


#: The fault table is computed for at most this many traces (faults × matrix cells).
FAULT_TRACES_LIMIT = 5000


@dataclass(slots=True)
class NetworkReport:
    workloads: list[str]
    probe: str
    cells: list[Cell]
    segments: list[SegmentRow]
    mtus: list[MtuRow]
    flows: dict[str, list[str]]
    controller: str | None
    #: The matrix is for the first :data:`MATRIX_LIMIT` workloads only (name them in ``matrix``).
    cut: bool = False
    _traces: dict[tuple[str, str], Trace] = field(default_factory=dict, repr=False)
    _net: NetworkPart | None = field(default=None, repr=False)
    _where: Where | None = field(default=None, repr=False)
    _faults: list[FaultImpact] | None = field(default=None, repr=False)

    def faults(self) -> list[FaultImpact] | None:
        """What every single fault of a link, uplink, switch, router or the controller breaks
        in the matrix (computed on first use), or None when that is more than
        :data:`FAULT_TRACES_LIMIT` traces."""
        if self._faults is None and self._net is not None and self._where is not None:
            targets = fault_targets(self._net)
            if len(targets) * len(self.cells) > FAULT_TRACES_LIMIT:
                return None
            reachable = [(c.src, c.dst) for c in self.cells if c.ok]
            out = []
            for kind, name in targets:
                net = self._net.evolve(**set_up(self._net, name, False))
                broken = []
                for a, b in reachable:
                    t = trace(net, self._where, a, b, net.probe_proto, net.probe_port, net.probe_size)
                    if not t.ok:
                        broken.append((a, b, t.reason))
                if broken:
                    out.append(FaultImpact(f"{kind}:{name}", tuple((a, b) for a, b, _ in broken), broken[0][2]))
            self._faults = out
        return self._faults

    def cell(self, src: str, dst: str) -> Cell | None:
        return next((c for c in self.cells if c.src == src and c.dst == dst), None)

    def trace(self, src: str, dst: str) -> Trace | None:
        """The full trace behind a cell (what a cell → its trace shows)."""
        return self._traces.get((src, dst))

    def as_json(self) -> dict[str, object]:
        return {"workloads": self.workloads, "probe": self.probe,
                "matrix": [c.as_json() for c in self.cells],
                "segments": [{"kind": s.kind, "id": s.id, "name": s.name, "tenant": s.tenant,
                              "vnics": list(s.vnics)} for s in self.segments],
                "mtus": [{"where": m.where, "mtu": m.mtu, "carries": m.carries, "note": m.note} for m in self.mtus],
                "flows": self.flows, "controller": self.controller, "cut": self.cut,
                "faults": None if (f := self.faults()) is None else [
                    {"fault": x.fault, "breaks": [list(p) for p in x.breaks], "reason": x.reason} for x in f]}


#: Without a ``matrix`` list, the matrix is for the first this many workloads with a vNIC
#: (the matrix is quadratic: 40 workloads are 1,560 traces).
MATRIX_LIMIT = 40


def matrix_workloads(net: NetworkPart) -> tuple[list[str], bool]:
    """The matrix's workloads, and whether the default list was cut at :data:`MATRIX_LIMIT`."""
    if net.matrix:
        return list(net.matrix), False
    every = list(dict.fromkeys(v.workload for v in net.vnics))
    return every[:MATRIX_LIMIT], len(every) > MATRIX_LIMIT


def matrix(net: NetworkPart, where: Where, workloads: list[str], proto: str = "icmp",
           port: int | None = None, size: int = 1500) -> dict[tuple[str, str], Trace]:
    """The trace of every ordered pair of ``workloads`` (a workload to itself is left out)."""
    return {(a, b): trace(net, where, a, b, proto, port, size)
            for a in workloads for b in workloads if a != b}


def _cell(a: str, b: str, t: Trace) -> Cell:
    at = t.dropped_at
    if at is None:
        return Cell(a, b, True, "reachable")
    return Cell(a, b, False, t.reason, at[0], at[1])


def network_report(net: NetworkPart, where: Where) -> NetworkReport:
    names, cut = matrix_workloads(net)
    traces = matrix(net, where, names, net.probe_proto, net.probe_port, net.probe_size)
    cells = [_cell(a, b, t) for (a, b), t in traces.items()]
    segs: list[SegmentRow] = []
    vlans: dict[int | None, list[str]] = {}
    vnis: dict[str, list[str]] = {}
    pgs = {pg.name: pg for pg in net.port_groups}
    for v in net.vnics:
        pg = pgs.get(v.port_group)
        if pg is None:
            continue
        if pg.segment is not None:
            vnis.setdefault(pg.segment, []).append(v.name)
        else:
            vlans.setdefault(pg.vlan, []).append(v.name)
    for vid in sorted(vlans, key=lambda x: -1 if x is None else x):
        segs.append(SegmentRow("vlan", vid, ", ".join(sorted({pg.name for pg in net.port_groups if pg.vlan == vid and pg.segment is None})),
                               None, tuple(vlans[vid])))
    for s in net.segments:
        segs.append(SegmentRow("vxlan", s.vni, s.name, s.tenant, tuple(vnis.get(s.name, ()))))
    mtus = [MtuRow(f"vSwitch {vs.name}", vs.mtu, vs.mtu, "") for vs in net.vswitches]
    if net.segments:
        ipv6 = any(t.ipv6 for t in net.vteps)
        over = VXLAN_OVERHEAD_V6 if ipv6 else VXLAN_OVERHEAD_V4
        mtus.append(MtuRow("underlay", net.underlay_mtu, net.underlay_mtu - over,
                           f"VXLAN adds {over} bytes: an overlay packet may be {net.underlay_mtu - over}"))
    else:
        mtus.append(MtuRow("physical network", net.underlay_mtu, net.underlay_mtu, ""))
    flows = {sw: [f.describe() for f in sorted(fs, key=lambda f: -f.priority)]
             for sw, fs in net.flows_by_switch.items()}
    c = net.controller
    ctl = None if c is None else f"{c.name}: {'up' if c.up else 'lost'}, fail_mode {c.fail_mode.value}"
    what = f"{net.probe_proto}/{net.probe_port}" if net.probe_port is not None else net.probe_proto
    return NetworkReport(names, f"{what}, {net.probe_size} bytes, DF set", cells, segs, mtus, flows, ctl, cut,
                         traces, net, where)
