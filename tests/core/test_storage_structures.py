"""RAID, LVM and Ceph arithmetic against the published numbers (reference/semantics.md,
Storage), with property tests of their invariants."""

from __future__ import annotations

from itertools import combinations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from virtlab.core.base import Refused
from virtlab.core.storage import ceph, lvm, raid
from virtlab.core.storage.raid import RaidLevel

L = RaidLevel


@pytest.mark.parametrize(("level", "n", "usable", "survives"), [
    (L.RAID0, 4, 16, 0), (L.RAID1, 2, 4, 1), (L.RAID1, 3, 4, 2), (L.RAID5, 4, 12, 1),
    (L.RAID6, 6, 16, 2), (L.RAID10, 4, 8, 1), (L.RAID10, 8, 16, 1),
])
def test_raid_table(level: RaidLevel, n: int, usable: float, survives: int) -> None:
    """RHEL Storage Administration Guide: n disks of 4 TB."""
    assert raid.usable_tb(level, [4.0] * n) == usable
    assert raid.survives(level, n) == survives


def test_raid10_survives_one_per_mirror_pair_not_any_two() -> None:
    assert raid.survives_set(L.RAID10, 4, [0, 2])  # one of each pair
    assert not raid.survives_set(L.RAID10, 4, [0, 1])  # a whole pair
    assert raid.worst_failure_set(L.RAID10, 4, 2) == (0, 1)


@pytest.mark.parametrize(("level", "n", "words"), [
    (L.RAID6, 3, "RAID 6 needs at least 4 disks; g has 3"),
    (L.RAID5, 2, "RAID 5 needs at least 3 disks; g has 2"),
    (L.RAID10, 5, "RAID 10 mirrors disks in pairs; 5 disks leave one without a mirror"),
])
def test_raid_refusals_name_the_numbers(level: RaidLevel, n: int, words: str) -> None:
    with pytest.raises(Refused) as e:
        raid.check_raid(level, n, "g")
    assert words in [v.message for v in e.value.violations]


def test_write_penalty_sets_front_end_iops() -> None:
    # 8 HDDs × 80 IOPS = 640 raw; 30 % writes on RAID 5: 640 / (0.7 + 0.3 × 4) ≈ 336.8.
    assert raid.front_end_iops(L.RAID5, 640, 0.3) == pytest.approx(336.84, abs=0.01)
    assert raid.front_end_iops(L.RAID10, 640, 0.3) == pytest.approx(492.3, abs=0.1)
    assert raid.front_end_iops(L.RAID6, 640, 1.0) == pytest.approx(640 / 6)


def test_raid_state_after_faults() -> None:
    disks = {f"d{i}": raid.PhysicalDisk(name=f"d{i}", size_tb=4) for i in range(4)}
    g = raid.RaidGroup(name="g", level=L.RAID5, disks=tuple(disks))
    assert raid.raid_state(g, disks) is raid.RaidState.OPTIMAL
    disks["d1"] = disks["d1"].model_copy(update={"state": raid.DiskState.FAILED})
    assert raid.raid_state(g, disks) is raid.RaidState.DEGRADED
    disks["d1"] = disks["d1"].model_copy(update={"state": raid.DiskState.REBUILDING})
    assert raid.raid_state(g, disks) is raid.RaidState.REBUILDING
    disks["d2"] = disks["d2"].model_copy(update={"state": raid.DiskState.FAILED})
    assert raid.raid_state(g, disks) is raid.RaidState.FAILED


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(list(L)), st.integers(2, 10))
def test_raid_survives_f_failures_and_not_f_plus_one(level: RaidLevel, n: int) -> None:
    if n < raid.MIN_DISKS[level] or (level is L.RAID10 and n % 2):
        return
    assert raid.usable_tb(level, [1.0] * n) <= n
    f = raid.survives(level, n)
    assert all(raid.survives_set(level, n, c) for c in combinations(range(n), f))
    if f + 1 <= n:
        assert raid.worst_failure_set(level, n, f + 1) is not None


# --------------------------------------------------------------------------- LVM

