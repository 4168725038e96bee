"""The storage key S and view: a student grows lesson 8's volume group and LV and fails a
Ceph host in lesson 9 from the keyboard, and the storage view redraws what changed."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import OptionList

from virtlab.course.labs import load_lab
from virtlab.course.session import LabSession
from virtlab.ui.widgets.choice_dialog import ChoiceDialog
from virtlab.ui.widgets.lab_panel import LabPanel
from virtlab.ui.widgets.storage_menu import storage_choices
from virtlab.ui.widgets.storage_view import storage_lines

from .test_widgets_lab import PanelApp

LABS = Path(__file__).resolve().parents[2] / "lessons" / "labs"


def _session(name: str) -> LabSession:
    lab, problems = load_lab(LABS / f"{name}.toml")
    assert lab is not None, problems
    return LabSession(lab)


async def _choose(pilot, app, label: str) -> None:
    await pilot.press("S")
    await pilot.pause()
    dialog = app.screen
    assert isinstance(dialog, ChoiceDialog)
    options = dialog.query_one(OptionList)
    index = next(i for i, (text, _) in enumerate(dialog.options) if text == label)
    options.highlighted = index
    await pilot.press("enter")
    await pilot.pause()


async def test_grow_the_vg_and_the_lv_from_the_storage_key() -> None:
    session = _session("l8-grow-online")
    app = PanelApp(session)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await _choose(pilot, app, "Add pv4 to vg0 (vgextend)")
        assert "pv4" in session.state.storage.stack.vgs[0].pvs
        for _ in range(5):
            await _choose(pilot, app, "Grow lv-data by 1 GiB online (lvextend)")
        assert session.state.storage.stack.volume("lv-data").size_mib == 15 * 1024
        assert next(r for r in session.results() if r.id == "lv-grown").met
        panel = app.query_one(LabPanel)
        assert panel.check_action("storage", ()) is True


async def test_fail_a_ceph_host_and_read_the_grid() -> None:
    session = _session("l9-ceph-failure-domains")
    app = PanelApp(session, "ko")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await _choose(pilot, app, "Ceph 호스트 ceph-1 고장 내기")
        assert all(not o.up for o in session.state.storage.stack.ceph.osds if o.host == "ceph-1")
    from virtlab.ui.widgets.lines_view import ViewContext

    text = storage_lines(ViewContext(session.report, session.state, "en", width=80)).plain()
    assert "  ceph-1    ○ ○ ○ ○" in text and "HEALTH_ERR" in text


def test_the_menu_offers_only_what_the_lab_allows_and_converts_disks() -> None:
    l7 = _session("l7-thin-datastore")
    labels = [label for label, a in storage_choices(l7.state, "en") if l7.allows(a.kind)]
    assert any(x.startswith("Convert clu-1's disk 1 (thin) to thick-eager") for x in labels)
    l4 = _session("l4-containers")
    assert not any(l4.allows(a.kind) for _, a in storage_choices(l4.state, "en"))


async def test_repair_l7s_dead_path_from_the_storage_key_and_read_the_paths() -> None:
    session = _session("l7-thin-datastore")
    app = PanelApp(session)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        assert not next(r for r in session.results() if r.id == "paths").met
        await _choose(pilot, app, "Repair path esx-2-b (replace its cable or HBA)")
        assert next(p for p in session.state.storage.stack.paths if p.name == "esx-2-b").up
        await _choose(pilot, app, "Repair path esx-2-c (replace its cable or HBA)")
        assert next(r for r in session.results() if r.id == "paths").met
        await _choose(pilot, app, "Fail storage array array-1 (every LUN and share on it)")
        assert len(session.report.storage_blast) > 0
    from virtlab.ui.widgets.lines_view import ViewContext

    text = storage_lines(ViewContext(session.report, session.state, "en", selected="clu-1", width=100)).plain()
    assert "ds-san VMFS on LUN lun-1 (FC, 2 TB): block, formatted by the hosts" in text
    assert "esx-2 ○○○ 0/3 paths · APD: disk I/O stops · the array is down: all paths down" in text
    assert "clu-1 #1 → ds-san → lun-1 → array-1 → rg-1 → disks a1, a2, a3, a4, a5, a6" in text
    ko = storage_lines(ViewContext(session.report, session.state, "ko", width=100)).plain()
    assert "경로 3개 중 0개" in ko and "APD: 디스크 I/O 멈춤" in ko


async def test_grow_an_lv_to_an_exact_size_read_as_lvm_reads_it() -> None:
    from textual.widgets import Input

    from virtlab.ui.widgets.lv_size_dialog import LvSizeDialog

    session = _session("l8-grow-online")
    app = PanelApp(session)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await _choose(pilot, app, "Add pv4 to vg0 (vgextend)")
        await _choose(pilot, app, "Grow lv-data to a size you type… (lvextend -L)")
        dialog = app.screen
        assert isinstance(dialog, LvSizeDialog)
        field = dialog.query_one("#f-lv-size", Input)
        assert field.value == "10G"
        field.value = "lots"
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is dialog  # an unreadable size keeps the dialog open with its error
        field.value = "15G"
        await pilot.press("enter")
        await pilot.pause()
        assert session.state.storage.stack.volume("lv-data").size_mib == 15 * 1024
        await _choose(pilot, app, "Grow lv-data to a size you type… (lvextend -L)")
        app.screen.query_one("#f-lv-size", Input).value = "12G"
        await pilot.press("enter")
        await pilot.pause()
        assert session.state.storage.stack.volume("lv-data").size_mib == 15 * 1024  # lvextend only grows
