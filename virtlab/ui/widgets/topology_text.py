"""The topology drawing: the lab's network drawn from its state as styled lines (the
topology view's drawing and its plain-text twin), with one node lit for the packet-trace
stepper and the hop's words under it (as Packet Tracer's simulation mode shows them).

The drawing is cards laid out in as many columns as the width takes (stacked when it is
narrow): a card per host (its vNICs with their port group and VLAN or VNI, its virtual
switches, its VTEP, its uplinks and the switch port each is cabled to), a card per physical
switch (each port's access VLAN or trunk list and what its cable reaches), the routers, the
virtual switches (standard on one host, distributed across several, with their port groups),
the overlay (underlay MTU, segments and tenants) and the controller. VLANs and VNIs are text
labels (``VLAN 30``, ``VNI 5001``) as well as colours, a trunk cable is ``═══`` and an
access one ``───``, and what is down says ``✗ down``. The hop the stepper is on is drawn in
reverse video, its line marked ``▶`` (the plain-text twin keeps the mark) and the hop's words
are set under it, inside its card.
"""

from __future__ import annotations

from textual.content import Content

from virtlab.core.network.reasons import Node
from virtlab.core.network.topology import NetworkPart, PortGroup, PortMode, SwitchPort
from virtlab.core.state import Datacenter
from virtlab.course.i18n import t
from virtlab.ui.widgets.labtext import Lines
from virtlab.ui.widgets.lines_view import ViewContext
from virtlab.ui.widgets.topology_cards import (
    MUTED,
    Callout,
    Card,
    Drawn,
    Id,
    Items,
    Part,
    Row,
    flow,
    part,
)

__all__ = ["MAX_CARDS", "Callout", "draw_topology", "focus_id", "topology_lines"]

#: Above this many hosts (or switches) the rest are counted, not drawn.
MAX_CARDS = 12
VLAN_STYLE = "$accent"
VNI_STYLE = "$secondary"
DOWN_STYLE = "bold $error"


def focus_id(at: Node) -> Id:
    """Which drawn node a hop is at: a vNIC (its security groups too), a vSwitch on a host, a
    switch's flow table, an uplink, a switch port, a router, a host, its VTEP, the underlay."""
    p = {k: str(v) for k, v in at.params.items()}
    match at.code:
        case "vnic" | "sgs":
            return ("vnic", p["vnic"])
        case "vswitch":
            return ("vswitch", p["vswitch"], p["host"])
        case "flows":
            return ("flows", p["switch"])
        case "uplink":
            return ("uplink", p["uplink"])
        case "port":
            return ("port", p["switch"], p["port"])
        case "router":
            return ("router", p["router"])
        case "host":
            return ("host", p["host"])
        case "vtep" | "vtep_ip":
            return ("vtep", p["host"])
        case "underlay":
            return ("underlay",)
    return (at.code, *p.values())


def _domain(pg: PortGroup, net: NetworkPart, lang: str) -> Part:
    if pg.segment is not None:
        seg = net.segment_index.get(pg.segment)
        return part(f"VNI {seg.vni}" if seg else pg.segment, VNI_STYLE)
    if pg.vlan is None:
        return part(t("net.word.untagged", lang), VLAN_STYLE)
    return part(f"VLAN {pg.vlan}", VLAN_STYLE)


def _port_words(port: SwitchPort, lang: str) -> str:
    if port.mode is PortMode.ACCESS:
        return t("labp.topo.access", lang, vlan=port.vlan)
    words = (t("labp.topo.trunk_all", lang) if port.allowed is None else
             t("labp.topo.trunk", lang, allowed=",".join(map(str, port.allowed)) or "—"))
    return words if port.native == 1 else f"{words} · {t('labp.topo.native', lang, native=port.native)}"


def _cable(trunk: bool, up: bool) -> Part:
    return part(" ─╳─ " if not up else (" ═══ " if trunk else " ─── "), DOWN_STYLE if not up else MUTED)