def test_lvm_extents() -> None:
    assert lvm.lv_extents(10 * 1024) == 2560  # a 10 GiB LV
    assert lvm.pv_extents(10 * 1024) == 2559  # a 10 GiB PV: 1 MiB of metadata
    assert lvm.vg_extents([10 * 1024] * 3) == 7677
    assert lvm.lv_extents(10 * 1024 + 1) == 2561  # rounded up


def test_lv_refused_with_lvcreates_numbers() -> None:
    with pytest.raises(Refused) as e:
        lvm.check_lv("lv-data", "vg0", 3000 * 4, 2559)
    assert e.value.violations[0].message == "lv-data: 3000 extents requested, vg0 has 2559 free"


def test_thin_pool_promises_more_than_it_holds_and_fills() -> None:
    use = lvm.thin_pool_use(20 * 1024, [(10 * 1024, 4 * 1024)] * 3)
    assert use.overcommit == pytest.approx(1.5) and use.data_pct == pytest.approx(60)
    assert use.full is lvm.FullPool.OK
    full = lvm.thin_pool_use(20 * 1024, [(10 * 1024, 7 * 1024)] * 3)
    assert full.full is lvm.FullPool.QUEUE and full.data_pct == 100
    assert lvm.thin_pool_use(20 * 1024, [(10 * 1024, 7 * 1024)] * 3, error_when_full=True).full is lvm.FullPool.ERROR


def test_autoextend_off_by_default_then_20_percent_from_vg_free() -> None:
    assert lvm.autoextend(1000, 900, 500) == (1000, 500)  # threshold 100: off
    assert lvm.autoextend(1000, 800, 500, threshold_pct=80) == (1200, 300)
    assert lvm.autoextend(1000, 800, 100, threshold_pct=80) == (1100, 0)  # as far as the VG allows


# --------------------------------------------------------------------------- Ceph

def _cluster(hosts: int = 5, per_host: int = 4, tb: float = 4.0, **pool: object) -> ceph.CephCluster:
    osds = tuple(ceph.Osd(name=f"osd.{h * per_host + i}", host=f"h{h}", size_tb=tb)
                 for h in range(hosts) for i in range(per_host))
    return ceph.CephCluster(osds=osds, pools=(ceph.Pool(name="rbd", **{"pgs": 128, **pool}),))


def test_ceph_usable_replica_3_and_ec() -> None:
    r = ceph.cluster_report(_cluster())
    assert r.raw_tb == 80 and r.pools["rbd"].usable_tb == pytest.approx(26.67, abs=0.01)
    ec = ceph.cluster_report(_cluster(kind="erasure", k=3, m=2))
    assert ec.pools["rbd"].usable_tb == pytest.approx(48)
    assert r.health is ceph.Health.OK and r.pools["rbd"].pgs == {"active+clean": 128}


def test_pg_count_rule() -> None:
    assert ceph.pg_count(200, 3) == 8192  # Red Hat: 6,667 → 8,192
    assert ceph.pg_count(20, 3) == 512  # 666.7 → 512 (within 25 %)
    assert ceph.pg_count(21, 3) == 1024  # 700: the nearest, 512, is 27 % below → the next up


def test_shards_per_osd_count_replicas() -> None:
    r = ceph.cluster_report(_cluster())
    assert sum(r.pgs_per_osd.values()) == 128 * 3


def test_failure_domain_host_keeps_io_when_a_host_fails_osd_does_not() -> None:
    def fail_host(c: ceph.CephCluster) -> ceph.CephCluster:
        return c.model_copy(update={"osds": tuple(o.model_copy(update={"up": o.host != "h0"}) for o in c.osds)})

    by_host = ceph.cluster_report(fail_host(_cluster()))
    assert by_host.pools["rbd"].inactive_pgs == () and by_host.health is ceph.Health.WARN
    by_osd = ceph.cluster_report(fail_host(_cluster(failure_domain="osd", pgs=256)))
    assert by_osd.pools["rbd"].inactive_pgs and by_osd.health is ceph.Health.ERR


def test_ec_needs_k_plus_m_domains() -> None:
    c = _cluster(kind="erasure", k=4, m=2)
    with pytest.raises(Refused) as e:
        ceph.check_pool(c, c.pools[0])
    assert e.value.violations[0].message == "EC 4+2 needs 6 failure domains (host); this cluster has 5"


