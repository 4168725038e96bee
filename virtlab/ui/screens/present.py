"""Presenter mode: a lesson on a projector, driven cue by cue through a walkthrough.

``PageDown`` / ``PageUp`` move to the next / previous cue: each shows its lesson step and sets
the lab to the cue's state (the walkthrough's actions from the lab's start, the cue's fault
included), so going back restores the lab exactly and a fault leaves with its cue. The cue is
shared through :class:`~virtlab.course.presenting.CueFile`, so ``virtlab present --notes`` in a
second terminal follows (and can drive) the same walkthrough. The audience sees no notes —
unless the presenter has one screen only: ``F2`` shows the same notes (with the timer) under
the lesson and hides them again.

The projector shows the lab as the cue sets it, whoever used the data folder before: a fresh
session (not a student's saved work), no hints from the progress file, and nothing written to
it (steps, goals, hints). It never offers the next lesson: the walkthrough leads the room cue
by cue, and ``N`` would leave it for a student's lesson screen and progress.
"""

from __future__ import annotations

import time

from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import Static

from virtlab.course.i18n import t
from virtlab.course.presenting import CueFile
from virtlab.course.session import LabSession
from virtlab.course.walkthrough import CueState, Walkthrough
from virtlab.ui.notes import notes_text
from virtlab.ui.screens._chrome import KeyBar
from virtlab.ui.screens.lesson import LessonScreen
from virtlab.ui.widgets.goals_panel import GoalsPanel
from virtlab.ui.widgets.lab_panel import LabPanel
from virtlab.ui.widgets.quiz_panel import QuizPanel

POLL_S = 0.3


class PresentScreen(LessonScreen):
    """The lesson screen, with cues."""

    BINDINGS = [
        Binding("pagedown", "next_cue", "next_cue", priority=True, id="next-cue"),
        Binding("pageup", "previous_cue", "previous_cue", priority=True, id="previous-cue"),
        Binding("f2", "toggle_notes", "toggle_notes", priority=True, id="toggle-notes"),
    ]
    DEFAULT_CSS = """
    PresentScreen #present-notes {
        display: none; height: auto; max-height: 50%; padding: 0 1;
        background: $panel; border-top: solid $accent;
    }
    PresentScreen #present-notes.-shown { display: block; }
    """

    def __init__(self, walkthrough: Walkthrough, states: list[CueState], cue_file: CueFile) -> None:
        super().__init__(walkthrough.walkthrough.lesson, step=walkthrough.cue[0].step - 1)
        self.walkthrough = walkthrough
        self.states = states
        self.cue_file = cue_file
        self.cue = -1
        self.started = self.cue_started = time.monotonic()

    def compose(self) -> ComposeResult:
        """The lesson screen, with the notes (hidden) just above its key bar."""
        app = self.virtlab_app
        lesson = app.catalog.get(self.lesson_id, self.lang)
        lab_id = lesson.lab if lesson is not None else None
        if lab_id is not None and lab_id in app.labs:  # not the saved work of a student
            app.sessions[lab_id] = LabSession(app.labs[lab_id])
        for widget in super().compose():
            if isinstance(widget, KeyBar):
                yield Static(Content(""), id="present-notes", markup=False)
            yield widget

    def action_toggle_notes(self) -> None:
        notes = self.query_one("#present-notes", Static)
        notes.set_class(not notes.has_class("-shown"), "-shown")
        self._draw_notes()

    def _draw_notes(self) -> None:
        notes = self.query_one("#present-notes", Static)
        if not notes.has_class("-shown") or self.cue < 0:
            return
        now = time.monotonic()
        lab = self.session.lab if self.session is not None else None
        notes.update(Content(notes_text(self.walkthrough, self.lesson, lab, self.cue, self.lang,
                                        now - self.started, now - self.cue_started, beside_lesson=True)))

    def on_mount(self) -> None:
        # The lesson screen's own on_mount runs after this one (Textual walks the MRO).
        self.call_after_refresh(self._start)

    def _start(self) -> None:
        start = self.cue_file.read()
        self.go_to(start if start is not None and start < len(self.walkthrough.cue) else 0)
        self.set_interval(POLL_S, self._follow)
        self.set_interval(1.0, self._draw_notes)

    def go_to(self, index: int, *, share: bool = True) -> None:
        """Show cue ``index``: its step, and the lab as the cue sets it."""
        index = max(0, min(index, len(self.walkthrough.cue) - 1))
        cue = self.walkthrough.cue[index]
        if index != self.cue:
            self.cue_started = time.monotonic()
        self.cue = index
        self.show_step(min(cue.step - 1, len(self.lesson.sections) - 1))
        panel: LabPanel | QuizPanel | None = self.lab_panel
        if self.session is not None and panel is not None and index < len(self.states):
            self.session.replay(self.states[index].actions)
            message = t("present.cue", self.lang, n=index + 1, total=len(self.walkthrough.cue))
            if isinstance(panel, LabPanel):
                panel._changed(message)
            else:
                panel.refresh()
        if share:
            self.cue_file.write(index)
        self._goals_changed()
        self._draw_notes()

    def action_next_cue(self) -> None:
        self.go_to(self.cue + 1)

    def action_previous_cue(self) -> None:
        self.go_to(self.cue - 1)

    def _follow(self) -> None:
        """Go where the notes terminal moved the cue."""
        shared = self.cue_file.read()
        if shared is not None and shared != self.cue and shared < len(self.walkthrough.cue):
            self.go_to(shared, share=False)

    def saved_hints(self) -> dict[str, int]:
        """None: the hints a student used are theirs, not the cue's."""
        return {}

    def on_goals_panel_hint_revealed(self, event: GoalsPanel.HintRevealed) -> None:
        """A hint shown to the room is not counted in anyone's progress."""
        event.prevent_default()

    def _record_step(self) -> None:
        """The step a cue shows is not a student's place in the lesson: nothing is saved."""
        self._offer_next()

    def next_lesson(self) -> None:
        """Never offered: the walkthrough, not the goals, says what comes next."""
        return None

    def on_lab_panel_changed(self, event: LabPanel.Changed) -> None:
        """The goals follow the lab; an instructor's walkthrough is neither lab work nor
        progress (not the lesson screen's handler, which saves both)."""
        event.prevent_default()
        self._goals_changed()

    def on_quiz_panel_changed(self, event: QuizPanel.Changed) -> None:
        event.prevent_default()
        self._goals_changed()

    def _goals_changed(self, initial: bool = False) -> None:
        if self.query("#goals"):
            goals = self.query_one("#goals", GoalsPanel)
            goals.only = self.revealed()
            goals.refresh_results()

    def revealed(self) -> set[str] | None:
        """The goals the audience sees at this cue: those revealed by it or an earlier cue —
        or every goal, for a walkthrough that reveals none."""
        cues = self.walkthrough.cue
        if not any(c.reveal for c in cues):
            return None
        return {g for c in cues[:max(self.cue, 0) + 1] for g in c.reveal}
