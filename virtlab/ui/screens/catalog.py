"""The catalog: tracks and their lessons with the student's state, "continue where I left
off", and the ways out to the sandbox, the glossary and a progress export."""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.markup import escape
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from virtlab.course.i18n import t
from virtlab.course.progress import continue_with
from virtlab.ui.screens._base import VirtlabScreen
from virtlab.ui.screens._chrome import (
    KeyBar,
    SafeOptionList,
    TitleBar,
    TooSmall,
    refresh_chrome,
)

STATE_MARK = {"not_started": ("○", "$text-muted"), "in_progress": ("◐", "$warning"),
              "done": ("●", "$success")}


class LessonList(SafeOptionList):
    """The catalog's lessons. Enter is the screen's key (``open``, run at once); the list's own
    Enter would select through a message that can arrive after an Escape typed next, opening
    a lesson the student already left. A click still selects."""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "select":
            return False
        return super().check_action(action, parameters)


class CatalogScreen(VirtlabScreen[None]):
    """Every lesson by track; Enter opens the highlighted one."""

    CSS_PATH = "catalog.tcss"
    AUTO_FOCUS = "#lesson-list"
    BINDINGS = [
        Binding("enter", "open", "open", show=True, id="open", priority=True),
        Binding("c", "continue", "continue", id="continue"),
        Binding("s", "sandbox", "sandbox", id="sandbox"),
        Binding("e", "export", "export", id="export"),
    ]

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield TooSmall(self.lang)
        with Vertical(id="catalog-body"):
            yield Static("", id="catalog-actions")
            yield Static("", id="catalog-count", markup=False)
            yield LessonList(id="lesson-list")
            yield Static("", id="lesson-summary", markup=False)
        yield KeyBar(self.lang)

    def on_mount(self) -> None:
        self.set_lang(self.lang, lessons=False)  # the list is filled on screen resume

    def on_screen_resume(self) -> None:
        self.refresh_lessons()

    # ------------------------------------------------------------------ content

    def set_lang(self, lang: str, lessons: bool = True) -> None:
        self.title = t("app.title", lang)
        self.sub_title = t("catalog.title", lang)
        refresh_chrome(self, lang)
        if lessons:
            self.refresh_lessons()

    def refresh_lessons(self) -> None:
        """Rebuild the list from the catalog and progress (keeps the highlight)."""
        app = self.virtlab_app
        lang, progress, catalog = self.lang, app.progress, app.catalog
        options: list[Option | None] = []
        done = total = 0
        for track, lessons in catalog.tracks(lang).items():
            options.append(Option(Content.styled(t(f"track.{track}", lang), "bold $accent"),
                                  disabled=True))
            for lesson in lessons:
                state = progress.state(lesson.id)
                mark, style = STATE_MARK[state]
                total += 1
                done += state == "done"
                lab = f" · {t('catalog.has_lab', lang)}" if lesson.lab else ""
                prompt = Content.assemble(
                    (f" {mark} ", style), (lesson.title, "bold"),
                    (f"  {t(f'state.{state}', lang)} · "
                     f"{t('catalog.minutes', lang, minutes=lesson.minutes)}{lab}", "$text-muted"),
                )
                options.append(Option(prompt, id=lesson.id))
        listing = self.query_one("#lesson-list", OptionList)
        highlighted = listing.highlighted_option.id if listing.highlighted_option else None
        listing.set_options(options)
        if not total:
            root = app.lessons_root
            listing.add_option(Option(Content(t("catalog.empty", lang, path=root)), disabled=True))
        self._highlight(listing, highlighted or progress.last_lesson)
        count = t("catalog.lesson_count", lang, done=done, total=total)
        problems = len(app.catalog_problems)
        if problems:
            count += "  " + t("catalog.lesson_problems", lang, count=problems)
        self.query_one("#catalog-count", Static).update(count)
        target = continue_with(progress, catalog, lang)
        last = catalog.get(target, lang) if target and progress.last_lesson else None
        resume = (t("catalog.continue_lesson", lang, title=last.title) if last
                  else t("catalog.start", lang))
        self.query_one("#catalog-actions", Static).update(self._actions_line(resume))
        self._show_summary()

    def _actions_line(self, resume: str) -> Content:
        """Clickable links: continue, sandbox, glossary, export (each also has a key)."""
        lang = self.lang
        links = [("screen.continue", "c", resume), ("screen.sandbox", "s", t("catalog.sandbox", lang)),
                 ("app.glossary", "g", t("catalog.glossary", lang)),
                 ("screen.export", "e", t("catalog.export", lang))]
        parts = [Content.from_markup(f"[@click={action}][b $accent]{key}[/] {escape(label)}[/]")
                 for action, key, label in links]
        return Content("   ").join(parts)

    def _highlight(self, listing: OptionList, lesson_id: str | None) -> None:
        index = None
        if lesson_id is not None:
            try:
                index = listing.get_option_index(lesson_id)
            except Exception:
                index = None
        if index is None:
            index = next((i for i, o in enumerate(listing.options) if not o.disabled), None)
        listing.highlighted = index

    def _show_summary(self) -> None:
        listing = self.query_one("#lesson-list", OptionList)
        option = listing.highlighted_option
        lesson = option.id and self.virtlab_app.catalog.get(option.id, self.lang) if option else None
        self.query_one("#lesson-summary", Static).update(lesson.summary if lesson else "")

    @on(OptionList.OptionHighlighted, "#lesson-list")
    def _highlighted(self) -> None:
        self._show_summary()

    @on(OptionList.OptionSelected, "#lesson-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id and self.is_active:  # not for a key typed ahead of a push
            self.virtlab_app.open_lesson_screen(event.option.id)

    # ------------------------------------------------------------------ actions

    def action_open(self) -> None:
        option = self.query_one("#lesson-list", OptionList).highlighted_option
        if option is not None and option.id and self.is_active:
            self.virtlab_app.open_lesson_screen(option.id)

    def action_continue(self) -> None:
        """Open the last lesson at its last step — or, when it is done, the first lesson not
        done yet (:func:`~virtlab.course.progress.continue_with`)."""
        app = self.virtlab_app
        if not self.is_active:
            return
        target = continue_with(app.progress, app.catalog, self.lang)
        if target is not None:
            app.open_lesson_screen(target)

    def action_sandbox(self) -> None:
        if self.is_active:
            self.virtlab_app.open_sandbox(None, None)

    def action_export(self) -> Path | None:
        return self.virtlab_app.export()
