"""Goal checks on compute: overcommit and allocation budgets, VM sizes, CPU ready,
host memory, how many workloads run, and that no rule is broken.

Each check reads its typed parameters and the report's numbers; its words are the
``goal.*`` keys of ``strings/{en,ko}-goals.toml``.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, ValidationInfo, field_validator

from virtlab.core.compute.memory import MemState
from virtlab.core.compute.report import HostReport, RowStatus, WorkloadReport
from virtlab.core.compute.shortfall import Cause, Shortfall
from virtlab.core.hosts import HostStatus
from virtlab.core.report import Report
from virtlab.core.state import Datacenter
from virtlab.core.units import RESOURCE_UNIT, parse_gib, parse_mib
from virtlab.course.goals.fields import (
    HostRef,
    MemoryState,
    Mib,
    NonNeg,
    Percent,
    Resource,
    VmRef,
    WorkloadRef,
    read_quantity,
)
from virtlab.course.goals.registry import (
    CheckSpec,
    GoalParams,
    Msg,
    NoParams,
    Qty,
    Refusal,
    Verdict,
    fail,
    msg,
    ok,
)

__all__ = ["CHECKS"]


def _hosts(report: Report, name: str | None) -> list[HostReport]:
    return [h for h in report.hosts if name is None or h.name == name]


def _res(resource: Resource) -> Msg:
    return msg(f"goal.resource.{resource}")


def short_msg(w: WorkloadReport, s: Shortfall) -> Msg:
    """``web-1 gets 2,600 MHz of the 3,900 MHz of CPU its work needs (33 % short): …``."""
    unit = "mhz" if s.resource == "cpu" else "mib"
    return msg(f"goal.short.{s.resource}", name=w.name, got=Qty(s.got, unit), need=Qty(s.need, unit),
               pct=s.pct, why=msg(f"goal.cause.{s.cause.value}"))


# --------------------------------------------------------------------------- budgets

class MaxOvercommit(GoalParams):
    resource: Resource
    max: NonNeg
    """The highest allocated ÷ (physical − reserved) ratio allowed (3 means 3:1)."""
    host: HostRef | None = None


def max_overcommit(dc: Datacenter, report: Report, p: MaxOvercommit) -> Verdict:
    """Allocated ÷ (physical − reserved) at most ``max`` on every host (or ``host``)."""
    res, limit = p.resource, p.max
    hosts = [h for h in _hosts(report, p.host) if res in h.lines]
    bad = [(h.name, h.lines[res].overcommit) for h in hosts if h.lines[res].overcommit > limit + 1e-9]
    if bad:
        name, ratio = max(bad, key=lambda x: x[1])
        return fail("goal.max_overcommit.over", host=name, res=_res(res), ratio=ratio, max=limit)
    worst = max((h.lines[res].overcommit for h in hosts), default=0.0)
    return ok("goal.max_overcommit.within", res=_res(res), ratio=worst, max=limit)


class AllocatedMax(GoalParams):
    resource: Resource
    max: NonNeg
    """A quantity in the resource's unit: vCPUs, memory ("230 GiB") or disk ("2 TB")."""
    host: HostRef | None = None

    @field_validator("max", mode="before")
    @classmethod
    def _in_unit(cls, value: Any, info: ValidationInfo) -> Any:
        parse = {"ram": parse_mib, "disk": parse_gib}.get(str(info.data.get("resource")))
        return read_quantity(parse)(value) if parse else value


def allocated_max(dc: Datacenter, report: Report, p: AllocatedMax) -> Verdict:
    """Allocated ``resource`` at most ``max`` (a quantity: "230 GiB", 96 vCPUs)."""
    res, unit = p.resource, RESOURCE_UNIT[p.resource]
    for h in _hosts(report, p.host):
        if res in h.lines and h.lines[res].allocated > p.max + 1e-9:
            return fail("goal.allocated_max.over", host=h.name, res=_res(res),
                        allocated=Qty(h.lines[res].allocated, unit), max=Qty(p.max, unit))
    return ok("goal.allocated_max.within", res=_res(res), max=Qty(p.max, unit))


# --------------------------------------------------------------------------- sizes

class VmSize(GoalParams):
    vm: VmRef | tuple[VmRef, ...]
    min_vcpus: NonNeg | None = None
    max_vcpus: NonNeg | None = None
    min_memory: Mib | None = None
    max_memory: Mib | None = None


