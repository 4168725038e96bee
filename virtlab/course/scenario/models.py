"""The input models: one per section of a scenario file, in the file's own words.

Each names its section's keys (``validation_alias`` maps a friendly key onto the core field it
fills) and reads its units; ``to_core`` hands the values to the core's model, which holds the
rules (sizes above zero, name patterns, requests below limits) and whose problems are said with
the file's keys. A value the core judges passes through as the file gave it.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator, Field, ValidationInfo, field_validator

from virtlab.core.compute.models import VM, Container
from virtlab.core.errors import InputError
from virtlab.core.hosts import POLICY_PRESETS, Host, Policy
from virtlab.core.storage.models import Datastore, VirtualDisk
from virtlab.core.units import parse_fraction, parse_gib
from virtlab.course.scenario.reading import (
    CgroupMiB,
    GiB,
    InputModel,
    MiB,
    Millicores,
    Missing,
    Problems,
    build,
)


def _a_string(v: object) -> object:
    if not isinstance(v, str):
        raise InputError("must be a string")
    return v


def _known_preset(v: object) -> object:
    if not isinstance(v, str) or v not in POLICY_PRESETS:
        raise InputError(f"unknown preset {v!r} (known: {', '.join(POLICY_PRESETS)})")
    return v


class MetaIn(InputModel):
    """``[scenario]``: the datacenter's name, and a description for authors."""

    name: Annotated[str, BeforeValidator(_a_string)] = ""
    description: Any = None


class PolicyIn(InputModel):
    """``[policy]``: a named preset, and any ratio or reservation it changes."""

    preset: Annotated[str | None, BeforeValidator(_known_preset)] = None
    cpu_allocation_ratio: Any = None
    ram_allocation_ratio: Any = None
    disk_allocation_ratio: Any = None
    reserved_host_memory_mib: MiB | None = Field(None, validation_alias="reserved_host_memory")
    reserved_host_cpus: Any = None

    def to_core(self, where: str, p: Problems) -> Policy:
        base = POLICY_PRESETS[self.preset] if self.preset else Policy()
        data = {**base.model_dump(), **self.given("preset")}
        return build(Policy, data, where, p, self.names()) or Policy()


#: kubelet's default hard eviction threshold for memory (``memory.available<100Mi``).
EVICTION_HARD_DEFAULT_MIB = 100.0


class ReservedIn(InputModel):
    """A kubelet reservation, ``kube_reserved`` or ``system_reserved``: ``{ cpu, memory }``."""

    cpu_m: Millicores = Field(0.0, validation_alias="cpu")
    memory_mib: MiB = Field(0.0, validation_alias="memory")


class HostIn(InputModel):
    """``[[host]]``: a physical server; ``disk`` gives it a local datastore ``<name>-local``.

    A Kubernetes node (``hypervisor = "none"``) may give the kubelet's reservations instead of
    ``reserved_memory`` / ``reserved_cpus``: allocatable = capacity − ``kube_reserved`` −
    ``system_reserved`` − ``eviction_hard`` (Kubernetes "Reserve Compute Resources for System
    Daemons"; the hard eviction threshold defaults to 100 MiB).
    """

    memory_mib: Annotated[MiB | None, Missing('missing (e.g. memory = "256 GiB")')] = Field(
        None, validation_alias="memory")
    cores_per_socket: Annotated[Any, Missing("missing (cores per socket, e.g. cores = 16)")] = Field(
        None, validation_alias="cores")
    reserved_memory_mib: MiB | None = Field(None, validation_alias="reserved_memory")
    local_disk_gib: GiB | None = Field(None, validation_alias="disk")
    name: Any = None
    hypervisor: Any = None
    sockets: Any = None
    threads_per_core: Any = Field(None, validation_alias="threads")
    mhz: Any = None
    status: Any = None
    reserved_cpus: Any = None
    kube_reserved: ReservedIn | None = None
    system_reserved: ReservedIn | None = None
    eviction_hard_mib: MiB | None = Field(None, validation_alias="eviction_hard")

    def to_core(self, where: str, p: Problems) -> Host | None:
        """The host; a missing memory or core count is stood in for, so the rest is judged."""
        kubelet = ("kube_reserved", "system_reserved", "eviction_hard_mib")
        data = {"cores_per_socket": 1, "memory_mib": 1.0, **self.given("local_disk_gib", *kubelet)}
        if self.model_fields_set & set(kubelet):
            if self.model_fields_set & {"reserved_memory_mib", "reserved_cpus"}:
                p.add(f"{where}.kube_reserved", "give reserved_memory / reserved_cpus or the kubelet's "
                      "kube_reserved / system_reserved / eviction_hard, not both")
            elif self.hypervisor != "none":
                p.add(f"{where}.kube_reserved", 'the kubelet\'s reservations are for a Kubernetes node '
                      '(hypervisor = "none")')
            else:
                parts = [r for r in (self.kube_reserved, self.system_reserved) if r is not None]
                eviction = EVICTION_HARD_DEFAULT_MIB if self.eviction_hard_mib is None else self.eviction_hard_mib
                data["reserved_memory_mib"] = sum(r.memory_mib for r in parts) + eviction
                data["reserved_cpus"] = sum(r.cpu_m for r in parts) / 1000
        return build(Host, data, where, p, self.names())


