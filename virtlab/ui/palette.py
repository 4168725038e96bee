"""The command palette: providers that find lessons by title or id in both languages and run
lab actions (add VM, undo, reset, …) when a lab panel is on screen, and the palette screen."""

from __future__ import annotations

import inspect
from functools import partial
from typing import TYPE_CHECKING, cast

from textual import on, work
from textual.await_complete import AwaitComplete
from textual.binding import Binding
from textual.command import CommandList, CommandPalette, DiscoveryHit, Hit, Hits, Provider
from textual.css.query import NoMatches
from textual.widgets import Button, Input

from virtlab.course.i18n import LANGS, t
from virtlab.course.links import LAB_ACTIONS
from virtlab.ui.widgets.safe_option_list import can_page

if TYPE_CHECKING:
    from virtlab.ui.app import VirtlabApp
    from virtlab.ui.widgets.lab_panel import LabPanel



class VirtlabProvider(Provider):
    """A command provider of the virtlab app (typed access to it)."""

    @property
    def virtlab_app(self) -> VirtlabApp:
        """The running app, typed."""
        return cast("VirtlabApp", self.app)


class LessonCommands(VirtlabProvider):
    """Open any lesson: matches its title in either language or its id."""

    def _lessons(self) -> list[tuple[str, str, str]]:
        app = self.virtlab_app
        out = []
        for lesson in app.catalog.ordered(app.lang):
            others = [app.catalog.get(lesson.id, lang) for lang in LANGS if lang != app.lang]
            extra = " · ".join(o.title for o in others if o is not None and o.title != lesson.title)
            out.append((lesson.id, lesson.title, extra))
        return out

    def _command(self, lesson_id: str) -> None:
        self.virtlab_app.open_lesson_screen(lesson_id)

    def _label(self, title: str) -> str:
        return f"{t('catalog.open', self.virtlab_app.lang)}: {title}"

    async def discover(self) -> Hits:
        for lesson_id, title, _extra in self._lessons():
            yield DiscoveryHit(self._label(title), partial(self._command, lesson_id),
                               help=lesson_id)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for lesson_id, title, extra in self._lessons():
            label = self._label(title)
            score = max(matcher.match(label), matcher.match(lesson_id),
                        matcher.match(extra) if extra else 0)
            if score > 0:
                yield Hit(score, matcher.highlight(label), partial(self._command, lesson_id),
                          text=label, help=f"{lesson_id}  {extra}".strip())


class LabCommands(VirtlabProvider):
    """Lab actions on the lab panel of the current screen, if there is one."""

    def _panel(self) -> LabPanel | None:
        """The screen's compute lab panel (not a quiz panel), if it has one."""
        panel = getattr(self.screen, "lab_panel", None)
        if panel is None:
            return None
        from virtlab.ui.widgets.lab_panel import LabPanel

        return panel if isinstance(panel, LabPanel) else None

    def _actions(self) -> list[tuple[str, str]]:
        panel = self._panel()
        if panel is None:
            return []
        lang = self.virtlab_app.lang
        known = {b.action for b in panel.BINDINGS if isinstance(b, Binding)}
        return [(action, f"{t('lab.title', lang)}: {t(key, lang)}")
                for action, key in LAB_ACTIONS if (not known or action in known)
                and panel.check_action(action.split("(")[0], ()) is not False]

    async def _run(self, action: str) -> None:
        """Run ``action`` on the panel — only while its screen is the one on top (a command
        chosen twice by fast Enters must not run again over the dialog the first one opened)."""
        panel = self._panel()
        if panel is None or not panel.is_attached:
            return
        stack = self.app.screen_stack
        if panel.screen not in stack or any(
                not isinstance(s, CommandPalette) for s in stack[stack.index(panel.screen) + 1:]):
            return  # a dialog is open over the panel
        panel.focus()
        await panel.run_action(action)

    async def discover(self) -> Hits:
        for action, label in self._actions():
            yield DiscoveryHit(label, partial(self._run, action))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for action, label in self._actions():
            score = max(matcher.match(label), matcher.match(action))
            if score > 0:
                yield Hit(score, matcher.highlight(label), partial(self._run, action), text=label)


#: Textual's own search coroutine, under its ``@work`` decorator.
_GATHER = inspect.unwrap(CommandPalette._gather_commands)


class SafeCommandPalette(CommandPalette):
    """Textual's command palette, whose list ignores page up/down before it has been laid out
    (a tiny terminal), as :class:`~virtlab.ui.widgets.safe_option_list.SafeOptionList` does,
    and which closes once: Enters typed faster than it closes (or an Escape or click right
    after a choice) used to run the command again and dismiss the screen below it, leaving a
    blank app or a crash."""

    _chosen = False
    """Set once the palette has chosen to close; nothing it receives after that acts."""
    _dismiss_asked = False
    """Set once the palette has asked to be dismissed."""

    @on(Input.Submitted)
    @on(Button.Pressed)
    def _select_or_command(self, event: Input.Submitted | Button.Pressed | None = None) -> None:
        """Textual's select-or-run, at most once: Textual calls the ``@on`` handlers of every
        class, so this one stops its base's (``prevent_default``) and guards the call."""
        if event is not None:
            event.prevent_default()
        if self._chosen:
            if event is not None:
                event.stop()
            return
        super()._select_or_command(event)
        if self._selected_command is not None and not self._list_visible:
            self._chosen = True

    def dismiss(self, result: None = None) -> AwaitComplete:
        """Close, once: a second close (an Escape, a click or an Enter after a choice) would
        dismiss the screen below."""
        if self._dismiss_asked:
            return AwaitComplete()
        self._chosen = self._dismiss_asked = True
        return super().dismiss(result)

    @work(exclusive=True, group=CommandPalette._GATHER_COMMANDS_GROUP)
    async def _gather_commands(self, search_value: str) -> None:
        """Textual's search, which ends quietly when the palette closes under it (its list is
        gone: Textual 8.2.8 raised ``NoMatches`` from the worker and stopped the app)."""
        if self._dismiss_asked:
            return
        try:
            await _GATHER(self, search_value)
        except NoMatches:
            if not self._dismiss_asked and self.is_attached:
                raise

    def _action_command_list(self, action: str) -> None:
        if action in ("page_up", "page_down"):
            listing = self.query_one(CommandList)
            if listing.highlighted is not None and not can_page(listing):
                return
        super()._action_command_list(action)
