"""The lesson screen's "next lesson": offered (a button and ``N``) once the lesson is finished
— its goals all met, or, a lesson without a lab, its last step reached — and named in the
course's order. The base class of :class:`~virtlab.ui.screens.lesson.LessonScreen`, kept apart
so that module stays short.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.content import Content

from virtlab.course.i18n import t
from virtlab.ui.screens._base import VirtlabScreen
from virtlab.ui.widgets.action_button import ActionButton
from virtlab.ui.widgets.goals_panel import GoalsPanel

if TYPE_CHECKING:
    from virtlab.course.lessons import Lesson
    from virtlab.course.session import LabSession


class NextLessonOffer(VirtlabScreen[None]):
    """The base of LessonScreen: the next lesson, its button and its key."""

    lesson_id: str
    lesson: Lesson
    step: int
    session: LabSession | None
    _lab_loaded: bool
    _offered: tuple[str, str] | None = None
    """The (lesson id, language) the button offers now, if any."""

    def next_lesson(self) -> Lesson | None:
        """The lesson after this one in course order, once this one is finished (its goals
        all met; a lesson without a lab: its last step reached), else None."""
        if not self._finished():
            return None
        ordered = self.virtlab_app.catalog.ordered(self.lang)
        ids = [lesson.id for lesson in ordered]
        at = ids.index(self.lesson_id) if self.lesson_id in ids else len(ids)
        return ordered[at + 1] if at + 1 < len(ordered) else None

    def _finished(self) -> bool:
        if not self._lab_loaded:
            return False
        if self.session is None:
            return self.step == len(self.lesson.sections) - 1
        goals = self.query(GoalsPanel)
        return bool(goals) and goals.first().all_met

    def _offer_next(self) -> None:
        """Show (or hide) the "next lesson" button and key, whose label names the lesson."""
        following = self.next_lesson()
        offer = (following.id, self.lang) if following is not None else None
        if offer == self._offered:
            return
        self._offered = offer
        button = self.query_one("#next-lesson", ActionButton)
        button.display = following is not None
        if following is not None:
            button.label = Content.assemble(t("lesson.next_lesson", self.lang, title=following.title),
                                            " →  ", ("N", "bold"))
        self.refresh_bindings()  # the key bar shows N only while it is offered

    def action_next_lesson(self) -> None:
        """Open the next lesson (offered once this one is finished)."""
        following = self.next_lesson()
        if following is not None:
            self.virtlab_app.open_lesson_screen(following.id)

