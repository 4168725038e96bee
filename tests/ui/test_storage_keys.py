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
