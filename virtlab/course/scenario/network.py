"""Reading a scenario's ``[network]`` table: the physical and virtual network.

```toml
[network]                   # underlay_mtu (1500), matrix = [workloads], probe_proto, probe_port, probe_size
[[network.uplink]]          # name, host, up
[[network.switch]]          # name, rack, up
[[network.switch.port]]     # number (or numbers = [..]), mode (access | trunk), vlan, allowed, native
[[network.link]]            # name, switch, port, and uplink — or peer + peer_port
[[network.router]]          # name, switch, port; [[network.router.interface]] ip ("10.0.10.1/24"), vlan
[[network.vswitch]]         # name, kind (standard | distributed), hosts, uplinks, mtu
[[network.port_group]]      # name, vswitch, vlan (1–4094) or segment
[[network.segment]]         # name, vni (24 bits), tenant
[[network.vtep]]            # host, ip, ipv6
[[network.vnic]]            # name, workload, mac, ip ("10.0.10.11/24"), port_group, groups
[network.controller]        # name, up, fail_mode (standalone | secure), switches
[[network.flow]]            # name, switch, priority (32768), action, port, match = {proto = "tcp", tp_dst = 23}
[[network.security_group]]  # name, stateful, default (OpenStack's default rules);
                            # [[network.security_group.rule]] direction, proto, port / port_min + port_max,
                            # remote_ip, remote_group
[[network.mac_table]]       # switch (and host, for a vSwitch), aging (300 s);
                            # [[network.mac_table.entry]] mac, port, vlan, at (seconds)
```

Every cross-reference is checked (a link's switch port, a vSwitch's hosts and uplinks, a
port group's segment, a vNIC's workload, port group and groups, a flow's switch), and what
the real system refuses (VLAN 0 or 4095, a VNI over 24 bits, a flow priority over 65535) is
a ``file: field: problem`` with the reason.
"""

from __future__ import annotations

from typing import Any

from virtlab.core.network.flows import Flow
from virtlab.core.network.learning import MacEntry, MacTable
from virtlab.core.network.secgroups import SecurityGroup, SgRule, default_group
from virtlab.core.network.topology import (
    Controller,
    Link,
    NetworkPart,
    PhysicalSwitch,
    PortGroup,
    Router,
    RouterIf,
    Segment,
    SwitchPort,
    Uplink,
    VNic,
    VSwitch,
    Vtep,
)
from virtlab.course.scenario.reading import Problems, build, table_list

__all__ = ["NETWORK_KEYS", "read_network"]

TABLES = {"uplink", "switch", "link", "router", "vswitch", "port_group", "segment", "vtep", "vnic",
          "controller", "flow", "security_group", "mac_table"}
SCALARS = {"underlay_mtu", "matrix", "probe_proto", "probe_port", "probe_size"}
NETWORK_KEYS = TABLES | SCALARS


def _items(raw: dict[str, Any], key: str, p: Problems, where: str = "network") -> list[tuple[str, dict[str, Any]]]:
    sub = Problems(p.source, "")
    found = table_list(raw, key, sub)
    for e in sub.errors:
        p.add(f"{where}.{e.where}", e.message)
    return [(f"{where}.{w}", r) for w, r in found]


def _read(raw: dict[str, Any], key: str, model: type[Any], p: Problems, nested: str | None = None,
          where: str = "network", renames: dict[str, str] | None = None) -> list[tuple[Any, dict[str, Any], str]]:
    out = []
    for at, item in _items(raw, key, p, where):
        data = {k: v for k, v in item.items() if k != nested}
        for old, new in (renames or {}).items():
            if old in data:
                data[new] = data.pop(old)
        made = build(model, data, at, p, {v: k for k, v in (renames or {}).items()})
        if made is not None:
            out.append((made, item, at))
    return out


