"""Pilot tests driving the real app: catalog → lesson → lab keys → goals, hints, undo and
reset, language switch, progress kept across a restart, a corrupt progress file."""

from __future__ import annotations

import json
from pathlib import Path

from textual.widgets import OptionList

from virtlab.course.paths import progress_file
from virtlab.ui.screens.catalog import CatalogScreen
from virtlab.ui.screens.lesson import LessonScreen
from virtlab.ui.widgets.goals_panel import GoalsPanel
from virtlab.ui.widgets.lab_panel import LabPanel
from virtlab.ui.widgets.lesson_text import LessonText
from virtlab.ui.widgets.quiz_panel import QuizPanel

SIZE = (120, 36)


def goals(app) -> dict[str, bool]:
    return {r.id: r.met for r in app.screen.query_one(GoalsPanel).results}


async def open_lesson(pilot, lesson_id: str) -> LessonScreen:
    app = pilot.app
    listing = app.screen.query_one("#lesson-list", OptionList)
    listing.highlighted = listing.get_option_index(lesson_id)
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(app.screen, LessonScreen)
    return app.screen


async def add_vm(pilot) -> None:
    await pilot.press("a")
    await pilot.pause()
    await pilot.click("#form-ok")
    await pilot.pause()


async def test_catalog_lists_lessons_and_states(new_app) -> None:
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, CatalogScreen)
        ids = [o.id for o in app.screen.query_one("#lesson-list", OptionList).options if o.id]
        assert ids == ["t1-carve", "t2-layers", "t3-nolab"]


async def test_lab_keys_turn_goals_met_then_undo_and_reset(new_app, data_dir: Path) -> None:
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = await open_lesson(pilot, "t1-carve")
        assert isinstance(screen.lab_panel, LabPanel)
        assert goals(app) == {"two-vms": False, "web-size": False}
        await add_vm(pilot)
        assert goals(app)["two-vms"] is True
        assert app.progress.lesson("t1-carve").goals_met == ["two-vms"]
        # select web-1 (first row) and resize it with keys
        screen.lab_panel.table.move_cursor(row=0)
        assert screen.lab_panel.selected() == "web-1"
        await pilot.press("plus", "plus")
        await pilot.pause()
        assert app.session_for("t1-lab").state.compute.vm_index["web-1"].vcpus == 4
        assert goals(app) == {"two-vms": True, "web-size": True}
        assert app.progress.state("t1-carve") == "done"
        assert "all-met" in " ".join(screen.query_one(GoalsPanel).classes)
        await pilot.press("u")
        await pilot.pause()
        assert goals(app)["web-size"] is False
        await pilot.press("R")  # asks first (#8); Enter chooses "Reset"
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert goals(app) == {"two-vms": False, "web-size": False}
        assert app.progress.state("t1-carve") == "done"  # a done lesson stays done
    saved = json.loads(progress_file(data_dir).read_text())
    assert saved["lessons"]["t1-carve"]["state"] == "done"


async def test_hints_are_revealed_one_at_a_time_and_saved(new_app) -> None:
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = await open_lesson(pilot, "t1-carve")
        panel = screen.query_one(GoalsPanel)
        await pilot.press("h")
        assert app.progress.lesson("t1-carve").hints_used == {"two-vms": 1}
        assert "Press a to add a VM." in panel.as_text()
        assert "Focus the lab" not in panel.as_text()
        await pilot.press("h")
        assert app.progress.lesson("t1-carve").hints_used == {"two-vms": 2}
        assert panel.reveal_hint() is None  # no third hint
        assert app.progress.lesson("t1-carve").hints_used == {"two-vms": 2}
        panel.focus()
        await pilot.press("down", "h")
        assert app.progress.lesson("t1-carve").hints_used["web-size"] == 1


async def test_steps_next_previous_and_jump(new_app) -> None:
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = await open_lesson(pilot, "t3-nolab")
        assert screen.step == 0
        await pilot.press("n", "n")
        assert screen.step == 2
        await pilot.press("p")
        assert screen.step == 1
        assert "step 1" in screen.query_one("#lesson-body", LessonText).source
        screen.query_one("#step-list", OptionList).focus()
        await pilot.press("end", "enter")
        assert screen.step == 3
        assert app.progress.lesson("t3-nolab").section == 3
        # the last step of a lesson without a lab marks it done
        assert app.progress.state("t3-nolab") == "done"
        assert "t3-missing" in str(screen.query_one("#lab-note").render())


async def test_language_switch_everywhere(new_app) -> None:
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = await open_lesson(pilot, "t1-carve")
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert app.lang == "ko"
        assert screen.lesson.title == "호스트 나누기 강의"
        assert "호스트 나누기 강의" in screen.query_one("#lesson-body", LessonText).source
        assert "단계" in str(screen.query_one("#step-list", OptionList).get_option_at_index(1).prompt)
        assert screen.lab_panel.lang == "ko"
        assert "VM을 두 개 이상" in screen.query_one(GoalsPanel).as_text()
        assert app.progress.lang == "ko"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, CatalogScreen)
        prompt = app.screen.query_one("#lesson-list", OptionList).get_option("t1-carve").prompt
        assert "호스트 나누기 강의" in str(prompt)
        await pilot.press("ctrl+l")
        assert app.lang == "en"


