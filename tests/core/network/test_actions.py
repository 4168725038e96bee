"""Network actions as a student uses them in lessons 10 and 11, refused with their numbers."""

from __future__ import annotations

import pytest

from tests.core.network.netkit import scenario
from virtlab.core.actions import ACTION_KINDS, apply
from virtlab.core.base import Refused
from virtlab.core.network.actions import (
    AddFlow,
    AddSgRule,
    RemoveFlow,
    RemoveSgRule,
    SetMtu,
    SetPortGroupVlan,
    SetSwitchPort,
)
from virtlab.core.network.build import AddPortGroup, AddSegment, AddVtep, MoveVnic
from virtlab.core.network.faults import NetFail, NetRepair, NetSend
from virtlab.core.network.topology import PortMode
from virtlab.core.network.trace import trace, where_of
from virtlab.core.state import Datacenter


def _ok(dc: Datacenter, a: str, b: str, proto: str = "icmp", port: int | None = None, size: int = 1500) -> bool:
    return trace(dc.network, where_of(dc), a, b, proto, port, size).ok


def test_the_network_kinds_are_actions() -> None:
    assert {"set_pg_vlan", "set_switch_port", "set_mtu", "add_flow", "remove_flow", "add_sg_rule",
            "remove_sg_rule", "move_vnic", "net_fail", "net_repair", "net_send", "add_port_group",
            "add_vtep", "add_segment"} <= set(ACTION_KINDS)


@pytest.mark.parametrize(("action", "code", "words"), [
    (SetPortGroupVlan(name="pg-db", vlan=0), "vlan_reserved_0", "untagged or priority-tagged"),
    (SetPortGroupVlan(name="pg-db", vlan=4095), "vlan_reserved_4095", "Virtual Guest Tagging"),
    (SetPortGroupVlan(name="pg-db", vlan=5000), "vlan_range", "VLAN 5000 is outside 1–4094"),
    (SetPortGroupVlan(name="pg-x", vlan=10), "unknown_port_group", "no port group named 'pg-x'"),
    (SetSwitchPort(switch="leaf-1", port=3, mode=PortMode.TRUNK, allowed=(10, 4095)), "vlan_reserved_4095", "leaf-1 port 3"),
    (SetSwitchPort(switch="leaf-1", port=9, mode=PortMode.ACCESS), "unknown_port", "leaf-1 has no port 9"),
    (SetMtu(mtu=10_000), "mtu_range", "MTU 10000 is outside 576–9216"),
    (AddFlow(name="f", switch="leaf-1", priority=65_536), "flow_priority", "priority 65536 is outside 0–65535"),
    (AddFlow(name="f", switch="leaf-1", match={"tp_dst": 23}), "invalid", "prerequisites"),
    (AddFlow(name="f", switch="nope"), "unknown_switch", "no switch or vSwitch named 'nope'"),
    (RemoveSgRule(group="sg-db", index=9), "sg_rule_index", "sg-db has 3 rules, no rule 9"),
    (AddSgRule(group="sg-db", rule={"direction": "sideways"}), "invalid", "direction"),
    (MoveVnic(name="db-1.eth0", port_group="pg-x"), "unknown_port_group", "pg-x"),
    (NetFail(name="nope"), "unknown_network", "no link, uplink, switch, router or controller"),
])
def test_refused_with_the_reason_and_the_state_unchanged(action, code: str, words: str) -> None:
    dc = scenario("network-vlan-patch-panel.toml")
    before = dc.network.model_dump()
    with pytest.raises(Refused) as e:
        apply(dc, action)
    (v,) = e.value.violations
    assert v.code == code and words in v.message
    assert dc.network.model_dump() == before


def test_fixing_the_trunk_and_the_groups_gives_the_policy() -> None:
    dc = scenario("network-vlan-patch-panel.toml")
    assert not _ok(dc, "app-1", "db-1", "tcp", 5432)
    dc = apply(dc, SetSwitchPort(switch="leaf-1", port=3, mode=PortMode.TRUNK, allowed=(10, 20, 30, 99)))
    assert _ok(dc, "app-1", "db-1", "tcp", 5432) and not _ok(dc, "app-1", "db-1")  # db: only tcp/5432 from app
    dc = apply(dc, AddSgRule(group="sg-db", rule={"direction": "ingress", "proto": "icmp", "remote_group": "sg-app"}))
    assert _ok(dc, "app-1", "db-1")
    dc = apply(dc, RemoveSgRule(group="sg-db", index=4))
    assert not _ok(dc, "app-1", "db-1")


def test_moving_a_vnic_to_another_vlan_and_setting_a_port_groups_vlan() -> None:
    dc = apply(scenario("network-vlan-patch-panel.toml"),
               SetSwitchPort(switch="leaf-1", port=3, mode=PortMode.TRUNK, allowed=(10, 20, 30, 99)))
    moved = apply(dc, SetPortGroupVlan(name="pg-db", vlan=40))
    t = trace(moved.network, where_of(moved), "mgmt-1", "db-1")  # the router still tags db's subnet 30
    assert t.reason == "esx-2.vmnic0: frame arrives tagged VLAN 30; port group pg-db expects tagged VLAN 40"
    t = trace(moved.network, where_of(moved), "db-1", "mgmt-1")
    assert t.reason == "db-1.eth0: 10.0.99.11 is off-link (10.0.30.0/24) and no router has a gateway on 10.0.30.0/24 in VLAN 40"
    back = apply(moved, MoveVnic(name="db-1.eth0", port_group="pg-app"))
    assert back.network.vnic_index["db-1.eth0"].port_group == "pg-app"


