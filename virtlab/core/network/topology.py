"""The network part of the datacenter: physical NICs, switches, links and routers, virtual
switches and port groups, vNICs, VTEPs and VXLAN segments, the controller's flows, security
groups and learning tables — one frozen model with indexes, built anew by :meth:`evolve`.

The trace (:mod:`.trace`) walks these; the rules (VIDs, VNIs, MTUs, flows, groups) and their
sources are in :mod:`.vlan`, :mod:`.flows`, :mod:`.secgroups` and :mod:`.learning`. Hosts and
workloads are the compute side's: a vNIC names its workload, an uplink or VTEP its host.

vSphere Networking guide: a standard switch (vSS) is configured on each host, so a VM finds
its port group by name on the switch of the host it runs on; a distributed switch (vDS) is
configured once and its port groups exist on every member host (Linux bridge / OVS bridges
are the per-host equivalents; a controller-managed OVS fabric the distributed one).
"""

from __future__ import annotations

import ipaddress
import re
from enum import StrEnum
from functools import cached_property, lru_cache
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from virtlab.core.base import Frozen, Name
from virtlab.core.network.flows import FailMode, Flow, FlowTable
from virtlab.core.network.learning import MacTable
from virtlab.core.network.secgroups import SecurityGroup
from virtlab.core.network.vlan import DEFAULT_MTU, mtu_problem, vid_problem, vni_problem

__all__ = ["Controller", "Link", "NetworkPart", "PhysicalSwitch", "PortGroup", "PortMode",
           "Router", "RouterIf", "Segment", "SwitchPort", "Uplink", "VNic", "VSwitch", "Vtep"]


def _vid(v: int | None) -> int | None:
    if v is not None and (problem := vid_problem(v)) is not None:
        raise ValueError(problem[1])
    return v


def _iface(v: str) -> str:
    try:
        if "/" not in v:
            raise ValueError(v)
        return str(ipaddress.ip_interface(v))
    except ValueError as e:
        raise ValueError(f"{v!r} is not an address with its prefix (10.0.10.11/24)") from e


def _mtu(v: int) -> int:
    problem = mtu_problem(v)
    if problem is not None:
        raise ValueError(problem)
    return v


IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=65536)
def parse_iface(text: str) -> tuple[IPAddress, IPNetwork]:
    """An address with its prefix (``10.0.10.11/24``) as (address, network), parsed once."""
    i = ipaddress.ip_interface(text)
    return i.ip, i.network


class PortMode(StrEnum):
    ACCESS = "access"
    TRUNK = "trunk"


class SwitchPort(Frozen):
    """A physical switch port: access (one untagged VLAN) or trunk (tagged VLANs it allows,
    untagged frames in its native VLAN). ``allowed`` None: every VLAN (a trunk's default)."""

    number: int = Field(ge=1, le=4096)
    mode: PortMode = PortMode.ACCESS
    vlan: int = 1
    allowed: tuple[int, ...] | None = None
    native: int = 1
    up: bool = True

    @field_validator("vlan", "native")
    @classmethod
    def _one(cls, v: int) -> int:
        _vid(v)
        return v

    @field_validator("allowed")
    @classmethod
    def _many(cls, v: tuple[int, ...] | None) -> tuple[int, ...] | None:
        for x in v or ():
            _vid(x)
        return v

    def carries(self, vlan: int) -> bool:
        if self.mode is PortMode.ACCESS:
            return vlan == self.vlan
        return self.allowed is None or vlan in self.allowed

    def describe(self) -> str:
        if self.mode is PortMode.ACCESS:
            return f"access VLAN {self.vlan}"
        allowed = "all" if self.allowed is None else ",".join(map(str, self.allowed)) or "none"
        return f"trunk allowed {allowed}, native {self.native}"


class PhysicalSwitch(Frozen):
    name: Name
    ports: tuple[SwitchPort, ...] = ()
    up: bool = True
    rack: str | None = None

    @cached_property
    def port_index(self) -> dict[int, SwitchPort]:
        return {p.number: p for p in self.ports}


class Uplink(Frozen):
    """A host's physical NIC (``vmnic0``, ``eth0``), named uniquely (``esx-1.vmnic0``)."""

    name: Name
    host: Name
    up: bool = True