def _host_cards(dc: Datacenter, net: NetworkPart, lang: str) -> tuple[list[Card], int]:
    hosts = [h for h in dc.hosts if any(h.name in vs.hosts for vs in net.vswitches)
             or any(u.host == h.name for u in net.uplinks) or h.name in net.vtep_index]
    pgs = {pg.name: pg for pg in net.port_groups}
    on: dict[str, list[str]] = {}
    for v in net.vnics:
        host = dc.host_of(v.workload)
        if host is not None:
            on.setdefault(host, []).append(v.name)
    cards = []
    for h in hosts[:MAX_CARDS]:
        title = [part(h.name, "", ("host", h.name))]
        if not h.is_up:
            title.append(part(" " + t("labp.topo.down", lang), DOWN_STYLE))
        card = Card(title)
        for name in on.get(h.name, []):
            v = net.vnic_index[name]
            pg = net.port_group_on.get((h.name, v.port_group)) or pgs.get(v.port_group)
            head = [part(v.name, "", ("vnic", v.name)), part(" "), _domain(pg, net, lang) if pg else part("?", DOWN_STYLE)]
            if not v.up:
                head.append(part(" " + t("labp.topo.disconnected", lang), DOWN_STYLE))
            card.rows.append(Items((head, [part(v.port_group, MUTED)], [part(v.address, MUTED)]), " "))
        for vs in net.vswitches:
            if h.name not in vs.hosts:
                continue
            ids = (("vswitch", vs.name, h.name), ("flows", vs.name))
            card.rows.append([part(vs.name, "", *ids), part(f" · {t(f'labp.topo.{vs.kind}', lang)}", MUTED)])
        if (vtep := net.vtep_index.get(h.name)) is not None:
            card.rows.append([part(t("labp.topo.vtep", lang, ip=vtep.ip), VNI_STYLE, ("vtep", h.name))])
        for u in net.uplinks:
            if u.host != h.name:
                continue
            short = u.name.removeprefix(f"{h.name}.")
            row = [part(short, "", ("uplink", u.name))]
            if not u.up:
                row.append(part(" " + t("labp.topo.down", lang), DOWN_STYLE))
            link = net.links_of_uplink.get(u.name)
            if link is not None:
                port = net.switch_index[link.switch].port_index.get(link.port) if link.switch in net.switch_index else None
                row += [_cable(port is not None and port.mode is PortMode.TRUNK, link.up),
                        part(f"{link.switch} {t('labp.topo.port', lang, port=link.port)}")]
                if not link.up:
                    row.append(part(" " + t("labp.topo.link_down", lang, link=link.name), DOWN_STYLE))
            card.rows.append(row)
        cards.append(card)
    return cards, len(hosts) - len(cards)


def _port_groups(ports: tuple[SwitchPort, ...]) -> list[list[SwitchPort]]:
    """Consecutive ports alike (mode, VLANs, state), for the ports no cable reaches."""
    runs: list[list[SwitchPort]] = []
    for p in sorted(ports, key=lambda x: x.number):
        last = runs[-1][-1] if runs else None
        if last is not None and p.number == last.number + 1 and p.model_dump(exclude={"number"}) == last.model_dump(
                exclude={"number"}):
            runs[-1].append(p)
        else:
            runs.append([p])
    return runs


def _switch_cards(net: NetworkPart, lang: str) -> tuple[list[Card], int]:
    cards = []
    for sw in net.switches[:MAX_CARDS]:
        title = [part(sw.name, "", ("flows", sw.name))]
        if sw.rack:
            title.append(part(f" · {sw.rack}", MUTED))
        if net.controlled(sw.name) and net.controller is not None:
            title.append(part(" · " + t("labp.topo.flows", lang, controller=net.controller.name), MUTED))
        if not sw.up:
            title.append(part(" " + t("labp.topo.down", lang), DOWN_STYLE))
        card = Card(title)
        lonely = []
        for p in sorted(sw.ports, key=lambda x: x.number):
            link = net.links_at.get((sw.name, p.number))
            router = net.routers_at.get((sw.name, p.number))
            if link is None and router is None:
                lonely.append(p)
                continue
            row = [part(t("labp.topo.port", lang, port=p.number), "", ("port", sw.name, str(p.number))),
                   part(" " + _port_words(p, lang), VLAN_STYLE)]
            if not p.up:
                row.append(part(" " + t("labp.topo.down", lang), DOWN_STYLE))
            far: list[Part] = []
            if link is not None:
                if link.uplink is not None:
                    end = link.uplink
                else:
                    mine = link.switch == sw.name and link.port == p.number
                    end = (f"{link.peer} " + t("labp.topo.port", lang, port=link.peer_port or 0) if mine
                           else f"{link.switch} " + t("labp.topo.port", lang, port=link.port))
                far += [_cable(p.mode is PortMode.TRUNK, link.up), part(end)]
                if not link.up:
                    far.append(part(" " + t("labp.topo.link_down", lang, link=link.name), DOWN_STYLE))
            if router is not None:
                far += [_cable(p.mode is PortMode.TRUNK, True), part(t("labp.topo.router", lang, name=router.name))]
            card.rows.append(Items((row, far), ""))
        for run in _port_groups(tuple(lonely)):
            label = (t("labp.topo.port", lang, port=run[0].number) if len(run) == 1 else
                     t("labp.topo.ports", lang, first=run[0].number, last=run[-1].number))
            ids = tuple(("port", sw.name, str(p.number)) for p in run)
            row = [part(label, MUTED, *ids), part(" " + _port_words(run[0], lang), VLAN_STYLE)]
            if not run[0].up:
                row.append(part(" " + t("labp.topo.down", lang), DOWN_STYLE))
            card.rows.append(row)
        cards.append(card)
    return cards, len(net.switches) - len(cards)


