"""Pilot tests of the lab panel: keys change the session, refusals explain themselves."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.app import App, ComposeResult

from virtlab.core.compute.actions import Update
from virtlab.course.labs import load_lab
from virtlab.course.session import LabSession
from virtlab.ui.widgets.choice_dialog import ChoiceDialog
from virtlab.ui.widgets.edit_dialog import EditDialog
from virtlab.ui.widgets.lab_panel import LabPanel
from virtlab.ui.widgets.refused_dialog import RefusedDialog
from virtlab.ui.widgets.workload_dialogs import AddContainerDialog, AddVMDialog

LAB = """
[lab]
id = "test-lab"
title = { en = "Test lab", ko = "시험 실습" }
actions = [ACTIONS]

[scenario.policy]
preset = "no-overcommit"

[[scenario.host]]
name = "esx-1"
hypervisor = "esxi"
cores = 8
memory = "32 GiB"
disk = "500 GiB"

[[scenario.host]]
name = "kvm-1"
hypervisor = "kvm"
cores = 8
memory = "32 GiB"
disk = "500 GiB"

[[scenario.vm]]
name = "web-1"
host = "esx-1"
vcpus = 2
memory = "4 GiB"
disk = "20 GiB"
demand = "normal"

[[scenario.vm]]
name = "db-1"
host = "esx-1"
vcpus = 4
memory = "27 GiB"
disk = "40 GiB"
demand = "normal"

[[scenario.container]]
name = "api"
host = "kvm-1"
cpu_request = "250m"
cpu_limit = "500m"
memory_request = "256 MiB"
memory_limit = "512 MiB"
demand = "normal"

[[goal]]
id = "three-vms"
text = { en = "Run three VMs", ko = "VM 세 대 실행" }
check = "count_min"
params = { kind = "vm", min = 3 }
hints = [ { en = "Press a.", ko = "a를 누르세요." } ]
"""

ALL = '"all"'
NO_REMOVE = '"add_vm", "add_container", "update", "set_demand", "move", "fail", "repair"'


def make_session(tmp_path: Path, actions: str = ALL) -> LabSession:
    path = tmp_path / "lab.toml"
    path.write_text(LAB.replace("ACTIONS", actions), encoding="utf-8")
    lab, problems = load_lab(path)
    assert lab is not None, problems
    return LabSession(lab)


class PanelApp(App):
    def __init__(self, session: LabSession, lang: str = "en") -> None:
        super().__init__()
        self.session = session
        self.lang = lang
        self.changes = 0

    def compose(self) -> ComposeResult:
        yield LabPanel(self.session, self.lang, id="lab")

    def on_mount(self) -> None:
        self.query_one(LabPanel).focus()

    def on_lab_panel_changed(self, _message: LabPanel.Changed) -> None:
        self.changes += 1


async def select(pilot, panel: LabPanel, name: str) -> None:
    panel.table.select(name)
    await pilot.pause()
    assert panel.selected() == name


@pytest.fixture
def session(tmp_path: Path) -> LabSession:
    return make_session(tmp_path)


async def test_add_vm_with_keys(session: LabSession) -> None:
    app = PanelApp(session)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("a")
        dialog = app.screen
        assert isinstance(dialog, AddVMDialog)
        dialog.query_one("#f-name").value = "app-1"
        dialog.query_one("#f-host").value = "kvm-1"
        await pilot.click("#form-ok")
        await pilot.pause()
        assert "app-1" in session.state.compute.vm_index
        assert session.state.compute.vm_index["app-1"].host == "kvm-1"
        assert app.changes == 1
        assert next(r for r in session.results() if r.id == "three-vms").met
        assert "app-1" in app.query_one(LabPanel).table.rows


async def test_resize_changes_the_report(session: LabSession) -> None:
    app = PanelApp(session)
    async with app.run_test(size=(120, 36)) as pilot:
        panel = app.query_one(LabPanel)
        await select(pilot, panel, "web-1")
        before = session.report.host("esx-1").lines["cpu"].allocated
        await pilot.press("plus")
        assert session.state.compute.vm_index["web-1"].vcpus == 3
        assert session.report.host("esx-1").lines["cpu"].allocated == before + 1
        await pilot.press("minus", "minus")
        assert session.state.compute.vm_index["web-1"].vcpus == 1
        await pilot.press("left_square_bracket")
        assert session.state.compute.vm_index["web-1"].memory_mib == 3072
        await pilot.press("d")  # resized, the demand is custom: d goes back to normal
        assert session.state.compute.vm_index["web-1"].cpu_demand == pytest.approx(0.4)
        await pilot.press("d")  # normal → peak
        assert session.state.compute.vm_index["web-1"].cpu_demand == pytest.approx(0.9)
        assert app.changes == 6


async def test_refused_action_opens_the_explanation(session: LabSession) -> None:
    app = PanelApp(session)
    async with app.run_test(size=(120, 36)) as pilot:
        panel = app.query_one(LabPanel)
        await select(pilot, panel, "db-1")
        await pilot.press("right_square_bracket")  # 4 + 28 GiB > 31.5 GiB schedulable
        await pilot.pause()
        assert isinstance(app.screen, RefusedDialog)
        assert app.screen.violations and app.screen.violations[0].subject == "esx-1"
        assert "31.5" in app.screen.as_text() or "32" in app.screen.as_text()
        assert session.state.compute.vm_index["db-1"].memory_mib == 27 * 1024
        assert app.changes == 0
        await pilot.press("escape")
        assert not isinstance(app.screen, RefusedDialog)


async def test_the_refusal_title_fits_what_was_refused(session: LabSession) -> None:
    """Part of #8: a refused revert (no snapshot) is not "Why won't it fit?"."""
    from textual.widgets import Static

    from virtlab.core.compute.lifecycle import Revert

    app = PanelApp(session)
    async with app.run_test(size=(120, 36)) as pilot:
        panel = app.query_one(LabPanel)
        await pilot.pause()
        vm = next(v.name for v in session.state.compute.vms if v.disks)
        panel.apply(Revert(name=vm))
        await pilot.pause()
        assert isinstance(app.screen, RefusedDialog)
        assert str(app.screen.query_one("#refused-title", Static).render()) == "Why was it refused?"
        await pilot.press("escape")
        await select(pilot, panel, "db-1")
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert str(app.screen.query_one("#refused-title", Static).render()) == "Why won't it fit?"


