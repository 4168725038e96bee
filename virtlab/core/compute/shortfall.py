"""What a workload needs, what it gets, and why it gets less: the shortfall and its cause.

Demand is what the application needs (a VM: cores of work and its working set; a container:
millicores and MiB); a workload's size and limits only bound what it *gets*. The cause says
which bound or neighbour takes the difference, because each looks different on a real system:

- ``vcpus`` — a VM with fewer vCPUs than its work: its guest CPUs run saturated (100 % busy
  inside the guest, the run queue grows) and the work takes longer. It is *not* hypervisor
  ready time: the vCPUs are running, not waiting for a core (VMware KB 2002181: ready is time
  runnable but not scheduled), so ready stays low — the fix is more vCPUs, not a quieter host.
- ``cpu-limit`` — a VM's CPU limit (MHz): the scheduler holds it back; esxtop counts that time
  as %MLMTD, part of %RDY (vSphere's ``cpu.demand`` counter is what it would use "if there were
  no CPU contention or CPU limit").
- ``cfs-quota`` — a container above its CPU limit: the kubelet's ``cpu.max`` quota (CFS
  bandwidth control, kernel ``scheduler/sched-bwc.rst``) throttles the cgroup once it has used
  its quota in a period, until the next period (``cpu.stat`` ``nr_throttled``).
- ``contention`` — the host's (or the VM's) CPU is divided by shares: ready time.
- ``guest-swap`` — a VM whose working set is larger than its memory: the guest OS pages to its
  own swap (the hypervisor sees nothing unusual).
- ``mem-limit`` — a VM's memory limit below its working set: the hypervisor never backs more
  than the limit, so it balloons and swaps the rest (vSphere Resource Management guide).

A container above its memory limit is OOM-killed in its cgroup
(:mod:`virtlab.core.compute.containers`), so its memory shortfall is its kill, not a number.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Cause(StrEnum):
    """Why a workload gets less than it needs (the first bound that takes the difference)."""

    NONE = "none"
    VCPUS = "vcpus"
    CPU_LIMIT = "cpu-limit"
    CFS_QUOTA = "cfs-quota"
    CONTENTION = "contention"
    GUEST_SWAP = "guest-swap"
    MEM_LIMIT = "mem-limit"


#: Causes that come from the workload's own size or limits, not from its neighbours.
OWN_BOUNDS: frozenset[Cause] = frozenset({Cause.VCPUS, Cause.CPU_LIMIT, Cause.CFS_QUOTA,
                                          Cause.GUEST_SWAP, Cause.MEM_LIMIT})

#: A workload short of at least this share of its need (in %) is starved: the line VMware KB
#: 2002181 draws for ready time per vCPU (10 % or more is a problem).
PROBLEM_PCT = 10.0


def short_pct(need: float, got: float) -> float:
    """The share of ``need`` not met, in % (0 when nothing is needed)."""
    return 100.0 * max(0.0, need - got) / need if need > 1e-9 else 0.0


def cpu_cause(need: float, size_bound: float, limit_bound: float | None, got: float,
              *, container: bool) -> Cause:
    """Which bound takes a CPU shortfall, checked in the order they bite: the workload's own
    size (a VM's vCPUs; a container's quota), its limit (a VM's MHz limit), then contention."""
    if need <= got + 1e-6:
        return Cause.NONE
    if need > size_bound + 1e-6:
        return Cause.CFS_QUOTA if container else Cause.VCPUS
    if limit_bound is not None and got >= limit_bound - 1e-6:
        return Cause.CPU_LIMIT
    return Cause.CONTENTION


def mem_cause(need: float, memory: float, limit: float | None) -> Cause:
    """Why a VM's working set does not fit: its memory (guest swap) or its limit."""
    if need > memory + 1e-6 and (limit is None or memory <= limit):
        return Cause.GUEST_SWAP
    if limit is not None and need > limit + 1e-6:
        return Cause.MEM_LIMIT
    return Cause.NONE


@dataclass(frozen=True, slots=True)
class Shortfall:
    """One resource a workload gets less of than it needs: ``need`` and ``got`` in MHz
    (``resource = "cpu"``) or MiB (``"memory"``), and the cause."""

    resource: str
    cause: Cause
    need: float
    got: float

    #: Properties carried into the report's JSON after the fields.
    JSON_PROPERTIES = ("short", "pct")

    @property
    def short(self) -> float:
        return max(0.0, self.need - self.got)

    @property
    def pct(self) -> float:
        return short_pct(self.need, self.got)

    @property
    def own(self) -> bool:
        """Caused by the workload's own size or limits (not by its neighbours)."""
        return self.cause in OWN_BOUNDS

    @property
    def starves(self) -> bool:
        """Its own bounds cut it by :data:`PROBLEM_PCT` or more."""
        return self.own and self.pct >= PROBLEM_PCT - 1e-9
