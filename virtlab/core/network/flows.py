"""An SDN controller's flow tables (OpenFlow 1.3, as Open vSwitch runs them).

Sources:

- OpenFlow Switch Specification 1.3.5 (ONF TS-023), 5.3 "Matching": the entry with the
  highest priority that matches wins; priority is 16 bits (0–65535), and OVS's ``ovs-ofctl``
  gives a flow 32768 when none is said (``ovs-ofctl(8)``, ``priority``). 5.4 "Table-miss":
  a flow of priority 0 matching everything says what a miss does; "if the table-miss flow
  entry does not exist, by default packets unmatched by flow entries are dropped".
  7.2.3.8 / A.2.3.7: match prerequisites — a TCP or UDP port needs ``ip_proto`` 6 or 17.
  Actions: ``output:PORT``, ``drop`` (an empty action list), ``NORMAL`` (the switch's own
  L2 forwarding) and ``CONTROLLER`` (a packet-in).
- ``ovs-vswitchd.conf.db(5)``, Bridge ``fail_mode``: when the controller connection is lost,
  ``standalone`` (the default) makes the bridge "act like an ordinary MAC-learning switch"
  (OVS's fail-open adds a NORMAL flow above every OpenFlow priority, so the controller's drop
  rules stop applying); ``secure`` sets up no flows of its own: the installed flows keep
  working and nothing new is learned — a packet sent to the controller is lost.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from pydantic import Field, field_validator, model_validator

from virtlab.core.base import Frozen, Name

__all__ = ["DEFAULT_PRIORITY", "FailMode", "Flow", "FlowAction", "FlowHit", "Match", "Packet",
           "lookup"]

DEFAULT_PRIORITY = 32768
Proto = Literal["tcp", "udp", "icmp"]


class FlowAction(StrEnum):
    OUTPUT = "output"
    DROP = "drop"
    NORMAL = "normal"
    CONTROLLER = "controller"


class FailMode(StrEnum):
    STANDALONE = "standalone"
    SECURE = "secure"


@dataclass(frozen=True, slots=True)
class Packet:
    """What a flow can match on, as the packet is at one switch."""

    in_port: str
    vlan: int | None
    eth_src: str
    eth_dst: str
    ip_src: str
    ip_dst: str
    proto: str
    tp_src: int | None
    tp_dst: int | None


def _prefix(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return str(ipaddress.ip_network(value, strict=False))
    except ValueError as e:
        raise ValueError(f"{value!r} is not an IP address or prefix") from e


class Match(Frozen):
    """OpenFlow match fields; an unset field matches anything."""

    in_port: str | None = None
    vlan: int | None = Field(None, ge=1, le=4094)
    eth_src: str | None = None
    eth_dst: str | None = None
    ip_src: str | None = None  # a prefix: 10.0.0.0/24 (a bare address is a /32)
    ip_dst: str | None = None
    proto: Proto | None = None
    tp_src: int | None = Field(None, ge=0, le=65535)
    tp_dst: int | None = Field(None, ge=0, le=65535)

    @field_validator("ip_src", "ip_dst")
    @classmethod
    def _norm(cls, v: str | None) -> str | None:
        return _prefix(v)

    @model_validator(mode="after")
    def _prerequisites(self) -> Match:
        if (self.tp_src is not None or self.tp_dst is not None) and self.proto not in ("tcp", "udp"):
            raise ValueError("a TCP/UDP port needs proto tcp or udp (OpenFlow 1.3 match prerequisites)")
        return self

    def matches(self, p: Packet) -> bool:
        if self.in_port is not None and self.in_port != p.in_port:
            return False
        if self.vlan is not None and self.vlan != p.vlan:
            return False
        if self.eth_src is not None and self.eth_src.lower() != p.eth_src.lower():
            return False
        if self.eth_dst is not None and self.eth_dst.lower() != p.eth_dst.lower():
            return False
        for prefix, addr in ((self.ip_src, p.ip_src), (self.ip_dst, p.ip_dst)):
            if prefix is not None and not _in(addr, prefix):
                return False
        if self.proto is not None and self.proto != p.proto:
            return False
        if self.tp_src is not None and self.tp_src != p.tp_src:
            return False
        return self.tp_dst is None or self.tp_dst == p.tp_dst

    def describe(self) -> str:
        """``ovs-ofctl``'s words: ``tcp_dst=23`` (the protocol is in the port's name),
        ``icmp,ip_dst=10.0.0.0/24``, or ``any``."""
        ports = self.tp_src is not None or self.tp_dst is not None
        parts: list[str] = [self.proto] if self.proto and not ports else []
        for name in ("in_port", "vlan", "eth_src", "eth_dst", "ip_src", "ip_dst"):
            value = getattr(self, name)
            if value is not None:
                parts.append(f"{'dl_vlan' if name == 'vlan' else name}={value}")
        for name in ("tp_src", "tp_dst"):
            value = getattr(self, name)
            if value is not None:
                parts.append(f"{self.proto}_{name[3:]}={value}")
        return ",".join(parts) or "any"


def _in(addr: str, prefix: str) -> bool:
    try:
        return ipaddress.ip_address(addr) in ipaddress.ip_network(prefix)
    except ValueError:
        return False


class Flow(Frozen):
    """One flow entry on one switch (a vSwitch or a physical switch under the controller)."""

    name: Name
    switch: Name
    priority: int = Field(DEFAULT_PRIORITY, ge=0, le=65535)
    match: Match = Match()
    action: FlowAction = FlowAction.NORMAL
    port: str | None = None  # for output

    @model_validator(mode="after")
    def _output_port(self) -> Flow:
        if (self.action is FlowAction.OUTPUT) != (self.port is not None):
            raise ValueError("output needs a port, and only output takes one")
        return self

    def describe(self) -> str:
        act = f"output:{self.port}" if self.action is FlowAction.OUTPUT else self.action.value
        return f"flow priority {self.priority} {self.match.describe()} → {act}"


@dataclass(frozen=True, slots=True)
class FlowHit:
    """What a switch's flow table does with a packet: the flow that matched (None: a miss)."""

    flow: Flow | None
    action: FlowAction
    why: str


def lookup(flows: tuple[Flow, ...], p: Packet, *, controller_up: bool = True,
           fail_mode: FailMode = FailMode.STANDALONE) -> FlowHit:
    """The one flow of ``flows`` (one switch's table) that decides ``p``, by OpenFlow 1.3.

    The highest priority wins; among equal priorities the first listed (OpenFlow leaves
    overlapping equal-priority entries undefined; the lab keeps them in order). No match and
    no table-miss entry: dropped. With the controller lost, ``standalone`` forwards like a
    learning switch whatever the flows say, ``secure`` keeps the flows and loses what would go
    to the controller.
    """
    if not controller_up and fail_mode is FailMode.STANDALONE:
        return FlowHit(None, FlowAction.NORMAL, "controller lost, fail_mode standalone: the "
                       "switch acts as a learning switch and the controller's flows no longer apply")
    best: Flow | None = None
    for f in flows:
        if (best is None or f.priority > best.priority) and f.match.matches(p):
            best = f
    if best is None:
        return FlowHit(None, FlowAction.DROP, "table miss: no flow matches and there is no "
                       "table-miss entry → drop (OpenFlow 1.3)")
    if best.action is FlowAction.CONTROLLER and not controller_up:
        return FlowHit(best, FlowAction.DROP, f"{best.describe()}, but the controller is lost "
                       "(fail_mode secure): the packet-in goes nowhere")
    return FlowHit(best, best.action, best.describe())
