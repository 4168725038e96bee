"""The storage stack below the datastores: physical disks, RAID groups, LVM (physical
volumes, volume groups, linear and thin logical volumes) and a Ceph-like cluster, as one
frozen model, and its report — for every structure raw, usable, promised and written
capacity, the overcommit ratio, the failures it survives and its state.

The arithmetic and its sources are in :mod:`.raid`, :mod:`.lvm` and :mod:`.ceph`; this
module only ties the structures together (a PV sits on a disk or a RAID group, a VG on PVs,
an LV or thin pool in a VG, thin volumes in a pool).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from pydantic import Field

from virtlab.core.base import Frozen, Name, NonNegFloat, PositiveFloat
from virtlab.core.storage import lvm, raid, san
from virtlab.core.storage.ceph import CephCluster, ClusterReport, cluster_report

__all__ = ["BackendReport", "LogicalVolume", "PhysicalVolume", "StackReport", "StorageStack", "ThinPool",
           "ThinVolume", "VolumeGroup", "stack_report"]

#: 1 TB (10¹² bytes) in MiB.
TB_MIB = 1e12 / 2**20


class PhysicalVolume(Frozen):
    """An LVM PV on a disk or a RAID group (``on`` names either), or on a partition or LUN
    of ``size_mib``."""

    name: Name
    on: Name | None = None
    size_mib: PositiveFloat | None = None


class VolumeGroup(Frozen):
    name: Name
    pvs: tuple[Name, ...] = Field(min_length=1)
    extent_mib: PositiveFloat = lvm.DEFAULT_EXTENT_MIB


class LogicalVolume(Frozen):
    """A linear LV (its file system grows with it when it is extended online)."""

    name: Name
    vg: Name
    size_mib: PositiveFloat
    used_mib: NonNegFloat = 0.0


class ThinPool(Frozen):
    name: Name
    vg: Name
    size_mib: PositiveFloat
    autoextend_threshold: float = Field(100.0, ge=50, le=100)  # lvm.conf default: off
    autoextend_percent: float = Field(20.0, ge=0, le=100)
    error_when_full: bool = False


class ThinVolume(Frozen):
    name: Name
    pool: Name
    virtual_mib: PositiveFloat
    written_mib: NonNegFloat = 0.0
    #: Writes that failed because the pool was full (its file system may be damaged).
    failed_mib: NonNegFloat = 0.0


class StorageStack(Frozen):
    disks: tuple[raid.PhysicalDisk, ...] = ()
    raid_groups: tuple[raid.RaidGroup, ...] = ()
    pvs: tuple[PhysicalVolume, ...] = ()
    vgs: tuple[VolumeGroup, ...] = ()
    lvs: tuple[LogicalVolume, ...] = ()
    thin_pools: tuple[ThinPool, ...] = ()
    thin_volumes: tuple[ThinVolume, ...] = ()
    ceph: CephCluster | None = None
    # SAN and NAS back ends of datastores (:mod:`.san`)
    arrays: tuple[san.Array, ...] = ()
    fabrics: tuple[san.Fabric, ...] = ()
    paths: tuple[san.Path, ...] = ()
    luns: tuple[san.Lun, ...] = ()
    shares: tuple[san.Share, ...] = ()

    def evolve(self, **changes: object) -> StorageStack:
        """A new stack with ``changes`` and fresh indexes (never ``model_copy``)."""
        values = {name: getattr(self, name) for name in type(self).model_fields}
        values.update(changes)
        return type(self).model_construct(**values)

    @property
    def empty(self) -> bool:
        return not (self.disks or self.raid_groups or self.pvs or self.vgs or self.thin_pools
                    or self.ceph is not None or self.arrays or self.luns or self.shares)

    @cached_property
    def names(self) -> frozenset[str]:
        """Every named object in the stack (Ceph pools included)."""
        found = {*(x.name for x in self.disks), *(x.name for x in self.raid_groups),
                 *(x.name for x in self.pvs), *(x.name for x in self.vgs), *(x.name for x in self.lvs),
                 *(x.name for x in self.thin_pools), *(x.name for x in self.thin_volumes),
                 *(x.name for x in self.arrays), *(x.name for x in self.fabrics), *(x.name for x in self.paths),
                 *(x.name for x in self.luns), *(x.name for x in self.shares)}
        if self.ceph is not None:
            found |= {p.name for p in self.ceph.pools}
        return frozenset(found)

    def volume(self, name: str) -> LogicalVolume | ThinPool | None:
        """The linear LV or thin pool named ``name`` (both take extents from a VG)."""
        found: list[LogicalVolume | ThinPool] = [x for x in self.lvs if x.name == name]
        return found[0] if found else next((x for x in self.thin_pools if x.name == name), None)

    @cached_property
    def disk_index(self) -> dict[str, raid.PhysicalDisk]:
        return {d.name: d for d in self.disks}

    @cached_property
    def raid_index(self) -> dict[str, raid.RaidGroup]:
        return {g.name: g for g in self.raid_groups}

    @cached_property
    def san_view(self) -> san.SanView:
        """The arrays, fabrics, paths, RAID groups and disks a SAN reach or trace reads."""
        return san.SanView({a.name: a for a in self.arrays}, {f.name: f for f in self.fabrics},
                           self.paths, self.raid_index, self.disk_index)

    @cached_property
    def rbd_backings(self) -> dict[str, str]:
        """Datastore name → the Ceph pool whose RBD images hold its disks."""
        pools = self.ceph.pools if self.ceph is not None else ()
        return {p.datastore: p.name for p in pools if p.datastore is not None}

    @cached_property
    def cluster(self) -> ClusterReport | None:
        """The Ceph cluster's report (computed once per stack)."""
        return cluster_report(self.ceph) if self.ceph is not None else None

    @cached_property
    def backings(self) -> dict[str, san.Backing]:
        """Datastore name → the LUN or NFS share it sits on."""
        out: dict[str, san.Backing] = {}
        backs: tuple[san.Backing, ...] = (*self.luns, *self.shares)
        for b in backs:
            if b.datastore is not None:
                out[b.datastore] = b
        return out


