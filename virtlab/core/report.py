"""The report: one function from a state to everything the panels show.

Every number the app or ``virtlab report`` prints comes from here. Each host's part comes from
:mod:`virtlab.core.compute.report`, computed from that host's slice of the state and cached
by it (:class:`PartCache`); datastores from :mod:`virtlab.core.storage.usage`. A session's
cache also keeps its last reports: a state one action away from one of them gets that report
with only the parts :func:`virtlab.core.report_delta.delta` names recomputed. The pairwise
isolation matrix is quadratic, so it is included only for small labs (:data:`MATRIX_LIMIT`
workloads); larger states get per-workload neighbour counts, and
:func:`~virtlab.core.compute.isolation.isolation_from` answers for one workload on demand.
"""

from __future__ import annotations

import math
from collections import OrderedDict, deque
from dataclasses import dataclass, field, fields, is_dataclass
from enum import Enum
from itertools import chain
from typing import Any

from virtlab.core.base import Violation, construct
from virtlab.core.compute.isolation import Blast, Pair, blast_of, blast_radius, isolation_matrix
from virtlab.core.compute.models import ComputePart
from virtlab.core.compute.report import (
    HostPart,
    HostReport,
    WorkloadReport,
    host_part,
    workload_rows,
)
from virtlab.core.compute.rules import node_violations
from virtlab.core.hosts import Host
from virtlab.core.network.report import NetworkReport, network_report
from virtlab.core.network.trace import where_of
from virtlab.core.report_delta import Delta, delta
from virtlab.core.rules import datastore_rules
from virtlab.core.state import Datacenter
from virtlab.core.storage.blast import StorageBlast, Use, storage_blast
from virtlab.core.storage.models import StoragePart
from virtlab.core.storage.stack import StackReport, stack_report
from virtlab.core.storage.usage import DatastoreUsage, datastore_usage

MATRIX_LIMIT = 40
#: Up to this many hosts a report is built from its host parts (cached), not from a recent
#: report: too few parts for the delta to pay.
SMALL_HOSTS = 8

__all__ = ["MATRIX_LIMIT", "HostReport", "PartCache", "Report", "WorkloadReport", "build_report",
           "to_jsonable"]


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
    _stack: StackReport | None = field(default=None, repr=False)
    _network: NetworkReport | None = field(default=None, repr=False)
    _storage_blast: list[StorageBlast] | None = field(default=None, repr=False)
    #: Each host's part, in the order of ``hosts`` (a reused part is the very same object).
    parts: list[HostPart] = field(default_factory=list, repr=False, compare=False)
    #: Each datastore's violations, in the order of the state's datastores.
    _ds_violations: list[list[Violation]] = field(default_factory=list, repr=False, compare=False)
    #: Whether some VM is on no known host (its row is in no host's part).
    _lost: bool = field(default=False, repr=False, compare=False)
    #: Each workload's index in ``workloads`` (built on first use, shared while the order holds).
    _pos: dict[str, int] | None = field(default=None, repr=False, compare=False)

    @property
    def blast(self) -> list[Blast]:
        """The blast radius of every single fault, computed on first use."""
        if self._blast is None:
            self._blast = blast_radius(self.state)
        return self._blast

    @property
    def storage_stack(self) -> StackReport | None:
        """The storage stack's report (disks, RAID, LVM, Ceph), or None when the state has
        no stack; computed on first use."""
        if self._stack is None and not self.state.storage.stack.empty:
            self._stack = stack_report(self.state.storage.stack)
        return self._stack

    @property
    def storage_blast(self) -> list[StorageBlast]:
        """For each fault under the SAN/NAS datastores, the workloads that lose their disk and
        those that only degrade; computed on first use."""
        if self._storage_blast is None:
            self._storage_blast = storage_blast(self.state.storage.stack, storage_users(self.state))
        return self._storage_blast

    @property
    def network(self) -> NetworkReport | None:
        """The network's report (the reachability matrix for the lab's workloads with the
        reason in each cell, segments, MTUs, flow tables), or None when the state has no
        network; computed on first use."""
        if self._network is None and not self.state.network.empty:
            self._network = network_report(self.state.network, where_of(self.state))
        return self._network

    def host(self, name: str) -> HostReport | None:
        return next((h for h in self.hosts if h.name == name), None)

    def positions(self) -> dict[str, int]:
        """Each workload's index in :attr:`workloads`."""
        if self._pos is None:
            self._pos = {w.name: i for i, w in enumerate(self.workloads)}
        return self._pos

    def rows_on(self, host: str) -> list[WorkloadReport]:
        """The rows of the workloads on ``host``, in the order of :attr:`workloads`."""
        part = next((p for p in self.parts if p.report.name == host), None)
        if part is None or self._lost:
            return [w for w in self.workloads if w.host == host]
        pos = self.positions()
        return sorted(part.rows.values(), key=lambda w: pos[w.name])

    def blast_of(self, name: str) -> list[Blast]:
        """The entries of :attr:`blast` that take ``name`` down or starve it, in its order;
        computed for that one workload while the whole list is not needed."""
        if self._blast is not None:
            return [b for b in self._blast if name in b.down or name in b.starved]
        return blast_of(self.state, name)

    def workload(self, name: str) -> WorkloadReport | None:
        return next((w for w in self.workloads if w.name == name), None)


