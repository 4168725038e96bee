"""Goals over what the student did (L6): the patch's lineage through snapshot, write,
revert, consolidate, crash, backup and restore; restores that are refused or lose data."""

from __future__ import annotations

from pathlib import Path

import pytest

from virtlab.core.actions import apply
from virtlab.core.base import Refused
from virtlab.core.compute.actions import Fail
from virtlab.core.compute.lifecycle import Backup, Consolidate, Restore, TakeSnapshot, Write
from virtlab.course.goals.patching import lineage
from virtlab.course.labs import load_lab
from virtlab.course.plays import play

L6 = Path(__file__).resolve().parents[2] / "lessons" / "labs" / "l6-patch-night.toml"


def _lab():
    lab, problems = load_lab(L6)
    assert problems == [] and lab is not None
    return lab


def _verdicts(actions: list[dict]) -> dict[str, tuple[bool, str]]:
    return {r.id: (r.met, r.verdict.en) for r in play(_lab(), actions, {}).results}


def test_the_issues_shortcut_o_w_b_no_longer_passes() -> None:
    got = _verdicts([{"kind": "consolidate", "name": "app-1"}, {"kind": "write", "name": "app-1", "gib": 5},
                     {"kind": "backup", "name": "app-1"}])
    assert got["patch-under-snapshot"] == (
        False, "app-1: the patch went straight onto the base disk, with no snapshot to go back to")


def test_reverting_the_old_snapshot_is_data_lost_whatever_is_written_after() -> None:
    got = _verdicts([{"kind": "revert", "name": "app-1"}, {"kind": "consolidate", "name": "app-1"},
                     {"kind": "snapshot", "name": "app-1"}, {"kind": "write", "name": "app-1", "gib": 40},
                     {"kind": "consolidate", "name": "app-1"}])
    assert got["patched"] == (
        False, "app-1: reverting pre-upgrade threw away 30 GiB of changes made before tonight")


def test_the_solution_keeps_one_patch_in_the_base_disk() -> None:
    lab = _lab()
    from virtlab.course.labs import parse_action
    from virtlab.course.session import LabSession

    session = LabSession(lab)
    for raw in lab.solution.actions:
        assert session.apply(parse_action(raw, session.state)).ok
    line = lineage(session.history_of_work(), "app-1")
    assert (line.written, line.in_base, line.in_delta) == (2, 5.0, 0.0)
    assert line.last_backup > line.last_change


def test_a_reset_starts_the_lineage_again() -> None:
    lab = _lab()
    from virtlab.course.labs import parse_action
    from virtlab.course.session import LabSession

    session = LabSession(lab)
    session.apply(parse_action({"kind": "write", "name": "app-1", "gib": 5}, session.state))
    session.reset()
    assert lineage(session.history_of_work(), "app-1").written == 0


def test_restore_is_refused_on_a_running_vm_with_intact_disks() -> None:
    dc = apply(_lab().state, Backup(name="app-1"))
    with pytest.raises(Refused) as e:
        apply(dc, Restore(name="app-1"))
    assert e.value.violations[0].code == "restore_healthy"


def test_a_restore_brings_back_what_the_backup_holds_not_what_was_written_after() -> None:
    dc = apply(_lab().state, Consolidate(name="app-1"))  # 80 + 30 GiB in the base disk
    dc = apply(dc, Backup(name="app-1"))
    dc = apply(dc, TakeSnapshot(name="app-1"))
    dc = apply(dc, Write(name="app-1", gib=5))
    dc = apply(dc, Consolidate(name="app-1"))
    assert dc.compute.vm_index["app-1"].disks[0].written_gib == pytest.approx(115)
    dc = apply(dc, Fail(name="app-1", fault="disk-lost"))
    dc = apply(dc, Restore(name="app-1"))
    disk = dc.compute.vm_index["app-1"].disks[0]
    assert (disk.lost, disk.written_gib, disk.snapshots) == (False, pytest.approx(110), ())


def test_a_lost_disk_does_not_make_the_datastore_roomier() -> None:
    got = _verdicts([{"kind": "snapshot", "name": "app-1"}, {"kind": "fail", "name": "app-1", "fault": "disk-lost"}])
    assert got["space"] == (
        False, "ds-500: app-1's disk is lost; the space it seems to free comes back with the restore")
