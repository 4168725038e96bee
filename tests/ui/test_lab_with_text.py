"""A lesson paints its text first and opens its lab a frame later only while the lab's first
import is ahead (the first lab of the process, before the warm-up); after that the lab comes
with the text in one frame, the keys already on its table (or quiz) — no "Opening the lab…"
placeholder, and no focus moving from the text to the lab after the first frame."""

from __future__ import annotations

from pathlib import Path

import pytest

from virtlab.course.paths import lessons_dir
from virtlab.ui.app import make_app
from virtlab.ui.screens.lesson import LessonScreen
from virtlab.ui.widgets.quiz_panel import QuizPanel

from .waits import until


def _app(tmp_path: Path):
    return make_app(lang="en", data_dir=tmp_path / "data", lessons_root=lessons_dir())


@pytest.mark.parametrize(("lesson", "keys_on"), [("l5-overcommit", "lab-table"),
                                                 ("l2-hypervisor-types", "lab-panel")])
async def test_after_a_lab_was_shown_the_next_comes_with_its_text(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lesson: str, keys_on: str) -> None:
    monkeypatch.setattr(LessonScreen, "lab_shown_before", True)
    opened: list[LessonScreen] = []
    monkeypatch.setattr(LessonScreen, "_open_lab", lambda self: opened.append(self))
    focus_in_frames: list[str | None] = []
    render = LessonScreen._compositor_refresh

    def rendered(self: LessonScreen) -> None:  # what has the keys in each frame drawn
        focus_in_frames.append(self.focused.id if self.focused else None)
        render(self)

    monkeypatch.setattr(LessonScreen, "_compositor_refresh", rendered)
    app = _app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        assert app.open_lesson_screen(lesson)
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LessonScreen) and screen._lab_loaded
        assert not screen.query("#lab-loading") and not opened  # composed with the text
        assert app.focused is not None and app.focused.id == keys_on
        assert focus_in_frames and set(focus_in_frames) == {keys_on}  # from the first frame
        if keys_on == "lab-panel":
            assert isinstance(app.focused, QuizPanel)


async def test_the_first_lab_opens_after_the_text(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(LessonScreen, "lab_shown_before", False)
    app = _app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        assert app.open_lesson_screen("l5-overcommit")
        screen = app.screen
        assert isinstance(screen, LessonScreen) and screen._lab_later
        await until(pilot, lambda: screen._lab_loaded, "the lab open")
        assert not screen.query("#lab-loading")
        assert app.focused is not None and app.focused.id == "lab-table"
        assert LessonScreen.lab_shown_before  # the next lesson's lab comes with its text


async def test_a_view_is_drawn_at_the_width_it_is_given_not_at_a_guess(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Shown before it has a width, a view is drawn by the layout at the width it gets (and
    again only if a scrollbar then takes some): drawn at once it was drawn at a guessed 60
    cells, then again, a frame later, at its own."""
    from virtlab.ui.widgets.host_bars import HostBars

    widths: list[int] = []
    draw = HostBars.lines_for

    def drawn(self: HostBars, context):
        widths.append(context.width)
        return draw(self, context)

    monkeypatch.setattr(HostBars, "lines_for", drawn)
    app = _app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        assert app.open_lesson_screen("l5-overcommit")
        await until(pilot, lambda: getattr(app.screen, "_lab_loaded", False), "the lab open")
        await pilot.pause()
        bars = app.screen.query_one(HostBars)
        assert widths and widths[-1] == bars.size.width
        assert set(widths) <= {bars.size.width, bars.size.width + bars.parent.styles.scrollbar_size_vertical}
        assert len(widths) <= 2, widths
