"""Storage actions as a student would use them in lessons 8 and 9: grow a VG and an LV
online, fill a thin pool, fail disks, OSDs and hosts, and change a pool."""

from __future__ import annotations

from pathlib import Path

import pytest

from virtlab.core.actions import ACTION_KINDS, apply
from virtlab.core.base import Refused
from virtlab.core.report import build_report
from virtlab.core.storage.actions import (
    CephPool,
    LvExtend,
    OsdOut,
    StorageFail,
    StorageRepair,
    ThinWrite,
    VgExtend,
)
from virtlab.core.storage.lvm import FullPool
from virtlab.core.storage.raid import RaidState
from virtlab.course.scenario import load_scenario

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def _load(name: str):
    dc, problems = load_scenario(SCENARIOS / name)
    assert problems == [] and dc is not None
    return dc


def _stack(dc):
    return build_report(dc).storage_stack


def test_the_storage_kinds_are_actions() -> None:
    assert {"storage_fail", "storage_repair", "vgextend", "lvextend", "thin_write", "ceph_pool"} <= set(ACTION_KINDS)


def test_grow_the_vg_with_a_fourth_pv_then_the_lv_online() -> None:
    dc = _load("storage-lvm-thin.toml")
    with pytest.raises(Refused) as e:
        apply(dc, LvExtend(name="lv-data", size_mib=14 * 1024))
    assert e.value.violations[0].message == "lv-data: 3584 extents requested, vg0 has 3069 free"
    dc = apply(dc, VgExtend(vg="vg0", pv="pv4"))
    assert _stack(dc).vgs["vg0"].extents == 4 * 2559
    dc = apply(dc, LvExtend(name="lv-data", size_mib=14 * 1024))
    assert next(lv for lv in dc.storage.stack.lvs if lv.name == "lv-data").size_mib == 14 * 1024
    with pytest.raises(Refused):
        apply(dc, VgExtend(vg="vg0", pv="pv4"))  # already in vg0


def test_filling_the_thin_pool_autoextends_then_fails_writes() -> None:
    dc = _load("storage-lvm-thin.toml")
    before = dc.storage.stack.thin_pools[0].size_mib
    dc = apply(dc, ThinWrite(name="tv3", mib=1024))  # 16 GiB of 18 GiB: over the 80 % threshold
    pool = _stack(dc).thin_pools["pool0"]
    assert pool.use.size_mib > before and pool.use.full is FullPool.OK
    dc = apply(dc, ThinWrite(name="tv1", mib=6 * 1024))  # more than the VG can give
    pool = _stack(dc).thin_pools["pool0"]
    assert pool.use.full is FullPool.QUEUE and pool.use.data_pct == pytest.approx(100)
    assert next(v for v in dc.storage.stack.thin_volumes if v.name == "tv1").failed_mib > 0


def test_raid6_degrades_twice_fails_on_the_third_and_rebuilds() -> None:
    dc = _load("storage-raid.toml")
    for d in ("d1", "d2"):
        dc = apply(dc, StorageFail(name=d))
        assert _stack(dc).raid["md0"].state is RaidState.DEGRADED
    assert _stack(apply(dc, StorageFail(name="d3"))).raid["md0"].state is RaidState.FAILED
    dc = apply(dc, StorageRepair(name="d1"))
    assert _stack(dc).raid["md0"].state is RaidState.REBUILDING
    dc = apply(apply(apply(dc, StorageRepair(name="d1")), StorageRepair(name="d2")), StorageRepair(name="d2"))
    assert _stack(dc).raid["md0"].state is RaidState.OPTIMAL


def test_a_host_failure_keeps_io_with_failure_domain_host_not_osd() -> None:
    dc = apply(_load("storage-ceph.toml"), StorageFail(name="ceph-1"))
    c = _stack(dc).ceph
    assert c.pools["rbd"].inactive_pgs == () and c.pools["scratch"].inactive_pgs
    assert c.health.value == "HEALTH_ERR" and any("scratch" in r for r in c.reasons)
    dc = apply(dc, StorageRepair(name="ceph-1"))
    assert _stack(dc).ceph.health.value == "HEALTH_OK"


def test_an_osd_marked_out_moves_its_pgs() -> None:
    dc = _load("storage-ceph.toml")
    dc = apply(dc, OsdOut(name="osd.0"))
    assert "osd.0" not in _stack(dc).ceph.pgs_per_osd


def test_a_pool_the_cluster_cannot_place_is_refused_and_nothing_changes() -> None:
    dc = _load("storage-ceph.toml")
    with pytest.raises(Refused) as e:
        apply(dc, CephPool(name="rbd", changes={"size": 6}))
    assert "size 6 needs 6 failure domains (host); this cluster has 5" in e.value.violations[0].message
    assert dc.storage.stack.ceph.pools[0].size == 3
    with pytest.raises(Refused):
        apply(dc, CephPool(name="rbd", changes={"colour": "blue"}))
    assert apply(dc, CephPool(name="rbd", changes={"failure_domain": "osd"})).storage.stack.ceph.pools[0].failure_domain == "osd"


def test_mon_quorum_is_a_majority() -> None:
    dc = apply(_load("storage-ceph.toml"), StorageFail(name="mon.0"))
    assert _stack(dc).ceph.quorum
    dc = apply(dc, StorageFail(name="mon.1"))
    assert not _stack(dc).ceph.quorum and _stack(dc).ceph.reasons[0] == "no monitor quorum (1 of 3 up)"


def test_convert_a_thin_disk_to_eager_zeroed_thick_refused_when_it_does_not_fit() -> None:
    from virtlab.core.compute.lifecycle import ConvertDisk
    from virtlab.core.storage.models import Provisioning

    lab = Path(__file__).resolve().parents[2] / "lessons" / "labs" / "l6-patch-night.toml"
    from virtlab.course.labs import load_lab

    dc = load_lab(lab)[0].state
    with pytest.raises(Refused) as e:
        apply(dc, ConvertDisk(name="app-1", provisioning=Provisioning.THICK_EAGER))
    assert e.value.violations[0].code == "disk_has_snapshots"
    dc = apply(dc, ConvertDisk(name="db-1", provisioning=Provisioning.THICK_EAGER))
    assert dc.compute.vm_index["db-1"].disks[0].provisioning is Provisioning.THICK_EAGER


def test_every_osd_out_is_a_state_the_goals_and_menu_survive() -> None:
    from virtlab.course.labs import load_lab
    from virtlab.course.session import LabSession
    from virtlab.ui.widgets.storage_menu import storage_choices

    lab, _ = load_lab(Path(__file__).resolve().parents[2] / "lessons" / "labs" / "l9-ceph-failure-domains.toml")
    session = LabSession(lab)
    for o in lab.state.storage.stack.ceph.osds:
        assert session.apply(OsdOut(name=o.name)).ok
    rule = next(r for r in session.results() if r.id == "pg-rule")
    assert not rule.met and "no OSD is in" in rule.verdict.en
    assert storage_choices(session.state, "en")
