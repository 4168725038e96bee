"""Datastores: thin and thick allocation, thin overcommit, a full datastore, alarms.

Source: semantics.md "Virtual disks" (vSphere Storage guide): thin grows on write and can
overcommit a datastore; thick lazy- and eager-zeroed allocate their whole size at creation;
a full datastore stops writes for every thin disk on it. vSphere's default "Datastore usage
on disk" alarm: warning at 75 %, alert at 85 %.
"""

from __future__ import annotations

import pytest

from tests.core.corekit import datastore, dc, disk, host, vm
from virtlab.core.actions import apply
from virtlab.core.base import Refused
from virtlab.core.compute.actions import AddVM, Update
from virtlab.core.compute.isolation import blast_radius
from virtlab.core.report import build_report, datastores_of
from virtlab.core.storage.models import Provisioning, VirtualDisk
from virtlab.core.storage.usage import ALERT_PCT, WARN_PCT


def test_thin_takes_what_is_written_thick_takes_its_size() -> None:
    assert disk(100, provisioning="thin", written_gib=30).allocated_gib == 30
    assert disk(100, provisioning="thick-lazy", written_gib=30).allocated_gib == 100
    assert disk(100, provisioning="thick-eager").allocated_gib == 100
    assert VirtualDisk(size_gib=10, datastore="d").provisioning is Provisioning.THIN


def test_written_cannot_exceed_size() -> None:
    with pytest.raises(ValueError, match="more than the disk's size"):
        disk(10, written_gib=11)


def test_usage_and_thin_overcommit() -> None:
    """Provisioned counts every disk's size; allocated thick sizes + thin written."""
    state = dc(
        host(), datastore("ds1", 1000),
        vm("a", disks=(disk(800, provisioning="thin", written_gib=200),)),
        vm("b", disks=(disk(600, provisioning="thin", written_gib=100),
                       disk(100, provisioning="thick-eager"))),
    )
    u = datastores_of(state)["ds1"]
    assert u.provisioned_gib == 1500
    assert u.allocated_gib == 400
    assert u.written_gib == 300
    assert u.thick_gib == 100
    assert u.free_gib == 600
    assert u.thin_overcommit == pytest.approx(1.5)
    assert u.used_pct == pytest.approx(40)
    assert u.thin_vms == ("a", "b")
    assert u.alarm == "ok" and not u.full and u.stopped_vms == []


@pytest.mark.parametrize(
    ("written", "alarm"),
    [(0, "ok"), (749, "ok"), (750, "warning"), (849, "warning"), (850, "alert"), (999, "alert"),
     (1000, "full")],
)
def test_alarm_thresholds(written: float, alarm: str) -> None:
    """vSphere default datastore alarm: warning at 75 %, alert at 85 %."""
    assert (WARN_PCT, ALERT_PCT) == (75.0, 85.0)
    state = dc(host(), datastore("ds1", 1000), vm("a", disks=(disk(2000, written_gib=written),)))
    assert datastores_of(state)["ds1"].alarm == alarm


def test_full_datastore_stops_every_thin_disks_vm() -> None:
    """When the datastore fills, every VM with a thin disk on it stops writing; a VM with
    only thick disks there keeps its space."""
    state = dc(
        host(), datastore("ds1", 500), datastore("ds2", 500),
        vm("thin-a", disks=(disk(400, written_gib=300),)),
        vm("thin-b", disks=(disk(400, written_gib=100),)),
        vm("thick", disks=(disk(100, provisioning="thick-lazy"),)),
        vm("elsewhere", disks=(disk(100, "ds2", written_gib=100),)),
    )
    u = datastores_of(state)["ds1"]
    assert u.full and u.alarm == "full"
    assert u.stopped_vms == ["thin-a", "thin-b"]
    assert not datastores_of(state)["ds2"].full
    report = build_report(state)
    (ds1,) = [d for d in report.datastores if d.name == "ds1"]
    assert ds1.stopped_vms == ["thin-a", "thin-b"]
    blast = {b.fault: b for b in blast_radius(state)}
    assert set(blast["datastore-full:ds1"].down) == {"thin-a", "thin-b"}
    assert blast["datastore-full:ds2"].down == ("elsewhere",)


