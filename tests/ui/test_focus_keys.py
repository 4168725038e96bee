"""The key bar and the help screen offer the keys that work where the focus is, and the
focused area is marked (#8): with the lesson text focused, no lab key shows."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable

from virtlab.ui.app import make_app
from virtlab.ui.screens._chrome import KeyBar
from virtlab.ui.screens.help import HelpScreen

SIZE = (120, 36)


async def _settle(pilot, n: int = 4) -> None:
    for _ in range(n):
        await pilot.pause()


async def test_key_bar_follows_the_focus(tmp_path: Path) -> None:
    app = make_app(lang="en", data_dir=tmp_path, open_lesson="l5-overcommit")
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        screen = app.screen
        bar = screen.query_one(KeyBar)
        assert isinstance(app.focused, DataTable)
        assert "+" in bar.shown and "d" in bar.shown and "?" in bar.shown
        assert "a" not in bar.shown  # L5 does not allow adding VMs: not offered
        screen.query_one("#lesson-scroll").focus()
        await _settle(pilot)
        assert "+" not in bar.shown and "d" not in bar.shown
        assert {"n", "p", "h", "?"} <= set(bar.shown)
        await pilot.press("plus")  # the lab key does nothing here
        await _settle(pilot, 2)
        assert app.screen is screen and not screen.session.log


async def test_help_lists_the_keys_of_the_focused_area(tmp_path: Path) -> None:
    app = make_app(lang="en", data_dir=tmp_path, open_lesson="l5-overcommit")
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        await pilot.press("question_mark")
        await _settle(pilot, 2)
        assert isinstance(app.screen, HelpScreen)
        text = str(app.screen.query_one("#help-body").render())
        assert "More vCPUs" in text and "Reset the lab" in text and "Next step" in text
        assert "Add a VM" not in text and "Take a snapshot" not in text  # not in this lab
        assert "scroll the table sideways" in text
        await pilot.press("escape")
        app.screen.query_one("#lesson-scroll").focus()
        await _settle(pilot, 2)
        await pilot.press("question_mark")
        await _settle(pilot, 2)
        text = str(app.screen.query_one("#help-body").render())
        assert "Next step" in text and "More vCPUs" not in text


async def test_focused_area_has_a_heavy_border(tmp_path: Path) -> None:
    app = make_app(lang="en", data_dir=tmp_path, open_lesson="l5-overcommit")
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        pane, goals = app.screen.query_one("#lesson-pane"), app.screen.query_one("#goals")
        assert pane.styles.border_top[0] == "round"
        app.screen.query_one("#lesson-scroll").focus()
        await _settle(pilot, 2)
        assert pane.styles.border_top[0] == "heavy"
        goals.focus()
        await _settle(pilot, 2)
        assert pane.styles.border_top[0] == "round" and goals.styles.border_top[0] == "heavy"


async def test_quiz_keys_follow_the_question_type(tmp_path: Path) -> None:
    app = make_app(lang="en", data_dir=tmp_path, open_lesson="l2-hypervisor-types")
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        panel = app.screen.lab_panel
        panel.focus()
        await _settle(pilot, 2)
        bar = app.screen.query_one(KeyBar)
        kinds = [q.type for q in panel.questions]
        assert kinds[0] == "choice" and "order" in kinds
        assert "enter/space" in bar.shown and "s" not in bar.shown
        while panel.questions[panel.q].type != "order":
            await pilot.press("down")
        await _settle(pilot, 2)
        assert "s" in bar.shown and "alt+up/K" in bar.shown


async def test_focused_quiz_is_marked(tmp_path: Path) -> None:
    app = make_app(lang="en", data_dir=tmp_path, open_lesson="l2-hypervisor-types")
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        quiz = app.screen.lab_panel
        quiz.focus()
        await _settle(pilot, 2)
        focused = quiz.styles.border_left
        app.screen.query_one("#lesson-scroll").focus()
        await _settle(pilot, 2)
        assert quiz.styles.border_left[0] == focused[0] == "tall"
        assert quiz.styles.border_left[1] != focused[1]  # the accent only while focused
