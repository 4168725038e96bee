"""Reading a scenario's ``[storage]`` table: the stack below the datastores.

```toml
[[storage.disk]]        # name, size ("4 TB": TB = 10^12 bytes), kind (hdd | ssd | nvme), state
[[storage.raid]]        # name, level (0 | 1 | 5 | 6 | 10), disks = ["d1", …]
[[storage.pv]]          # name, on (a disk or RAID group) — or size ("10G": LVM's G is GiB)
[[storage.vg]]          # name, pvs = [...], extent ("4M", default)
[[storage.lv]]          # name, vg, size, used
[[storage.thin_pool]]   # name, vg, size, autoextend_threshold, autoextend_percent, error_when_full
[[storage.thin_volume]] # name, pool, size (virtual), written
[storage.ceph]          # mons (3), hosts, osds_per_host, osd_size, racks (1): OSDs made for you
[[storage.ceph.pool]]   # name, kind (replicated | erasure), size, min_size, k, m, failure_domain, pgs
[[storage.fabric]] [[storage.array]] [[storage.path]] [[storage.lun]] [[storage.share]]
                        # SAN and NAS back ends of datastores (see virtlab/course/scenario/san.py)
```

Sizes of LVM objects read as LVM reads them (``10G`` is 10 GiB; ``10 GB`` is decimal).
Every cross-reference is checked, and what the real tool would refuse (RAID 6 over three
disks, an LV larger than its VG's free extents, a pool wider than the cluster's failure
domains) is a ``file: field: problem``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from virtlab.core.base import Refused
from virtlab.core.storage import ceph, raid
from virtlab.core.storage.stack import (
    LogicalVolume,
    PhysicalVolume,
    StorageStack,
    ThinPool,
    ThinVolume,
    VolumeGroup,
    stack_report,
)
from virtlab.core.units import UnitError, parse_bytes, parse_cgroup_mib
from virtlab.course.scenario.reading import Problems, build, table_list
from virtlab.course.scenario.san import SAN_KEYS, read_san

__all__ = ["STORAGE_KEYS", "read_storage"]

#: The most OSDs, and PG shards in all pools, a scenario may have (a lab stays interactive).
MAX_OSDS, MAX_SHARDS = 5000, 200_000
STORAGE_KEYS = {"disk", "raid", "pv", "vg", "lv", "thin_pool", "thin_volume", "ceph", *SAN_KEYS}
_TB = 10**12


def _tb(value: object) -> float:
    return parse_bytes(value, _TB)


def _level(value: object) -> float:
    """A RAID level as written: ``6`` or ``"6"`` (or ``"raid6"``)."""
    text = str(value).lower().removeprefix("raid").strip()
    if isinstance(value, bool) or text not in {lv.value for lv in raid.RaidLevel}:
        raise UnitError(f"expected a RAID level (0, 1, 5, 6 or 10), got {value!r}")
    return text  # type: ignore[return-value]


def _convert(raw: dict[str, Any], where: str, p: Problems,
             units: dict[str, tuple[str, Callable[[object], float]]]) -> dict[str, Any] | None:
    """``raw`` with its unit fields read into the core's names (``size`` → ``size_tb``)."""
    out = dict(raw)
    for key, (field, read) in units.items():
        if key in out:
            try:
                out[field] = read(out.pop(key))
            except UnitError as e:
                p.add(f"{where}.{key}", e.message)
                return None
    return out


def _section(data: dict[str, Any], key: str, model: type[Any], p: Problems,
             units: dict[str, tuple[str, Callable[[object], float]]],
             renames: dict[str, str] | None = None, prefix: str = "storage") -> list[Any]:
    out = []
    for where, raw in table_list(data, key, p):
        where = f"{prefix}.{where}"
        converted = _convert(raw, where, p, units)
        if converted is None:
            continue
        for old, new in (renames or {}).items():
            if old in converted:
                converted[new] = converted.pop(old)
        names = {field: k for k, (field, _) in units.items()} | {v: k for k, v in (renames or {}).items()}
        made = build(model, converted, where, p, names)
        if made is not None:
            out.append(made)
    return out


def _refs(p: Problems, where: str, names: tuple[str, ...] | str | None, known: set[str], what: str) -> None:
    for name in (names,) if isinstance(names, str) else names or ():
        if name not in known:
            p.add(where, f"no {what} named {name!r}")


def _ceph(raw: object, p: Problems) -> ceph.CephCluster | None:
    if not isinstance(raw, dict):
        p.add("storage.ceph", "must be a table ([storage.ceph])")
        return None
    extra = set(raw) - {"mons", "hosts", "osds_per_host", "osd_size", "racks", "pool"}
    for k in sorted(extra):
        p.add(f"storage.ceph.{k}", "unknown key (allowed: hosts, mons, osd_size, osds_per_host, pool, racks)")
    try:
        size = _tb(raw.get("osd_size", "4 TB"))
    except UnitError as e:
        p.add("storage.ceph.osd_size", e.message)
        return None
    if size <= 0:
        p.add("storage.ceph.osd_size", f"must be more than 0, got {raw.get('osd_size')!r}")
        return None
    counts = {k: raw.get(k, d) for k, d in (("mons", 3), ("hosts", 3), ("osds_per_host", 1), ("racks", 1))}
    for k, v in counts.items():
        if not isinstance(v, int) or isinstance(v, bool) or not 1 <= v <= 1000:
            p.add(f"storage.ceph.{k}", f"a whole number from 1 to 1000, got {v!r}")
            return None
    if counts["hosts"] * counts["osds_per_host"] > MAX_OSDS:
        p.add("storage.ceph.osds_per_host", f"{counts['hosts']} hosts × {counts['osds_per_host']} OSDs is more "
              f"than the {MAX_OSDS:,} OSDs a lab models")
        return None
    per, racks = counts["osds_per_host"], counts["racks"]
    osds = tuple(ceph.Osd(name=f"osd.{h * per + i}", host=f"ceph-{h + 1}", rack=f"rack-{h % racks + 1}", size_tb=size)
                 for h in range(counts["hosts"]) for i in range(per))
    cluster = ceph.CephCluster(mons=(True,) * counts["mons"], osds=osds)
    pools = _section(raw, "pool", ceph.Pool, p, {}, prefix="storage.ceph")
    shards = sum(pool.pgs * pool.width for pool in pools)
    if shards > MAX_SHARDS:
        p.add("storage.ceph.pool", f"{shards:,} PG shards in all (PGs × size) is more than the {MAX_SHARDS:,} a lab models")
        return None
    for pool in pools:
        try:
            ceph.check_pool(cluster, pool)
        except Refused as e:
            p.add(f"storage.ceph.pool ({pool.name})", e.violations[0].message)
    return cluster.model_copy(update={"pools": tuple(pools)})