def _ports(item: dict[str, Any], at: str, p: Problems) -> tuple[SwitchPort, ...]:
    ports: list[SwitchPort] = []
    for pat, raw in _items(item, "port", p, at):
        numbers = raw.get("numbers", [raw.get("number")])
        rest = {k: v for k, v in raw.items() if k not in ("number", "numbers")}
        if not isinstance(numbers, list) or not numbers or numbers == [None]:
            p.add(pat, "give number = N or numbers = [N, …]")
            continue
        for n in numbers:
            made = build(SwitchPort, {**rest, "number": n}, pat, p, {})
            if made is not None:
                ports.append(made)
    seen: set[int] = set()
    for port in ports:
        if port.number in seen:
            p.add(f"{at}.port", f"port {port.number} is given twice")
        seen.add(port.number)
    return tuple(ports)


def _group(item: dict[str, Any], at: str, p: Problems) -> SecurityGroup | None:
    name = item.get("name")
    rules: list[SgRule] = []
    if item.get("default") is True and isinstance(name, str):
        rules += default_group(name).rules
    for rat, raw in _items(item, "rule", p, at):
        data = dict(raw)
        if "port" in data:
            data["port_min"] = data["port_max"] = data.pop("port")
        made = build(SgRule, data, rat, p, {})
        if made is not None:
            rules.append(made)
    data = {k: v for k, v in item.items() if k not in ("rule", "default")}
    return build(SecurityGroup, {**data, "rules": tuple(rules)}, at, p, {})


def _refs(p: Problems, where: str, names: object, known: set[str] | dict[str, Any], what: str) -> None:
    for name in (names,) if isinstance(names, str) else names or ():  # type: ignore[attr-defined]
        if name not in known:
            p.add(where, f"no {what} named {name!r}")


