"""Actions on the network: set a port group's VLAN, a switch port's mode and VLANs, an MTU;
add and remove flows and security-group rules — and, from :mod:`.build` and :mod:`.faults`,
add port groups, VTEPs and segments, move a vNIC, fail and repair a link, an uplink, a switch,
a router or the controller, and send a packet (the switches learn its MAC). Each is pure ``state → state``; what the real
system refuses is refused with its numbers (VLAN 4095 in a port group, priority 70000, an MTU
of 10000), and the old state is untouched. Faults and repairs are outcomes, never refused.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import Field, ValidationError

from virtlab.core.base import ActionBase, refuse
from virtlab.core.network import build, faults
from virtlab.core.network.edit import invalid, set_parts, unknown
from virtlab.core.network.flows import Flow, FlowAction, Match
from virtlab.core.network.secgroups import SgRule
from virtlab.core.network.topology import PortMode, SwitchPort
from virtlab.core.network.vlan import MTU_MAX, MTU_MIN, check_vid

if TYPE_CHECKING:
    from virtlab.core.state import Datacenter

__all__ = ["ACTIONS", "MTU_MAX", "MTU_MIN"]

class SetPortGroupVlan(ActionBase):
    """Set a port group's VLAN ID (None: untagged). 0 and 4095 are refused with the reason."""

    kind: Literal["set_pg_vlan"] = "set_pg_vlan"
    name: str
    vlan: int | None

    def apply(self, dc: Datacenter) -> Datacenter:
        net = dc.network
        if not any(pg.name == self.name for pg in net.port_groups):
            raise unknown(self.name, "port group")
        if self.vlan is not None:
            check_vid(self.vlan, self.name)
        pgs = tuple(pg.model_copy(update={"vlan": self.vlan, "segment": None if self.vlan is not None else pg.segment})
                    if pg.name == self.name else pg for pg in net.port_groups)
        return set_parts(dc, port_groups=pgs)

    def describe(self) -> str:
        return f"set {self.name} to {'untagged' if self.vlan is None else f'VLAN {self.vlan}'}"


class SetSwitchPort(ActionBase):
    """Make a physical switch port an access port in ``vlan``, or a trunk allowing ``allowed``
    (None: all) with ``native``."""

    kind: Literal["set_switch_port"] = "set_switch_port"
    switch: str
    port: int
    mode: PortMode
    vlan: int = 1
    allowed: tuple[int, ...] | None = None
    native: int = 1

    def apply(self, dc: Datacenter) -> Datacenter:
        net = dc.network
        sw = net.switch_index.get(self.switch)
        if sw is None:
            raise unknown(self.switch, "switch")
        if self.port not in sw.port_index:
            raise refuse("unknown_port", self.switch, f"{self.switch} has no port {self.port}",
                         switch=self.switch, port=self.port)
        subject = f"{self.switch} port {self.port}"
        for vid in (self.vlan, self.native, *(self.allowed or ())):
            check_vid(vid, subject)
        old = sw.port_index[self.port]
        new = SwitchPort(number=self.port, mode=self.mode, vlan=self.vlan, allowed=self.allowed,
                         native=self.native, up=old.up)
        ports = tuple(new if p.number == self.port else p for p in sw.ports)
        new_sw = type(sw)(name=sw.name, ports=ports, up=sw.up, rack=sw.rack)
        return set_parts(dc, switches=tuple(new_sw if s is sw else s for s in net.switches))

    def describe(self) -> str:
        if self.mode is PortMode.ACCESS:
            return f"{self.switch} port {self.port}: access VLAN {self.vlan}"
        allowed = "all" if self.allowed is None else ",".join(map(str, self.allowed))
        return f"{self.switch} port {self.port}: trunk allowed {allowed}, native {self.native}"


class SetMtu(ActionBase):
    """Set the underlay's MTU (``target = "underlay"``) or a vSwitch's."""

    kind: Literal["set_mtu"] = "set_mtu"
    target: str = "underlay"
    mtu: int

    def apply(self, dc: Datacenter) -> Datacenter:
        net = dc.network
        if not MTU_MIN <= self.mtu <= MTU_MAX:
            raise refuse("mtu_range", self.target, f"{self.target}: MTU {self.mtu} is outside "
                         f"{MTU_MIN}–{MTU_MAX}", mtu=self.mtu, low=MTU_MIN, high=MTU_MAX)
        if self.target == "underlay":
            return set_parts(dc, underlay_mtu=self.mtu)
        if self.target not in net.vswitch_index:
            raise unknown(self.target, "vSwitch")
        return set_parts(dc, vswitches=tuple(v.model_copy(update={"mtu": self.mtu}) if v.name == self.target else v
                                        for v in net.vswitches))

    def describe(self) -> str:
        return f"set the {self.target} MTU to {self.mtu}"