async def test_quit_and_reopen_keeps_progress(new_app) -> None:
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await open_lesson(pilot, "t1-carve")
        await pilot.press("n", "n", "h")
        await add_vm(pilot)
        await pilot.press("q")
    assert not app.is_running
    again = new_app()
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        record = again.progress.lesson("t1-carve")
        assert record.state == "in_progress"
        assert record.section == 2
        assert record.hints_used == {"two-vms": 1}
        assert record.goals_met == ["two-vms"]
        assert again.progress.last_lesson == "t1-carve"
        await pilot.press("c")  # continue where I left off
        await pilot.pause()
        assert isinstance(again.screen, LessonScreen)
        assert again.screen.lesson_id == "t1-carve" and again.screen.step == 2
        assert "Press a to add a VM." in again.screen.query_one(GoalsPanel).as_text()


async def test_corrupt_progress_file_is_kept_aside_with_a_notice(new_app, data_dir: Path) -> None:
    data_dir.mkdir(parents=True)
    progress_file(data_dir).write_text("{ not json", encoding="utf-8")
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, CatalogScreen)
        notes = [n.message for n in app._notifications]
        assert any("could not be used" in n for n in notes)
        assert list(data_dir.glob("progress.corrupt-*.json"))
        await open_lesson(pilot, "t1-carve")
    assert json.loads(progress_file(data_dir).read_text())["last_lesson"] == "t1-carve"


async def test_quiz_lesson_uses_the_quiz_panel(new_app) -> None:
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = await open_lesson(pilot, "t2-layers")
        assert isinstance(screen.lab_panel, QuizPanel)
        screen.session.answer("q1", "a")
        screen.lab_panel.post_message(QuizPanel.Changed(screen.session))
        await pilot.pause()
        assert goals(app) == {"q1": True}
        assert app.progress.state("t2-layers") == "done"


async def test_lesson_link_drives_the_lab(new_app) -> None:
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = await open_lesson(pilot, "t1-carve")
        await pilot.press("n")
        body = screen.query_one("#lesson-body", LessonText)
        body.post_message(LessonText.LinkClicked(body, "lab:add_vm"))
        await pilot.pause()
        await pilot.click("#form-ok")
        await pilot.pause()
        assert len(app.session_for("t1-lab").state.compute.vms) == 2


async def test_open_lesson_and_sandbox_from_the_factory(new_app) -> None:
    app = new_app(open_lesson="t1-carve")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, CatalogScreen)
    sandbox = new_app(sandbox=(None, None))
    async with sandbox.run_test(size=SIZE) as pilot:
        await pilot.pause()
        panel = sandbox.screen.query_one(LabPanel)
        assert [h.name for h in panel.session.state.hosts] == ["host-1"]
        await add_vm(pilot)
        assert len(panel.session.state.compute.vms) == 1


async def test_help_glossary_export_and_palette(new_app, data_dir: Path) -> None:
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        text = str(app.screen.query_one("#help-body").render())
        for words in ("Export progress", "Start / continue", "ctrl+l"):
            assert words in text
        assert "Add a VM" not in text  # the catalog has no lab
        await pilot.press("escape", "g")
        await pilot.pause()
        await pilot.press(*"컨테이너")
        await pilot.pause()
        listing = app.screen.query_one("#glossary-list", OptionList)
        assert [o.id for o in listing.options] == ["container"]
        await pilot.press("escape", "e")
        assert (data_dir / "virtlab-progress.md").exists()
        from virtlab.ui.palette import LessonCommands

        provider = LessonCommands(app.screen)
        hits = [hit async for hit in provider.search("계층")]
        assert hits and "t2-layers" in (hits[0].help or "")


async def test_small_terminal_shows_a_notice_and_does_not_crash(new_app) -> None:
    app = new_app()
    async with app.run_test(size=(50, 14)) as pilot:
        await pilot.pause()
        assert app.has_class("-cramped")
        banner = app.screen.query_one(".too-small")
        assert banner.display and "80×24" in str(banner.render())
        await open_lesson(pilot, "t1-carve")
        await pilot.press("n", "h", "ctrl+l")
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert not app.has_class("-cramped")


async def test_real_lessons_open(tmp_path: Path) -> None:
    from virtlab.ui.app import make_app

    app = make_app(lang="en", data_dir=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for lesson in app.catalog.ordered("en"):
            assert app.open_lesson_screen(lesson.id)
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, LessonScreen) and screen.lesson_id == lesson.id
            if lesson.lab in app.labs:
                assert screen.lab_panel is not None
            await pilot.press("n", "ctrl+l", "p", "ctrl+l")
            await pilot.press("escape")
        assert app.progress.last_lesson == app.catalog.ordered("en")[-1].id