async def test_undo_redo_reset(session: LabSession) -> None:
    app = PanelApp(session)
    async with app.run_test(size=(120, 36)) as pilot:
        panel = app.query_one(LabPanel)
        await select(pilot, panel, "web-1")
        await pilot.press("plus", "plus")
        assert session.state.compute.vm_index["web-1"].vcpus == 4
        await pilot.press("u")
        assert session.state.compute.vm_index["web-1"].vcpus == 3
        await pilot.press("U")
        assert session.state.compute.vm_index["web-1"].vcpus == 4
        await pilot.press("R")  # asks first (#8): Escape keeps the work, Enter resets
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert session.state.compute.vm_index["web-1"].vcpus == 4
        await pilot.press("R")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert session.state is session.start
        await pilot.press("u")
        assert session.state.compute.vm_index["web-1"].vcpus == 4
        assert session.can_redo


async def test_not_allowed_action_is_neither_offered_nor_run(tmp_path: Path) -> None:
    session = make_session(tmp_path, NO_REMOVE)
    app = PanelApp(session)
    async with app.run_test(size=(120, 36)) as pilot:
        panel = app.query_one(LabPanel)
        await select(pilot, panel, "web-1")
        actions = {b.binding.action for b in app.screen.active_bindings.values()}
        assert "remove" not in actions and "add_vm" in actions
        await pilot.press("x")
        await pilot.pause()
        assert app.screen is not None and not isinstance(app.screen, RefusedDialog)
        assert "web-1" in session.state.compute.vm_index
        panel.action_remove()  # called directly (not by its key): still explained
        await pilot.pause()
        assert isinstance(app.screen, RefusedDialog)
        assert app.screen.not_allowed
        assert panel.last_outcome is not None and panel.last_outcome.not_allowed


async def test_fail_and_repair_the_host(session: LabSession) -> None:
    app = PanelApp(session)
    async with app.run_test(size=(120, 36)) as pilot:
        panel = app.query_one(LabPanel)
        await select(pilot, panel, "web-1")
        await pilot.press("f")
        assert isinstance(app.screen, ChoiceDialog)
        await pilot.press("enter")  # first choice: host down
        await pilot.pause()
        assert session.state.host_index["esx-1"].status.value == "down"
        assert session.report.workload("web-1").status == "host-down"
        await pilot.press("f")
        labels = [label for label, _ in panel.fault_choices("web-1")]
        assert labels[-1] == "Repair host esx-1"  # repairs come after the faults
        await pilot.press("end", "enter")
        await pilot.pause()
        assert session.state.host_index["esx-1"].is_up


