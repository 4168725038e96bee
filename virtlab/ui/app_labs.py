"""The app's labs and lab sessions: read on first use, one lab at a time until all are.

A mixin of :class:`virtlab.ui.app.VirtlabApp` (kept apart so the app module stays short):
the catalog opens without the labs, a lesson reads only its own lab, and the warm-up
thread reads the rest after the first frame.
"""

from __future__ import annotations

import gc
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.message import Message

from virtlab.course.i18n import t

if TYPE_CHECKING:
    from virtlab.course.labs import Lab
    from virtlab.course.session import LabSession
    from virtlab.course.writer import Writer

__all__ = ["LabData", "WorkNotSaved", "WorkSavedAgain"]


class WorkNotSaved(Message):
    """The writer could not save a lab's work (posted from its thread)."""

    def __init__(self, path: Path, text: str) -> None:
        super().__init__()
        self.path = path
        self.text = text


class WorkSavedAgain(Message):
    """The writer saved a lab's work whose last save had failed (posted from its thread)."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path


class LabData:
    """Labs, their sessions and saved work, for the app (which provides ``data_dir``,
    ``lessons_root``, ``lang``, ``notify`` and ``_save_failed``)."""

    data_dir: Path
    lessons_root: Path
    lang: Any

    def init_labs(self) -> None:
        self._labs: dict[str, Lab] | None = None
        self._lab_by_id: dict[str, Lab | None] = {}
        """Labs read one at a time (a lesson's own lab), before all of them are."""
        self.lab_problems: list[str] = []
        self._lab_file_problems: dict[str, list[str]] = {}
        self._labs_lock = threading.Lock()
        self.warmed = threading.Event()
        """Set once ``warm_up`` has run."""
        self._work_blocked: set[str] = set()
        """Labs whose saved work could not be used nor moved aside: not overwritten."""
        self.sessions: dict[str, LabSession] = {}
        """Lab id → LabSession, kept while the app runs so a reopened lab keeps its state."""
        self._writer: Writer | None = None
        """Writes the lab work off the UI thread (made on first save)."""
        self._work_errors: dict[Path, set[str]] = {}
        """Each work file's failed saves said so far (forgotten once it is saved again)."""
        self.collect_after_warm_up = False
        """Whether ``warm_up`` turns the garbage collector on (the command line starts the
        app with it off: its full passes over the start-up's objects cost ~50 ms each)."""

    if TYPE_CHECKING:  # provided by App and VirtlabApp (a stub here would shadow them)
        def notify(self, message: str, **kwargs: Any) -> None: ...
        def post_message(self, message: Message) -> bool: ...
        def _save_failed(self, message: str) -> None: ...
        save_error: str | None

    @property
    def labs(self) -> dict[str, Lab]:
        """Lab id → Lab, loaded once on first use (start-up stays fast). The app does not
        play the labs' reference solutions and fixtures: ``virtlab check`` and the tests do."""
        with self._labs_lock:
            if self._labs is None:
                from virtlab.course.labs import load_labs

                self._labs, self.lab_problems = load_labs(self.lessons_root / "labs", plays=False)
        return self._labs

    def lab(self, lab_id: str) -> Lab | None:
        """The lab ``lab_id``: from :attr:`labs` once they are loaded, else read from its own
        file alone (a lesson opens with only its lab read)."""
        with self._labs_lock:
            if self._labs is not None:
                return self._labs.get(lab_id)
            if lab_id not in self._lab_by_id:
                from virtlab.course.labs import find_lab

                self._lab_by_id[lab_id] = find_lab(self.lessons_root / "labs", lab_id, plays=False)
            return self._lab_by_id[lab_id]

    def warm_up(self) -> None:
        """Load the labs, import the lesson screen's modules and build the engine's models
        (run in a thread after the first frame, so the first lesson and key are quick).

        Then, if start-up ran without the garbage collector (``collect_after_warm_up``, the
        command line's choice), everything start-up made is moved out of the collector's
        sight (``gc.freeze``) and it is turned back on: its full passes walk only what the
        student's work makes, not the ~150 models and every module."""
        try:
            import virtlab.course.session  # noqa: F401
            import virtlab.ui.screens.lesson  # noqa: F401
            import virtlab.ui.widgets.lab_panel  # noqa: F401
            import virtlab.ui.widgets.quiz_panel  # noqa: F401

            self.labs  # noqa: B018
            from virtlab.core.actions import action_adapter
            from virtlab.core.base import build_models

            build_models()  # so that no key waits for a model's first use
            action_adapter()
        finally:
            if self.collect_after_warm_up:
                gc.freeze()
                gc.enable()
            self.warmed.set()

    def lab_file_problems(self, lab_id: str) -> list[str]:
        """Why the lab ``lab_id`` did not load: its file's problems (empty if it has no file).
        Read once per lab, as the labs are (a language switch asks again)."""
        if lab_id not in self._lab_file_problems:
            from virtlab.course.labs import lab_file_problems

            self._lab_file_problems[lab_id] = lab_file_problems(self.lessons_root / "labs", lab_id)
        return self._lab_file_problems[lab_id]

    def session_for(self, lab_id: str | None) -> LabSession | None:
        """The running LabSession for ``lab_id`` (created on first use), or None."""
        lab = self.lab(lab_id) if lab_id is not None else None
        if lab_id is None or lab is None:
            return None
        if lab_id not in self.sessions:
            from virtlab.course.work import restore_work, work_path

            path = work_path(self.data_dir, lab_id)
            session, notice = restore_work(path, lab, lang=self.lang)
            if notice:
                if path.exists():  # could not be moved aside: never overwrite it
                    self._work_blocked.add(lab_id)
                self.notify(notice, severity="warning", timeout=12, markup=False)
            self.sessions[lab_id] = session
        return self.sessions[lab_id]

    def save_work(self, lab_id: str | None) -> None:
        """Keep the lab's work (its action log) beside the progress; a failure is shown
        once, never raised."""
        session = self.sessions.get(lab_id or "")
        if session is None or lab_id in self._work_blocked:
            return
        from virtlab.course.work import work_path, work_text

        path = work_path(self.data_dir, session.lab.id if session.lab else str(lab_id))
        if self._writer is None:
            from virtlab.course.writer import Writer

            self._writer = Writer(self._work_not_saved, self._work_saved_again)
        self._writer.submit(path, work_text(session))  # the state as it is now

    def _work_not_saved(self, path: Path, error: OSError) -> None:
        """On the writer's thread: say so on the UI thread (a message is safe to post)."""
        self.post_message(WorkNotSaved(path, t("progress.save_failed", self.lang, path=path,
                                                error=error)))

    def _work_saved_again(self, path: Path) -> None:
        self.post_message(WorkSavedAgain(path))

    def on_work_not_saved(self, message: WorkNotSaved) -> None:
        """Show a failed save of the work once: not again per key, even after the progress
        (another file) was saved in between; but again if it fails after a save that worked."""
        said = self._work_errors.setdefault(message.path, set())
        if message.text not in said:
            said.add(message.text)
            self._save_failed(message.text)

    def on_work_saved_again(self, message: WorkSavedAgain) -> None:
        said = self._work_errors.pop(message.path, set())
        if self.save_error in said:
            self.save_error = None  # the app's own once-only rule would keep the next quiet

    def flush_work(self, timeout: float = 10.0) -> bool:
        """Wait until the lab work handed to the writer is on the disk (when the app closes)."""
        return self._writer is None or self._writer.flush(timeout)
