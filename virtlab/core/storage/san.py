"""SAN and NAS as datastore back ends: storage arrays, fabric switches, the paths from a
host's initiator through a switch to an array's target port, LUNs (block) and NFS shares
(file), which host reaches which datastore, and the chain from a datastore down to the
physical disks.

Sources (VMware vSphere Storage guide): a LUN is a block device an array presents over
Fibre Channel or iSCSI; the host formats it with VMFS, a clustered file system that several
hosts mount at once ("Understanding VMFS datastores"). An NFS datastore is a share the NAS
exports; the NAS's own file system owns the files and the host never formats it
("Understanding Network File System datastores"). The host's multipathing plug-in keeps a
LUN in use while one path to it is up; a path whose initiator, switch or target port fails
is *dead* ("Understanding multipathing and failover"). When every path to a device is down
the device is in *All Paths Down* (APD): I/O is retried, and fails after
``Misc.APDTimeout`` (140 s); when the array reports the device gone for good it is in
*Permanent Device Loss* (PDL) ("Handling transient APD conditions", "Permanent device
loss"). FC LUNs travel FC fabrics; iSCSI LUNs and NFS shares travel Ethernet (NFS 3 has no
multipathing of its own, so its redundancy is NIC teaming below it; NFS 4.1 trunks
sessions — both keep the share while one path is up, which is what is modelled).

TB = 10¹² bytes here, as arrays are sold; the datastore on a LUN is in GiB.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from pydantic import Field

from virtlab.core.base import Frozen, Name, PositiveFloat
from virtlab.core.storage import raid

__all__ = ["Array", "Backing", "Fabric", "Hop", "Lun", "Path", "Port", "Reach", "Share",
           "backing_reach", "backing_usable_tb", "trace_backing"]

FabricKind = Literal["fc", "ethernet"]
#: What each protocol travels on.
CARRIER: Mapping[str, FabricKind] = {"fc": "fc", "iscsi": "ethernet", "nfs": "ethernet"}


class Fabric(Frozen):
    """A fabric switch: an FC switch, or an Ethernet switch for iSCSI and NFS."""

    name: Name
    kind: FabricKind = "fc"
    up: bool = True


class Port(Frozen):
    """An array's target port, cabled to one fabric."""

    name: Name
    fabric: Name


class Array(Frozen):
    """A storage array (a SAN array, or a NAS filer) with its target ports and the RAID
    groups (or bare disks) inside it."""

    name: Name
    ports: tuple[Port, ...] = ()
    groups: tuple[Name, ...] = ()
    up: bool = True


class Path(Frozen):
    """host initiator → fabric switch → array target port. The fabric is the port's."""

    name: Name
    host: Name
    initiator: Name = "vmhba1"
    array: Name
    port: Name
    up: bool = True


class Lun(Frozen):
    """A block device carved from a RAID group, presented to ``hosts`` over FC or iSCSI;
    the hosts format it with VMFS as ``datastore``."""

    name: Name
    array: Name
    group: Name  # a RAID group (or a bare disk) of the array
    size_tb: PositiveFloat
    protocol: Literal["fc", "iscsi"] = "fc"
    hosts: tuple[Name, ...] = Field(min_length=1)
    datastore: Name | None = None

    @property
    def carrier(self) -> FabricKind:
        return CARRIER[self.protocol]

    @property
    def fs(self) -> str:
        """Who puts the file system on it: the hosts (VMFS)."""
        return "vmfs"


class Share(Frozen):
    """An NFS export of the array's own file system, mounted by ``hosts`` as ``datastore``."""

    name: Name
    array: Name
    group: Name
    size_tb: PositiveFloat
    export: str = "/"
    version: Literal["3", "4.1"] = "3"
    hosts: tuple[Name, ...] = Field(min_length=1)
    datastore: Name | None = None
    protocol: Literal["nfs"] = "nfs"

    @property
    def carrier(self) -> FabricKind:
        return "ethernet"

    @property
    def fs(self) -> str:
        """Who owns the file system: the array (the host only opens files)."""
        return "nfs"


Backing = Lun | Share


class ReachState(StrEnum):
    """A datastore seen from one host."""

    OK = "ok"
    DEGRADED = "degraded"  # reachable, but a path is dead or the RAID group is degraded
    APD = "apd"  # all paths down: I/O stalls, then fails after the APD timeout
    LOST = "lost"  # the RAID group under it failed: the data is gone (PDL)
    UNMAPPED = "unmapped"  # not presented (masked) to this host

    @property
    def usable(self) -> bool:
        return self in (ReachState.OK, ReachState.DEGRADED)


