"""Goals on the storage stack, on the shipped storage scenarios."""

from __future__ import annotations

from pathlib import Path

from virtlab.core.actions import apply
from virtlab.core.report import build_report
from virtlab.core.storage.actions import CephPool, LvExtend, ThinWrite, VgExtend
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
