"""A Ceph report reads each pool's placement once per set of OSDs in and walks only the PGs
of the OSDs that are down: it must give what walking every PG gives, state by state, in the
same order, for the shipped clusters with OSDs down, out or full."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from virtlab.core.storage.ceph import (
    FULL,
    CephCluster,
    PgState,
    _members,
    _placement,
    cluster_report,
    pg_state,
)
from virtlab.course.scenario import load_scenario

SCENARIOS = Path(__file__).parents[3] / "scenarios"


def every_pg(cluster: CephCluster) -> tuple[dict[str, tuple[object, ...]], list[tuple[str, int]]]:
    """The report's PG part the plain way: every PG of every pool, one by one."""
    up = frozenset(o.name for o in cluster.osds if o.up)
    full = {o.name for o in cluster.osds if o.used_tb >= FULL * o.size_tb}
    shards: Counter[str] = Counter()
    pools: dict[str, tuple[object, ...]] = {}
    for pool in cluster.pools:
        states: Counter[str] = Counter()
        inactive: list[int] = []
        blocked = False
        for pg, acting in enumerate(_placement(pool, _members(cluster, pool))):
            shards.update(acting)
            state = pg_state(cluster, pool, acting, up)
            states[state.value] += 1
            if state is PgState.INACTIVE:
                inactive.append(pg)
            blocked = blocked or any(o in full for o in acting)
        pools[pool.name] = (list(states.items()), tuple(inactive), blocked)
    return pools, list(shards.items())


def variants(cluster: CephCluster) -> list[CephCluster]:
    osds = cluster.osds

    def changed(which: set[int], **update: object) -> CephCluster:
        return cluster.model_copy(update={"osds": tuple(
            o.model_copy(update=update) if i in which else o for i, o in enumerate(osds))})

    out = [cluster]
    for i, osd in enumerate(osds):
        out += [changed({i}, up=False), changed({i}, marked_in=False),
                changed({i}, used_tb=osd.size_tb)]
        if i + 1 < len(osds):
            out.append(changed({i, i + 1}, up=False))
        if i + 2 < len(osds):
            out.append(changed({i, i + 2}, up=False, marked_in=False))
    return out


@pytest.mark.parametrize("name", ["storage-ceph.toml", "storage-ceph-rbd.toml"])
def test_the_report_walks_the_pgs_of_down_osds_only_and_says_the_same(name: str) -> None:
    dc, problems = load_scenario(SCENARIOS / name)
    assert dc is not None and dc.storage.stack.ceph is not None, problems
    seen: set[str] = set()
    for cluster in variants(dc.storage.stack.ceph):
        report = cluster_report(cluster)
        got = ({p: (list(r.pgs.items()), r.inactive_pgs, r.writes_blocked)
                for p, r in report.pools.items()}, list(report.pgs_per_osd.items()))
        assert got == every_pg(cluster)
        seen.update(s for r in report.pools.values() for s in r.pgs)
    assert {PgState.CLEAN, PgState.DEGRADED, PgState.INACTIVE} <= seen  # the cases are met
