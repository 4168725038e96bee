"""Scenario files: a datacenter written as TOML, read into the core's models.

Every problem is reported as ``FILE: FIELD: PROBLEM`` (e.g. ``lab.toml: vm[2] (db-1).memory:
must be greater than 0``) and collected, never raised as a traceback. Sizes accept units
(``"16 GiB"``, ``"2 TB"``, ``"500m"``, ``"40%"``; see :mod:`virtlab.core.units`).

```toml
[scenario]
name = "One ESXi host"

[policy]
preset = "openstack"            # or any of cpu/ram/disk_allocation_ratio, reserved_*

[[host]]
name = "esx-1"
hypervisor = "esxi"             # esxi, hyperv, kvm, xen, virtualbox, workstation, none
sockets = 2
cores = 8                       # per socket
threads = 2                     # per core
mhz = 2600
memory = "256 GiB"
disk = "2 TB"                   # a local datastore named esx-1-local

[[vm]]
name = "web-1"
host = "esx-1"
vcpus = 2
memory = "4 GiB"
disk = "40 GiB"                 # or disks = [{ size = "40 GiB", provisioning = "thin", ... }]
demand = "normal"               # idle, normal, peak, or { cpu = "50%", memory = "2 GiB" }

[[container]]
name = "api"
vm = "web-1"                    # or host = "docker-1"
cpu_request = "250m"
memory_limit = "512 MiB"
demand = { cpu = "200m", memory = "300 MiB" }
```
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from virtlab.core.compute.actions import CPU_LEVELS, preset_demand
from virtlab.core.compute.models import VM, Container
from virtlab.core.hosts import POLICY_PRESETS, Host, Policy
from virtlab.core.state import Datacenter
from virtlab.core.storage.models import Datastore, VirtualDisk
from virtlab.core.units import UnitError, parse_fraction, parse_gib, parse_mib, parse_millicores

TOP_KEYS = {"scenario", "policy", "host", "datastore", "vm", "container"}


class Problems:
    """Collects ``file: field: problem`` lines."""

    def __init__(self, source: str, prefix: str = "") -> None:
        self.source = source
        self.prefix = prefix
        self.items: list[str] = []

    def add(self, field: str, problem: str) -> None:
        field = f"{self.prefix}.{field}" if self.prefix and field else (field or self.prefix)
        self.items.append(f"{self.source}: {field}: {problem}")

    def __bool__(self) -> bool:
        return bool(self.items)


def _label(kind: str, i: int, raw: Any) -> str:
    name = raw.get("name") if isinstance(raw, dict) else None
    return f"{kind}[{i + 1}]" + (f" ({name})" if isinstance(name, str) else "")


def _unknown(raw: dict, allowed: set[str], where: str, p: Problems) -> None:
    for key in raw:
        if key not in allowed:
            p.add(f"{where}.{key}", f"unknown key (allowed: {', '.join(sorted(allowed))})")


def _conv(raw: dict, key: str, fn: Any, where: str, p: Problems) -> Any:
    if key not in raw:
        return None
    try:
        return fn(raw[key])
    except UnitError as e:
        p.add(f"{where}.{key}", str(e))
        return None


def _build(model: type[BaseModel], data: dict, where: str, p: Problems, rename: dict[str, str]) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as e:
        for err in e.errors():
            loc = [rename.get(str(x), str(x)) for x in err["loc"]]
            field = ".".join(loc)
            msg = err["msg"].removeprefix("Value error, ")
            p.add(f"{where}.{field}" if field else where, msg)
        return None


def _policy(raw: Any, p: Problems) -> Policy:
    if raw is None:
        return Policy()
    if not isinstance(raw, dict):
        p.add("policy", "must be a table")
        return Policy()
    allowed = {"preset", "cpu_allocation_ratio", "ram_allocation_ratio", "disk_allocation_ratio",
               "reserved_host_memory", "reserved_host_cpus"}
    _unknown(raw, allowed, "policy", p)
    base = Policy()
    if "preset" in raw:
        if not isinstance(raw["preset"], str) or raw["preset"] not in POLICY_PRESETS:
            p.add("policy.preset", f"unknown preset {raw['preset']!r} (known: {', '.join(POLICY_PRESETS)})")
        else:
            base = POLICY_PRESETS[raw["preset"]]
    data = base.model_dump()
    for k in ("cpu_allocation_ratio", "ram_allocation_ratio", "disk_allocation_ratio", "reserved_host_cpus"):
        if k in raw:
            data[k] = raw[k]
    mem = _conv(raw, "reserved_host_memory", parse_mib, "policy", p)
    if mem is not None:
        data["reserved_host_memory_mib"] = mem
    out = _build(Policy, data, "policy", p, {"reserved_host_memory_mib": "reserved_host_memory"})
    return out or Policy()


HOST_KEYS = {"name", "hypervisor", "sockets", "cores", "threads", "mhz", "memory", "disk",
             "reserved_memory", "reserved_cpus", "status"}
HOST_RENAME = {"cores_per_socket": "cores", "threads_per_core": "threads", "memory_mib": "memory",
               "reserved_memory_mib": "reserved_memory"}


def _host(raw: dict, where: str, p: Problems) -> tuple[Host | None, float | None]:
    _unknown(raw, HOST_KEYS, where, p)
    data: dict[str, Any] = {k: raw[k] for k in ("name", "hypervisor", "sockets", "mhz", "status", "reserved_cpus") if k in raw}
    if "cores" in raw:
        data["cores_per_socket"] = raw["cores"]
    if "threads" in raw:
        data["threads_per_core"] = raw["threads"]
    if "memory" not in raw:
        p.add(f"{where}.memory", "missing (e.g. memory = \"256 GiB\")")
    data["memory_mib"] = _conv(raw, "memory", parse_mib, where, p)
    if "cores" not in raw:
        p.add(f"{where}.cores", "missing (cores per socket, e.g. cores = 16)")
    rm = _conv(raw, "reserved_memory", parse_mib, where, p)
    if rm is not None:
        data["reserved_memory_mib"] = rm
    disk = _conv(raw, "disk", parse_gib, where, p)
    complete = data.get("memory_mib") is not None and "cores" in raw
    # Validate the rest even when memory or cores is missing, so every problem is reported.
    data.setdefault("cores_per_socket", 1)
    if data.get("memory_mib") is None:
        data["memory_mib"] = 1.0
    host = _build(Host, data, where, p, HOST_RENAME)
    return (host if complete else None), disk


def _demand(raw: dict, where: str, p: Problems, kind: str) -> dict[str, Any]:
    """Turn ``demand`` into the model's demand fields (needs the sizes already read)."""
    d = raw.get("demand")
    if d is None:
        return {}
    if isinstance(d, str):
        if d not in CPU_LEVELS:
            p.add(f"{where}.demand", f"unknown level {d!r} (use idle, normal, peak, leak or a table)")
            return {}
        return {"level": d}
    if not isinstance(d, dict):
        p.add(f"{where}.demand", "must be a level name or a table { cpu = …, memory = … }")
        return {}
    _unknown(d, {"cpu", "memory"}, f"{where}.demand", p)
    out: dict[str, Any] = {}
    for key in ("cpu", "memory"):
        v = d.get(key)
        negative = (isinstance(v, int | float) and not isinstance(v, bool) and v < 0) or (
            isinstance(v, str) and v.strip().startswith("-"))
        if negative:
            p.add(f"{where}.demand.{key}", "must be 0 or more")
            return {}
    if "cpu" in d:
        try:
            if kind == "vm":
                v = d["cpu"]
                out["cpu_pct"] = parse_fraction(v) if isinstance(v, str) and v.strip().endswith("%") else None
                if out["cpu_pct"] is None:
                    out["cpu"] = float(parse_millicores(v)) / 1000
            else:
                out["cpu"] = parse_millicores(d["cpu"])
        except (UnitError, ValueError) as e:
            p.add(f"{where}.demand.cpu", str(e))
    if "memory" in d:
        v = d["memory"]
        try:
            if isinstance(v, str) and v.strip().endswith("%"):
                out["mem_pct"] = parse_fraction(v)
            else:
                out["memory"] = parse_mib(v)
        except UnitError as e:
            p.add(f"{where}.demand.memory", str(e))
    return out


