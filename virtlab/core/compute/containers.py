"""Containers: Kubernetes QoS classes, cgroup values and who the OOM killer takes.

- QoS (Kubernetes "Pod Quality of Service Classes"): Guaranteed when CPU and memory limits
  are set and equal the requests; BestEffort with no request or limit at all; else Burstable.
- cgroup CPU (``pkg/kubelet/cm/helpers_linux.go``): v1 ``cpu.shares = milliCPU × 1024 /
  1000`` (at least 2; BestEffort gets 2); quota ``milliCPU × 100`` µs per 100 000 µs period,
  i.e. v2 ``cpu.max = "QUOTA 100000"``; v2 ``cpu.weight = 1 + (shares − 2) × 9999 / 262142``
  (the runc conversion). ``memory.max`` is the memory limit.
- OOM (``pkg/kubelet/qos/policy.go``): ``oom_score_adj`` −997 Guaranteed, 1000 BestEffort,
  Burstable ``1000 − 1000 × memory_request / node_memory_capacity`` kept within 3…999. A
  container above its own limit is killed inside its cgroup alone. When the node runs out, the
  kernel kills the highest ``oom_badness`` first: ``usage / total × 1000 + oom_score_adj``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

from virtlab.core.compute.contention import cgroup_cpu_shares
from virtlab.core.compute.models import Container

MIB = 1024 * 1024


class QoS(StrEnum):
    GUARANTEED = "Guaranteed"
    BURSTABLE = "Burstable"
    BEST_EFFORT = "BestEffort"


def qos_class(c: Container) -> QoS:
    if all(v is None for v in (c.cpu_request_m, c.cpu_limit_m, c.mem_request_mib, c.mem_limit_mib)):
        return QoS.BEST_EFFORT
    if (
        c.cpu_limit_m is not None
        and c.mem_limit_mib is not None
        and c.eff_cpu_request_m == c.cpu_limit_m
        and c.eff_mem_request_mib == c.mem_limit_mib
    ):
        return QoS.GUARANTEED
    return QoS.BURSTABLE


def oom_score_adj(c: Container, node_memory_mib: float) -> int:
    """kubelet ``GetContainerOOMScoreAdjust`` (integer arithmetic on bytes, as in Go)."""
    q = qos_class(c)
    if q is QoS.GUARANTEED:
        return -997
    if q is QoS.BEST_EFFORT:
        return 1000
    request = int(c.eff_mem_request_mib * MIB)
    capacity = int(node_memory_mib * MIB)
    adj = 1000 - (1000 * request) // capacity if capacity > 0 else 999
    if adj < 3:
        return 3
    if adj == 1000:
        return 999
    return adj


def cgroup_values(c: Container) -> dict[str, str]:
    """The cgroup files the kubelet would write for this container."""
    shares = 2 if qos_class(c) is QoS.BEST_EFFORT else cgroup_cpu_shares(c.eff_cpu_request_m)
    weight = 1 + ((shares - 2) * 9999) // 262142
    # kubelet MilliCPUToQuota: milliCPU × 100 µs per 100 000 µs, at least MinQuotaPeriod (1000).
    quota = f"{max(1000, int(c.cpu_limit_m * 100))} 100000" if c.cpu_limit_m is not None else "max 100000"
    mem_max = str(int(c.mem_limit_mib * MIB)) if c.mem_limit_mib is not None else "max"
    return {
        "cpu.max": quota,
        "cpu.shares": str(shares),
        "cpu.weight": str(weight),
        "memory.max": mem_max,
    }


class KillReason(StrEnum):
    LIMIT = "limit"  # above its own memory.max: killed inside its cgroup
    NODE = "node"  # the node (host or VM) ran out: the kernel's OOM killer chose it


@dataclass(frozen=True, slots=True)
class ContainerMemory:
    name: str
    qos: QoS
    oom_score_adj: int
    usage_mib: float
    killed: KillReason | None = None


def node_oom(
    containers: list[Container], node_memory_mib: float, available_mib: float
) -> dict[str, ContainerMemory]:
    """Which running containers on one node (a host OS or a VM's guest) get OOM-killed.

    ``node_memory_mib`` is the machine's memory (for ``oom_score_adj``); ``available_mib`` is
    what is left for containers after the system and everything else on the node.
    """
    out: dict[str, ContainerMemory] = {}
    alive: list[ContainerMemory] = []
    for c in containers:
        row = ContainerMemory(c.name, qos_class(c), oom_score_adj(c, node_memory_mib), c.mem_demand_mib)
        if c.mem_limit_mib is not None and c.mem_demand_mib > c.mem_limit_mib:
            row = replace(row, killed=KillReason.LIMIT)
        else:
            alive.append(row)
        out[c.name] = row
    used = sum(r.usage_mib for r in alive)
    total = max(node_memory_mib, 1.0)
    while used > available_mib + 1e-9 and alive:
        victim = max(alive, key=lambda r: (r.usage_mib / total * 1000 + r.oom_score_adj, r.usage_mib, r.name))
        out[victim.name] = replace(victim, killed=KillReason.NODE)
        alive.remove(victim)
        used -= victim.usage_mib
    return out
