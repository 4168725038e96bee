"""Schedulable capacity and overcommit per host and resource (OpenStack Placement).

``capacity = (total − reserved) × allocation_ratio``; a request is refused when
``used + requested > capacity`` (placement/objects/allocation.py). Under oVirt/RHV's memory
model (``Policy.memory_model = "ovirt"``) the scheduler's free memory is ``physical ×
overcommit % − reserved − committed``, each running VM committing its memory + 65 MiB
(ovirt-engine ``VDS.calculateFreeVirtualMemory``): a 64 GiB host at 150 % offers 98,304 − 321
= 97,983 MiB before any VM. A single VM may never have
more vCPUs than the host has logical CPUs (drivers report ``max_unit = total``). A host
without a hypervisor is a container node: the kube-scheduler places by requests against
``allocatable = capacity − reserved − eviction threshold`` and never overcommits (ratio 1).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from virtlab.core.compute.models import WorkloadStatus
from virtlab.core.hosts import OVIRT_GUEST_OVERHEAD_MIB, Host
from virtlab.core.hypervisors import HypervisorKind

if TYPE_CHECKING:
    from virtlab.core.state import Datacenter


@dataclass(frozen=True, slots=True)
class Flavor:
    """A VM size. The defaults are OpenStack's classic m1 flavors."""

    name: str
    vcpus: int
    memory_mib: float
    disk_gib: float


FLAVORS: tuple[Flavor, ...] = (
    Flavor("m1.tiny", 1, 512, 1),
    Flavor("m1.small", 1, 2048, 20),
    Flavor("m1.medium", 2, 4096, 40),
    Flavor("m1.large", 4, 8192, 80),
    Flavor("m1.xlarge", 8, 16384, 160),
)
FLAVOR_INDEX = {f.name: f for f in FLAVORS}


@dataclass(frozen=True, slots=True)
class ResourceLine:
    """One resource of one host, as Placement sees it."""

    resource: str  # "cpu" (vCPUs), "ram" (MiB), "disk" (GiB)
    physical: float
    reserved: float
    ratio: float
    allocated: float
    reserve_after_ratio: bool = False  # oVirt: physical × ratio − reserved

    #: Properties carried into the report's JSON after the fields.
    JSON_PROPERTIES: ClassVar[tuple[str, ...]] = ("schedulable", "free", "overcommit")

    @property
    def schedulable(self) -> float:
        if self.reserve_after_ratio:
            return max(0.0, self.physical * self.ratio - self.reserved)
        return max(0.0, self.physical - self.reserved) * self.ratio

    @property
    def free(self) -> float:
        return self.schedulable - self.allocated

    @property
    def overcommit(self) -> float:
        """Allocated ÷ (physical − reserved): above 1.0 means overcommitted."""
        usable = self.physical - self.reserved
        return self.allocated / usable if usable > 0 else math.inf if self.allocated else 0.0

    @property
    def over_capacity(self) -> bool:
        return self.allocated > self.schedulable + 1e-9


def _ratio(host: Host, dc: Datacenter, resource: str) -> float:
    if host.hypervisor is HypervisorKind.NONE:
        return 1.0
    p = dc.policy
    return {
        "cpu": p.cpu_allocation_ratio,
        "ram": p.ram_allocation_ratio,
        "disk": p.disk_allocation_ratio,
    }[resource]


def host_lines(dc: Datacenter, host: Host) -> dict[str, ResourceLine]:
    """CPU, RAM and (local) disk lines for one host.

    Allocations count every VM placed on the host (a stopped instance keeps its allocation in
    Placement; under oVirt's model only running VMs commit memory, each + 65 MiB) and the
    requests of containers running directly on the host OS.
    """
    vms = dc.compute.vms_by_host.get(host.name, [])
    host_containers = dc.compute.containers_by_parent.get(("host", host.name), [])
    vcpus = sum(v.vcpus for v in vms) + sum(c.eff_cpu_request_m for c in host_containers) / 1000
    ovirt = dc.policy.memory_model == "ovirt" and host.hypervisor is not HypervisorKind.NONE
    if ovirt:  # each running VM commits its memory + the guest overhead
        ram = sum(v.memory_mib + OVIRT_GUEST_OVERHEAD_MIB for v in vms if v.status is WorkloadStatus.RUNNING)
    else:
        ram = sum(v.memory_mib for v in vms)
    ram += sum(c.eff_mem_request_mib for c in host_containers)
    lines = {
        "cpu": ResourceLine(
            "cpu", host.logical_cpus, host.reserved_cpu(dc.policy), _ratio(host, dc, "cpu"), vcpus
        ),
        "ram": ResourceLine(
            "ram", host.memory_mib, host.reserved_memory(dc.policy), _ratio(host, dc, "ram"), ram, ovirt
        ),
    }
    local = dc.storage.local_to(host.name)
    if local:
        provisioned = sum(disk.size_gib for d in local for _, disk in dc.compute.disks_by_datastore.get(d.name, []))
        lines["disk"] = ResourceLine(
            "disk", sum(d.capacity_gib for d in local), 0.0, _ratio(host, dc, "disk"), provisioned
        )
    return lines


def flavor_fits(lines: dict[str, ResourceLine], flavor: Flavor, logical_cpus: int) -> int:
    """How many more VMs of ``flavor`` Placement would still put on this host."""
    if flavor.vcpus > logical_cpus:
        return 0
    counts = [
        math.floor(max(0.0, lines["cpu"].free) / flavor.vcpus + 1e-9),
        math.floor(max(0.0, lines["ram"].free) / flavor.memory_mib + 1e-9),
    ]
    if "disk" in lines:
        counts.append(math.floor(max(0.0, lines["disk"].free) / flavor.disk_gib + 1e-9))
    return max(0, min(counts))