def _other_cards(net: NetworkPart, lang: str) -> list[Card]:
    cards = []
    for r in net.routers:
        title = [part(t("labp.topo.router", lang, name=r.name), "", ("router", r.name)),
                 _cable(True, True), part(f"{r.switch} {t('labp.topo.port', lang, port=r.port)}", MUTED)]
        if not r.up:
            title.append(part(" " + t("labp.topo.down", lang), DOWN_STYLE))
        faces = tuple([part(f"VLAN {i.vlan}" if i.vlan is not None else t("net.word.untagged", lang), VLAN_STYLE),
                       part(" " + i.ip)] for i in r.interfaces)
        cards.append(Card(title, [Items(faces)] if faces else []))
    for vs in net.vswitches:
        key = "distributed_across" if vs.kind == "distributed" else "standard_on"
        title = [part(t(f"labp.topo.{key}", lang, name=vs.name, hosts=", ".join(vs.hosts), host=vs.hosts[0],
                      mtu=vs.mtu))]
        groups = tuple([part(pg.name + " "), _domain(pg, net, lang)] for pg in net.port_groups if pg.vswitch == vs.name)
        cards.append(Card(title, [Items(groups)] if groups else []))
    if net.segments or net.vteps:
        over = 70 if any(v.ipv6 for v in net.vteps) else 50
        card = Card([part(t("labp.topo.underlay", lang, mtu=net.underlay_mtu), "", ("underlay",))],
                     [[part(t("labp.topo.overhead", lang, over=over, carry=net.underlay_mtu - over), MUTED)]])
        for s in net.segments:
            row = [part(s.name + " "), part(f"VNI {s.vni}", VNI_STYLE)]
            if s.tenant:
                row.append(part(" · " + t("labp.topo.tenant", lang, tenant=s.tenant), MUTED))
            card.rows.append(row)
        cards.append(card)
    c = net.controller
    if c is not None:
        state = t("labp.topo.up", lang) if c.up else t("labp.topo.lost", lang)
        title = [part(t("labp.topo.controller", lang, name=c.name, mode=c.fail_mode.value), "")]
        title.append(part(" " + state, "" if c.up else DOWN_STYLE))
        rows: list[Row] = []
        for sw in c.switches:
            n = len(net.flows_by_switch.get(sw, ()))
            rows.append([part(sw, "", ("flows", sw)), part(" · " + t("labp.topo.flow_count", lang, n=n), MUTED)])
        cards.append(Card(title, rows))
    return cards


def topology_lines(ctx: ViewContext, focus: Node | None = None) -> Lines:
    """The drawing of ``ctx.state``'s network at ``ctx.width`` (80 if 0), the node of
    ``focus`` (a hop's :attr:`~virtlab.core.network.fabric.Hop.at`) lit and marked ``▶``."""
    callout = Callout(focus_id(focus), Content("")) if focus is not None else None
    out = Lines()
    draw_topology(ctx, callout, out)
    return out


def draw_topology(ctx: ViewContext, callout: Callout | None, out: Lines) -> bool:
    """Draw into ``out``, the callout's node lit and its words under it; whether the drawing
    has that node (a hop at a workload without a vNIC has none)."""
    lang, dc = ctx.lang, ctx.state
    net = dc.network
    if net.empty:
        out.line(t("labp.network.none", lang), MUTED)
        return False
    width = ctx.width or 80
    target = Drawn(callout)
    out.wrapped("", t("labp.topo.legend", lang), width, MUTED)
    hosts, more_hosts = _host_cards(dc, net, lang)
    flow(out, hosts, width, target)
    if more_hosts:
        out.line(t("labp.topo.more_hosts", lang, n=more_hosts), MUTED)
    switches, more_switches = _switch_cards(net, lang)
    flow(out, switches, width, target)
    if more_switches:
        out.line(t("labp.topo.more_switches", lang, n=more_switches), MUTED)
    flow(out, _other_cards(net, lang), width, target)
    return target.placed
