"""LVM arithmetic: physical volumes, volume groups in extents, linear logical volumes, and
thin pools whose thin volumes may promise more than the pool holds.

Sources (lvm(8), lvcreate(8), lvmthin(7), lvm.conf(5); RHEL "Configuring and managing
logical volumes"): a PV keeps its metadata area at the start (``pe_start``, 1 MiB by
default), so it holds ⌊(size − 1 MiB) ÷ extent⌋ physical extents; the default extent is
4 MiB; an LV's size is rounded *up* to whole extents (a 10 GiB LV is 2,560 extents). A thin
pool allocates on write; ``thin_pool_autoextend_threshold`` (default 100 = off) and
``thin_pool_autoextend_percent`` (default 20) grow it from the VG's free extents when its
data use reaches the threshold. A full pool queues writes for up to 60 s, then fails them
(at once with ``--errorwhenfull y``); file systems on it can be damaged.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from virtlab.core.base import Refused, Violation

__all__ = ["DEFAULT_EXTENT_MIB", "PE_START_MIB", "FullPool", "ThinPoolUse", "autoextend",
           "lv_extents", "pv_extents", "thin_pool_use", "vg_extents"]

DEFAULT_EXTENT_MIB = 4.0
PE_START_MIB = 1.0
#: How long a full thin pool queues writes before failing them (lvmthin(7)).
QUEUE_S = 60


def pv_extents(size_mib: float, extent_mib: float = DEFAULT_EXTENT_MIB) -> int:
    """Extents a PV of ``size_mib`` gives a VG: a 10 GiB PV gives 2,559 (1 MiB of metadata)."""
    return max(0, math.floor((size_mib - PE_START_MIB) / extent_mib))


def vg_extents(pv_sizes_mib: Sequence[float], extent_mib: float = DEFAULT_EXTENT_MIB) -> int:
    """Total extents of a VG over these PVs."""
    return sum(pv_extents(s, extent_mib) for s in pv_sizes_mib)


def lv_extents(size_mib: float, extent_mib: float = DEFAULT_EXTENT_MIB) -> int:
    """Extents an LV of ``size_mib`` takes, rounded up (10 GiB → 2,560)."""
    return math.ceil(size_mib / extent_mib - 1e-9)


def check_lv(name: str, vg: str, size_mib: float, free_extents: int,
             extent_mib: float = DEFAULT_EXTENT_MIB) -> int:
    """The extents a new or grown LV takes, or a refusal with the numbers lvcreate gives
    ("lv-data: 3000 extents requested, vg0 has 2559 free")."""
    want = lv_extents(size_mib, extent_mib)
    if want > free_extents:
        raise Refused([Violation("vg_full", name, f"{name}: {want} extents requested, {vg} has "
                                 f"{free_extents} free", float(want - free_extents),
                                 {"lv": name, "vg": vg, "want": want, "free": free_extents})])
    return want


class FullPool(StrEnum):
    """What happens to a write when the thin pool is full."""

    OK = "ok"
    QUEUE = "queue"  # writes wait up to 60 s for the pool to grow, then fail
    ERROR = "error"  # --errorwhenfull y: they fail at once


@dataclass(frozen=True, slots=True)
class ThinPoolUse:
    size_mib: float
    data_used_mib: float  # what the thin volumes have written
    virtual_mib: float  # what the thin volumes promise
    full: FullPool

    JSON_PROPERTIES = ("data_pct", "overcommit")

    @property
    def data_pct(self) -> float:
        return 100 * self.data_used_mib / self.size_mib

    @property
    def overcommit(self) -> float:
        """Promised ÷ real: above 1 the thin volumes promise more than the pool holds."""
        return self.virtual_mib / self.size_mib


def thin_pool_use(size_mib: float, volumes: Sequence[tuple[float, float]], *,
                  error_when_full: bool = False) -> ThinPoolUse:
    """A pool of ``size_mib`` with thin volumes given as (virtual size, written) in MiB."""
    written = min(size_mib, sum(w for _, w in volumes))
    virtual = sum(v for v, _ in volumes)
    full = FullPool.OK
    if sum(w for _, w in volumes) >= size_mib - 1e-9:
        full = FullPool.ERROR if error_when_full else FullPool.QUEUE
    return ThinPoolUse(size_mib, written, virtual, full)


def autoextend(size_mib: float, used_mib: float, vg_free_mib: float, *,
               threshold_pct: float = 100.0, percent: float = 20.0) -> tuple[float, float]:
    """The pool's size after autoextension and the VG space left: while data use is at or
    above ``threshold_pct`` (100 = off) the pool grows by ``percent`` % of its size, as far
    as the VG's free space allows (lvm.conf ``thin_pool_autoextend_*``)."""
    if threshold_pct >= 100 or percent <= 0:
        return size_mib, vg_free_mib
    while used_mib >= size_mib * threshold_pct / 100 - 1e-9 and vg_free_mib > 0:
        grow = min(size_mib * percent / 100, vg_free_mib)
        size_mib += grow
        vg_free_mib -= grow
    return size_mib, vg_free_mib