@dataclass(frozen=True, slots=True)
class RaidReport:
    name: str
    level: str
    raw_tb: float
    usable_tb: float
    survives: int
    state: raid.RaidState


@dataclass(frozen=True, slots=True)
class VgReport:
    name: str
    extents: int
    free_extents: int
    extent_mib: float


@dataclass(frozen=True, slots=True)
class PoolReport:
    name: str
    vg: str
    use: lvm.ThinPoolUse
    size_after_autoextend_mib: float


@dataclass(frozen=True, slots=True)
class BackendReport:
    """A datastore on a LUN (VMFS, block) or an NFS share (file): the array and the RAID
    group below it, how each host it is presented to reaches it, and the chain down to the
    physical disks."""

    datastore: str
    fs: str  # vmfs (the hosts format the LUN) or nfs (the array's file system)
    backing: str
    protocol: str
    array: str
    group: str
    size_tb: float
    group_usable_tb: float
    reach: tuple[san.Reach, ...]
    trace: tuple[san.Hop, ...]

    def reach_from(self, host: str) -> san.Reach | None:
        return next((r for r in self.reach if r.host == host), None)


@dataclass(frozen=True, slots=True)
class StackReport:
    raid: dict[str, RaidReport]
    vgs: dict[str, VgReport]
    thin_pools: dict[str, PoolReport]
    ceph: ClusterReport | None
    backends: dict[str, BackendReport]


def _device_mib(stack: StorageStack, name: str) -> float:
    """The size a PV sees: a disk's, or a RAID group's usable capacity (0 if it failed)."""
    if name in stack.raid_index:
        g = stack.raid_index[name]
        if raid.raid_state(g, stack.disk_index) is raid.RaidState.FAILED:
            return 0.0
        return raid.usable_tb(g.level, [stack.disk_index[d].size_tb for d in g.disks if d in stack.disk_index]
                              or [0.0]) * TB_MIB
    disk = stack.disk_index.get(name)
    return disk.size_tb * TB_MIB if disk is not None and disk.state is raid.DiskState.OK else 0.0


