"""Goal checks on SAN and NAS back ends and on usable capacity: a datastore stays
reachable from every host it is presented to after any single fault of the given kinds
(the checker names the counterexample and the workloads that would lose their disk), no
single fault takes a disk from the workloads named (read from the storage blast radius), a
VM's disks sit on block storage (a VMFS datastore, not an NFS share), and something with a
capacity — a RAID group, VG, LV, thin pool, Ceph pool, LUN, share or datastore — gives at
least so much *usable* space (not raw: RAID parity, mirrors and Ceph replicas take theirs).

Words: the ``goal.san.*`` keys of ``strings/{en,ko}-storage.toml``.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from virtlab.core.report import Report
from virtlab.core.state import Datacenter
from virtlab.core.storage import blast
from virtlab.core.storage.san import Lun, Share
from virtlab.course.goals.fields import Bytes, CapacityRef, DatastoreRef, VmRef, WorkloadRef
from virtlab.course.goals.registry import CheckSpec, GoalParams, Listed, Verdict, fail, msg, ok

__all__ = ["CHECKS"]

TB = 1e12
MIB = 2.0**20
GIB = 2.0**30


class DatastoreSurvives(GoalParams):
    datastore: DatastoreRef
    kinds: tuple[blast.FaultKind, ...] = Field(("path", "fabric"), min_length=1)
    """Which single faults to try: array, fabric, path, raid (a whole RAID group), disk."""


def datastore_survives(dc: Datacenter, report: Report, p: DatastoreSurvives) -> Verdict:
    """Every host ``datastore``'s LUN or share is presented to still uses it after *any*
    single fault of ``kinds`` (multipathing keeps a LUN while one path is up): each is tried
    in turn; the first that cuts a host off is the counterexample."""
    stack = dc.storage.stack
    if p.datastore not in stack.backings and p.datastore not in stack.rbd_backings:
        return fail("goal.san.no_backing", ds=p.datastore)
    cut = blast.survives_every(stack, p.datastore, p.kinds)
    if cut is None:
        n = len(blast.faults_under(stack, [p.datastore], p.kinds))
        return ok("goal.san.survives", ds=p.datastore, n=n)
    victims = tuple(vm.name for vm, _ in dc.compute.disks_by_datastore.get(p.datastore, [])
                    if cut.host in (vm.host, "*"))
    host = msg("goal.san.every_host") if cut.host == "*" else cut.host
    who = Listed(tuple(dict.fromkeys(victims)), msg("goal.san.no_vm"))
    why = msg(f"goal.san.why.{cut.why}")
    if cut.fault is None:
        return fail("goal.san.cut_now", ds=p.datastore, host=host, why=why, vms=who)
    kind, _, name = cut.fault.partition(":")
    return fail("goal.san.cut", ds=p.datastore, host=host, kind=msg(f"goal.san.kind.{kind}"), name=name,
                why=why, vms=who)


class DisksSurvive(GoalParams):
    kinds: tuple[blast.FaultKind, ...] = Field(("array", "fabric", "path", "raid", "disk"), min_length=1)
    """Which single faults under the datastores to try (default: every kind)."""
    workloads: tuple[WorkloadRef, ...] = ()
    """The workloads that must keep their disks (default: every workload)."""


def disks_survive(dc: Datacenter, report: Report, p: DisksSurvive) -> Verdict:
    """No single fault of ``kinds`` under the SAN/NAS datastores takes a disk from any of
    ``workloads``: the storage blast radius is read fault by fault, and the first that
    stops one of them is the counterexample (with everyone it stops)."""
    wanted = set(p.workloads)
    tried = 0
    for b in report.storage_blast:
        kind, _, name = b.fault.partition(":")
        if kind not in p.kinds:
            continue
        tried += 1
        hit = [w for w in b.lose_disk if not wanted or w in wanted]
        if hit:
            return fail("goal.san.disks_lost", kind=msg(f"goal.san.kind.{kind}"), name=name,
                        vms=Listed(tuple(hit), msg("goal.san.no_vm")))
    return ok("goal.san.disks_kept", n=tried)


class DiskOnBlock(GoalParams):
    vm: VmRef


def disk_on_block(dc: Datacenter, report: Report, p: DiskOnBlock) -> Verdict:
    """Every disk of ``vm`` is on block storage — a VMFS datastore on a LUN or a local disk —
    not on an NFS share (a shared-disk failover cluster needs block storage: VMware, "Setup
    for Windows Server Failover Clustering" supports its shared disks on VMFS or RDM, not
    on NFS)."""
    vm = dc.compute.vm_index.get(p.vm)
    if vm is None:
        return fail("goal.missing", name=p.vm)
    for i, disk in enumerate(vm.disks, 1):
        b = dc.storage.stack.backings.get(disk.datastore)
        if isinstance(b, Share):
            return fail("goal.san.on_file", vm=vm.name, n=i, ds=disk.datastore, share=b.name, array=b.array)
    return ok("goal.san.on_block", vm=vm.name)


class UsableMin(GoalParams):
    name: CapacityRef
    min: Bytes
    """At least this much usable space: "26 TB" (decimal) or "10 GiB" (binary)."""


def _usable(dc: Datacenter, report: Report, name: str) -> tuple[float, float | None] | None:
    """(usable bytes, raw bytes or None) of ``name``, or None when it has no capacity."""
    stack = dc.storage.stack
    sr = report.storage_stack
    if sr is not None:
        if name in sr.raid:
            g = sr.raid[name]
            return g.usable_tb * TB, g.raw_tb * TB
        if name in sr.vgs:
            vg = sr.vgs[name]
            return vg.extents * vg.extent_mib * MIB, None
        if name in sr.thin_pools:
            return sr.thin_pools[name].use.size_mib * MIB, None
        if sr.ceph is not None and name in sr.ceph.pools:
            return sr.ceph.pools[name].usable_tb * TB, sr.ceph.raw_tb * TB
    lv = next((x for x in stack.lvs if x.name == name), None)
    if lv is not None:
        return lv.size_mib * MIB, None
    backs: tuple[Lun | Share, ...] = (*stack.luns, *stack.shares)
    back = next((b for b in backs if b.name == name), None)
    if back is not None:
        return back.size_tb * TB, None
    ds = dc.storage.datastore_index.get(name)
    if ds is not None:
        return ds.capacity_gib * GIB, None
    return None


def usable_min(dc: Datacenter, report: Report, p: UsableMin) -> Verdict:
    """``name`` gives at least ``min`` of usable space: a RAID group's after parity or
    mirrors, a Ceph pool's raw ÷ size (or × k/(k+m)), a VG's extents, an LV's, a thin
    pool's, a LUN's or share's size, a datastore's capacity."""
    found = _usable(dc, report, p.name)
    if found is None:
        return fail("goal.san.no_capacity", name=p.name)
    usable, raw = found
    args: dict[str, Any] = {"name": p.name, "usable": f"{usable / TB:.2f} TB", "want": f"{p.min / TB:.2f} TB"}
    if usable + 1e-6 < p.min:
        if raw is not None:
            return fail("goal.san.usable_short_raw", raw=f"{raw / TB:.2f} TB", **args)
        return fail("goal.san.usable_short", **args)
    return ok("goal.san.usable_ok", **args)


CHECKS: tuple[CheckSpec[Any], ...] = (
    CheckSpec("datastore_survives", DatastoreSurvives, datastore_survives),
    CheckSpec("disk_on_block", DiskOnBlock, disk_on_block),
    CheckSpec("disks_survive", DisksSurvive, disks_survive),
    CheckSpec("usable_min", UsableMin, usable_min),
)
