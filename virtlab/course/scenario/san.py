"""Reading the SAN and NAS back ends of a scenario's ``[storage]`` table.

```toml
[[storage.fabric]]      # name, kind (fc | ethernet), up (true)
name = "fab-a"

[[storage.array]]       # name, ports = [{ name, fabric }], groups = [RAID groups or disks], up
name = "array-1"
ports = [ { name = "spa-0", fabric = "fab-a" }, { name = "spb-0", fabric = "fab-b" } ]
groups = ["rg-1"]

[[storage.path]]        # name, host, initiator ("vmhba1"), array, port, up (false: a dead path)
name = "esx-1-a"
host = "esx-1"
array = "array-1"
port = "spa-0"

[[storage.lun]]         # name, array, group, size ("2 TB"), protocol (fc | iscsi), hosts, datastore
name = "lun-1"
array = "array-1"
group = "rg-1"
size = "2 TB"
hosts = ["esx-1", "esx-2"]
datastore = "ds-san"    # the VMFS datastore the hosts format on it ([[datastore]])

[[storage.share]]       # name, array, group, size, export ("/"), version (3 | 4.1), hosts, datastore
# and a Ceph pool's RBD images: datastore = "ds-rbd" in its [[storage.ceph.pool]]
```

An FC LUN travels FC fabrics; an iSCSI LUN and an NFS share travel Ethernet ones. What the
array cannot hold (LUNs and shares larger than their RAID group's usable capacity), a
datastore larger than its LUN, or a datastore seen by a host its LUN is not presented to is
a ``file: field: problem``.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import Any

from virtlab.core.storage import san
from virtlab.core.storage.models import Datastore
from virtlab.core.storage.stack import StorageStack
from virtlab.core.units import fmt_qty
from virtlab.course.scenario.reading import Problems

__all__ = ["SAN_KEYS", "check_backings", "read_san"]

SAN_KEYS = {"fabric", "array", "path", "lun", "share"}
GIB_PER_TB = 1e12 / 2**30

Section = Callable[..., list[Any]]


def read_san(raw: Mapping[str, Any], p: Problems, section: Section, tb: Callable[[object], float],
             devices: Mapping[str, float]) -> dict[str, tuple[Any, ...]]:
    """The back ends' parts as the stack's fields; ``devices`` is each RAID group's and
    disk's usable TB (what a LUN or share is carved from)."""
    fabrics = section(raw, "fabric", san.Fabric, p, {})
    arrays = section(raw, "array", san.Array, p, {})
    paths = section(raw, "path", san.Path, p, {})
    luns = section(raw, "lun", san.Lun, p, {"size": ("size_tb", tb)})
    shares = section(raw, "share", san.Share, p, {"size": ("size_tb", tb), "version": ("version", str)})
    fabric_names = {f.name for f in fabrics}
    owner: dict[str, str] = {}
    for a in arrays:
        for port in a.ports:
            if port.fabric not in fabric_names:
                p.add(f"storage.array ({a.name}).ports", f"{port.name}: no fabric named {port.fabric!r}")
        for g in a.groups:
            if g not in devices:
                p.add(f"storage.array ({a.name}).groups", f"no RAID group or disk named {g!r}")
            elif g in owner:
                p.add(f"storage.array ({a.name}).groups", f"{g} is already in {owner[g]}")
            owner.setdefault(g, a.name)
    by_name = {a.name: a for a in arrays}
    for path in paths:
        a = by_name.get(path.array)
        if a is None:
            p.add(f"storage.path ({path.name}).array", f"no array named {path.array!r}")
        elif all(x.name != path.port for x in a.ports):
            p.add(f"storage.path ({path.name}).port", f"{path.array} has no port {path.port!r} "
                  f"(it has {', '.join(x.name for x in a.ports) or 'none'})")
    taken: dict[str, float] = {}
    backs: list[san.Backing] = [*luns, *shares]
    for b in backs:
        what = "lun" if isinstance(b, san.Lun) else "share"
        if b.array not in by_name:
            p.add(f"storage.{what} ({b.name}).array", f"no array named {b.array!r}")
        elif b.group not in by_name[b.array].groups:
            p.add(f"storage.{what} ({b.name}).group", f"{b.array} has no RAID group or disk {b.group!r}")
        else:
            taken[b.group] = taken.get(b.group, 0.0) + b.size_tb
            if taken[b.group] > devices[b.group] + 1e-9:
                p.add(f"storage.{what} ({b.name}).size", f"the LUNs and shares on {b.group} take "
                      f"{taken[b.group]:g} TB; {b.group} has {devices[b.group]:g} TB usable")
    return {"fabrics": tuple(fabrics), "arrays": tuple(arrays), "paths": tuple(paths),
            "luns": tuple(luns), "shares": tuple(shares)}


def check_backings(stack: StorageStack, datastores: Mapping[str, Datastore], hosts: Collection[str],
                   p: Problems) -> None:
    """Cross-references between the back ends and the rest of the scenario: hosts, and the
    datastore each LUN or share holds (no larger than it, seen only where it is presented)."""
    for path in stack.paths:
        if path.host not in hosts:
            p.add(f"storage.path ({path.name}).host", f"no host named {path.host!r}")
    held: dict[str, str] = {}
    backs: tuple[san.Backing, ...] = (*stack.luns, *stack.shares)
    for b in backs:
        where = f"storage.{'lun' if isinstance(b, san.Lun) else 'share'} ({b.name})"
        for h in b.hosts:
            if h not in hosts:
                p.add(f"{where}.hosts", f"no host named {h!r}")
        if b.datastore is None:
            continue
        if b.datastore in held:
            p.add(f"{where}.datastore", f"{b.datastore} is already on {held[b.datastore]}")
            continue
        held[b.datastore] = b.name
        ds = datastores.get(b.datastore)
        if ds is None:
            p.add(f"{where}.datastore", f"no datastore named {b.datastore!r}")
            continue
        size_gib = b.size_tb * GIB_PER_TB
        if ds.capacity_gib > size_gib + 1e-6:
            p.add(f"{where}.datastore", f"{ds.name} is {fmt_qty(ds.capacity_gib, 'gib')}; {b.name} holds "
                  f"{fmt_qty(size_gib, 'gib')} ({b.size_tb:g} TB)")
        unseen = [h for h in (ds.hosts or tuple(hosts)) if h not in b.hosts]
        if ds.hosts and unseen:
            p.add(f"{where}.hosts", f"{ds.name} is seen by {', '.join(unseen)}, to which {b.name} is "
                  "not presented")
    for pool in stack.ceph.pools if stack.ceph is not None else ():
        if pool.datastore is None:
            continue
        where = f"storage.ceph.pool ({pool.name}).datastore"
        if pool.datastore in held:
            p.add(where, f"{pool.datastore} is already on {held[pool.datastore]}")
        elif pool.datastore not in datastores:
            p.add(where, f"no datastore named {pool.datastore!r}")
        held.setdefault(pool.datastore, pool.name)
