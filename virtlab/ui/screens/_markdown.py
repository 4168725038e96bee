"""LessonMarkdown: Textual's Markdown with code fences that are not syntax-guessed.

A fence without a language (the lessons' ASCII diagrams) would make Textual guess the
lexer with Pygments, which tries every lexer and costs about 0.3 s on first use. Such
fences are shown as plain text; fences that name a language are highlighted as usual.
"""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Markdown
from textual.widgets._markdown import MarkdownFence


class PlainFence(MarkdownFence):
    """A code fence; highlighted only when it names its language."""

    @classmethod
    def highlight(cls, code: str, language: str, ansi: bool = False, dark: bool = False) -> Content:
        if not language:
            return Content(code)
        return super().highlight(code, language, ansi=ansi, dark=dark)


class LessonMarkdown(Markdown):
    """Markdown for one lesson step."""

    BLOCKS = {**Markdown.BLOCKS, "fence": PlainFence, "code_block": PlainFence}
