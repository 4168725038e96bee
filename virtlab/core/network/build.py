"""Building the network in a lab: a port group on a vSwitch, a VTEP on a host, a VXLAN
segment, a vNIC moved to another port group. Refused as the real systems refuse them: a VLAN
outside 1–4094 (vSphere Networking guide), a VNI over 24 bits or one already in use (RFC 7348),
a name already taken."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import ValidationError

from virtlab.core.base import ActionBase, refuse
from virtlab.core.network.edit import invalid, set_parts, unknown
from virtlab.core.network.topology import PortGroup, Segment, Vtep
from virtlab.core.network.vlan import check_vid, check_vni

if TYPE_CHECKING:
    from virtlab.core.state import Datacenter

__all__ = ["ACTIONS"]


class AddPortGroup(ActionBase):
    """A port group on a vSwitch: on a VLAN (None: untagged) or an overlay segment. On a
    standard vSwitch it exists on that vSwitch's host only."""

    kind: Literal["add_port_group"] = "add_port_group"
    name: str
    vswitch: str
    vlan: int | None = None
    segment: str | None = None

    def apply(self, dc: Datacenter) -> Datacenter:
        net = dc.network
        if self.vswitch not in net.vswitch_index:
            raise unknown(self.vswitch, "vSwitch")
        if any(pg.name == self.name and pg.vswitch == self.vswitch for pg in net.port_groups):
            raise refuse("name_taken", self.name, f"{self.vswitch} already has a port group {self.name!r}")
        if self.vlan is not None:
            check_vid(self.vlan, self.name)
        if self.segment is not None and self.segment not in net.segment_index:
            raise unknown(self.segment, "segment")
        try:
            pg = PortGroup(name=self.name, vswitch=self.vswitch, vlan=self.vlan, segment=self.segment)
        except ValidationError as e:
            raise invalid(self.name, e) from None
        return set_parts(dc, port_groups=(*net.port_groups, pg))

    def describe(self) -> str:
        on = f"segment {self.segment}" if self.segment else "untagged" if self.vlan is None else f"VLAN {self.vlan}"
        return f"add port group {self.name} ({on}) on {self.vswitch}"


class AddVtep(ActionBase):
    """A VXLAN tunnel endpoint on a host (one per host)."""

    kind: Literal["add_vtep"] = "add_vtep"
    host: str
    ip: str
    ipv6: bool = False

    def apply(self, dc: Datacenter) -> Datacenter:
        net = dc.network
        if self.host not in dc.host_index:
            raise refuse("unknown_host", self.host, f"no host named {self.host!r}", host=self.host)
        if self.host in net.vtep_index:
            raise refuse("name_taken", self.host, f"{self.host} already has a VTEP")
        return set_parts(dc, vteps=(*net.vteps, Vtep(host=self.host, ip=self.ip, ipv6=self.ipv6)))

    def describe(self) -> str:
        return f"add a VTEP on {self.host} ({self.ip})"


class AddSegment(ActionBase):
    """A VXLAN segment with its VNI (1–16,777,215, unique)."""

    kind: Literal["add_segment"] = "add_segment"
    name: str
    vni: int
    tenant: str | None = None

    def apply(self, dc: Datacenter) -> Datacenter:
        net = dc.network
        check_vni(self.vni, self.name)
        if self.name in net.segment_index:
            raise refuse("name_taken", self.name, f"{self.name!r} is already a segment")
        owner = next((s.name for s in net.segments if s.vni == self.vni), None)
        if owner is not None:
            raise refuse("vni_taken", self.name, f"VNI {self.vni} is already {owner}'s", vni=self.vni, owner=owner)
        return set_parts(dc, segments=(*net.segments, Segment(name=self.name, vni=self.vni, tenant=self.tenant)))

    def describe(self) -> str:
        return f"add segment {self.name} (VNI {self.vni})"


class MoveVnic(ActionBase):
    """Attach a vNIC to another port group."""

    kind: Literal["move_vnic"] = "move_vnic"
    name: str
    port_group: str

    def apply(self, dc: Datacenter) -> Datacenter:
        net = dc.network
        if self.name not in net.vnic_index:
            raise unknown(self.name, "vNIC")
        if not any(pg.name == self.port_group for pg in net.port_groups):
            raise unknown(self.port_group, "port group")
        return set_parts(dc, vnics=tuple(v.model_copy(update={"port_group": self.port_group}) if v.name == self.name
                                    else v for v in net.vnics))

    def describe(self) -> str:
        return f"move {self.name} to {self.port_group}"


#: Building actions.
ACTIONS = (AddPortGroup, AddVtep, AddSegment, MoveVnic)
