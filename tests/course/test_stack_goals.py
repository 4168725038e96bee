"""Goals on the storage stack, on the shipped storage scenarios."""

from __future__ import annotations

from pathlib import Path

from virtlab.core.actions import apply
from virtlab.core.report import build_report
from virtlab.core.storage.actions import CephPool, LvExtend, StorageRepair, ThinWrite, VgExtend
from virtlab.course.goals import CHECKS, parse_params
from virtlab.course.scenario import load_scenario

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def _check(dc, name: str, **params):
    spec = CHECKS[name]
    return spec(dc, build_report(dc), parse_params(name, params, {"state": dc, "added": {}}))


def _load(name: str):
    dc, problems = load_scenario(SCENARIOS / name)
    assert problems == [] and dc is not None
    return dc


def test_ceph_survives_names_the_counterexample() -> None:
    dc = _load("storage-ceph.toml")
    assert _check(dc, "ceph_survives", pool="rbd").met
    v = _check(dc, "ceph_survives", pool="scratch")
    assert not v.met and v.en.startswith("scratch: if ceph-1 fails, ") and "placement groups go inactive" in v.en
    fixed = apply(dc, CephPool(name="scratch", changes={"failure_domain": "host"}))
    assert _check(fixed, "ceph_survives", pool="scratch").met


def test_pg_rule() -> None:
    dc = _load("storage-ceph.toml")
    assert _check(dc, "ceph_pg_rule", pool="rbd").met
    v = _check(dc, "ceph_pg_rule", pool="scratch")
    assert v.en == "scratch: 128 PGs; the rule gives 512 for 20 OSDs at size 3"


def test_thin_pool_use_and_failed_writes() -> None:
    dc = _load("storage-lvm-thin.toml")
    assert _check(dc, "thin_pool_data_max", pool="pool0", max_pct=90).met
    assert not _check(dc, "thin_pool_data_max", pool="pool0", max_pct=80).met
    full = apply(dc, ThinWrite(name="tv1", mib=8 * 1024))
    v = _check(full, "thin_pool_data_max", pool="pool0", max_pct=100)
    assert not v.met and "writes failed" in v.en


def test_lv_size_after_growing_online() -> None:
    dc = _load("storage-lvm-thin.toml")
    assert not _check(dc, "lv_size_min", lv="lv-data", size="14G").met
    grown = apply(apply(dc, VgExtend(vg="vg0", pv="pv4")), LvExtend(name="lv-data", size_mib=14 * 1024))
    assert _check(grown, "lv_size_min", lv="lv-data", size="14G").en == "lv-data is 14.0 GiB"


def test_a_storage_reference_must_exist() -> None:
    dc = _load("storage-ceph.toml")
    try:
        parse_params("ceph_survives", {"pool": "nope"}, {"state": dc, "added": {}})
    except ValueError as e:
        assert "names 'nope', which is not in the scenario" in str(e)
    else:  # pragma: no cover
        raise AssertionError("accepted an unknown pool")


def _usable(dc, name: str, least: str):
    params = parse_params("usable_min", {"name": name, "min": least}, {"state": dc, "added": {}})
    return CHECKS["usable_min"](dc, build_report(dc), params)


def test_usable_min_reads_usable_not_raw_for_every_kind_of_capacity() -> None:
    """RAID 6 of six 0.6 TB disks gives 2.4 TB of 3.6 TB raw; Ceph size 3 of 80 TB gives
    26.7 TB; a datastore its capacity; a LUN its size."""
    san = _load("storage-san-nas.toml")
    assert _usable(san, "rg-1", "2.4 TB").met
    short = _usable(san, "rg-1", "3 TB")
    assert not short.met and short.en == "rg-1: 2.40 TB usable of 3.60 TB raw, at least 3.00 TB needed"
    assert _usable(san, "lun-1", "2 TB").met
    assert _usable(san, "ds-nfs", "2 TB").met
    ceph = _load("storage-ceph.toml")
    assert _usable(ceph, "rbd", "26 TB").met
    assert not _usable(ceph, "rbd", "27 TB").met
    lvm = _load("storage-lvm-thin.toml")
    assert _usable(lvm, "vg0", "29 GiB").met


def test_datastore_survives_and_disk_on_block_on_the_san_scenario() -> None:
    dc = _load("storage-san-nas.toml")
    v = _check(dc, "datastore_survives", datastore="ds-san", kinds=["path"])
    assert not v.met and v.en.startswith("ds-san: if path esx-2-a fails, esx-2 loses it (all paths down: APD)")
    assert "db-1" in v.en and "esx-2가" in v.ko
    fixed = apply(dc, StorageRepair(name="esx-2-b"))
    assert _check(fixed, "datastore_survives", datastore="ds-san", kinds=["path", "fabric"]).met
    assert not _check(fixed, "datastore_survives", datastore="ds-san", kinds=["array"]).met
    assert _check(dc, "disk_on_block", vm="web-1").met
    on_nfs = _check(dc, "disk_on_block", vm="files-1")
    assert not on_nfs.met and "NFS share vols of nas-1" in on_nfs.en


def test_the_ceph_health_words_are_the_same_in_the_engine_and_the_english_strings() -> None:
    from virtlab.core.storage.ceph import HEALTH_WORDS
    from virtlab.course.i18n import t

    for code, words in HEALTH_WORDS.items():
        params = {"pool": "rbd", "n": 3, "up": 1}
        assert t(f"labp.ceph.{code}", "en", **params) == words.format(**params)
        assert t(f"labp.ceph.{code}", "ko", **params) != words.format(**params)


def test_storage_menu_and_san_words_fill_every_placeholder_in_korean() -> None:
    """Seen in tmux: a Korean particle on a number ({n:을/를}) left the template unfilled."""
    from virtlab.course.i18n import t

    words = [t("labp.storage_menu.move_disk", "ko", vm="clu-1", n=1, ds="ds-nfs"),
             t("labp.act.move_disk", "ko", name="clu-1", n=1, ds="ds-nfs", fmt="thick-eager"),
             t("goal.san.on_file", "ko", vm="clu-1", n=1, ds="ds-nfs", share="vms", array="nas-1"),
             t("labp.san.paths", "ko", up=1, n=3), t("labp.storage_menu.lvsize", "ko", name="lv-data")]
    assert not any("{" in w for w in words), words


def test_disks_survive_reads_the_storage_blast_radius() -> None:
    dc = _load("storage-san-nas.toml")
    v = _check(dc, "disks_survive", kinds=["path"], workloads=["db-1"])
    assert not v.met and v.en == "if path esx-2-a fails, these lose their disk: db-1"
    assert v.ko == "경로 esx-2-a가 고장 나면 디스크를 잃는 워크로드: db-1"
    assert _check(dc, "disks_survive", kinds=["disk"]).met  # RAID 5 and 6 survive any one disk
    nfs = _check(dc, "disks_survive", kinds=["fabric"], workloads=["files-1"])
    assert not nfs.met and "lan-1" in nfs.en  # one Ethernet switch under the NFS share


def test_datastore_survives_on_ceph_rbd_names_the_host() -> None:
    dc = _load("storage-ceph-rbd.toml")
    v = _check(dc, "datastore_survives", datastore="ds-rbd", kinds=["ceph-host"])
    assert not v.met
    assert v.en.startswith("ds-rbd: if Ceph host ceph-1 fails, every host loses it (placement groups go inactive")
    assert "Ceph 호스트 ceph-1이 고장 나면 모든 호스트가" in v.ko
    assert _check(dc, "datastore_survives", datastore="ds-rbd", kinds=["osd"]).met
