"""The physical fabric's part of a trace: from a host's uplinks (or a router's port) through
switch ports, trunks and links to the uplinks of the destination's host (or a router), by
IEEE 802.1Q's port rules and the flow tables of switches under the controller.

A port's ingress: an access port admits untagged frames into its VLAN and drops tagged ones;
a trunk admits the VLANs it allows and puts untagged frames in its native VLAN. Its egress:
an access port sends its VLAN untagged; a trunk sends an allowed VLAN tagged (the native one
untagged). Sources: IEEE 802.1Q-2018 6.9 (acceptable frame types, ingress filtering), 8.8
(member set, untagged set); Cisco and vSphere use the same access/trunk/native terms.

The search is breadth-first, so the path is a shortest one. When no path passes, the path
found with the VLAN and flow rules set aside (then with failed parts too) is walked, and the
first rule or failed part on it is the reason: the first hop that drops the packet.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

from virtlab.core.network.flows import FlowAction, Packet, lookup
from virtlab.core.network.learning import seen
from virtlab.core.network.reasons import Node, Why, node, why
from virtlab.core.network.topology import NetworkPart, PortMode, SwitchPort

__all__ = ["FlowStep", "Hop", "Start", "Walk", "egress", "ingress", "mac_note", "port_words", "search",
           "switch_flows"]


@dataclass(frozen=True, slots=True)
class Hop:
    """One step of a trace: where (``at``: a code and names, worded as :attr:`node`), what
    happened, and (for a switch) the port and VLAN the frame came in on — what a learning
    switch learns."""

    at: Node
    note: str
    switch: str | None = None
    in_port: str | None = None
    vlan: int | None = None
    #: The host of a vSwitch hop (a vSwitch learns per host); None on a physical switch.
    host: str | None = None
    #: What happened (:mod:`.reasons`): the drop's reason, or the step's code, and numbers.
    code: str = ""
    params: Mapping[str, str | int] = field(default_factory=dict)
    #: Notes the step adds (the flow that matched, what the learning table says).
    extra: tuple[Why, ...] = ()

    @classmethod
    def drop(cls, node: Node, reason: Why, switch: str | None = None, in_port: str | None = None,
             vlan: int | None = None) -> Hop:
        return cls(node, reason.text, switch, in_port, vlan, None, reason.code, reason.params)

    @classmethod
    def step(cls, node: Node, what: Why, *extra: Why | None, switch: str | None = None,
             in_port: str | None = None, vlan: int | None = None, host: str | None = None) -> Hop:
        notes = tuple(x for x in extra if x is not None)
        text = "; ".join(w.text for w in (what, *notes))
        return cls(node, text, switch, in_port, vlan, host, what.code, what.params, notes)

    @property
    def node(self) -> str:
        """Where, in the core's English (``leaf-1 port 3``)."""
        return self.at.text

    def as_json(self) -> dict[str, object]:
        out: dict[str, object] = {"node": self.node, "note": self.note}
        if self.code:
            out["code"] = self.code
        return out

    def __str__(self) -> str:
        return f"{self.node}: {self.note}"


@dataclass(frozen=True, slots=True)
class Start:
    """Where a frame enters the fabric: ``at`` (an uplink or a router) on ``switch`` port
    ``port`` with ``tag`` (None: untagged); ``fail`` if that entry is itself down."""

    at: Node
    switch: str
    port: int
    tag: int | None
    fail: Hop | None = None


@dataclass(frozen=True, slots=True)
class Walk:
    """A path through the fabric: its hops, where it ended (an uplink name, or
    ``router:NAME``), the tag it arrived with, and the first hop that drops it (if any)."""

    hops: tuple[Hop, ...]
    end: str
    tag: int | None
    fail: Hop | None


def port_words(port: SwitchPort) -> Why:
    """A port's mode and VLANs as a note."""
    if port.mode is PortMode.ACCESS:
        return why("port_access", access=port.vlan)
    if port.allowed is None:
        return why("port_trunk_all", native=port.native)
    return why("port_trunk", allowed=",".join(map(str, port.allowed)) or "-", native=port.native)


