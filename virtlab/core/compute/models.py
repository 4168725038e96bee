"""Compute objects: VMs and containers, and the compute part of the datacenter.

Units: memory in MiB, VM CPU demand in cores of work, container CPU in millicores (see
:mod:`virtlab.core.units`). A VM's disks live on the storage domain's datastores.
"""

from __future__ import annotations

from enum import StrEnum
from functools import cached_property
from typing import Annotated, ClassVar, Literal

from pydantic import Field, model_validator

from virtlab.core.base import Frozen, Name, NonNegFloat, PositiveFloat
from virtlab.core.compute.dynamic import DynamicMemory
from virtlab.core.compute.indexes import carry_indexes
from virtlab.core.storage.models import VirtualDisk

ShareLevel = Literal["low", "normal", "high"]
#: vSphere ``SharesInfo.Level``: CPU shares per vCPU.
CPU_SHARES_PER_VCPU: dict[str, int] = {"low": 500, "normal": 1000, "high": 2000}
#: vSphere ``SharesInfo.Level``: memory shares per MB of configured memory.
MEM_SHARES_PER_MB: dict[str, int] = {"low": 5, "normal": 10, "high": 20}


class WorkloadStatus(StrEnum):
    RUNNING = "running"
    OFF = "off"  # powered off by the user
    CRASHED = "crashed"  # guest kernel panic (VM) or process crash (container)


Shares = ShareLevel | Annotated[int, Field(ge=1, le=1_000_000)]

#: A rule between two of a workload's fields: ``(field, relation, other)`` — ``field`` must not
#: be ``relation`` (``"above"`` or ``"below"``) ``other``; unset fields are not judged.
FieldRule = tuple[str, Literal["above", "below"], str]


def broken_rules(values: object, rules: tuple[FieldRule, ...]) -> list[FieldRule]:
    """The rules ``values`` (a model, or one built without validation) breaks."""
    out = []
    for field, relation, other in rules:
        a, b = getattr(values, field, None), getattr(values, other, None)
        if isinstance(a, int | float) and isinstance(b, int | float) and (a > b if relation == "above" else a < b):
            out.append((field, relation, other))
    return out


def _check(values: object, rules: tuple[FieldRule, ...]) -> None:
    broken = broken_rules(values, rules)
    if broken:
        raise ValueError("; ".join(f"{field} is {relation} {other}" for field, relation, other in broken))


class VM(Frozen):
    """A virtual machine placed on a host.

    Demand is absolute: ``cpu_demand`` is the work the guest wants, in cores, ``mem_active_mib``
    the memory it actively uses (its working set). Giving a VM more vCPUs does not give it more
    work to do — that is the point of right-sizing — and giving it fewer does not take work
    away: what its size cannot hold is its shortfall (:mod:`virtlab.core.compute.shortfall`).
    """

    #: What ``update`` may change: the size and resource controls of vSphere's "Edit Settings"
    #: (vCPUs, memory, shares, reservations, limits, and a disk's size, grown only). Status,
    #: demand, backups, snapshots and placement change through their own actions.
    UPDATABLE: ClassVar[frozenset[str]] = frozenset({
        "vcpus", "memory_mib", "cpu_shares", "mem_shares", "cpu_reservation_mhz",
        "cpu_limit_mhz", "mem_reservation_mib", "mem_limit_mib", "disks", "dynamic_memory",
    })

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
    #: What the backup holds of the first disk (GiB of data, deltas included); None = as the
    #: disk holds now (a backup the scenario gives without saying).
    backup_gib: NonNegFloat | None = None
    #: Hyper-V Dynamic Memory (on a Hyper-V host); ``memory_mib`` is then its startup RAM.
    dynamic_memory: DynamicMemory | None = None

    #: vSphere: a memory reservation is at most the VM's memory; a limit is at least the
    #: reservation (CPU and memory).
    RULES: ClassVar[tuple[FieldRule, ...]] = (
        ("mem_reservation_mib", "above", "memory_mib"),
        ("mem_limit_mib", "below", "mem_reservation_mib"),
        ("cpu_limit_mhz", "below", "cpu_reservation_mhz"),
    )

    @model_validator(mode="after")
    def _consistent(self) -> VM:
        _check(self, self.RULES)
        dm = self.dynamic_memory
        if dm is not None and not dm.minimum_mib <= self.memory_mib <= dm.maximum_mib:
            raise ValueError("memory_mib (startup RAM) is outside dynamic_memory's minimum … maximum")
        return self

    @property
    def max_memory_mib(self) -> float:
        """The most memory the guest can have: its memory, or Dynamic Memory's maximum."""
        return self.dynamic_memory.maximum_mib if self.dynamic_memory else self.memory_mib

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

    #: What ``update`` may change: the pod spec's ``resources`` (requests and limits, from which
    #: the kubelet derives cgroup shares, quota and ``memory.max``). Status, demand and
    #: placement change through their own actions.
    UPDATABLE: ClassVar[frozenset[str]] = frozenset({
        "cpu_request_m", "cpu_limit_m", "mem_request_mib", "mem_limit_mib",
    })

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

    #: Kubernetes: a request is at most its limit.
    RULES: ClassVar[tuple[FieldRule, ...]] = (
        ("cpu_request_m", "above", "cpu_limit_m"),
        ("mem_request_mib", "above", "mem_limit_mib"),
    )

    @model_validator(mode="after")
    def _placed_once(self) -> Container:
        if (self.host is None) == (self.vm is None):
            raise ValueError("a container runs either on a host ('host') or in a VM ('vm'), not both")
        _check(self, self.RULES)
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

    @property
    def parent(self) -> tuple[str, str]:
        """The node it runs on: ``("host", name)`` or ``("vm", name)``."""
        return ("host", self.host) if self.host is not None else ("vm", self.vm or "")


class ComputePart(Frozen):
    """The compute domain of a datacenter: its VMs and containers, with indexes."""

    vms: tuple[VM, ...] = ()
    containers: tuple[Container, ...] = ()

    def evolve(self, **changes: object) -> ComputePart:
        """A new part with ``changes`` (no re-validation; actions check their own rules)."""
        values = {name: getattr(self, name) for name in type(self).model_fields}
        values.update(changes)
        new = type(self).model_construct(**values)
        carry_indexes(self, new)  # the indexes it has built, patched where they changed
        return new

    @cached_property
    def vm_index(self) -> dict[str, VM]:
        return {v.name: v for v in self.vms}

    @cached_property
    def container_index(self) -> dict[str, Container]:
        return {c.name: c for c in self.containers}

    @cached_property
    def vms_by_host(self) -> dict[str, list[VM]]:
        out: dict[str, list[VM]] = {}
        for vm in self.vms:
            out.setdefault(vm.host, []).append(vm)
        return out

    @cached_property
    def containers_by_parent(self) -> dict[tuple[str, str], list[Container]]:
        """Containers keyed by ``("host", name)`` or ``("vm", name)``."""
        out: dict[tuple[str, str], list[Container]] = {}
        for c in self.containers:
            out.setdefault(c.parent, []).append(c)
        return out

    @cached_property
    def sorted_names(self) -> tuple[str, ...]:
        """Every VM's and container's name, sorted (a view lists the first few of a group)."""
        return tuple(sorted([*(v.name for v in self.vms), *(c.name for c in self.containers)]))

    @cached_property
    def disks_by_datastore(self) -> dict[str, list[tuple[VM, VirtualDisk]]]:
        out: dict[str, list[tuple[VM, VirtualDisk]]] = {}
        for vm in self.vms:
            for disk in vm.disks:
                out.setdefault(disk.datastore, []).append((vm, disk))
        return out
