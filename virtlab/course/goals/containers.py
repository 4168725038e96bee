"""Goal checks on containers and isolation: cgroup limits, OOM kills, and how strongly two
workloads are kept apart (what they share).

Words: the ``goal.*`` keys of ``strings/{en,ko}-goals.toml``.
"""

from __future__ import annotations

from typing import Any, Literal

from virtlab.core.compute.isolation import isolation, placement
from virtlab.core.compute.report import RowStatus
from virtlab.core.report import Report
from virtlab.core.state import Datacenter
from virtlab.course.goals.fields import (
    ContainerRef,
    IsolationLevel,
    Mib,
    Millicores,
    WorkloadRef,
)
from virtlab.course.goals.registry import (
    Arg,
    CheckSpec,
    GoalParams,
    Listed,
    Qty,
    Verdict,
    fail,
    msg,
    ok,
)

__all__ = ["CHECKS"]


class ContainersLimited(GoalParams):
    resource: Literal["memory", "cpu"] = "memory"


def containers_limited(dc: Datacenter, report: Report, p: ContainersLimited) -> Verdict:
    """Every container has a memory limit (or a CPU limit, with ``resource = "cpu"``)."""
    for c in dc.compute.containers:
        if (c.mem_limit_mib if p.resource == "memory" else c.cpu_limit_m) is None:
            return fail("goal.containers_limited.missing", name=c.name, res=p.resource)
    return ok("goal.containers_limited.all", res=p.resource)


class NoOom(GoalParams):
    workloads: tuple[WorkloadRef, ...] = ()
    """Only these (default: every container)."""


def no_oom(dc: Datacenter, report: Report, p: NoOom) -> Verdict:
    """No container (or none of ``workloads``) is OOM-killed."""
    only = set(p.workloads) or None
    for w in report.workloads:
        if w.container and w.container.killed and (only is None or w.name in only):
            own = w.container.killed.value == "limit"
            why = msg("goal.no_oom.why_limit" if own else "goal.no_oom.why_node")
            return fail("goal.oom.killed", name=w.name, why=why)
    return ok("goal.no_oom.none")


class OomKilled(GoalParams):
    workload: ContainerRef
    own_cgroup: bool = True
    """Killed by its own cgroup's limit (not because the whole node ran out)."""


def oom_killed(dc: Datacenter, report: Report, p: OomKilled) -> Verdict:
    """``workload`` *is* OOM-killed (a lab that shows a limit working) — by the kernel's
    OOM killer, inside its own cgroup; a container that crashed or was stopped for another
    reason is not."""
    w = report.workload(p.workload)
    if w is None or w.container is None:
        return fail("goal.no_container", name=p.workload)
    if w.status is not RowStatus.OOM_KILLED or w.container.killed is None:
        if w.status is not RowStatus.RUNNING:
            return fail("goal.oom_killed.other", name=w.name,
                        status=msg(f"goal.workloads_run.status.{w.status.name.lower()}"))
        return fail("goal.oom_killed.not", name=w.name)
    own = w.container.killed.value == "limit"
    why = msg("goal.oom_killed.why_limit" if own else "goal.oom_killed.why_node")
    if p.own_cgroup and not own:
        return fail("goal.oom_killed.node", name=w.name)
    return ok("goal.oom.killed", name=w.name, why=why)


class ContainerLimits(GoalParams):
    container: ContainerRef
    cpu_limit: Millicores | None = None
    """``cpu.max`` as a Kubernetes quantity: "500m", 1.5 (cores)."""
    memory_limit: Mib | None = None
    """``memory.max``: "256 MiB"."""


def _cpu_max(millicores: float | None) -> str:
    """What ``cpu.max`` reads for a limit: ``"50000 100000"`` (quota and period, µs)."""
    return f"{int(millicores * 100)} 100000" if millicores else "max 100000"


def container_limits(dc: Datacenter, report: Report, p: ContainerLimits) -> Verdict:
    """A container's cgroup limits are exactly these (``cpu_limit = "500m"``, ``memory_limit = "256 MiB"``)."""
    c = dc.compute.container_index.get(p.container)
    if c is None:
        return fail("goal.no_container", name=p.container)
    if p.memory_limit is not None:
        if c.mem_limit_mib is None or abs(c.mem_limit_mib - p.memory_limit) > 0.5:
            got: Arg = Qty(c.mem_limit_mib, "mib") if c.mem_limit_mib else "max"
            return fail("goal.container_limits.memory", name=c.name, got=got,
                        want=Qty(p.memory_limit, "mib"))
    if p.cpu_limit is not None:
        if c.cpu_limit_m is None or abs(c.cpu_limit_m - p.cpu_limit) > 0.5:
            return fail("goal.container_limits.cpu", name=c.name, got=_cpu_max(c.cpu_limit_m),
                        want=f"{int(p.cpu_limit * 100)} 100000")
    return ok("goal.container_limits.set", name=c.name)


# --------------------------------------------------------------------------- isolation

class IsolationMin(GoalParams):
    a: WorkloadRef
    b: WorkloadRef
    level: IsolationLevel
    """The weakest isolation allowed: same_vm, shared_kernel, host_kernel, hypervisor,
    separate_hosts."""


#: What two workloads may share (see :mod:`virtlab.core.compute.isolation`), by message key.
_SHARED = {"hardware": "hardware", "hypervisor": "hypervisor", "kernel": "kernel",
           "host kernel": "host_kernel", "VM": "vm"}


def _shared(item: str) -> Arg:
    if item.startswith("datastore "):
        return msg("goal.shared.datastore", name=item.removeprefix("datastore "))
    return msg(f"goal.shared.{_SHARED[item]}") if item in _SHARED else item


def isolation_min(dc: Datacenter, report: Report, p: IsolationMin) -> Verdict:
    """Workloads ``a`` and ``b`` isolated at least at ``level`` (e.g. "hypervisor")."""
    for name in (p.a, p.b):
        if placement(dc, name) is None:
            return fail("goal.isolation_min.missing", name=name)
    pair = isolation(dc, p.a, p.b)
    how = msg(f"goal.level.{pair.level.name.lower()}")
    if pair.level < p.level:
        shared = Listed(tuple(_shared(x) for x in pair.shared), msg("goal.shared.none"))
        return fail("goal.isolation_min.weaker", a=pair.a, b=pair.b, how=how, shared=shared)
    return ok("goal.isolation_min.met", a=pair.a, b=pair.b, how=how)


CHECKS: tuple[CheckSpec[Any], ...] = (
    CheckSpec("containers_limited", ContainersLimited, containers_limited),
    CheckSpec("no_oom", NoOom, no_oom),
    CheckSpec("oom_killed", OomKilled, oom_killed),
    CheckSpec("container_limits", ContainerLimits, container_limits),
    CheckSpec("isolation_min", IsolationMin, isolation_min),
)