def ingress(port: SwitchPort, tag: int | None) -> tuple[int, Why | None]:
    """The VLAN a frame is in after entering ``port``, and why the port drops it (or None)."""
    if port.mode is PortMode.ACCESS:
        if tag is not None:
            return tag, why("access_tagged", access=port.vlan, tag=tag)
        return port.vlan, None
    if tag is None:
        if not port.carries(port.native):
            return port.native, why("trunk_native", native=port.native)
        return port.native, None
    if not port.carries(tag):
        return tag, why("trunk_vlan", vlan=tag)
    return tag, None


def egress(port: SwitchPort, vlan: int) -> tuple[int | None, Why | None]:
    """The tag a frame of ``vlan`` leaves ``port`` with, and why it cannot (or None)."""
    if port.mode is PortMode.ACCESS:
        return None, None if vlan == port.vlan else why("access_other", access=port.vlan, vlan=vlan)
    if not port.carries(vlan):
        return vlan, why("trunk_vlan", vlan=vlan)
    return (None if vlan == port.native else vlan), None


@dataclass(frozen=True, slots=True)
class FlowStep:
    """What a controlled switch's table did: the action, an output port, the flow that
    decided (``note``), and the reason when it drops."""

    action: FlowAction
    port: str | None = None
    note: Why | None = None
    reason: Why | None = None


def switch_flows(net: NetworkPart, switch: str, pkt: Packet) -> FlowStep:
    """What ``switch``'s flow table does with ``pkt`` (a switch the controller does not
    program forwards as a learning switch)."""
    if not net.controlled(switch):
        return FlowStep(FlowAction.NORMAL)
    c = net.controller
    assert c is not None
    hit = lookup(net.flow_tables.get(switch, ()), pkt, controller_up=c.up, fail_mode=c.fail_mode)
    f = hit.flow
    if hit.action is FlowAction.DROP:
        if f is None:
            reason = why("table_miss")
        else:
            code = "controller_secure" if f.action is FlowAction.CONTROLLER else "flow_drop"
            reason = why(code, priority=f.priority, match=f.match.describe())
        return FlowStep(FlowAction.DROP, None, None, reason)
    action = hit.action
    if action is FlowAction.CONTROLLER:
        action = FlowAction.NORMAL  # the controller's app answers the packet-in as a learning switch
    if f is None:
        return FlowStep(action, None, why("flow_standalone"))
    act = f"output:{f.port}" if f.action is FlowAction.OUTPUT else f.action.value
    return FlowStep(action, f.port, why("flow_hit", priority=f.priority, match=f.match.describe(), action=act))


def mac_note(net: NetworkPart, switch: str, mac: str, vlan: int | None, now_s: float,
             host: str | None = None) -> Why | None:
    """What a learning table with entries says about ``mac`` (nothing if the switch has none)."""
    table = net.table_index.get((switch, host))
    if table is None:
        return None
    s = seen(table, mac, vlan, now_s)
    if s.port is not None:
        return why("mac_learned", mac=mac, port=s.port, age=round(s.age_s))
    if s.expired:
        return why("mac_aged", mac=mac, age=round(s.age_s), aging=round(table.aging_s))
    return why("mac_unknown", mac=mac)


@dataclass(frozen=True, slots=True)
class _State:
    switch: str
    port: int
    vlan: int
    hops: tuple[Hop, ...]
    fail: Hop | None


def search(net: NetworkPart, starts: list[Start], is_end: Callable[[str, int], tuple[str, Why | None] | None],
           pkt: Packet, now_s: float) -> Walk | None:
    """A path from one of ``starts`` to a port for which ``is_end(switch, port)`` names the end
    (an uplink or ``router:NAME``, and why it is down, if it is): one that passes if there is one, else the shortest with
    the VLAN and flow rules set aside (then with failed parts too), with its first drop."""
    for mode in (0, 1, 2):
        walk = _bfs(net, starts, is_end, pkt, now_s, mode)
        if walk is not None:
            return walk
    return None


