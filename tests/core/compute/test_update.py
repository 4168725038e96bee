"""``update`` changes only a workload's size and resource controls (issue #8).

Everything else has its own action — status (fail / repair), demand (set_demand), backups
(backup), a disk's data and snapshots (the lifecycle actions), placement (move) — so a lab
that does not allow those cannot be bypassed through ``update``. A virtual disk only grows,
and not while it has snapshots (vSphere "Increase the size of a virtual disk").
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.core.corekit import GIB, ctr, datastore, dc, disk, host, vm
from virtlab.core.actions import apply
from virtlab.core.base import Refused
from virtlab.core.compute.lifecycle import TakeSnapshot
from virtlab.core.compute.models import VM, Container
from virtlab.core.compute.resize import CHANGED_BY, Update
from virtlab.course.explain import violation_text

LAB = Path(__file__).resolve().parents[3] / "lessons" / "labs" / "l1-carve-a-host.toml"


@pytest.fixture
def state():
    return dc(host("h", "kvm"), datastore("ds1", 1000),
              vm("v", "h", disks=(disk(50, written_gib=10),), cpu_demand=1.0, mem_active_mib=GIB),
              ctr("c", host="h", cpu_request_m=500, mem_limit_mib=512))


def _reasons(state, name: str, changes: dict) -> list:
    before = state.model_dump()
    with pytest.raises(Refused) as info:
        apply(state, Update(name=name, changes=changes))
    assert state.model_dump() == before
    return info.value.violations


@pytest.mark.parametrize(("name", "field", "value", "actions"), [
    ("v", "status", "off", "fail,repair"),
    ("v", "cpu_demand", 0.0, "set_demand"),
    ("v", "mem_active_mib", 1.0, "set_demand"),
    ("v", "backup_age_h", 0.0, "backup"),
    ("v", "host", "h", "move"),
    ("c", "status", "crashed", "fail,repair"),
    ("c", "cpu_demand_m", 1.0, "set_demand"),
    ("c", "mem_demand_mib", 1.0, "set_demand"),
    ("c", "vm", "v", "move"),
])
def test_a_field_with_its_own_action_is_refused_naming_that_action(state, name, field, value, actions) -> None:
    (v,) = _reasons(state, name, {field: value})
    assert v.code == "not_updatable" and v.subject == name
    assert v.params == {"field": field, "actions": actions}


def test_every_refused_field_is_named_once(state) -> None:
    reasons = _reasons(state, "v", {"status": "off", "cpu_demand": 0.0, "vcpus": 4})
    assert [v.params["field"] for v in reasons] == ["cpu_demand", "status"]


def test_a_field_the_kind_does_not_have_is_refused(state) -> None:
    assert _reasons(state, "c", {"vcpus": 4})[0].code == "bad_field"
    assert _reasons(state, "v", {"cpu_request_m": 4})[0].code == "bad_field"
    assert _reasons(state, "v", {"name": "w"})[0].code == "bad_field"


def test_every_model_field_is_either_updatable_or_has_its_action() -> None:
    """A new field must be decided: a size/control ``update`` takes, or one with its action."""
    for model in (VM, Container):
        undecided = set(model.model_fields) - model.UPDATABLE - set(CHANGED_BY) - {"name"}
        assert undecided == set(), model.__name__


def test_sizes_and_controls_still_change(state) -> None:
    after = apply(state, Update(name="v", changes={
        "vcpus": 4, "memory_mib": 8 * GIB, "cpu_shares": "high", "mem_shares": 2000,
        "cpu_reservation_mhz": 500.0, "cpu_limit_mhz": 2000.0, "mem_reservation_mib": GIB,
        "mem_limit_mib": 6 * GIB}))
    v = after.compute.vm_index["v"]
    assert (v.vcpus, v.memory_mib, v.cpu_shares, v.mem_shares) == (4, 8 * GIB, "high", 2000)
    assert (v.cpu_reservation_mhz, v.cpu_limit_mhz, v.mem_reservation_mib, v.mem_limit_mib) == (
        500.0, 2000.0, GIB, 6 * GIB)
    after = apply(state, Update(name="c", changes={
        "cpu_request_m": 250.0, "cpu_limit_m": 1000.0, "mem_request_mib": 128.0, "mem_limit_mib": 256.0}))
    c = after.compute.container_index["c"]
    assert (c.cpu_request_m, c.cpu_limit_m, c.mem_request_mib, c.mem_limit_mib) == (250, 1000, 128, 256)


def _disk(size: float, **more) -> list[dict]:
    return [{"size_gib": size, "datastore": "ds1", "written_gib": 10.0, **more}]


def test_a_disk_grows(state) -> None:
    after = apply(state, Update(name="v", changes={"disks": _disk(80)}))
    assert after.compute.vm_index["v"].disks[0].size_gib == 80


def test_a_disk_never_shrinks(state) -> None:
    (v,) = _reasons(state, "v", {"disks": _disk(20)})
    assert v.code == "disk_shrink"
    assert v.params == {"vm": "v", "disk": "1", "size": 50.0, "new": 20.0}
    assert violation_text(v, "en") == "v: disk 1 cannot shrink from 50 GiB to 20 GiB (a virtual disk can only grow)"


def test_a_disk_with_snapshots_is_not_resized(state) -> None:
    snapped = apply(state, TakeSnapshot(name="v"))
    snaps = [s.model_dump() for s in snapped.compute.vm_index["v"].disks[0].snapshots]
    (v,) = _reasons(snapped, "v", {"disks": _disk(80, snapshots=snaps)})
    assert v.code == "disk_has_snapshots"


@pytest.mark.parametrize("change", [
    {"written_gib": 0.0},  # unwriting data
    {"datastore": "elsewhere"},  # a storage move is not a resize
    {"lost": True},
    {"snapshots": [{"name": "fake", "delta_gib": 5}]},
])
def test_a_disk_change_other_than_its_size_is_refused(state, change) -> None:
    (v,) = _reasons(state, "v", {"disks": [{**_disk(50)[0], **change}]})
    assert v.code == "not_updatable" and v.params["field"] == "disks"
    assert "snapshot" in v.params["actions"]


def test_l1_cannot_power_vms_off_through_update() -> None:
    """L1 allows update but not fail: an update that sets status is refused by the engine."""
    from virtlab.course.labs import load_lab, parse_action
    from virtlab.course.session import LabSession

    lab, problems = load_lab(LAB)
    assert lab is not None and problems == []
    session = LabSession(lab)
    for changes in ({"status": "off"}, {"cpu_demand": 0}, {"mem_active_mib": 0}):
        outcome = session.apply(parse_action({"kind": "update", "name": "db-1", "changes": changes},
                                             session.state))
        assert not outcome.ok
    assert session.state.compute.vm_index["db-1"].status == "running"


def test_refusals_are_worded_in_both_languages(state) -> None:
    (v,) = _reasons(state, "v", {"status": "off"})
    assert violation_text(v, "en") == "v: changing size or controls cannot change its status — use “inject a fault / repair”"
    assert violation_text(v, "ko") == "v: 크기·제어 변경으로는 상태를 바꿀 수 없어요. ‘장애 주입 / 복구’ 기능을 쓰세요"
