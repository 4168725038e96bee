"""The lesson screen: one step (## section) of the lesson at a time on the left, the lab
panel (compute or quiz) on the right with the live goals below it.

Showing one step at a time, drawn by one widget (:class:`LessonText`, not a widget per
Markdown block), lets a 300-line lesson open in a fraction of the time a whole-document
viewer needs. Progress (step, goals met,
hints, lesson state) goes to the app, which saves it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.css.query import NoMatches
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from virtlab.course.i18n import t
from virtlab.course.links import lab_link_action
from virtlab.course.progress import mark_goal, set_section, set_state, use_hint
from virtlab.ui.screens._chrome import (
    KeyBar,
    SafeOptionList,
    TitleBar,
    TooSmall,
    go_back,
    mark_settled,
    refresh_chrome,
)
from virtlab.ui.screens.lesson_next import NextLessonOffer
from virtlab.ui.widgets.action_button import ActionButton
from virtlab.ui.widgets.goals_panel import GoalsPanel
from virtlab.ui.widgets.lesson_text import LessonText

if TYPE_CHECKING:
    from virtlab.course.lessons import Lesson
    from virtlab.course.session import LabSession
    from virtlab.ui.widgets.lab_panel import LabPanel
    from virtlab.ui.widgets.quiz_panel import QuizPanel


class LessonScreen(NextLessonOffer):
    """A lesson beside its lab; n / p move between steps, h reveals a hint."""

    CSS_PATH = "lesson.tcss"
    AUTO_FOCUS = None
    ALLOW_IN_MAXIMIZED_VIEW = "TitleBar, TooSmall, KeyBar"  # kept beside a zoomed lab
    lab_shown_before: ClassVar[bool] = False
    """Whether a lab was shown in this process (the engine and the lab's widgets are
    imported): the next lesson composes its lab with its text, in one frame, instead of
    painting the text first (``lab_later``)."""
    BINDINGS = [
        Binding("n", "next_step", "next_step", id="next-step"),
        Binding("p", "previous_step", "previous_step", id="previous-step"),
        Binding("h", "hint", "hint", id="hint"),
        Binding("N", "next_lesson", "next_lesson", id="next-lesson"),
        Binding("z", "zoom_lab", "zoom_lab", id="zoom-lab"),
        Binding("escape", "back", "back", id="back"),
    ]

    def __init__(self, lesson_id: str, step: int | None = None, *, lab_later: bool = False) -> None:
        super().__init__()
        self.lesson_id = lesson_id
        self._start_step = step
        self._lab_later = lab_later
        """Paint the lesson first and open the lab just after (its models take a moment to
        build on first use); else the lab is composed with the lesson."""
        self._lab_loaded = False
        self._lab_opening = False
        self.step = 0
        self.lesson: Lesson
        self.session: LabSession | None = None
        self.lab_panel: LabPanel | QuizPanel | None = None

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        app = self.virtlab_app
        lesson = app.catalog.get(self.lesson_id, self.lang)
        assert lesson is not None, self.lesson_id  # the app opens known lessons only
        self.lesson = lesson
        saved = app.progress.lesson(self.lesson_id).section
        wanted = self._start_step if self._start_step is not None else saved
        self.step = max(0, min(wanted, len(self.lesson.sections) - 1))
        if not self._lab_later:
            self.session = app.session_for(self.lesson.lab)
            # Focused as the screen mounts (Textual reads AUTO_FOCUS per screen), before its
            # first frame: a focus change after it repaints the whole screen again.
            self.AUTO_FOCUS = self._lab_focus_selector()  # type: ignore[misc, assignment]
        yield TitleBar()
        yield TooSmall(self.lang)
        with Horizontal(id="lesson-main"):
            with Vertical(id="lesson-pane"):
                yield Static("", id="step-title", markup=False)
                with VerticalScroll(id="lesson-scroll"):
                    yield LessonText(self._step_markdown(), id="lesson-body")
                yield SafeOptionList(id="step-list")
            with Vertical(id="lab-pane"):
                if self._lab_later:
                    yield Static(t("lesson.lab_loading", self.lang), id="lab-loading", markup=False)
                else:
                    yield from self._compose_lab()
                yield ActionButton("", id="next-lesson", variant="success",
                                   action="screen.next_lesson")
        yield KeyBar(self.lang)

    def _compose_lab(self) -> ComposeResult:
        session = self.session
        hints = self.saved_hints()
        if session is None:
            yield Static(self._lab_note(self.lang), id="lab-note", markup=False)
            return
        # Each panel is imported on first use: the catalog starts without either, and a quiz
        # without the lab panel's views and dialogs.
        if session.lab is not None and session.lab.meta.kind == "quiz":
            from virtlab.ui.widgets.quiz_panel import QuizPanel

            self.lab_panel = QuizPanel(session, self.lang, id="lab-panel")
        else:
            from virtlab.ui.widgets.lab_panel import LabPanel

            self.lab_panel = panel = LabPanel(session, self.lang, id="lab-panel")
            panel.on_change = self._goals_changed
        yield self.lab_panel
        yield GoalsPanel(session, self.lang, hints, id="goals")

    def _lab_focus_selector(self) -> str:
        """Where the keys go first: the lab's table, its quiz, or (no lab) the lesson text."""
        session = self.session
        if session is None:
            return "#lesson-scroll"
        return "QuizPanel" if session.lab is not None and session.lab.meta.kind == "quiz" else "#lab-table"

    def saved_hints(self) -> dict[str, int]:
        """The hints the student has revealed in this lesson (goal id → count), shown again."""
        return dict(self.virtlab_app.progress.lesson(self.lesson_id).hints_used)

    def on_mount(self) -> None:
        self._fill_step_list()
        if self._lab_later:
            self.set_lang(self.lang, rerender=False)
            if self.virtlab_app.first_frame_shown:
                self.call_after_refresh(self._open_lab)
            # else the app calls after_first_frame once its start-up is over
        else:
            self._lab_ready(focus_now=True)

    def after_first_frame(self) -> None:
        """The app's start-up is over (``virtlab open``): open the lab after the next frame.

        Textual holds every frame back while the app mounts; this screen is painted once
        that is over (see ``VirtlabScreen._compositor_refresh``), and its lab only after, so
        the lab's first import does not hold the text back."""
        self.call_after_refresh(self._open_lab)

    async def _open_lab(self) -> None:
        """Compose the lab once the lesson is on the screen."""
        if self._lab_opening or not self.is_attached:
            return
        self._lab_opening = True
        self.session = self.virtlab_app.session_for(self.lesson.lab)
        try:
            loading = self.query_one("#lab-loading")
        except NoMatches:
            return
        await self.query_one("#lab-pane").mount_all(list(self._compose_lab()), before=loading)
        await loading.remove()
        self._lab_ready(focus_now=True)

    def _lab_ready(self, focus_now: bool = False) -> None:
        """The lab is mounted (``focus_now``: so is its table; a focus change repaints the
        whole screen, so it moves before the lab's first frame)."""
        self._lab_loaded = True
        LessonScreen.lab_shown_before = True
        mark_settled(self)
        self.call_after_refresh(self.virtlab_app.warm_up_later)  # the screen is whole now
        if focus_now:
            self._initial_focus()
        else:
            self.call_after_refresh(self._initial_focus)
        self.set_lang(self.lang, rerender=False)
        self._record_step()
        # A lesson opened with all goals already met (a kept session) is done.
        self._goals_changed(initial=True)

    def _initial_focus(self) -> None:
        """Focus the lab (its table) once it has composed, else the lesson text."""
        try:
            (self.lab_panel or self.query_one("#lesson-scroll")).focus()
        except NoMatches:  # the screen was closed before its lab finished mounting
            pass

    # ------------------------------------------------------------------ steps

    def _title_of(self, index: int) -> str:
        title = self.lesson.sections[index].title
        return title or t("lesson.intro", self.lang)

    def _step_markdown(self) -> str:
        return self.lesson.sections[self.step].body  # the title is in #step-title

    def _fill_step_list(self) -> None:
        steps = self.query_one("#step-list", OptionList)
        steps.set_options(
            Option(Content(f"{i + 1}. {self._title_of(i)}"), id=f"step-{i}")
            for i in range(len(self.lesson.sections))
        )
        steps.highlighted = self.step

    def show_step(self, index: int) -> None:
        """Show step ``index`` (clamped) and remember it."""
        index = max(0, min(index, len(self.lesson.sections) - 1))
        changed = index != self.step
        self.step = index
        self.query_one("#lesson-body", LessonText).update(self._step_markdown())
        self.query_one("#lesson-scroll", VerticalScroll).scroll_home(animate=False)
        self.query_one("#step-list", OptionList).highlighted = index
        self._update_step_title()
        if changed:
            self._record_step()

    def _update_step_title(self) -> None:
        total = len(self.lesson.sections)
        text = f"{t('lesson.step', self.lang, n=self.step + 1, total=total)} · {self._title_of(self.step)}"
        self.query_one("#step-title", Static).update(text)

    def _record_step(self) -> None:
        app = self.virtlab_app
        step = self.step
        app.update_progress(lambda p: set_section(p, self.lesson_id, step))
        last = step == len(self.lesson.sections) - 1
        if last and self._lab_loaded and self.session is None and app.progress.state(self.lesson_id) != "done":
            app.update_progress(lambda p: set_state(p, self.lesson_id, "done"))
        self._offer_next()

    def action_next_step(self) -> None:
        self.show_step(self.step + 1)

    def action_previous_step(self) -> None:
        self.show_step(self.step - 1)

    def action_back(self) -> None:
        go_back(self)

    @on(OptionList.OptionSelected, "#step-list")
    def _jump(self, event: OptionList.OptionSelected) -> None:
        self.show_step(event.option_index)

    # ------------------------------------------------------------------ language

    def set_lang(self, lang: str, rerender: bool = True) -> None:
        """Show the lesson's twin in ``lang`` and relabel everything."""
        twin = self.virtlab_app.catalog.get(self.lesson_id, lang)
        if twin is not None:
            self.lesson = twin
        self.title = t("app.title", lang)
        self.sub_title = self.lesson.title
        refresh_chrome(self, lang)
        if rerender:
            self.step = min(self.step, len(self.lesson.sections) - 1)
            self.query_one("#lesson-body", LessonText).update(self._step_markdown())
            self._fill_step_list()
        self._update_step_title()
        self.query_one("#lesson-pane").border_title = self.lesson.title
        if self.lab_panel is not None:
            self.lab_panel.set_lang(lang)
        for goals in self.query(GoalsPanel):
            goals.set_lang(lang)
        if self.session is None and self._lab_loaded:
            self.query_one("#lab-note", Static).update(self._lab_note(lang))
        elif not self._lab_loaded and self.query("#lab-loading"):
            self.query_one("#lab-loading", Static).update(t("lesson.lab_loading", lang))
        self._offer_next()

    def _lab_note(self, lang: str) -> str:
        """Why there is no lab: the lesson has none, its file is missing, or it has problems."""
        lab = self.lesson.lab
        if not lab:
            return t("lesson.no_lab", lang)
        problems = self.virtlab_app.lab_file_problems(lab)
        if problems:
            return t("shell.lab_broken", lang, lab=lab, count=len(problems), problem=problems[0])
        return t("shell.lab_missing", lang, lab=lab)

    # ------------------------------------------------------------------ goals and hints

    def action_hint(self) -> None:
        """Reveal the next hint for the selected (or first unmet) goal."""
        goals = self.query("#goals").first(GoalsPanel) if self.query("#goals") else None
        if goals is None and not self._lab_loaded:
            return  # the lab is opening
        if goals is None:
            self.notify(t("lesson.no_lab", self.lang), timeout=3)
            return
        goals.reveal_hint()

    @on(GoalsPanel.HintRevealed)
    def _hint_revealed(self, event: GoalsPanel.HintRevealed) -> None:
        goal, count = event.goal_id, event.count
        self.virtlab_app.update_progress(
            lambda p: use_hint(p, self.lesson_id, goal, limit=count)
            if p.lesson(self.lesson_id).hints_used.get(goal, 0) < count else p)

    def on_lab_panel_changed(self, _event: LabPanel.Changed) -> None:
        # The goals were refreshed in the key's own handler (``LabPanel.on_change``).
        self.virtlab_app.save_work(self.lesson.lab)

    def on_quiz_panel_changed(self, _event: QuizPanel.Changed) -> None:
        self._goals_changed()
        self.virtlab_app.save_work(self.lesson.lab)

    def _goals_changed(self, initial: bool = False) -> None:
        if not self.query("#goals"):
            return
        goals = self.query_one("#goals", GoalsPanel)
        results = goals.refresh_results()
        app = self.virtlab_app
        before = app.progress.lesson(self.lesson_id)
        progress = app.progress
        for result in results:
            recorded = result.id in before.goals_met
            if result.met != recorded and (result.met or not initial):
                progress = mark_goal(progress, self.lesson_id, result.id, result.met)
        newly_done = goals.all_met and before.state != "done"
        if newly_done:
            progress = set_state(progress, self.lesson_id, "done")
        if progress is not app.progress:
            app.update_progress(lambda _p: progress)
        self._offer_next()
        if newly_done:
            following = self.next_lesson()
            text = t("lesson.all_goals_met", self.lang)
            if following is not None:
                text += "\n" + t("lesson.next_lesson", self.lang, title=following.title) + " → N"
            self.notify(text, title=self.lesson.title, timeout=6, markup=False)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "next_lesson":
            return self.next_lesson() is not None
        if action == "zoom_lab":
            return self.lab_panel is not None and self.lab_panel.is_attached
        return super().check_action(action, parameters)

    def action_zoom_lab(self) -> None:
        """The lab alone on the screen (room for its drawings), or back: ``z``, ``esc``."""
        panel = self.lab_panel
        if self.maximized is not None:
            self.minimize()
        elif panel is not None and self.maximize(panel, container=False):
            if self.focused is None or panel not in self.focused.ancestors_with_self:
                panel.focus()  # the keys go to the lab, not to the hidden lesson
        self.refresh_bindings()

    # ------------------------------------------------------------------ lesson links

    @on(LessonText.LinkClicked)
    async def _link(self, event: LessonText.LinkClicked) -> None:
        """``lab:ACTION`` links run one of the lab actions a lesson may name; web links open in
        the browser; anything else does nothing (``virtlab check`` reports it)."""
        href = event.href
        if href.startswith("lab:"):
            action = lab_link_action(href)
            if action is not None and self.lab_panel is not None:
                self.lab_panel.focus()
                await self.lab_panel.run_action(action)
        elif href.startswith(("http://", "https://")):
            self.app.open_url(href)
