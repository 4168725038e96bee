"""Refusals in the app say why (the status line keeps the reason after the dialog closes), the
Move dialog marks a host that is down, and the Edit dialog names what it edits."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.app import App, ComposeResult
from textual.widgets import OptionList, Static

from virtlab.core.compute.actions import Move, Remove, Update
from virtlab.course.explain import violation_text
from virtlab.course.labs import load_lab
from virtlab.course.session import LabSession
from virtlab.ui.widgets.choice_dialog import ChoiceDialog
from virtlab.ui.widgets.edit_dialog import EditDialog
from virtlab.ui.widgets.lab_panel import LabPanel
from virtlab.ui.widgets.refused_dialog import RefusedDialog

LAB = """
[lab]
id = "refusals"
title = { en = "Refusals", ko = "거부" }
actions = ["all"]

[[scenario.host]]
name = "esx-1"
hypervisor = "esxi"
cores = 8
memory = "64 GiB"

[[scenario.host]]
name = "esx-2"
hypervisor = "esxi"
cores = 4
memory = "16 GiB"

[[scenario.host]]
name = "esx-3"
hypervisor = "esxi"
cores = 8
memory = "64 GiB"
status = "down"

[[scenario.host]]
name = "kvm-1"
hypervisor = "kvm"
cores = 8
memory = "32 GiB"

[[scenario.datastore]]
name = "ds-san"
capacity = "2 TB"

[[scenario.vm]]
name = "web-1"
host = "esx-1"
vcpus = 2
memory = "8 GiB"
disks = [ { size = "40 GiB", datastore = "ds-san" } ]

[[scenario.vm]]
name = "db-1"
host = "esx-1"
vcpus = 4
memory = "32 GiB"
disks = [ { size = "40 GiB", datastore = "ds-san" } ]

[[scenario.container]]
name = "api"
host = "kvm-1"
cpu_request = "250m"
memory_request = "256 MiB"

[[goal]]
id = "three-vms"
text = { en = "Run three VMs", ko = "VM 세 대 실행" }
check = "count_min"
params = { kind = "vm", min = 3 }
hints = [ { en = "Press a.", ko = "a를 누르세요." } ]
"""


class PanelApp(App):
    def __init__(self, session: LabSession, lang: str) -> None:
        super().__init__()
        self.session, self.lang = session, lang

    def compose(self) -> ComposeResult:
        yield LabPanel(self.session, self.lang, id="lab")

    def on_mount(self) -> None:
        self.query_one(LabPanel).focus()


@pytest.fixture
def session(tmp_path: Path) -> LabSession:
    path = tmp_path / "lab.toml"
    path.write_text(LAB, encoding="utf-8")
    lab, problems = load_lab(path)
    assert lab is not None, problems
    return LabSession(lab)


async def _select(pilot, panel: LabPanel, name: str) -> None:
    panel.table.select(name)
    await pilot.pause()


REFUSALS = [  # (action, code of the first reason, a number the reason must show)
    (Move(name="web-1", host="esx-3"), "host_down", None),
    (Move(name="db-1", host="esx-2"), "ram_capacity", "15.5 GiB"),
    (Remove(name="ghost"), "unknown_name", None),
    (Update(name="web-1", changes={"vcpus": 64}), "vcpu_cap", "64"),
]


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize(("action", "code", "number"), REFUSALS)
async def test_a_refusal_says_why_in_the_dialog_and_after_it(session: LabSession, lang: str, action,
                                                             code: str, number: str | None) -> None:
    """The instructor's report: "Refused: move web-1 to esx-3" and nothing else stayed on
    screen. The status line now carries the first reason (with its numbers) after the dialog
    is closed, and the dialog lists every reason, in the student's language."""
    app = PanelApp(session, lang)
    async with app.run_test(size=(120, 36)) as pilot:
        panel = app.query_one(LabPanel)
        panel.apply(action)
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, RefusedDialog)
        first = dialog.violations[0]
        assert first.code == code
        reason = violation_text(first, lang)
        assert reason in dialog.as_text().replace("\n  ", " ")
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, RefusedDialog)
        assert reason in panel.message and panel.message.startswith(("Refused: ", "거부됨: "))
        if number is not None:
            assert number in panel.message
        if len(dialog.violations) > 1:
            more = len(dialog.violations) - 1
            assert (f"(+{more} more)" if lang == "en" else f"(이유 {more}가지 더)") in panel.message


