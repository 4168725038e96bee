"""Invariants of the trace on random small networks (hypothesis): a trace never passes a rule
that drops it; within one L2 segment with no rules reachability is symmetric; removing a drop
rule never makes a reachable pair unreachable; a refused action leaves the state unchanged."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tests.core.corekit import FAST, pick
from tests.core.network.netkit import lan
from virtlab.core.actions import apply
from virtlab.core.base import Refused
from virtlab.core.network.actions import AddFlow, SetMtu, SetPortGroupVlan, SetSwitchPort
from virtlab.core.network.build import AddPortGroup, AddSegment, MoveVnic
from virtlab.core.network.flows import Flow, FlowAction, FlowTable, Match, Packet, lookup
from virtlab.core.network.report import matrix
from virtlab.core.network.secgroups import SecurityGroup, SgRule
from virtlab.core.network.topology import PortMode, SwitchPort
from virtlab.core.network.trace import Trace, trace, where_of
from virtlab.core.state import Datacenter

VLANS = pick(10, 20, 30)
PROTOS = pick("tcp", "udp", "icmp")


@st.composite
def ports(draw: st.DrawFn, n: int) -> dict[int, SwitchPort]:
    out = {}
    for i in range(1, n + 1):
        if draw(st.integers(0, 3)):
            out[i] = SwitchPort(number=i, mode=PortMode.TRUNK, native=draw(pick(1, 10)),
                                allowed=draw(st.sampled_from([None, None, None, (10, 20, 30), (10,), (20, 30), ()])))
        else:
            out[i] = SwitchPort(number=i, mode=PortMode.ACCESS, vlan=draw(VLANS))
    return out


@st.composite
def matches(draw: st.DrawFn) -> Match:
    proto = draw(st.none() | PROTOS)
    port = draw(st.none() | pick(22, 23, 80, 32768)) if proto in ("tcp", "udp") else None
    return Match(proto=proto, tp_dst=port if draw(st.booleans()) else None,
                 tp_src=port if port is not None and draw(st.booleans()) else None,
                 vlan=draw(st.none() | VLANS), ip_dst=draw(st.none() | pick("10.10.0.0/16", "10.20.0.1/32")))


@st.composite
def flow_tables(draw: st.DrawFn) -> list[Flow]:
    out = []
    for i in range(draw(st.integers(0, 8))):
        out.append(Flow(name=f"f{i}", switch=draw(pick("dvs", "leaf-1")),
                        priority=draw(st.integers(0, 400)), match=draw(matches()),
                        action=draw(st.sampled_from([FlowAction.DROP, FlowAction.NORMAL, FlowAction.NORMAL]))))
    if draw(st.integers(0, 3)):  # mostly with a table-miss entry on each switch, as controllers install
        out += [Flow(name=f"miss-{sw}", switch=sw, priority=0) for sw in ("dvs", "leaf-1")]
    return out


@st.composite
def networks(draw: st.DrawFn, *, one_vlan: bool = False, rules: bool = True) -> Datacenter:
    hosts = draw(st.integers(1, 3))
    vlan = draw(VLANS)
    # Mostly one VLAN (different VLANs have no router here, so they never reach each other).
    vms = [(f"w{i}", draw(st.integers(1, hosts)), vlan if one_vlan or draw(st.integers(0, 3)) else draw(VLANS))
           for i in range(draw(st.integers(2, 5)))]
    groups = []
    vm_groups = {}
    if rules and draw(st.booleans()):
        sg_rules = (SgRule(direction="egress"), SgRule(direction="ingress", proto=draw(PROTOS)))
        groups = [SecurityGroup(name="g", rules=sg_rules, stateful=draw(st.booleans()))]
        vm_groups = {n: ("g",) for n, _, _ in vms if draw(st.booleans())}
    flows = draw(flow_tables()) if rules else []
    return lan(vms, hosts=hosts, ports=draw(ports(hosts)), flows=flows, groups=groups, vm_groups=vm_groups,
               controlled=bool(flows) and draw(st.booleans()),
               links_up={i: draw(st.integers(0, 5)) > 0 for i in range(1, hosts + 1)})


def _walked(t: Trace) -> list[Trace]:
    return [t] + ([t.reply] if t.reply is not None else [])


@FAST
@given(networks(), PROTOS, pick(22, 23, 80), st.data())
def test_a_trace_never_passes_a_rule_that_drops_it(dc: Datacenter, proto: str, port: int, data: st.DataObject) -> None:
    net = dc.network
    names = [v.workload for v in net.vnics]
    a = data.draw(st.sampled_from(names))
    b = data.draw(st.sampled_from([n for n in names if n != a]))
    t = trace(net, where_of(dc), a, b, proto, port if proto != "icmp" else None, 100)
    if not t.ok:
        return
    ports = None if proto == "icmp" else (32768, port)  # (source, destination) of the request
    for leg in _walked(t):
        src, dst = net.vnics_of[leg.src][0], net.vnics_of[leg.dst][0]
        tp_src, tp_dst = (None, None) if ports is None else (ports if leg is t else ports[::-1])
        for h in leg.hops:
            if h.switch is None or h.in_port is None or not net.controlled(h.switch):
                continue
            pkt = Packet(h.in_port, h.vlan, src.mac, dst.mac, src.address, dst.address, proto, tp_src, tp_dst)
            hit = lookup(net.flows_by_switch.get(h.switch, ()), pkt)
            assert hit.action is not FlowAction.DROP, (h, hit.why)


@FAST
@given(networks(one_vlan=True, rules=False), st.data())
def test_reachability_in_one_l2_segment_without_rules_is_symmetric(dc: Datacenter, data: st.DataObject) -> None:
    names = [v.workload for v in dc.network.vnics]
    cells = matrix(dc.network, where_of(dc), names)
    for (a, b), t in cells.items():
        assert t.ok == cells[(b, a)].ok, (t.reason, cells[(b, a)].reason)


@FAST
@given(networks(), st.data())
def test_removing_a_drop_rule_never_makes_a_reachable_pair_unreachable(dc: Datacenter, data: st.DataObject) -> None:
    net = dc.network
    drops = [f for f in net.flows if f.action is FlowAction.DROP]
    if not drops:
        return
    gone = data.draw(st.sampled_from(drops))
    proto = data.draw(PROTOS)
    port = data.draw(pick(22, 23, 80)) if proto != "icmp" else None
    names = [v.workload for v in net.vnics]
    before = matrix(net, where_of(dc), names, proto, port, 100)
    after = matrix(net.evolve(flows=tuple(f for f in net.flows if f is not gone)), where_of(dc), names, proto, port, 100)
    for pair, t in before.items():
        if t.ok:
            assert after[pair].ok, after[pair].reason


@FAST
@given(networks(), st.data())
def test_a_refused_action_leaves_the_state_unchanged(dc: Datacenter, data: st.DataObject) -> None:
    action = data.draw(st.one_of(
        st.builds(SetPortGroupVlan, name=pick("pg-10", "pg-20", "pg-x"), vlan=st.integers(-2, 4100)),
        st.builds(SetMtu, mtu=st.integers(0, 12_000)),
        st.builds(AddFlow, name=pick("f0", "new"), switch=pick("dvs", "leaf-1", "x"),
                  priority=st.integers(-5, 70_000)),
        st.builds(SetSwitchPort, switch=st.just("leaf-1"), port=st.integers(1, 4), mode=st.sampled_from(list(PortMode)),
                  vlan=st.integers(0, 4095), native=st.integers(0, 4095)),
        st.builds(AddPortGroup, name=pick("pg-10", "pg-new"), vswitch=pick("dvs", "x"),
                  vlan=st.none() | st.integers(-1, 4096)),
        st.builds(AddSegment, name=st.just("s"), vni=st.integers(-1, 2**24 + 1)),
        st.builds(MoveVnic, name=pick("w0.eth0", "nope"), port_group=pick("pg-10", "pg-x")),
    ))
    before = dc.model_dump()
    net = dc.network
    try:
        after = apply(dc, action)
    except Refused:
        assert dc.model_dump() == before and dc.network is net
        return
    assert dc.model_dump() == before  # the old state is kept for undo either way
    assert after is not dc


@FAST
@given(st.lists(matches(), max_size=12), st.lists(st.integers(0, 3), min_size=12, max_size=12), matches(),
       pick("10.10.0.2", "10.20.0.1", "10.30.1.9"))
def test_the_compiled_flow_table_answers_as_the_linear_scan(ms: list[Match], prios: list[int], probe: Match,
                                                            ip: str) -> None:
    flows = [Flow(name=f"f{i}", switch="s", priority=prios[i] * 100, match=m) for i, m in enumerate(ms)]
    pkt = Packet("1", probe.vlan, "02:00:00:00:00:01", "02:00:00:00:00:02", "10.10.0.1", ip,
                 probe.proto or "icmp", probe.tp_src, probe.tp_dst)
    best = None
    for f in flows:  # OpenFlow: the highest priority match, the first listed among equals
        if f.match.matches(pkt) and (best is None or f.priority > best.priority):
            best = f
    assert FlowTable(flows).lookup(pkt) is best