class Link(Frozen):
    """A cable: an uplink to a switch port, or a switch port to another switch's port."""

    name: Name
    switch: Name
    port: int = Field(ge=1)
    uplink: Name | None = None
    peer: Name | None = None
    peer_port: int | None = Field(None, ge=1)
    up: bool = True

    @model_validator(mode="after")
    def _one_end(self) -> Link:
        if (self.uplink is None) == (self.peer is None) or (self.peer is None) != (self.peer_port is None):
            raise ValueError("a link joins a switch port to an uplink, or to a peer switch's peer_port")
        return self


class RouterIf(Frozen):
    """A router's interface: its gateway address on a subnet, in a VLAN of its port."""

    ip: str
    vlan: int | None = None

    @field_validator("ip")
    @classmethod
    def _ip(cls, v: str) -> str:
        return _iface(v)
    @field_validator("vlan")
    @classmethod
    def _v(cls, v: int | None) -> int | None:
        return _vid(v)

    @property
    def network(self) -> IPNetwork:
        return parse_iface(self.ip)[1]


class Router(Frozen):
    """An L3 gateway on a switch port (a trunk carrying the VLANs of its interfaces)."""

    name: Name
    switch: Name
    port: int = Field(ge=1)
    interfaces: tuple[RouterIf, ...] = ()
    up: bool = True


class VSwitch(Frozen):
    name: Name
    kind: Literal["standard", "distributed"] = "standard"
    hosts: tuple[Name, ...] = Field(min_length=1)
    uplinks: tuple[Name, ...] = ()
    mtu: int = DEFAULT_MTU

    @field_validator("mtu")
    @classmethod
    def _mtu_range(cls, v: int) -> int:
        return _mtu(v)

    @model_validator(mode="after")
    def _standard_one_host(self) -> VSwitch:
        if self.kind == "standard" and len(self.hosts) != 1:
            raise ValueError("a standard vSwitch belongs to one host (use kind = \"distributed\" for several)")
        return self


class PortGroup(Frozen):
    """A port group on a vSwitch: a VLAN (None: untagged) or an overlay segment (its VNI)."""

    name: Name
    vswitch: Name
    vlan: int | None = None
    segment: Name | None = None

    @field_validator("vlan")
    @classmethod
    def _v(cls, v: int | None) -> int | None:
        return _vid(v)

    @model_validator(mode="after")
    def _one_kind(self) -> PortGroup:
        if self.vlan is not None and self.segment is not None:
            raise ValueError("a port group is on a VLAN or on an overlay segment, not both")
        return self


class VNic(Frozen):
    name: Name
    workload: Name
    mac: str
    ip: str
    port_group: Name
    groups: tuple[Name, ...] = ()  # security groups (none: not filtered)
    up: bool = True

    @field_validator("ip")
    @classmethod
    def _ip(cls, v: str) -> str:
        return _iface(v)

    @field_validator("mac")
    @classmethod
    def _mac(cls, v: str) -> str:
        if not re.fullmatch(r"[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}", v):
            raise ValueError(f"{v!r} is not a MAC address (six hex pairs: 00:50:56:00:10:11)")
        return v.lower()

    @property
    def address(self) -> str:
        return self.ip.split("/")[0]

    @property
    def network(self) -> IPNetwork:
        return parse_iface(self.ip)[1]


class Vtep(Frozen):
    """A host's VXLAN tunnel endpoint (a VMkernel port or an OVS tunnel port)."""

    host: Name
    ip: str
    ipv6: bool = False


class Segment(Frozen):
    """A VXLAN segment (an overlay logical switch) of a tenant."""

    name: Name
    vni: int
    tenant: str | None = None

    @field_validator("vni")
    @classmethod
    def _vni(cls, v: int) -> int:
        problem = vni_problem(v)
        if problem is not None:
            raise ValueError(problem)
        return v


class Controller(Frozen):
    name: Name = "controller"
    up: bool = True
    fail_mode: FailMode = FailMode.STANDALONE
    switches: tuple[Name, ...] = ()  # the switches it programs (their flows decide)