def test_full_ratios_and_quorum() -> None:
    c = _cluster()
    osds = list(c.osds)
    osds[0] = osds[0].model_copy(update={"used_tb": 0.86 * 4})
    r = ceph.cluster_report(c.model_copy(update={"osds": tuple(osds)}))
    assert r.health is ceph.Health.WARN and "1 nearfull osd(s)" in r.reasons
    osds[0] = osds[0].model_copy(update={"used_tb": 0.95 * 4})
    r = ceph.cluster_report(c.model_copy(update={"osds": tuple(osds)}))
    assert r.health is ceph.Health.ERR and r.pools["rbd"].writes_blocked
    assert ceph.quorum((True, True, False)) and not ceph.quorum((True, False, False))
    assert not ceph.quorum((True, True, False, False))


@settings(max_examples=30, deadline=None)
@given(st.integers(3, 8), st.integers(1, 4), st.sampled_from(["osd", "host"]), st.integers(0, 99))
def test_placement_never_puts_two_shards_in_one_domain_and_is_deterministic(
        hosts: int, per_host: int, level: str, seed: int) -> None:
    c = _cluster(hosts, per_host, failure_domain=level, seed=seed)
    pool = c.pools[0]
    by_name = {o.name: o for o in c.osds}
    for pg in range(pool.pgs):
        acting = ceph.place(c, pool, pg)
        assert acting == ceph.place(c, pool, pg)
        domains = [by_name[o].domain(pool.failure_domain) for o in acting]
        assert len(set(domains)) == len(domains) == min(pool.width, len({o.domain(level) for o in c.osds}))


# --------------------------------------------------------------------------- the stack

def test_lesson8_stack_numbers() -> None:
    from virtlab.core.storage.stack import (
        LogicalVolume,
        PhysicalVolume,
        StorageStack,
        ThinPool,
        ThinVolume,
        VolumeGroup,
        stack_report,
    )

    gib = 1024.0
    pvs = tuple(PhysicalVolume(name=f"pv{i}", size_mib=10 * gib) for i in range(4))
    stack = StorageStack(pvs=pvs, vgs=(VolumeGroup(name="vg0", pvs=("pv0", "pv1", "pv2")),),
                         lvs=(LogicalVolume(name="lv-data", vg="vg0", size_mib=10 * gib),))
    vg = stack_report(stack).vgs["vg0"]
    assert (vg.extents, vg.free_extents) == (7677, 7677 - 2560)
    grown = stack.model_copy(update={"vgs": (VolumeGroup(name="vg0", pvs=("pv0", "pv1", "pv2", "pv3")),)})
    assert stack_report(grown).vgs["vg0"].extents == 4 * 2559
    thin = grown.model_copy(update={
        "thin_pools": (ThinPool(name="pool", vg="vg0", size_mib=20 * gib, autoextend_threshold=80),),
        "thin_volumes": tuple(ThinVolume(name=f"tv{i}", pool="pool", virtual_mib=10 * gib, written_mib=6 * gib)
                              for i in range(3))})
    pool = stack_report(thin).thin_pools["pool"]
    assert pool.use.overcommit == pytest.approx(1.5) and pool.use.data_pct == pytest.approx(90)
    assert pool.size_after_autoextend_mib == pytest.approx(24 * gib)  # +20 % once: 18/24 = 75 % < 80 %


def test_a_failed_raid_group_gives_its_pv_nothing() -> None:
    from virtlab.core.storage.stack import PhysicalVolume, StorageStack, VolumeGroup, stack_report

    disks = tuple(raid.PhysicalDisk(name=f"d{i}", size_tb=1, state=raid.DiskState.FAILED if i < 2 else raid.DiskState.OK)
                  for i in range(4))
    stack = StorageStack(disks=disks, raid_groups=(raid.RaidGroup(name="md0", level=L.RAID5, disks=tuple(d.name for d in disks)),),
                         pvs=(PhysicalVolume(name="pv0", on="md0"),), vgs=(VolumeGroup(name="vg0", pvs=("pv0",)),))
    r = stack_report(stack)
    assert r.raid["md0"].state is raid.RaidState.FAILED and r.vgs["vg0"].extents == 0
