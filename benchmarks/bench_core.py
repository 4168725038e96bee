"""Time ``build_report`` on datacenters of 10, 100 and 1,000 hosts with 20 workloads each.

Run from the repository root::

    .venv/bin/python benchmarks/bench_core.py            # the table
    .venv/bin/python benchmarks/bench_core.py --profile  # plus a cProfile of the largest

Each host carries 20 workloads in a realistic mix, by host kind (one third each):

- ESXi: 20 VMs of mixed sizes, some with reservations, limits or high/low shares, thin and
  thick disks on the host's local datastore; every fourth host is CPU-overcommitted.
- KVM: 10 VMs, two of them Kubernetes nodes running 4 containers each, plus 2 containers on
  the host kernel (20 workloads).
- a bare Linux container host: 20 containers across the QoS classes, one without limits
  leaking memory (so the node OOM killer has work to do).

Every timed run gets a fresh state (``Datacenter.evolve``) so the per-state indexes are rebuilt
as they would be after each action. The figure is the best of three runs; the last column adds
the blast radius of every fault, which the report computes on first use; "GC paused" is the
report with Python's cyclic garbage collector paused, to show how much of the time it takes
(the report allocates ~10^5 objects next to a state of ~10^5 more, so full collections run).
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from virtlab.core.actions import apply
from virtlab.core.compute.actions import SetDemand
from virtlab.core.compute.models import VM, Container
from virtlab.core.hosts import Host
from virtlab.core.report import PartCache, build_report
from virtlab.core.state import Datacenter
from virtlab.core.storage.models import Datastore, VirtualDisk

WORKLOADS_PER_HOST = 20
SIZES = (10, 100, 1000)
TARGET_S = 1.0  # for 1,000 hosts / 20,000 workloads


def _esxi_host(i: int) -> tuple[Host, Datastore, list[VM], list[Container]]:
    name = f"esx-{i}"
    host = Host(name=name, hypervisor="esxi", sockets=2, cores_per_socket=12, threads_per_core=2,
                mhz=2600, memory_mib=512 * 1024)
    ds = Datastore(name=f"{name}-local", capacity_gib=8000, hosts=(name,))
    contended = i % 4 == 0
    vms = []
    for j in range(WORKLOADS_PER_HOST):
        vcpus = (1, 2, 2, 4, 8)[j % 5]
        mem = vcpus * 4096
        busy = 0.9 if contended else (0.1, 0.4, 0.6)[j % 3]
        disks = (
            VirtualDisk(size_gib=40, provisioning="thick-lazy", datastore=ds.name),
            VirtualDisk(size_gib=200, provisioning="thin", datastore=ds.name, written_gib=50 + j),
        )
        vms.append(VM(
            name=f"{name}-vm{j}", host=name, vcpus=vcpus, memory_mib=mem, disks=disks,
            cpu_shares=("normal", "high", "low", "normal")[j % 4],
            cpu_reservation_mhz=1000.0 if j % 7 == 0 else 0.0,
            cpu_limit_mhz=3000.0 * vcpus if j % 6 == 1 else None,
            mem_reservation_mib=mem / 2 if j % 5 == 0 else 0.0,
            cpu_demand=busy * vcpus, mem_active_mib=mem * (0.3 + 0.5 * busy),
        ))
    return host, ds, vms, []


def _kvm_host(i: int) -> tuple[Host, Datastore, list[VM], list[Container]]:
    name = f"kvm-{i}"
    host = Host(name=name, hypervisor="kvm", sockets=2, cores_per_socket=16, threads_per_core=2,
                mhz=2400, memory_mib=384 * 1024)
    ds = Datastore(name=f"{name}-local", capacity_gib=4000, hosts=(name,))
    contended = i % 4 == 1
    vms, ctrs = [], []
    for j in range(10):
        vcpus = (2, 4, 8)[j % 3]
        mem = vcpus * 8192
        busy = 0.95 if contended else 0.35
        vms.append(VM(
            name=f"{name}-vm{j}", host=name, vcpus=vcpus, memory_mib=mem,
            disks=(VirtualDisk(size_gib=100, datastore=ds.name, written_gib=30),),
            cpu_demand=busy * vcpus * (0.5 if j < 2 else 1.0), mem_active_mib=mem * 0.5,
        ))
    for j in range(2):  # the first two VMs are Kubernetes nodes
        for k in range(4):
            guaranteed = k == 0
            ctrs.append(Container(
                name=f"{name}-vm{j}-c{k}", vm=f"{name}-vm{j}",
                cpu_request_m=500, cpu_limit_m=500 if guaranteed else 1000,
                mem_request_mib=1024, mem_limit_mib=1024 if guaranteed else (2048 if k < 3 else None),
                cpu_demand_m=400 + 200 * k, mem_demand_mib=800 + 300 * k,
            ))
    for k in range(2):
        ctrs.append(Container(name=f"{name}-h{k}", host=name, cpu_request_m=250,
                              mem_request_mib=256, cpu_demand_m=200, mem_demand_mib=200))
    return host, ds, vms, ctrs


def _container_host(i: int) -> tuple[Host, None, list[VM], list[Container]]:
    name = f"node-{i}"
    host = Host(name=name, hypervisor="none", sockets=1, cores_per_socket=32, threads_per_core=2,
                mhz=3000, memory_mib=128 * 1024)
    ctrs = []
    for k in range(WORKLOADS_PER_HOST):
        kind = k % 4
        if kind == 0:  # Guaranteed
            c = Container(name=f"{name}-c{k}", host=name, cpu_request_m=1000, cpu_limit_m=1000,
                          mem_request_mib=2048, mem_limit_mib=2048, cpu_demand_m=900,
                          mem_demand_mib=1500)
        elif kind == 1:  # Burstable, sometimes over its own limit
            c = Container(name=f"{name}-c{k}", host=name, cpu_request_m=500, cpu_limit_m=2000,
                          mem_request_mib=1024, mem_limit_mib=4096, cpu_demand_m=1800,
                          mem_demand_mib=4500 if k % 8 == 1 else 3000)
        elif kind == 2:  # Burstable with requests only
            c = Container(name=f"{name}-c{k}", host=name, cpu_request_m=250,
                          mem_request_mib=512, cpu_demand_m=3000, mem_demand_mib=2000)
        else:  # BestEffort, one of them leaking
            c = Container(name=f"{name}-c{k}", host=name, cpu_demand_m=4000,
                          mem_demand_mib=60_000 if k == 3 else 1000)
        ctrs.append(c)
    return host, None, [], ctrs


def build_datacenter(n_hosts: int) -> Datacenter:
    hosts, stores, vms, ctrs = [], [], [], []
    makers = (_esxi_host, _kvm_host, _container_host)
    for i in range(n_hosts):
        host, ds, v, c = makers[i % 3](i)
        hosts.append(host)
        if ds is not None:
            stores.append(ds)
        vms += v
        ctrs += c
    shared = Datastore(name="san-1", capacity_gib=100_000)  # seen by every host
    return Datacenter.of(name=f"bench-{n_hosts}", hosts=tuple(hosts), datastores=(*stores, shared),
                      vms=tuple(vms), containers=tuple(ctrs))


def time_report(dc: Datacenter, repeat: int = 3, blast: bool = False, no_gc: bool = False) -> float:
    """Best of ``repeat`` runs of ``build_report`` on a fresh copy of ``dc``; with ``blast``
    also the blast radius of every fault (the report computes it on first use); with
    ``no_gc`` the cyclic garbage collector paused (to see how much of the time it takes)."""
    best = float("inf")
    for _ in range(repeat):
        # No cached indexes and no host part reused from an earlier run: a cold report.
        fresh = dc.evolve(compute=dc.compute.evolve(), storage=dc.storage.model_copy())
        gc.collect()
        if no_gc:
            gc.disable()
        try:
            t0 = time.perf_counter()
            report = build_report(fresh)
            if blast:
                len(report.blast)
            best = min(best, time.perf_counter() - t0)
        finally:
            gc.enable()
    return best


def time_after_change(dc: Datacenter, repeat: int = 5) -> float:
    """Median time of the report after one action on one VM (host parts of every other host
    are reused, as in the app after a key press)."""
    cache = PartCache()
    build_report(dc, cache=cache)
    name = dc.compute.vms[len(dc.compute.vms) // 2].name
    times = []
    for i in range(repeat):
        dc = apply(dc, SetDemand(name=name, cpu=0.5 + 0.1 * i))
        t0 = time.perf_counter()
        build_report(dc, cache=cache)
        times.append(time.perf_counter() - t0)
    return sorted(times)[len(times) // 2]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", action="store_true", help="cProfile the largest size")
    parser.add_argument("--sizes", type=int, nargs="*", default=list(SIZES))
    args = parser.parse_args(argv)

    print(f"{'hosts':>6} {'VMs':>7} {'containers':>10} {'workloads':>9} "
          f"{'report (best of 3)':>19} {'+ blast radius':>15} {'GC paused':>12} {'after 1 change':>15}")
    results = {}
    for n in args.sizes:
        dc = build_datacenter(n)
        seconds = time_report(dc)
        with_blast = time_report(dc, blast=True)
        no_gc = time_report(dc, no_gc=True)
        change = time_after_change(dc)
        results[n] = seconds
        print(f"{n:>6} {len(dc.compute.vms):>7} {len(dc.compute.containers):>10} "
              f"{len(dc.compute.vms) + len(dc.compute.containers):>9} {seconds * 1000:>16.1f} ms "
              f"{with_blast * 1000:>12.1f} ms {no_gc * 1000:>9.1f} ms {change * 1000:>12.1f} ms")
    largest = max(args.sizes)
    if largest == 1000:
        verdict = "OK" if results[largest] < TARGET_S else "SLOWER THAN TARGET"
        print(f"target: 1,000 hosts under {TARGET_S:.1f} s -> {verdict}")
    if args.profile:
        dc = build_datacenter(largest)
        prof = cProfile.Profile()
        prof.enable()
        build_report(dc)
        prof.disable()
        pstats.Stats(prof).sort_stats("tottime").print_stats(15)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
