"""One reader per section of a scenario file: a table in, the core's object out.

Each reads its table through its input model (:mod:`virtlab.course.scenario.models`), adds
every problem to the :class:`~virtlab.course.scenario.reading.Problems` it is given, and
returns ``None`` for what cannot be built. Cross-references between sections (a VM's host, a
container's VM) are checked afterwards, by :mod:`virtlab.course.scenario.placement`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from virtlab.core.compute.actions import CPU_LEVELS, preset_demand
from virtlab.core.compute.models import VM, Container
from virtlab.core.hosts import Host, Policy
from virtlab.core.storage.models import Datastore, VirtualDisk
from virtlab.core.units import UnitError, parse_fraction, parse_mib, parse_millicores
from virtlab.course.scenario.models import (
    ContainerIn,
    DatastoreIn,
    DemandIn,
    DiskIn,
    HostIn,
    MetaIn,
    PolicyIn,
    SnapshotIn,
    VMIn,
)
from virtlab.course.scenario.reading import Problems


def read_meta(raw: object, p: Problems) -> str:
    """``[scenario]``: the datacenter's name (``""`` when it has none)."""
    if not isinstance(raw, dict):
        p.add("scenario", "must be a table ([scenario])")
        return ""
    meta, _ = MetaIn.read(raw, "scenario", p)
    return meta.name if meta else ""


def read_policy(raw: object, p: Problems) -> Policy:
    """``[policy]``: a preset and its changes (the default policy when there is none)."""
    if raw is None:
        return Policy()
    if not isinstance(raw, dict):
        p.add("policy", "must be a table")
        return Policy()
    policy, _ = PolicyIn.read(raw, "policy", p)
    return policy.to_core("policy", p) if policy else Policy()


def read_host(raw: dict[str, Any], where: str, p: Problems) -> tuple[Host | None, float | None]:
    """A ``[[host]]`` table: the host (``None`` without its memory or cores) and its local disk
    in GiB, if it has one."""
    host_in, bad = HostIn.read(raw, where, p)
    if host_in is None:
        return None, None
    host = host_in.to_core(where, p)
    complete = not ({"memory", "cores"} & bad)
    return (host if complete else None), host_in.local_disk_gib


def read_datastore(raw: dict[str, Any], where: str, p: Problems) -> Datastore | None:
    """A ``[[datastore]]`` table (its hosts are checked by the caller)."""
    ds_in, bad = DatastoreIn.read(raw, where, p)
    if ds_in is None or "capacity" in bad:
        return None
    return ds_in.to_core(where, p)


def _snapshots(raws: list[Any], where: str, p: Problems) -> list[dict[str, Any]]:
    out = []
    for k, snap in enumerate(raws):
        sw = f"{where}.snapshots[{k + 1}]"
        if not isinstance(snap, dict):
            p.add(sw, "must be a table { name, delta, age_h }")
            continue
        snap_in, _ = SnapshotIn.read(snap, sw, p)
        if snap_in is not None:
            out.append(snap_in.to_core(k + 1))
    return out


def _disk_input(raw: object, where: str, p: Problems, default_ds: str | None
                ) -> tuple[DiskIn, str, list[dict[str, Any]] | None] | None:
    """A disk's table read: its input, datastore and snapshots (``None`` if it cannot be built)."""
    if not isinstance(raw, dict):
        p.add(where, "must be a table { size = …, provisioning = …, datastore = … }")
        return None
    if "size" not in raw:  # a disk without a size is read no further
        p.extend(DiskIn.unknown_keys(raw, where))
        p.add(f"{where}.size", "missing")
        return None
    disk_in, bad = DiskIn.read(raw, where, p)
    if disk_in is None or "snapshots" in bad:
        return None
    snapshots = _snapshots(disk_in.snapshots, where, p) if disk_in.snapshots is not None else None
    ds = disk_in.datastore if "datastore" in disk_in.model_fields_set else default_ds
    if ds is None:
        p.add(f"{where}.datastore", "missing: the host has no local disk, so name a datastore")
        return None
    if bad & {"size", "written"}:
        return None
    return disk_in, ds, snapshots