VM_KEYS = {"name", "host", "vcpus", "memory", "disk", "disks", "cpu_shares", "mem_shares",
           "cpu_reservation", "cpu_limit", "mem_reservation", "mem_limit", "demand", "status",
           "backup_age_h"}
VM_RENAME = {"memory_mib": "memory", "cpu_reservation_mhz": "cpu_reservation", "cpu_limit_mhz": "cpu_limit",
             "mem_reservation_mib": "mem_reservation", "mem_limit_mib": "mem_limit",
             "size_gib": "size", "written_gib": "written"}


def _disks(raw: dict, where: str, p: Problems, default_ds: str | None) -> list[dict]:
    items: list[Any] = []
    if "disk" in raw:
        items.append({"size": raw["disk"]})
    disks = raw.get("disks", [])
    if not isinstance(disks, list):
        p.add(f"{where}.disks", "must be a list of tables")
        disks = []
    items += disks
    out = []
    for j, d in enumerate(items):
        dw = f"{where}.disks[{j + 1}]" if "disk" not in raw or j > 0 else f"{where}.disk"
        if not isinstance(d, dict):
            p.add(dw, "must be a table { size = …, provisioning = …, datastore = … }")
            continue
        _unknown(d, {"size", "provisioning", "datastore", "written", "snapshots"}, dw, p)
        entry: dict[str, Any] = {}
        if "size" not in d:
            p.add(f"{dw}.size", "missing")
            continue
        entry["size_gib"] = _conv(d, "size", parse_gib, dw, p)
        if "written" in d:
            w = d["written"]
            if isinstance(w, str) and w.strip().endswith("%") and entry["size_gib"] is not None:
                entry["written_gib"] = _conv(d, "written", parse_fraction, dw, p)
                if entry["written_gib"] is not None:
                    entry["written_gib"] *= entry["size_gib"]
            else:
                entry["written_gib"] = _conv(d, "written", parse_gib, dw, p)
        if "provisioning" in d:
            entry["provisioning"] = d["provisioning"]
        if "snapshots" in d:
            snaps = d["snapshots"] if isinstance(d["snapshots"], list) else None
            if snaps is None:
                p.add(f"{dw}.snapshots", "must be a list of tables { name, delta, age_h }")
                continue
            entry["snapshots"] = []
            for k, snap in enumerate(snaps):
                sw = f"{dw}.snapshots[{k + 1}]"
                if not isinstance(snap, dict):
                    p.add(sw, "must be a table { name, delta, age_h }")
                    continue
                _unknown(snap, {"name", "delta", "age_h"}, sw, p)
                entry["snapshots"].append({"name": snap.get("name", f"snap-{k + 1}"),
                                           "delta_gib": _conv(snap, "delta", parse_gib, sw, p) or 0.0,
                                           "age_h": snap.get("age_h", 0.0)})
        ds = d.get("datastore", default_ds)
        if ds is None:
            p.add(f"{dw}.datastore", "missing: the host has no local disk, so name a datastore")
            continue
        entry["datastore"] = ds
        if any(v is None for v in entry.values()):
            continue
        entry["_where"] = dw
        out.append(entry)
    return out


