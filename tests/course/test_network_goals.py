"""Goals on the network, on the lesson scenarios: a packet reaches or is blocked, and the
matrix matches the policy — the verdict names the hop that drops the packet, in both languages."""

from __future__ import annotations

import pytest

from tests.core.network.netkit import scenario
from virtlab.core.actions import apply
from virtlab.core.network.actions import AddSgRule, SetMtu, SetSwitchPort
from virtlab.core.network.topology import PortMode
from virtlab.core.network.trace import trace, where_of
from virtlab.core.report import build_report
from virtlab.course.goals import CHECKS, GoalParamError, parse_params
from virtlab.course.goals.network import hop_msg
from virtlab.course.trace_text import hop_text


def _check(dc, name: str, **params):
    return CHECKS[name](dc, build_report(dc), parse_params(name, params, {"state": dc, "added": {}}))


def test_l11_a_full_size_ping_needs_1550_bytes_of_underlay() -> None:
    dc = scenario("network-overlay-tenants.toml")
    v = _check(dc, "reach", src="red-a", dst="red-b", size=1500)
    assert not v.met and v.en == ("red-a does not reach red-b (icmp, 1500 bytes): vtep kvm-1: underlay MTU 1500 "
                                  "< 1550 needed for a 1500-byte frame in VXLAN (50 bytes of overhead, RFC 7348; "
                                  "DF set, VTEPs never fragment)")
    assert "언더레이 MTU 1500 < 1550" in v.ko and "{" not in v.ko
    fixed = apply(dc, SetMtu(mtu=1600))
    assert _check(fixed, "reach", src="red-a", dst="red-b").met
    blocked = _check(fixed, "reach", src="red-a", dst="blue-b", expect=False)
    assert blocked.met and "VNI 5002" in blocked.en
    telnet = _check(fixed, "reach", src="red-a", dst="red-b", proto="tcp", port=23, size=100, expect=False)
    assert telnet.met and telnet.en.endswith("br-int flows: flow priority 200 tcp_dst=23 → drop")
    ssh = _check(fixed, "reach", src="red-a", dst="red-b", proto="tcp", port=22, size=100, expect=False)
    assert not ssh.met and "nothing drops it" in ssh.en


def test_l10_the_matrix_must_match_the_policy() -> None:
    dc = scenario("network-vlan-patch-panel.toml")
    policy = {"workloads": ["web-1", "app-1", "db-1", "mgmt-1"], "proto": "icmp",
              "allowed": [["web-1", "app-1"], ["app-1", "db-1"], ["mgmt-1", "web-1"], ["mgmt-1", "app-1"],
                          ["mgmt-1", "db-1"]], "both_ways": False}
    v = _check(dc, "reachability_policy", **policy)
    assert not v.met and v.en == "app-1 → web-1 (icmp) should be blocked but passes: no rule drops it"
    dc = apply(dc, SetSwitchPort(switch="leaf-1", port=3, mode=PortMode.TRUNK, allowed=(10, 20, 30, 99)))
    dc = apply(dc, AddSgRule(group="sg-db", rule={"direction": "ingress", "proto": "icmp", "remote_group": "sg-app"}))
    policy["both_ways"] = True
    policy["allowed"] = [["web-1", "app-1"], ["app-1", "db-1"], ["mgmt-1", "web-1"], ["mgmt-1", "app-1"],
                         ["mgmt-1", "db-1"]]
    v = _check(dc, "reachability_policy", **policy)
    assert not v.met and v.en.startswith("web-1 → mgmt-1 (icmp) should pass but is dropped: mgmt-1.eth0 security")
    policy["both_ways"] = False
    policy["allowed"] += [["app-1", "web-1"], ["db-1", "web-1"]]
    v = _check(dc, "reachability_policy", **policy)
    assert v.met, v.en
    assert v.en == "the matrix matches the policy: 7 pairs reach, 5 are blocked (icmp)"


def test_goal_parameters_are_checked() -> None:
    dc = scenario("network-overlay-tenants.toml")
    with pytest.raises(GoalParamError, match="params.dst"):
        parse_params("reach", {"src": "red-a", "dst": "ghost"}, {"state": dc, "added": {}})
    with pytest.raises(GoalParamError, match="params.port"):
        parse_params("reach", {"src": "red-a", "dst": "red-b", "port": 70000}, {"state": dc, "added": {}})


def test_a_hop_reads_the_same_as_a_message_and_as_text() -> None:
    for name in ("network-vlan-patch-panel.toml", "network-overlay-tenants.toml", "network-vss-learning.toml"):
        dc = scenario(name)
        for c in build_report(dc).network.cells:
            if c.hop is not None:
                for lang in ("en", "ko"):
                    text = hop_msg(c.hop, c.on_reply).text(lang)
                    assert text == (hop_text(c.hop, lang) if not c.on_reply else text)
                    assert "{" not in text
        t = trace(dc.network, where_of(dc), *[v.workload for v in dc.network.vnics][:2])
        if t.drop is not None:
            assert hop_msg(t.drop).text("en") == t.reason
