"""VM memory contention on each host: ESXi's memory states and reclamation.

Memory (ESXi, vSphere Resource Management guide): ``minFree = 899 MB + 1 % of host RAM above
28 GB``; states by free memory: high ≥ 400 % of minFree, clear ≥ 64 % (TPS breaks large pages
below 100 %), soft < 64 % (ballooning), hard < 32 % (compression and swapping; ballooning
stops), low < 16 % (also blocks new allocations). Each running VM consumes its configured
memory (cut at its limit; a long-running guest has touched it all) plus the hypervisor's
overhead. Ballooning takes idle memory (consumed − active) back, in proportion to each VM's
idle memory; if that does not bring free memory back to minFree, compression (at most
``Mem.MemZipMaxPct`` = 10 % of the VM's memory) and then swapping take the rest, divided by
memory shares above each reservation. Inter-VM TPS is off by default since vSphere 6.0
(salting), so TPS is shown active but saves nothing unless memory is shared. On a Hyper-V
host a VM with Dynamic Memory consumes its target (demand × (1 + buffer), within minimum …
maximum; :mod:`virtlab.core.compute.dynamic`) instead of all its memory.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import TYPE_CHECKING, ClassVar

from virtlab.core.compute.fairshare import fair_share
from virtlab.core.compute.models import VM, WorkloadStatus
from virtlab.core.compute.shortfall import Cause, mem_cause
from virtlab.core.compute.shortfall import short_pct as _short_pct
from virtlab.core.hosts import Host, HostStatus
from virtlab.core.hypervisors import HypervisorKind, vm_memory_overhead_mib

if TYPE_CHECKING:
    from virtlab.core.state import Datacenter

COMPRESSION_MAX_PCT = 0.10  # vSphere Mem.MemZipMaxPct default


class MemState(StrEnum):
    HIGH = "high"
    CLEAR = "clear"
    SOFT = "soft"
    HARD = "hard"
    LOW = "low"
    DOWN = "down"  # the host is down or panicked: no memory to give, no state of minFree


#: (state, free memory must be at least this share of minFree), from best to worst.
STATE_THRESHOLDS: tuple[tuple[MemState, float], ...] = (
    (MemState.HIGH, 4.00),
    (MemState.CLEAR, 0.64),
    (MemState.SOFT, 0.32),
    (MemState.HARD, 0.16),
)

TECHNIQUES: dict[MemState, tuple[str, ...]] = {
    MemState.HIGH: (),
    MemState.CLEAR: ("tps",),
    MemState.SOFT: ("tps", "balloon"),
    MemState.HARD: ("tps", "compress", "swap"),
    MemState.LOW: ("tps", "compress", "swap", "block"),
}


def min_free_mib(host_memory_mib: float) -> float:
    """ESXi ``minFree = 899 MB + 1 % of host RAM above 28 GB``."""
    return 899.0 + 0.01 * max(0.0, host_memory_mib - 28 * 1024)


def mem_state(free_mib: float, min_free: float) -> MemState:
    for state, share in STATE_THRESHOLDS:
        if free_mib >= share * min_free:
            return state
    return MemState.LOW


@dataclass(frozen=True, slots=True)
class VmMemory:
    """One running VM's memory on its host. ``need_mib`` is its working set (the guest's own
    active memory and what its containers use); ``active_mib`` what of it the VM can hold —
    at most its memory and its limit; the rest is its shortfall (``cause``: the guest swaps,
    or the hypervisor reclaims down to the limit; :mod:`virtlab.core.compute.shortfall`)."""

    name: str
    configured_mib: float
    consumed_mib: float
    active_mib: float
    overhead_mib: float
    balloon_mib: float = 0.0
    compressed_mib: float = 0.0
    swapped_mib: float = 0.0
    need_mib: float = 0.0
    cause: Cause = Cause.NONE

    #: Properties carried into the report's JSON after the fields, unrounded.
    JSON_EXACT: ClassVar[tuple[str, ...]] = ("resident_mib", "shortfall_mib")

    @property
    def shortfall_mib(self) -> float:
        """Working set the VM cannot hold in its memory (or under its limit)."""
        return max(0.0, self.need_mib - self.active_mib)

    @property
    def short_pct(self) -> float:
        return _short_pct(self.need_mib, self.active_mib)

    @property
    def resident_mib(self) -> float:
        return self.consumed_mib - self.balloon_mib - self.compressed_mib - self.swapped_mib


@dataclass(frozen=True, slots=True)
class HostMemory:
    host: str
    total_mib: float
    reserved_mib: float
    min_free_mib: float
    consumed_mib: float  # VMs (with overhead) and host containers before reclamation
    free_before_mib: float
    state_before: MemState
    free_after_mib: float
    state_after: MemState
    techniques: tuple[str, ...]
    vms: dict[str, VmMemory] = field(default_factory=dict)

    #: Properties carried into the report's JSON after the fields.
    JSON_EXACT: ClassVar[tuple[str, ...]] = ("blocks_allocations",)

    @property
    def blocks_allocations(self) -> bool:
        return self.state_after is MemState.LOW


def vm_need_mib(vm: VM, inner_usage_mib: float) -> float:
    """The VM's working set: the guest's own active memory plus what its containers use."""
    return vm.mem_active_mib + inner_usage_mib


def host_memory(
    dc: Datacenter, host: Host, inner_usage: dict[str, float], host_ctr_usage_mib: float
) -> HostMemory:
    """Memory state and reclamation on ``host`` (a host that is not up: state ``down``, no
    free memory — a failed host offers nothing, whatever its RAM).

    ``inner_usage`` gives, per VM, the memory its containers use; ``host_ctr_usage_mib`` is what
    containers directly on the host OS use.
    """
    total = host.memory_mib
    reserved = host.reserved_memory(dc.policy)
    mf = min_free_mib(total)
    if host.status is not HostStatus.UP:  # a failed host has nothing free: state "down"
        return HostMemory(host.name, total, reserved, mf, 0.0, 0.0, MemState.DOWN, 0.0, MemState.DOWN, ())
    vms = list(dc.compute.vms_by_host.get(host.name, []))
    rows: dict[str, VmMemory] = {}
    for v in vms:
        if v.status is not WorkloadStatus.RUNNING:
            continue
        inner = inner_usage.get(v.name, 0.0)
        need = vm_need_mib(v, inner)
        dm = v.dynamic_memory if host.hypervisor is HypervisorKind.HYPERV else None
        memory = dm.maximum_mib if dm else v.memory_mib
        cap = min(memory, v.mem_limit_mib) if v.mem_limit_mib is not None else memory
        # Dynamic Memory: the host gives the guest its target, not all it could grow to.
        consumed = min(cap, dm.target_mib(need)) if dm else cap
        active = min(consumed, need)
        rows[v.name] = VmMemory(
            v.name, v.memory_mib, consumed, active,
            vm_memory_overhead_mib(host.hypervisor, v.vcpus, v.memory_mib),
            need_mib=need, cause=mem_cause(need, memory, v.mem_limit_mib),
        )
    consumed = sum(r.consumed_mib + r.overhead_mib for r in rows.values()) + host_ctr_usage_mib
    free = total - reserved - consumed
    before = mem_state(free, mf)
    after = before
    techniques: tuple[str, ...] = TECHNIQUES[before]
    free_after = free
    if before in (MemState.SOFT, MemState.HARD, MemState.LOW):
        # The host passes through soft on its way down: it balloons idle memory first, and
        # compresses and swaps only if free memory would still be in the hard state or lower.
        rows, need = _balloon(rows, mf - free)
        used = ["tps"]
        if any(r.balloon_mib > 0 for r in rows.values()):
            used.append("balloon")
        if need > 0 and mem_state(mf - need, mf) in (MemState.HARD, MemState.LOW):
            rows = _compress_and_swap(dc, rows, need)
            used += ["compress", "swap"]
        free_after = free + sum(r.consumed_mib - r.resident_mib for r in rows.values())
        after = mem_state(free_after, mf)
        if after is MemState.LOW:
            used.append("block")
        techniques = tuple(used)
    return HostMemory(
        host.name, total, reserved, mf, consumed, free, before, free_after, after, techniques, rows
    )


def _balloon(rows: dict[str, VmMemory], need: float) -> tuple[dict[str, VmMemory], float]:
    """Reclaim idle memory by ballooning, in proportion to each VM's idle memory; returns the
    rows after ballooning and what is still needed."""
    idle = {n: max(0.0, r.consumed_mib - r.active_mib) for n, r in rows.items()}
    total_idle = sum(idle.values())
    if total_idle <= 0 or need <= 0:
        return rows, need
    take = min(need, total_idle)
    out = {n: replace(r, balloon_mib=take * idle[n] / total_idle) for n, r in rows.items()}
    return out, need - take


def _compress_and_swap(dc: Datacenter, rows: dict[str, VmMemory], need: float
                       ) -> dict[str, VmMemory]:
    """Take ``need`` MiB from active memory by shares above reservations; compress first."""
    names = list(rows)
    vms = [dc.compute.vm_index[n] for n in names]
    held = [rows[n].resident_mib for n in names]
    # A reservation is never reclaimed: if that leaves the host short, it stays hard/low.
    reserved = sum(min(v.mem_reservation_mib, h) for v, h in zip(vms, held, strict=True))
    capacity = max(reserved, sum(held) - need)
    keep = fair_share(
        capacity,
        [float(v.mem_share_value) for v in vms],
        [v.mem_reservation_mib for v in vms],
        held,
    )
    out = dict(rows)
    for n, v, h, k in zip(names, vms, held, keep, strict=True):
        loss = max(0.0, h - k)
        compress = min(loss, COMPRESSION_MAX_PCT * v.memory_mib)
        out[n] = replace(rows[n], compressed_mib=compress, swapped_mib=loss - compress)
    return out
