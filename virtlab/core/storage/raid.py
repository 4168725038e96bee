"""Physical disks and RAID groups: usable capacity, the failures a group survives, its state
after faults, and the write penalty that sets the IOPS a workload gets.

Sources: RHEL 7 Storage Administration Guide, "RAID levels and linear support" (n equal
disks of size S: RAID 0 n·S, survives 0; RAID 1 S, survives n−1; RAID 5 (n−1)·S, n ≥ 3,
survives 1; RAID 6 (n−2)·S, n ≥ 4, survives 2; RAID 10 n·S/2, survives 1 for sure and up to
one per mirror pair); the common sizing rule for the write penalty (back-end I/Os per
front-end write: RAID 0 1, RAID 1/10 2, RAID 5 4, RAID 6 6) and front-end IOPS =
raw IOPS ÷ (read share + write share × penalty). Sizes: TB = 10¹² bytes, as disks are sold.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from enum import StrEnum
from itertools import combinations

from pydantic import Field, model_validator

from virtlab.core.base import Frozen, Name, PositiveFloat, Refused, Violation

__all__ = ["MIN_DISKS", "WRITE_PENALTY", "DiskKind", "DiskState", "PhysicalDisk", "RaidGroup",
           "RaidLevel", "RaidState", "check_raid", "front_end_iops", "raid_state", "survives",
           "survives_set", "usable_tb"]


class DiskKind(StrEnum):
    HDD = "hdd"
    SSD = "ssd"
    NVME = "nvme"


class DiskState(StrEnum):
    OK = "ok"
    FAILED = "failed"
    REBUILDING = "rebuilding"  # a replacement being written from the group's redundancy


class PhysicalDisk(Frozen):
    name: Name
    size_tb: PositiveFloat
    kind: DiskKind = DiskKind.HDD
    state: DiskState = DiskState.OK
    iops: PositiveFloat | None = None  # per disk; None: the kind's typical figure

    @property
    def typical_iops(self) -> float:
        """A disk's random IOPS when none is given: 7.2k HDD ~80, SATA SSD ~50k, NVMe ~500k
        (order-of-magnitude figures used by sizing guides)."""
        if self.iops is not None:
            return self.iops
        return {DiskKind.HDD: 80.0, DiskKind.SSD: 50_000.0, DiskKind.NVME: 500_000.0}[self.kind]


class RaidLevel(StrEnum):
    RAID0 = "0"
    RAID1 = "1"
    RAID5 = "5"
    RAID6 = "6"
    RAID10 = "10"


#: The fewest disks each level takes.
MIN_DISKS: Mapping[RaidLevel, int] = {RaidLevel.RAID0: 2, RaidLevel.RAID1: 2, RaidLevel.RAID5: 3,
                                      RaidLevel.RAID6: 4, RaidLevel.RAID10: 4}
#: Back-end I/Os per front-end write.
WRITE_PENALTY: Mapping[RaidLevel, int] = {RaidLevel.RAID0: 1, RaidLevel.RAID1: 2, RaidLevel.RAID5: 4,
                                          RaidLevel.RAID6: 6, RaidLevel.RAID10: 2}


class RaidGroup(Frozen):
    """A RAID group over named disks. RAID 10 mirrors them in pairs, in the order given
    (disks 1+2, 3+4, …), and stripes across the pairs."""

    name: Name
    level: RaidLevel
    disks: tuple[Name, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _distinct(self) -> RaidGroup:
        if len(set(self.disks)) != len(self.disks):
            raise ValueError("a disk is listed twice")
        return self


def check_raid(level: RaidLevel, n: int, name: str = "") -> None:
    """Refuse a group the level cannot be built from: too few disks, or RAID 10 over an odd
    number (every disk needs its mirror)."""
    problems = []
    if n < MIN_DISKS[level]:
        problems.append(Violation("raid_min_disks", name, f"RAID {level.value} needs at least "
                                  f"{MIN_DISKS[level]} disks; {name or 'the group'} has {n}",
                                  0.0, {"level": level.value, "min": MIN_DISKS[level], "n": n}))
    if level is RaidLevel.RAID10 and n % 2:
        problems.append(Violation("raid10_odd", name, f"RAID 10 mirrors disks in pairs; {n} disks "
                                  "leave one without a mirror", 0.0, {"n": n}))
    if problems:
        raise Refused(problems)


def usable_tb(level: RaidLevel, sizes: Sequence[float]) -> float:
    """Usable capacity of a group; mixed sizes count as the smallest (md and hardware RAID
    use the smallest member's size on every disk)."""
    n, s = len(sizes), min(sizes)
    return {RaidLevel.RAID0: n * s, RaidLevel.RAID1: s, RaidLevel.RAID5: (n - 1) * s,
            RaidLevel.RAID6: (n - 2) * s, RaidLevel.RAID10: n * s / 2}[level]


def survives(level: RaidLevel, n: int) -> int:
    """How many failed disks the group survives *whichever* they are (RAID 10: one, since a
    second may be the first one's mirror)."""
    return {RaidLevel.RAID0: 0, RaidLevel.RAID1: n - 1, RaidLevel.RAID5: 1, RaidLevel.RAID6: 2,
            RaidLevel.RAID10: 1}[level]


def survives_set(level: RaidLevel, n: int, failed: Iterable[int]) -> bool:
    """Whether the group keeps its data with the disks at these positions (0-based) failed."""
    lost = set(failed)
    if level is RaidLevel.RAID10:
        return all(not {i, i + 1} <= lost for i in range(0, n, 2))
    return len(lost) <= survives(level, n)


class RaidState(StrEnum):
    OPTIMAL = "optimal"
    DEGRADED = "degraded"  # a member failed, the data is still there
    REBUILDING = "rebuilding"
    FAILED = "failed"  # more failures than the level survives: the data is gone


def raid_state(group: RaidGroup, disks: Mapping[str, PhysicalDisk]) -> RaidState:
    """The group's state from its members' states (a missing disk counts as failed; a
    rebuilding one holds no data yet)."""
    states = [disks[d].state if d in disks else DiskState.FAILED for d in group.disks]
    out = [i for i, s in enumerate(states) if s is not DiskState.OK]
    if not out:
        return RaidState.OPTIMAL
    if not survives_set(group.level, len(states), out):
        return RaidState.FAILED
    if any(states[i] is DiskState.REBUILDING for i in out):
        return RaidState.REBUILDING
    return RaidState.DEGRADED


def front_end_iops(level: RaidLevel, raw_iops: float, write_share: float) -> float:
    """The IOPS a workload gets from ``raw_iops`` of disks when ``write_share`` (0–1) of its
    I/Os are writes: raw ÷ (reads + writes × penalty)."""
    if not 0 <= write_share <= 1:
        raise ValueError("write_share is a fraction from 0 to 1")
    return raw_iops / ((1 - write_share) + write_share * WRITE_PENALTY[level])


def worst_failure_set(level: RaidLevel, n: int, k: int) -> tuple[int, ...] | None:
    """A set of ``k`` failed positions the group does not survive (a counterexample), or
    None when every such set is survived."""
    for combo in combinations(range(n), k):
        if not survives_set(level, n, combo):
            return combo
    return None