def test_thin_disks_can_overcommit_but_thick_cannot() -> None:
    """Thin provisioning may promise more than the datastore holds; thick disks take their
    space at creation and are refused beyond the datastore."""
    state = dc(host(), datastore("ds1", 100))
    thin = apply(state, AddVM(vm=vm("thin", disks=(disk(250),))))
    assert datastores_of(thin)["ds1"].thin_overcommit == pytest.approx(2.5)
    with pytest.raises(Refused) as info:
        apply(state, AddVM(vm=vm("thick", disks=(disk(150, provisioning="thick-eager"),))))
    (v,) = [v for v in info.value.violations if v.code == "thick_over_datastore"]
    assert v.params == {"datastore": "ds1", "thick": 150.0, "capacity": 100.0}
    assert v.excess == pytest.approx(50)


def test_growing_a_thick_disk_beyond_the_datastore_is_refused() -> None:
    state = dc(host(), datastore("ds1", 100),
               vm("a", disks=(disk(50, provisioning="thick-lazy"),)))
    with pytest.raises(Refused) as info:
        apply(state, Update(name="a", changes={"disks": [
            {"size_gib": 120, "datastore": "ds1", "provisioning": "thick-lazy"}]}))
    assert "thick_over_datastore" in {v.code for v in info.value.violations}


def test_update_to_an_unknown_datastore_is_refused() -> None:
    """Update only resizes a disk: moving it to another datastore is refused (regression test)."""
    state = dc(host(), datastore("ds1", 100), vm("a", disks=(disk(10),)))
    with pytest.raises(Refused) as info:
        apply(state, Update(name="a", changes={"disks": [{"size_gib": 10, "datastore": "nope"}]}))
    assert info.value.violations[0].code == "not_updatable"


def test_update_to_another_hosts_local_datastore_is_refused() -> None:
    """A VM can only use storage its host sees (regression test)."""
    state = dc(host("h1"), host("h2"), datastore("h2-local", 100, hosts=("h2",)),
               datastore("ds1", 100), vm("a", disks=(disk(10),)))
    with pytest.raises(Refused) as info:
        apply(state, Update(name="a", changes={"disks": [{"size_gib": 10, "datastore": "h2-local"}]}))
    assert info.value.violations[0].code == "not_updatable"


GB = 1e9 / 2**30  # one GB (10^9 bytes) in GiB


def test_ten_50_gb_thin_disks_on_a_100_gb_datastore_are_allowed_and_fill_when_written() -> None:
    """vSphere Storage guide (thin provisioning over-allocates a datastore; a full datastore
    stops every thin disk's writes): 10 × 50 GB thin on 100 GB is allowed, whatever nova's
    disk ratio (1.0 by default), and fills when 100 GB are written (issue #8)."""
    from virtlab.core.compute.lifecycle import Write
    from virtlab.core.rules import all_violations

    state = dc(host(), datastore("ds1", 100 * GB))
    for i in range(10):
        state = apply(state, AddVM(vm=vm(f"v{i}", disks=(disk(50 * GB),))))
    assert all_violations(state) == []
    u = datastores_of(state)["ds1"]
    assert u.thin_overcommit == pytest.approx(5.0) and not u.full
    for i in range(10):
        state = apply(state, Write(name=f"v{i}", gib=10 * GB))
    u = datastores_of(state)["ds1"]
    assert u.written_gib == pytest.approx(100 * GB)
    assert u.full and u.alarm == "full"
    assert u.stopped_vms == [f"v{i}" for i in range(10)]


def test_a_kvm_compute_nodes_local_disk_keeps_novas_ratio() -> None:
    """Placement's DISK_GB on a compute node: provisioned ≤ local disk × disk_allocation_ratio."""
    state = dc(host("k", "kvm"), datastore("k-local", 100, hosts=("k",)))
    with pytest.raises(Refused) as info:
        apply(state, AddVM(vm=vm("big", "k", disks=(disk(150, "k-local"),))))
    assert [v.code for v in info.value.violations] == ["disk_capacity"]
    esx = dc(host("e", "esxi"), datastore("e-local", 100, hosts=("e",)))
    assert apply(esx, AddVM(vm=vm("big", "e", disks=(disk(150, "e-local"),))))  # VMFS: thin overcommit
