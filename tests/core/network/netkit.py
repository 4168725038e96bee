"""Builders for small networks in the network tests: hosts on one leaf switch, a vSwitch
across them, port groups per VLAN, one VM per (host, VLAN) asked for."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from virtlab.core.compute.models import VM
from virtlab.core.hosts import Host
from virtlab.core.network.flows import Flow
from virtlab.core.network.secgroups import SecurityGroup
from virtlab.core.network.topology import (
    Controller,
    Link,
    NetworkPart,
    PhysicalSwitch,
    PortGroup,
    PortMode,
    SwitchPort,
    Uplink,
    VNic,
    VSwitch,
)
from virtlab.core.state import Datacenter
from virtlab.course.scenario import load_scenario

SCENARIOS = Path(__file__).resolve().parents[3] / "scenarios"


def scenario(name: str) -> Datacenter:
    dc, problems = load_scenario(SCENARIOS / name)
    assert problems == [] and dc is not None, problems
    return dc


def lan(vms: Sequence[tuple[str, int, int]], *, hosts: int = 2,
        ports: dict[int, SwitchPort] | None = None, kind: str = "distributed",
        flows: Iterable[Flow] = (), groups: Iterable[SecurityGroup] = (),
        vm_groups: dict[str, tuple[str, ...]] | None = None, controlled: bool = False,
        links_up: dict[int, bool] | None = None) -> Datacenter:
    """``vms``: (name, host index from 1, VLAN). Host i's uplink is on leaf-1 port i, a trunk
    allowing every VLAN unless ``ports`` says otherwise; every VM of a VLAN is in 10.<vlan>.0.0/16."""
    hs = [Host(name=f"h{i}", cores_per_socket=8, memory_mib=65536) for i in range(1, hosts + 1)]
    vlans = sorted({v for _, _, v in vms})
    sw_ports = [(ports or {}).get(i, SwitchPort(number=i, mode=PortMode.TRUNK)) for i in range(1, hosts + 1)]
    uplinks = [Uplink(name=f"h{i}.eth0", host=f"h{i}") for i in range(1, hosts + 1)]
    links = [Link(name=f"cable-{i}", switch="leaf-1", port=i, uplink=f"h{i}.eth0",
                  up=(links_up or {}).get(i, True)) for i in range(1, hosts + 1)]
    if kind == "distributed":
        vss = [VSwitch(name="dvs", kind="distributed", hosts=tuple(h.name for h in hs),
                       uplinks=tuple(u.name for u in uplinks))]
        pgs = [PortGroup(name=f"pg-{v}", vswitch="dvs", vlan=v) for v in vlans]
    else:
        vss = [VSwitch(name=f"vss-h{i}", hosts=(f"h{i}",), uplinks=(f"h{i}.eth0",)) for i in range(1, hosts + 1)]
        pgs = [PortGroup(name=f"pg-{v}", vswitch=f"vss-h{i}", vlan=v) for v in vlans for i in range(1, hosts + 1)]
    vnics = [VNic(name=f"{n}.eth0", workload=n, mac=f"02:00:00:00:{k // 256:02x}:{k % 256:02x}",
                  ip=f"10.{v}.{k // 250}.{k % 250 + 1}/16", port_group=f"pg-{v}",
                  groups=(vm_groups or {}).get(n, ()))
             for k, (n, _, v) in enumerate(vms)]
    flows = tuple(flows)
    net = NetworkPart(uplinks=tuple(uplinks), switches=(PhysicalSwitch(name="leaf-1", ports=tuple(sw_ports)),),
                      links=tuple(links), vswitches=tuple(vss), port_groups=tuple(pgs), vnics=tuple(vnics),
                      flows=flows, security_groups=tuple(groups),
                      controller=Controller(switches=("leaf-1", *(v.name for v in vss))) if controlled else None)
    machines = [VM(name=n, host=f"h{h}", vcpus=1, memory_mib=1024) for n, h, _ in vms]
    return Datacenter.of(hosts=hs, vms=machines, network=net)
