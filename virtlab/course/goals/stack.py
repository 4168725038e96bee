"""Goal checks on the storage stack and on datastores as promised capacity: thin overcommit,
virtual disk formats, LVM volumes and thin pools, and a Ceph pool's PG count and its
survival of every single failure of a kind (the checker names the counterexample).

Words: the ``goal.stack.*`` keys of ``strings/{en,ko}-storage.toml``.
"""

from __future__ import annotations

from typing import Any, Literal

from virtlab.core.actions import apply
from virtlab.core.report import Report, build_report
from virtlab.core.state import Datacenter
from virtlab.core.storage.actions import StorageFail
from virtlab.core.storage.ceph import MON_MAX_PG_PER_OSD, CephCluster, Pool, pg_count
from virtlab.core.storage.models import Provisioning
from virtlab.course.goals.fields import DatastoreRef, LvmMib, NonNeg, Percent, StorageRef, VmRef
from virtlab.course.goals.registry import CheckSpec, GoalParams, Qty, Verdict, fail, ok

__all__ = ["CHECKS"]


class DatastoreOvercommitMax(GoalParams):
    datastore: DatastoreRef
    max_pct: NonNeg
    """Promised (every disk's size) ÷ capacity, at most this %: 150."""


def datastore_overcommit_max(dc: Datacenter, report: Report, p: DatastoreOvercommitMax) -> Verdict:
    """A datastore promises at most ``max_pct`` % of its capacity to its disks (thin disks
    may promise more than it holds; the rest is a bet on what is never written)."""
    d = next((x for x in report.datastores if x.name == p.datastore), None)
    if d is None:
        return fail("goal.no_datastore", name=p.datastore)
    pct = 100 * d.provisioned_gib / d.capacity_gib
    if pct > p.max_pct + 1e-9:
        return fail("goal.stack.overcommit", ds=d.name, pct=pct, max=p.max_pct,
                    promised=Qty(d.provisioned_gib, "gib"), capacity=Qty(d.capacity_gib, "gib"))
    return ok("goal.stack.overcommit_ok", ds=d.name, pct=pct)


class DiskFormat(GoalParams):
    vm: VmRef
    provisioning: Provisioning
    """thin, thick-lazy or thick-eager (a shared-disk cluster needs eager-zeroed thick)."""


def disk_format(dc: Datacenter, report: Report, p: DiskFormat) -> Verdict:
    """Every disk of ``vm`` has this format."""
    vm = dc.compute.vm_index.get(p.vm)
    if vm is None:
        return fail("goal.missing", name=p.vm)
    for i, disk in enumerate(vm.disks, 1):
        if disk.provisioning is not p.provisioning:
            return fail("goal.stack.format", vm=vm.name, n=i, got=disk.provisioning.value, want=p.provisioning.value)
    return ok("goal.stack.format_ok", vm=vm.name, want=p.provisioning.value)


class LvSizeMin(GoalParams):
    lv: StorageRef
    size: LvmMib
    """As lvcreate reads it: "15G" is 15 GiB."""


def lv_size_min(dc: Datacenter, report: Report, p: LvSizeMin) -> Verdict:
    """An LV (or thin pool) is at least ``size``."""
    lv = dc.storage.stack.volume(p.lv)
    if lv is None:
        return fail("goal.stack.no_lv", name=p.lv)
    if lv.size_mib + 1e-9 < p.size:
        return fail("goal.stack.lv_small", lv=lv.name, has=Qty(lv.size_mib, "mib"), want=Qty(p.size, "mib"))
    return ok("goal.stack.lv_ok", lv=lv.name, has=Qty(lv.size_mib, "mib"))


class ThinPoolDataMax(GoalParams):
    pool: StorageRef
    max_pct: Percent


def thin_pool_data_max(dc: Datacenter, report: Report, p: ThinPoolDataMax) -> Verdict:
    """A thin pool's data use stays at most ``max_pct`` %, and no write to it has failed
    (a write that failed on a full pool may have damaged a file system)."""
    stack = report.storage_stack
    pool = stack.thin_pools.get(p.pool) if stack else None
    if pool is None:
        return fail("goal.stack.no_lv", name=p.pool)
    failed = sum(v.failed_mib for v in dc.storage.stack.thin_volumes if v.pool == p.pool)
    if failed > 0:
        return fail("goal.stack.writes_failed", pool=p.pool, failed=Qty(failed, "mib"))
    if pool.use.data_pct > p.max_pct + 1e-9:
        return fail("goal.stack.pool_full", pool=p.pool, pct=pool.use.data_pct, max=p.max_pct)
    return ok("goal.stack.pool_ok", pool=p.pool, pct=pool.use.data_pct)


