"""A scenario's [network] table: read, cross-checked, and refused as the real systems would
refuse it (VLAN 0 and 4095, a VNI over 24 bits, a flow priority over 16 bits), with
file: field: problem messages."""

from __future__ import annotations

from pathlib import Path

import pytest

from virtlab.core.report import build_report, to_jsonable
from virtlab.course.scenario import load_scenario, scenario_from_dict

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
BASE = {"host": [{"name": "h", "hypervisor": "kvm", "cores": 4, "memory": "8 GiB"}],
        "vm": [{"name": "v", "host": "h", "vcpus": 1, "memory": "1 GiB"}]}
VS = {"vswitch": [{"name": "vs", "hosts": ["h"]}]}
PG = {**VS, "port_group": [{"name": "pg", "vswitch": "vs"}]}


def _problems(network: dict) -> list[str]:
    _, problems = scenario_from_dict({**BASE, "network": network}, "s.toml")
    return problems


def test_the_shipped_network_scenarios_load_with_their_matrix() -> None:
    for name, cells in (("network-vlan-patch-panel.toml", 12), ("network-overlay-tenants.toml", 12),
                        ("network-vss-learning.toml", 6)):
        dc, p = load_scenario(SCENARIOS / name)
        assert p == [] and dc is not None
        net = build_report(dc).network
        assert net is not None and len(net.cells) == cells
        assert "network" in to_jsonable(build_report(dc))


@pytest.mark.parametrize(("network", "problem"), [
    ({**VS, "port_group": [{"name": "pg", "vswitch": "vs", "vlan": 4095}]},
     "s.toml: network.port_group[1] (pg).vlan: VLAN 4095 is reserved (IEEE 802.1Q); in vSphere it makes a port "
     "group a trunk into the guest (Virtual Guest Tagging); usable VLANs are 1–4094"),
    ({**VS, "port_group": [{"name": "pg", "vswitch": "vs", "vlan": 0}]},
     "s.toml: network.port_group[1] (pg).vlan: VLAN 0 is not a VLAN: it marks an untagged or priority-tagged "
     "frame (IEEE 802.1Q); usable VLANs are 1–4094"),
    ({**VS, "port_group": [{"name": "pg", "vswitch": "vs", "vlan": 5000}]},
     "s.toml: network.port_group[1] (pg).vlan: VLAN 5000 is outside 1–4094: the 802.1Q VID has 12 bits"),
    ({"segment": [{"name": "s", "vni": 2**24}]},
     "s.toml: network.segment[1] (s).vni: VNI 16777216 is outside 1–16,777,215 (VXLAN's VNI has 24 bits, RFC 7348)"),
    ({"segment": [{"name": "a", "vni": 5001}, {"name": "b", "vni": 5001}]},
     "s.toml: network.segment[2] (b).vni: VNI 5001 is already a's"),
    ({**VS, "flow": [{"name": "f", "switch": "vs", "priority": 70000}]},
     "s.toml: network.flow[1] (f).priority: priority 70000 is outside 0–65535 (an OpenFlow priority has 16 bits)"),
    ({**VS, "flow": [{"name": "f", "switch": "vs", "match": {"tp_dst": 23}}]},
     "s.toml: network.flow[1] (f).match: a TCP/UDP port needs proto tcp or udp (OpenFlow 1.3 match prerequisites)"),
    ({**VS, "flow": [{"name": "f", "switch": "nope"}]},
     "s.toml: network.flow[1] (f).switch: no switch or vSwitch named 'nope'"),
    ({**PG, "vnic": [{"name": "n", "workload": "ghost", "mac": "02:00:00:00:00:01", "ip": "10.0.0.1/24",
                      "port_group": "pg"}]},
     "s.toml: network.vnic[1] (n).workload: no VM or container named 'ghost'"),
    ({**PG, "vnic": [{"name": "n", "workload": "v", "mac": "02:00:00:00:00:01", "ip": "10.0.0.1", "port_group": "pg"}]},
     "s.toml: network.vnic[1] (n).ip: '10.0.0.1' is not an address with its prefix (10.0.10.11/24)"),
    ({**PG, "vnic": [{"name": "n", "workload": "v", "mac": "02:00:00:00:00:01", "ip": "10.0.0.1/24",
                      "port_group": "pg", "groups": ["sg"]}]},
     "s.toml: network.vnic[1] (n).groups: no security group named 'sg'"),
    ({"switch": [{"name": "leaf", "port": [{"number": 1, "mode": "trunk", "allowed": [10, 4095]}]}]},
     "s.toml: network.switch[1] (leaf).port[1].allowed: VLAN 4095 is reserved (IEEE 802.1Q); in vSphere it makes "
     "a port group a trunk into the guest (Virtual Guest Tagging); usable VLANs are 1–4094"),
    ({"switch": [{"name": "leaf", "port": [{"number": 1}]}], "uplink": [{"name": "u", "host": "h"}],
      "link": [{"name": "c", "switch": "leaf", "port": 2, "uplink": "u"}]},
     "s.toml: network.link[1] (c).port: leaf has no port 2"),
    ({"uplink": [{"name": "u", "host": "h9"}]}, "s.toml: network.uplink (u).host: no host named 'h9'"),
    ({"vswitch": [{"name": "vs", "hosts": ["h"], "uplinks": ["nope"]}]},
     "s.toml: network.vswitch[1] (vs).uplinks: no uplink named 'nope'"),
    ({"vswitch": [{"name": "vs", "hosts": ["h"], "mtu": 10000}]},
     "s.toml: network.vswitch[1] (vs).mtu: MTU 10000 is outside 576–9216"),
    ({"underlay_mtu": 100}, "s.toml: network.underlay_mtu: MTU 100 is outside 576–9216"),
    ({"matrix": ["ghost"]}, "s.toml: network.matrix: no VM or container named 'ghost'"),
    ({"security_group": [{"name": "g", "rule": [{"direction": "ingress", "remote_group": "x"}]}]},
     "s.toml: network.security_group (g).rule.remote_group: no security group named 'x'"),
    ({"controller": {"switches": ["nope"]}}, "s.toml: network.controller.switches: no switch or vSwitch named 'nope'"),
])
def test_bad_network_input_is_a_file_field_problem(network: dict, problem: str) -> None:
    assert problem in _problems(network)


def test_unknown_network_keys_list_the_allowed_ones() -> None:
    (problem,) = _problems({"colour": "red"})
    assert problem.startswith("s.toml: network.colour: unknown key (allowed: controller, flow,")


def test_a_default_security_group_gets_openstacks_rules() -> None:
    dc, p = scenario_from_dict({**BASE, "network": {"security_group": [{"name": "default", "default": True}]}}, "s")
    assert p == [] and dc is not None
    (g,) = dc.network.security_groups
    assert [(r.direction, r.remote_group) for r in g.rules] == [("egress", None), ("ingress", "default")]


def test_numbers_list_several_ports_at_once() -> None:
    dc, p = scenario_from_dict({**BASE, "network": {"switch": [
        {"name": "leaf", "port": [{"numbers": [1, 2, 3], "mode": "access", "vlan": 10}]}]}}, "s")
    assert p == [] and dc is not None
    assert [(x.number, x.vlan) for x in dc.network.switches[0].ports] == [(1, 10), (2, 10), (3, 10)]
