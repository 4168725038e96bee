"""The packet trace: the path, or the first hop that drops the packet and the rule that did —
on the two lesson scenarios and on purpose-built LANs."""

from __future__ import annotations

from tests.core.network.netkit import lan, scenario
from virtlab.core.actions import apply
from virtlab.core.network.actions import SetMtu, SetSwitchPort
from virtlab.core.network.faults import NetFail
from virtlab.core.network.flows import FailMode, Flow, FlowAction, Match
from virtlab.core.network.secgroups import SecurityGroup, SgRule
from virtlab.core.network.topology import PortMode, SwitchPort
from virtlab.core.network.trace import trace, where_of
from virtlab.core.report import build_report
from virtlab.core.state import Datacenter


def _trace(dc: Datacenter, a: str, b: str, proto: str = "icmp", port: int | None = None, size: int = 1500):
    return trace(dc.network, where_of(dc), a, b, proto, port, size)


def test_l10_a_trunk_that_does_not_allow_the_vlan_is_named() -> None:
    dc = scenario("network-vlan-patch-panel.toml")
    t = _trace(dc, "mgmt-1", "db-1")
    assert not t.ok and t.reason == "leaf-1 port 3: trunk does not allow VLAN 30"
    fixed = apply(dc, SetSwitchPort(switch="leaf-1", port=3, mode=PortMode.TRUNK, allowed=(10, 20, 30, 99)))
    t = _trace(fixed, "mgmt-1", "db-1")
    assert t.ok, t.reason
    nodes = [h.node for h in t.hops]
    assert "gw-1" in nodes and nodes[-1] == "db-1.eth0"
    assert t.reply is not None and t.reply.hops[-2].note == "allowed (connection tracking)"


def test_l10_security_groups_enforce_the_policy() -> None:
    dc = apply(scenario("network-vlan-patch-panel.toml"),
               SetSwitchPort(switch="leaf-1", port=3, mode=PortMode.TRUNK, allowed=(10, 20, 30, 99)))
    assert _trace(dc, "app-1", "db-1", "tcp", 5432).ok
    t = _trace(dc, "web-1", "db-1", "tcp", 5432)
    assert t.reason == "db-1.eth0 security groups: sg-db: no ingress rule for tcp/5432 from 10.0.10.11"
    cells = {(c.src, c.dst): c for c in build_report(dc).network.cells}
    assert cells[("web-1", "app-1")].ok and not cells[("web-1", "db-1")].ok


def test_l11_vxlan_needs_1550_bytes_of_underlay_for_a_1500_byte_packet() -> None:
    dc = scenario("network-overlay-tenants.toml")
    t = _trace(dc, "red-a", "red-b", size=1500)
    assert t.reason.startswith("vtep kvm-1: underlay MTU 1500 < 1550 needed for a 1500-byte frame in VXLAN")
    assert _trace(dc, "red-a", "red-b", size=1450).ok  # 1450 + 50 = 1500 fits
    assert not _trace(dc, "red-a", "red-b", size=1451).ok
    assert not _trace(apply(dc, SetMtu(mtu=1549)), "red-a", "red-b").ok
    fixed = apply(dc, SetMtu(mtu=1550))
    assert _trace(fixed, "red-a", "red-b").ok
    assert _trace(apply(dc, SetMtu(mtu=1600)), "red-a", "red-b").ok


def test_l11_tenants_with_overlapping_subnets_are_kept_apart_by_vni() -> None:
    dc = apply(scenario("network-overlay-tenants.toml"), SetMtu(mtu=1600))
    t = _trace(dc, "red-a", "blue-b")
    assert not t.ok and "VNI 5001" in t.reason and "blue-b is in VNI 5002" in t.reason
    assert "red-b answers for 10.0.0.12" in t.reason
    assert _trace(dc, "blue-a", "blue-b").ok


def test_two_workloads_with_one_address_on_one_segment_are_an_ip_conflict() -> None:
    from virtlab.core.network.build import MoveVnic

    before = apply(scenario("network-overlay-tenants.toml"), SetMtu(mtu=1600))
    assert _trace(before, "red-a", "red-b").ok
    dc = apply(before, MoveVnic(name="blue-b.eth0", port_group="red"))  # 10.0.0.12 twice in VNI 5001
    for dst in ("red-b", "blue-b"):
        t = _trace(dc, "red-a", dst)
        assert not t.ok and "gets two answers" in t.reason and "an IP address conflict in VNI 5001" in t.reason
    # red-b reaches red-a (10.0.0.11 is one workload's), but the reply's ARP for 10.0.0.12 does not.
    back = _trace(dc, "red-b", "red-a")
    assert back.dropped_at is not None and back.dropped_at[1] and "gets two answers" in back.reason


