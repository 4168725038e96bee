"""ActionButton: a one-line button that runs an action, drawn as styled text.

Textual's ``Button`` brings its whole stylesheet (57 rules, one per variant, state and flat
or compact form) into every screen that shows one, and every widget's style is matched
against every rule on each restyle; the lesson screen shows one button, and it is a label.
"""

from __future__ import annotations

from textual import events
from textual.binding import Binding
from textual.content import Content
from textual.widgets import Static

__all__ = ["ActionButton"]


class ActionButton(Static, can_focus=True):
    """A label to click (or focus and press enter/space) that runs ``action``."""

    DEFAULT_CSS = """
    ActionButton {
        width: auto; height: 1; padding: 0 1; text-style: bold; text-align: center;
        background: $panel; color: $text;
        &:hover { background: $panel-lighten-1; }
        &:focus { text-style: bold reverse; }
        &.-success { background: $success; color: $text; }
        &.-success:hover { background: $success-lighten-1; }
    }
    """
    BINDINGS = [Binding("enter,space", "press", "press", show=False)]

    def __init__(self, label: str | Content = "", *, action: str, variant: str = "default",
                 id: str | None = None) -> None:
        super().__init__(label, id=id, classes=f"-{variant}", markup=False)
        self._label: str | Content = label
        self._action = action

    @property
    def label(self) -> str | Content:
        """What the button says."""
        return self._label

    @label.setter
    def label(self, value: str | Content) -> None:
        self._label = value
        self.update(value)

    async def on_click(self, event: events.Click) -> None:
        event.stop()
        await self.action_press()

    async def action_press(self) -> None:
        await self.run_action(self._action)
