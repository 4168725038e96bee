"""Faults, repairs and traffic on the network: a link, an uplink, a switch, a router or the
controller fails and is repaired; a packet is sent and the switches on its way learn its MAC.
Outcomes, never refused (only an unknown name is)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import Field

from virtlab.core.base import ActionBase
from virtlab.core.network.edit import set_parts, unknown
from virtlab.core.network.learning import MacTable, learn
from virtlab.core.network.topology import NetworkPart
from virtlab.core.network.trace import trace, where_of

if TYPE_CHECKING:
    from virtlab.core.state import Datacenter

__all__ = ["ACTIONS", "fault_targets", "set_up"]


def set_up(net: NetworkPart, name: str, up: bool) -> dict[str, Any]:
    """The parts of ``net`` with the link, uplink, switch, router or controller ``name`` up or down."""
    c = net.controller
    if c is not None and name in (c.name, "controller"):
        return {"controller": c.model_copy(update={"up": up})}
    for field in ("links", "uplinks", "routers"):
        items = getattr(net, field)
        if any(x.name == name for x in items):
            return {field: tuple(x.model_copy(update={"up": up}) if x.name == name else x for x in items)}
    sw = net.switch_index.get(name)
    if sw is not None:
        new = type(sw)(name=sw.name, ports=sw.ports, up=up, rack=sw.rack)
        return {"switches": tuple(new if s is sw else s for s in net.switches)}
    raise unknown(name, "link, uplink, switch, router or controller")


def fault_targets(net: NetworkPart) -> list[tuple[str, str]]:
    """Every single network fault, as ``(kind, name)`` in the CLI's words (``link:cable-1``)."""
    out = [("link", x.name) for x in net.links] + [("uplink", x.name) for x in net.uplinks]
    out += [("switch", x.name) for x in net.switches] + [("router", x.name) for x in net.routers]
    if net.controller is not None:
        out.append(("controller", net.controller.name))
    return out


class NetFail(ActionBase):
    """A link, an uplink, a switch, a router or the controller fails."""

    kind: Literal["net_fail"] = "net_fail"
    refusable: ClassVar[bool] = False
    name: str

    def apply(self, dc: Datacenter) -> Datacenter:
        return set_parts(dc, **set_up(dc.network, self.name, False))

    def describe(self) -> str:
        return f"fail {self.name}"


class NetRepair(ActionBase):
    kind: Literal["net_repair"] = "net_repair"
    refusable: ClassVar[bool] = False
    name: str

    def apply(self, dc: Datacenter) -> Datacenter:
        return set_parts(dc, **set_up(dc.network, self.name, True))

    def describe(self) -> str:
        return f"repair {self.name}"


class NetSend(ActionBase):
    """Send one packet (and its reply): every switch it crosses learns the sender's MAC on
    the port it came in on, at the simulated time (entries then age out after 300 s: let
    time pass with ``advance``). A packet that is dropped teaches only the switches before the
    drop; one that cannot be sent changes nothing. Source: IEEE 802.1Q 8.7 (the learning
    process)."""

    kind: Literal["net_send"] = "net_send"
    refusable: ClassVar[bool] = False
    src: str
    dst: str
    proto: Literal["tcp", "udp", "icmp"] = "icmp"
    port: int | None = Field(None, ge=1, le=65535)
    size: int = Field(1500, ge=28, le=9216)

    def apply(self, dc: Datacenter) -> Datacenter:
        net = dc.network
        if not net.vnics_of.get(self.src) and self.src not in net.vnic_index:
            raise unknown(self.src, "vNIC")
        t = trace(net, where_of(dc), self.src, self.dst, self.proto, self.port, self.size)
        now = dc.clock_h * 3600.0
        tables = dict(net.table_index)
        for leg in (t, t.reply):
            if leg is None:
                continue
            mac = (net.vnic_index.get(leg.src) or net.vnics_of[leg.src][0]).mac
            for h in leg.hops:
                if h is leg.drop:
                    break
                if h.switch is not None and h.in_port is not None:
                    key = (h.switch, h.host)
                    table = tables.get(key) or MacTable(switch=h.switch, host=h.host)
                    tables[key] = learn(table, mac, h.in_port, h.vlan, now)
        return set_parts(dc, mac_tables=tuple(tables.values()))

    def describe(self) -> str:
        what = f"{self.proto}/{self.port}" if self.port is not None else self.proto
        return f"send {what} from {self.src} to {self.dst}"


#: Faults, repairs and traffic.
ACTIONS = (NetFail, NetRepair, NetSend)