def read_storage(raw: object, p: Problems) -> StorageStack:
    """The ``[storage]`` table as a :class:`StorageStack`; its problems go to ``p``."""
    if raw is None:  # no stack: the empty one, without building the stack's validators
        return StorageStack.model_construct()
    if not isinstance(raw, dict):
        p.add("storage", "must be a table ([storage] with [[storage.disk]] …)")
        return StorageStack.model_construct()
    for k in sorted(set(raw) - STORAGE_KEYS):
        p.add(f"storage.{k}", f"unknown table (allowed: {', '.join(sorted(STORAGE_KEYS))})")
    mib = ("size_mib", parse_cgroup_mib)
    disks = _section(raw, "disk", raid.PhysicalDisk, p, {"size": ("size_tb", _tb)})
    groups = _section(raw, "raid", raid.RaidGroup, p, {"level": ("level", _level)})
    pvs = _section(raw, "pv", PhysicalVolume, p, {"size": mib})
    vgs = _section(raw, "vg", VolumeGroup, p, {"extent": ("extent_mib", parse_cgroup_mib)})
    lvs = _section(raw, "lv", LogicalVolume, p, {"size": mib, "used": ("used_mib", parse_cgroup_mib)})
    pools = _section(raw, "thin_pool", ThinPool, p, {"size": mib})
    vols = _section(raw, "thin_volume", ThinVolume, p,
                    {"size": ("virtual_mib", parse_cgroup_mib), "written": ("written_mib", parse_cgroup_mib)})
    usable = {d.name: d.size_tb for d in disks}
    sizes = dict(usable)
    for g in groups:
        members = [sizes[d] for d in g.disks if d in sizes]
        usable[g.name] = raid.usable_tb(g.level, members) if members else 0.0
    backends = read_san(raw, p, _section, _tb, usable)
    every = [x.name for group in (disks, groups, pvs, vgs, lvs, pools, vols, *backends.values()) for x in group]
    for dup in sorted({n for n in every if every.count(n) > 1}):
        p.add(f"storage ({dup}).name", f"duplicate name {dup!r} in the storage stack")
    owners: dict[str, str] = {}
    for vg in vgs:
        for pv in vg.pvs:
            if pv in owners:
                p.add(f"storage.vg ({vg.name}).pvs", f"{pv} already belongs to {owners[pv]}")
            owners.setdefault(pv, vg.name)
    for lv in lvs:
        if lv.used_mib > lv.size_mib:
            p.add(f"storage.lv ({lv.name}).used", "more than the LV's size")
    for v in vols:
        if v.written_mib > v.virtual_mib:
            p.add(f"storage.thin_volume ({v.name}).written", "more than the thin volume's size")
    disk_names = {d.name for d in disks}
    for g in groups:
        _refs(p, f"storage.raid ({g.name}).disks", g.disks, disk_names, "disk")
        try:
            raid.check_raid(g.level, len(g.disks), g.name)
        except Refused as e:
            for v in e.violations:
                p.add(f"storage.raid ({g.name}).disks", v.message)
    devices = disk_names | {g.name for g in groups}
    for pv in pvs:
        if (pv.on is None) == (pv.size_mib is None):
            p.add(f"storage.pv ({pv.name})", "give either on (a disk or RAID group) or size")
        _refs(p, f"storage.pv ({pv.name}).on", pv.on, devices, "disk or RAID group")
    for vg in vgs:
        _refs(p, f"storage.vg ({vg.name}).pvs", vg.pvs, {x.name for x in pvs}, "PV")
    vg_names = {x.name for x in vgs}
    for lv in (*lvs, *pools):
        _refs(p, f"storage ({lv.name}).vg", lv.vg, vg_names, "VG")
    for v in vols:
        _refs(p, f"storage.thin_volume ({v.name}).pool", v.pool, {x.name for x in pools}, "thin pool")
    cluster = _ceph(raw["ceph"], p) if "ceph" in raw else None
    stack = StorageStack(disks=tuple(disks), raid_groups=tuple(groups), pvs=tuple(pvs), vgs=tuple(vgs),
                         lvs=tuple(lvs), thin_pools=tuple(pools), thin_volumes=tuple(vols), ceph=cluster,
                         **backends)
    if not p:
        for name, vg in stack_report(stack).vgs.items():
            if vg.free_extents < 0:
                p.add(f"storage.vg ({name})", f"its LVs and thin pools take {vg.extents - vg.free_extents} "
                      f"extents, {name} has {vg.extents}")
    return stack