def host_slice(dc: Datacenter, h: Host) -> tuple[object, ...]:
    """The (immutable) objects one host's part reads, in a fixed order with separators."""
    compute = dc.compute
    vms = compute.vms_by_host.get(h.name, [])
    inner = [c for v in vms for c in compute.containers_by_parent.get(("vm", v.name), [])]
    local = dc.storage.local_to(h.name)
    foreign = [vm for d in local for vm, _ in compute.disks_by_datastore.get(d.name, [])
               if vm.host != h.name]
    return (h, dc.policy, *vms, None, *compute.containers_by_parent.get(("host", h.name), []),
            None, *inner, None, *local, None, *foreign)


def _slice_state(dc: Datacenter, h: Host) -> Datacenter:
    """A datacenter holding only what :func:`host_slice` lists."""
    compute = dc.compute
    vms = list(compute.vms_by_host.get(h.name, []))
    local = dc.storage.local_to(h.name)
    seen = {v.name for v in vms}
    for d in local:
        for vm, _ in compute.disks_by_datastore.get(d.name, []):
            if vm.name not in seen:
                seen.add(vm.name)
                vms.append(vm)
    own = {v.name for v in compute.vms_by_host.get(h.name, [])}
    ctrs = [*compute.containers_by_parent.get(("host", h.name), []),
            *(c for v in vms if v.name in own for c in compute.containers_by_parent.get(("vm", v.name), []))]
    return construct(Datacenter, name=dc.name, clock_h=dc.clock_h, policy=dc.policy, hosts=(h,),
                     compute=construct(ComputePart, vms=tuple(vms), containers=tuple(ctrs)),
                     storage=construct(StoragePart, datastores=local))


class PartCache:
    """Host parts by the objects of their slice, least recently used first out (bounded), and
    the last few reports built with it (the bases :func:`build_report` starts from).

    A lab session owns one, so after one key press every other host's part is found here —
    what keeps a 200-host sandbox interactive.
    """

    def __init__(self, limit: int = 4096, recent: int = 4) -> None:
        self.limit = limit
        self._parts: OrderedDict[tuple[int, ...], tuple[tuple[object, ...], HostPart]] = OrderedDict()
        self.recent: deque[Report] = deque(maxlen=recent)

    def __len__(self) -> int:
        return len(self._parts)

    def clear(self) -> None:
        self._parts.clear()
        self.recent.clear()

    def host_part(self, dc: Datacenter, h: Host) -> HostPart:
        objs = host_slice(dc, h)
        key = tuple(map(id, objs))
        hit = self._parts.get(key)
        if hit is not None and all(a is b for a, b in zip(hit[0], objs, strict=True)):
            self._parts.move_to_end(key)
            return hit[1]
        part = host_part(_slice_state(dc, h), h)
        self._parts[key] = (objs, part)
        if len(self._parts) > self.limit:
            self._parts.popitem(last=False)
        return part

    def base_for(self, dc: Datacenter) -> tuple[Report, Delta] | None:
        """The recent report closest to ``dc`` (fewest parts to recompute), with the delta."""
        best: tuple[Report, Delta] | None = None
        for report in reversed(self.recent):
            d = delta(report.state, dc) if not report._lost else None
            if d is not None and (best is None or d.size < best[1].size):
                best = (report, d)
                if d.size <= 4:  # one action's worth: the newest such base will do
                    break
        return best

    def remember(self, report: Report) -> Report:
        self.recent.append(report)
        return report


def storage_users(dc: Datacenter) -> dict[str, list[Use]]:
    """Datastore → each workload with a disk on it (once), its host and its containers."""
    compute = dc.compute
    out: dict[str, list[Use]] = {}
    for ds, pairs in compute.disks_by_datastore.items():
        seen: set[str] = set()
        for vm, _ in pairs:
            if vm.name not in seen:
                seen.add(vm.name)
                inner = tuple(c.name for c in compute.containers_by_parent.get(("vm", vm.name), []))
                out.setdefault(ds, []).append(Use(vm.name, vm.host, inner))
    return out


def datastores_of(dc: Datacenter) -> dict[str, DatastoreUsage]:
    """The usage of every datastore of ``dc``, with the VMs whose disks are on it."""
    owners = {ds: [(vm.name, disk) for vm, disk in pairs]
              for ds, pairs in dc.compute.disks_by_datastore.items()}
    return datastore_usage(dc.storage, owners)


def build_report(dc: Datacenter, *, pairs: bool | None = None, cache: PartCache | None = None
                 ) -> Report:
    """Compute everything about ``dc``. ``pairs`` forces the isolation matrix on or off;
    ``cache`` (a session's) reuses the parts of hosts whose slice has not changed, and starts
    from a recent report when ``dc`` is a change :func:`~virtlab.core.report_delta.delta`
    can follow (the same report as from scratch, in time for what changed)."""
    compute = dc.compute
    want_pairs = pairs if pairs is not None else len(compute.vms) + len(compute.containers) <= MATRIX_LIMIT
    if cache is None:
        return _from_scratch(dc, PartCache(), want_pairs)
    if len(dc.hosts) <= SMALL_HOSTS:  # a lesson's lab: its few parts are as quick to look up
        return _from_scratch(dc, cache, want_pairs)
    base = cache.base_for(dc)
    report = _from_base(dc, *base, cache, want_pairs) if base is not None else None
    return cache.remember(report or _from_scratch(dc, cache, want_pairs))


