"""VM lifecycle actions: snapshots, writes, revert, consolidate, backup, restore, time.

vSphere ("Using snapshots to manage virtual machines"; VMware KB 1025279, best practices):
taking a snapshot makes the disk below read-only and sends every new write to a delta file
that grows on write, up to the size of the disk; a chain of deltas slows I/O and fills the
datastore. Reverting discards the changes made since the snapshot (the snapshot stays);
consolidating (deleting the snapshots) merges the deltas into the base disk. A snapshot is
not a backup: it depends on the base disk, so losing the base disk loses the VM — only a
copy kept elsewhere (a backup) brings it back. Institutional policies cap snapshot age, e.g.
72 hours.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Literal

from pydantic import Field

from virtlab.core.base import ActionBase, refuse, replace_named
from virtlab.core.compute.models import VM, WorkloadStatus
from virtlab.core.storage.models import Provisioning, Snapshot, VirtualDisk

if TYPE_CHECKING:
    from virtlab.core.state import Datacenter


def _vm(dc: Datacenter, name: str) -> VM:
    vm = dc.compute.vm_index.get(name)
    if vm is None:
        raise refuse("unknown_vm", name, f"no VM named {name!r}", vm=name)
    if not vm.disks:
        raise refuse("no_disk", name, f"{name} has no virtual disk", vm=name)
    return vm


def _intact(vm: VM, what: str) -> None:
    if any(d.lost for d in vm.disks):
        raise refuse(
            "disk_lost", vm.name,
            f"{vm.name}'s base disk is lost: its snapshots only hold changes on top of it, so {what} "
            "cannot bring it back — restore from a backup",
            vm=vm.name,
        )


def _with_disks(dc: Datacenter, vm: VM, disks: tuple[VirtualDisk, ...], **more: object) -> Datacenter:
    return dc.with_vms(replace_named(dc.compute.vms, vm.name, vm.model_copy(update={"disks": disks, **more})))


class TakeSnapshot(ActionBase):
    """Take a snapshot of a VM: its base disk becomes read-only and new writes go to a delta."""

    kind: Literal["snapshot"] = "snapshot"
    refusable: ClassVar[bool] = False
    name: str
    label: str = "snap"

    def apply(self, dc: Datacenter) -> Datacenter:
        vm = _vm(dc, self.name)
        _intact(vm, "a snapshot")
        n = len(vm.disks[0].snapshots) + 1
        snap = Snapshot(name=f"{self.label}-{n}")
        return _with_disks(dc, vm, tuple(d.model_copy(update={"snapshots": (*d.snapshots, snap)}) for d in vm.disks))

    def describe(self) -> str:
        return f"snapshot {self.name}"

    def names(self) -> tuple[str, ...]:
        return (self.name,)


class Write(ActionBase):
    """The guest writes ``gib`` of new data (a patch, a day's work) to its first disk."""

    kind: Literal["write"] = "write"
    refusable: ClassVar[bool] = False
    name: str
    gib: float = Field(gt=0)

    def apply(self, dc: Datacenter) -> Datacenter:
        vm = _vm(dc, self.name)
        _intact(vm, "writing")
        if vm.status is not WorkloadStatus.RUNNING:
            raise refuse("not_running", vm.name, f"{vm.name} is {vm.status.value}: it cannot write", vm=vm.name)
        disk = vm.disks[0]
        if disk.snapshots:
            top = disk.snapshots[-1]
            grown = min(disk.size_gib, top.delta_gib + self.gib)
            new = disk.model_copy(update={"snapshots": (*disk.snapshots[:-1], top.model_copy(update={"delta_gib": grown}))})
        else:
            new = disk.model_copy(update={"written_gib": min(disk.size_gib, disk.written_gib + self.gib)})
        return _with_disks(dc, vm, (new, *vm.disks[1:]))

    def describe(self) -> str:
        return f"write {self.gib:g} GiB on {self.name}"

    def names(self) -> tuple[str, ...]:
        return (self.name,)


class Revert(ActionBase):
    """Go back to the newest snapshot: its delta's changes are discarded; the snapshot stays."""

    kind: Literal["revert"] = "revert"
    name: str

    def apply(self, dc: Datacenter) -> Datacenter:
        vm = _vm(dc, self.name)
        _intact(vm, "reverting")
        if not vm.disks[0].snapshots:
            raise refuse("no_snapshot", vm.name, f"{vm.name} has no snapshot to revert to", vm=vm.name)
        disks = tuple(
            d.model_copy(update={"snapshots": (*d.snapshots[:-1], d.snapshots[-1].model_copy(update={"delta_gib": 0.0}))})
            for d in vm.disks
        )
        return _with_disks(dc, vm, disks)

    def describe(self) -> str:
        return f"revert {self.name} to its snapshot"

    def names(self) -> tuple[str, ...]:
        return (self.name,)


class Consolidate(ActionBase):
    """Delete every snapshot, merging the deltas into the base disk."""

    kind: Literal["consolidate"] = "consolidate"
    name: str

    def apply(self, dc: Datacenter) -> Datacenter:
        vm = _vm(dc, self.name)
        _intact(vm, "consolidating")
        if not vm.disks[0].snapshots:
            raise refuse("no_snapshot", vm.name, f"{vm.name} has no snapshot to consolidate", vm=vm.name)
        disks = tuple(
            d.model_copy(update={"snapshots": (), "written_gib": min(d.size_gib, d.written_gib + d.snapshot_gib)})
            for d in vm.disks
        )
        return _with_disks(dc, vm, disks)

    def describe(self) -> str:
        return f"consolidate {self.name}'s snapshots"

    def names(self) -> tuple[str, ...]:
        return (self.name,)


class Backup(ActionBase):
    """Copy the VM to backup storage, off its datastore."""

    kind: Literal["backup"] = "backup"
    name: str

    def apply(self, dc: Datacenter) -> Datacenter:
        vm = _vm(dc, self.name)
        _intact(vm, "a backup")
        disk = vm.disks[0]
        held = min(disk.size_gib, disk.written_gib + disk.snapshot_gib)
        new = vm.model_copy(update={"backup_age_h": 0.0, "backup_gib": held})
        return dc.with_vms(replace_named(dc.compute.vms, vm.name, new))

    def describe(self) -> str:
        return f"back up {self.name}"

    def names(self) -> tuple[str, ...]:
        return (self.name,)


class Restore(ActionBase):
    """Bring the VM back from its backup: its disks are written anew from the copy, so the
    snapshots are gone and so is every change made after the backup. Refused on a VM that
    runs with its disks intact (it would only throw those changes away): a restore is for
    a lost disk or a broken guest."""

    kind: Literal["restore"] = "restore"
    name: str

    def apply(self, dc: Datacenter) -> Datacenter:
        vm = _vm(dc, self.name)
        if vm.backup_age_h is None:
            raise refuse(
                "no_backup", vm.name,
                f"{vm.name} has no backup: a snapshot is not a backup, it lives on the same disk chain",
                vm=vm.name,
            )
        if vm.status is WorkloadStatus.RUNNING and not any(d.lost for d in vm.disks):
            raise refuse(
                "restore_healthy", vm.name,
                f"{vm.name} runs and its disks are intact: a restore would overwrite them with the "
                "backup and lose every change since; to go back to a snapshot, revert",
                vm=vm.name,
            )
        disks = tuple(d.model_copy(update={"lost": False, "snapshots": ()}) for d in vm.disks)
        if vm.backup_gib is not None:
            disks = (disks[0].model_copy(update={"written_gib": min(disks[0].size_gib, vm.backup_gib)}), *disks[1:])
        return _with_disks(dc, vm, disks, status=WorkloadStatus.RUNNING)

    def describe(self) -> str:
        return f"restore {self.name} from backup"

    def names(self) -> tuple[str, ...]:
        return (self.name,)


class Advance(ActionBase):
    """Let simulated time pass: snapshots and backups grow older."""

    kind: Literal["advance"] = "advance"
    refusable: ClassVar[bool] = False
    hours: float = Field(gt=0, le=24 * 365)

    def apply(self, dc: Datacenter) -> Datacenter:
        h = self.hours
        vms = []
        for vm in dc.compute.vms:
            disks = tuple(
                d.model_copy(update={"snapshots": tuple(s.model_copy(update={"age_h": s.age_h + h}) for s in d.snapshots)})
                if d.snapshots else d
                for d in vm.disks
            )
            age = vm.backup_age_h + h if vm.backup_age_h is not None else None
            vms.append(vm.model_copy(update={"disks": disks, "backup_age_h": age}))
        return dc.with_vms(tuple(vms)).evolve(clock_h=dc.clock_h + h)

    def describe(self) -> str:
        return f"wait {self.hours:g} h"


class ConvertDisk(ActionBase):
    """Change a virtual disk's format: inflate a thin disk to eager-zeroed thick, or move it
    to another format with Storage vMotion (vSphere Storage guide, "virtual disk
    provisioning policies"). A thick disk takes its whole size on the datastore at once, so
    the datastore's rules are checked again; a disk with snapshots must be consolidated first.
    With ``datastore`` the disk moves there as well (Storage vMotion, to a datastore the
    VM's host sees)."""

    kind: Literal["convert_disk"] = "convert_disk"
    name: str
    provisioning: Provisioning
    disk: int = Field(1, ge=1)
    datastore: str | None = None

    def apply(self, dc: Datacenter) -> Datacenter:
        vm = _vm(dc, self.name)
        _intact(vm, "converting")
        if self.disk > len(vm.disks):
            raise refuse("no_disk", vm.name, f"{vm.name} has no disk {self.disk}", vm=vm.name)
        old = vm.disks[self.disk - 1]
        if old.snapshots:
            raise refuse("disk_has_snapshots", vm.name, f"{vm.name}: disk {self.disk} has snapshots — consolidate "
                         "them before converting it", vm=vm.name, disk=self.disk)
        update: dict[str, object] = {"provisioning": self.provisioning}
        if self.datastore is not None and self.datastore != old.datastore:
            ds = dc.storage.datastore_index.get(self.datastore)
            if ds is None or not ds.visible_from(vm.host):
                raise refuse("datastore_unseen", vm.name, f"{vm.host} does not see a datastore named "
                             f"{self.datastore!r}", host=vm.host, datastore=self.datastore)
            update["datastore"] = self.datastore
        new = old.model_copy(update=update)
        disks = tuple(new if i == self.disk - 1 else d for i, d in enumerate(vm.disks))
        return _with_disks(dc, vm, disks)

    def describe(self) -> str:
        where = f" on {self.datastore}" if self.datastore else ""
        return f"convert {self.name}'s disk {self.disk} to {self.provisioning.value}{where}"

    def names(self) -> tuple[str, ...]:
        return (self.name,)


#: The VM lifecycle actions.
ACTIONS = (TakeSnapshot, Write, Revert, Consolidate, Backup, Restore, Advance, ConvertDisk)