def test_fault_menu_keeps_its_order(session: LabSession) -> None:
    """Host faults, then the VM's, then the container's, then repairs — whatever the state."""
    from virtlab.core.compute.actions import Fail

    panel = LabPanel(session, "en")
    up = [a for _, a in panel.fault_choices("web-1")]
    assert [(a.kind, getattr(a, "fault", None)) for a in up] == [
        ("fail", "host-down"), ("fail", "host-panic"), ("fail", "guest-panic"), ("fail", "disk-lost")]
    session.apply(Fail(name="web-1", fault="guest-panic"))
    after = [(a.kind, a.name) for _, a in panel.fault_choices("web-1")]
    assert after[:2] == [("fail", "esx-1"), ("fail", "esx-1")]  # host faults stay first
    assert after[-1] == ("repair", "web-1")


def test_the_fault_menu_offers_a_restore_only_with_a_backup(session: LabSession) -> None:
    """Part of #8: a lost disk with no backup cannot be restored, so f does not offer it."""
    from virtlab.core.compute.actions import Fail
    from virtlab.core.compute.lifecycle import Backup

    panel = LabPanel(session, "en")
    session.apply(Fail(name="web-1", fault="disk-lost"))
    assert "restore" not in [a.kind for _, a in panel.fault_choices("web-1")]
    session.undo()
    assert session.apply(Backup(name="web-1")).ok
    session.apply(Fail(name="web-1", fault="disk-lost"))
    assert [a.kind for _, a in panel.fault_choices("web-1")][-1] == "restore"


async def test_move_edit_and_add_container(session: LabSession) -> None:
    app = PanelApp(session)
    async with app.run_test(size=(120, 36)) as pilot:
        panel = app.query_one(LabPanel)
        await select(pilot, panel, "web-1")
        await pilot.press("m", "enter")  # its disk is on esx-1's local datastore
        await pilot.pause()
        assert isinstance(app.screen, RefusedDialog)
        assert app.screen.violations[0].code == "datastore_not_visible"
        assert session.state.compute.vm_index["web-1"].host == "esx-1"
        await pilot.press("escape")
        await pilot.press("e")
        assert isinstance(app.screen, EditDialog)
        app.screen.query_one("#f-cpu-shares-level").value = "high"
        await pilot.click("#form-ok")
        await pilot.pause()
        assert session.state.compute.vm_index["web-1"].cpu_shares == "high"
        await pilot.press("c")
        dialog = app.screen
        assert isinstance(dialog, AddContainerDialog)
        dialog.query_one("#f-cpu-request").value = "500m"
        dialog.query_one("#f-mem-request").value = "512 MiB"
        await pilot.pause()
        assert "Guaranteed" in str(dialog.query_one("#form-preview").render())
        await pilot.click("#form-ok")
        await pilot.pause()
        assert "ctr-1" in session.state.compute.container_index


async def test_views_cycle_and_plain_text(session: LabSession) -> None:
    app = PanelApp(session)
    async with app.run_test(size=(120, 36)) as pilot:
        panel = app.query_one(LabPanel)
        await select(pilot, panel, "web-1")
        text = panel.as_text()
        assert "6 allocated / 8 physical" in text  # vCPUs on esx-1
        assert "0.75:1" in text
        assert "web-1" in text and "db-1" in text
        await pilot.press("v")
        assert panel.view == "isolation"
        text = panel.as_text()
        assert "ESXi VMkernel" in text
        assert "db-1 — hardware, hypervisor" in text
        assert "esx-1 fails" in text
        await pilot.press("v")
        assert panel.view == "contention"
        assert "ready+cs % (est.)" in panel.as_text()
        await pilot.press("v")
        assert panel.view == "hosts"


async def test_oom_reason_shown(session: LabSession) -> None:
    app = PanelApp(session)
    async with app.run_test(size=(120, 36)) as pilot:
        panel = app.query_one(LabPanel)
        await select(pilot, panel, "api")
        await pilot.press("d", "d")  # normal → peak → leak
        assert session.report.workload("api").status == "oom-killed"
        await pilot.press("v", "v")
        assert "OOM-killed by its own limit" in panel.as_text()


