"""Datastores: provisioned vs written, thin overcommit, and what a full datastore stops.

vSphere Storage guide: a thin disk grows on write and can overcommit a datastore; thick
(lazy- or eager-zeroed) takes its whole size at creation. A full datastore stops writes for
every thin disk on it — those VMs pause with "no space left" — and so does every snapshot
delta, which grows on write like a thin disk, up to its disk's size. The default "Datastore
usage on disk" alarm warns at 75 % and alerts at 85 %.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar

from virtlab.core.storage.models import Provisioning, StoragePart, VirtualDisk

WARN_PCT = 75.0
ALERT_PCT = 85.0


@dataclass(frozen=True, slots=True)
class DatastoreUsage:
    """One datastore's capacity: promised (provisioned), taken (allocated) and written."""

    #: Properties carried into the report's JSON after the fields.
    JSON_PROPERTIES: ClassVar[tuple[str, ...]] = (
        "free_gib", "used_pct", "thin_overcommit", "full", "alarm", "stopped_vms")

    name: str
    capacity_gib: float
    provisioned_gib: float = 0.0  # every disk's size
    allocated_gib: float = 0.0  # thick sizes + thin written
    written_gib: float = 0.0
    thick_gib: float = 0.0
    snapshot_gib: float = 0.0  # every snapshot delta on it
    worst_case_gib: float = 0.0  # if every thin disk and delta grew to its disk's size
    thin_vms: tuple[str, ...] = ()
    oldest_snapshot_h: float | None = None

    @property
    def worst_case_free_gib(self) -> float:
        return self.capacity_gib - self.worst_case_gib

    @property
    def free_gib(self) -> float:
        return self.capacity_gib - self.allocated_gib

    @property
    def used_pct(self) -> float:
        return 100.0 * self.allocated_gib / self.capacity_gib

    @property
    def thin_overcommit(self) -> float:
        """Provisioned ÷ capacity: above 1.0 the datastore has promised more than it has."""
        return self.provisioned_gib / self.capacity_gib

    @property
    def full(self) -> bool:
        return self.allocated_gib >= self.capacity_gib - 1e-9

    @property
    def alarm(self) -> str:
        pct = self.used_pct
        if self.full:
            return "full"
        if pct >= ALERT_PCT:
            return "alert"
        if pct >= WARN_PCT:
            return "warning"
        return "ok"

    @property
    def stopped_vms(self) -> list[str]:
        """VMs whose thin disks can no longer write (only when the datastore is full)."""
        return list(self.thin_vms) if self.full else []


def datastore_usage(storage: StoragePart, disks: Mapping[str, Sequence[tuple[str, VirtualDisk]]]
                    ) -> dict[str, DatastoreUsage]:
    """The usage of every datastore, given the disks on each as ``(owner, disk)`` pairs."""
    out = {}
    for d in storage.datastores:
        provisioned = allocated = written = thick = snapshot = worst = 0.0
        thin_vms: list[str] = []
        oldest: float | None = None
        for owner, disk in disks.get(d.name, ()):
            provisioned += disk.size_gib
            allocated += disk.allocated_gib
            written += disk.written_gib
            snapshot += disk.snapshot_gib
            worst += disk.worst_case_gib
            for snap in disk.snapshots:
                if oldest is None or snap.age_h > oldest:
                    oldest = snap.age_h
            if disk.provisioning is Provisioning.THIN or disk.snapshots:
                if owner not in thin_vms:
                    thin_vms.append(owner)
            else:
                thick += disk.size_gib
        out[d.name] = DatastoreUsage(d.name, d.capacity_gib, provisioned, allocated, written, thick,
                                     snapshot, worst, tuple(thin_vms), oldest)
    return out
