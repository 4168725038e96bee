"""The compute part of the report: one host and everything on it.

A host's part holds its capacity lines, memory state, CPU entitlements, violations and the
rows of the workloads on it; it is frozen, so :mod:`virtlab.core.report` can cache and share
it between reports (see :class:`virtlab.core.report.PartCache`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import TYPE_CHECKING, ClassVar

from virtlab.core.base import Violation
from virtlab.core.compute.capacity import FLAVORS, ResourceLine, flavor_fits, host_lines
from virtlab.core.compute.containers import ContainerMemory, cgroup_values, node_oom
from virtlab.core.compute.contention import CpuShare, container_running, host_cpu, vm_running
from virtlab.core.compute.memory import HostMemory, VmMemory, host_memory
from virtlab.core.compute.models import VM, Container
from virtlab.core.compute.rules import host_violations, node_violations
from virtlab.core.compute.shortfall import Cause, Shortfall
from virtlab.core.hosts import Host, HostStatus
from virtlab.core.hypervisors import PROFILES, HypervisorKind

if TYPE_CHECKING:
    from virtlab.core.state import Datacenter


class RowStatus(StrEnum):
    """What a workload's row says: its own status, or what stops it from running."""

    RUNNING = "running"
    OFF = "off"
    CRASHED = "crashed"
    HOST_DOWN = "host-down"  # its host (or a VM's host) is down
    VM_DOWN = "vm-down"  # a container whose VM is not running
    OOM_KILLED = "oom-killed"


@dataclass(frozen=True, slots=True)
class HostReport:
    """One host. A host that is not up has no CPU capacity (``cpu_capacity_mhz`` 0) and its
    memory state is ``down``; its Placement lines keep the allocations of what is placed on it
    (Placement keeps them until the instances are evacuated; nova's ComputeFilter stops
    scheduling there)."""

    name: str
    hypervisor: str
    hypervisor_type: str
    status: HostStatus
    logical_cpus: int
    physical_cores: int
    mhz: float
    lines: dict[str, ResourceLine]
    memory: HostMemory
    cpu_demand_mhz: float
    cpu_entitled_mhz: float
    cpu_capacity_mhz: float
    fits: dict[str, int]


@dataclass(frozen=True, slots=True)
class WorkloadReport:
    name: str
    kind: str  # "vm" | "container"
    host: str
    parent: str  # host name for VMs and host containers, VM name for containers in a VM
    status: RowStatus
    vcpus: float  # VM: vCPUs; container: CPU limit in cores (0 = none)
    memory_mib: float  # VM: configured; container: memory limit (0 = none)
    cpu: CpuShare | None
    vm_memory: VmMemory | None = None
    container: ContainerMemory | None = None
    cgroup: dict[str, str] = field(default_factory=dict)
    neighbours: dict[str, int] = field(default_factory=dict)  # isolation level name → count

    #: Properties carried into the report's JSON after the fields.
    JSON_PROPERTIES: ClassVar[tuple[str, ...]] = ("shortfall",)

    @property
    def shortfalls(self) -> tuple[Shortfall, ...]:
        """Each resource it gets less of than it needs, with the cause."""
        out = []
        if self.cpu is not None and self.cpu.cause is not Cause.NONE:
            out.append(Shortfall("cpu", self.cpu.cause, self.cpu.need, self.cpu.entitlement_mhz))
        m = self.vm_memory
        if m is not None and m.cause is not Cause.NONE:
            out.append(Shortfall("memory", m.cause, m.need_mib, m.active_mib))
        return tuple(out)

    @property
    def shortfall(self) -> Shortfall | None:
        """The worst of :attr:`shortfalls` (by share of the need), if any."""
        return max(self.shortfalls, key=lambda s: s.pct, default=None)

    @property
    def starved(self) -> Shortfall | None:
        """The worst shortfall its own size or limits cause, if it is a problem."""
        return max((s for s in self.shortfalls if s.starves), key=lambda s: s.pct, default=None)


@dataclass(frozen=True, slots=True)
class HostPart:
    """Everything computed from one host and what runs on it."""

    report: HostReport
    rows: dict[str, WorkloadReport]
    violations: tuple[Violation, ...]


