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

    def _on_timer_update(self) -> None:
        """A frame that needs both a new layout and a whole repaint (a focus change repaints
        the whole screen) is rendered once, whole, by the layout; Textual rendered the
        layout's frame and then the whole screen again."""
        if (self._layout_required and self._repaint_required and self.is_current
                and not self.app._batch_count):
            self._repaint_required = False
            self._dirty_widgets.add(self)  # _refresh_layout marks the whole screen dirty
        super()._on_timer_update()

    def _compositor_refresh(self) -> None:
        """Render the screen, except while the app holds its frames back (``batch_update``,
        as during start-up): Textual renders the frame then and drops it unseen (the catalog
        ~10 ms, a lesson more). The first render after the batch paints the whole screen
        instead, once: whichever comes first, the terminal's resize or the repaint asked for
        here. A screen under an opaque one is not rendered at all: Textual counts the screen
        right under the top one as visible and repainted the whole top screen for any change
        in it (the catalog under a lesson, the default screen under ``virtlab open``'s).
        Textual is pinned (8.2.8); ``tests/test_first_frame.py`` reads what reaches a real
        terminal."""
        app = self.app
        if self is not app.screen and not app.is_inline and app.screen.styles.background.a == 1:
            # Hidden behind an opaque screen (a catalog or the default screen under a lesson):
            # Textual would repaint the whole top screen for any change here, unseen.
            self._compositor._dirty_regions.clear()
            self._dirty_widgets.clear()
            self._repaint_required = True  # painted whole when it is on top again
            return
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
