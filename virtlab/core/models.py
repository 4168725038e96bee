"""The state of a simulated datacenter: frozen pydantic models.

Units: memory in MiB, disk in GiB, CPU clock in MHz, VM CPU demand in cores of work, container
CPU in millicores (see :mod:`virtlab.core.units`). Every model is frozen: actions build new
states with ``model_copy``, so a UI can keep old states for undo and compare by identity.
"""

from __future__ import annotations

from enum import StrEnum
from functools import cached_property
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from virtlab.core.hypervisors import (
    HypervisorKind,
    default_reserved_cpus,
    default_reserved_memory_mib,
)

Name = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$")]
PositiveFloat = Annotated[float, Field(gt=0)]
NonNegFloat = Annotated[float, Field(ge=0)]

ShareLevel = Literal["low", "normal", "high"]
#: vSphere ``SharesInfo.Level``: CPU shares per vCPU.
CPU_SHARES_PER_VCPU: dict[str, int] = {"low": 500, "normal": 1000, "high": 2000}
#: vSphere ``SharesInfo.Level``: memory shares per MB of configured memory.
MEM_SHARES_PER_MB: dict[str, int] = {"low": 5, "normal": 10, "high": 20}


class Frozen(BaseModel):
    """Base for every state model: immutable, strict about unknown fields."""

    model_config = ConfigDict(frozen=True, extra="forbid", validate_default=True)


class HostStatus(StrEnum):
    UP = "up"
    DOWN = "down"  # power or hardware failure
    PANICKED = "panicked"  # host kernel panic / ESXi purple screen


class WorkloadStatus(StrEnum):
    RUNNING = "running"
    OFF = "off"  # powered off by the user
    CRASHED = "crashed"  # guest kernel panic (VM) or process crash (container)


class Provisioning(StrEnum):
    """vSphere virtual disk formats (vSphere Storage guide)."""

    THIN = "thin"
    THICK_LAZY = "thick-lazy"
    THICK_EAGER = "thick-eager"


class Policy(Frozen):
    """Allocation ratios and host reservations (OpenStack Placement semantics).

    ``capacity = (total − reserved) × allocation_ratio``. Defaults are nova's current
    ``initial_*_allocation_ratio`` values (cpu 4.0, ram 1.0, disk 1.0). ``None`` reserved
    values fall back on each hypervisor's own figure (:mod:`virtlab.core.hypervisors`).
    """

    cpu_allocation_ratio: PositiveFloat = 4.0
    ram_allocation_ratio: PositiveFloat = 1.0
    disk_allocation_ratio: PositiveFloat = 1.0
    reserved_host_memory_mib: NonNegFloat | None = None
    reserved_host_cpus: NonNegFloat | None = None