def _vm(raw: dict, where: str, p: Problems, hosts: dict[str, Host], local: dict[str, str]) -> VM | None:
    _unknown(raw, VM_KEYS, where, p)
    data: dict[str, Any] = {k: raw[k] for k in ("name", "host", "vcpus", "cpu_shares", "mem_shares", "status", "backup_age_h") if k in raw}
    for key, field in (("cpu_reservation", "cpu_reservation_mhz"), ("cpu_limit", "cpu_limit_mhz")):
        if key in raw:
            data[field] = raw[key]
    for key, field in (("memory", "memory_mib"), ("mem_reservation", "mem_reservation_mib"), ("mem_limit", "mem_limit_mib")):
        v = _conv(raw, key, parse_mib, where, p)
        if v is not None:
            data[field] = v
    host = raw.get("host")
    disks = []
    for d in _disks(raw, where, p, local.get(host) if isinstance(host, str) else None):
        dw = d.pop("_where")
        disk = _build(VirtualDisk, d, dw, p, VM_RENAME)
        if disk is not None:
            disks.append(disk)
    data["disks"] = disks
    vm = _build(VM, data, where, p, VM_RENAME)
    if vm is None:
        return None
    dem = _demand(raw, where, p, "vm")
    if "level" in dem:
        cpu, mem = preset_demand(vm, dem["level"])
    else:
        cpu = dem.get("cpu") if dem.get("cpu") is not None else (
            dem["cpu_pct"] * vm.vcpus if dem.get("cpu_pct") is not None else 0.0)
        mem = dem.get("memory") if "memory" in dem else (
            dem["mem_pct"] * vm.memory_mib if "mem_pct" in dem else 0.0)
    if cpu > vm.vcpus:
        p.add(f"{where}.demand.cpu", f"{cpu:g} cores of work is more than the VM's {vm.vcpus} vCPUs")
    if mem > vm.memory_mib:
        p.add(f"{where}.demand.memory", "active memory is more than the VM's memory")
    return vm.model_copy(update={"cpu_demand": min(cpu, vm.vcpus), "mem_active_mib": min(mem, vm.memory_mib)})