def _bfs(net: NetworkPart, starts: list[Start], is_end: Callable[[str, int], tuple[str, Why | None] | None],
         pkt: Packet, now_s: float, mode: int) -> Walk | None:
    """Mode 0: every rule prunes. 1: VLAN and flow rules are noted, not pruned. 2: failed
    parts are noted too."""
    queue: deque[_State] = deque()
    seen_at: set[tuple[str, int, int]] = set()

    def enter(switch: str, port: int, tag: int | None, hops: tuple[Hop, ...], fail: Hop | None,
              down: Why | None) -> None:
        where = node("port", switch=switch, port=port)
        sw = net.switch_index.get(switch)
        p = sw.port_index.get(port) if sw else None
        if sw is None or p is None:
            return
        problems: list[tuple[bool, Why]] = []
        if down:
            problems.append((True, down))
        if not sw.up:
            problems.append((True, why("switch_down", switch=switch)))
        if not p.up:
            problems.append((True, why("port_down")))
        vlan, rule = ingress(p, tag)
        if rule:
            problems.append((False, rule))
        for is_down, reason in problems:
            if mode == 0 or (mode == 1 and is_down):
                return
            fail = fail or Hop.drop(where, reason, switch, str(port), vlan)
        key = (switch, port, vlan if mode == 0 else 0)
        if key in seen_at:
            return
        seen_at.add(key)
        hop = Hop.step(where, why("port_in", in_tag=tag or 0, vlan=vlan), port_words(p),
                       mac_note(net, switch, pkt.eth_dst, vlan, now_s), switch=switch, in_port=str(port), vlan=vlan)
        queue.append(_State(switch, port, vlan, (*hops, hop), fail))

    for s in starts:
        if s.fail is not None and mode < 2:
            continue
        enter(s.switch, s.port, s.tag, (Hop.step(s.at, why("uplink_out", out_tag=s.tag or 0)),), s.fail, None)
    while queue:
        st = queue.popleft()
        step = switch_flows(net, st.switch, replace(pkt, in_port=str(st.port), vlan=st.vlan))
        action, out_port = step.action, step.port
        hops, fail = st.hops, st.fail
        flows = node("flows", switch=st.switch)
        if step.note is not None:
            hops = (*hops, Hop.step(flows, step.note))
        if step.reason is not None:
            if mode == 0:
                continue
            fail = fail or Hop.drop(flows, step.reason)
        sw = net.switch_index[st.switch]
        for p in sw.ports:
            if p.number == st.port or (action is FlowAction.OUTPUT and str(p.number) != out_port and mode == 0):
                continue
            end = is_end(st.switch, p.number)
            link = net.links_at.get((st.switch, p.number))
            if end is None and (link is None or link.peer is None):
                continue
            where = node("port", switch=st.switch, port=p.number)
            tag, rule = egress(p, st.vlan)
            f2 = fail
            if rule:
                if mode == 0:
                    continue
                f2 = f2 or Hop.drop(where, rule, st.switch, str(p.number), st.vlan)
            if not p.up:
                if mode < 2:
                    continue
                f2 = f2 or Hop.drop(where, why("port_down"))
            out = (*hops, Hop.step(where, why("port_out", out_tag=tag or 0), port_words(p)))
            if end is not None:
                name, down = end
                if down:
                    if mode < 2:
                        continue
                    f2 = f2 or Hop.drop(where, down)
                return Walk(out, name, tag, f2)
            assert link is not None
            peer, peer_port = ((link.peer, link.peer_port) if link.switch == st.switch and link.port == p.number
                               else (link.switch, link.port))
            if peer is None or peer_port is None:
                continue
            enter(peer, peer_port, tag, out, f2, None if link.up else why("link_down", link=link.name))
    return None
