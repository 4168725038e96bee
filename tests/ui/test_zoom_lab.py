"""``z`` in a lesson zooms its lab to the whole screen (the title and the key bar stay), and
``z`` or ``esc`` bring the lesson back: on 80×24 the topology and the trace stepper had a few
lines under the table."""

from __future__ import annotations

from pathlib import Path

import pytest

from virtlab.ui.app import make_app
from virtlab.ui.screens.lesson import LessonScreen
from virtlab.ui.widgets.quiz_panel import QuizPanel

from .waits import until


def _lab_open(app) -> bool:
    screen = app.screen
    return isinstance(screen, LessonScreen) and screen.lab_panel is not None and screen._lab_loaded


@pytest.mark.parametrize("back", ["z", "escape"])
async def test_z_zooms_the_lab_and_back(tmp_path: Path, back: str) -> None:
    app = make_app(lang="en", data_dir=tmp_path, open_lesson="l10-vlans")
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: _lab_open(app), "the lab open")
        screen = app.screen
        panel = screen.lab_panel
        small = panel.region.height
        await pilot.press("z")
        await pilot.pause()
        assert screen.maximized is panel
        assert panel.region.height > small + 8  # the lab has the screen, less title and keys
        assert not screen.query_one("#lesson-pane").region  # the lesson is off the screen
        assert screen.query_one("TitleBar").region and screen.query_one("KeyBar").region
        assert panel in app.focused.ancestors_with_self  # the keys act on the lab
        await pilot.press("v")  # the lab's keys work while zoomed
        await pilot.pause()
        await pilot.press(back)
        await pilot.pause()
        assert app.screen is screen and screen.maximized is None  # esc leaves the zoom first
        assert panel.region.height == small and screen.query_one("#lesson-pane").region


async def test_zoom_works_from_the_lesson_text_and_on_a_quiz(tmp_path: Path) -> None:
    app = make_app(lang="ko", data_dir=tmp_path, open_lesson="l2-hypervisor-types")
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: _lab_open(app), "the quiz open")
        screen = app.screen
        assert isinstance(screen.lab_panel, QuizPanel)
        screen.query_one("#lesson-scroll").focus()
        await pilot.pause()
        await pilot.press("z")
        await pilot.pause()
        assert screen.maximized is screen.lab_panel
        assert screen.lab_panel in app.focused.ancestors_with_self  # not the hidden text


async def test_no_zoom_without_a_lab(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(LessonScreen, "lab_shown_before", False)  # its lab opens after the text
    app = make_app(lang="en", data_dir=tmp_path, open_lesson="l10-vlans")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, LessonScreen)
        screen.lab_panel = None  # as for a lesson whose lab did not load
        assert screen.check_action("zoom_lab", ()) is False
        await until(pilot, lambda: _lab_open(app), "the lab open")
        assert screen.check_action("zoom_lab", ()) is True


async def test_a_zoomed_lab_still_says_the_terminal_is_too_small(tmp_path: Path) -> None:
    app = make_app(lang="en", data_dir=tmp_path, open_lesson="l10-vlans")
    async with app.run_test(size=(70, 20)) as pilot:
        await until(pilot, lambda: _lab_open(app), "the lab open")
        await pilot.press("z")
        await pilot.pause()
        assert app.screen.maximized is app.screen.lab_panel
        assert app.screen.query_one("TooSmall").region  # "make the terminal bigger" stays
