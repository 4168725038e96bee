"""LessonText: one lesson step's Markdown as one widget, not one widget per block.

The step is parsed once (:func:`~.markdown_lines.parse`) and laid out for the width it is
given into lines of ``Content``, kept per width; the widget renders them as one ``Content``
(so the text can be selected and copied, and links highlight under the mouse). It sits in a
scrolling container, which scrolls it up and down, and sideways when a code block or a table
cannot be narrower than the pane.

Links post :class:`LessonText.LinkClicked` with the link's destination; the screen decides
what a destination may do (``lab:`` actions, web pages).
"""

from __future__ import annotations

from textual.content import Content
from textual.geometry import Size
from textual.message import Message
from textual.widget import Widget

from virtlab.ui.widgets.markdown_lines import Document, layout, parse


class LessonText(Widget):
    """A lesson step's Markdown, rendered once per source and width."""

    COMPONENT_CLASSES = {
        "lesson-text--h1", "lesson-text--h2", "lesson-text--h3", "lesson-text--h4",
        "lesson-text--h5", "lesson-text--h6", "lesson-text--em", "lesson-text--strong",
        "lesson-text--s", "lesson-text--code", "lesson-text--link", "lesson-text--fence",
        "lesson-text--th", "lesson-text--rule", "lesson-text--bullet", "lesson-text--quote",
        "lesson-text--quote-bar",
    }
    """The parts of a step: headings, inline styles, code, tables, lists and quotes."""

    DEFAULT_CSS = """
    LessonText {
        width: auto;
        height: auto;
        padding: 0 1;
        text-wrap: nowrap;
        text-overflow: clip;
        & > .lesson-text--h1 { color: $markdown-h1-color; text-style: $markdown-h1-text-style; }
        & > .lesson-text--h2 { color: $markdown-h2-color; text-style: $markdown-h2-text-style; }
        & > .lesson-text--h3 { color: $markdown-h3-color; text-style: $markdown-h3-text-style; }
        & > .lesson-text--h4 { color: $markdown-h4-color; text-style: $markdown-h4-text-style; }
        & > .lesson-text--h5 { color: $markdown-h5-color; text-style: $markdown-h5-text-style; }
        & > .lesson-text--h6 { color: $markdown-h6-color; text-style: $markdown-h6-text-style; }
        & > .lesson-text--em { text-style: italic; }
        & > .lesson-text--strong { text-style: bold; }
        & > .lesson-text--s { text-style: strike; }
        & > .lesson-text--link { color: $text-accent; text-style: underline; }
        & > .lesson-text--code { background: $warning 10%; color: $text-warning 95%; }
        & > .lesson-text--fence { background: $foreground 5%; color: $foreground 85%; }
        & > .lesson-text--th { color: $primary; text-style: bold; }
        & > .lesson-text--rule { color: $foreground 30%; }
        & > .lesson-text--bullet { color: $text-primary; }
        & > .lesson-text--quote { background: $boost; }
        & > .lesson-text--quote-bar { color: $text-primary 50%; }
    }
    """

    class LinkClicked(Message):
        """A link in the text was clicked."""

        def __init__(self, lesson_text: LessonText, href: str) -> None:
            super().__init__()
            self.lesson_text = lesson_text
            self.href = href
            """The link's destination, as written in the lesson."""

        @property
        def control(self) -> LessonText:
            return self.lesson_text

    def __init__(self, source: str = "", *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._source = source
        self._document: Document = parse(source)
        self._lines: dict[int, list[Content]] = {}
        """Laid-out lines by width (a few widths at most: the pane's, with and without a
        scroll bar)."""
        self._wrap_width = 0

    @property
    def source(self) -> str:
        """The Markdown shown."""
        return self._source

    def update(self, source: str) -> None:
        """Show ``source`` instead."""
        if source == self._source:
            return
        self._source = source
        self._document = parse(source)
        self._lines.clear()
        self.refresh(layout=True)

    def lines(self, width: int) -> list[Content]:
        """The step laid out for ``width`` cells."""
        if width not in self._lines:
            if len(self._lines) > 4:
                self._lines.clear()
            self._lines[width] = layout(self._document.blocks, width)
        return self._lines[width]

    def as_text(self, width: int = 80) -> str:
        """The step as plain text at ``width``, for copying and tests."""
        return "\n".join(line.plain.rstrip() for line in self.lines(width))

    # ------------------------------------------------------------------ layout

    def get_content_width(self, container: Size, viewport: Size) -> int:
        self._wrap_width = max(1, container.width)
        lines = self.lines(self._wrap_width)
        return max([self._wrap_width, *(line.cell_length for line in lines)])

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self.lines(self._wrap_width or width))

    def render(self) -> Content:
        return Content("\n").join(self.lines(self._wrap_width or self.content_size.width))

    async def action_link(self, index: int) -> None:
        """A link's ``@click``: its index in the step's links."""
        hrefs = self._document.hrefs
        if isinstance(index, int) and 0 <= index < len(hrefs):
            self.post_message(self.LinkClicked(self, hrefs[index]))
