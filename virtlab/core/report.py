"""The report: one function from a state to everything the panels show.

Every number the app or ``virtlab report`` prints comes from here. The pairwise isolation
matrix is quadratic, so it is included only for small labs (:data:`MATRIX_LIMIT` workloads);
larger states get per-workload neighbour counts, and :func:`~virtlab.core.isolation.isolation_from`
answers for one selected workload on demand.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field, is_dataclass
from enum import Enum
from typing import Any

from virtlab.core.capacity import FLAVORS, ResourceLine, flavor_fits, host_lines
from virtlab.core.containers import ContainerMemory, cgroup_values, node_oom
from virtlab.core.contention import (
    CpuShare,
    HostMemory,
    container_running,
    host_cpu,
    host_memory,
    vm_running,
)
from virtlab.core.hypervisors import PROFILES, HypervisorKind
from virtlab.core.isolation import Blast, Pair, blast_radius, isolation_matrix
from virtlab.core.models import Datacenter, Host, WorkloadStatus
from virtlab.core.rules import Violation, datastore_violations, host_violations, node_violations
from virtlab.core.storage import DatastoreUsage, datastore_usage

MATRIX_LIMIT = 40


@dataclass(slots=True)
class HostReport:
    name: str
    hypervisor: str
    hypervisor_type: str
    status: str
    logical_cpus: int
    physical_cores: int
    mhz: float
    lines: dict[str, ResourceLine]
    memory: HostMemory
    cpu_demand_mhz: float
    cpu_entitled_mhz: float
    cpu_capacity_mhz: float
    fits: dict[str, int]


@dataclass(slots=True)
class WorkloadReport:
    name: str
    kind: str  # "vm" | "container"
    host: str
    parent: str  # host name for VMs and host containers, VM name for containers in a VM
    status: str  # running / off / crashed / host-down / vm-down / oom-killed
    vcpus: float  # VM: vCPUs; container: CPU limit in cores (0 = none)
    memory_mib: float  # VM: configured; container: memory limit (0 = none)
    cpu: CpuShare | None
    vm_memory: Any = None  # VmMemory for VMs
    container: ContainerMemory | None = None
    cgroup: dict[str, str] = field(default_factory=dict)
    neighbours: dict[str, int] = field(default_factory=dict)  # isolation level name → count


@dataclass(slots=True)
class Report:
    name: str
    hosts: list[HostReport]
    workloads: list[WorkloadReport]
    datastores: list[DatastoreUsage]
    violations: list[Violation]
    pairs: list[Pair] | None  # None when there are more than MATRIX_LIMIT workloads
    state: Datacenter = field(repr=False, default_factory=Datacenter)
    _blast: list[Blast] | None = field(default=None, repr=False)

    @property
    def blast(self) -> list[Blast]:
        """The blast radius of every single fault, computed on first use."""
        if self._blast is None:
            self._blast = blast_radius(self.state)
        return self._blast

    def host(self, name: str) -> HostReport | None:
        return next((h for h in self.hosts if h.name == name), None)

    def workload(self, name: str) -> WorkloadReport | None:
        return next((w for w in self.workloads if w.name == name), None)


@dataclass(slots=True)
class _HostPart:
    """Everything computed from one host and what runs on it."""

    report: HostReport
    rows: dict[str, WorkloadReport]
    violations: list[Violation]


_PART_CACHE: dict[tuple[int, ...], tuple[tuple[object, ...], _HostPart]] = {}
_PART_CACHE_LIMIT = 50_000


def clear_cache() -> None:
    """Forget every reused host part (benchmarks use it to time a cold report)."""
    _PART_CACHE.clear()


def _host_objects(dc: Datacenter, h: Host) -> tuple[object, ...]:
    """Every (immutable) object one host's results depend on."""
    vms = dc.vms_by_host.get(h.name, [])
    inner = [c for v in vms for c in dc.containers_by_parent.get(("vm", v.name), [])]
    return (h, dc.policy, *vms, None, *dc.containers_by_parent.get(("host", h.name), []), None,
            *inner, None, *dc.local_datastores.get(h.name, []))


def _host_part_cached(dc: Datacenter, h: Host) -> _HostPart:
    """:func:`_host_part`, reused while the host and everything on it are the same objects.

    States are immutable and an action replaces only what it changes, so after one key press
    every other host's part is found here — what keeps a 200-host sandbox interactive.
    """
    objs = _host_objects(dc, h)
    key = tuple(map(id, objs))
    hit = _PART_CACHE.get(key)
    if hit is not None and all(a is b for a, b in zip(hit[0], objs, strict=True)):
        return hit[1]
    part = _host_part(dc, h)
    if len(_PART_CACHE) >= _PART_CACHE_LIMIT:
        _PART_CACHE.clear()
    _PART_CACHE[key] = (objs, part)
    return part