async def test_the_status_line_says_the_reason_again_in_the_other_language(session: LabSession) -> None:
    app = PanelApp(session, "en")
    async with app.run_test(size=(120, 36)) as pilot:
        panel = app.query_one(LabPanel)
        panel.apply(Move(name="web-1", host="esx-3"))
        await pilot.pause()
        await pilot.press("escape")
        assert "esx-3 is down (a power or hardware failure)" in panel.message
        panel.set_lang("ko")
        await pilot.pause()
        assert "esx-3은 꺼져 있어요(전원 또는 하드웨어 장애)" in panel.message


@pytest.mark.parametrize(("lang", "marked"), [("en", "esx-3 (down)"), ("ko", "esx-3(중단)")])
async def test_the_move_dialog_marks_a_host_that_is_down(session: LabSession, lang: str,
                                                         marked: str) -> None:
    """Kept on the list, marked: choosing it is refused, with the reason."""
    app = PanelApp(session, lang)
    async with app.run_test(size=(120, 36)) as pilot:
        panel = app.query_one(LabPanel)
        await _select(pilot, panel, "web-1")
        await pilot.press("m")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ChoiceDialog)
        options = dialog.query_one(OptionList)
        labels = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert labels == ["esx-2", marked, "kvm-1"]
        options.highlighted = 1
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, RefusedDialog) and app.screen.violations[0].code == "host_down"
        assert session.state.compute.vm_index["web-1"].host == "esx-1"


@pytest.mark.parametrize(("lang", "vm_title", "ctr_title"), [
    ("en", "Edit web-1 (on esx-1): size and resource controls",
     "Edit container api (in kvm-1): requests and limits"),
    ("ko", "web-1(현재 esx-1)의 크기와 자원 제어 편집", "컨테이너 api(현재 kvm-1)의 요청과 제한 편집"),
])
async def test_the_edit_dialog_names_what_it_edits(session: LabSession, lang: str, vm_title: str,
                                                   ctr_title: str) -> None:
    app = PanelApp(session, lang)
    async with app.run_test(size=(120, 36)) as pilot:
        panel = app.query_one(LabPanel)
        for name, title in (("web-1", vm_title), ("api", ctr_title)):
            await _select(pilot, panel, name)
            await pilot.press("e")
            await pilot.pause()
            assert isinstance(app.screen, EditDialog)
            assert str(app.screen.query_one(".dialog-title", Static).render()) == title
            await pilot.press("escape")
            await pilot.pause()


@pytest.mark.parametrize(("lang", "marked"), [("en", "esx-3 (down)"), ("ko", "esx-3(중단)")])
async def test_the_add_dialogs_mark_a_host_that_is_down(session: LabSession, lang: str,
                                                        marked: str) -> None:
    """Listed, marked, and never picked first: adding a VM there is refused, with the reason."""
    from textual.widgets import Select

    from virtlab.core.actions import apply
    from virtlab.core.compute.actions import Fail
    from virtlab.ui.widgets.workload_dialogs import AddContainerDialog, AddVMDialog, host_label

    dc = session.state
    assert host_label(dc, "esx-3", lang) == marked and host_label(dc, "esx-1", lang) == "esx-1"
    app = PanelApp(session, lang)
    async with app.run_test(size=(120, 36)) as pilot:
        app.push_screen(AddVMDialog(dc, lang, host="esx-3"))
        await pilot.pause()
        assert app.screen.query_one("#f-host", Select).value == "esx-1"  # not the down host
        prompts = [str(p) for p, _ in app.screen.query_one("#f-host", Select)._options]
        assert marked in prompts
        app.pop_screen()
        down = apply(dc, Fail(name="kvm-1", fault="host-down"))
        app.push_screen(AddContainerDialog(down, lang))
        await pilot.pause()
        places = [str(p) for p, _ in app.screen.query_one("#f-place", Select)._options]
        assert any(host_label(down, "kvm-1", lang) in p and p.endswith(")") for p in places), places
