"""The storage blast radius per workload: for each single fault below the datastores — a
storage array, a fabric switch, a path, a whole RAID group, one physical disk, and for a
datastore of RBD images a Ceph host or an OSD (Ceph docs: a PG below min_size stops I/O,
and an image is striped over the pool's PGs) — which
workloads lose their disk (every path from their host to it is down, or its data is gone)
and which keep running degraded (a path or a RAID member fewer); and the check "does this
datastore stay reachable from every host it is presented to after any single fault of
these kinds", which returns the counterexample.

The storage domain knows no VMs: the workloads come in as :class:`Use` — a workload, the
host it runs on, the containers inside it — per datastore (the report builds them from
the compute part). What a host sees follows :func:`.san.backing_reach` (vSphere Storage
guide: multipathing keeps a LUN while one path is up; all paths down is APD).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from virtlab.core.storage import raid, san
from virtlab.core.storage.faults import set_san
from virtlab.core.storage.stack import StorageStack, rbd_state

__all__ = ["FAULT_KINDS", "Counterexample", "StorageBlast", "Use", "faults_under", "storage_blast",
           "survives_every"]

FaultKind = Literal["array", "fabric", "path", "raid", "disk", "ceph-host", "osd"]
#: The kinds of single fault the blast radius and the survival check try, in this order.
FAULT_KINDS: tuple[FaultKind, ...] = ("array", "fabric", "path", "raid", "disk", "ceph-host", "osd")


@dataclass(frozen=True, slots=True)
class Use:
    """A workload with a disk on a datastore: where it runs, and what runs inside it."""

    workload: str
    host: str
    inner: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class StorageBlast:
    """One fault's effect on the workloads."""

    fault: str  # "array:array-1", "fabric:fab-a", "path:esx-2-a", "raid:rg-1", "disk:d3"
    lose_disk: tuple[str, ...]  # disk I/O stops (all paths down, or the data is gone)
    degraded: tuple[str, ...]  # still running, with one path or one RAID member fewer
    datastores: tuple[str, ...]  # lost from at least one host


def faults_under(stack: StorageStack, datastores: Iterable[str],
                 kinds: Sequence[FaultKind] = FAULT_KINDS) -> list[tuple[FaultKind, str]]:
    """The single faults that can touch these datastores' back ends, kind by kind."""
    backs = [stack.backings[d] for d in datastores if d in stack.backings]
    arrays = list(dict.fromkeys(b.array for b in backs))
    found: dict[FaultKind, list[str]] = {k: [] for k in FAULT_KINDS}
    found["array"] = arrays
    ports = {(a.name, p.name): p.fabric for a in stack.arrays if a.name in arrays for p in a.ports}
    found["fabric"] = list(dict.fromkeys(f for f in ports.values()))
    found["path"] = [p.name for p in stack.paths if (p.array, p.port) in ports]
    groups = list(dict.fromkeys(b.group for b in backs))
    found["raid"] = [g for g in groups if g in stack.raid_index]
    found["disk"] = list(dict.fromkeys(d for g in groups for d in (
        stack.raid_index[g].disks if g in stack.raid_index else (g,)) if d in stack.disk_index))
    if stack.ceph is not None and any(d in stack.rbd_backings for d in datastores):
        found["ceph-host"] = list(dict.fromkeys(o.host for o in stack.ceph.osds))
        found["osd"] = [o.name for o in stack.ceph.osds]
    return [(k, name) for k in kinds for name in found[k]]


def apply_fault(stack: StorageStack, kind: FaultKind, name: str) -> StorageStack:
    """``stack`` with one part failed."""
    if kind == "disk":
        return stack.evolve(disks=tuple(d.model_copy(update={"state": raid.DiskState.FAILED})
                                        if d.name == name else d for d in stack.disks))
    if kind == "ceph-host" or kind == "osd":
        c = stack.ceph
        assert c is not None
        osds = tuple(o.model_copy(update={"up": False}) if name in (o.name, o.host) else o for o in c.osds)
        return stack.evolve(ceph=c.model_copy(update={"osds": osds}))
    return set_san(stack, kind, name, False)


def _effects(stack: StorageStack, users: Mapping[str, Sequence[Use]]
             ) -> tuple[set[str], set[str], set[str]]:
    """(workloads that lose their disk, workloads degraded, datastores lost from a host)."""
    view = stack.san_view
    lost: set[str] = set()
    degraded: set[str] = set()
    gone: set[str] = set()
    for ds, b in stack.backings.items():
        states = {host: san.backing_reach(view, b, host).state for host in b.hosts}
        if not all(state.usable for state in states.values()):
            gone.add(ds)
        for use in users.get(ds, ()):
            state = states.get(use.host, san.ReachState.UNMAPPED)
            if not state.usable:
                lost.update((use.workload, *use.inner))
            elif state is san.ReachState.DEGRADED:
                degraded.update((use.workload, *use.inner))
    for ds, pool in stack.rbd_backings.items():
        if not users.get(ds):
            continue
        state = rbd_state(stack, pool)
        if not state.usable:
            gone.add(ds)
        for use in users[ds]:
            (lost if not state.usable else degraded if state is san.ReachState.DEGRADED else set()).update(
                (use.workload, *use.inner))
    return lost, degraded - lost, gone


def storage_blast(stack: StorageStack, users: Mapping[str, Sequence[Use]]) -> list[StorageBlast]:
    """For each single fault under the datastores that hold workloads' disks, what it takes
    away beyond what is already broken (in the workloads' order)."""
    used = [d for d in (*stack.backings, *stack.rbd_backings) if users.get(d)]
    if not used:
        return []
    seq: dict[str, int] = {}
    for uses in users.values():
        for u in uses:
            for w in (u.workload, *u.inner):
                seq.setdefault(w, len(seq))
    lost0, degraded0, gone0 = _effects(stack, users)
    out = []
    for kind, name in faults_under(stack, used):
        lost, degraded, gone = _effects(apply_fault(stack, kind, name), users)
        out.append(StorageBlast(f"{kind}:{name}", tuple(sorted(lost - lost0, key=seq.__getitem__)),
                                tuple(sorted(degraded - degraded0 - lost0, key=seq.__getitem__)),
                                tuple(sorted(gone - gone0))))
    return out


@dataclass(frozen=True, slots=True)
class Counterexample:
    """A fault (None: none is needed) after which ``host`` cannot use the datastore."""

    fault: str | None
    host: str
    state: str
    why: str


def survives_every(stack: StorageStack, datastore: str, kinds: Sequence[FaultKind]) -> Counterexample | None:
    """None if every host ``datastore`` is presented to still uses it after any single fault
    of ``kinds``; otherwise the first fault (or the state now) that cuts a host off."""
    def first_cut(s: StorageStack, fault: str | None) -> Counterexample | None:
        if datastore in s.rbd_backings:
            state = rbd_state(s, s.rbd_backings[datastore])
            return None if state.usable else Counterexample(fault, "*", state.value, "pgs_inactive")
        b = s.backings[datastore]
        for host in b.hosts:
            r = san.backing_reach(s.san_view, b, host)
            if not r.state.usable:
                return Counterexample(fault, host, r.state.value, r.why)
        return None

    now = first_cut(stack, None)
    if now is not None:
        return now
    for kind, name in faults_under(stack, [datastore], kinds):
        cut = first_cut(apply_fault(stack, kind, name), f"{kind}:{name}")
        if cut is not None:
            return cut
    return None
