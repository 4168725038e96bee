"""Faults of the SAN and NAS back ends, on the stack alone: an array, a fabric switch or a
path goes down (or comes back), and a whole RAID group is lost (every member disk fails —
more failures than any level survives). Pure ``stack → stack``; the actions
(:mod:`.actions`) and the storage blast radius (:mod:`.blast`) both use them.
"""

from __future__ import annotations

from typing import Literal

from virtlab.core.storage import raid
from virtlab.core.storage.stack import StorageStack

__all__ = ["SanTarget", "san_target", "set_san"]

SanTarget = Literal["array", "fabric", "path", "raid"]


def san_target(stack: StorageStack, name: str) -> SanTarget | None:
    """What ``name`` is among the back ends' parts (None when it is none of them)."""
    if any(a.name == name for a in stack.arrays):
        return "array"
    if any(f.name == name for f in stack.fabrics):
        return "fabric"
    if any(p.name == name for p in stack.paths):
        return "path"
    if name in stack.raid_index:
        return "raid"
    return None


def set_san(stack: StorageStack, what: SanTarget, name: str, up: bool) -> StorageStack:
    """``stack`` with ``name`` (of kind ``what``) up or down. A RAID group brought back has
    its member disks replaced and rebuilt."""
    if what == "array":
        return stack.evolve(arrays=tuple(a.model_copy(update={"up": up}) if a.name == name else a
                                         for a in stack.arrays))
    if what == "fabric":
        return stack.evolve(fabrics=tuple(f.model_copy(update={"up": up}) if f.name == name else f
                                          for f in stack.fabrics))
    if what == "path":
        return stack.evolve(paths=tuple(p.model_copy(update={"up": up}) if p.name == name else p
                                        for p in stack.paths))
    members = set(stack.raid_index[name].disks)
    state = raid.DiskState.OK if up else raid.DiskState.FAILED
    return stack.evolve(disks=tuple(d.model_copy(update={"state": state}) if d.name in members else d
                                    for d in stack.disks))