async def test_set_lang_switches(session: LabSession) -> None:
    app = PanelApp(session)
    async with app.run_test(size=(80, 24)) as pilot:
        panel = app.query_one(LabPanel)
        panel.set_lang("ko")
        await pilot.pause()
        labels = [str(c.label) for c in panel.table.columns.values()]
        assert labels[0] == "이름"
        assert "시험 실습" in panel.as_text()
        assert "할당 가능" in panel.as_text()
        panel.apply(Update(name="db-1", changes={"memory_mib": 64 * 1024}))
        await pilot.pause()
        assert isinstance(app.screen, RefusedDialog)
        assert app.screen.lang == "ko"
        assert "시도한 작업" in app.screen.as_text()
        await pilot.press("escape")
        panel.set_lang("en")
        await pilot.pause()
        assert [str(c.label) for c in panel.table.columns.values()][0] == "Name"


async def test_korean_table_alignment(session: LabSession) -> None:
    from rich.cells import cell_len

    app = PanelApp(session, "ko")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        lines = app.query_one(LabPanel).table.as_text().splitlines()
        # The status column starts at the same cell in every row, Korean or not.
        starts = {cell_len(line.split("  실행 중")[0]) for line in lines[1:] if "실행 중" in line}
        assert len(starts) == 1


async def test_edit_sets_an_exact_vm_size(session: LabSession) -> None:
    app = PanelApp(session)
    async with app.run_test(size=(80, 24)) as pilot:
        panel = app.query_one(LabPanel)
        await select(pilot, panel, "web-1")
        await pilot.press("e")
        dialog = app.screen
        assert isinstance(dialog, EditDialog)
        dialog.query_one("#f-vcpus").value = "3"
        dialog.query_one("#f-memory").value = "64 GiB"
        await pilot.click("#form-ok")
        await pilot.pause()
        # 64 GiB does not fit esx-1 (32 GiB): refused by the engine, explained.
        assert isinstance(app.screen, RefusedDialog)
        await pilot.press("escape")
        await pilot.press("e")
        dialog = app.screen
        dialog.query_one("#f-vcpus").value = "3"
        dialog.query_one("#f-memory").value = "1.5 GiB"
        await pilot.click("#form-ok")
        await pilot.pause()
        vm = session.state.compute.vm_index["web-1"]
        assert (vm.vcpus, vm.memory_mib) == (3, 1536)


@pytest.mark.parametrize(("field", "value", "words"), [
    ("#f-memory", "lots", "Memory: cannot read “lots”"),
    ("#f-memory", "0 GiB", "Memory must be more than 0"),
    ("#f-vcpus", "0", "vCPUs: write a whole number from 1 to 768"),
    ("#f-vcpus", "two", "vCPUs: write a whole number"),
])
async def test_edit_names_bad_input_inline(session: LabSession, field: str, value: str,
                                           words: str) -> None:
    app = PanelApp(session)
    async with app.run_test(size=(80, 24)) as pilot:
        panel = app.query_one(LabPanel)
        await select(pilot, panel, "web-1")
        await pilot.press("e")
        dialog = app.screen
        dialog.query_one(field).value = value
        await pilot.click("#form-ok")
        await pilot.pause()
        assert app.screen is dialog  # still open, the error under the fields
        assert words in str(dialog.query_one("#form-error").render())
        assert session.state is session.start


async def test_size_keys_stop_at_the_minimum(session: LabSession) -> None:
    app = PanelApp(session)
    async with app.run_test(size=(120, 36)) as pilot:
        panel = app.query_one(LabPanel)
        await select(pilot, panel, "web-1")
        await pilot.press(*["left_square_bracket"] * 6, *["minus"] * 3)
        await pilot.pause()
        vm = session.state.compute.vm_index["web-1"]
        assert (vm.vcpus, vm.memory_mib) == (1, 512)
        assert not isinstance(app.screen, RefusedDialog)
        assert "smallest step" in panel.message and "vCPUs" in panel.message
        await select(pilot, panel, "api")
        await pilot.press(*["left_square_bracket"] * 5, *["minus"] * 3)
        await pilot.pause()
        c = session.state.compute.container_index["api"]
        assert (c.mem_limit_mib, c.cpu_limit_m) == (128, 250)
        assert not isinstance(app.screen, RefusedDialog)
        assert "CPU limit" in panel.message and "250m" in panel.message


