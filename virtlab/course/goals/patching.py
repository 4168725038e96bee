"""Goal checks on a patch and its protection, judged over what the student did (the
:class:`~virtlab.course.goals.registry.History`), not only the state at the end.

The practice they judge (vSphere "Using snapshots to manage virtual machines", VMware KB
1025279; the lesson *VM lifecycle*): take a snapshot just before a change, write the change
into its delta, revert if the change breaks the guest, consolidate when it is good — and
keep a backup, a copy off the datastore, newer than the last change, because a snapshot
dies with its base disk. So "committed" means *which* data is in the base disk: the patch,
kept (not reverted, not lost to an older backup), on a guest that did not crash under it,
with the changes that were already in an old snapshot merged, not thrown away.

Words: the ``goal.patch.*`` and ``goal.survives_disk_loss.*`` keys of
``strings/{en,ko}-goals.toml`` and ``strings/{en,ko}-work.toml``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from virtlab.core.actions import apply
from virtlab.core.base import Refused
from virtlab.core.compute.actions import Fail
from virtlab.core.compute.lifecycle import Backup, Consolidate, Restore, Revert, TakeSnapshot, Write
from virtlab.core.compute.models import VM, WorkloadStatus
from virtlab.core.report import Report
from virtlab.core.state import Datacenter
from virtlab.course.goals.fields import Gib, Hours, VmRef
from virtlab.course.goals.registry import (
    GoalParams,
    History,
    HistorySpec,
    Qty,
    Refusal,
    Verdict,
    fail,
    msg,
    ok,
)

__all__ = ["CHECKS", "Lineage", "lineage"]

#: Faults that crash the guest (a broken patch shows as one).
_GUEST_CRASHES = (None, "guest-panic", "crash")


@dataclass(slots=True)
class _Write:
    gib: float
    step: int
    snapshot: str | None  # the delta it went into, or None: straight onto the base disk
    broken: bool = False  # the guest crashed while this write was not yet committed


@dataclass(slots=True)
class Lineage:
    """What became of the data written to one VM's disk, step by step."""

    kept: list[_Write] = field(default_factory=list)
    written: int = 0
    #: Writes made with no snapshot under them, or on a snapshot older than the lab.
    unprotected: list[int] = field(default_factory=list)
    on_old_snapshot: list[tuple[int, str]] = field(default_factory=list)
    #: Changes that were in a pre-existing snapshot's delta and a revert threw away.
    discarded_old: list[tuple[str, float]] = field(default_factory=list)
    #: Writes lost by restoring from a backup older than them.
    lost_to_restore: float = 0.0
    committed_broken: bool = False
    last_change: int = -1  # step of the last write, revert or restore
    last_backup: int = -1  # step of the last backup (-1: none in the lab, or the start's)

    @property
    def in_base(self) -> float:
        return sum(w.gib for w in self.kept if w.snapshot is None)

    @property
    def in_delta(self) -> float:
        return sum(w.gib for w in self.kept if w.snapshot is not None)


def _top(vm: VM | None) -> str | None:
    if vm is None or not vm.disks or not vm.disks[0].snapshots:
        return None
    return vm.disks[0].snapshots[-1].name


def lineage(history: History, name: str) -> Lineage:
    """Walk the steps since the last reset and follow ``name``'s data through writes,
    reverts, consolidations, crashes, backups and restores."""
    start_vm = history.start.compute.vm_index.get(name)
    old = {s.name: s.delta_gib for s in start_vm.disks[0].snapshots} if start_vm and start_vm.disks else {}
    out = Lineage()
    for i, (before, action, _after) in enumerate(history.transitions()):
        if getattr(action, "name", None) != name:
            continue
        vm = before.compute.vm_index.get(name)
        top = _top(vm)
        if isinstance(action, Write):
            out.written += 1
            out.last_change = i
            out.kept.append(_Write(action.gib, i, top))
            if top is None:
                out.unprotected.append(i)
            elif top in old:
                out.on_old_snapshot.append((i, top))
        elif isinstance(action, Revert) and top is not None:
            out.last_change = i
            out.kept = [w for w in out.kept if w.snapshot != top]
            if old.get(top, 0.0) > 0:
                out.discarded_old.append((top, old[top]))
                old[top] = 0.0
        elif isinstance(action, Consolidate):
            out.committed_broken |= any(w.broken and w.snapshot is not None for w in out.kept)
            for w in out.kept:
                w.snapshot = None
            old.clear()
        elif isinstance(action, Fail) and action.fault in _GUEST_CRASHES:
            for w in out.kept:
                w.broken = w.broken or w.snapshot is not None or w.step in out.unprotected
        elif isinstance(action, Backup):
            out.last_backup = i
        elif isinstance(action, Restore):
            out.last_change = i
            lost = [w for w in out.kept if w.step > out.last_backup]
            out.lost_to_restore += sum(w.gib for w in lost)
            out.kept = [w for w in out.kept if w.step <= out.last_backup]
            # The backup held the patch as it was: a broken one comes back broken, and in the base.
            out.committed_broken |= any(w.broken for w in out.kept)
            for w in out.kept:
                w.snapshot = None
        elif isinstance(action, TakeSnapshot):
            pass
    return out