def test_l11_the_controller_drops_telnet() -> None:
    dc = apply(scenario("network-overlay-tenants.toml"), SetMtu(mtu=1600))
    t = _trace(dc, "red-a", "red-b", "tcp", 23, 100)
    assert t.reason == "br-int flows: flow priority 200 tcp_dst=23 → drop"
    assert _trace(dc, "red-a", "red-b", "tcp", 22, 100).ok


def test_controller_loss_secure_keeps_the_drop_standalone_forgets_it() -> None:
    dc = apply(apply(scenario("network-overlay-tenants.toml"), SetMtu(mtu=1600)), NetFail(name="sdn-1"))
    assert not _trace(dc, "red-a", "red-b", "tcp", 23, 100).ok  # fail_mode secure: the flows stay
    assert _trace(dc, "red-a", "red-b", "tcp", 22, 100).ok
    c = dc.network.controller
    assert c is not None
    standalone = dc.with_network(dc.network.evolve(controller=c.model_copy(update={"fail_mode": FailMode.STANDALONE})))
    t = _trace(standalone, "red-a", "red-b", "tcp", 23, 100)
    assert t.ok and "learning switch" in " ".join(h.note for h in t.hops)


def test_a_controlled_switch_without_a_table_miss_flow_drops_what_matches_nothing() -> None:
    dc = lan([("a", 1, 10), ("b", 2, 10)], controlled=True,
             flows=[Flow(name="ssh", switch="dvs", match=Match(proto="tcp", tp_dst=22))])
    t = _trace(dc, "a", "b", "tcp", 80, 100)
    assert not t.ok and "table miss" in t.reason


def test_same_host_same_vlan_never_leaves_the_host() -> None:
    dc = lan([("a", 1, 10), ("b", 1, 10)], links_up={1: False})
    t = _trace(dc, "a", "b")
    assert t.ok and "never leaves h1" in " ".join(h.note for h in t.hops)


def test_an_access_port_drops_a_tagged_frame_and_a_down_link_is_named() -> None:
    dc = lan([("a", 1, 10), ("b", 2, 10)], ports={2: SwitchPort(number=2, mode=PortMode.ACCESS, vlan=10)})
    assert _trace(dc, "b", "a").reason == "leaf-1 port 2: access port (VLAN 10) drops a frame tagged VLAN 10"
    assert _trace(dc, "a", "b").reason == "h2.eth0: frame arrives untagged; port group pg-10 expects tagged VLAN 10"
    dc = lan([("a", 1, 10), ("b", 2, 10)], ports={2: SwitchPort(number=2, mode=PortMode.ACCESS, vlan=20)})
    assert _trace(dc, "a", "b").reason == "leaf-1 port 2: access port is in VLAN 20, not VLAN 10"
    t = _trace(lan([("a", 1, 10), ("b", 2, 10)], links_up={2: False}), "a", "b")
    assert t.reason == "leaf-1 port 2: link cable-2 is down"


def test_a_standard_switch_is_per_host_a_distributed_one_spans_them() -> None:
    dc = lan([("a", 1, 10), ("b", 2, 10)], kind="standard")
    assert _trace(dc, "a", "b").ok
    pgs = tuple(pg for pg in dc.network.port_groups if pg.vswitch != "vss-h2")  # pg-10 only on h1's vSS
    t = _trace(dc.with_network(dc.network.evolve(port_groups=pgs)), "a", "b")
    assert not t.ok and "no port group pg-10 on h2" in t.reason


def test_a_vlan_is_its_own_broadcast_domain() -> None:
    dc = lan([("a", 1, 10), ("b", 2, 20)])
    vn = tuple(v.model_copy(update={"ip": "10.10.0.2/16"}) if v.workload == "b" else v for v in dc.network.vnics)
    t = _trace(dc.with_network(dc.network.evolve(vnics=vn)), "a", "b")
    assert "gets no answer" in t.reason and "VLAN 20" in t.reason