@dataclass(frozen=True, slots=True)
class Reach:
    """How one host reaches a back end: its paths up of those it has, and the state."""

    host: str
    paths_up: int
    paths: int
    state: ReachState
    why: str = ""  # a code: dead_paths, all_paths_dead, raid_degraded, array_down, fabric_down,
    #                no_path, raid_failed, masked


@dataclass(frozen=True, slots=True)
class SanView:
    """The SAN/NAS objects a reach or a trace reads (a part of the storage stack)."""

    arrays: Mapping[str, Array]
    fabrics: Mapping[str, Fabric]
    paths: Sequence[Path]
    groups: Mapping[str, raid.RaidGroup]
    disks: Mapping[str, raid.PhysicalDisk]


def _group_state(view: SanView, name: str) -> raid.RaidState:
    if name in view.groups:
        return raid.raid_state(view.groups[name], view.disks)
    disk = view.disks.get(name)
    if disk is None or disk.state is raid.DiskState.FAILED:
        return raid.RaidState.FAILED
    return raid.RaidState.OPTIMAL if disk.state is raid.DiskState.OK else raid.RaidState.REBUILDING


def path_alive(view: SanView, path: Path, carrier: FabricKind | None = None) -> bool | None:
    """Whether a path carries I/O (None: it is not a path of this kind)."""
    array = view.arrays.get(path.array)
    port = next((p for p in array.ports if p.name == path.port), None) if array else None
    fabric = view.fabrics.get(port.fabric) if port else None
    if fabric is None or (carrier is not None and fabric.kind != carrier):
        return None
    return path.up and fabric.up


def backing_reach(view: SanView, b: Backing, host: str) -> Reach:
    """How ``host`` reaches ``b``: through its live paths to the array (of the protocol's
    carrier), the array up, and the RAID group below holding its data."""
    if host not in b.hosts:
        return Reach(host, 0, 0, ReachState.UNMAPPED, "masked")
    mine = [p for p in view.paths if p.host == host and p.array == b.array]
    alive = [ok for p in mine if (ok := path_alive(view, p, b.carrier)) is not None]
    up = sum(alive)
    array = view.arrays.get(b.array)
    group = _group_state(view, b.group)
    if group is raid.RaidState.FAILED:
        return Reach(host, up, len(alive), ReachState.LOST, "raid_failed")
    if array is None or not array.up:
        return Reach(host, 0, len(alive), ReachState.APD, "array_down")
    if not alive:
        return Reach(host, 0, 0, ReachState.APD, "no_path")
    if up == 0:
        fabrics_down = all(not view.fabrics[_fabric(view, p)].up for p in mine
                           if path_alive(view, p, b.carrier) is not None)
        return Reach(host, 0, len(alive), ReachState.APD, "fabric_down" if fabrics_down else "all_paths_dead")
    if up < len(alive):
        return Reach(host, up, len(alive), ReachState.DEGRADED, "dead_paths")
    if group is not raid.RaidState.OPTIMAL:
        return Reach(host, up, len(alive), ReachState.DEGRADED, "raid_degraded")
    return Reach(host, up, len(alive), ReachState.OK)


def _fabric(view: SanView, path: Path) -> str:
    array = view.arrays[path.array]
    return next(p.fabric for p in array.ports if p.name == path.port)


@dataclass(frozen=True, slots=True)
class Hop:
    """One link of a trace from a datastore down: what it is, its name and its state."""

    kind: str  # datastore, lun, share, array, raid, disk
    name: str
    state: str
    detail: str = ""


def trace_backing(view: SanView, datastore: str, b: Backing) -> tuple[Hop, ...]:
    """datastore → LUN or share → array → RAID group → its physical disks (always ending
    at the disks: a LUN on a bare disk ends at that disk)."""
    array = view.arrays.get(b.array)
    hops = [Hop("datastore", datastore, b.fs),
            Hop(type(b).__name__.lower(), b.name, b.protocol, f"{b.size_tb:g} TB"),
            Hop("array", b.array, "up" if array is not None and array.up else "failed")]
    if b.group in view.groups:
        g = view.groups[b.group]
        hops.append(Hop("raid", g.name, raid.raid_state(g, view.disks).value, f"RAID {g.level.value}"))
        members = g.disks
    else:
        members = (b.group,)
    for d in members:
        disk = view.disks.get(d)
        hops.append(Hop("disk", d, disk.state.value if disk else "failed",
                        f"{disk.size_tb:g} TB {disk.kind.value}" if disk else ""))
    return tuple(hops)


def backing_usable_tb(view: SanView, name: str) -> float:
    """The usable TB of the RAID group (or disk) a back end is carved from."""
    if name in view.groups:
        g = view.groups[name]
        sizes = [view.disks[d].size_tb for d in g.disks if d in view.disks]
        return raid.usable_tb(g.level, sizes) if sizes else 0.0
    disk = view.disks.get(name)
    return disk.size_tb if disk else 0.0
