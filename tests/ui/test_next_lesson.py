"""After "All goals met" the lesson offers the next lesson (#8): a button under the goals
and the N key (shown in the key bar only then) open it."""

from __future__ import annotations

from virtlab.core.compute.actions import AddVM, Update
from virtlab.core.compute.models import VM
from virtlab.ui.screens._chrome import KeyBar
from virtlab.ui.screens.lesson import LessonScreen
from virtlab.ui.widgets.action_button import ActionButton

from .test_app_flow import open_lesson


async def _settle(pilot, n: int = 3) -> None:
    for _ in range(n):
        await pilot.pause()


async def _finish_t1(pilot, screen: LessonScreen) -> None:
    panel = screen.lab_panel
    panel.apply(AddVM(vm=VM(name="web-2", host="kvm-1", vcpus=2, memory_mib=4096)))
    panel.apply(Update(name="web-1", changes={"vcpus": 4}))
    await _settle(pilot)


async def test_finished_lesson_offers_the_next_one_by_key(new_app) -> None:
    app = new_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_lesson(pilot, "t1-carve")
        await _settle(pilot)
        button = screen.query_one("#next-lesson", ActionButton)
        assert not button.display and "N" not in screen.query_one(KeyBar).shown
        await pilot.press("N")  # not offered yet: nothing happens
        await _settle(pilot)
        assert app.screen is screen
        await _finish_t1(pilot, screen)
        assert button.display and "Layers quiz" in str(button.label)
        assert "N" in screen.query_one(KeyBar).shown
        await pilot.press("N")
        await _settle(pilot)
        assert isinstance(app.screen, LessonScreen) and app.screen.lesson_id == "t2-layers"


async def test_next_lesson_button_is_clickable_and_korean(new_app) -> None:
    app = new_app(lang="ko")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_lesson(pilot, "t1-carve")
        await _finish_t1(pilot, screen)
        button = screen.query_one("#next-lesson", ActionButton)
        assert "다음 강의: 계층 퀴즈" in str(button.label)
        assert button.region.height > 0  # on screen at 80×24
        await pilot.click("#next-lesson")
        await _settle(pilot)
        assert isinstance(app.screen, LessonScreen) and app.screen.lesson_id == "t2-layers"