async def test_invalid_value_uses_the_field_words(session: LabSession) -> None:
    app = PanelApp(session, "ko")
    async with app.run_test(size=(120, 36)) as pilot:
        panel = app.query_one(LabPanel)
        panel.apply(Update(name="api", changes={"mem_limit_mib": 0}))
        await pilot.pause()
        text = app.screen.as_text()
        assert "메모리 제한" in text and "mem_limit_mib" not in text
        assert "Input should" not in text


async def test_refusal_counts_reasons_without_codes(session: LabSession) -> None:
    app = PanelApp(session)
    async with app.run_test(size=(120, 36)) as pilot:
        panel = app.query_one(LabPanel)
        panel.apply(Update(name="db-1", changes={"memory_mib": 64 * 1024}))
        await pilot.pause()
        text = app.screen.as_text()
        n = len(app.screen.violations)
        assert (f"for {n} reasons:" if n > 1 else "for 1 reason:") in text
        assert "reason(s)" not in text
        assert not any(f"[{v.code}]" in text for v in app.screen.violations)


async def test_tab_skips_the_views(session: LabSession) -> None:
    app = PanelApp(session)
    async with app.run_test(size=(80, 24)) as pilot:
        panel = app.query_one(LabPanel)
        await pilot.press("tab")
        assert app.focused is panel.table or app.focused is None
        assert all(not w.can_focus for w in panel.query("#lab-views > VerticalScroll"))
        panel.focus()
        await pilot.press("shift+down")
        await pilot.pause()
        assert panel.query_one("#view-hosts").scroll_y > 0
        assert panel.has_focus_within


async def test_table_columns_first_and_demand_after_resize(session: LabSession) -> None:
    from rich.cells import cell_len

    app = PanelApp(session)
    async with app.run_test(size=(120, 36)) as pilot:
        panel = app.query_one(LabPanel)
        table = panel.table
        assert table.column_keys[:7] == ("name", "kind", "status", "on", "size", "demand", "cpu")
        await select(pilot, panel, "web-1")
        await pilot.press("plus")
        assert table.cell("web-1", "demand") == "0.8 cores"  # the work did not change
        await select(pilot, panel, "api")
        await pilot.press("d", "d")  # leak: OOM-killed
        assert table.cell("api", "cpu") == "—" and "OOM" in table.cell("api", "memory")
        assert cell_len(table.cell("api", "size")) <= 24


async def test_host_header_and_labels(session: LabSession) -> None:
    app = PanelApp(session)
    async with app.run_test(size=(120, 36)) as pilot:
        panel = app.query_one(LabPanel)
        await select(pilot, panel, "api")
        text = panel.as_text()
        assert "−0 reserved" not in text
        assert "CPU cores (vCPU + container requests)" in text  # kvm-1 runs a container


async def test_focused_panel_is_marked(session: LabSession) -> None:
    from textual.widgets import Button

    class TwoApp(PanelApp):
        def compose(self) -> ComposeResult:
            yield LabPanel(self.session, self.lang, id="lab")
            yield Button("elsewhere")

    app = TwoApp(session)
    async with app.run_test(size=(120, 36)) as pilot:
        panel = app.query_one(LabPanel)
        status = panel.query_one("#lab-status")
        await pilot.pause()
        assert "bold" in str(status.styles.text_style)
        app.query_one(Button).focus()
        await pilot.pause()
        assert "bold" not in str(status.styles.text_style)


def test_no_limit_to_lower(session: LabSession) -> None:
    from virtlab.ui.widgets.lab_resize import cpu_step, memory_step

    dc = session.state
    bare = dc.compute.container_index["api"].model_copy(update={"mem_limit_mib": None, "mem_request_mib": None,
                                                        "cpu_limit_m": None, "cpu_request_m": None})
    dc = dc.with_containers((bare,))
    assert memory_step(dc, "api", -1).unset and cpu_step(dc, "api", -1).unset
    assert memory_step(dc, "api", 1).changes == {"mem_limit_mib": 128}


async def test_removing_a_row_keeps_the_cursor_where_it_was(session: LabSession) -> None:
    app = PanelApp(session)
    async with app.run_test(size=(120, 36)) as pilot:
        panel = app.query_one(LabPanel)
        names = [w.name for w in session.report.workloads]
        await select(pilot, panel, names[-1])
        await pilot.press("x")
        await pilot.pause()
        assert panel.selected() == names[-2]  # the row above, not the first
