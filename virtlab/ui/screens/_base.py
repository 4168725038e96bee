"""The base of virtlab's screens: typed access to the app and its language.

Screens reach the app through :attr:`VirtlabScreen.virtlab_app` (a ``cast``; the app module
is imported for type checking only, so there is no import cycle), and follow the language by
watching the app's ``lang`` reactive: :meth:`VirtlabScreen.on_mount` registers the watcher,
which calls the screen's :meth:`~VirtlabScreen.set_lang`.

The watcher is registered by a ``Mount`` handler of this base class; Textual runs it as well as
a subclass's own ``on_mount``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar, cast

from textual import events, on
from textual.screen import ModalScreen, Screen

if TYPE_CHECKING:
    from virtlab.ui.app import VirtlabApp

ResultT = TypeVar("ResultT")


class VirtlabScreen(Screen[ResultT]):
    """A screen of the virtlab app; relabels itself when the app's language changes."""

    @property
    def virtlab_app(self) -> VirtlabApp:
        """The running app, typed."""
        return cast("VirtlabApp", self.app)

    @property
    def lang(self) -> str:
        """The app's language (``en`` or ``ko``)."""
        return self.virtlab_app.lang

    @on(events.Mount)
    def _follow_app_lang(self) -> None:
        self.watch(self.app, "lang", self._app_lang_changed, init=False)

    def _app_lang_changed(self, lang: str) -> None:
        # One parameter: Textual passes (old, new) to a watcher that takes two.
        self.set_lang(lang)

    def set_lang(self, lang: str) -> None:
        """Relabel everything in ``lang`` (called when the app's language changes)."""

    _frame_held = False

    def _compositor_refresh(self) -> None:
        """Render the screen, except while the app holds its frames back (``batch_update``,
        as during start-up): Textual renders the frame then and drops it unseen (the catalog
        ~10 ms, a lesson more). The first render after the batch paints the whole screen
        instead, once: whichever comes first, the terminal's resize or the repaint asked for
        here. Textual is pinned (8.2.8); ``tests/test_first_frame.py`` reads what reaches a
        real terminal."""
        app = self.app
        if self is app.screen and not app.is_inline:
            if app._batch_count:
                self._frame_held = True
                self._repaint_required = True  # in case no resize comes
                return
            if self._frame_held:
                self._frame_held = self._repaint_required = False
                self._compositor.update_widgets({self})  # the whole screen
        super()._compositor_refresh()


class VirtlabModalScreen(VirtlabScreen[ResultT], ModalScreen[ResultT]):
    """A modal screen of the virtlab app (same typed app access and language watch)."""
