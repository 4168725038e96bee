"""Goal checks on a VM's life now: snapshot age, backups, and what the base disk holds.
(Whether it would survive losing that disk, and which data is committed, are judged over
what was done: :mod:`.patching`.)

Words: the ``goal.*`` keys of ``strings/{en,ko}-goals.toml``.
"""

from __future__ import annotations

from typing import Any

from virtlab.core.report import Report
from virtlab.core.state import Datacenter
from virtlab.course.goals.fields import Gib, Hours, VmRef
from virtlab.course.goals.registry import (
    CheckSpec,
    GoalParams,
    Qty,
    Verdict,
    fail,
    ok,
)

__all__ = ["CHECKS"]


class SnapshotAgeMax(GoalParams):
    max_h: Hours


def snapshot_age_max(dc: Datacenter, report: Report, p: SnapshotAgeMax) -> Verdict:
    """No snapshot older than ``max_h`` hours (a snapshot-age policy, e.g. 72 h)."""
    for vm in dc.compute.vms:
        for snap in (vm.disks[0].snapshots if vm.disks else ()):
            if snap.age_h > p.max_h:
                return fail("goal.snapshot_age_max.old", vm=vm.name, snapshot=snap.name,
                            age=snap.age_h, max=p.max_h)
    return ok("goal.snapshot_age_max.none", max=p.max_h)


class BackupMaxAge(GoalParams):
    vm: VmRef
    max_h: Hours


def backup_max_age(dc: Datacenter, report: Report, p: BackupMaxAge) -> Verdict:
    """``vm`` has a backup no older than ``max_h`` hours."""
    vm = dc.compute.vm_index.get(p.vm)
    if vm is None:
        return fail("goal.missing", name=p.vm)
    if vm.backup_age_h is None:
        return fail("goal.backup_max_age.none", vm=vm.name)
    if vm.backup_age_h > p.max_h:
        return fail("goal.backup_max_age.old", vm=vm.name, age=vm.backup_age_h, max=p.max_h)
    return ok("goal.backup_max_age.met", vm=vm.name, age=vm.backup_age_h)


class VmWrittenMin(GoalParams):
    vm: VmRef
    gib: Gib
    """How much the base disk must hold: "115 GiB"."""


def vm_written_min(dc: Datacenter, report: Report, p: VmWrittenMin) -> Verdict:
    """``vm``'s base disk holds at least ``gib`` written, with no snapshot left on top
    (a change that has been committed: written and consolidated)."""
    vm = dc.compute.vm_index.get(p.vm)
    if vm is None or not vm.disks:
        return fail("goal.vm_written_min.no_disk", vm=p.vm)
    disk = vm.disks[0]
    if disk.lost:
        return fail("goal.vm_written_min.lost", vm=vm.name)
    if disk.snapshots:
        n = len(disk.snapshots)
        key = "snapshot" if n == 1 else "snapshots"
        return fail(f"goal.vm_written_min.{key}", vm=vm.name, n=n)
    has = Qty(disk.written_gib, "gib")
    if disk.written_gib + 1e-9 < p.gib:
        return fail("goal.vm_written_min.short", vm=vm.name, has=has, want=Qty(p.gib, "gib"))
    return ok("goal.vm_written_min.committed", vm=vm.name, has=has)


CHECKS: tuple[CheckSpec[Any], ...] = (
    CheckSpec("snapshot_age_max", SnapshotAgeMax, snapshot_age_max),
    CheckSpec("backup_max_age", BackupMaxAge, backup_max_age),
    CheckSpec("vm_written_min", VmWrittenMin, vm_written_min),
)
