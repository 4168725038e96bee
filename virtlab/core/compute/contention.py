"""CPU contention on each host: entitlements, and estimated ready and co-stop time.

CPU: each running VM and host-level container gets ``clamp(λ·shares, reservation, min(demand,
limit))`` of the host's CPU (:mod:`virtlab.core.compute.fairshare`). Containers inside a VM divide
that VM's entitlement with the guest's own work by their cgroup shares.

CPU ready (VMware KB 2002181: ``ready% = ready_ms / (interval_s × 1000) × 100``, per vCPU
divided by the vCPU count; < 5 % healthy, ≥ 10 % per vCPU a problem) is *estimated*, not
measured: the share of time a vCPU is runnable but not running. Ready has two parts, and
co-stop is a third kind of waiting:

1. unmet demand — work the VM could run (its need, cut at its vCPUs: the rest saturates the
   guest and is not ready time, :mod:`virtlab.core.compute.shortfall`) but was not entitled
   to: ``(demand − entitlement) / (vCPUs × MHz)``;
2. queueing — even when it gets its share, a runnable vCPU may wait for a free core. We model
   the host's cores as an M/M/c queue (Erlang C) whose load is the *others'* entitled load as
   a proportional-share scheduler ranks it: each other workload counts only up to this VM's
   own entitlement per share, since the scheduler favours whoever is furthest below its
   share. The wait per unit of running time is ``C(c, A) / (c − A)``, times the busy fraction;
3. co-scheduling — ESXi keeps a multi-vCPU VM's vCPUs in step with *relaxed*
   co-scheduling (VMware, "The CPU Scheduler in VMware vSphere 5.1"): a vCPU is co-stopped
   only when it runs ahead of a *busy* sibling that cannot be scheduled; idle siblings accrue
   no skew, and the VM runs on whatever PCPUs are free, one at a time if need be. So a
   running vCPU is co-stopped only while some of its busy siblings find no free PCPU:
   ``costop = b × Σ_j P(j siblings busy) × P(others' busy vCPUs > slots − 1 − j)``, with
   ``j ~ Binomial(v − 1, b)``, the others' busy vCPUs a sum of Bernoulli trials (each vCPU
   busy with its VM's busy fraction) approximated as normal, and the slots the host's logical
   CPUs (ESXi places vCPUs on hyperthreads). Skew thresholds are not modelled, so this errs
   high. A VM whose demand is met on a host with idle PCPUs has (almost) none. KVM (Linux
   CFS), Xen and Hyper-V schedule each vCPU on its own — no co-scheduling, so no co-stop.
   VMware reports it as co-stop (%CSTP), apart from ready, so we do too; ``wait_pct`` is the
   two together.

Ready and co-stop together never exceed a vCPU's idle time. Wide VMs on busy hosts wait
longest — why "more vCPUs = faster" is wrong. This is a teaching model, and the screen says
"estimated".

Memory contention is in :mod:`virtlab.core.compute.memory`.
"""

from __future__ import annotations

import bisect
import functools
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from virtlab.core.compute.fairshare import fair_share
from virtlab.core.compute.models import VM, Container, WorkloadStatus
from virtlab.core.compute.shortfall import Cause, cpu_cause
from virtlab.core.compute.shortfall import short_pct as _short_pct
from virtlab.core.hosts import Host
from virtlab.core.hypervisors import HypervisorKind

#: Hypervisors that co-schedule a VM's vCPUs (and so show co-stop): ESXi's relaxed
#: co-scheduler. KVM, Xen and Hyper-V schedule every vCPU independently.
COSCHEDULING: frozenset[HypervisorKind] = frozenset({HypervisorKind.ESXI})

if TYPE_CHECKING:
    from virtlab.core.state import Datacenter