def test_flows_faults_and_repairs() -> None:
    dc = apply(scenario("network-overlay-tenants.toml"), SetMtu(mtu=1600))
    assert not _ok(dc, "red-a", "red-b", "tcp", 23, 100)
    assert _ok(apply(dc, RemoveFlow(name="no-telnet")), "red-a", "red-b", "tcp", 23, 100)
    no_miss = apply(dc, RemoveFlow(name="table-miss"))
    assert not _ok(no_miss, "red-a", "red-b", "tcp", 22, 100)  # OpenFlow 1.3: a miss drops
    ssh = apply(no_miss, AddFlow(name="ssh", switch="br-int", match={"proto": "tcp", "tp_dst": 22}))
    assert ssh.network.flows[-1].priority == 32768
    t = trace(ssh.network, where_of(ssh), "red-a", "red-b", "tcp", 22, 100)
    assert not t.ok and t.reason.startswith("reply: ") and "table miss" in t.reason  # flows are not stateful
    ssh = apply(ssh, AddFlow(name="ssh-back", switch="br-int", match={"proto": "tcp", "tp_src": 22}))
    assert _ok(ssh, "red-a", "red-b", "tcp", 22, 100)
    down = apply(dc, NetFail(name="cable-kvm-2"))
    assert "no working uplink" in trace(down.network, where_of(down), "red-a", "red-b").reason
    assert _ok(apply(down, NetRepair(name="cable-kvm-2")), "red-a", "red-b")
    sw = apply(dc, NetFail(name="leaf-1"))
    assert not _ok(sw, "red-a", "red-b") and _ok(apply(sw, NetRepair(name="leaf-1")), "red-a", "red-b")


def test_sending_teaches_the_switches_and_the_entries_age_out_after_300_s() -> None:
    from tests.core.network.netkit import lan
    from virtlab.core.compute.lifecycle import Advance

    dc = apply(lan([("a", 1, 10), ("b", 2, 10)]), NetSend(src="a", dst="b"))
    tables = dc.network.table_index
    assert {(e.mac, e.port) for e in tables[("leaf-1", None)].entries} == {
        ("02:00:00:00:00:00", "1"), ("02:00:00:00:00:01", "2")}
    assert [e.port for e in tables[("dvs", "h2")].entries if e.mac.endswith("01")] == ["b.eth0"]
    notes = " ".join(h.note for h in trace(dc.network, where_of(dc), "a", "b").hops)
    assert "02:00:00:00:00:01 learned on port 2 0 s ago" in notes
    later = apply(dc, Advance(hours=299 / 3600))
    assert "aged out" not in " ".join(h.note for h in trace(later.network, where_of(later), "a", "b").hops)
    later = apply(dc, Advance(hours=301 / 3600))
    notes = " ".join(h.note for h in trace(later.network, where_of(later), "a", "b").hops)
    assert "aged out (301 s > 300 s): unknown unicast, flooded" in notes


def test_a_standard_vswitch_needs_the_port_group_on_each_host() -> None:
    dc = scenario("network-vss-learning.toml")
    t = trace(dc.network, where_of(dc), "web-1", "backup-1")
    assert t.reason.startswith("backup-1.eth0: no port group pg-backup on esx-2 (a standard vSwitch is configured per host")
    fixed = apply(dc, AddPortGroup(name="pg-backup", vswitch="vss0-esx-2", vlan=50))
    t = trace(fixed.network, where_of(fixed), "web-2", "backup-1")  # now found; no router from VLAN 10 to 50
    assert t.drop is not None and t.drop.code == "no_gateway"
    with pytest.raises(Refused, match="already has a port group"):
        apply(fixed, AddPortGroup(name="pg-backup", vswitch="vss0-esx-2", vlan=50))
    with pytest.raises(Refused) as e:
        apply(dc, AddPortGroup(name="pg-trunk", vswitch="vss0-esx-2", vlan=4095))
    assert e.value.violations[0].code == "vlan_reserved_4095"


def test_the_redundant_uplink_carries_the_traffic_when_one_cable_is_down() -> None:
    dc = scenario("network-vss-learning.toml")
    t = trace(dc.network, where_of(dc), "web-1", "web-2")
    assert t.ok and "leaf-1 port 3" in [h.node for h in t.hops]
    both = apply(dc, NetFail(name="cable-3"))
    t = trace(both.network, where_of(both), "web-1", "web-2")
    assert t.reason in ("leaf-1 port 3: link cable-3 is down", "leaf-1 port 2: link cable-2 is down")


def test_building_an_overlay_segments_and_vteps() -> None:
    dc = scenario("network-overlay-tenants.toml")
    with pytest.raises(Refused) as e:
        apply(dc, AddSegment(name="green-net", vni=5001))
    assert e.value.violations[0].code == "vni_taken" and "VNI 5001 is already red-net's" in str(e.value)
    with pytest.raises(Refused) as e:
        apply(dc, AddSegment(name="green-net", vni=2**24))
    assert e.value.violations[0].code == "vni_range"
    grown = apply(dc, AddSegment(name="green-net", vni=5003, tenant="green"))
    assert grown.network.segment_index["green-net"].vni == 5003
    with pytest.raises(Refused, match="already has a VTEP"):
        apply(dc, AddVtep(host="kvm-1", ip="192.168.1.99"))
    no_vtep = dc.with_network(dc.network.evolve(vteps=dc.network.vteps[:1], underlay_mtu=1600))
    assert trace(no_vtep.network, where_of(no_vtep), "red-a", "red-b").reason == \
        "kvm-2: no VTEP on kvm-2: it cannot carry VNI 5001"
    back = apply(no_vtep, AddVtep(host="kvm-2", ip="192.168.2.12"))
    assert trace(back.network, where_of(back), "red-a", "red-b").ok
