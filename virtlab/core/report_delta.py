"""What one state changes against another, for building a report from the previous one.

Every part of :func:`virtlab.core.report.build_report` is a function of a small slice of the
state: a host's part of the host, the policy, what is placed on it and its local datastores
(:func:`virtlab.core.report.host_slice`); a datastore's usage and rules of the datastore and
the disks on it. States share every model an action did not touch (actions rebuild only what
they change), so :func:`delta` finds what changed by identity, in time proportional to the
state's size only for a few C-level comparisons, and names the hosts and datastores whose
parts may differ. Every other part is the previous report's own, computed by the same
functions from equal inputs — so the numbers, and each rule's cited semantics, are those of a
report built from scratch (``tests/core/test_incremental_report.py`` checks it on random
changes).

:func:`delta` answers ``None`` when the change is not one it can follow (a policy change,
hosts, VMs, containers or datastores added, removed or reordered): the report is then built
from scratch.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from virtlab.core.compute.indexes import changed_positions

if TYPE_CHECKING:
    from virtlab.core.compute.models import Container
    from virtlab.core.state import Datacenter
    from virtlab.core.storage.models import Datastore


@dataclass(frozen=True, slots=True)
class Delta:
    """The hosts and datastores whose report parts may differ between two states."""

    hosts: frozenset[str]
    datastores: frozenset[str]

    @property
    def size(self) -> int:
        return len(self.hosts) + len(self.datastores)


def _renamed(old: tuple[Any, ...], new: tuple[Any, ...], where: list[int]) -> bool:
    return any(old[i].name != new[i].name for i in where)


def _local_host(ds: Datastore | None) -> str | None:
    """The host a datastore is local to (the one ``StoragePart.local_to`` files it under)."""
    return ds.hosts[0] if ds is not None and len(ds.hosts) == 1 else None


def _container_host(dc: Datacenter, c: Container) -> str | None:
    """The host whose part holds the container's row: its host, or its VM's host."""
    if c.host is not None:
        return c.host
    vm = dc.compute.vm_index.get(c.vm or "")
    return vm.host if vm is not None else None


def delta(old: Datacenter, new: Datacenter) -> Delta | None:
    """The hosts and datastores of ``new`` whose parts may differ from ``old``'s (None: a
    change only a report from scratch follows)."""
    if old is new:
        return Delta(frozenset(), frozenset())
    if old.policy is not new.policy and old.policy != new.policy:
        return None
    seqs: tuple[tuple[tuple[Any, ...], tuple[Any, ...]], ...] = (
        (old.hosts, new.hosts), (old.storage.datastores, new.storage.datastores),
        (old.compute.vms, new.compute.vms), (old.compute.containers, new.compute.containers))
    where: list[list[int]] = []
    for before, after in seqs:
        w = changed_positions(before, after)
        if w is None or _renamed(before, after, w):
            return None
        where.append(w)
    w_hosts, w_stores, w_vms, w_ctrs = where
    hosts: set[str] = {new.hosts[i].name for i in w_hosts}
    stores: set[str] = set()
    for i in w_stores:
        was, now = old.storage.datastores[i], new.storage.datastores[i]
        stores.add(now.name)
        hosts.update(h for h in (_local_host(was), _local_host(now)) if h is not None)
    index_old, index_new = old.storage.datastore_index, new.storage.datastore_index
    known = new.host_index
    for i in w_vms:
        a, b = old.compute.vms[i], new.compute.vms[i]
        if b.host not in known or a.host not in known:  # rows outside every host's part
            return None
        hosts.update((a.host, b.host))
        for name in {d.datastore for d in (*a.disks, *b.disks)}:
            stores.add(name)  # its usage and rules; and the host it is local to (its slice)
            hosts.update(h for h in (_local_host(index_old.get(name)), _local_host(index_new.get(name)))
                         if h is not None)
    for i in w_ctrs:
        for dc, c in ((old, old.compute.containers[i]), (new, new.compute.containers[i])):
            host = _container_host(dc, c)
            if host is not None:
                hosts.add(host)
    return Delta(frozenset(hosts), frozenset(stores))