class DatastoreIn(InputModel):
    """``[[datastore]]``: shared storage, seen by ``hosts`` (every host when empty)."""

    name: Any = None
    capacity_gib: Annotated[GiB | None, Missing("missing")] = Field(None, validation_alias="capacity")
    hosts: Any = ()

    def to_core(self, where: str, p: Problems) -> Datastore | None:
        data = {"name": self.name, "capacity_gib": self.capacity_gib, "hosts": self.hosts}
        return build(Datastore, data, where, p, self.names())


class SnapshotIn(InputModel):
    """A disk's snapshot: ``{ name, delta, age_h }`` (the delta file's size, its age in hours)."""

    name: Any = None
    delta_gib: GiB = Field(0.0, validation_alias="delta")
    age_h: Any = 0.0

    def to_core(self, number: int) -> dict[str, Any]:
        """The snapshot's fields; an unnamed one is ``snap-<number>``."""
        name = self.name if "name" in self.model_fields_set else f"snap-{number}"
        return {"name": name, "delta_gib": self.delta_gib, "age_h": self.age_h}


class DiskIn(InputModel):
    """A VM's disk: ``{ size, provisioning, datastore, written, snapshots }``; ``written`` may
    be a share of the size (``"40%"``), ``datastore`` defaults to the host's local one."""

    size_gib: GiB | None = Field(None, validation_alias="size")
    written_gib: float | None = Field(None, validation_alias="written")
    provisioning: Any = None
    datastore: Any = None
    snapshots: list[Any] | None = None

    @field_validator("written_gib", mode="before")
    @classmethod
    def _written(cls, v: object, info: ValidationInfo) -> float:
        size = info.data.get("size_gib")
        if isinstance(v, str) and v.strip().endswith("%") and size is not None:
            return parse_fraction(v) * float(size)
        return parse_gib(v)

    @field_validator("snapshots", mode="before")
    @classmethod
    def _snapshot_list(cls, v: object) -> object:
        if not isinstance(v, list):
            raise InputError("must be a list of tables { name, delta, age_h }")
        return v

    def to_core(self, datastore: str, snapshots: list[dict[str, Any]] | None, where: str,
                p: Problems) -> VirtualDisk | None:
        data = {**self.given("datastore", "snapshots"), "datastore": datastore}
        if snapshots is not None:
            data["snapshots"] = snapshots
        return build(VirtualDisk, data, where, p, self.names())


class DemandIn(InputModel):
    """A workload's demand as a table: ``{ cpu = …, memory = … }`` (or a level name)."""

    cpu: Any = None
    memory: Any = None


class DynamicMemoryIn(InputModel):
    """A VM's ``dynamic_memory = { minimum, maximum, buffer }`` (Hyper-V; ``memory`` is its
    startup RAM, ``buffer`` a percentage, 20 by default)."""

    minimum_mib: Annotated[MiB | None, Missing("missing")] = Field(None, validation_alias="minimum")
    maximum_mib: Annotated[MiB | None, Missing("missing")] = Field(None, validation_alias="maximum")
    buffer_pct: Any = Field(None, validation_alias="buffer")


class VMIn(InputModel):
    """``[[vm]]``: a virtual machine on ``host``, with ``disk`` (a size) or ``disks`` (tables)."""

    memory_mib: MiB | None = Field(None, validation_alias="memory")
    mem_reservation_mib: MiB | None = Field(None, validation_alias="mem_reservation")
    mem_limit_mib: MiB | None = Field(None, validation_alias="mem_limit")
    disks: list[Any] | None = None
    name: Any = None
    host: Any = None
    vcpus: Any = None
    disk: Any = None
    cpu_shares: Any = None
    mem_shares: Any = None
    cpu_reservation_mhz: Any = Field(None, validation_alias="cpu_reservation")
    cpu_limit_mhz: Any = Field(None, validation_alias="cpu_limit")
    demand: Any = None
    status: Any = None
    backup_age_h: Any = None
    dynamic_memory: DynamicMemoryIn | None = None

    @field_validator("disks", mode="before")
    @classmethod
    def _disk_list(cls, v: object) -> object:
        if not isinstance(v, list):
            raise InputError("must be a list of tables")
        return v

    def to_core(self, disks: list[VirtualDisk], where: str, p: Problems) -> VM | None:
        data = {**self.given("disk", "disks", "demand"), "disks": disks}
        if self.dynamic_memory is not None:
            data["dynamic_memory"] = self.dynamic_memory.given()
        return build(VM, data, where, p, self.names())


class ContainerIn(InputModel):
    """``[[container]]``: a container on a host's OS (``host``) or in a VM (``vm``)."""

    cpu_request_m: Millicores | None = Field(None, validation_alias="cpu_request")
    cpu_limit_m: Millicores | None = Field(None, validation_alias="cpu_limit")
    mem_request_mib: MiB | None = Field(None, validation_alias="memory_request")
    mem_limit_mib: CgroupMiB | None = Field(None, validation_alias="memory_limit")
    name: Any = None
    host: Any = None
    vm: Any = None
    demand: Any = None
    status: Any = None

    def to_core(self, where: str, p: Problems) -> Container | None:
        return build(Container, self.given("demand"), where, p, self.names())