class AddFlow(ActionBase):
    """The controller installs a flow (``ovs-ofctl add-flow``): priority 0–65535, 32768 by default."""

    kind: Literal["add_flow"] = "add_flow"
    name: str
    switch: str
    priority: int = 32768
    match: dict[str, Any] = Field(default_factory=dict)
    action: FlowAction = FlowAction.NORMAL
    port: str | None = None

    def apply(self, dc: Datacenter) -> Datacenter:
        net = dc.network
        if not 0 <= self.priority <= 65535:
            raise refuse("flow_priority", self.name, f"{self.name}: priority {self.priority} is outside "
                         "0–65535 (OpenFlow's priority has 16 bits)", priority=self.priority)
        if self.switch not in net.switch_index and self.switch not in net.vswitch_index:
            raise unknown(self.switch, "switch or vSwitch")
        if any(f.name == self.name for f in net.flows):
            raise refuse("name_taken", self.name, f"{self.name!r} is already a flow")
        try:
            flow = Flow(name=self.name, switch=self.switch, priority=self.priority,
                        match=Match.model_validate(self.match), action=self.action, port=self.port)
        except ValidationError as e:
            raise invalid(self.name, e) from None
        return set_parts(dc, flows=(*net.flows, flow))

    def describe(self) -> str:
        return f"add flow {self.name} on {self.switch} (priority {self.priority}, {self.action.value})"


class RemoveFlow(ActionBase):
    kind: Literal["remove_flow"] = "remove_flow"
    refusable: ClassVar[bool] = False
    name: str

    def apply(self, dc: Datacenter) -> Datacenter:
        net = dc.network
        if not any(f.name == self.name for f in net.flows):
            raise unknown(self.name, "flow")
        return set_parts(dc, flows=tuple(f for f in net.flows if f.name != self.name))

    def describe(self) -> str:
        return f"remove flow {self.name}"


class AddSgRule(ActionBase):
    """Add an allow rule to a security group (``openstack security group rule create``)."""

    kind: Literal["add_sg_rule"] = "add_sg_rule"
    group: str
    rule: dict[str, Any]

    def apply(self, dc: Datacenter) -> Datacenter:
        net = dc.network
        g = net.group_index.get(self.group)
        if g is None:
            raise unknown(self.group, "security group")
        data = dict(self.rule)
        if "port" in data:
            data["port_min"] = data["port_max"] = data.pop("port")
        try:
            rule = SgRule.model_validate(data)
        except ValidationError as e:
            raise invalid(self.group, e) from None
        if rule.remote_group is not None and rule.remote_group not in net.group_index:
            raise unknown(rule.remote_group, "security group")
        new = g.model_copy(update={"rules": (*g.rules, rule)})
        return set_parts(dc, security_groups=tuple(new if x is g else x for x in net.security_groups))

    def describe(self) -> str:
        return f"add a rule to {self.group}: " + ", ".join(f"{k}={v}" for k, v in self.rule.items())


class RemoveSgRule(ActionBase):
    """Remove a security group's rule by its place in the list (1 = the first)."""

    kind: Literal["remove_sg_rule"] = "remove_sg_rule"
    refusable: ClassVar[bool] = False
    group: str
    index: int

    def apply(self, dc: Datacenter) -> Datacenter:
        net = dc.network
        g = net.group_index.get(self.group)
        if g is None:
            raise unknown(self.group, "security group")
        if not 1 <= self.index <= len(g.rules):
            raise refuse("sg_rule_index", self.group, f"{self.group} has {len(g.rules)} rules, no rule "
                         f"{self.index}", index=self.index, n=len(g.rules))
        rules = g.rules[:self.index - 1] + g.rules[self.index:]
        new = g.model_copy(update={"rules": rules})
        return set_parts(dc, security_groups=tuple(new if x is g else x for x in net.security_groups))

    def describe(self) -> str:
        return f"remove rule {self.index} of {self.group}"


#: The network's actions.
ACTIONS = (SetPortGroupVlan, SetSwitchPort, SetMtu, AddFlow, RemoveFlow, AddSgRule, RemoveSgRule,
           *build.ACTIONS, *faults.ACTIONS)
