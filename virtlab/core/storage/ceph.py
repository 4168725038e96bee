"""A Ceph-like cluster: MON quorum, OSDs on hosts and racks, replicated and erasure-coded
pools, a deterministic CRUSH-like placement of placement groups (PGs), the state of every PG
after faults, usable capacity, full ratios, health, and the PG-count rule.

Sources: Ceph docs — ``mon-config-ref`` (quorum: a strict majority of MONs), pool defaults
(replicated size 3, min_size 2; a PG below min_size stops I/O), ``erasure-code`` (k+m
chunks, survives m failures, needs k+m failure domains; min_size k+1 by default, I/O stops
below k chunks), full ratios (nearfull 0.85 warns, backfillfull 0.90, full 0.95 stops client
writes), the PG calculator and Red Hat's placement-group guide (≈ 100 PGs per OSD × OSDs ÷
size, rounded to the nearest power of two — the next one up if the nearest is more than
25 % below; 200 OSDs, size 3 → 6,667 → 8,192; PGs per OSD count replicas: 8,192 × 3 ÷ 200 ≈
123). Placement is rendezvous (highest-random-weight) hashing with a seed, standing in for
CRUSH: the same state always gives the same map, no two shards of a PG share a failure
domain, and a domain going out moves only the PGs that used it.
"""

from __future__ import annotations

import hashlib
import heapq
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import Literal

from pydantic import Field, model_validator

from virtlab.core.base import Frozen, Name, PositiveFloat, Refused, Violation

__all__ = ["FULL", "NEARFULL", "BACKFILLFULL", "CephCluster", "Health", "Osd", "PgState", "Pool",
           "cluster_report", "pg_count", "place", "quorum"]

NEARFULL, BACKFILLFULL, FULL = 0.85, 0.90, 0.95
TARGET_PGS_PER_OSD = 100
MON_MAX_PG_PER_OSD = 250

FailureDomain = Literal["osd", "host", "rack"]


class Osd(Frozen):
    name: Name
    host: Name
    rack: Name = "default"
    size_tb: PositiveFloat
    up: bool = True
    marked_in: bool = True  # "in": holds data; "out": its PGs move elsewhere
    used_tb: float = Field(0.0, ge=0)

    def domain(self, level: FailureDomain) -> str:
        return {"osd": self.name, "host": self.host, "rack": self.rack}[level]


class Pool(Frozen):
    name: Name
    kind: Literal["replicated", "erasure"] = "replicated"
    size: int = Field(3, ge=1, le=10)  # replicated: copies
    min_size: int | None = None  # default: size − size // 2 (2 of 3); EC: k + 1
    k: int = Field(2, ge=1, le=16)  # erasure: data chunks
    m: int = Field(1, ge=1, le=8)  # erasure: coding chunks
    failure_domain: FailureDomain = "host"
    pgs: int = Field(32, ge=1, le=65536)
    seed: int = 0
    #: The datastore whose virtual disks are RBD images in this pool (None: no VM's disks).
    datastore: Name | None = None

    @property
    def width(self) -> int:
        """Shards per PG: copies, or k + m chunks."""
        return self.size if self.kind == "replicated" else self.k + self.m

    @property
    def min_active(self) -> int:
        """Shards up below which a PG stops client I/O."""
        if self.min_size is not None:
            return self.min_size
        return self.size - self.size // 2 if self.kind == "replicated" else self.k + 1

    @property
    def efficiency(self) -> float:
        """Usable ÷ raw: 1/size, or k/(k+m)."""
        return 1 / self.size if self.kind == "replicated" else self.k / (self.k + self.m)

    @model_validator(mode="after")
    def _sane(self) -> Pool:
        if self.min_size is not None and not 1 <= self.min_size <= self.width:
            raise ValueError(f"min_size must be from 1 to {self.width}")
        return self


class CephCluster(Frozen):
    name: Name = "ceph"
    mons: tuple[bool, ...] = (True, True, True)  # up or down, one per MON
    osds: tuple[Osd, ...] = ()
    pools: tuple[Pool, ...] = ()


def quorum(mons: Sequence[bool]) -> bool:
    """MONs keep a quorum while a strict majority is up (2 of 3, 3 of 5)."""
    return sum(mons) > len(mons) / 2


def pg_count(osds: int, size: int, share: float = 1.0) -> int:
    """The calculator's PG count for a pool holding ``share`` of the data (0 with no OSD in)."""
    raw = max(TARGET_PGS_PER_OSD * osds * share / size, osds / size)
    if raw < 1:
        return 0 if osds <= 0 else 1
    low = 2 ** math.floor(math.log2(raw))
    high = low * 2
    nearest = low if raw - low <= high - raw else high
    if nearest < raw * 0.75:
        nearest = high
    return int(nearest)


_M64 = (1 << 64) - 1


def _key(text: str) -> int:
    """A stable 64-bit key for a name (the same in every run, unlike ``hash``)."""
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big")