#: Named policies a lab may start from.
POLICY_PRESETS: dict[str, Policy] = {
    "openstack": Policy(),
    "openstack-pre-stein": Policy(
        cpu_allocation_ratio=16.0, ram_allocation_ratio=1.5, disk_allocation_ratio=1.0
    ),
    "no-overcommit": Policy(
        cpu_allocation_ratio=1.0, ram_allocation_ratio=1.0, disk_allocation_ratio=1.0
    ),
    # Red Hat Virtualization memory_policy overcommit percent: 150 (server), 200 (desktop).
    "rhv-server": Policy(ram_allocation_ratio=1.5),
    "rhv-desktop": Policy(ram_allocation_ratio=2.0),
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


class Datastore(Frozen):
    """A place for virtual disks: a host's local disk, or shared storage seen by ``hosts``."""

    name: Name
    capacity_gib: PositiveFloat
    hosts: tuple[Name, ...] = ()  # empty: visible to every host

    def visible_from(self, host: str) -> bool:
        return not self.hosts or host in self.hosts


class Snapshot(Frozen):
    """A VM snapshot: from the moment it is taken the disk below it is read-only and every
    write lands in a delta file, which grows on write up to the disk's own size (vSphere
    "Using snapshots to manage virtual machines")."""

    name: Name
    delta_gib: NonNegFloat = 0.0
    age_h: NonNegFloat = 0.0


class VirtualDisk(Frozen):
    size_gib: PositiveFloat
    provisioning: Provisioning = Provisioning.THIN
    datastore: Name
    written_gib: NonNegFloat = 0.0
    snapshots: tuple[Snapshot, ...] = ()  # oldest first; writes go to the newest delta
    lost: bool = False  # the base disk is gone: no snapshot can bring it back

    @model_validator(mode="after")
    def _written_fits(self) -> VirtualDisk:
        if self.written_gib > self.size_gib:
            raise ValueError(
                f"written_gib ({self.written_gib:g}) is more than the disk's size ({self.size_gib:g})"
            )
        return self

    @property
    def base_allocated_gib(self) -> float:
        """The base disk: thin grows on write, thick takes all of its size at creation."""
        if self.lost:
            return 0.0
        return self.written_gib if self.provisioning is Provisioning.THIN else self.size_gib

    @property
    def snapshot_gib(self) -> float:
        return sum(s.delta_gib for s in self.snapshots)

    @property
    def allocated_gib(self) -> float:
        """Space taken on the datastore now: the base plus every snapshot delta."""
        return self.base_allocated_gib + self.snapshot_gib

    @property
    def worst_case_gib(self) -> float:
        """Space it can come to take: a thin base grows to its size, and so can every delta."""
        if self.lost:
            return self.snapshot_gib
        return self.size_gib * (1 + len(self.snapshots))


Shares = ShareLevel | Annotated[int, Field(ge=1, le=1_000_000)]


class VM(Frozen):
    """A virtual machine placed on a host.

    Demand is absolute: ``cpu_demand`` is the work the guest wants, in cores (capped at its
    vCPUs), ``mem_active_mib`` the memory it actively uses. Giving a VM more vCPUs does not
    give it more work to do — that is the point of right-sizing.
    """

    name: Name
    host: Name
    vcpus: int = Field(..., ge=1, le=768)
    memory_mib: PositiveFloat
    disks: tuple[VirtualDisk, ...] = ()
    cpu_shares: Shares = "normal"
    mem_shares: Shares = "normal"
    cpu_reservation_mhz: NonNegFloat = 0.0
    cpu_limit_mhz: PositiveFloat | None = None
    mem_reservation_mib: NonNegFloat = 0.0
    mem_limit_mib: PositiveFloat | None = None
    cpu_demand: NonNegFloat = 0.0
    mem_active_mib: NonNegFloat = 0.0
    status: WorkloadStatus = WorkloadStatus.RUNNING
    #: Hours since the last backup (a copy kept off this VM's datastore); None = never.
    backup_age_h: NonNegFloat | None = None

    @model_validator(mode="after")
    def _consistent(self) -> VM:
        if self.mem_reservation_mib > self.memory_mib:
            raise ValueError("mem_reservation_mib is more than the VM's memory")
        if self.mem_limit_mib is not None and self.mem_limit_mib < self.mem_reservation_mib:
            raise ValueError("mem_limit_mib is below mem_reservation_mib")
        if self.cpu_limit_mhz is not None and self.cpu_limit_mhz < self.cpu_reservation_mhz:
            raise ValueError("cpu_limit_mhz is below cpu_reservation_mhz")
        return self

    @property
    def cpu_share_value(self) -> int:
        """vSphere: low/normal/high = 500/1000/2000 per vCPU, or a custom number."""
        if isinstance(self.cpu_shares, str):
            return CPU_SHARES_PER_VCPU[self.cpu_shares] * self.vcpus
        return self.cpu_shares

    @property
    def mem_share_value(self) -> int:
        """vSphere: low/normal/high = 5/10/20 per MB of configured memory, or a custom number."""
        if isinstance(self.mem_shares, str):
            return int(MEM_SHARES_PER_MB[self.mem_shares] * self.memory_mib)
        return self.mem_shares


class Container(Frozen):
    """A container on a host's OS (``host``) or inside a VM's guest OS (``vm``).

    Requests and limits follow Kubernetes: a limit without a request sets the request to the
    limit. Demand is what the process wants: ``cpu_demand_m`` millicores and ``mem_demand_mib``.
    """

    name: Name
    host: Name | None = None
    vm: Name | None = None
    cpu_request_m: PositiveFloat | None = None
    cpu_limit_m: PositiveFloat | None = None
    mem_request_mib: PositiveFloat | None = None
    mem_limit_mib: PositiveFloat | None = None
    cpu_demand_m: NonNegFloat = 0.0
    mem_demand_mib: NonNegFloat = 0.0
    status: WorkloadStatus = WorkloadStatus.RUNNING

    @model_validator(mode="after")
    def _placed_once(self) -> Container:
        if (self.host is None) == (self.vm is None):
            raise ValueError("a container runs either on a host ('host') or in a VM ('vm'), not both")
        if (
            self.cpu_request_m is not None
            and self.cpu_limit_m is not None
            and self.cpu_request_m > self.cpu_limit_m
        ):
            raise ValueError("cpu_request_m is above cpu_limit_m")
        if (
            self.mem_request_mib is not None
            and self.mem_limit_mib is not None
            and self.mem_request_mib > self.mem_limit_mib
        ):
            raise ValueError("mem_request_mib is above mem_limit_mib")
        return self

    @property
    def eff_cpu_request_m(self) -> float:
        """Kubernetes: a limit without a request sets the request to the limit."""
        if self.cpu_request_m is not None:
            return self.cpu_request_m
        return self.cpu_limit_m or 0.0

    @property
    def eff_mem_request_mib(self) -> float:
        if self.mem_request_mib is not None:
            return self.mem_request_mib
        return self.mem_limit_mib or 0.0


class Datacenter(Frozen):
    """Everything the simulator knows: hosts, storage, workloads and the policy."""

    name: str = ""
    clock_h: NonNegFloat = 0.0  # simulated hours since the lab started
    policy: Policy = Policy()
    hosts: tuple[Host, ...] = ()
    datastores: tuple[Datastore, ...] = ()
    vms: tuple[VM, ...] = ()
    containers: tuple[Container, ...] = ()

    def evolve(self, **changes: object) -> Datacenter:
        """A new state with ``changes`` (no re-validation; actions check their own rules).

        Use this, never ``model_copy``: ``model_copy`` would carry the cached indexes over.
        """
        values = {name: getattr(self, name) for name in type(self).model_fields}
        values.update(changes)
        return type(self).model_construct(**values)

    # Indexes, built once per (immutable) state on first use.
    @cached_property
    def host_index(self) -> dict[str, Host]:
        return {h.name: h for h in self.hosts}

    @cached_property
    def vm_index(self) -> dict[str, VM]:
        return {v.name: v for v in self.vms}

    @cached_property
    def container_index(self) -> dict[str, Container]:
        return {c.name: c for c in self.containers}

    @cached_property
    def datastore_index(self) -> dict[str, Datastore]:
        return {d.name: d for d in self.datastores}

    @cached_property
    def vms_by_host(self) -> dict[str, list[VM]]:
        out: dict[str, list[VM]] = {h.name: [] for h in self.hosts}
        for vm in self.vms:
            out.setdefault(vm.host, []).append(vm)
        return out

    @cached_property
    def containers_by_parent(self) -> dict[tuple[str, str], list[Container]]:
        """Containers keyed by ``("host", name)`` or ``("vm", name)``."""
        out: dict[tuple[str, str], list[Container]] = {}
        for c in self.containers:
            key = ("host", c.host) if c.host is not None else ("vm", c.vm or "")
            out.setdefault(key, []).append(c)
        return out

    @cached_property
    def disks_by_datastore(self) -> dict[str, list[tuple[VM, VirtualDisk]]]:
        out: dict[str, list[tuple[VM, VirtualDisk]]] = {d.name: [] for d in self.datastores}
        for vm in self.vms:
            for disk in vm.disks:
                out.setdefault(disk.datastore, []).append((vm, disk))
        return out

    @cached_property
    def local_datastores(self) -> dict[str, list[Datastore]]:
        """Datastores seen by exactly one host (its local disks), by host."""
        out: dict[str, list[Datastore]] = {}
        for d in self.datastores:
            if len(d.hosts) == 1:
                out.setdefault(d.hosts[0], []).append(d)
        return out

    def workload_names(self) -> list[str]:
        return [v.name for v in self.vms] + [c.name for c in self.containers]

    def host_of(self, workload: str) -> str | None:
        """The physical host a VM or container ultimately runs on."""
        if workload in self.vm_index:
            return self.vm_index[workload].host
        c = self.container_index.get(workload)
        if c is None:
            return None
        if c.host is not None:
            return c.host
        vm = self.vm_index.get(c.vm or "")
        return vm.host if vm else None
