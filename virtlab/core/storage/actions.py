"""Actions on the storage stack: faults and repairs of disks, RAID groups, OSDs, Ceph hosts
and MONs, storage arrays, fabric switches and paths (:mod:`.faults`),
marking an OSD out, growing a VG and an LV online, creating and writing thin volumes, and
changing a Ceph pool. Each is pure ``state → state``; what the real tool refuses is refused
with its numbers (``lvextend``'s "3000 extents requested, vg0 has 2559 free", a pool wider
than the cluster's failure domains). Writes and faults are outcomes, never refused: a thin
write that the pool cannot hold fails and is counted, as on a real full pool.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import Field, ValidationError

from virtlab.core.base import ActionBase, refuse
from virtlab.core.storage import ceph, lvm, raid
from virtlab.core.storage.faults import SanTarget, san_target, set_san
from virtlab.core.storage.stack import (
    LogicalVolume,
    StorageStack,
    ThinVolume,
    stack_report,
)

if TYPE_CHECKING:
    from virtlab.core.state import Datacenter

__all__ = ["ACTIONS"]


def _set(dc: Datacenter, **parts: Any) -> Datacenter:
    """A new state with parts of the stack replaced (built anew: ``model_copy`` would carry
    the stack's cached indexes over)."""
    return dc.with_stack(dc.storage.stack.evolve(**parts))


def _cluster(dc: Datacenter) -> ceph.CephCluster:
    c = dc.storage.stack.ceph
    if c is None:
        raise refuse("no_ceph", "ceph", "this datacenter has no Ceph cluster")
    return c


StorageTarget = Literal["disk", "osd", "ceph_host", "mon"] | SanTarget


def _target(stack: StorageStack, name: str) -> StorageTarget:
    if name in stack.disk_index:
        return "disk"
    found = san_target(stack, name)
    if found is not None:
        return found
    c = stack.ceph
    if c is not None:
        if any(o.name == name for o in c.osds):
            return "osd"
        if any(o.host == name for o in c.osds):
            return "ceph_host"
        if name.startswith("mon.") and name[4:].isdigit() and int(name[4:]) < len(c.mons):
            return "mon"
    raise refuse("unknown_storage", name, f"no disk, RAID group, array, fabric, path, OSD, Ceph host or "
                 f"MON named {name!r}", name=name)


def _ceph_with(dc: Datacenter, up: bool, name: str, what: StorageTarget) -> Datacenter:
    c = _cluster(dc)
    if what == "mon":
        mons = list(c.mons)
        mons[int(name[4:])] = up
        return _set(dc, ceph=c.model_copy(update={"mons": tuple(mons)}))
    osds = tuple(o.model_copy(update={"up": up}) if name in (o.name, o.host) else o for o in c.osds)
    return _set(dc, ceph=c.model_copy(update={"osds": osds}))


class StorageFail(ActionBase):
    """A disk, a whole RAID group, an OSD, a Ceph host, a MON, a storage array, a fabric
    switch or one path fails."""

    kind: Literal["storage_fail"] = "storage_fail"
    refusable: ClassVar[bool] = False
    name: str

    def apply(self, dc: Datacenter) -> Datacenter:
        stack = dc.storage.stack
        what = _target(stack, self.name)
        if what == "disk":
            disks = tuple(d.model_copy(update={"state": raid.DiskState.FAILED}) if d.name == self.name else d
                          for d in stack.disks)
            return _set(dc, disks=disks)
        if (part := san_target(stack, self.name)) is not None:
            return dc.with_stack(set_san(stack, part, self.name, False))
        return _ceph_with(dc, False, self.name, what)

    def describe(self) -> str:
        return f"fail {self.name}"


class StorageRepair(ActionBase):
    """Bring a failed thing back: a failed disk is replaced and rebuilds (a second repair
    finishes the rebuild); an OSD, host or MON comes back up."""

    kind: Literal["storage_repair"] = "storage_repair"
    refusable: ClassVar[bool] = False
    name: str

    def apply(self, dc: Datacenter) -> Datacenter:
        stack = dc.storage.stack
        what = _target(stack, self.name)
        if what == "disk":
            step = {raid.DiskState.FAILED: raid.DiskState.REBUILDING, raid.DiskState.REBUILDING: raid.DiskState.OK}
            disks = tuple(d.model_copy(update={"state": step.get(d.state, d.state)}) if d.name == self.name else d
                          for d in stack.disks)
            return _set(dc, disks=disks)
        if (part := san_target(stack, self.name)) is not None:
            return dc.with_stack(set_san(stack, part, self.name, True))
        return _ceph_with(dc, True, self.name, what)

    def describe(self) -> str:
        return f"repair {self.name}"


class OsdOut(ActionBase):
    """Mark an OSD out (its PGs move to other OSDs) or back in."""

    kind: Literal["osd_out"] = "osd_out"
    name: str
    out: bool = True

    def apply(self, dc: Datacenter) -> Datacenter:
        c = _cluster(dc)
        if not any(o.name == self.name for o in c.osds):
            raise refuse("unknown_storage", self.name, f"no OSD named {self.name!r}", name=self.name)
        osds = tuple(o.model_copy(update={"marked_in": not self.out}) if o.name == self.name else o for o in c.osds)
        return _set(dc, ceph=c.model_copy(update={"osds": osds}))

    def describe(self) -> str:
        return f"mark {self.name} {'out' if self.out else 'in'}"


class VgExtend(ActionBase):
    """``vgextend VG PV``: add a physical volume to a volume group."""

    kind: Literal["vgextend"] = "vgextend"
    vg: str
    pv: str

    def apply(self, dc: Datacenter) -> Datacenter:
        stack = dc.storage.stack
        vg = next((v for v in stack.vgs if v.name == self.vg), None)
        if vg is None:
            raise refuse("unknown_storage", self.vg, f"no VG named {self.vg!r}", name=self.vg)
        if self.pv not in {p.name for p in stack.pvs}:
            raise refuse("unknown_storage", self.pv, f"no PV named {self.pv!r}", name=self.pv)
        owner = next((v.name for v in stack.vgs if self.pv in v.pvs), None)
        if owner is not None:
            raise refuse("pv_in_use", self.pv, f"{self.pv} already belongs to {owner}", pv=self.pv, vg=owner)
        vgs = tuple(v.model_copy(update={"pvs": (*v.pvs, self.pv)}) if v.name == self.vg else v for v in stack.vgs)
        return _set(dc, vgs=vgs)

    def describe(self) -> str:
        return f"add {self.pv} to {self.vg}"


class LvExtend(ActionBase):
    """``lvextend -L SIZE``: grow an LV (its file system grows with it, online) or a thin
    pool, from its VG's free extents."""

    kind: Literal["lvextend"] = "lvextend"
    name: str
    size_mib: float = Field(gt=0)

    def apply(self, dc: Datacenter) -> Datacenter:
        stack = dc.storage.stack
        lv = stack.volume(self.name)
        if lv is None:
            raise refuse("unknown_storage", self.name, f"no LV or thin pool named {self.name!r}", name=self.name)
        if self.size_mib < lv.size_mib:
            raise refuse("lv_shrink", self.name, f"{self.name}: lvextend only grows ({self.size_mib:g} MiB < "
                         f"{lv.size_mib:g} MiB)", lv=self.name)
        vg = stack_report(stack).vgs[lv.vg]
        have = lvm.lv_extents(lv.size_mib, vg.extent_mib)
        lvm.check_lv(self.name, lv.vg, self.size_mib, vg.free_extents + have, vg.extent_mib)
        new = lv.model_copy(update={"size_mib": self.size_mib})
        if isinstance(lv, LogicalVolume):
            return _set(dc, lvs=tuple(new if x is lv else x for x in stack.lvs))
        return _set(dc, thin_pools=tuple(new if x is lv else x for x in stack.thin_pools))

    def describe(self) -> str:
        return f"extend {self.name} to {self.size_mib:g} MiB"


class ThinCreate(ActionBase):
    """``lvcreate -V SIZE --thin POOL``: a thin volume may promise more than the pool holds."""

    kind: Literal["thin_create"] = "thin_create"
    name: str
    pool: str
    virtual_mib: float = Field(gt=0)

    def apply(self, dc: Datacenter) -> Datacenter:
        stack = dc.storage.stack
        if self.pool not in {p.name for p in stack.thin_pools}:
            raise refuse("unknown_storage", self.pool, f"no thin pool named {self.pool!r}", name=self.pool)
        if any(v.name == self.name for v in stack.thin_volumes):
            raise refuse("name_taken", self.name, f"{self.name!r} is already a thin volume")
        vol = ThinVolume(name=self.name, pool=self.pool, virtual_mib=self.virtual_mib)
        return _set(dc, thin_volumes=(*stack.thin_volumes, vol))

    def describe(self) -> str:
        return f"create thin volume {self.name} ({self.virtual_mib:g} MiB) in {self.pool}"


class ThinWrite(ActionBase):
    """A thin volume's file system writes ``mib`` of new data. The pool allocates on write,
    autoextends at its threshold from the VG's free extents, and when it is full the writes
    that do not fit fail (after queueing up to 60 s, or at once with errorwhenfull)."""

    kind: Literal["thin_write"] = "thin_write"
    refusable: ClassVar[bool] = False
    name: str
    mib: float = Field(gt=0)

    def apply(self, dc: Datacenter) -> Datacenter:
        stack = dc.storage.stack
        vol = next((v for v in stack.thin_volumes if v.name == self.name), None)
        if vol is None:
            raise refuse("unknown_storage", self.name, f"no thin volume named {self.name!r}", name=self.name)
        pool = next(p for p in stack.thin_pools if p.name == vol.pool)
        used = sum(v.written_mib for v in stack.thin_volumes if v.pool == pool.name)
        vg = stack_report(stack).vgs.get(pool.vg)
        free = vg.free_extents * vg.extent_mib if vg else 0.0
        want = min(self.mib, vol.virtual_mib - vol.written_mib)
        size, _ = lvm.autoextend(pool.size_mib, used + want, free, threshold_pct=pool.autoextend_threshold,
                                 percent=pool.autoextend_percent)
        fits = max(0.0, min(want, size - used))
        new_vol = vol.model_copy(update={"written_mib": vol.written_mib + fits,
                                         "failed_mib": vol.failed_mib + (self.mib - fits)})
        pools = tuple(p.model_copy(update={"size_mib": size}) if p is pool else p for p in stack.thin_pools)
        return _set(dc, thin_pools=pools,
                    thin_volumes=tuple(new_vol if v is vol else v for v in stack.thin_volumes))

    def describe(self) -> str:
        return f"write {self.mib:g} MiB to {self.name}"


class CephPool(ActionBase):
    """Change a pool's size, min_size, failure domain or PG count (refused when the cluster
    cannot place it)."""

    kind: Literal["ceph_pool"] = "ceph_pool"
    name: str
    changes: dict[str, Any]

    def apply(self, dc: Datacenter) -> Datacenter:
        c = _cluster(dc)
        pool = next((p for p in c.pools if p.name == self.name), None)
        if pool is None:
            raise refuse("unknown_storage", self.name, f"no pool named {self.name!r}", name=self.name)
        bad = set(self.changes) - {"size", "min_size", "k", "m", "failure_domain", "pgs"}
        if bad:
            raise refuse("bad_field", self.name, f"{self.name}: {', '.join(sorted(bad))} cannot be changed",
                         field=", ".join(sorted(bad)))
        try:
            new = ceph.Pool.model_validate({**pool.model_dump(), **self.changes})
        except ValidationError as e:
            first = e.errors()[0]
            raise refuse("invalid", self.name, f"{self.name}: {'.'.join(map(str, first['loc'])) or 'value'}: "
                         f"{first['msg']}") from None
        ceph.check_pool(c, new)
        return _set(dc, ceph=c.model_copy(update={"pools": tuple(new if p is pool else p for p in c.pools)}))

    def describe(self) -> str:
        return f"set {', '.join(f'{k}={v}' for k, v in self.changes.items())} on pool {self.name}"


#: The storage stack's actions.
ACTIONS = (StorageFail, StorageRepair, OsdOut, VgExtend, LvExtend, ThinCreate, ThinWrite, CephPool)
