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
- Pfaff et al., "The Design and Implementation of Open vSwitch" (NSDI 2015), 5.1: OVS's
  classifier is a tuple space search — flows grouped by which fields (and prefix lengths)
  they match, one hash lookup per group, groups tried in order of their highest priority so
  the search stops early. :class:`FlowTable` does the same; its answer is the linear scan's.
- ``ovs-vswitchd.conf.db(5)``, Bridge ``fail_mode``: when the controller connection is lost,
  ``standalone`` (the default) makes the bridge "act like an ordinary MAC-learning switch"
  (OVS's fail-open adds a NORMAL flow above every OpenFlow priority, so the controller's drop
  rules stop applying); ``secure`` sets up no flows of its own: the installed flows keep
  working and nothing new is learned — a packet sent to the controller is lost.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import Literal

from pydantic import Field, field_validator, model_validator

from virtlab.core.base import Frozen, Name

__all__ = ["DEFAULT_PRIORITY", "FailMode", "Flow", "FlowAction", "FlowHit", "FlowTable", "Match",
           "Packet", "lookup"]

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
    priority: int = DEFAULT_PRIORITY
    match: Match = Match.model_construct()  # built on first use, as every model
    action: FlowAction = FlowAction.NORMAL
    port: str | None = None  # for output

    @field_validator("priority")
    @classmethod
    def _priority(cls, v: int) -> int:
        if not 0 <= v <= 65535:
            raise ValueError(f"priority {v} is outside 0–65535 (an OpenFlow priority has 16 bits)")
        return v

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


_EXACT = ("in_port", "vlan", "eth_src", "eth_dst", "proto", "tp_src", "tp_dst")
_Mask = tuple[bool, bool, bool, bool, bool, bool, bool, tuple[int, int] | None, tuple[int, int] | None]
_Key = tuple[object, ...]


@lru_cache(maxsize=65536)
def _addr(text: str) -> tuple[int, int, int] | None:
    """An address as (version, bits, integer), or None if it is not one."""
    try:
        a = ipaddress.ip_address(text)
    except ValueError:
        return None
    return a.version, a.max_prefixlen, int(a)


def _exact(value: object) -> object:
    return value.lower() if isinstance(value, str) else value


def _compile(m: Match) -> tuple[_Mask, _Key]:
    """The fields a match sets (its mask) and their values (its key)."""
    exact = tuple(getattr(m, f) is not None for f in _EXACT)
    key: list[object] = [_exact(getattr(m, f)) for f, on in zip(_EXACT, exact, strict=True) if on]
    prefixes: list[tuple[int, int] | None] = []
    for prefix in (m.ip_src, m.ip_dst):
        if prefix is None:
            prefixes.append(None)
            continue
        net = ipaddress.ip_network(prefix)
        prefixes.append((net.version, net.prefixlen))
        key.append(int(net.network_address) >> (net.max_prefixlen - net.prefixlen))
    return (*exact, prefixes[0], prefixes[1]), tuple(key)  # type: ignore[return-value]


def _packet_key(mask: _Mask, p: Packet) -> _Key | None:
    values = (p.in_port, p.vlan, p.eth_src, p.eth_dst, p.proto, p.tp_src, p.tp_dst)
    key: list[object] = [_exact(v) for v, on in zip(values, mask[:7], strict=True) if on]
    for spec, text in ((mask[7], p.ip_src), (mask[8], p.ip_dst)):
        if spec is None:
            continue
        addr = _addr(text)
        if addr is None or addr[0] != spec[0]:
            return None
        key.append(addr[2] >> (addr[1] - spec[1]))
    return tuple(key)


class FlowTable:
    """One switch's flows, compiled for lookup by tuple space search (see the module's
    sources); the winner is the highest priority match, the first listed among equals."""

    def __init__(self, flows: Iterable[Flow]) -> None:
        groups: dict[_Mask, dict[_Key, tuple[tuple[int, int], Flow]]] = {}
        self.flows = tuple(flows)
        for order, f in enumerate(self.flows):
            mask, key = _compile(f.match)
            rank = (f.priority, -order)
            bucket = groups.setdefault(mask, {})
            if key not in bucket or rank > bucket[key][0]:
                bucket[key] = (rank, f)
        self._groups = sorted(((max(r for r, _ in b.values()), mask, b) for mask, b in groups.items()),
                              key=lambda g: g[0], reverse=True)

    def lookup(self, p: Packet) -> Flow | None:
        best: tuple[tuple[int, int], Flow] | None = None
        for top, mask, bucket in self._groups:
            if best is not None and top < best[0]:
                break
            key = _packet_key(mask, p)
            hit = bucket.get(key) if key is not None else None
            if hit is not None and (best is None or hit[0] > best[0]):
                best = hit
        return best[1] if best is not None else None


def lookup(flows: tuple[Flow, ...] | FlowTable, p: Packet, *, controller_up: bool = True,
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
    table = flows if isinstance(flows, FlowTable) else FlowTable(flows)
    best = table.lookup(p)
    if best is None:
        return FlowHit(None, FlowAction.DROP, "table miss: no flow matches and there is no "
                       "table-miss entry → drop (OpenFlow 1.3)")
    if best.action is FlowAction.CONTROLLER and not controller_up:
        return FlowHit(best, FlowAction.DROP, f"{best.describe()}, but the controller is lost "
                       "(fail_mode secure): the packet-in goes nowhere")
    return FlowHit(best, best.action, best.describe())
