"""A view drawn as a block of styled lines from the lab's report, repainted in place.

:class:`HostBars`, :class:`IsolationView` and :class:`ContentionView` differ only in how
they draw; this base keeps what they share: the last :class:`ViewContext` (to redraw on a
width change), the plain-text twin, and the rule that a redraw re-lays out the screen only
when the view's height can change.

A view with :attr:`LinesView.LINEWISE` set (the compute views, redrawn on every key) renders
its text line by line, each line's strips cached by its content, and repaints only the lines
that changed: a key press that changes one number repaints one line, not the whole view, and
lines scrolled out of sight cost a cache lookup. The strips are those ``Static`` renders
(``Visual.to_strips`` of each line, as ``Content`` splits its own lines before wrapping them,
with the text offsets of the line's place in the whole text); under a mouse selection or a
non-default alignment the view renders as a plain ``Static``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import ClassVar

from textual.content import Content
from textual.geometry import Region, Size
from textual.strip import Strip
from textual.visual import Visual
from textual.widget import _RenderCache
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
    memo: dict[tuple[object, ...], object] | None = field(default=None, compare=False, repr=False)
    """The drawing view's cache of pieces it drew before (see ``labtext.memo``); None: draw
    every piece."""


Renderer = Callable[[ViewContext], Lines]
"""A view's drawing function: the context in, the styled lines out."""


def with_offsets(strip: Strip, y: int) -> Strip:
    """A strip of a line rendered on its own (as line 0) with the text offsets the line has as
    line ``y`` of the whole text (the mouse selection reads them)."""
    for segment in strip:
        if segment.style is not None and segment.style.meta.get("offset") is not None:
            return strip.apply_offsets(segment.style.meta["offset"][0], y) if y else strip
    return strip


class LinesView(Static):
    """Subclasses draw in :meth:`lines_for` (usually by calling their view's renderer)."""

    DEFAULT_CSS = """
    LinesView { height: auto; width: 1fr; }
    """

    LINEWISE: ClassVar[bool] = False
    """Render and repaint line by line (see the module docstring)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._view_context: ViewContext | None = None
        self._lines = Lines()
        self._width = 0
        self._draw_at_layout = False
        """Whether the layout draws the context (shown before the view had a width)."""
        self._plain: str | None = None
        self._rows: list[Content] = []
        self._content = Content()
        self._memo: dict[tuple[object, ...], object] = {}
        self._strips: dict[tuple[object, ...], list[Strip]] = {}

    def show(self, context: ViewContext) -> None:
        """Draw ``context`` at the view's width (and again whenever the width changes).

        A view not laid out yet (just mounted, or shown again) is drawn by the layout, at the
        width it gets (:meth:`get_content_height`): drawn now, at a guessed width, it would be
        drawn again and repainted once it learns its width, a frame later."""
        self._view_context = context
        if not self.size.width:
            self._draw_at_layout = True
            self.refresh(layout=True)
            return
        self._draw()

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        if self._view_context is not None and width and (self._draw_at_layout or width != self._width):
            self._draw(width)
        return super().get_content_height(container, viewport, width)

    def lines_for(self, context: ViewContext) -> Lines:
        """The view's lines for ``context`` (``context.width`` is the view's width)."""
        raise NotImplementedError

    def _draw(self, layout_width: int = 0) -> None:
        """Draw the context at the view's width; ``layout_width``: at the width the layout is
        giving the view, which renders it next (nothing to refresh)."""
        if self._view_context is None:
            return
        self._draw_at_layout = False
        width = self._width = layout_width or self.size.width or 60
        if len(self._memo) > 4096:
            self._memo.clear()
        self._lines = self.lines_for(replace(self._view_context, width=width, memo=self._memo))
        content = self._lines.content()
        plain = content.plain
        old_rows, self._rows = self._rows, content.split(allow_blank=True)
        self._content = content
        if layout_width:
            self._layout_cache.clear()  # render() answers the new content
            self._content_height_cache = (None, 0)
        elif not (self.LINEWISE and self._repaint_changed(old_rows, width)):
            self.update(content, layout=needs_layout(self._plain, plain, width))
        self._plain = plain

    def _repaint_changed(self, old: list[Content], width: int) -> bool:
        """Repaint only the lines that differ from ``old``, when each keeps its height (and the
        view its number of lines); False when the whole view must be drawn again."""
        if not self.size.width or len(old) != len(self._rows) or not self._linewise():
            return False
        y = 0
        changed: list[Region] = []
        base = self._strip_key()
        for was, now in zip(old, self._rows, strict=True):
            height = len(self._line_strips(now, base))
            if not (was.plain == now.plain and was.spans == now.spans):
                if len(self._line_strips(was, base)) != height:
                    return False
                changed.append(Region(0, y, width, height))
            y += height
        self._layout_cache.clear()  # render() answers the new content
        if changed:
            self.refresh(*changed)
        return True

    def render(self) -> Content:
        """The view's text (as :meth:`update` last set it, or as a line-wise repaint left it)."""
        return self._content

    def _linewise(self) -> bool:
        return (self.LINEWISE and self.text_selection is None and not self.screen._selecting
                and self.styles.content_align == ("left", "top"))

    def _strip_key(self) -> tuple[object, ...]:
        """What a line's strips depend on besides its text: the width and the styles."""
        styles = self.styles
        return (self.size.width, self.visual_style, self.link_style, styles.text_align,
                styles.text_overflow, styles.text_wrap, styles.line_pad)

    def _line_strips(self, line: Content, base: tuple[object, ...]) -> list[Strip]:
        """The strips of one line at the view's width, cached by the line's text and spans
        (and ``base``, from :meth:`_strip_key`)."""
        key = (line.plain, tuple(line.spans), base)
        hit = self._strips.get(key)
        if hit is None:
            if len(self._strips) > 4096:
                self._strips.clear()
            hit = self._strips[key] = Visual.to_strips(self, line, self.size.width, None, self.visual_style)
        return hit

    def _render_content(self) -> None:
        """Every line's strips from the cache (what ``Static`` would render, line by line).
        Textual is pinned (8.2.8): this overrides its private ``Widget._render_content``."""
        if not self._linewise() or not self._rows:
            super()._render_content()
            return
        width, height = self.size
        base = self._strip_key()
        strips = [with_offsets(strip, y) for y, row in enumerate(self._rows)
                  for strip in self._line_strips(row, base)]
        self._render_cache = _RenderCache(self.size, strips[:height])
        self._dirty_regions.clear()

    def on_resize(self) -> None:
        if self.size.width != self._width:
            self._draw()

    def as_text(self) -> str:
        return self._lines.plain()