CTR_KEYS = {"name", "host", "vm", "cpu_request", "cpu_limit", "memory_request", "memory_limit", "demand", "status"}
CTR_RENAME = {"cpu_request_m": "cpu_request", "cpu_limit_m": "cpu_limit", "mem_request_mib": "memory_request",
              "mem_limit_mib": "memory_limit"}


def _container(raw: dict, where: str, p: Problems) -> Container | None:
    _unknown(raw, CTR_KEYS, where, p)
    data: dict[str, Any] = {k: raw[k] for k in ("name", "host", "vm", "status") if k in raw}
    for key, field, fn in (("cpu_request", "cpu_request_m", parse_millicores), ("cpu_limit", "cpu_limit_m", parse_millicores),
                           ("memory_request", "mem_request_mib", parse_mib), ("memory_limit", "mem_limit_mib", parse_mib)):
        v = _conv(raw, key, fn, where, p)
        if v is not None:
            data[field] = v
    c = _build(Container, data, where, p, CTR_RENAME)
    if c is None:
        return None
    dem = _demand(raw, where, p, "container")
    if "level" in dem:
        cpu, mem = preset_demand(c, dem["level"])
    else:
        cpu = dem.get("cpu") or 0.0
        base = c.mem_limit_mib or c.mem_request_mib
        mem = dem.get("memory") if "memory" in dem else (dem["mem_pct"] * base if "mem_pct" in dem and base else 0.0)
    return c.model_copy(update={"cpu_demand_m": cpu, "mem_demand_mib": mem})


def _table_list(data: dict, key: str, p: Problems) -> list[tuple[str, dict]]:
    items = data.get(key, [])
    if isinstance(items, dict):
        p.add(key, f"write [[{key}]] (an array of tables), not [{key}]")
        return []
    if not isinstance(items, list):
        p.add(key, f"must be an array of tables ([[{key}]])")
        return []
    out = []
    for i, raw in enumerate(items):
        where = _label(key, i, raw)
        if not isinstance(raw, dict):
            p.add(where, "must be a table")
            continue
        out.append((where, raw))
    return out


