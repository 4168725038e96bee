"""The compute part's indexes, carried from one part to the next it evolves into.

A :class:`~virtlab.core.compute.models.ComputePart` keeps its lookups (``vm_index``,
``vms_by_host``, ``disks_by_datastore``, ``container_index``, ``containers_by_parent``,
``sorted_names``) as
cached properties. Most actions replace one VM or container (``replace_named``), so the next
part's indexes are the old ones with that entry swapped: :func:`carry_indexes` does that in
time proportional to what changed, instead of the full rebuild a 4,000-workload sandbox would
pay on every key. It carries only what it can patch exactly (same names in the same places,
the same hosts, parents and datastores); anything else is left for the part to build. The
result is, by construction and by test (``tests/core/test_incremental_report.py``), equal to
the index built from scratch.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import compress
from operator import is_not
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from virtlab.core.compute.models import VM, ComputePart, Container

VM_INDEXES = ("vm_index", "vms_by_host", "disks_by_datastore")
CONTAINER_INDEXES = ("container_index", "containers_by_parent")
INDEXES = (*VM_INDEXES, *CONTAINER_INDEXES, "sorted_names")


def changed_positions(old: tuple[Any, ...], new: tuple[Any, ...]) -> list[int] | None:
    """Where ``new`` holds another object than ``old`` (None when the lengths differ)."""
    if len(old) != len(new):
        return None
    return list(compress(range(len(new)), map(is_not, old, new)))


def _swap(items: list[Any], old: object, new: object) -> list[Any]:
    """A copy of ``items`` with the one element that *is* ``old`` replaced by ``new``."""
    out = list(items)
    for i, x in enumerate(out):
        if x is old:
            out[i] = new
            return out
    raise LookupError("not in the index")


def _pairs(old: tuple[Any, ...], new: tuple[Any, ...]) -> list[tuple[Any, Any]] | None:
    """The (old, new) items at the positions that changed, or None when an item was added,
    removed or renamed there (the indexes are then rebuilt)."""
    where = changed_positions(old, new)
    if where is None:
        return None
    pairs = [(old[i], new[i]) for i in where]
    return None if any(a.name != b.name for a, b in pairs) else pairs


def _carry_named(pairs: list[tuple[Any, Any]], cached: dict[str, Any], into: dict[str, Any],
                 index_key: str, group_key: str, group_of: Callable[[Any], Any]) -> None:
    """Patch a by-name index and a by-group index (kept when no item changed its group)."""
    if index_key in cached:
        index = dict(cached[index_key])
        for _, b in pairs:
            index[b.name] = b
        into[index_key] = index
    if group_key in cached and all(group_of(a) == group_of(b) for a, b in pairs):
        groups = dict(cached[group_key])
        for a, b in pairs:
            groups[group_of(b)] = _swap(groups[group_of(b)], a, b)
        into[group_key] = groups


def _carry_vms(old: ComputePart, new: ComputePart, cached: dict[str, Any], into: dict[str, Any]) -> bool:
    """Carry the VM indexes; whether every VM kept its name and place."""
    pairs: list[tuple[VM, VM]] | None = _pairs(old.vms, new.vms)
    if pairs is None:
        return False
    _carry_named(pairs, cached, into, "vm_index", "vms_by_host", lambda vm: vm.host)
    if "disks_by_datastore" in cached and all(
            [d.datastore for d in a.disks] == [d.datastore for d in b.disks] for a, b in pairs):
        disks = dict(cached["disks_by_datastore"])
        for a, b in pairs:
            for store in dict.fromkeys(d.datastore for d in b.disks):
                fresh = iter([d for d in b.disks if d.datastore == store])
                disks[store] = [(b, next(fresh)) if vm is a else (vm, disk) for vm, disk in disks[store]]
        into["disks_by_datastore"] = disks
    return True


def _carry_containers(old: ComputePart, new: ComputePart, cached: dict[str, Any],
                      into: dict[str, Any]) -> bool:
    """Carry the container indexes; whether every container kept its name and place."""
    pairs: list[tuple[Container, Container]] | None = _pairs(old.containers, new.containers)
    if pairs is None:
        return False
    _carry_named(pairs, cached, into, "container_index", "containers_by_parent", lambda c: c.parent)
    return True


def carry_indexes(old: ComputePart, new: ComputePart) -> None:
    """Give ``new`` (just evolved from ``old``) the indexes ``old`` has built, patched.

    The lists inside an index are shared between parts, never changed in place (they are
    read-only to every caller), so an unchanged host's list is the very same object.
    """
    cached = {k: v for k, v in old.__dict__.items() if k in INDEXES}
    if not cached:
        return
    into: dict[str, Any] = {}
    if new.vms is old.vms:
        into.update((k, cached[k]) for k in VM_INDEXES if k in cached)
        vm_names = True
    else:
        vm_names = _carry_vms(old, new, cached, into)
    if new.containers is old.containers:
        into.update((k, cached[k]) for k in CONTAINER_INDEXES if k in cached)
        ctr_names = True
    else:
        ctr_names = _carry_containers(old, new, cached, into)
    if vm_names and ctr_names and "sorted_names" in cached:  # the same names
        into["sorted_names"] = cached["sorted_names"]
    new.__dict__.update(into)
