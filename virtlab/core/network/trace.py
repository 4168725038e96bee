"""The packet trace: can A reach B, and if not, where exactly does the packet die and why?

A packet (protocol, destination port, size in bytes with DF set) is walked hop by hop: the
source vNIC and its security groups, the port group on the vSwitch of the host the workload
runs on, the vSwitch's flow table if the controller programs it, then either the same
vSwitch (both ends on one host), the physical fabric (:mod:`.fabric`: uplinks, switch ports,
trunks, links, physical switches' flows), a router between subnets, or VXLAN between VTEPs —
and at the far end the vSwitch, the destination's security groups and its vNIC. The result is
the path, or the first hop that drops it with the rule that did. A reply is traced back the
same way, with stateful groups letting it through by connection tracking (:mod:`.secgroups`).

Simplifications, said once: an ARP answer is assumed wherever the L2 path exists (an on-link
destination on another VLAN or VNI gets none); MACs are the two vNICs' end to end (a router's
rewrite is not modelled); the VXLAN underlay is a routed fabric, reachable from every host
with a working uplink; routers route between VLANs only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, NoReturn

from virtlab.core.network.fabric import Hop, Start, Walk, mac_note, search, switch_flows
from virtlab.core.network.flows import Packet
from virtlab.core.network.reasons import Node, Why, node, why
from virtlab.core.network.secgroups import EPHEMERAL_PORT, Peer, sg_verdict
from virtlab.core.network.topology import (
    NetworkPart,
    PortGroup,
    Router,
    RouterIf,
    VNic,
    VSwitch,
    parse_iface,
)
from virtlab.core.network.vlan import vxlan_underlay_needed

if TYPE_CHECKING:
    from virtlab.core.state import Datacenter

__all__ = ["Hop", "Trace", "Where", "trace", "where_of"]


@dataclass(frozen=True, slots=True)
class Where:
    """What the trace reads of the rest of the datacenter: where each workload runs, which
    hosts are up, which workloads are not running, and the time (for MAC aging)."""

    host_of: Mapping[str, str | None]
    up_hosts: frozenset[str]
    stopped: frozenset[str]
    now_s: float = 0.0


def where_of(dc: Datacenter) -> Where:
    compute = dc.compute
    names = dc.workload_names()
    off_vms = {w.name for w in compute.vms if str(w.status) != "running"}
    # A container stops with the VM it runs in.
    stopped = off_vms | {c.name for c in compute.containers if str(c.status) != "running" or c.vm in off_vms}
    return Where({n: dc.host_of(n) for n in names}, frozenset(h.name for h in dc.hosts if h.is_up),
                 frozenset(stopped), dc.clock_h * 3600.0)


@dataclass(frozen=True, slots=True)
class Trace:
    src: str
    dst: str
    proto: str
    port: int | None
    size: int
    hops: tuple[Hop, ...]
    drop: Hop | None
    reply: Trace | None = None

    @property
    def ok(self) -> bool:
        return self.drop is None and (self.reply is None or self.reply.ok)

    @property
    def dropped_at(self) -> tuple[Hop, bool] | None:
        """The hop that dropped the packet and whether it was on the reply, or None."""
        if self.drop is not None:
            return self.drop, False
        if self.reply is not None and self.reply.drop is not None:
            return self.reply.drop, True
        return None

    @property
    def reason(self) -> str:
        """Why it failed (``"leaf-1 port 3: trunk does not allow VLAN 30"``), or the path."""
        if self.drop is not None:
            return str(self.drop)
        if self.reply is not None and not self.reply.ok:
            return f"reply: {self.reply.reason}"
        return " → ".join(h.node for h in self.hops)

    def as_json(self) -> dict[str, object]:
        return {"src": self.src, "dst": self.dst, "proto": self.proto, "port": self.port,
                "size": self.size, "ok": self.ok, "reason": self.reason,
                "hops": [h.as_json() for h in self.hops],
                "drop": self.drop.as_json() if self.drop else None,
                "reply": self.reply.as_json() if self.reply else None}


@dataclass(frozen=True, slots=True)
class _End:
    vnic: VNic
    host: str
    pg: PortGroup
    vs: VSwitch
    vni: int | None

    @property
    def domain(self) -> str:
        return f"VNI {self.vni}" if self.vni is not None else (
            f"VLAN {self.pg.vlan}" if self.pg.vlan is not None else "untagged")


class _Dropped(Exception):
    def __init__(self, hop: Hop) -> None:
        self.hop = hop


def _vnic(net: NetworkPart, name: str) -> VNic:
    if name in net.vnic_index:
        return net.vnic_index[name]
    found = net.vnics_of.get(name)
    if not found:
        raise _Dropped(Hop.drop(node("workload", workload=name), why("no_vnic")))
    return found[0]


def _end(net: NetworkPart, where: Where, v: VNic) -> _End:
    host = where.host_of.get(v.workload)
    at = node("vnic", vnic=v.name)
    if host is None:
        raise _Dropped(Hop.drop(at, why("no_host", workload=v.workload)))
    if host not in where.up_hosts:
        raise _Dropped(Hop.drop(at, why("host_down", host=host)))
    if v.workload in where.stopped:
        raise _Dropped(Hop.drop(at, why("not_running", workload=v.workload)))
    if not v.up:
        raise _Dropped(Hop.drop(at, why("vnic_down")))
    pg = net.port_group_on.get((host, v.port_group))
    if pg is None:
        raise _Dropped(Hop.drop(at, why("no_port_group", pg=v.port_group, host=host)))
    seg = net.segment_index.get(pg.segment) if pg.segment else None
    return _End(v, host, pg, net.vswitch_index[pg.vswitch], seg.vni if seg else None)


class _Path:
    """The hops of one direction, and the packet as the flow tables see it."""

    def __init__(self, net: NetworkPart, where: Where, a: _End, b: _End, pkt: Packet, size: int) -> None:
        self.net, self.where, self.a, self.b, self.pkt, self.pkt_size = net, where, a, b, pkt, size
        self.hops: list[Hop] = []

    def drop(self, at: Node, reason: Why) -> NoReturn:
        raise _Dropped(Hop.drop(at, reason))

    def vswitch(self, end: _End, in_port: str, vlan: int | None) -> None:
        at = node("vswitch", vswitch=end.vs.name, host=end.host)
        step = switch_flows(self.net, end.vs.name, Packet(
            in_port, vlan, self.pkt.eth_src, self.pkt.eth_dst, self.pkt.ip_src, self.pkt.ip_dst,
            self.pkt.proto, self.pkt.tp_src, self.pkt.tp_dst))
        if step.reason is not None:
            self.drop(node("flows", switch=end.vs.name), step.reason)
        what = (why("port_group_vni", pg=end.pg.name, vni=end.vni) if end.vni is not None
                else why("port_group", pg=end.pg.name, in_vlan=end.pg.vlan or 0))
        self.hops.append(Hop.step(at, what, step.note,
                                  mac_note(self.net, end.vs.name, self.pkt.eth_dst, vlan, self.where.now_s, end.host),
                                  switch=end.vs.name, in_port=in_port, vlan=vlan, host=end.host))

    def starts_from(self, end: _End) -> list[Start]:
        out = []
        for name in end.vs.uplinks:
            u = self.net.uplink_index.get(name)
            link = self.net.links_of_uplink.get(name)
            if u is None or u.host != end.host or link is None:
                continue
            at = node("uplink", uplink=name)
            fail = None if u.up else Hop.drop(at, why("uplink_down"))
            if fail is None and not link.up:
                fail = Hop.drop(at, why("link_down", link=link.name))
            out.append(Start(at, link.switch, link.port, end.pg.vlan, fail))
        if not out:
            self.drop(node("vswitch", vswitch=end.vs.name, host=end.host), why("no_uplink"))
        return out

    def to_end(self, end: _End) -> Mapping[tuple[str, int], tuple[str, Why | None]]:
        out: dict[tuple[str, int], tuple[str, Why | None]] = {}
        for name in end.vs.uplinks:
            u = self.net.uplink_index.get(name)
            link = self.net.links_of_uplink.get(name)
            if u is not None and u.host == end.host and link is not None:
                down = why("uplink_down") if not u.up else None if link.up else why("link_down", link=link.name)
                out[(link.switch, link.port)] = (name, down)
        return out

    def fabric(self, starts: list[Start], ends: Mapping[tuple[str, int], tuple[str, Why | None]],
               unreachable: Why) -> Walk:
        mtu = self.net.underlay_mtu
        if self.pkt_size > mtu:
            self.drop(starts[0].at, why("physical_mtu", mtu=mtu, size=self.pkt_size))
        walk = search(self.net, starts, lambda s, p: ends.get((s, p)), self.pkt, self.where.now_s)
        if walk is None:
            self.drop(starts[0].at, unreachable)
        assert walk is not None
        if walk.fail is not None:
            for h in walk.hops:
                if h.at == walk.fail.at:
                    break
                self.hops.append(h)
            raise _Dropped(walk.fail)
        self.hops.extend(walk.hops)
        return walk


def _arrive(p: _Path, walk: Walk, end: _End) -> None:
    if walk.tag != end.pg.vlan:
        p.drop(node("uplink", uplink=walk.end), why("tag_mismatch", arrive_tag=walk.tag or 0, pg=end.pg.name, expect_tag=end.pg.vlan or 0))
    p.vswitch(end, walk.end, walk.tag)


def _overlay(p: _Path, size: int) -> None:
    a, b, net = p.a, p.b, p.net
    ta, tb = net.vtep_index.get(a.host), net.vtep_index.get(b.host)
    for host, t in ((a.host, ta), (b.host, tb)):
        if t is None:
            p.drop(node("host", host=host), why("no_vtep", host=host, vni=a.vni or 0))
    assert ta is not None and tb is not None
    need = vxlan_underlay_needed(size, ta.ipv6)
    if need > net.underlay_mtu:
        p.drop(node("vtep", host=a.host), why("underlay_mtu", mtu=net.underlay_mtu, need=need, size=size, overhead=need - size))
    for host in (a.host, b.host):
        if not any(u.host == host and u.up and (link := net.links_of_uplink.get(u.name)) is not None and link.up
                   and (sw := net.switch_index.get(link.switch)) is not None and sw.up for u in net.uplinks):
            p.drop(node("host", host=host), why("no_underlay_uplink"))
    p.hops.append(Hop.step(node("vtep_ip", host=a.host, ip=ta.ip), why("vtep_encap", vni=a.vni or 0, outer=need,
                                                            mtu=net.underlay_mtu)))
    p.hops.append(Hop.step(node("underlay", src=ta.ip, dst=tb.ip), why("underlay")))
    p.hops.append(Hop.step(node("vtep_ip", host=b.host, ip=tb.ip), why("vtep_decap", vni=b.vni or 0, pg=b.pg.name)))
    p.vswitch(b, "vxlan", None)


def _l2(p: _Path, size: int) -> None:
    a, b = p.a, p.b
    if a.host == b.host and a.vs.name == b.vs.name:
        p.hops.append(Hop.step(node("vswitch", vswitch=a.vs.name, host=a.host), why("local_vni", vni=a.vni, host=a.host) if a.vni is not None
                               else why("local", in_vlan=a.pg.vlan or 0, host=a.host)))
        return
    if a.vni is not None:
        _overlay(p, size)
        return
    walk = p.fabric(p.starts_from(a), p.to_end(b), why("no_path", dst=b.vnic.workload, host=b.host))
    _arrive(p, walk, b)


def _gateway(net: NetworkPart, end: _End) -> tuple[Router, RouterIf] | None:
    addr = parse_iface(end.vnic.ip)[0]
    for r in net.routers:
        for i in r.interfaces:
            if addr in i.network and i.vlan == end.pg.vlan:
                return r, i
    return None


def _routed(p: _Path, size: int) -> None:
    a, b, net = p.a, p.b, p.net
    a_net = a.vnic.network
    found = _gateway(net, a) if a.vni is None else None
    if found is None:
        p.drop(node("vnic", vnic=a.vnic.name), why("no_gateway", ip=b.vnic.address, subnet=str(a_net), src_vlan=a.pg.vlan or 0)
               if a.vni is None else why("no_gateway_vni", ip=b.vnic.address, subnet=str(a_net), vni=a.vni))
    assert found is not None
    r, gw = found
    dst = parse_iface(b.vnic.ip)[0]
    out_if = next((i for i in r.interfaces if dst in i.network), None)
    ends = {(r.switch, r.port): (f"router:{r.name}", None if r.up else why("router_down", router=r.name))}
    walk = p.fabric(p.starts_from(a), ends, why("no_path_gateway", gateway=gw.ip.split("/")[0], router=r.name))
    if walk.tag != gw.vlan:
        p.drop(node("router", router=r.name), why("gateway_tag", arrive_tag=walk.tag or 0, expect_tag=gw.vlan or 0))
    if out_if is None or b.vni is not None:
        p.drop(node("router", router=r.name), why("no_route", ip=str(dst), router=r.name))
    assert out_if is not None
    p.hops.append(Hop.step(node("router", router=r.name), why("routed", src_net=str(a_net), dst_net=str(out_if.network),
                                       out_vlan=out_if.vlan or 0)))
    walk = p.fabric([Start(node("router", router=r.name), r.switch, r.port, out_if.vlan)], p.to_end(b),
                    why("no_path", dst=b.vnic.workload, host=b.host))
    _arrive(p, walk, b)


def _no_arp(net: NetworkPart, a: _End, b: _End) -> Why:
    """Why an on-link destination on another segment gets no ARP answer (and who answers
    instead, when the tenants' subnets overlap)."""
    ip, dst = b.vnic.address, b.vnic.workload
    if a.vni is None and b.vni is None:
        return why("no_arp", ip=ip, src_vlan=a.pg.vlan or 0, dst=dst, dst_vlan=b.pg.vlan or 0)
    if a.vni is None or b.vni is None:
        return why("no_arp_other", ip=ip, dst=dst)
    twin = next((v.workload for v in net.vnics if v.address == ip and v is not b.vnic and v is not a.vnic
                 and net.port_group_on.get((a.host, v.port_group)) == a.pg), None)
    if twin is not None:
        return why("no_arp_vni_twin", ip=ip, vni=a.vni, dst=dst, dst_vni=b.vni, twin=twin)
    return why("no_arp_vni", ip=ip, vni=a.vni, dst=dst, dst_vni=b.vni)


def _ip_twin(net: NetworkPart, a: _End, b: _End) -> str | None:
    """Another workload with the destination's address on the destination's own segment (the
    same overlay segment, or the same port group): both answer the sender's ARP."""
    for v in net.vnics:
        if v.address != b.vnic.address or v is b.vnic or v is a.vnic:
            continue
        pg = net.port_group_on.get((a.host, v.port_group))
        if pg is not None and (pg == b.pg or (pg.segment is not None and pg.segment == b.pg.segment)):
            return v.workload
    return None


def _one_way(net: NetworkPart, where: Where, va: VNic, vb: VNic, proto: str, sport: int | None,
             dport: int | None, size: int, reply: bool) -> tuple[tuple[Hop, ...], Hop | None]:
    hops: list[Hop] = []
    try:
        a, b = _end(net, where, va), _end(net, where, vb)
        p = _Path(net, where, a, b, Packet(va.name, a.pg.vlan, va.mac, vb.mac, va.address, vb.address,
                                           proto, sport, dport), size)
        hops = p.hops
        what = f"{proto}/{dport}" if dport is not None else proto
        hops.append(Hop.step(node("vnic", vnic=va.name), why("send_reply" if reply else "send", src_ip=va.address, dst_ip=vb.address,
                                          what=what, size=size)))
        peer_b = Peer(vb.address, frozenset(vb.groups))
        sg = sg_verdict(va.groups, net.group_index, "egress", proto, dport, peer_b, reply=reply)
        if sg:
            p.drop(node("sgs", vnic=va.name), why("sg_egress", groups="+".join(va.groups), what=what,
                                                     peer=vb.address))
        if size > a.vs.mtu:
            p.drop(node("vswitch", vswitch=a.vs.name, host=a.host), why("mtu_vswitch", size=size, mtu=a.vs.mtu))
        p.vswitch(a, va.name, a.pg.vlan)
        if parse_iface(vb.ip)[0] in va.network:
            if (a.vni, a.pg.vlan if a.vni is None else None) != (b.vni, b.pg.vlan if b.vni is None else None):
                p.drop(node("vnic", vnic=va.name), _no_arp(net, a, b))
            twin = _ip_twin(net, a, b)
            if twin is not None:
                p.drop(node("vnic", vnic=va.name), why("ip_conflict", ip=vb.address, dst=vb.workload, twin=twin,
                                                      segment=b.domain))
            _l2(p, size)
        else:
            _routed(p, size)
        if size > b.vs.mtu:
            p.drop(node("vswitch", vswitch=b.vs.name, host=b.host), why("mtu_vswitch", size=size, mtu=b.vs.mtu))
        sg = sg_verdict(vb.groups, net.group_index, "ingress", proto, dport,
                        Peer(va.address, frozenset(va.groups)), reply=reply)
        if sg:
            p.drop(node("sgs", vnic=vb.name), why("sg_ingress", groups="+".join(vb.groups), what=what,
                                                     peer=va.address))
        if vb.groups:
            tracked = reply and all(g.stateful for g in net.group_index.values() if g.name in vb.groups)
            hops.append(Hop.step(node("sgs", vnic=vb.name), why("sg_tracked" if tracked else "sg_rule")))
        hops.append(Hop.step(node("vnic", vnic=vb.name), why("delivered", workload=vb.workload)))
        return tuple(hops), None
    except _Dropped as d:
        return (*hops, d.hop), d.hop


def trace(net: NetworkPart, where: Where, src: str, dst: str, proto: str = "icmp",
          port: int | None = None, size: int = 1500) -> Trace:
    """Walk a packet from ``src`` to ``dst`` (workloads or vNICs) and its reply back."""
    try:
        va, vb = _vnic(net, src), _vnic(net, dst)
    except _Dropped as d:
        return Trace(src, dst, proto, port, size, (d.hop,), d.hop)
    sport = EPHEMERAL_PORT if port is not None else None
    hops, drop = _one_way(net, where, va, vb, proto, sport, port, size, False)
    reply = None
    if drop is None:
        r_hops, r_drop = _one_way(net, where, vb, va, proto, port, sport, size, True)
        reply = Trace(dst, src, proto, sport, size, r_hops, r_drop)
    return Trace(src, dst, proto, port, size, hops, drop, reply)