class Patch(GoalParams):
    vm: VmRef
    gib: Gib
    """The size of the patch: "5 GiB"."""


def patch_under_snapshot(history: History, dc: Datacenter, report: Report, p: Patch) -> Verdict:
    """Every write of the patch to ``vm`` went into the delta of a snapshot taken in the
    lab, so there was a way back (not straight onto the base disk, not on top of an old
    snapshot someone left behind)."""
    if p.vm not in dc.compute.vm_index:
        return fail("goal.missing", name=p.vm)
    line = lineage(history, p.vm)
    if not line.written:
        return fail("goal.patch.not_written", vm=p.vm, gib=Qty(p.gib, "gib"))
    if line.unprotected:
        return fail("goal.patch.unprotected", vm=p.vm)
    if line.on_old_snapshot:
        return fail("goal.patch.old_snapshot", vm=p.vm, snapshot=line.on_old_snapshot[0][1])
    return ok("goal.patch.protected", vm=p.vm)


def patch_committed(history: History, dc: Datacenter, report: Report, p: Patch) -> Verdict:
    """The patch (``gib`` written to ``vm``) is in the base disk: kept, consolidated, on a
    guest that runs and did not crash under it, with no older changes thrown away."""
    vm = dc.compute.vm_index.get(p.vm)
    if vm is None or not vm.disks:
        return fail("goal.vm_written_min.no_disk", vm=p.vm)
    line = lineage(history, p.vm)
    if line.discarded_old:
        snap, gib = line.discarded_old[0]
        return fail("goal.patch.discarded_old", vm=p.vm, snapshot=snap, gib=Qty(gib, "gib"))
    if vm.disks[0].lost:
        return fail("goal.vm_written_min.lost", vm=p.vm)
    if line.committed_broken:
        return fail("goal.patch.broken", vm=p.vm)
    if vm.status is not WorkloadStatus.RUNNING:
        return fail("goal.patch.not_running", vm=p.vm,
                    status=msg(f"goal.workloads_run.status.{vm.status.name.lower()}"))
    want = Qty(p.gib, "gib")
    if line.in_base + line.in_delta + 1e-9 < p.gib:
        if line.lost_to_restore:
            return fail("goal.patch.lost_to_restore", vm=p.vm, gib=Qty(line.lost_to_restore, "gib"))
        if line.written:
            return fail("goal.patch.reverted", vm=p.vm, gib=want)
        return fail("goal.patch.not_written", vm=p.vm, gib=want)
    if line.in_base + 1e-9 < p.gib or vm.disks[0].snapshots:
        return fail("goal.patch.in_delta", vm=p.vm)
    return ok("goal.patch.committed", vm=p.vm, gib=Qty(line.in_base, "gib"))


class SurvivesDiskLoss(GoalParams):
    vm: VmRef
    max_h: Hours | None = None
    """The oldest a backup may be (e.g. 24 h); none: any age."""
    since_last_change: bool = True
    """The backup must be newer than the last change made in the lab (a write, a revert)."""


def survives_disk_loss(history: History, dc: Datacenter, report: Report, p: SurvivesDiskLoss) -> Verdict:
    """If ``vm``'s base disk were lost now, could it be brought back as it is? (A backup no
    older than ``max_h``, taken after the last change; then the fault and a restore are
    tried on a copy of the state.)"""
    vm = dc.compute.vm_index.get(p.vm)
    if vm is None:
        return fail("goal.missing", name=p.vm)
    if any(d.lost for d in vm.disks):
        return fail("goal.survives_disk_loss.lost_now", vm=p.vm)
    if vm.backup_age_h is not None and p.max_h is not None and vm.backup_age_h > p.max_h:
        return fail("goal.backup_max_age.old", vm=vm.name, age=vm.backup_age_h, max=p.max_h)
    line = lineage(history, p.vm)
    if vm.backup_age_h is not None and p.since_last_change and line.last_change > line.last_backup:
        return fail("goal.survives_disk_loss.stale", vm=p.vm)
    lost = apply(dc, Fail(name=p.vm, fault="disk-lost"))
    try:
        apply(lost, Restore(name=p.vm))
    except Refused as e:
        return fail("goal.survives_disk_loss.lost", vm=p.vm, reason=Refusal(tuple(e.violations)))
    return ok("goal.survives_disk_loss.restorable", vm=p.vm)


CHECKS: tuple[HistorySpec[Any], ...] = (
    HistorySpec("patch_under_snapshot", Patch, patch_under_snapshot),
    HistorySpec("patch_committed", Patch, patch_committed),
    HistorySpec("survives_disk_loss", SurvivesDiskLoss, survives_disk_loss),
)
