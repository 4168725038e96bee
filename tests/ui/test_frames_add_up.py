"""What the frames wrote adds up to the screen: after each step of a walk through the app —
a lesson opened from the catalog, its steps, every dialog opened and closed, help, the
glossary, the palette, a language switch, the zoomed lab, a resize — the terminal that the
frames drew (fed to a terminal emulator, one frame after another, as a real terminal gets
them) shows, cell by cell with its colours, what a whole redraw of the screen shows.

The app skips frames Textual would repaint again unchanged (``VirtlabScreen``); a frame it
wrongly skipped would leave a stale cell here.
"""

from __future__ import annotations

from pathlib import Path

import pyte
import pytest
from textual._compositor import CompositorUpdate

from virtlab.course.paths import lessons_dir
from virtlab.ui.app import VirtlabApp, make_app
from virtlab.ui.screens.lesson import LessonScreen

from .waits import until

SIZE = (100, 30)


class Terminal:
    """The frames the app displays, as a terminal would show them."""

    def __init__(self, app: VirtlabApp) -> None:
        self.app = app
        self.screen = pyte.Screen(*SIZE)
        self.stream = pyte.Stream(self.screen)

    def display(self, screen, update) -> None:
        if update is not None and isinstance(update, CompositorUpdate) and not self.app._batch_count:
            self.stream.feed(update.render_segments(self.app.console))

    def resize(self, width: int, height: int) -> None:
        self.screen.resize(height, width)

    def cells(self, screen: pyte.Screen) -> list[list[tuple[str, str, str, bool, bool]]]:
        return [[(c.data, c.fg, c.bg, c.bold, c.reverse) for c in (screen.buffer[y][x] for x in range(screen.columns))]
                for y in range(screen.lines)]

    def matches_a_redraw(self) -> list[str]:
        """The rows whose cells differ from a whole redraw of the current screen."""
        whole = pyte.Screen(self.screen.columns, self.screen.lines)
        pyte.Stream(whole).feed(self.app.screen._compositor.render_full_update().render_segments(self.app.console))
        shown, want = self.cells(self.screen), self.cells(whole)
        return [f"row {y}: {''.join(c[0] for c in shown[y])!r} / {''.join(c[0] for c in want[y])!r}"
                for y in range(len(want)) if shown[y] != want[y]]


@pytest.mark.parametrize("lab_before", [False, True])
async def test_the_frames_add_up_to_the_screen(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               lab_before: bool) -> None:
    monkeypatch.setattr(LessonScreen, "lab_shown_before", lab_before)
    app = make_app(lang="en", data_dir=tmp_path / "data", lessons_root=lessons_dir())
    term = Terminal(app)
    monkeypatch.setattr(app, "_display", term.display)
    async with app.run_test(size=SIZE) as pilot:

        async def step(*keys: str, what: str) -> None:
            await pilot.press(*keys)
            await pilot.pause()
            await pilot.pause()
            assert not term.matches_a_redraw(), (what, term.matches_a_redraw()[:3])

        await pilot.pause()
        assert not term.matches_a_redraw()
        assert app.open_lesson_screen("l5-overcommit")
        await until(pilot, lambda: getattr(app.screen, "_lab_loaded", False), "the lab open")
        await pilot.pause()
        assert not term.matches_a_redraw(), term.matches_a_redraw()[:3]
        if not lab_before:  # the lab painted after the text: the rest is the same either way
            return
        await step("n", what="the next step")
        await step("p", what="the step before")
        for key in ["a", "e", "m", "question_mark", "g", "ctrl+p"]:
            await step(key, what=f"{key} opened")
            await step("escape", what=f"{key} closed")
        await step("plus", what="a key in the lab")
        await step("ctrl+l", what="the language switched")
        await step("z", what="the lab zoomed")
        await step("z", what="the lesson back")
        term.resize(120, 36)  # the terminal first, as a real one resizes before the app hears
        await pilot.resize_terminal(120, 36)
        await pilot.pause()
        await pilot.pause()
        assert not term.matches_a_redraw(), term.matches_a_redraw()[:3]
        await step("escape", what="back to the catalog")