def scenario_from_dict(data: dict, source: str, prefix: str = "") -> tuple[Datacenter | None, list[str]]:
    """Read a scenario from already-parsed TOML. ``prefix`` is prepended to field paths
    (a lab file nests its scenario under a table)."""
    p = Problems(source, prefix)
    for key in data:
        if key not in TOP_KEYS:
            p.add(key, f"unknown table (allowed: {', '.join(sorted(TOP_KEYS))})")
    meta = data.get("scenario", {})
    name = ""
    if isinstance(meta, dict):
        _unknown(meta, {"name", "description"}, "scenario", p)
        name = meta.get("name", "")
        if not isinstance(name, str):
            p.add("scenario.name", "must be a string")
            name = ""
    else:
        p.add("scenario", "must be a table ([scenario])")
    policy = _policy(data.get("policy"), p)

    hosts: dict[str, Host] = {}
    datastores: dict[str, Datastore] = {}
    local: dict[str, str] = {}
    for where, raw in _table_list(data, "host", p):
        host, disk = _host(raw, where, p)
        if host is None:
            continue
        if host.name in hosts:
            p.add(f"{where}.name", f"duplicate host name {host.name!r}")
            continue
        hosts[host.name] = host
        if disk is not None:
            ds = Datastore(name=f"{host.name}-local", capacity_gib=disk, hosts=(host.name,)) if disk > 0 else None
            if ds is None:
                p.add(f"{where}.disk", "must be greater than 0")
            else:
                datastores[ds.name] = ds
                local[host.name] = ds.name
    for where, raw in _table_list(data, "datastore", p):
        _unknown(raw, {"name", "capacity", "hosts"}, where, p)
        cap = _conv(raw, "capacity", parse_gib, where, p)
        if "capacity" not in raw:
            p.add(f"{where}.capacity", "missing")
        if cap is None:
            continue
        ds = _build(Datastore, {"name": raw.get("name"), "capacity_gib": cap, "hosts": raw.get("hosts", [])},
                    where, p, {"capacity_gib": "capacity"})
        if ds is None:
            continue
        if ds.name in datastores:
            p.add(f"{where}.name", f"duplicate datastore name {ds.name!r}")
            continue
        for h in ds.hosts:
            if h not in hosts:
                p.add(f"{where}.hosts", f"no host named {h!r}")
        datastores[ds.name] = ds

    names: dict[str, str] = {n: "host" for n in hosts}
    vms: dict[str, VM] = {}
    for where, raw in _table_list(data, "vm", p):
        vm = _vm(raw, where, p, hosts, local)
        if vm is None:
            continue
        if vm.name in names:
            p.add(f"{where}.name", f"duplicate name {vm.name!r} (already a {names[vm.name]})")
            continue
        host = hosts.get(vm.host)
        if host is None:
            p.add(f"{where}.host", f"no host named {vm.host!r}" + _choices(hosts))
            continue
        if host.hypervisor.value == "none":
            p.add(f"{where}.host", f"{host.name} runs no hypervisor, so it cannot run VMs")
            continue
        for j, disk in enumerate(vm.disks):
            ds = datastores.get(disk.datastore)
            if ds is None:
                p.add(f"{where}.disks[{j + 1}].datastore", f"no datastore named {disk.datastore!r}" + _choices(datastores))
            elif not ds.visible_from(host.name):
                p.add(f"{where}.disks[{j + 1}].datastore", f"{ds.name} is not visible from {host.name}")
        names[vm.name] = "VM"
        vms[vm.name] = vm
    containers: list[Container] = []
    for where, raw in _table_list(data, "container", p):
        c = _container(raw, where, p)
        if c is None:
            continue
        if c.name in names:
            p.add(f"{where}.name", f"duplicate name {c.name!r} (already a {names[c.name]})")
            continue
        if c.vm is not None and c.vm not in vms:
            p.add(f"{where}.vm", f"no VM named {c.vm!r}" + _choices(vms))
            continue
        if c.host is not None:
            host = hosts.get(c.host)
            if host is None:
                p.add(f"{where}.host", f"no host named {c.host!r}" + _choices(hosts))
                continue
            if host.hypervisor.value in ("esxi", "hyperv", "xen"):
                p.add(f"{where}.host", f"{host.name} runs {host.hypervisor.value}, which has no Linux host OS: put the container in a VM")
                continue
        names[c.name] = "container"
        containers.append(c)
    if p:
        return None, p.items
    dc = Datacenter.of(
        name=name, policy=policy, hosts=tuple(hosts.values()), datastores=tuple(datastores.values()),
        vms=tuple(vms.values()), containers=tuple(containers),
    )
    return dc, []


def _choices(known: dict) -> str:
    names = list(known)[:6]
    return f" (known: {', '.join(names)})" if names else ""


def read_toml(path: Path) -> tuple[dict | None, list[str]]:
    """Parse a TOML file; problems name the file (and line for syntax errors)."""
    try:
        with path.open("rb") as f:
            return tomllib.load(f), []
    except FileNotFoundError:
        return None, [f"{path}: file: not found"]
    except IsADirectoryError:
        return None, [f"{path}: file: is a folder, not a file"]
    except tomllib.TOMLDecodeError as e:
        return None, [f"{path}: TOML syntax: {e}"]
    except (OSError, UnicodeDecodeError) as e:
        return None, [f"{path}: file: cannot read it ({e})"]


def load_scenario(path: Path) -> tuple[Datacenter | None, list[str]]:
    """Read a scenario file: the datacenter, or ``None`` and every problem found."""
    data, problems = read_toml(path)
    if data is None:
        return None, problems
    return scenario_from_dict(data, str(path))
