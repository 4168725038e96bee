"""A view drawn as a block of styled lines from the lab's report, repainted in place.

:class:`HostBars`, :class:`IsolationView` and :class:`ContentionView` differ only in how
they draw; this base keeps what they share: the last arguments (to redraw on a width
change), the plain-text twin, and the rule that a redraw re-lays out the screen only when
the view's height can change.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.widgets import Static

from virtlab.core.report import Report
from virtlab.core.state import Datacenter
from virtlab.ui.widgets.labtext import Lines, needs_layout

Renderer = Callable[[Report, Datacenter, "str | None", str, int], Lines]


class LinesView(Static):
    """Subclasses set :attr:`renderer` to ``(report, dc, selected, lang, width) → Lines``."""

    DEFAULT_CSS = """
    LinesView { height: auto; width: 1fr; }
    """

    renderer: Renderer

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._args: tuple | None = None
        self._lines = Lines()
        self._width = 0
        self._plain: str | None = None

    def show(self, report: Report, dc: Datacenter, selected: str | None, lang: str) -> None:
        self._args = (report, dc, selected, lang)
        self._draw()

    def _draw(self) -> None:
        if self._args is None:
            return
        self._width = self.size.width or 60
        self._lines = type(self).renderer(*self._args, self._width)
        plain = self._lines.plain()
        self.update(self._lines.content(), layout=needs_layout(self._plain, plain, self._width))
        self._plain = plain

    def on_resize(self) -> None:
        if self.size.width != self._width:
            self._draw()

    def as_text(self) -> str:
        return self._lines.plain()
