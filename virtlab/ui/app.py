"""The virtlab Textual app: wires the course data, the screens and progress together.

``make_app`` is the one factory used by the CLI, the tests and the benchmarks. The app owns
the loaded catalog, the labs, the student's progress (saved through ``virtlab.course``
after every change and on exit) and the UI language; screens ask it for data, call
``update_progress`` / ``switch_lang`` and watch its ``lang`` reactive (see
:class:`virtlab.ui.screens._base.VirtlabScreen`). Widgets never touch disk.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from textual import events
from textual.app import App
from textual.binding import Binding
from textual.command import CommandPalette
from textual.reactive import reactive
from textual.screen import Screen

from virtlab.course.i18n import LANGS, detect_lang, t
from virtlab.course.lessons import Catalog, CourseFileError, load_catalog
from virtlab.course.paths import data_dir as default_data_dir
from virtlab.course.paths import lessons_dir, progress_file
from virtlab.course.progress import (
    Progress,
    load_progress,
    save_progress,
    set_lang,
)
from virtlab.ui.app_labs import LabData
from virtlab.ui.palette import LabCommands, LessonCommands, SafeCommandPalette
from virtlab.ui.sizes import MIN_HEIGHT, MIN_WIDTH

if TYPE_CHECKING:
    from virtlab.core.state import Datacenter
    from virtlab.course.export import ExportFormat
    from virtlab.course.glossary import Term

__all__ = ["MIN_HEIGHT", "MIN_WIDTH", "Sandbox", "VirtlabApp", "make_app"]

Sandbox = tuple[Path | None, "Datacenter | None"]
"""What ``make_app(sandbox=...)`` opens: (the scenario file or None, its state or None)."""

#: When the warm-up thread starts (s): this long after the catalog's first frame, or after a
#: lesson's lab is on the screen (the warm-up would share the interpreter with that lab's
#: imports and mount); a lesson opened from the command line falls back on the later one.
WARM_UP_AFTER_S = 0.5
WARM_UP_FALLBACK_S = 3.0


class VirtlabApp(LabData, App[None]):
    """The learning lab: catalog → lesson (Markdown + lab + goals), sandbox, glossary, help."""

    TITLE = "virtlab"
    CSS = "Screen { layers: base overlay; }"
    COMMANDS = App.COMMANDS | {LessonCommands, LabCommands}
    COMMAND_PALETTE_BINDING = "ctrl+p"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        Binding("q", "quit", "quit", id="quit"),
        Binding("question_mark", "help", "help", key_display="?", id="help"),
        Binding("f1", "help", "help", show=False, id="help-f1"),
        Binding("g", "glossary", "glossary", id="glossary"),
        Binding("ctrl+l", "switch_lang", "switch_lang", id="switch-lang"),
    ]

    lang: reactive[str] = reactive("en", init=False)
    """The UI and lesson language (``en`` or ``ko``)."""
    cramped: reactive[bool] = reactive(False, init=False)
    """True while the terminal is smaller than MIN_WIDTH × MIN_HEIGHT."""

    def __init__(
        self,
        *,
        lang: str,
        data_dir: Path,
        lessons_root: Path,
        open_lesson: str | None = None,
        sandbox: Sandbox | None = None,
        present: Path | None = None,
    ) -> None:
        super().__init__()
        self.set_reactive(VirtlabApp.lang, lang if lang in LANGS else "en")
        self.data_dir = Path(data_dir)
        self.lessons_root = Path(lessons_root)
        self.progress_path = progress_file(self.data_dir)
        self.open_lesson = open_lesson
        self.present_request = present
        self.sandbox_request = sandbox
        self.catalog: Catalog = Catalog(lessons={})
        self.catalog_problems: list[CourseFileError] = []
        self._glossary: list[Term] | None = None
        self.init_labs()
        self.progress = Progress()
        self.startup_notice: str | None = None
        self.first_frame_shown = False
        """False until start-up is over (Textual shows no frame before it)."""
        self._warm_up_started = False
        self.save_error: str | None = None

    # ------------------------------------------------------------------ data

    def load(self, catalog: tuple[Catalog, list[CourseFileError]] | None = None) -> None:
        """Read the catalog (unless the caller has just read it) and the progress (labs
        are read on first use)."""
        self.catalog, self.catalog_problems = catalog or load_catalog(self.lessons_root)
        self.progress, self.startup_notice = load_progress(self.progress_path, lang=self.lang)

    def glossary(self) -> list[Term]:
        """The terms of ``lessons/glossary.toml``; a problem with the file is notified once."""
        if self._glossary is None:
            from virtlab.course.glossary import load_glossary

            self._glossary, problems = load_glossary(self.lessons_root / "glossary.toml")
            if problems:
                self.notify("\n".join(problems[:3]), severity="warning", timeout=8, markup=False)
        return self._glossary

    def update_progress(self, change: Callable[[Progress], Progress]) -> None:
        """Apply a pure progress helper and save the result atomically."""
        self.progress = change(self.progress)
        self.save()

    def save(self) -> bool:
        """Write the progress file; a failure is shown once, never raised."""
        try:
            save_progress(self.progress_path, self.progress)
        except OSError as exc:
            self._save_failed(t("progress.save_failed", self.lang, path=self.progress_path, error=exc))
            return False
        self.save_error = None
        return True

    def _save_failed(self, message: str) -> None:
        """Show a failed save once (the same failure again stays quiet)."""
        if message != self.save_error:
            self.save_error = message
            if self.is_running:
                self.notify(message, severity="error", timeout=8, markup=False)

    def export(self, fmt: ExportFormat = "md") -> Path | None:
        """Export progress into the data folder (or the working folder); notify the path."""
        from virtlab.course.export import export_progress, goal_texts

        name = f"virtlab-progress.{fmt}"
        texts = goal_texts(self.catalog, self.labs, self.lang)
        for folder in (self.data_dir, Path.cwd()):
            dest = folder / name
            try:
                export_progress(self.progress, self.catalog, dest, fmt, lang=self.lang, goal_texts=texts)
            except OSError as exc:
                error = exc
                continue
            self.notify(t("progress.exported", self.lang, path=dest), timeout=8, markup=False)
            return dest
        self.notify(
            t("progress.export_failed", self.lang, path=self.data_dir / name, error=error),
            severity="error",
            markup=False,
        )
        return None

    # ------------------------------------------------------------------ lifecycle

    def on_mount(self) -> None:
        from virtlab.ui.screens.catalog import CatalogScreen

        if not self.catalog.lessons:
            self.load()
        if self.present_request is None and self.open_lesson is None and self.sandbox_request is None:
            self.push_screen(CatalogScreen())  # else built when the student goes back to it
        if self.startup_notice:
            self.notify(self.startup_notice, severity="warning", timeout=15, markup=False)
        if self.present_request is not None:
            self.open_presenter(self.present_request)
        elif self.open_lesson is not None:
            self.open_lesson_screen(self.open_lesson)
        elif self.sandbox_request is not None:
            self.open_sandbox(*self.sandbox_request)
        self._check_size()
        # The catalog is whole with its first frame; a lesson opened from the command line
        # only once its lab is (it calls warm_up_later). The later timer is the fallback.
        self.set_timer(WARM_UP_AFTER_S if self.open_lesson is None else WARM_UP_FALLBACK_S,
                       self.warm_up_soon)

    def warm_up_later(self) -> None:
        """The first screen is whole on the terminal: warm up while the student reads it."""
        self.set_timer(WARM_UP_AFTER_S, self.warm_up_soon)

    def warm_up_soon(self) -> None:
        """Start the warm-up thread (once)."""
        if not self._warm_up_started:
            self._warm_up_started = True
            self.run_worker(self.warm_up, thread=True, exit_on_error=False)

    def get_default_screen(self) -> Screen[None]:
        """Textual's blank first screen, as a virtlab screen: hidden under an opaque screen,
        it no longer has that screen repainted whole (``VirtlabScreen._compositor_refresh``)."""
        from virtlab.ui.screens._base import VirtlabScreen

        return VirtlabScreen(id="_default")

    def on_unmount(self) -> None:
        """The app closes: the lab work still being written reaches the disk first."""
        self.flush_work()

    def on_ready(self) -> None:
        """Start-up is over and frames reach the terminal: a screen opened during it may
        now paint (and then do what it kept for after its first frame)."""
        self.first_frame_shown = True
        after = getattr(self.screen, "after_first_frame", None)
        if callable(after):
            after()

    def on_resize(self, event: events.Resize) -> None:
        self._check_size(event.size.width, event.size.height)

    def _check_size(self, width: int | None = None, height: int | None = None) -> None:
        width = self.size.width if width is None else width
        height = self.size.height if height is None else height
        self.cramped = width < MIN_WIDTH or height < MIN_HEIGHT

    def watch_cramped(self, cramped: bool) -> None:
        self.set_class(cramped, "-cramped")

    def watch_lang(self, lang: str) -> None:
        """Save the new language; the screens watch ``lang`` and relabel themselves."""
        self.update_progress(lambda p: set_lang(p, lang))

    def action_command_palette(self) -> None:
        """Show the command palette (one that is safe to page in a tiny terminal)."""
        if self.use_command_palette and not isinstance(self.screen, CommandPalette):
            self.push_screen(SafeCommandPalette(id="--command-palette"))

    async def action_quit(self) -> None:
        self.save()
        self.exit()

    # ------------------------------------------------------------------ navigation

    def open_lesson_screen(self, lesson_id: str, step: int | None = None) -> bool:
        """Open a lesson (at its saved step unless ``step`` is given)."""
        from virtlab.ui.screens.lesson import LessonScreen

        if self.catalog.get(lesson_id, self.lang) is None:
            near = self.catalog.nearest_ids(lesson_id)
            key = "errors.unknown_lesson" if near else "errors.unknown_lesson_no_match"
            self.notify(t(key, self.lang, id=lesson_id, suggestions=", ".join(near)), severity="error",
                        markup=False)
            return False
        self._pop_to_catalog()
        # The text first and the lab a frame later only while a lab's first import is ahead.
        lab_later = not (self.warmed.is_set() or LessonScreen.lab_shown_before)
        self.push_screen(LessonScreen(lesson_id, step=step, lab_later=lab_later))
        return True

    def open_presenter(self, path: Path) -> bool:
        """Open a walkthrough in presenter mode (``virtlab present``); its problems, if any,
        are shown instead."""
        from virtlab.course.presenting import CueFile
        from virtlab.course.walkthrough import cue_states, load_walkthrough, walkthrough_problems
        from virtlab.ui.screens.present import PresentScreen

        w, problems = load_walkthrough(path)
        if w is not None:
            problems = walkthrough_problems(path, w, self.catalog, self.labs)
        if w is None or problems:
            self.notify("\n".join(problems[:4]), severity="error", timeout=15, markup=False)
            return False
        lesson = self.catalog.get(w.walkthrough.lesson, self.lang)
        lab = self.labs.get(lesson.lab or "") if lesson else None
        states = cue_states(w, lab) if lab is not None and lab.state is not None else []
        self._pop_to_catalog()
        self.push_screen(PresentScreen(w, states, CueFile.of(self.data_dir, w.walkthrough.id)))
        return True

    def open_sandbox(self, path: Path | None = None, state: Datacenter | None = None) -> None:
        """Open the sandbox over ``state`` (a Datacenter) or one empty default host."""
        from virtlab.ui.screens.sandbox import SandboxScreen

        self._pop_to_catalog()
        self.push_screen(SandboxScreen(path, state))

    def _pop_to_catalog(self) -> None:
        """Leave only the catalog (if it is built) under the screen about to be pushed."""
        from virtlab.ui.screens.catalog import CatalogScreen

        while len(self.screen_stack) > 1 and not isinstance(self.screen, CatalogScreen):
            self.pop_screen()

    def leave_screen(self) -> None:
        """Close the screen on top: back to the one under it, or to the catalog when nothing
        is (a lesson, sandbox or walkthrough opened from the command line builds its catalog
        only now)."""
        if len(self.screen_stack) > 2:
            self.pop_screen()
        else:
            from virtlab.ui.screens.catalog import CatalogScreen

            self.switch_screen(CatalogScreen())

    def action_help(self) -> None:
        from virtlab.ui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def action_glossary(self) -> None:
        from virtlab.ui.screens.glossary import GlossaryScreen

        if not isinstance(self.screen, GlossaryScreen):
            self.push_screen(GlossaryScreen())

    def action_switch_lang(self) -> None:
        """Switch between English and Korean everywhere."""
        self.switch_lang()

    def switch_lang(self, lang: str | None = None) -> None:
        self.lang = lang or LANGS[(LANGS.index(self.lang) + 1) % len(LANGS)]
        self.notify(t("lesson.language_switched", self.lang), timeout=2)


def make_app(
    *,
    lang: str | None = None,
    data_dir: Path | None = None,
    open_lesson: str | None = None,
    sandbox: Sandbox | None = None,
    lessons_root: Path | None = None,
    present: Path | None = None,
    catalog: tuple[Catalog, list[CourseFileError]] | None = None,
) -> VirtlabApp:
    """Build the app for the CLI, tests and benchmarks.

    ``sandbox=(path|None, Datacenter|None)`` opens the sandbox (``(None, None)``: one empty
    default host); ``open_lesson`` opens that lesson; ``lessons_root`` overrides the lessons
    folder (tests use a temporary one); ``catalog`` is that folder's catalog and its problems
    when the caller has read it already (``virtlab open`` does, to check the lesson id).
    """
    app = VirtlabApp(
        lang=lang or "en",
        data_dir=default_data_dir(data_dir),
        lessons_root=lessons_root or lessons_dir(),
        open_lesson=open_lesson,
        sandbox=sandbox,
        present=present,
    )
    app.load(catalog)
    if lang is None:
        app.set_reactive(VirtlabApp.lang, app.progress.lang or detect_lang())
    return app