def read_network(raw: object, p: Problems, hosts: set[str], workloads: set[str]) -> NetworkPart:
    """The ``[network]`` table as a :class:`NetworkPart`; its problems go to ``p``."""
    if raw is None:  # no network: the empty part, without building the network's validators
        return NetworkPart.model_construct()
    if not isinstance(raw, dict):
        p.add("network", "must be a table ([network] with [[network.switch]] …)")
        return NetworkPart.model_construct()
    for k in sorted(set(raw) - NETWORK_KEYS):
        p.add(f"network.{k}", f"unknown key (allowed: {', '.join(sorted(NETWORK_KEYS))})")
    uplinks = [u for u, _, at in _read(raw, "uplink", Uplink, p)]
    switches = []
    for sw, item, at in _read(raw, "switch", PhysicalSwitch, p, nested="port"):
        switches.append(PhysicalSwitch(name=sw.name, rack=sw.rack, up=sw.up, ports=_ports(item, at, p)))
    links = _read(raw, "link", Link, p)
    routers = []
    for r, item, at in _read(raw, "router", Router, p, nested="interface"):
        ifs = [i for i, _, _ in _read(item, "interface", RouterIf, p, where=at)]
        routers.append((Router(name=r.name, switch=r.switch, port=r.port, up=r.up, interfaces=tuple(ifs)), at))
    vswitches = _read(raw, "vswitch", VSwitch, p)
    pgs = _read(raw, "port_group", PortGroup, p)
    segments = _read(raw, "segment", Segment, p)
    vteps = _read(raw, "vtep", Vtep, p)
    vnics = _read(raw, "vnic", VNic, p)
    flows = _read(raw, "flow", Flow, p)
    groups = [g for at, item in _items(raw, "security_group", p) if (g := _group(item, at, p)) is not None]
    tables = []
    for t, item, at in _read(raw, "mac_table", MacTable, p, nested="entry", renames={"aging": "aging_s"}):
        entries = [e for e, _, _ in _read(item, "entry", MacEntry, p, where=at, renames={"at": "at_s"})]
        tables.append(MacTable(switch=t.switch, host=t.host, aging_s=t.aging_s, entries=tuple(entries)))
    controller = None
    if "controller" in raw:
        if isinstance(raw["controller"], dict):
            controller = build(Controller, raw["controller"], "network.controller", p, {})
        else:
            p.add("network.controller", "must be a table ([network.controller])")

    sw_index = {s.name: s for s in switches}
    up_index = {u.name: u for u in uplinks}
    for u in uplinks:
        _refs(p, f"network.uplink ({u.name}).host", u.host, hosts, "host")
    for link, _, at in links:
        for sw, port, key in ((link.switch, link.port, "port"), (link.peer, link.peer_port, "peer_port")):
            if sw is None:
                continue
            if sw not in sw_index:
                p.add(f"{at}.{'switch' if key == 'port' else 'peer'}", f"no switch named {sw!r}")
            elif port not in sw_index[sw].port_index:
                p.add(f"{at}.{key}", f"{sw} has no port {port}")
        _refs(p, f"{at}.uplink", link.uplink, up_index, "uplink")
    for r, at in routers:
        if r.switch not in sw_index:
            p.add(f"{at}.switch", f"no switch named {r.switch!r}")
        elif r.port not in sw_index[r.switch].port_index:
            p.add(f"{at}.port", f"{r.switch} has no port {r.port}")
    for vs, _, at in vswitches:
        _refs(p, f"{at}.hosts", vs.hosts, hosts, "host")
        for u in vs.uplinks:
            if u not in up_index:
                p.add(f"{at}.uplinks", f"no uplink named {u!r}")
            elif up_index[u].host not in vs.hosts:
                p.add(f"{at}.uplinks", f"{u} is on {up_index[u].host}, not a host of {vs.name}")
    vs_names = {vs.name for vs, _, _ in vswitches}
    seg_names = {s.name for s, _, _ in segments}
    vnis: dict[int, str] = {}
    for s, _, at in segments:
        if s.vni in vnis:
            p.add(f"{at}.vni", f"VNI {s.vni} is already {vnis[s.vni]}'s")
        vnis.setdefault(s.vni, s.name)
    for pg, _, at in pgs:
        _refs(p, f"{at}.vswitch", pg.vswitch, vs_names, "vSwitch")
        _refs(p, f"{at}.segment", pg.segment, seg_names, "segment")
    for t, _, at in vteps:
        _refs(p, f"{at}.host", t.host, hosts, "host")
    pg_names = {pg.name for pg, _, _ in pgs}
    group_names = {g.name for g in groups}
    macs: dict[str, str] = {}
    for v, _, at in vnics:
        _refs(p, f"{at}.workload", v.workload, workloads, "VM or container")
        _refs(p, f"{at}.port_group", v.port_group, pg_names, "port group")
        _refs(p, f"{at}.groups", v.groups, group_names, "security group")
        if v.mac.lower() in macs:
            p.add(f"{at}.mac", f"{v.mac} is already {macs[v.mac.lower()]}'s")
        macs.setdefault(v.mac.lower(), v.name)
    for g in groups:
        for r in g.rules:
            _refs(p, f"network.security_group ({g.name}).rule.remote_group", r.remote_group, group_names,
                  "security group")
    switch_names = set(sw_index) | vs_names
    for f, _, at in flows:
        _refs(p, f"{at}.switch", f.switch, switch_names, "switch or vSwitch")
    if controller is not None:
        _refs(p, "network.controller.switches", controller.switches, switch_names, "switch or vSwitch")
    for t in tables:
        _refs(p, f"network.mac_table ({t.switch}).switch", t.switch, switch_names, "switch or vSwitch")
        _refs(p, f"network.mac_table ({t.switch}).host", t.host, hosts, "host")
    part_data: dict[str, Any] = {k: raw[k] for k in SCALARS if k in raw}
    _refs(p, "network.matrix", part_data.get("matrix"), workloads, "VM or container")
    made = build(NetworkPart, {
        **part_data,
        "uplinks": tuple(uplinks), "switches": tuple(switches), "links": tuple(x for x, _, _ in links),
        "routers": tuple(r for r, _ in routers), "vswitches": tuple(x for x, _, _ in vswitches),
        "port_groups": tuple(x for x, _, _ in pgs), "vnics": tuple(x for x, _, _ in vnics),
        "vteps": tuple(x for x, _, _ in vteps), "segments": tuple(x for x, _, _ in segments),
        "controller": controller, "flows": tuple(x for x, _, _ in flows),
        "security_groups": tuple(groups), "mac_tables": tuple(tables)}, "network", p, {})
    return made if made is not None else NetworkPart()