def _mix(x: int) -> int:
    """splitmix64's finaliser: a fast, well-spread 64-bit mix of ``x``."""
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _M64
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _M64
    return x ^ (x >> 31)


@lru_cache(maxsize=32)
def _placement(pool: Pool, members: tuple[tuple[str, str], ...]) -> tuple[tuple[str, ...], ...]:
    """Every PG's OSDs for ``pool`` over ``members`` ((failure domain, OSD) of the OSDs in):
    rendezvous hashing of the domains per PG, then of the OSDs in each chosen domain. The
    map depends only on which OSDs are *in*, so OSDs going down reuse it (as in Ceph, where
    a down OSD keeps its PGs until it is marked out)."""
    by_domain: dict[str, list[tuple[int, str]]] = {}
    for domain, osd in members:
        by_domain.setdefault(domain, []).append((_key("o:" + osd), osd))
    domains = [(_key("d:" + d), osds) for d, osds in by_domain.items()]
    base = _key(f"{pool.seed}/{pool.name}")
    out = []
    for pg in range(pool.pgs):
        pk = _mix(base + pg)
        chosen = heapq.nlargest(pool.width, domains, key=lambda d: _mix(pk ^ d[0]))
        out.append(tuple(max(osds, key=lambda o: _mix(pk ^ o[0]))[1] for _, osds in chosen))
    return tuple(out)


def check_pool(cluster: CephCluster, pool: Pool) -> None:
    """Refuse a pool the cluster cannot place: fewer failure domains than shards."""
    domains = {o.domain(pool.failure_domain) for o in cluster.osds if o.marked_in}
    if len(domains) < pool.width:
        what = f"EC {pool.k}+{pool.m}" if pool.kind == "erasure" else f"size {pool.size}"
        raise Refused([Violation("ceph_domains", pool.name, f"{what} needs {pool.width} failure "
                                 f"domains ({pool.failure_domain}); this cluster has {len(domains)}",
                                 float(pool.width - len(domains)),
                                 {"need": pool.width, "have": len(domains), "level": pool.failure_domain})])


def _members(cluster: CephCluster, pool: Pool) -> tuple[tuple[str, str], ...]:
    return tuple((o.domain(pool.failure_domain), o.name) for o in cluster.osds if o.marked_in)


def place(cluster: CephCluster, pool: Pool, pg: int) -> tuple[str, ...]:
    """The OSDs a PG maps to, one per failure domain: the domains ranked by a seeded hash,
    and within a domain the OSD with the best hash. Only OSDs marked in are candidates (a
    down-but-in OSD keeps its PGs: they are degraded, not moved)."""
    return _placement(pool, _members(cluster, pool))[pg]


class PgState(StrEnum):
    CLEAN = "active+clean"
    DEGRADED = "active+degraded"  # a shard down, I/O goes on
    UNDERSIZED = "active+undersized"  # fewer domains than shards to map to
    INACTIVE = "inactive"  # below min_size (or below k chunks): I/O stops


class Health(StrEnum):
    OK = "HEALTH_OK"
    WARN = "HEALTH_WARN"
    ERR = "HEALTH_ERR"


@dataclass(frozen=True, slots=True)
class PoolReport:
    name: str
    usable_tb: float
    pgs: dict[str, int]  # state → count
    inactive_pgs: tuple[int, ...]
    writes_blocked: bool  # an OSD it maps to is full


#: Each health reason as ``ceph health`` words it (English); the string files word the same
#: codes in each language (``labp.ceph.*``).
HEALTH_WORDS = {
    "no_quorum": "no monitor quorum ({up} of {n} up)",
    "pgs_inactive": "{pool}: {n} pgs inactive",
    "pgs_degraded": "{pool}: {n} pgs degraded or undersized",
    "full_osds": "{n} full osd(s)",
    "nearfull_osds": "{n} nearfull osd(s)",
    "osds_down": "{n} osds down",
}


@dataclass(frozen=True, slots=True)
class HealthReason:
    """One reason for the cluster's health: a code of :data:`HEALTH_WORDS` and its numbers."""

    code: str
    params: dict[str, str | int]

    @property
    def english(self) -> str:
        return HEALTH_WORDS[self.code].format(**self.params)


@dataclass(frozen=True, slots=True)
class ClusterReport:
    raw_tb: float
    quorum: bool
    pools: dict[str, PoolReport]
    pgs_per_osd: dict[str, int]  # shard count per OSD (replicas, not PGs)
    health: Health
    reasons: tuple[str, ...]  # in ceph health's English
    reason_codes: tuple[HealthReason, ...] = ()  # the same, as codes and numbers


def pg_state(cluster: CephCluster, pool: Pool, acting: Sequence[str],
             up: frozenset[str] | None = None) -> PgState:
    up = up if up is not None else frozenset(o.name for o in cluster.osds if o.up)
    return pg_state_of(pool, acting, up)