def cgroup_cpu_shares(request_m: float) -> int:
    """kubelet ``MilliCPUToShares``: ``milliCPU × 1024 / 1000``, within 2 … 262144."""
    return min(262144, max(2, int(request_m * 1024 // 1000)))


def vm_running(dc: Datacenter, vm: VM) -> bool:
    host = dc.host_index.get(vm.host)
    return vm.status is WorkloadStatus.RUNNING and host is not None and host.is_up


def container_running(dc: Datacenter, c: Container) -> bool:
    if c.status is not WorkloadStatus.RUNNING:
        return False
    if c.host is not None:
        host = dc.host_index.get(c.host)
        return host is not None and host.is_up
    vm = dc.compute.vm_index.get(c.vm or "")
    return vm is not None and vm_running(dc, vm)


# --------------------------------------------------------------------------- CPU


@dataclass(frozen=True, slots=True)
class CpuShare:
    """What one workload needed, could use, and got (:mod:`virtlab.core.compute.shortfall`).

    ``need_mhz`` is what its work needs; ``demand_mhz`` what it can use of that — the need
    bounded by its vCPUs (a VM) or its ``cpu.max`` quota (a container), what the scheduler
    sees; ``entitlement_mhz`` what it gets. ``cause`` names what takes the shortfall.
    """

    name: str
    demand_mhz: float
    entitlement_mhz: float
    ready_pct: float = 0.0  # per vCPU for VMs; for containers the share of demand unmet
    costop_pct: float = 0.0  # per vCPU: waiting for sibling vCPUs (VMware's %CSTP)
    need_mhz: float | None = None  # None: the demand
    cause: Cause = Cause.NONE

    @property
    def need(self) -> float:
        """What the work needs, in MHz."""
        return self.demand_mhz if self.need_mhz is None else self.need_mhz

    @property
    def unmet_mhz(self) -> float:
        """What it could use but was not given (contention or a limit: ready time)."""
        return max(0.0, self.demand_mhz - self.entitlement_mhz)

    @property
    def shortfall_mhz(self) -> float:
        """What its work needs but does not get, for any cause."""
        return max(0.0, self.need - self.entitlement_mhz)

    @property
    def short_pct(self) -> float:
        return _short_pct(self.need, self.entitlement_mhz)

    def as_json(self) -> dict[str, float | str]:
        return {"demand_mhz": self.demand_mhz, "entitlement_mhz": self.entitlement_mhz,
                "unmet_mhz": self.unmet_mhz, "ready_pct": round(self.ready_pct, 4),
                "costop_pct": round(self.costop_pct, 4), "need_mhz": self.need,
                "shortfall_mhz": self.shortfall_mhz, "cause": self.cause.value}

    @property
    def wait_pct(self) -> float:
        """Everything a vCPU spends runnable but not running: ready plus co-stop."""
        return self.ready_pct + self.costop_pct


def erlang_c(servers: int, load: float) -> float:
    """Probability that an arrival waits in an M/M/c queue (Erlang C); 1.0 when saturated.

    Cached on the load rounded to 1/1000 of a core: hosts in large states repeat it a lot."""
    return _erlang_c(servers, round(load, 3))


@functools.lru_cache(maxsize=65536)
def _erlang_c(servers: int, load: float) -> float:
    if servers <= 0 or load >= servers:
        return 1.0
    if load <= 0:
        return 0.0
    b = 1.0  # Erlang B by recursion, stable for large c
    for k in range(1, servers + 1):
        b = load * b / (k + load * b)
    return servers * b / (servers - load * (1 - b))


def container_cpu_demand_m(c: Container) -> float:
    """What a container can use: its demand, cut at its CPU limit (cgroup ``cpu.max``)."""
    return min(c.cpu_demand_m, c.cpu_limit_m) if c.cpu_limit_m is not None else c.cpu_demand_m


def _vm_cpu_need_cores(dc: Datacenter, vm: VM) -> float:
    """The guest's own work plus what its containers can use (each cut at its quota)."""
    inner = sum(
        container_cpu_demand_m(c) / 1000
        for c in dc.compute.containers_by_parent.get(("vm", vm.name), [])
        if c.status is WorkloadStatus.RUNNING
    )
    return vm.cpu_demand + inner


def _cause(need: float, demand: float, ent: float, limit: float | None = None, *,
           container: bool = False) -> Cause:
    """``demand`` is the need cut at the workload's size (vCPUs or quota)."""
    return cpu_cause(need, demand, limit, ent, container=container)


def host_cpu(dc: Datacenter, host: Host) -> dict[str, CpuShare]:
    """Entitlements and estimated ready time for every running workload on ``host``."""
    out: dict[str, CpuShare] = {}
    if not host.is_up:
        return out
    mhz = host.mhz
    vms = [v for v in dc.compute.vms_by_host.get(host.name, []) if v.status is WorkloadStatus.RUNNING]
    ctrs = [
        c for c in dc.compute.containers_by_parent.get(("host", host.name), [])
        if c.status is WorkloadStatus.RUNNING
    ]
    needs = [_vm_cpu_need_cores(dc, v) * mhz for v in vms]
    needs += [c.cpu_demand_m / 1000 * mhz for c in ctrs]
    # What each can use: a VM at most its vCPUs (the rest saturates the guest), a container
    # at most its cpu.max quota (the rest is throttled).
    demands = [min(n, v.vcpus * mhz) for n, v in zip(needs, vms, strict=False)]
    demands += [container_cpu_demand_m(c) / 1000 * mhz for c in ctrs]
    caps = [
        min(d, v.cpu_limit_mhz) if v.cpu_limit_mhz is not None else d
        for d, v in zip(demands, vms, strict=False)
    ] + demands[len(vms):]
    floors = [v.cpu_reservation_mhz for v in vms] + [0.0] * len(ctrs)
    weights = [float(v.cpu_share_value) for v in vms]
    weights += [float(cgroup_cpu_shares(c.eff_cpu_request_m)) for c in ctrs]
    usable_cores = max(0.0, host.physical_cores - host.reserved_cpu(dc.policy))
    ents = fair_share(usable_cores * mhz, weights, floors, caps)

    cores = int(usable_cores)
    slots = int(max(0.0, host.logical_cpus - host.reserved_cpu(dc.policy)))  # PCPUs for vCPUs
    coschedules = host.hypervisor in COSCHEDULING
    others = _others_load(ents, weights)
    # Busy vCPUs of everyone, for the co-scheduling term: mean and variance of a sum of
    # Bernoulli(b) per vCPU, b = a VM's busy fraction; containers add their load as mean only.
    busy = [ents[i] / (vm.vcpus * mhz) for i, vm in enumerate(vms)]
    mean_all = sum(ents) / mhz
    var_all = sum(vm.vcpus * b * (1 - b) for vm, b in zip(vms, busy, strict=True))
    for i, vm in enumerate(vms):
        b = busy[i]
        unmet = max(0.0, demands[i] - ents[i]) / (vm.vcpus * mhz)
        load = others[i] / mhz
        wait = math.inf if load >= cores else erlang_c(cores, load) / (cores - load)
        costop = 0.0
        if vm.vcpus > 1 and coschedules:
            mean = mean_all - vm.vcpus * b
            var = max(0.0, var_all - vm.vcpus * b * (1 - b))
            costop = b * relaxed_costop(vm.vcpus, b, slots, mean, var)
        ready = min(1.0 - b, unmet + b * wait) if b > 0 or unmet > 0 else 0.0
        costop = min(max(0.0, 1.0 - b - ready), costop)
        cause = _cause(needs[i], demands[i], ents[i], vm.cpu_limit_mhz)
        out[vm.name] = CpuShare(vm.name, demands[i], ents[i], 100.0 * max(0.0, ready), 100.0 * costop,
                                needs[i], cause)
        out.update(_inner_cpu(dc, vm, ents[i], mhz))
    for j, c in enumerate(ctrs):
        k = len(vms) + j
        unmet = demands[k] - ents[k]
        pct = 100.0 * unmet / demands[k] if demands[k] > 0 else 0.0
        out[c.name] = CpuShare(c.name, demands[k], ents[k], max(0.0, pct), 0.0, needs[k],
                               _cause(needs[k], demands[k], ents[k], container=True))
    return out


def relaxed_costop(vcpus: int, busy: float, slots: int, mean: float, var: float) -> float:
    """P(a running vCPU has a busy sibling that finds no free PCPU): its ``vcpus − 1``
    siblings are each busy with probability ``busy``; the other VMs' busy vCPUs have this
    ``mean`` and ``var``; ``slots`` PCPUs in all (relaxed co-scheduling, module docstring)."""
    n = vcpus - 1
    b = min(max(busy, 0.0), 1.0)
    if n <= 0 or b <= 0.0:
        return 0.0
    if b >= 1.0:
        return _prob_more_than(slots - 1 - n, mean, var)
    total, pmf = 0.0, (1.0 - b) ** n  # P(j = 0); co-stop needs j ≥ 1 busy siblings
    odds = b / (1.0 - b)
    for j in range(1, n + 1):
        pmf *= (n - j + 1) / j * odds
        if pmf == 0.0 and j > n * b:
            break
        total += pmf * _prob_more_than(slots - 1 - j, mean, var)
    return min(1.0, total)


def _prob_more_than(k: float, mean: float, var: float) -> float:
    """P(N > k) for a count with this mean and variance (normal approximation, continuity-corrected)."""
    if var <= 1e-12:
        return 1.0 if mean > k else 0.0
    return 0.5 * math.erfc((k + 0.5 - mean) / math.sqrt(2 * var))


def _others_load(ents: list[float], weights: list[float]) -> list[float]:
    """For each claimant, the others' load counted up to its own entitlement per share.

    ``Σ_{j≠i} min(ent_j, level_i × w_j)`` with ``level_i = ent_i / w_i``, in O(n log n) by
    sorting levels and keeping prefix sums.
    """
    n = len(ents)
    levels = [e / max(w, 1e-12) for e, w in zip(ents, weights, strict=True)]
    order = sorted(range(n), key=levels.__getitem__)
    sorted_levels = [levels[k] for k in order]
    prefix_ent = [0.0]
    for k in order:
        prefix_ent.append(prefix_ent[-1] + ents[k])
    suffix_w = [0.0] * (n + 1)
    for pos in range(n - 1, -1, -1):
        suffix_w[pos] = suffix_w[pos + 1] + weights[order[pos]]
    out = [0.0] * n
    for i in range(n):
        pos = bisect.bisect_right(sorted_levels, levels[i])
        total = prefix_ent[pos] + levels[i] * suffix_w[pos]
        out[i] = max(0.0, total - ents[i])
    return out


def _inner_cpu(dc: Datacenter, vm: VM, vm_ent: float, mhz: float) -> dict[str, CpuShare]:
    """Containers in a VM share the VM's entitlement with the guest's own work (weight 1024)."""
    ctrs = [
        c for c in dc.compute.containers_by_parent.get(("vm", vm.name), [])
        if c.status is WorkloadStatus.RUNNING
    ]
    if not ctrs:
        return {}
    demands = [min(vm.cpu_demand, vm.vcpus) * mhz]
    demands += [container_cpu_demand_m(c) / 1000 * mhz for c in ctrs]
    needs = [c.cpu_demand_m / 1000 * mhz for c in ctrs]
    weights = [1024.0] + [float(cgroup_cpu_shares(c.eff_cpu_request_m)) for c in ctrs]
    ents = fair_share(vm_ent, weights, [0.0] * len(demands), demands)
    out = {}
    for j, c in enumerate(ctrs, start=1):
        pct = 100.0 * (demands[j] - ents[j]) / demands[j] if demands[j] > 0 else 0.0
        out[c.name] = CpuShare(c.name, demands[j], ents[j], max(0.0, pct), 0.0, needs[j - 1],
                               _cause(needs[j - 1], demands[j], ents[j], container=True))
    return out