def read_disks(vm_in: VMIn, where: str, p: Problems, default_ds: str | None) -> list[VirtualDisk]:
    """A VM's ``disk`` (a size: its first disk) and ``disks`` (tables), numbered together;
    ``default_ds`` is its host's local datastore, if any. Every table is read before the core
    judges any disk."""
    has_disk = "disk" in vm_in.model_fields_set
    items: list[Any] = ([{"size": vm_in.disk}] if has_disk else []) + (vm_in.disks or [])
    read = []
    for j, raw in enumerate(items):
        dw = f"{where}.disk" if has_disk and j == 0 else f"{where}.disks[{j + 1}]"
        got = _disk_input(raw, dw, p, default_ds)
        if got is not None:
            read.append((dw, got))
    out = []
    for dw, (disk_in, ds, snapshots) in read:
        disk = disk_in.to_core(ds, snapshots, dw, p)
        if disk is not None:
            out.append(disk)
    return out


def _negative(v: object) -> bool:
    if isinstance(v, bool):
        return False
    return (isinstance(v, int | float) and v < 0) or (isinstance(v, str) and v.strip().startswith("-"))


def read_demand(raw: object, where: str, p: Problems, kind: Literal["vm", "container"]) -> dict[str, Any]:
    """``demand``: ``{"level": …}``, or the figures it gives (VM CPU in cores or ``cpu_pct``,
    container CPU in millicores; memory in MiB or ``mem_pct``); ``{}`` when wrong or absent."""
    if raw is None:
        return {}
    if isinstance(raw, str):
        if raw not in CPU_LEVELS:
            p.add(f"{where}.demand", f"unknown level {raw!r} (use idle, normal, peak, leak or a table)")
            return {}
        return {"level": raw}
    if not isinstance(raw, dict):
        p.add(f"{where}.demand", "must be a level name or a table { cpu = …, memory = … }")
        return {}
    dw = f"{where}.demand"
    p.extend(DemandIn.unknown_keys(raw, dw))
    for key in ("cpu", "memory"):
        if _negative(raw.get(key)):
            p.add(f"{dw}.{key}", "must be 0 or more")
            return {}
    out: dict[str, Any] = {}
    if "cpu" in raw:
        v = raw["cpu"]
        try:
            if kind == "container":
                out["cpu"] = parse_millicores(v)
            elif isinstance(v, str) and v.strip().endswith("%"):
                out["cpu_pct"] = parse_fraction(v)
            else:
                out["cpu"] = parse_millicores(v) / 1000
        except UnitError as e:
            p.add(f"{dw}.cpu", e.message)
    if "memory" in raw:
        v = raw["memory"]
        try:
            if isinstance(v, str) and v.strip().endswith("%"):
                out["mem_pct"] = parse_fraction(v)
            else:
                out["memory"] = parse_mib(v)
        except UnitError as e:
            p.add(f"{dw}.memory", e.message)
    return out


def read_vm(raw: dict[str, Any], where: str, p: Problems, local: Mapping[str, str]) -> VM | None:
    """A ``[[vm]]`` table with its disks and demand; ``local`` maps a host to its local
    datastore (a disk's default). Its host and datastores are checked by the caller."""
    vm_in, _ = VMIn.read(raw, where, p)
    if vm_in is None:
        return None
    host = vm_in.host
    disks = read_disks(vm_in, where, p, local.get(host) if isinstance(host, str) else None)
    vm = vm_in.to_core(disks, where, p)
    if vm is None:
        return None
    dem = read_demand(vm_in.demand, where, p, "vm")
    if "level" in dem:
        cpu, mem = preset_demand(vm, dem["level"])
    else:
        cpu = dem["cpu"] if "cpu" in dem else dem["cpu_pct"] * vm.vcpus if "cpu_pct" in dem else 0.0
        mem = dem["memory"] if "memory" in dem else dem["mem_pct"] * vm.memory_mib if "mem_pct" in dem else 0.0
    # Demand is what the application needs: a VM may start smaller than its work (the report
    # shows the shortfall), as a student may make it.
    return vm.model_copy(update={"cpu_demand": cpu, "mem_active_mib": mem})


def read_container(raw: dict[str, Any], where: str, p: Problems) -> Container | None:
    """A ``[[container]]`` table with its demand; its host or VM is checked by the caller."""
    c_in, _ = ContainerIn.read(raw, where, p)
    if c_in is None:
        return None
    c = c_in.to_core(where, p)
    if c is None:
        return None
    dem = read_demand(c_in.demand, where, p, "container")
    if "level" in dem:
        cpu, mem = preset_demand(c, dem["level"])
    else:
        cpu = dem.get("cpu") or 0.0
        base = c.mem_limit_mib or c.mem_request_mib
        mem = dem["memory"] if "memory" in dem else dem["mem_pct"] * base if "mem_pct" in dem and base else 0.0
    return c.model_copy(update={"cpu_demand_m": cpu, "mem_demand_mib": mem})
