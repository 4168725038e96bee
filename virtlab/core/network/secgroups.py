"""Security groups: stateful allow-lists on a vNIC (OpenStack Neutron's model).

Sources: OpenStack Networking Guide and Neutron API reference, "Security groups": a group is
a set of allow rules, each with a direction (ingress / egress), a protocol, a port range and
a remote (an IP prefix or another group); what no rule allows is dropped. Groups are stateful
by default — a reply to an allowed connection passes without a rule (connection tracking);
a group created with ``stateful=False`` needs explicit rules for replies. The ``default``
group of each project allows all egress and allows ingress only from ports in the same group.
A reply's destination is an ephemeral port: Linux's ``net.ipv4.ip_local_port_range`` default
32768–60999.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from pydantic import Field, field_validator, model_validator

from virtlab.core.base import Frozen, Name

__all__ = ["EPHEMERAL_PORT", "Peer", "SecurityGroup", "SgRule", "default_group", "sg_verdict"]

EPHEMERAL_PORT = 32768
Direction = Literal["ingress", "egress"]
SgProto = Literal["tcp", "udp", "icmp", "any"]


class SgRule(Frozen):
    """One allow rule. ``remote_ip`` or ``remote_group`` (neither: from/to anywhere)."""

    direction: Direction
    proto: SgProto = "any"
    port_min: int | None = Field(None, ge=1, le=65535)
    port_max: int | None = Field(None, ge=1, le=65535)
    remote_ip: str | None = None
    remote_group: Name | None = None

    @field_validator("remote_ip")
    @classmethod
    def _prefix(cls, v: str | None) -> str | None:
        if v is None:
            return None
        try:
            return str(ipaddress.ip_network(v, strict=False))
        except ValueError as e:
            raise ValueError(f"{v!r} is not an IP prefix") from e

    @model_validator(mode="after")
    def _ports(self) -> SgRule:
        if self.port_min is not None and self.port_max is not None and self.port_max < self.port_min:
            raise ValueError("port_max is below port_min")
        if self.port_min is not None and self.proto not in ("tcp", "udp"):
            raise ValueError("a port range needs proto tcp or udp")
        if self.remote_ip is not None and self.remote_group is not None:
            raise ValueError("give remote_ip or remote_group, not both")
        return self

    def allows(self, proto: str, port: int | None, peer: Peer) -> bool:
        if self.proto != "any" and self.proto != proto:
            return False
        if self.port_min is not None and (port is None or not self.port_min <= port <= (self.port_max or self.port_min)):
            return False
        if self.remote_group is not None and self.remote_group not in peer.groups:
            return False
        return self.remote_ip is None or ipaddress.ip_address(peer.ip) in ipaddress.ip_network(self.remote_ip)

    def describe(self) -> str:
        hi = self.port_max or self.port_min
        what = self.proto if self.port_min is None else (
            f"{self.proto}/{self.port_min}" + (f"-{hi}" if hi != self.port_min else ""))
        remote = (f" group {self.remote_group}" if self.remote_group else f" {self.remote_ip}" if self.remote_ip
                  else " anywhere")
        return f"{self.direction} {what} {'from' if self.direction == 'ingress' else 'to'}{remote}"


class SecurityGroup(Frozen):
    name: Name
    rules: tuple[SgRule, ...] = ()
    stateful: bool = True


def default_group(name: str = "default") -> SecurityGroup:
    """OpenStack's default group: all egress, ingress only from members of the group."""
    return SecurityGroup(name=name, rules=(
        SgRule(direction="egress"),
        SgRule(direction="ingress", remote_group=name),
    ))


@dataclass(frozen=True, slots=True)
class Peer:
    """The other end as a rule sees it: its IP and the groups of its port."""

    ip: str
    groups: frozenset[str]


def _what(proto: str, port: int | None) -> str:
    return f"{proto}/{port}" if port is not None else proto


def sg_verdict(groups: tuple[str, ...], index: Mapping[str, SecurityGroup], direction: Direction,
               proto: str, port: int | None, peer: Peer, *, reply: bool = False) -> str | None:
    """Why a port's groups drop a packet (``"sg-web: no ingress rule for tcp/5432"``), or
    None when they let it through. A port with no group is not filtered (port security off).
    A reply to an allowed connection passes a stateful group without a rule."""
    if not groups:
        return None
    members = [index[g] for g in groups if g in index]
    if reply and all(g.stateful for g in members):
        return None
    for g in members:
        if any(r.direction == direction and r.allows(proto, port, peer) for r in g.rules):
            return None
    names = "+".join(groups)
    return f"{names}: no {direction} rule for {_what(proto, port)} {'from' if direction == 'ingress' else 'to'} {peer.ip}"
