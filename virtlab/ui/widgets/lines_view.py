"""A view drawn as a block of styled lines from the lab's report, repainted in place.

:class:`HostBars`, :class:`IsolationView` and :class:`ContentionView` differ only in how
they draw; this base keeps what they share: the last :class:`ViewContext` (to redraw on a
width change), the plain-text twin, and the rule that a redraw re-lays out the screen only
when the view's height can change.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from textual.widgets import Static

from virtlab.core.report import Report
from virtlab.core.state import Datacenter
from virtlab.ui.widgets.labtext import Lines
from virtlab.ui.widgets.repaint import needs_layout


@dataclass(frozen=True, slots=True)
class ViewContext:
    """Everything a lab view is drawn from; a view fills in ``width`` when it draws."""

    report: Report
    """The report of ``state`` (built once per state by the session)."""
    state: Datacenter
    """The lab's current state."""
    lang: str
    """The language of the words (``en`` or ``ko``)."""
    selected: str | None = None
    """The workload selected in the table, if any."""
    width: int = 0
    """Cells per line (0: do not wrap)."""


Renderer = Callable[[ViewContext], Lines]
"""A view's drawing function: the context in, the styled lines out."""


class LinesView(Static):
    """Subclasses draw in :meth:`lines_for` (usually by calling their view's renderer)."""

    DEFAULT_CSS = """
    LinesView { height: auto; width: 1fr; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._view_context: ViewContext | None = None
        self._lines = Lines()
        self._width = 0
        self._plain: str | None = None

    def show(self, context: ViewContext) -> None:
        """Draw ``context`` at the view's width (and again whenever the width changes)."""
        self._view_context = context
        self._draw()

    def lines_for(self, context: ViewContext) -> Lines:
        """The view's lines for ``context`` (``context.width`` is the view's width)."""
        raise NotImplementedError

    def _draw(self) -> None:
        if self._view_context is None:
            return
        self._width = self.size.width or 60
        self._lines = self.lines_for(replace(self._view_context, width=self._width))
        plain = self._lines.plain()
        self.update(self._lines.content(), layout=needs_layout(self._plain, plain, self._width))
        self._plain = plain

    def on_resize(self) -> None:
        if self.size.width != self._width:
            self._draw()

    def as_text(self) -> str:
        return self._lines.plain()
