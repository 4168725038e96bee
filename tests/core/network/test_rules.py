"""The network's rules against the published numbers: 802.1Q VIDs and tag, VXLAN's VNI,
overhead and MTU, OpenFlow priorities and the table miss, fail modes, stateful security
groups and OpenStack's default group, a learning switch's 300 s aging."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from virtlab.core.base import Refused
from virtlab.core.network import flows, learning, secgroups, vlan
from virtlab.core.network.flows import FailMode, Flow, FlowAction, Match, Packet, lookup
from virtlab.core.network.topology import PortGroup, Segment


def test_the_8021q_tag_is_4_bytes_with_12_bit_vids_1_to_4094() -> None:
    assert vlan.TAG_BYTES == 4
    assert (vlan.VID_MIN, vlan.VID_MAX) == (1, 4094) == (1, 2**12 - 2)
    for ok in (1, 10, 4094):
        vlan.check_vid(ok, "pg")
    for bad, code in ((0, "vlan_reserved_0"), (4095, "vlan_reserved_4095"), (4096, "vlan_range"), (-1, "vlan_range")):
        with pytest.raises(Refused) as e:
            vlan.check_vid(bad, "pg")
        assert e.value.violations[0].code == code


def test_a_port_group_refuses_vlan_0_and_4095_with_the_reason() -> None:
    with pytest.raises(ValidationError, match="untagged or priority-tagged"):
        PortGroup(name="pg", vswitch="v", vlan=0)
    with pytest.raises(ValidationError, match="Virtual Guest Tagging"):
        PortGroup(name="pg", vswitch="v", vlan=4095)
    assert PortGroup(name="pg", vswitch="v", vlan=4094).vlan == 4094


def test_vxlan_has_a_24_bit_vni_udp_4789_and_50_bytes_of_overhead() -> None:
    assert vlan.MAX_VNI == 16_777_215 == 2**24 - 1
    assert vlan.VXLAN_UDP_PORT == 4789
    assert vlan.vxlan_overhead() == 50 and vlan.vxlan_overhead(ipv6=True) == 70
    assert vlan.vxlan_underlay_needed(1500) == 1550
    assert vlan.vxlan_underlay_needed(1500, ipv6=True) == 1570
    assert Segment(name="s", vni=2**24 - 1).vni == 16_777_215
    with pytest.raises(ValidationError):
        Segment(name="s", vni=2**24)
    with pytest.raises(Refused, match="24 bits"):
        vlan.check_vni(2**24, "s")


def _pkt(**kw: object) -> Packet:
    base = {"in_port": "1", "vlan": 10, "eth_src": "02:00:00:00:00:01", "eth_dst": "02:00:00:00:00:02",
            "ip_src": "10.0.0.1", "ip_dst": "10.0.0.2", "proto": "tcp", "tp_src": 40000, "tp_dst": 23}
    base.update(kw)
    return Packet(**base)  # type: ignore[arg-type]


def test_flow_priorities_are_16_bits_defaulting_to_32768() -> None:
    assert Flow(name="f", switch="s").priority == flows.DEFAULT_PRIORITY == 32768
    for bad in (-1, 65536):
        with pytest.raises(ValidationError):
            Flow(name="f", switch="s", priority=bad)


def test_the_highest_priority_match_wins() -> None:
    table = (Flow(name="allow", switch="s", priority=100, action=FlowAction.NORMAL),
             Flow(name="telnet", switch="s", priority=200, match=Match(proto="tcp", tp_dst=23), action=FlowAction.DROP))
    hit = lookup(table, _pkt())
    assert hit.action is FlowAction.DROP and hit.flow is not None and hit.flow.name == "telnet"
    assert hit.why == "flow priority 200 tcp_dst=23 → drop"
    assert lookup(table, _pkt(tp_dst=22)).action is FlowAction.NORMAL


def test_a_table_miss_drops_without_a_table_miss_entry() -> None:
    table = (Flow(name="web", switch="s", match=Match(proto="tcp", tp_dst=80)),)
    miss = lookup(table, _pkt(tp_dst=22))
    assert miss.flow is None and miss.action is FlowAction.DROP and "table miss" in miss.why
    with_miss = (*table, Flow(name="miss", switch="s", priority=0, action=FlowAction.NORMAL))
    assert lookup(with_miss, _pkt(tp_dst=22)).action is FlowAction.NORMAL


def test_match_fields_prefixes_and_prerequisites() -> None:
    m = Match(ip_src="10.0.0.0/24", vlan=10, in_port="1", eth_dst="02:00:00:00:00:02")
    assert m.matches(_pkt()) and not m.matches(_pkt(ip_src="10.0.1.1")) and not m.matches(_pkt(vlan=20))
    with pytest.raises(ValidationError, match="prerequisites"):
        Match(tp_dst=23)
    with pytest.raises(ValidationError):
        Flow(name="f", switch="s", action=FlowAction.OUTPUT)  # output needs a port


def test_controller_loss_fail_secure_keeps_the_flows_fail_standalone_learns() -> None:
    table = (Flow(name="telnet", switch="s", priority=200, match=Match(proto="tcp", tp_dst=23), action=FlowAction.DROP),
             Flow(name="punt", switch="s", priority=0, action=FlowAction.CONTROLLER))
    secure = {"controller_up": False, "fail_mode": FailMode.SECURE}
    assert lookup(table, _pkt(), **secure).action is FlowAction.DROP  # type: ignore[arg-type]
    assert lookup(table, _pkt(tp_dst=22), **secure).action is FlowAction.DROP  # type: ignore[arg-type]
    standalone = lookup(table, _pkt(), controller_up=False, fail_mode=FailMode.STANDALONE)
    assert standalone.action is FlowAction.NORMAL and "learning switch" in standalone.why
    assert FailMode("standalone") is flows.FailMode.STANDALONE  # OVS's default fail_mode


def test_openstacks_default_group_allows_egress_and_ingress_only_from_members() -> None:
    g = secgroups.default_group()
    index = {"default": g}
    member = secgroups.Peer("10.0.0.2", frozenset({"default"}))
    stranger = secgroups.Peer("10.0.0.3", frozenset())
    assert secgroups.sg_verdict(("default",), index, "egress", "tcp", 5432, stranger) is None
    assert secgroups.sg_verdict(("default",), index, "ingress", "tcp", 5432, member) is None
    why = secgroups.sg_verdict(("default",), index, "ingress", "tcp", 5432, stranger)
    assert why == "default: no ingress rule for tcp/5432 from 10.0.0.3"


def test_stateful_groups_let_replies_through_stateless_ones_need_a_rule() -> None:
    rules = (secgroups.SgRule(direction="ingress", proto="tcp", port_min=5432),)
    stateful = {"g": secgroups.SecurityGroup(name="g", rules=rules)}
    stateless = {"g": secgroups.SecurityGroup(name="g", rules=rules, stateful=False)}
    peer = secgroups.Peer("10.0.0.9", frozenset())
    eph = secgroups.EPHEMERAL_PORT
    assert secgroups.sg_verdict(("g",), stateful, "egress", "tcp", eph, peer, reply=True) is None
    assert secgroups.sg_verdict(("g",), stateless, "egress", "tcp", eph, peer, reply=True) is not None
    assert secgroups.sg_verdict((), stateless, "ingress", "tcp", 1, peer) is None  # no group: no filter


def test_a_mac_entry_ages_out_after_300_seconds_and_unknown_unicast_floods() -> None:
    assert learning.AGING_S == 300
    t = learning.learn(learning.MacTable(switch="s"), "02:00:00:00:00:02", "3", 10, now_s=0)
    assert learning.seen(t, "02:00:00:00:00:02", 10, 299).port == "3"
    assert learning.seen(t, "02:00:00:00:00:02", 10, 300).port == "3"
    gone = learning.seen(t, "02:00:00:00:00:02", 10, 301)
    assert gone.port is None and gone.expired
    unknown = learning.seen(t, "02:00:00:00:00:09", 10, 0)
    assert unknown.port is None and not unknown.expired
    relearned = learning.learn(t, "02:00:00:00:00:02", "4", 10, now_s=400)
    assert [e.port for e in relearned.entries] == ["4"]