def host_part(dc: Datacenter, h: Host) -> HostPart:
    """One host's part, from a state that holds (at least) its slice."""
    # Containers: memory use and OOM per node, innermost first (VM guests, then the host).
    ctr_mem: dict[str, ContainerMemory] = {}
    inner_usage: dict[str, float] = {}
    for vm in dc.compute.vms_by_host.get(h.name, []):
        ctrs = [c for c in dc.compute.containers_by_parent.get(("vm", vm.name), []) if container_running(dc, c)]
        if not ctrs:
            continue
        cap = min(vm.max_memory_mib, vm.mem_limit_mib or vm.max_memory_mib)
        rows = node_oom(ctrs, vm.max_memory_mib, cap - vm.mem_active_mib)
        ctr_mem.update(rows)
        inner_usage[vm.name] = sum(r.usage_mib for r in rows.values() if r.killed is None)
    host_ctrs = [c for c in dc.compute.containers_by_parent.get(("host", h.name), []) if container_running(dc, c)]
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
    host_vm_names = {v.name for v in dc.compute.vms_by_host.get(h.name, [])}
    host_ctr_names = {c.name for c in dc.compute.containers_by_parent.get(("host", h.name), [])}
    top = [s for n, s in cpu.items() if n in host_vm_names or n in host_ctr_names]
    report = HostReport(
        h.name, h.hypervisor.value, PROFILES[h.hypervisor].type.value, h.status,
        h.logical_cpus, h.physical_cores, h.mhz, lines, mem,
        sum(s.demand_mhz for s in top), sum(s.entitlement_mhz for s in top),
        max(0.0, h.physical_cores - h.reserved_cpu(dc.policy)) * h.mhz if h.is_up else 0.0,
        {f.name: flavor_fits(lines, f, h.logical_cpus) for f in FLAVORS}
        if h.hypervisor is not HypervisorKind.NONE and h.is_up else {},
    )
    violations = host_violations(dc, h.name) + node_violations(dc, ("host", h.name))
    vms = dc.compute.vms_by_host.get(h.name, [])
    for vm in vms:
        violations += node_violations(dc, ("vm", vm.name))
    ctrs = list(dc.compute.containers_by_parent.get(("host", h.name), []))
    ctrs += [c for v in vms for c in dc.compute.containers_by_parent.get(("vm", v.name), [])]
    return HostPart(report, workload_rows(dc, vms, ctrs, cpu, mem.vms, ctr_mem), tuple(violations))


def workload_rows(dc: Datacenter, vms: Sequence[VM], ctrs: Sequence[Container],
                  cpu_all: Mapping[str, CpuShare], vm_mem: Mapping[str, VmMemory],
                  ctr_mem: Mapping[str, ContainerMemory]) -> dict[str, WorkloadReport]:
    """Rows for VMs and containers that share hosts and kernels only among themselves
    (everything on one host), with their neighbour counts."""
    keys: dict[str, tuple[str, tuple[str, str]]] = {vm.name: (vm.host, ("vm", vm.name)) for vm in vms}
    for c in ctrs:
        if c.host is not None:
            keys[c.name] = (c.host, c.parent)
        elif c.vm in dc.compute.vm_index:
            keys[c.name] = (dc.compute.vm_index[c.vm].host, c.parent)
    by_host = Counter(k[0] for k in keys.values())
    by_kernel = Counter(k[1] for k in keys.values())
    out: dict[str, WorkloadReport] = {}
    for vm in vms:
        host = dc.host_index.get(vm.host)
        status = RowStatus(vm.status.value) if host is None or host.is_up else RowStatus.HOST_DOWN
        if status is RowStatus.RUNNING and not vm_running(dc, vm):
            status = RowStatus.HOST_DOWN
        out[vm.name] = WorkloadReport(
            vm.name, "vm", vm.host, vm.host, status, vm.vcpus, vm.memory_mib,
            cpu_all.get(vm.name), vm_mem.get(vm.name),
            neighbours=_neighbours(keys.get(vm.name), by_host, by_kernel),
        )
    for c in ctrs:
        host_name = dc.host_of(c.name) or ""
        status = RowStatus(c.status.value)
        if status is RowStatus.RUNNING and not container_running(dc, c):
            status = RowStatus.VM_DOWN if c.vm else RowStatus.HOST_DOWN
        row = ctr_mem.get(c.name)
        if row is not None and row.killed is not None:
            status = RowStatus.OOM_KILLED
        if row is None:  # not running: still show its class and score
            node_mem = (dc.host_index[c.host].memory_mib if c.host in dc.host_index
                        else dc.compute.vm_index[c.vm].memory_mib if c.vm in dc.compute.vm_index else 1.0)
            row = replace(node_oom([c], node_mem, float("inf"))[c.name], usage_mib=0.0)
        out[c.name] = WorkloadReport(
            c.name, "container", host_name, c.host or c.vm or "", status,
            (c.cpu_limit_m or 0) / 1000, c.mem_limit_mib or 0.0,
            cpu_all.get(c.name), None, row, cgroup_values(c),
            neighbours=_neighbours(keys.get(c.name), by_host, by_kernel),
        )
    return out


def _neighbours(key: tuple[str, tuple[str, str]] | None, by_host: Counter[str],
                by_kernel: Counter[tuple[str, str]]) -> dict[str, int]:
    """How many other workloads share this one's host and kernel (a cheap summary)."""
    if key is None:
        return {}
    return {"same_host": by_host[key[0]] - 1, "same_kernel": by_kernel[key[1]] - 1}
