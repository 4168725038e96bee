"""Network timing: the reachability matrix of 20 workloads in a datacenter of 200 hosts with
20 workloads each (4,000 vNICs) on 50 VLANs behind a router, a leaf–spine fabric of 10 leaves
and 2 spines, and 1,000 controller flows (issue #12 aims < 1 s); and lesson-size scenarios
after one change (aim: within a 16 ms frame).

Run: python benchmarks/bench_network.py
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from timing import timed  # benchmarks/timing.py

from virtlab.core.actions import apply
from virtlab.core.compute.models import VM
from virtlab.core.hosts import Host
from virtlab.core.network.actions import SetMtu, SetSwitchPort
from virtlab.core.network.flows import Flow, FlowAction, Match
from virtlab.core.network.report import network_report
from virtlab.core.network.secgroups import SecurityGroup, SgRule
from virtlab.core.network.topology import (
    Controller,
    Link,
    NetworkPart,
    PhysicalSwitch,
    PortGroup,
    PortMode,
    Router,
    RouterIf,
    SwitchPort,
    Uplink,
    VNic,
    VSwitch,
)
from virtlab.core.network.trace import where_of
from virtlab.core.report import build_report
from virtlab.core.state import Datacenter
from virtlab.course.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]
HOSTS, PER_HOST, VLANS, FLOWS, LEAVES = 200, 20, 50, 1000, 10


def big() -> Datacenter:
    hosts = [Host(name=f"h{i}", cores_per_socket=32, memory_mib=512 * 1024) for i in range(HOSTS)]
    trunk = SwitchPort(number=1, mode=PortMode.TRUNK)
    per_leaf = HOSTS // LEAVES
    leaves = [PhysicalSwitch(name=f"leaf-{j}", rack=f"rack-{j}",
                             ports=tuple(trunk.model_copy(update={"number": p}) for p in range(1, per_leaf + 3)))
              for j in range(LEAVES)]
    spines = [PhysicalSwitch(name=f"spine-{s}", ports=tuple(trunk.model_copy(update={"number": p})
                                                             for p in range(1, LEAVES + 2))) for s in range(2)]
    uplinks = [Uplink(name=f"h{i}.vmnic0", host=f"h{i}") for i in range(HOSTS)]
    links = [Link(name=f"c{i}", switch=f"leaf-{i // per_leaf}", port=i % per_leaf + 1, uplink=f"h{i}.vmnic0")
             for i in range(HOSTS)]
    links += [Link(name=f"l{j}s{s}", switch=f"leaf-{j}", port=per_leaf + 1 + s, peer=f"spine-{s}", peer_port=j + 1)
              for j in range(LEAVES) for s in range(2)]
    router = Router(name="gw", switch="spine-0", port=LEAVES + 1,
                    interfaces=tuple(RouterIf(ip=f"10.{v}.0.1/16", vlan=v) for v in range(1, VLANS + 1)))
    dvs = VSwitch(name="dvs", kind="distributed", hosts=tuple(h.name for h in hosts), uplinks=tuple(u.name for u in uplinks))
    pgs = [PortGroup(name=f"pg-{v}", vswitch="dvs", vlan=v) for v in range(1, VLANS + 1)]
    vms, vnics = [], []
    for i in range(HOSTS):
        for k in range(PER_HOST):
            n = i * PER_HOST + k
            v = n % VLANS + 1
            vms.append(VM(name=f"vm{n}", host=f"h{i}", vcpus=1, memory_mib=1024))
            vnics.append(VNic(name=f"vm{n}.eth0", workload=f"vm{n}", mac=f"02:00:00:{n >> 16 & 255:02x}:{n >> 8 & 255:02x}:{n & 255:02x}",
                              ip=f"10.{v}.{n // 250}.{n % 250 + 2}/16", port_group=f"pg-{v}", groups=(f"sg-{v % 10}",)))
    groups = [SecurityGroup(name=f"sg-{g}", rules=(SgRule(direction="egress"), SgRule(direction="ingress", proto="icmp"),
                                                   SgRule(direction="ingress", proto="tcp", port_min=22),
                                                   SgRule(direction="ingress", remote_group=f"sg-{g}")))
              for g in range(10)]
    flows = [Flow(name=f"f{i}", switch="dvs" if i % 2 else f"leaf-{i % LEAVES}", priority=100 + i % 500,
                  match=Match(proto="tcp", tp_dst=1000 + i) if i % 3 else Match(ip_dst=f"10.{i % VLANS + 1}.200.{i % 250}/32"),
                  action=FlowAction.DROP) for i in range(FLOWS - 1 - LEAVES)]
    flows += [Flow(name=f"miss-{s}", switch=s, priority=0) for s in ["dvs", *(f"leaf-{j}" for j in range(LEAVES))]]
    net = NetworkPart(uplinks=tuple(uplinks), switches=(*leaves, *spines), links=tuple(links), routers=(router,),
                      vswitches=(dvs,), port_groups=tuple(pgs), vnics=tuple(vnics), security_groups=tuple(groups),
                      flows=tuple(flows), controller=Controller(switches=("dvs", *(f"leaf-{j}" for j in range(LEAVES)))),
                      matrix=tuple(f"vm{n * 199}" for n in range(20)))
    return Datacenter.of(hosts=hosts, vms=vms, network=net)


def main() -> None:
    t0 = time.perf_counter()
    dc = big()
    print(f"built {HOSTS} hosts × {PER_HOST} workloads, {VLANS} VLANs, {len(dc.network.flows)} flows "
          f"in {(time.perf_counter() - t0) * 1000:.0f} ms")

    def cold() -> None:
        net = dc.network.evolve()  # fresh indexes and flow tables each run
        rep = network_report(net, where_of(dc))
        assert len(rep.cells) == 380

    ms = timed(cold, 3)
    rep = network_report(dc.network, where_of(dc))
    ok = sum(c.ok for c in rep.cells)
    print(f"matrix 20 workloads (380 cells, {ok} reachable), cold: median {statistics.median(ms):.0f} ms "
          f"(runs {', '.join(f'{m:.0f}' for m in ms)})")
    for name, action in (("network-vlan-patch-panel.toml", SetSwitchPort(switch="leaf-1", port=3, mode=PortMode.TRUNK,
                                                                          allowed=(10, 20, 30, 99))),
                         ("network-overlay-tenants.toml", SetMtu(mtu=1600))):
        small, _ = load_scenario(ROOT / "scenarios" / name)
        ms = timed(lambda small=small, action=action: build_report(apply(small, action)).network, 50)
        print(f"{name}: one change → network report, median {statistics.median(ms):.2f} ms, max {max(ms):.2f} ms")


if __name__ == "__main__":
    main()
