"""The compute constraints a real system enforces, as violations with their numbers.

- ``vcpu_cap``: a VM's vCPUs ≤ the host's logical CPUs (Placement ``max_unit = total``).
- ``cpu_capacity`` / ``ram_capacity`` / ``disk_capacity`` (a host's local disk): Placement
  ``used + requested ≤ (total − reserved) × allocation_ratio``. The disk rule is nova's, for a
  compute node's local instance storage; an ESXi host's local disk is a VMFS datastore, where
  thin disks may promise more than it holds (:mod:`virtlab.core.storage.rules`).
- ``cpu_reservation`` / ``mem_reservation``: vSphere power-on admission — reservations (plus
  memory overhead) must fit in unreserved capacity.
- ``container_requests``: the kube-scheduler places pods by requests against allocatable.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from virtlab.core.base import Violation
from virtlab.core.compute.capacity import host_lines
from virtlab.core.hypervisors import (
    HypervisorKind,
    gke_reserved_millicores,
    node_allocatable_mib,
    vm_memory_overhead_mib,
)
from virtlab.core.units import fmt_apart, fmt_mib

if TYPE_CHECKING:
    from virtlab.core.state import Datacenter


def _apart(a: float, b: float, between: str, unit: str = "mib") -> str:
    """``a`` and ``b`` with enough decimals that two different numbers never read the same."""
    x, y = fmt_apart([a, b], unit)
    return f"{x}{between}{y}"


def host_violations(dc: Datacenter, host_name: str) -> list[Violation]:
    host = dc.host_index.get(host_name)
    if host is None:
        return []
    out: list[Violation] = []
    vms = dc.compute.vms_by_host.get(host_name, [])
    for vm in vms:
        if vm.vcpus > host.logical_cpus:
            out.append(Violation(
                "vcpu_cap", f"{host_name}/{vm.name}",
                f"{vm.name}: {vm.vcpus} vCPUs > {host.logical_cpus} logical CPUs on {host_name} "
                "(a VM can never have more vCPUs than its host has logical CPUs)",
                vm.vcpus - host.logical_cpus,
                {"vm": vm.name, "host": host_name, "vcpus": vm.vcpus, "logical": host.logical_cpus},
            ))
    lines = host_lines(dc, host)
    cpu, ram = lines["cpu"], lines["ram"]
    if cpu.over_capacity:
        out.append(Violation(
            "cpu_capacity", host_name,
            f"{host_name}: vCPU {cpu.allocated:g}/{cpu.schedulable:g} after {cpu.ratio:g}× ratio "
            f"(({cpu.physical:g} logical − {cpu.reserved:g} reserved) × {cpu.ratio:g})",
            cpu.allocated - cpu.schedulable,
            {"host": host_name, "allocated": cpu.allocated, "schedulable": cpu.schedulable,
             "ratio": cpu.ratio, "physical": cpu.physical, "reserved": cpu.reserved},
        ))
    if ram.over_capacity and ram.reserve_after_ratio:
        out.append(Violation(
            "ram_capacity", host_name,
            f"{host_name}: RAM {_apart(ram.allocated, ram.schedulable, ' committed > ')} "
            f"schedulable ({fmt_mib(ram.physical)} × {ram.ratio:g} − {fmt_mib(ram.reserved)} reserved; "
            "each running VM commits its memory + 65 MiB)",
            ram.allocated - ram.schedulable,
            {"host": host_name, "allocated": ram.allocated, "schedulable": ram.schedulable,
             "ratio": ram.ratio, "physical": ram.physical, "reserved": ram.reserved, "formula": "ovirt"},
        ))
    elif ram.over_capacity:
        out.append(Violation(
            "ram_capacity", host_name,
            f"{host_name}: RAM {_apart(ram.allocated, ram.schedulable, '/')} after "
            f"{ram.ratio:g}× ratio (({fmt_mib(ram.physical)} − {fmt_mib(ram.reserved)} reserved) "
            f"× {ram.ratio:g})",
            ram.allocated - ram.schedulable,
            {"host": host_name, "allocated": ram.allocated, "schedulable": ram.schedulable,
             "ratio": ram.ratio, "physical": ram.physical, "reserved": ram.reserved},
        ))
    if "disk" in lines and lines["disk"].over_capacity and host.hypervisor is not HypervisorKind.ESXI:
        d = lines["disk"]
        out.append(Violation(
            "disk_capacity", host_name,
            f"{host_name}: local disk {_apart(d.allocated, d.schedulable, '/', 'gib')} provisioned "
            f"after {d.ratio:g}× ratio",
            d.allocated - d.schedulable,
            {"host": host_name, "allocated": d.allocated, "schedulable": d.schedulable, "ratio": d.ratio},
        ))
    if host.hypervisor is not HypervisorKind.NONE:
        cap_mhz = max(0.0, host.physical_cores - host.reserved_cpu(dc.policy)) * host.mhz
        res_mhz = sum(v.cpu_reservation_mhz for v in vms)
        if res_mhz > cap_mhz + 1e-9:
            out.append(Violation(
                "cpu_reservation", host_name,
                f"{host_name}: CPU reservations {res_mhz:g} MHz > {cap_mhz:g} MHz unreserved",
                res_mhz - cap_mhz, {"host": host_name, "reserved": res_mhz, "capacity": cap_mhz},
            ))
        unreserved = host.memory_mib - host.reserved_memory(dc.policy)
        res_mib = sum(
            v.mem_reservation_mib + vm_memory_overhead_mib(host.hypervisor, v.vcpus, v.memory_mib)
            for v in vms
        )
        if res_mib > unreserved + 1e-9:
            out.append(Violation(
                "mem_reservation", host_name,
                f"{host_name}: memory reservations + overhead {_apart(res_mib, unreserved, ' > ')} "
                "unreserved",
                res_mib - unreserved,
                {"host": host_name, "reserved": res_mib, "capacity": unreserved},
            ))
    return out


def node_violations(dc: Datacenter, node: tuple[str, str]) -> list[Violation]:
    """Container requests against a node's allocatable: ``capacity − kube-reserved −
    system-reserved − hard eviction threshold`` (Kubernetes "Reserve Compute Resources for
    System Daemons"). A host node uses its configured reservation (the host's, else the
    policy's — what its capacity lines show), else GKE's; a VM node GKE's."""
    kind, name = node
    ctrs = dc.compute.containers_by_parent.get(node, [])
    if not ctrs:
        return []
    if kind == "host":
        host = dc.host_index.get(name)
        if host is None or host.hypervisor is not HypervisorKind.NONE:
            return []  # host containers beside VMs are counted in the host's lines
        alloc_mem = host.memory_mib - host.reserved_memory(dc.policy)
        alloc_cpu = (host.logical_cpus - host.reserved_cpu(dc.policy)) * 1000
    else:
        vm = dc.compute.vm_index.get(name)
        if vm is None:
            return []
        alloc_mem = node_allocatable_mib(vm.memory_mib)
        alloc_cpu = vm.vcpus * 1000 - gke_reserved_millicores(vm.vcpus)
    req_mem = sum(c.eff_mem_request_mib for c in ctrs)
    req_cpu = sum(c.eff_cpu_request_m for c in ctrs)
    out = []
    if req_mem > alloc_mem + 1e-9:
        out.append(Violation(
            "container_requests", f"{kind}:{name}:memory",
            f"{name}: container memory requests {_apart(req_mem, alloc_mem, ' > ')} allocatable",
            req_mem - alloc_mem, {"node": name, "requested": req_mem, "allocatable": alloc_mem},
        ))
    if req_cpu > alloc_cpu + 1e-9:
        out.append(Violation(
            "container_requests", f"{kind}:{name}:cpu",
            f"{name}: container CPU requests {req_cpu:g}m > {alloc_cpu:g}m allocatable",
            req_cpu - alloc_cpu, {"node": name, "requested": req_cpu, "allocatable": alloc_cpu},
        ))
    return out