def vm_size(dc: Datacenter, report: Report, p: VmSize) -> Verdict:
    """A VM exists and its size is within the given bounds (an app's minimum, a right-size cap)."""
    for name in (p.vm,) if isinstance(p.vm, str) else p.vm:
        vm = dc.compute.vm_index.get(name)
        if vm is None:
            return fail("goal.missing", name=name)
        bounds = [(p.min_vcpus, vm.vcpus, "vcpu", True), (p.max_vcpus, vm.vcpus, "vcpu", False),
                  (p.min_memory, vm.memory_mib, "mib", True), (p.max_memory, vm.memory_mib, "mib", False)]
        for bound, value, unit, at_least in bounds:
            if bound is not None and not (value >= bound if at_least else value <= bound):
                return fail("goal.vm_size.too_small" if at_least else "goal.vm_size.too_big",
                            vm=name, size=Qty(value, unit), bound=Qty(bound, unit))
    return ok("goal.vm_size.within")


class Minimum(GoalParams):
    vcpus: int = Field(0, ge=0)
    memory: Mib = 0.0


class VmMinimums(GoalParams):
    minimums: dict[VmRef, Minimum]
    """VM name → its least size: ``{ web-1 = { vcpus = 2, memory = "8 GiB" }, … }``."""


def vm_minimums(dc: Datacenter, report: Report, p: VmMinimums) -> Verdict:
    """Every listed VM exists with at least its vCPUs and memory:
    ``minimums = { web-1 = { vcpus = 2, memory = "8 GiB" }, … }``. What counts is what the VM
    can use: a CPU limit of L MHz lets it use L ÷ the host's clock vCPUs (vSphere limits are
    MHz for the whole VM), a memory limit caps its memory."""
    short: list[Msg] = []
    for name, need in p.minimums.items():
        vm = dc.compute.vm_index.get(name)
        if vm is None:
            short.append(msg("goal.vm_minimums.missing", vm=name))
            continue
        args: dict[str, Any] = {"vm": name, "vcpus": vm.vcpus, "memory": Qty(vm.memory_mib, "mib"),
                                "want_vcpus": need.vcpus, "want_memory": Qty(need.memory, "mib")}
        if vm.vcpus < need.vcpus or vm.memory_mib < need.memory:
            short.append(msg("goal.vm_minimums.short", **args))
            continue
        host = dc.host_index.get(vm.host)
        vcpus = float(vm.vcpus)
        if vm.cpu_limit_mhz is not None and host is not None:
            vcpus = min(vcpus, vm.cpu_limit_mhz / host.mhz)
        memory = min(vm.memory_mib, vm.mem_limit_mib or vm.memory_mib)
        if vcpus < need.vcpus - 1e-9 or memory < need.memory - 1e-9:
            short.append(msg("goal.vm_minimums.limited", **args, got_vcpus=round(vcpus, 2),
                             got_memory=Qty(memory, "mib")))
    if short:
        n = len(short) - 1
        more = msg("goal.vm_minimums.more_one" if n == 1 else "goal.vm_minimums.more_many", n=n) if n else ""
        return fail("goal.vm_minimums.unmet", first=short[0], more=more)
    return ok("goal.vm_minimums.met", n=len(p.minimums))


# --------------------------------------------------------------------------- contention

class ReadyMax(GoalParams):
    max: Percent
    """The CPU ready % (per vCPU) every running VM must stay below."""
    host: HostRef | None = None
    with_costop: bool = False
    """Count co-stop too (all the time a vCPU waits)."""


def ready_max(dc: Datacenter, report: Report, p: ReadyMax) -> Verdict:
    """Every running VM's estimated CPU ready % (per vCPU) below ``max``; with
    ``with_costop = true``, ready plus co-stop (all the time a vCPU waits). A VM with fewer
    vCPUs than its work shows little ready — its guest CPUs run saturated instead — so a VM
    short of ``max`` % or more of its work for want of vCPUs fails too."""
    label = msg("goal.ready_max.wait" if p.with_costop else "goal.ready_max.ready")
    hosts = {h.name for h in _hosts(report, p.host)}
    worst: tuple[str, float] | None = None
    for w in report.workloads:
        if w.kind != "vm" or w.host not in hosts:
            continue
        for s in w.shortfalls:
            if s.cause is Cause.VCPUS and s.pct >= p.max:
                return Verdict(False, short_msg(w, s))
    for w in report.workloads:
        if w.kind == "vm" and w.cpu is not None and w.host in hosts:
            value = w.cpu.wait_pct if p.with_costop else w.cpu.ready_pct
            if worst is None or value > worst[1]:
                worst = (w.name, value)
    if worst and worst[1] >= p.max:
        return fail("goal.ready_max.over", vm=worst[0], label=label, pct=worst[1], max=p.max)
    return ok("goal.ready_max.within", label=label, pct=worst[1] if worst else 0.0, max=p.max)