def test_a_stateless_group_drops_the_reply_a_stateful_one_lets_through() -> None:
    rules = (SgRule(direction="egress"), SgRule(direction="ingress", proto="icmp"))
    for stateful, ok in ((True, True), (False, True)):
        dc = lan([("a", 1, 10), ("b", 2, 10)], groups=[SecurityGroup(name="g", rules=rules, stateful=stateful)],
                 vm_groups={"a": ("g",), "b": ("g",)})
        assert _trace(dc, "a", "b").ok is ok  # icmp both ways is allowed by the rules
    tcp = (SgRule(direction="egress"), SgRule(direction="ingress", proto="tcp", port_min=5432))
    for stateful in (True, False):
        dc = lan([("a", 1, 10), ("b", 2, 10)], groups=[SecurityGroup(name="g", rules=tcp, stateful=stateful)],
                 vm_groups={"a": ("g",), "b": ("g",)})
        t = _trace(dc, "a", "b", "tcp", 5432, 100)
        assert t.ok is stateful
        if not stateful:
            assert t.reason.startswith("reply: ") and "tcp/32768" in t.reason


def test_a_flow_drop_on_the_physical_switch_is_named() -> None:
    dc = lan([("a", 1, 10), ("b", 2, 10)], controlled=True, flows=[
        Flow(name="miss", switch="leaf-1", priority=0), Flow(name="vmiss", switch="dvs", priority=0),
        Flow(name="no-b", switch="leaf-1", priority=300, match=Match(ip_dst="10.10.0.2/32"), action=FlowAction.DROP)])
    t = _trace(dc, "a", "b")
    assert t.reason == "leaf-1 flows: flow priority 300 ip_dst=10.10.0.2/32 → drop"


def test_without_a_matrix_list_the_matrix_is_cut_at_the_limit() -> None:
    from virtlab.core.network.report import MATRIX_LIMIT, network_report

    dc = lan([(f"w{i}", 1 + i % 2, 10) for i in range(MATRIX_LIMIT + 5)])
    rep = network_report(dc.network, where_of(dc))
    assert rep.cut and len(rep.workloads) == MATRIX_LIMIT and len(rep.cells) == MATRIX_LIMIT * (MATRIX_LIMIT - 1)
    named = network_report(dc.network.evolve(matrix=("w0", "w44")), where_of(dc))
    assert not named.cut and [c.ok for c in named.cells] == [True, True]


def test_the_fault_table_names_what_each_single_fault_breaks() -> None:
    rep = build_report(scenario("network-vss-learning.toml")).network
    faults = {f.fault: f for f in rep.faults() or []}
    assert set(faults) == {"link:cable-1", "link:cable-3", "uplink:esx-1.vmnic0", "uplink:esx-2.vmnic1",
                           "switch:leaf-1"}  # cable-2 is down already: esx-2 hangs on cable-3 alone
    assert faults["link:cable-3"].breaks == (("web-1", "web-2"), ("web-2", "web-1"))
    assert faults["link:cable-3"].reason == "leaf-1 port 2: link cable-2 is down"
    tenants = build_report(apply(scenario("network-overlay-tenants.toml"), SetMtu(mtu=1600))).network
    lost = {f.fault for f in tenants.faults() or []}
    assert "controller:sdn-1" not in lost  # fail_mode secure keeps the installed flows
    assert {"link:cable-kvm-1", "switch:leaf-2"} <= lost


def test_a_containers_vnic_runs_where_its_vm_runs() -> None:
    from virtlab.core.compute.models import Container
    from virtlab.core.network.topology import VNic

    dc = lan([("a", 1, 10), ("b", 2, 10)])
    dc = dc.with_containers((Container(name="api", vm="b"), Container(name="job", host="h1")))
    vnics = (*dc.network.vnics,
             VNic(name="api.eth0", workload="api", mac="02:00:00:00:01:01", ip="10.10.1.1/16", port_group="pg-10"),
             VNic(name="job.eth0", workload="job", mac="02:00:00:00:01:02", ip="10.10.1.2/16", port_group="pg-10"))
    dc = dc.with_network(dc.network.evolve(vnics=vnics))
    t = _trace(dc, "a", "api")
    assert t.ok and [h.node for h in t.hops][-2] == "dvs@h2"
    assert _trace(dc, "job", "a").ok
    from virtlab.core.compute.models import WorkloadStatus

    down = dc.with_vms(tuple(v.model_copy(update={"status": WorkloadStatus.OFF}) if v.name == "b" else v
                             for v in dc.compute.vms))
    assert _trace(down, "a", "b").reason == "b.eth0: b is not running"
    assert _trace(down, "a", "api").reason == "api.eth0: api is not running"  # it stops with its VM