def pg_state_of(pool: Pool, acting: Sequence[str], up: frozenset[str]) -> PgState:
    """The state of a PG mapped to ``acting`` while the OSDs ``up`` are up."""
    alive = sum(1 for o in acting if o in up)
    floor = max(pool.min_active, pool.k if pool.kind == "erasure" else 1)
    if alive < floor:
        return PgState.INACTIVE
    if len(acting) < pool.width:
        return PgState.UNDERSIZED
    return PgState.CLEAN if alive == pool.width else PgState.DEGRADED


@dataclass(frozen=True, slots=True)
class _Layout:
    """What a pool's placement gives before any OSD is down (see :func:`_layout`)."""

    placement: tuple[tuple[str, ...], ...]
    shards: dict[str, int]
    """Shards per OSD, in the order the PGs first name them."""
    pgs_of: dict[str, tuple[int, ...]]
    """Each OSD's PGs."""
    states: tuple[PgState, ...]
    """Every PG's state while all its OSDs are up."""
    counts: dict[str, int]
    """PGs per state while all are up, in the order of each state's first PG."""
    inactive: tuple[int, ...]
    """The PGs inactive while all are up (mapped to too few OSDs)."""


@lru_cache(maxsize=32)
def _layout(pool: Pool, members: tuple[tuple[str, str], ...]) -> _Layout:
    """:func:`_placement` read once per set of OSDs in, so a report walks only the PGs of the
    OSDs that are down (a PG with every OSD up is in its all-up state)."""
    placement = _placement(pool, members)
    shards: Counter[str] = Counter()
    pgs_of: dict[str, list[int]] = {}
    for pg, acting in enumerate(placement):
        shards.update(acting)
        for osd in acting:
            pgs_of.setdefault(osd, []).append(pg)
    everyone = frozenset(shards)
    states = tuple(pg_state_of(pool, acting, everyone) for acting in placement)
    counts = dict(Counter(state.value for state in states))
    inactive = tuple(pg for pg, state in enumerate(states) if state is PgState.INACTIVE)
    return _Layout(placement, dict(shards), {o: tuple(p) for o, p in pgs_of.items()}, states,
                   counts, inactive)


def cluster_report(cluster: CephCluster) -> ClusterReport:
    """Every pool's PG states and usable capacity, shards per OSD, and health with its reasons
    (worded as ``ceph health`` words them)."""
    raw = sum(o.size_tb for o in cluster.osds if o.marked_in)
    full = {o.name for o in cluster.osds if o.used_tb >= FULL * o.size_tb}
    nearfull = {o.name for o in cluster.osds if NEARFULL * o.size_tb <= o.used_tb < FULL * o.size_tb}
    per_osd: Counter[str] = Counter()
    pools: dict[str, PoolReport] = {}
    reasons: list[HealthReason] = []
    health = Health.OK
    up = frozenset(o.name for o in cluster.osds if o.up)
    for pool in cluster.pools:
        states: Counter[str] = Counter()
        inactive: list[int] = []
        layout = _layout(pool, _members(cluster, pool))
        per_osd.update(layout.shards)
        hit = {pg for osd, pgs in layout.pgs_of.items() if osd not in up for pg in pgs}
        if hit:
            for pg, state in enumerate(layout.states):
                if pg in hit:
                    state = pg_state_of(pool, layout.placement[pg], up)
                states[state.value] += 1
                if state is PgState.INACTIVE:
                    inactive.append(pg)
        else:  # every OSD the pool maps to is up: the states it has then
            states.update(layout.counts)
            inactive.extend(layout.inactive)
        blocked = any(osd in full for osd in layout.pgs_of)
        pools[pool.name] = PoolReport(pool.name, raw * pool.efficiency, dict(states),
                                      tuple(inactive), blocked)
        if inactive:
            health = Health.ERR
            reasons.append(HealthReason("pgs_inactive", {"pool": pool.name, "n": len(inactive)}))
        bad = states[PgState.DEGRADED.value] + states[PgState.UNDERSIZED.value]
        if bad:
            health = max(health, Health.WARN, key=list(Health).index)
            reasons.append(HealthReason("pgs_degraded", {"pool": pool.name, "n": bad}))
    if not quorum(cluster.mons):
        health = Health.ERR
        reasons.insert(0, HealthReason("no_quorum", {"up": sum(cluster.mons), "n": len(cluster.mons)}))
    if full:
        health = Health.ERR
        reasons.append(HealthReason("full_osds", {"n": len(full)}))
    elif nearfull:
        health = max(health, Health.WARN, key=list(Health).index)
        reasons.append(HealthReason("nearfull_osds", {"n": len(nearfull)}))
    down = [o.name for o in cluster.osds if not o.up]
    if down:
        health = max(health, Health.WARN, key=list(Health).index)
        reasons.append(HealthReason("osds_down", {"n": len(down)}))
    return ClusterReport(raw, quorum(cluster.mons), pools, dict(per_osd), health,
                         tuple(r.english for r in reasons), tuple(reasons))