_STATE_ORDER = [MemState.LOW, MemState.HARD, MemState.SOFT, MemState.CLEAR, MemState.HIGH]


class MemoryStateMin(GoalParams):
    at_least: MemoryState
    host: HostRef | None = None


def memory_state(dc: Datacenter, report: Report, p: MemoryStateMin) -> Verdict:
    """Each host's memory state (before reclamation) at least ``at_least`` (e.g. "clear")."""
    want = p.at_least
    for h in _hosts(report, p.host):
        if h.status is not HostStatus.UP:
            continue
        state = h.memory.state_before
        if _STATE_ORDER.index(state) < _STATE_ORDER.index(want):
            return fail("goal.memory_state.below", host=h.name, state=state.value,
                        free=Qty(h.memory.free_before_mib, "mib"),
                        min_free=Qty(h.memory.min_free_mib, "mib"), want=want.value)
    return ok("goal.memory_state.met", want=want.value)


class ActiveMemoryMax(GoalParams):
    max_pct: Percent
    host: HostRef | None = None


def active_memory_max(dc: Datacenter, report: Report, p: ActiveMemoryMax) -> Verdict:
    """Active VM memory at most ``max_pct`` % of each host's physical RAM — and no VM starved
    of memory by its own size or limit (a working set that does not fit swaps instead of
    counting as active host memory)."""
    hosts = {h.name for h in _hosts(report, p.host)}
    for w in report.workloads:
        s = w.starved
        if w.kind == "vm" and w.host in hosts and s is not None and s.resource == "memory":
            return Verdict(False, short_msg(w, s))
    for h in _hosts(report, p.host):
        active = sum(m.active_mib for m in h.memory.vms.values())
        pct = 100 * active / h.memory.total_mib
        if pct > p.max_pct + 1e-9:
            return fail("goal.active_memory_max.over", host=h.name, active=Qty(active, "mib"),
                        pct=pct, max=p.max_pct)
    return ok("goal.active_memory_max.within", max=p.max_pct)


# --------------------------------------------------------------------------- what runs

class CountMin(GoalParams):
    kind: Literal["vm", "container"]
    min: int = Field(ge=0)
    host: HostRef | None = None


def count_min(dc: Datacenter, report: Report, p: CountMin) -> Verdict:
    """At least ``min`` running workloads of ``kind`` ("vm" or "container"); one starved by its
    own size or limits (:attr:`WorkloadReport.starved`) does not count."""
    n = sum(1 for w in report.workloads if w.kind == p.kind and w.status is RowStatus.RUNNING
            and w.starved is None and (p.host is None or w.host == p.host))
    kinds = msg(f"goal.kinds.{p.kind}")
    if n < p.min:
        return fail("goal.count_min.short", n=n, kinds=kinds, want=p.min)
    return ok("goal.count_min.met", n=n, kinds=kinds)


def no_violations(dc: Datacenter, report: Report, p: NoParams) -> Verdict:
    """No placement or admission rule is broken."""
    if report.violations:
        return fail("goal.no_violations.broken", rule=Refusal((report.violations[0],)))
    return ok("goal.no_violations.none")


class Running(GoalParams):
    workloads: tuple[WorkloadRef, ...]


def running(dc: Datacenter, report: Report, p: Running) -> Verdict:
    """Each of ``workloads`` is running (not crashed, off, OOM-killed or on a failed host) and
    not starved by its own size or limits (short of 10 % or more of what its work needs)."""
    for name in p.workloads:
        w = report.workload(name)
        if w is None:
            return fail("goal.missing", name=name)
        if w.status != "running":
            return fail("goal.running.not", name=name,
                        status=msg(f"goal.workloads_run.status.{w.status.name.lower()}"))
        if w.starved is not None:
            return Verdict(False, short_msg(w, w.starved))
    return ok("goal.running.all")


CHECKS: tuple[CheckSpec[Any], ...] = (
    CheckSpec("max_overcommit", MaxOvercommit, max_overcommit),
    CheckSpec("allocated_max", AllocatedMax, allocated_max),
    CheckSpec("vm_size", VmSize, vm_size),
    CheckSpec("vm_minimums", VmMinimums, vm_minimums),
    CheckSpec("ready_max", ReadyMax, ready_max),
    CheckSpec("memory_state", MemoryStateMin, memory_state),
    CheckSpec("active_memory_max", ActiveMemoryMax, active_memory_max),
    CheckSpec("count_min", CountMin, count_min),
    CheckSpec("no_violations", NoParams, no_violations),
    CheckSpec("running", Running, running),
)
