"""Physical hosts and the placement policy: what every domain of the datacenter stands on.

Units: memory in MiB, CPU clock in MHz. A host's reservations fall back on its hypervisor's
own figures (:mod:`virtlab.core.hypervisors`).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import Field

from virtlab.core.base import Frozen, Name, NonNegFloat, PositiveFloat
from virtlab.core.hypervisors import (
    HypervisorKind,
    default_reserved_cpus,
    default_reserved_memory_mib,
)


class HostStatus(StrEnum):
    UP = "up"
    DOWN = "down"  # power or hardware failure
    PANICKED = "panicked"  # host kernel panic / ESXi purple screen


#: oVirt/RHV (vdsm ``config.py.in``): memory a host reports as reserved, ``host_mem_reserve``
#: 256 MiB + ``extra_mem_reserve`` 65 MiB, and the guest overhead each running VM commits
#: beside its memory (ovirt-engine ``VDS.calculateFreeVirtualMemory``; semantics.md).
OVIRT_HOST_MEM_RESERVE_MIB = 256.0
OVIRT_EXTRA_MEM_RESERVE_MIB = 65.0
OVIRT_GUEST_OVERHEAD_MIB = 65.0

MemoryModel = Literal["placement", "ovirt"]


class Policy(Frozen):
    """Allocation ratios and host reservations.

    Memory by ``memory_model``: ``"placement"`` (OpenStack Placement) ``capacity = (total −
    reserved) × allocation_ratio``, every placed VM counted; ``"ovirt"`` (oVirt/RHV's
    scheduler) ``physical × overcommit % − reserved``, each *running* VM committing its memory
    + 65 MiB guest overhead. Defaults are nova's current ``initial_*_allocation_ratio`` values
    (cpu 4.0, ram 1.0, disk 1.0). ``None`` reserved values fall back on each hypervisor's own
    figure (:mod:`virtlab.core.hypervisors`).
    """

    cpu_allocation_ratio: PositiveFloat = 4.0
    ram_allocation_ratio: PositiveFloat = 1.0
    disk_allocation_ratio: PositiveFloat = 1.0
    reserved_host_memory_mib: NonNegFloat | None = None
    reserved_host_cpus: NonNegFloat | None = None
    memory_model: MemoryModel = "placement"


#: Named policies a lab may start from.
POLICY_PRESETS: dict[str, Policy] = {
    "openstack": Policy(),
    "openstack-pre-stein": Policy(
        cpu_allocation_ratio=16.0, ram_allocation_ratio=1.5, disk_allocation_ratio=1.0
    ),
    "no-overcommit": Policy(
        cpu_allocation_ratio=1.0, ram_allocation_ratio=1.0, disk_allocation_ratio=1.0
    ),
    # Red Hat Virtualization memory_policy overcommit percent: 150 (server), 200 (desktop),
    # with the oVirt scheduler's memory model and vdsm's default reservation (321 MiB).
    "rhv-server": Policy(ram_allocation_ratio=1.5, memory_model="ovirt",
                         reserved_host_memory_mib=OVIRT_HOST_MEM_RESERVE_MIB + OVIRT_EXTRA_MEM_RESERVE_MIB),
    "rhv-desktop": Policy(ram_allocation_ratio=2.0, memory_model="ovirt",
                          reserved_host_memory_mib=OVIRT_HOST_MEM_RESERVE_MIB + OVIRT_EXTRA_MEM_RESERVE_MIB),
}


class Host(Frozen):
    """A physical server."""

    name: Name
    hypervisor: HypervisorKind = HypervisorKind.KVM
    sockets: int = Field(1, ge=1, le=16)
    cores_per_socket: int = Field(..., ge=1, le=512)
    threads_per_core: int = Field(1, ge=1, le=8)
    mhz: float = Field(2400, gt=0, le=10_000)
    memory_mib: PositiveFloat
    status: HostStatus = HostStatus.UP
    reserved_memory_mib: NonNegFloat | None = None
    reserved_cpus: NonNegFloat | None = None

    @property
    def physical_cores(self) -> int:
        return self.sockets * self.cores_per_socket

    @property
    def logical_cpus(self) -> int:
        """Sockets × cores × threads: what a hypervisor schedules vCPUs on."""
        return self.physical_cores * self.threads_per_core

    @property
    def cpu_capacity_mhz(self) -> float:
        """Physical cores × clock, as vSphere reports host CPU capacity."""
        return self.physical_cores * self.mhz

    @property
    def is_up(self) -> bool:
        return self.status is HostStatus.UP

    def reserved_memory(self, policy: Policy) -> float:
        """Host override, else the policy, else the hypervisor's own figure."""
        if self.reserved_memory_mib is not None:
            return self.reserved_memory_mib
        if policy.reserved_host_memory_mib is not None:
            return policy.reserved_host_memory_mib
        return default_reserved_memory_mib(self.hypervisor, self.memory_mib)

    def reserved_cpu(self, policy: Policy) -> float:
        """Logical CPUs kept for the host (host override, policy, hypervisor default)."""
        if self.reserved_cpus is not None:
            return self.reserved_cpus
        if policy.reserved_host_cpus is not None:
            return policy.reserved_host_cpus
        return default_reserved_cpus(self.hypervisor, self.logical_cpus)
