"""The lab panel's network key, as a mixin of :class:`LabPanel`: ``K`` offers what can be
done to the network — allow a VLAN on a trunk port (or take it off), put a port group on
another VLAN in use, set the underlay MTU, block telnet with a controller flow or remove a
flow, remove a security-group rule, and fail or repair a link, an uplink, a switch, a
router or the controller — only what the lab allows. The engine refuses what the real
systems would (a VLAN outside 1–4094, a priority out of range).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from virtlab.core.base import ActionBase
from virtlab.core.network.actions import (
    AddFlow,
    RemoveFlow,
    RemoveSgRule,
    SetMtu,
    SetPortGroupVlan,
    SetSwitchPort,
)
from virtlab.core.network.faults import NetFail, NetRepair, fault_targets
from virtlab.core.network.flows import FlowAction
from virtlab.core.network.topology import PortMode
from virtlab.core.state import Datacenter
from virtlab.course.i18n import t
from virtlab.ui.widgets.choice_dialog import ChoiceDialog

if TYPE_CHECKING:
    from virtlab.ui.widgets.lab_lifecycle import _Panel

#: Underlay MTUs a student may try: the default, VXLAN's minimum for a 1500-byte frame
#: (1500 + 50), a common choice and jumbo frames.
MTUS = (1500, 1550, 1600, 9000)


def network_choices(dc: Datacenter, lang: str) -> list[tuple[str, ActionBase]]:
    """(label, action) for everything ``K`` offers on ``dc``'s network, in a fixed order."""
    net = dc.network
    out: list[tuple[str, ActionBase]] = []
    used = sorted({pg.vlan for pg in net.port_groups if pg.vlan is not None})
    for sw in net.switches:
        for port in sw.ports:
            if port.mode is not PortMode.TRUNK:
                continue
            allowed = port.allowed or ()
            for vlan in used:
                if port.allowed is not None and vlan not in allowed:
                    out.append((t("labp.net_menu.allow", lang, switch=sw.name, port=port.number, vlan=vlan),
                                SetSwitchPort(switch=sw.name, port=port.number, mode=port.mode,
                                              allowed=tuple(sorted({*allowed, vlan})), native=port.native)))
            for vlan in allowed:
                out.append((t("labp.net_menu.disallow", lang, switch=sw.name, port=port.number, vlan=vlan),
                            SetSwitchPort(switch=sw.name, port=port.number, mode=port.mode,
                                          allowed=tuple(v for v in allowed if v != vlan), native=port.native)))
    for pg in net.port_groups:
        for vlan in used:
            if vlan != pg.vlan and pg.segment is None:
                out.append((t("labp.net_menu.pg_vlan", lang, pg=pg.name, vlan=vlan),
                            SetPortGroupVlan(name=pg.name, vlan=vlan)))
    if net.vteps:
        for mtu in MTUS:
            if mtu != net.underlay_mtu:
                out.append((t("labp.net_menu.mtu", lang, mtu=mtu), SetMtu(mtu=mtu)))
    names = {f.name for f in net.flows}
    for switch in (net.controller.switches if net.controller is not None else ()):
        if f"block-telnet-{switch}" not in names:
            out.append((t("labp.net_menu.block_telnet", lang, switch=switch),
                        AddFlow(name=f"block-telnet-{switch}", switch=switch, priority=200,
                                match={"proto": "tcp", "tp_dst": 23}, action=FlowAction.DROP)))
    for flow in net.flows:
        out.append((t("labp.net_menu.remove_flow", lang, name=flow.name, switch=flow.switch),
                    RemoveFlow(name=flow.name)))
    for group in net.security_groups:
        for i, _rule in enumerate(group.rules):
            out.append((t("labp.net_menu.remove_rule", lang, group=group.name, n=i + 1),
                        RemoveSgRule(group=group.name, index=i)))
    for kind, name in fault_targets(net):
        up = _is_up(dc, kind, name)
        key = "fail" if up else "repair"
        out.append((t(f"labp.net_menu.{key}", lang, kind=t(f"labp.net_menu.kind.{kind}", lang), name=name),
                    NetFail(name=name) if up else NetRepair(name=name)))
    return out


def _is_up(dc: Datacenter, kind: str, name: str) -> bool:
    net = dc.network
    if kind == "controller":
        return net.controller is None or net.controller.up
    states = {"link": [(x.name, x.up) for x in net.links], "uplink": [(x.name, x.up) for x in net.uplinks],
              "switch": [(x.name, x.up) for x in net.switches], "router": [(x.name, x.up) for x in net.routers]}
    return next((up for n, up in states.get(kind, []) if n == name), True)


class NetworkActions:
    """Mixed into LabPanel (the ``_Panel`` protocol of :mod:`.lab_lifecycle`)."""

    def action_network(self: _Panel) -> None:
        choices = [(label, a) for label, a in network_choices(self.session.state, self.lang)
                   if self.session.allows(a.kind)]
        if not choices:
            self._set_message(t("labp.net_menu.nothing", self.lang))
            return
        actions = {str(i): a for i, (_, a) in enumerate(choices)}
        self.app.push_screen(
            ChoiceDialog(t("labp.net_menu.title", self.lang), [(label, str(i)) for i, (label, _) in enumerate(choices)]),
            lambda picked: self._apply_result(actions.get(picked or "")))
