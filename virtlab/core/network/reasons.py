"""Why a packet is dropped, as codes with their numbers: the trace's one vocabulary.

Each drop in a trace carries a code and its parameters (:class:`Why`); the English here is
the core's own wording (as a :class:`~virtlab.core.base.Violation`'s message is), and the
string files (``course/strings/{en,ko}-network.toml``) word each code in each language — a
test holds the English there to this table. Parameters ending in ``_tag`` are a frame's 802.1Q
tag and those ending in ``_vlan`` a VLAN, both with 0 for untagged (IEEE 802.1Q's VID 0).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = ["NODES", "REASONS", "STEPS", "Node", "Why", "node", "render", "why"]

REASONS: dict[str, str] = {
    "access_tagged": "access port (VLAN {access}) drops a frame tagged VLAN {tag}",
    "trunk_native": "trunk does not allow its native VLAN {native} (untagged frame)",
    "trunk_vlan": "trunk does not allow VLAN {vlan}",
    "access_other": "access port is in VLAN {access}, not VLAN {vlan}",
    "switch_down": "switch {switch} is down",
    "port_down": "port is down",
    "link_down": "link {link} is down",
    "uplink_down": "uplink is down",
    "flow_drop": "flow priority {priority} {match} → drop",
    "flow_output": "flow priority {priority} {match} → output:{port}, not towards the destination",
    "table_miss": "table miss: no flow matches and there is no table-miss entry → drop (OpenFlow 1.3)",
    "controller_secure": "flow priority {priority} {match} → controller, but the controller is lost "
                         "(fail_mode secure): the packet-in goes nowhere",
    "no_vnic": "has no vNIC",
    "no_host": "{workload} runs on no host",
    "host_down": "host {host} is down",
    "not_running": "{workload} is not running",
    "vnic_down": "vNIC is disconnected",
    "no_port_group": "no port group {pg} on {host} (a standard vSwitch is configured per host; a distributed "
                     "one on every member host)",
    "sg_ingress": "{groups}: no ingress rule for {what} from {peer}",
    "sg_egress": "{groups}: no egress rule for {what} to {peer}",
    "mtu_vswitch": "{size}-byte packet > MTU {mtu} (DF set: dropped, ICMP 'fragmentation needed' back)",
    "no_arp": "ARP for {ip} in {src_vlan} gets no answer: {dst} is in {dst_vlan} (a VLAN is its own broadcast domain)",
    "no_arp_vni": "ARP for {ip} in VNI {vni} gets no answer: {dst} is in VNI {dst_vni} (VNIs keep tenants apart, "
                  "even with overlapping subnets)",
    "no_arp_vni_twin": "ARP for {ip} in VNI {vni} gets no answer: {dst} is in VNI {dst_vni} (VNIs keep tenants "
                       "apart, even with overlapping subnets); {twin} answers for {ip} there: the subnets overlap",
    "ip_conflict": "ARP for {ip} gets two answers, from {dst} and {twin}: an IP address conflict in {segment} "
                   "(the sender keeps whichever answered last)",
    "no_arp_other": "ARP for {ip} gets no answer: {dst} is on another segment (a VLAN and an overlay do not meet "
                    "without a router)",
    "no_vtep": "no VTEP on {host}: it cannot carry VNI {vni}",
    "underlay_mtu": "underlay MTU {mtu} < {need} needed for a {size}-byte frame in VXLAN ({overhead} bytes of "
                    "overhead, RFC 7348; DF set, VTEPs never fragment)",
    "no_underlay_uplink": "no working uplink to the underlay",
    "no_uplink": "no uplink connects this vSwitch to the physical network",
    "no_path": "no physical path to {dst} on {host}",
    "no_path_gateway": "no physical path to gateway {gateway} on {router}",
    "physical_mtu": "physical network MTU {mtu} < {size}-byte packet (DF set; the 802.1Q tag's 4 bytes are in "
                    "the frame, not the MTU)",
    "tag_mismatch": "frame arrives {arrive_tag}; port group {pg} expects {expect_tag}",
    "no_gateway": "{ip} is off-link ({subnet}) and no router has a gateway on {subnet} in {src_vlan}",
    "no_gateway_vni": "{ip} is off-link ({subnet}) and no router has a gateway on {subnet} in VNI {vni}",
    "gateway_tag": "frame arrives {arrive_tag}; the gateway expects {expect_tag}",
    "no_route": "no route to {ip}: {router} has no interface on its subnet",
    "router_down": "router {router} is down",
}


#: What happens at a hop the packet passes (and the notes a hop may add), for a stepper to
#: word hop by hop. Parameters as above; ``_tag`` and ``_vlan`` read the same way.
STEPS: dict[str, str] = {
    "send": "{src_ip} → {dst_ip} {what}, {size} bytes, DF set",
    "send_reply": "reply {src_ip} → {dst_ip} {what}, {size} bytes, DF set",
    "port_group": "port group {pg} ({in_vlan})",
    "port_group_vni": "port group {pg} (VNI {vni})",
    "uplink_out": "out {out_tag}",
    "port_in": "in {in_tag} → VLAN {vlan}",
    "port_out": "out {out_tag}",
    "port_access": "access VLAN {access}",
    "port_trunk": "trunk allowed {allowed}, native {native}",
    "port_trunk_all": "trunk allowed all, native {native}",
    "flow_hit": "flow priority {priority} {match} → {action}",
    "flow_standalone": "controller lost, fail_mode standalone: the switch acts as a learning switch and the "
                       "controller's flows no longer apply",
    "mac_learned": "{mac} learned on port {port} {age} s ago",
    "mac_aged": "{mac}'s entry aged out ({age} s > {aging} s): unknown unicast, flooded",
    "mac_unknown": "{mac} unknown: flooded to every port of the VLAN",
    "local": "switched locally in {in_vlan}: the frame never leaves {host}",
    "local_vni": "switched locally in VNI {vni}: the frame never leaves {host}",
    "routed": "routed {src_net} → {dst_net} ({out_vlan})",
    "vtep_encap": "VXLAN VNI {vni}, UDP 4789: {outer}-byte outer packet ≤ underlay MTU {mtu}",
    "underlay": "routed between racks",
    "vtep_decap": "decapsulated: VNI {vni} → port group {pg}",
    "sg_rule": "allowed by a rule",
    "sg_tracked": "allowed (connection tracking)",
    "delivered": "delivered to {workload}",
}


#: Where a hop is, for a stepper to word and a drawing to find: a vNIC, its security groups, a
#: vSwitch on a host, a switch's flow table, an uplink, a physical switch port, a router, a host,
#: its VTEP and the underlay between two VTEPs. Parameters are names and numbers as they are.
NODES: dict[str, str] = {
    "workload": "{workload}",
    "vnic": "{vnic}",
    "sgs": "{vnic} security groups",
    "vswitch": "{vswitch}@{host}",
    "flows": "{switch} flows",
    "uplink": "{uplink}",
    "port": "{switch} port {port}",
    "router": "{router}",
    "host": "{host}",
    "vtep": "vtep {host}",
    "vtep_ip": "vtep {host} ({ip})",
    "underlay": "underlay {src} → {dst}",
}


def _word(key: str, value: str | int) -> str:
    if key.endswith("_tag") and isinstance(value, int):
        return "untagged" if value == 0 else f"tagged VLAN {value}"
    if key.endswith("_vlan") and isinstance(value, int):
        return "untagged" if value == 0 else f"VLAN {value}"
    return str(value)


def render(template: str, params: Mapping[str, str | int]) -> str:
    return template.format(**{k: _word(k, v) for k, v in params.items()})


@dataclass(frozen=True, slots=True)
class Why:
    """A drop's reason: its code, its parameters and the core's English."""

    code: str
    params: Mapping[str, str | int] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return render(REASONS.get(self.code) or STEPS[self.code], self.params)


def why(code: str, **params: str | int) -> Why:
    return Why(code, params)


@dataclass(frozen=True, slots=True)
class Node:
    """Where a hop is: its kind (a :data:`NODES` code) and the names that say which one."""

    code: str
    params: Mapping[str, str | int] = field(default_factory=dict)

    @property
    def text(self) -> str:
        """The core's English: ``leaf-1 port 3``."""
        return NODES[self.code].format(**self.params)

    @property
    def key(self) -> tuple[str, tuple[tuple[str, str | int], ...]]:
        """The node as a hashable key (a drawing finds a hop's node by it)."""
        return self.code, tuple(sorted(self.params.items()))


def node(code: str, **params: str | int) -> Node:
    return Node(code, params)
