"""Snapshots, backups and time (vSphere snapshot semantics; see virtlab/core/lifecycle.py)."""

from __future__ import annotations

import pytest

from virtlab.core.actions import apply
from virtlab.core.base import Refused
from virtlab.core.compute.actions import Fail, Repair
from virtlab.core.compute.lifecycle import (
    Advance,
    Backup,
    Consolidate,
    Restore,
    Revert,
    TakeSnapshot,
    Write,
)
from virtlab.core.compute.models import VM
from virtlab.core.hosts import Host
from virtlab.core.report import build_report
from virtlab.core.state import Datacenter
from virtlab.core.storage.models import Datastore, Provisioning, VirtualDisk


def _dc(provisioning: Provisioning = Provisioning.THICK_LAZY) -> Datacenter:
    return Datacenter.of(
        hosts=(Host(name="h", hypervisor="esxi", cores_per_socket=8, memory_mib=65536),),
        datastores=(Datastore(name="ds", capacity_gib=500),),
        vms=(VM(name="vm", host="h", vcpus=2, memory_mib=4096,
                disks=(VirtualDisk(size_gib=100, provisioning=provisioning, datastore="ds", written_gib=40),)),),
    )


def _ds(dc: Datacenter):
    return build_report(dc).datastores[0]


def test_writes_after_a_snapshot_land_in_the_delta_and_base_stays_read_only() -> None:
    dc = apply(apply(_dc(), TakeSnapshot(name="vm")), Write(name="vm", gib=10))
    disk = dc.compute.vm_index["vm"].disks[0]
    assert disk.written_gib == 40
    assert disk.snapshots[-1].delta_gib == 10
    assert _ds(dc).allocated_gib == 100 + 10  # thick base + delta


def test_a_delta_grows_at_most_to_the_disk_size() -> None:
    dc = apply(apply(_dc(), TakeSnapshot(name="vm")), Write(name="vm", gib=1000))
    assert dc.compute.vm_index["vm"].disks[0].snapshots[-1].delta_gib == 100
    assert _ds(dc).worst_case_gib == 200


def test_revert_discards_changes_but_keeps_the_snapshot() -> None:
    dc = apply(apply(apply(_dc(), TakeSnapshot(name="vm")), Write(name="vm", gib=10)), Revert(name="vm"))
    disk = dc.compute.vm_index["vm"].disks[0]
    assert len(disk.snapshots) == 1 and disk.snapshots[0].delta_gib == 0
    assert disk.written_gib == 40


def test_consolidate_merges_deltas_into_the_base() -> None:
    dc = apply(apply(apply(_dc(Provisioning.THIN), TakeSnapshot(name="vm")), Write(name="vm", gib=10)), Consolidate(name="vm"))
    disk = dc.compute.vm_index["vm"].disks[0]
    assert disk.snapshots == () and disk.written_gib == 50
    assert _ds(dc).allocated_gib == 50


def test_time_ages_snapshots_and_backups() -> None:
    dc = apply(apply(apply(_dc(), TakeSnapshot(name="vm")), Backup(name="vm")), Advance(hours=73))
    vm = dc.compute.vm_index["vm"]
    assert vm.disks[0].snapshots[0].age_h == 73 and vm.backup_age_h == 73 and dc.clock_h == 73
    assert _ds(dc).oldest_snapshot_h == 73


def test_a_snapshot_is_not_a_backup() -> None:
    dc = apply(apply(_dc(), TakeSnapshot(name="vm")), Fail(name="vm", fault="disk-lost"))
    for action in (Revert(name="vm"), Repair(name="vm"), Restore(name="vm")):
        with pytest.raises(Refused):
            apply(dc, action)
    assert build_report(dc).workload("vm").status == "crashed"


def test_a_backup_restores_a_lost_base_disk() -> None:
    dc = apply(apply(_dc(), Backup(name="vm")), Fail(name="vm", fault="disk-lost"))
    dc = apply(dc, Restore(name="vm"))
    vm = dc.compute.vm_index["vm"]
    assert not vm.disks[0].lost and build_report(dc).workload("vm").status == "running"


def test_a_full_datastore_stops_a_vm_with_a_growing_delta() -> None:
    dc = _dc()
    dc = dc.with_datastores((Datastore(name="ds", capacity_gib=120),))
    dc = apply(apply(dc, TakeSnapshot(name="vm")), Write(name="vm", gib=30))
    usage = _ds(dc)
    assert usage.full and usage.stopped_vms == ["vm"]