class NetworkPart(Frozen):
    uplinks: tuple[Uplink, ...] = ()
    switches: tuple[PhysicalSwitch, ...] = ()
    links: tuple[Link, ...] = ()
    routers: tuple[Router, ...] = ()
    vswitches: tuple[VSwitch, ...] = ()
    port_groups: tuple[PortGroup, ...] = ()
    vnics: tuple[VNic, ...] = ()
    vteps: tuple[Vtep, ...] = ()
    segments: tuple[Segment, ...] = ()
    underlay_mtu: int = DEFAULT_MTU
    controller: Controller | None = None
    flows: tuple[Flow, ...] = ()
    security_groups: tuple[SecurityGroup, ...] = ()
    mac_tables: tuple[MacTable, ...] = ()
    #: The workloads the reachability matrix is for (empty: every workload with a vNIC).
    matrix: tuple[Name, ...] = ()
    #: What the matrix sends: a ping of 1500 bytes with DF set unless told otherwise.
    probe_proto: Literal["tcp", "udp", "icmp"] = "icmp"
    probe_port: int | None = Field(None, ge=1, le=65535)
    probe_size: int = Field(1500, ge=28, le=9216)

    @field_validator("underlay_mtu")
    @classmethod
    def _underlay(cls, v: int) -> int:
        return _mtu(v)

    def evolve(self, **changes: Any) -> NetworkPart:
        """A new part with ``changes`` and fresh indexes (never ``model_copy``)."""
        values = {name: getattr(self, name) for name in type(self).model_fields}
        values.update(changes)
        return type(self).model_construct(**values)

    @property
    def empty(self) -> bool:
        return not (self.vnics or self.switches or self.vswitches)

    @cached_property
    def switch_index(self) -> dict[str, PhysicalSwitch]:
        return {s.name: s for s in self.switches}

    @cached_property
    def uplink_index(self) -> dict[str, Uplink]:
        return {u.name: u for u in self.uplinks}

    @cached_property
    def vswitch_index(self) -> dict[str, VSwitch]:
        return {v.name: v for v in self.vswitches}

    @cached_property
    def vnic_index(self) -> dict[str, VNic]:
        return {v.name: v for v in self.vnics}

    @cached_property
    def vnics_of(self) -> dict[str, list[VNic]]:
        out: dict[str, list[VNic]] = {}
        for v in self.vnics:
            out.setdefault(v.workload, []).append(v)
        return out

    @cached_property
    def segment_index(self) -> dict[str, Segment]:
        return {s.name: s for s in self.segments}

    @cached_property
    def vtep_index(self) -> dict[str, Vtep]:
        return {v.host: v for v in self.vteps}

    @cached_property
    def group_index(self) -> dict[str, SecurityGroup]:
        return {g.name: g for g in self.security_groups}

    @cached_property
    def table_index(self) -> dict[tuple[str, str | None], MacTable]:
        """Learning tables by (switch, host): a physical switch's host is None."""
        return {(t.switch, t.host): t for t in self.mac_tables}

    @cached_property
    def flows_by_switch(self) -> dict[str, tuple[Flow, ...]]:
        out: dict[str, list[Flow]] = {}
        for f in self.flows:
            out.setdefault(f.switch, []).append(f)
        return {k: tuple(v) for k, v in out.items()}

    @cached_property
    def flow_tables(self) -> dict[str, FlowTable]:
        """Each switch's flows compiled for lookup."""
        return {sw: FlowTable(fs) for sw, fs in self.flows_by_switch.items()}

    @cached_property
    def links_at(self) -> dict[tuple[str, int], Link]:
        """Each switch port's link: ``(switch, port)`` → link (both ends of switch links)."""
        out: dict[tuple[str, int], Link] = {}
        for link in self.links:
            out[(link.switch, link.port)] = link
            if link.peer is not None and link.peer_port is not None:
                out[(link.peer, link.peer_port)] = link
        return out

    @cached_property
    def links_of_uplink(self) -> dict[str, Link]:
        return {link.uplink: link for link in self.links if link.uplink is not None}

    @cached_property
    def routers_at(self) -> dict[tuple[str, int], Router]:
        return {(r.switch, r.port): r for r in self.routers}

    @cached_property
    def port_group_on(self) -> dict[tuple[str, str], PortGroup]:
        """``(host, port group name)`` → the port group a vNIC there is on (a vSS's on its
        host, a vDS's on every member host)."""
        out: dict[tuple[str, str], PortGroup] = {}
        for pg in self.port_groups:
            vs = self.vswitch_index.get(pg.vswitch)
            for h in vs.hosts if vs else ():
                out.setdefault((h, pg.name), pg)
        return out

    def controlled(self, switch: str) -> bool:
        return self.controller is not None and switch in self.controller.switches