def _host_part(dc: Datacenter, h: Host) -> _HostPart:
    # Containers: memory use and OOM per node, innermost first (VM guests, then the host).
    ctr_mem: dict[str, ContainerMemory] = {}
    inner_usage: dict[str, float] = {}
    for vm in dc.vms_by_host.get(h.name, []):
        ctrs = [c for c in dc.containers_by_parent.get(("vm", vm.name), []) if container_running(dc, c)]
        if not ctrs:
            continue
        cap = min(vm.memory_mib, vm.mem_limit_mib or vm.memory_mib)
        rows = node_oom(ctrs, vm.memory_mib, cap - vm.mem_active_mib)
        ctr_mem.update(rows)
        inner_usage[vm.name] = sum(r.usage_mib for r in rows.values() if r.killed is None)
    host_ctrs = [c for c in dc.containers_by_parent.get(("host", h.name), []) if container_running(dc, c)]
    available = h.memory_mib - h.reserved_memory(dc.policy)
    if host_ctrs and h.hypervisor is not HypervisorKind.NONE:
        # Beside VMs the containers get what the VMs leave.
        mem0 = host_memory(dc, h, inner_usage, 0.0)
        available -= sum(r.resident_mib + r.overhead_mib for r in mem0.vms.values())
    rows = node_oom(host_ctrs, h.memory_mib, available) if host_ctrs else {}
    ctr_mem.update(rows)
    ctr_usage = sum(r.usage_mib for r in rows.values() if r.killed is None)
    mem = host_memory(dc, h, inner_usage, ctr_usage)
    cpu = host_cpu(dc, h)
    lines = host_lines(dc, h)
    host_vm_names = {v.name for v in dc.vms_by_host.get(h.name, [])}
    host_ctr_names = {c.name for c in dc.containers_by_parent.get(("host", h.name), [])}
    top = [s for n, s in cpu.items() if n in host_vm_names or n in host_ctr_names]
    report = HostReport(
        h.name, h.hypervisor.value, PROFILES[h.hypervisor].type.value, h.status.value,
        h.logical_cpus, h.physical_cores, h.mhz, lines, mem,
        sum(s.demand_mhz for s in top), sum(s.entitlement_mhz for s in top),
        max(0.0, h.physical_cores - h.reserved_cpu(dc.policy)) * h.mhz,
        {f.name: flavor_fits(lines, f, h.logical_cpus) for f in FLAVORS}
        if h.hypervisor is not HypervisorKind.NONE and h.is_up else {},
    )
    violations = host_violations(dc, h.name) + node_violations(dc, ("host", h.name))
    vms = dc.vms_by_host.get(h.name, [])
    for vm in vms:
        violations += node_violations(dc, ("vm", vm.name))
    ctrs = list(dc.containers_by_parent.get(("host", h.name), []))
    ctrs += [c for v in vms for c in dc.containers_by_parent.get(("vm", v.name), [])]
    rows = _workload_rows(dc, vms, ctrs, cpu, mem.vms, ctr_mem)
    return _HostPart(report, rows, violations)


def build_report(dc: Datacenter, *, pairs: bool | None = None) -> Report:
    """Compute everything about ``dc``. ``pairs`` forces the isolation matrix on or off."""
    hosts: list[HostReport] = []
    rows: dict[str, WorkloadReport] = {}
    violations: list[Violation] = []
    for h in dc.hosts:
        part = _host_part_cached(dc, h)
        hosts.append(part.report)
        rows.update(part.rows)
        violations += part.violations
    for d in dc.datastores:
        violations += datastore_violations(dc, d.name)
    # VMs on no known host (only in hand-built states) and their containers still get rows.
    lost_vms = [vm for vm in dc.vms if vm.host not in dc.host_index]
    if lost_vms:
        inner = [c for v in lost_vms for c in dc.containers_by_parent.get(("vm", v.name), [])]
        rows.update(_workload_rows(dc, lost_vms, inner, {}, {}, {}))
        for vm in lost_vms:
            violations += node_violations(dc, ("vm", vm.name))
    want_pairs = pairs if pairs is not None else len(dc.vms) + len(dc.containers) <= MATRIX_LIMIT
    workloads = [rows[vm.name] for vm in dc.vms] + [rows[c.name] for c in dc.containers if c.name in rows]
    return Report(
        dc.name, hosts, workloads, list(datastore_usage(dc).values()), violations,
        isolation_matrix(dc) if want_pairs else None, dc,
    )


