"""Storage objects: datastores, virtual disks and their snapshots, and the storage part.

Units: disk in GiB. A virtual disk belongs to its owner (a VM, in the compute domain) but
lives on a datastore; this module knows datastores and disks, never their owners.
"""

from __future__ import annotations

from enum import StrEnum
from functools import cached_property

from pydantic import model_validator

from virtlab.core.base import Frozen, Name, NonNegFloat, PositiveFloat
from virtlab.core.storage.stack import StorageStack


class Provisioning(StrEnum):
    """vSphere virtual disk formats (vSphere Storage guide)."""

    THIN = "thin"
    THICK_LAZY = "thick-lazy"
    THICK_EAGER = "thick-eager"


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


class StoragePart(Frozen):
    """The storage domain of a datacenter: the datastores VMs' disks live on, and the stack
    below them (disks, RAID, LVM, a Ceph cluster: :mod:`virtlab.core.storage.stack`)."""

    datastores: tuple[Datastore, ...] = ()
    stack: StorageStack = StorageStack.model_construct()  # see Datacenter's parts

    @cached_property
    def datastore_index(self) -> dict[str, Datastore]:
        return {d.name: d for d in self.datastores}

    @cached_property
    def _local(self) -> dict[str, tuple[Datastore, ...]]:
        out: dict[str, list[Datastore]] = {}
        for d in self.datastores:
            if len(d.hosts) == 1:
                out.setdefault(d.hosts[0], []).append(d)
        return {h: tuple(ds) for h, ds in out.items()}

    def local_to(self, host: str) -> tuple[Datastore, ...]:
        """The datastores seen by ``host`` alone (its local disks): the one lookup for them."""
        return self._local.get(host, ())