def _from_scratch(dc: Datacenter, cache: PartCache, want_pairs: bool) -> Report:
    parts = [cache.host_part(dc, h) for h in dc.hosts]
    rows: dict[str, WorkloadReport] = {}
    violations: list[Violation] = []
    for part in parts:
        rows.update(part.rows)
        violations += part.violations
    ds_violations = [datastore_rules(dc, d.name) for d in dc.storage.datastores]
    violations += chain.from_iterable(ds_violations)
    # VMs on no known host (only in hand-built states) and their containers still get rows.
    compute = dc.compute
    lost_vms = [vm for vm in compute.vms if vm.host not in dc.host_index]
    if lost_vms:
        inner = [c for v in lost_vms for c in compute.containers_by_parent.get(("vm", v.name), [])]
        rows.update(workload_rows(dc, lost_vms, inner, {}, {}, {}))
        for vm in lost_vms:
            violations += node_violations(dc, ("vm", vm.name))
    workloads = [rows[vm.name] for vm in compute.vms] + [rows[c.name] for c in compute.containers
                                                          if c.name in rows]
    return Report(
        dc.name, [p.report for p in parts], workloads, list(datastores_of(dc).values()), violations,
        isolation_matrix(dc) if want_pairs else None, dc,
        parts=parts, _ds_violations=ds_violations, _lost=bool(lost_vms),
    )


def _from_base(dc: Datacenter, base: Report, change: Delta, cache: PartCache, want_pairs: bool
               ) -> Report | None:
    """``base`` with the parts ``change`` names recomputed for ``dc`` (None when a workload's
    row moves out of the hosts that changed: then only a report from scratch orders them)."""
    parts = list(base.parts)
    workloads = list(base.workloads)
    pos = base.positions()
    before: set[str] = set()
    after: set[str] = set()
    for i, h in enumerate(dc.hosts):
        if h.name in change.hosts:
            before.update(parts[i].rows)
            parts[i] = cache.host_part(dc, h)
            after.update(parts[i].rows)
            for name, row in parts[i].rows.items():
                if name in pos:
                    workloads[pos[name]] = row
    if before != after:
        return None
    ds_violations = list(base._ds_violations)
    usage = list(base.datastores)
    stores = [(i, d) for i, d in enumerate(dc.storage.datastores) if d.name in change.datastores]
    if stores:
        disks = dc.compute.disks_by_datastore
        fresh = datastore_usage(construct(StoragePart, datastores=tuple(d for _, d in stores)),
                                {d.name: [(vm.name, disk) for vm, disk in disks.get(d.name, [])]
                                 for _, d in stores})
        for i, d in stores:
            ds_violations[i] = datastore_rules(dc, d.name)
            usage[i] = fresh[d.name]
    violations = [v for p in parts for v in p.violations]
    violations += chain.from_iterable(ds_violations)
    return Report(
        dc.name, [p.report for p in parts], workloads, usage, violations,
        isolation_matrix(dc) if want_pairs else None, dc,
        parts=parts, _ds_violations=ds_violations, _pos=pos,
    )


def to_jsonable(obj: Any) -> Any:
    """Plain JSON data from a report: dataclasses by their fields (and the properties they
    list in ``JSON_PROPERTIES``, rounded, or ``JSON_EXACT``), or by their own ``as_json``;
    enums by value; floats rounded to 4 places."""
    if isinstance(obj, Report):
        out = {f: to_jsonable(getattr(obj, f)) for f in ("name", "hosts", "workloads", "datastores",
                                                          "violations", "pairs")}
        out["blast"] = to_jsonable(obj.blast)
        if obj.storage_stack is not None:
            out["storage"] = to_jsonable(obj.storage_stack)
        if obj.storage_blast:
            out["storage_blast"] = to_jsonable(obj.storage_blast)
        if obj.network is not None:
            out["network"] = to_jsonable(obj.network)
        return out
    as_json = getattr(obj, "as_json", None)
    if callable(as_json):
        return _finite(as_json())
    if is_dataclass(obj) and not isinstance(obj, type):
        out = {f.name: to_jsonable(getattr(obj, f.name)) for f in fields(obj)}
        for name in getattr(obj, "JSON_PROPERTIES", ()):
            out[name] = to_jsonable(getattr(obj, name))
        for name in getattr(obj, "JSON_EXACT", ()):  # as the report has always printed them
            out[name] = _finite(getattr(obj, name))
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


def _finite(obj: Any) -> Any:
    """``obj`` with every float that is not finite turned into ``None`` (JSON has no inf)."""
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: _finite(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_finite(v) for v in obj]
    return obj