def stack_report(stack: StorageStack) -> StackReport:
    raids = {}
    for g in stack.raid_groups:
        sizes = [stack.disk_index[d].size_tb for d in g.disks if d in stack.disk_index]
        raids[g.name] = RaidReport(g.name, g.level.value, sum(sizes),
                                   raid.usable_tb(g.level, sizes) if sizes else 0.0,
                                   raid.survives(g.level, len(g.disks)),
                                   raid.raid_state(g, stack.disk_index))
    pv_mib = {p.name: p.size_mib if p.size_mib is not None else _device_mib(stack, p.on or "")
              for p in stack.pvs}
    vgs = {}
    for vg in stack.vgs:
        total = lvm.vg_extents([pv_mib.get(p, 0.0) for p in vg.pvs], vg.extent_mib)
        used = sum(lvm.lv_extents(lv.size_mib, vg.extent_mib) for lv in stack.lvs if lv.vg == vg.name)
        used += sum(lvm.lv_extents(tp.size_mib, vg.extent_mib) for tp in stack.thin_pools if tp.vg == vg.name)
        vgs[vg.name] = VgReport(vg.name, total, total - used, vg.extent_mib)
    pools = {}
    for tp in stack.thin_pools:
        vols = [(v.virtual_mib, v.written_mib) for v in stack.thin_volumes if v.pool == tp.name]
        use = lvm.thin_pool_use(tp.size_mib, vols, error_when_full=tp.error_when_full)
        home = vgs.get(tp.vg)
        free = home.free_extents * home.extent_mib if home else 0.0
        grown, _ = lvm.autoextend(tp.size_mib, use.data_used_mib, free,
                                  threshold_pct=tp.autoextend_threshold, percent=tp.autoextend_percent)
        pools[tp.name] = PoolReport(tp.name, tp.vg, use, grown)
    return StackReport(raids, vgs, pools, stack.cluster, backend_reports(stack))


def backend_reports(stack: StorageStack) -> dict[str, BackendReport]:
    """Every datastore that sits on a LUN or a share, by datastore name."""
    view = stack.san_view
    out = {}
    for ds, b in stack.backings.items():
        out[ds] = BackendReport(ds, b.fs, b.name, b.protocol, b.array, b.group, b.size_tb,
                                san.backing_usable_tb(view, b.group),
                                tuple(san.backing_reach(view, b, h) for h in b.hosts),
                                san.trace_backing(view, ds, b))
    for ds, pool in stack.rbd_backings.items():
        out[ds] = rbd_report(stack, ds, pool)
    return out


def rbd_state(stack: StorageStack, pool: str) -> san.ReachState:
    """An RBD datastore's state for every client: an image is striped over all the pool's
    PGs, so one inactive PG (or no MON quorum) stops its I/O; a degraded PG degrades it."""
    c = stack.cluster
    if c is None or pool not in c.pools:
        return san.ReachState.APD
    p = c.pools[pool]
    if p.inactive_pgs or not c.quorum:
        return san.ReachState.APD
    return san.ReachState.OK if set(p.pgs) == {"active+clean"} else san.ReachState.DEGRADED


def rbd_report(stack: StorageStack, ds: str, pool: str) -> BackendReport:
    """A datastore of RBD images in a Ceph pool: block storage the hosts map (no array, no
    RAID: the pool's copies are its redundancy); the trace ends at the OSDs' disks."""
    assert stack.ceph is not None and stack.cluster is not None
    state = rbd_state(stack, pool)
    why = "" if state is san.ReachState.OK else "pgs_inactive" if state is san.ReachState.APD else "pgs_degraded"
    usable = stack.cluster.pools[pool].usable_tb
    osds = tuple(san.Hop("disk", o.name, "ok" if o.up else "failed", f"{o.size_tb:g} TB on {o.host}")
                 for o in stack.ceph.osds if o.marked_in)
    trace = (san.Hop("datastore", ds, "rbd"), san.Hop("pool", pool, "rbd", f"{usable:.1f} TB"),
             san.Hop("cluster", stack.ceph.name, state.value), *osds)
    return BackendReport(ds, "rbd", pool, "rbd", stack.ceph.name, pool, usable, usable,
                         (san.Reach("*", 0, 0, state, why),), trace)