class CephSurvives(GoalParams):
    pool: StorageRef
    kind: Literal["osd", "ceph_host"] = "ceph_host"
    """Which single failures to try: every OSD, or every Ceph host."""


def ceph_survives(dc: Datacenter, report: Report, p: CephSurvives) -> Verdict:
    """Every placement group of ``pool`` stays active (keeps client I/O) after *any* single
    failure of ``kind``: each is tried in turn; the first that stops I/O is the
    counterexample."""
    cluster = dc.storage.stack.ceph
    if cluster is None or all(x.name != p.pool for x in cluster.pools):
        return fail("goal.stack.no_pool", name=p.pool)
    targets = sorted({o.name if p.kind == "osd" else o.host for o in cluster.osds if o.up})
    for target in targets:
        after = build_report(apply(dc, StorageFail(name=target))).storage_stack
        assert after is not None and after.ceph is not None
        stuck = after.ceph.pools[p.pool].inactive_pgs
        if stuck:
            return fail("goal.stack.ceph_stuck", pool=p.pool, target=target, n=len(stuck))
    return ok("goal.stack.ceph_survives", pool=p.pool, n=len(targets))


def _ceph_pool(dc: Datacenter, name: str) -> tuple[CephCluster | None, Pool | None]:
    """The cluster and its pool named ``name`` (None where there is none)."""
    cluster = dc.storage.stack.ceph
    return cluster, next((x for x in cluster.pools if x.name == name), None) if cluster else None


class CephRedundancy(GoalParams):
    pool: StorageRef
    size: int = 3
    """At least this many copies (Ceph's default: 3)."""
    min_size: int = 2
    """And client I/O only while at least this many are up (default 2: never a single copy)."""


def ceph_redundancy(dc: Datacenter, report: Report, p: CephRedundancy) -> Verdict:
    """A replicated pool keeps at least ``size`` copies and takes writes only while
    ``min_size`` are up: Ceph's defaults 3/2 (min_size 1 lets one surviving copy take
    writes, which the Ceph docs warn can lose data)."""
    cluster, pool = _ceph_pool(dc, p.pool)
    if pool is None:
        return fail("goal.stack.no_pool", name=p.pool)
    if pool.width < p.size or pool.min_active < p.min_size:
        return fail("goal.stack.redundancy", pool=pool.name, size=pool.width, min_size=pool.min_active,
                    want_size=p.size, want_min=p.min_size)
    return ok("goal.stack.redundancy_ok", pool=pool.name, size=pool.width, min_size=pool.min_active)


class CephPgRule(GoalParams):
    pool: StorageRef
    share: Percent = 100.0
    """The share of the cluster's data this pool is expected to hold, in %."""


def ceph_pg_rule(dc: Datacenter, report: Report, p: CephPgRule) -> Verdict:
    """``pool``'s PG count is the calculator's (≈ 100 per OSD × OSDs × share ÷ size, to a
    power of two), and no OSD holds more than ``mon_max_pg_per_osd`` (250) PG shards."""
    cluster, pool = _ceph_pool(dc, p.pool)
    if cluster is None or pool is None or report.storage_stack is None or report.storage_stack.ceph is None:
        return fail("goal.stack.no_pool", name=p.pool)
    osds = sum(1 for o in cluster.osds if o.marked_in)
    if osds == 0:
        return fail("goal.stack.no_osds", pool=pool.name)
    want = pg_count(osds, pool.width, p.share / 100)
    if pool.pgs != want:
        return fail("goal.stack.pg_count", pool=pool.name, pgs=pool.pgs, want=want, osds=osds, size=pool.width)
    worst = max(report.storage_stack.ceph.pgs_per_osd.values(), default=0)
    if worst > MON_MAX_PG_PER_OSD:
        return fail("goal.stack.pg_per_osd", pool=pool.name, n=worst, max=MON_MAX_PG_PER_OSD)
    return ok("goal.stack.pg_ok", pool=pool.name, pgs=pool.pgs)


CHECKS: tuple[CheckSpec[Any], ...] = (
    CheckSpec("datastore_overcommit_max", DatastoreOvercommitMax, datastore_overcommit_max),
    CheckSpec("disk_format", DiskFormat, disk_format),
    CheckSpec("lv_size_min", LvSizeMin, lv_size_min),
    CheckSpec("thin_pool_data_max", ThinPoolDataMax, thin_pool_data_max),
    CheckSpec("ceph_survives", CephSurvives, ceph_survives),
    CheckSpec("ceph_pg_rule", CephPgRule, ceph_pg_rule),
    CheckSpec("ceph_redundancy", CephRedundancy, ceph_redundancy),
)