def _workload_rows(dc: Datacenter, vms: list, ctrs: list, cpu_all: dict[str, CpuShare],
                   vm_mem: dict[str, Any], ctr_mem: dict[str, ContainerMemory]) -> dict[str, WorkloadReport]:
    """Rows for VMs and containers that share hosts and kernels only among themselves
    (everything on one host), with their neighbour counts."""
    keys = {vm.name: (vm.host, f"vm:{vm.name}") for vm in vms}
    for c in ctrs:
        if c.host is not None:
            keys[c.name] = (c.host, f"host:{c.host}")
        elif c.vm in dc.vm_index:
            keys[c.name] = (dc.vm_index[c.vm].host, f"vm:{c.vm}")
    by_host = Counter(k[0] for k in keys.values())
    by_kernel = Counter(k[1] for k in keys.values())
    out: dict[str, WorkloadReport] = {}
    for vm in vms:
        host = dc.host_index.get(vm.host)
        status = vm.status.value if host is None or host.is_up else "host-down"
        if status == "running" and not vm_running(dc, vm):
            status = "host-down"
        out[vm.name] = WorkloadReport(
            vm.name, "vm", vm.host, vm.host, status, vm.vcpus, vm.memory_mib,
            cpu_all.get(vm.name), vm_mem.get(vm.name),
            neighbours=_neighbours(keys.get(vm.name), by_host, by_kernel),
        )
    for c in ctrs:
        host_name = dc.host_of(c.name) or ""
        status = c.status.value
        if status == WorkloadStatus.RUNNING and not container_running(dc, c):
            status = "vm-down" if c.vm else "host-down"
        row = ctr_mem.get(c.name)
        if row is not None and row.killed is not None:
            status = "oom-killed"
        if row is None:  # not running: still show its class and score
            node_mem = (dc.host_index[c.host].memory_mib if c.host in dc.host_index
                        else dc.vm_index[c.vm].memory_mib if c.vm in dc.vm_index else 1.0)
            row = node_oom([c], node_mem, float("inf"))[c.name]
            row.usage_mib = 0.0
        out[c.name] = WorkloadReport(
            c.name, "container", host_name, c.host or c.vm or "", status,
            (c.cpu_limit_m or 0) / 1000, c.mem_limit_mib or 0.0,
            cpu_all.get(c.name), None, row, cgroup_values(c),
            neighbours=_neighbours(keys.get(c.name), by_host, by_kernel),
        )
    return out


def _neighbours(key: tuple[str, str] | None, by_host: Counter, by_kernel: Counter) -> dict[str, int]:
    """How many other workloads share this one's host and kernel (a cheap summary)."""
    if key is None:
        return {}
    return {"same_host": by_host[key[0]] - 1, "same_kernel": by_kernel[key[1]] - 1}


def to_jsonable(obj: Any) -> Any:
    """Plain JSON data from a report (dataclasses, enums and properties of resource lines)."""
    if isinstance(obj, ResourceLine):
        d = asdict(obj)
        d.update(schedulable=obj.schedulable, free=obj.free, overcommit=obj.overcommit)
        return {k: to_jsonable(v) for k, v in d.items()}
    if isinstance(obj, DatastoreUsage):
        d = asdict(obj)
        d.update(free_gib=obj.free_gib, used_pct=obj.used_pct, thin_overcommit=obj.thin_overcommit,
                 full=obj.full, alarm=obj.alarm, stopped_vms=obj.stopped_vms)
        return {k: to_jsonable(v) for k, v in d.items()}
    if isinstance(obj, CpuShare):
        return {"demand_mhz": obj.demand_mhz, "entitlement_mhz": obj.entitlement_mhz,
                "unmet_mhz": obj.unmet_mhz, "ready_pct": round(obj.ready_pct, 4),
                "costop_pct": round(obj.costop_pct, 4)}
    if isinstance(obj, Pair):
        return {"a": obj.a, "b": obj.b, "level": obj.level.name.lower(), "shared": list(obj.shared),
                "reason": obj.reason}
    if isinstance(obj, Violation):
        return {"code": obj.code, "subject": obj.subject, "message": obj.message, "excess": obj.excess}
    if isinstance(obj, Report):
        out = {f: to_jsonable(getattr(obj, f)) for f in ("name", "hosts", "workloads", "datastores",
                                                          "violations", "pairs")}
        out["blast"] = to_jsonable(obj.blast)
        return out
    if is_dataclass(obj) and not isinstance(obj, type):
        out = {f: to_jsonable(getattr(obj, f)) for f in obj.__dataclass_fields__}
        if hasattr(obj, "resident_mib"):
            out["resident_mib"] = obj.resident_mib
        if hasattr(obj, "blocks_allocations"):
            out["blocks_allocations"] = obj.blocks_allocations
        return out
    if isinstance(obj, Enum):
        return obj.value
    if isinstance(obj, dict):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [to_jsonable(v) for v in obj]
    if isinstance(obj, float):
        return None if obj != obj or obj in (float("inf"), float("-inf")) else round(obj, 4)
    return obj
