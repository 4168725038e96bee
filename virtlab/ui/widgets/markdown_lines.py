"""A lesson step's Markdown laid out as lines of Content, for :class:`~.lesson_text.LessonText`.

Parsed once with markdown-it's ``gfm-like`` preset (the one Textual's Markdown widget and
``virtlab check`` use, so links are read the same way), then laid out for a width: headings,
paragraphs, nested lists, code blocks, tables, block quotes and rules, with bold, italic,
strikethrough, inline code and links as spans. Widths are cells (Korean counts two).

The lesson's text is never parsed as markup: every word goes into a ``Content`` as plain
text, and styles are spans naming the widget's component classes (``.lesson-text--code``),
so the theme's tokens style them. A link is a span whose ``@click`` action names the link's
index in :attr:`Document.hrefs`, never its text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.token import Token
from rich.cells import cell_len
from textual.content import Content, Span
from textual.style import Style

BULLETS = ("• ", "▪ ", "‣ ", "⭑ ", "◦ ")
"""Bullets of unordered lists, by depth (as Textual's Markdown)."""
INLINE_STYLES = {"em": ".lesson-text--em", "strong": ".lesson-text--strong",
                 "s": ".lesson-text--s"}
_SPACES = re.compile(r"\s+")
_MAYBE_LINK = re.compile(r"//|mailto:|@|\w\.\w\w")
"""What any link linkify could find has (a superset: a miss here would lose a link)."""


@dataclass(frozen=True)
class Block:
    """One block of a step: ``kind`` and what it holds."""

    kind: str
    """heading, paragraph, fence, table, bullet_list, ordered_list, blockquote, hr."""
    text: Content = field(default_factory=Content)
    level: int = 0
    code: str = ""
    children: tuple[Block, ...] = ()
    items: tuple[tuple[Block, ...], ...] = ()
    start: int = 1
    rows: tuple[tuple[Content, ...], ...] = ()
    """A table's rows, its header first."""
    align: tuple[str, ...] = ()


@dataclass
class Document:
    """A step's blocks and the destinations of its links (a link's action names its index)."""

    blocks: list[Block]
    hrefs: list[str]


def parse(source: str) -> Document:
    """The blocks of ``source``; its links collected in order."""
    hrefs: list[str] = []
    # Linkify (bare URLs, www., mail addresses, domains) costs ~15 ms the first time it
    # runs (its patterns are compiled then): only when the text has what it could link.
    linkify = _MAYBE_LINK.search(source) is not None
    tokens = MarkdownIt("gfm-like", options_update={"linkify": linkify}).parse(source)
    blocks, _ = _blocks(tokens, 0, hrefs, None)
    return Document(blocks, hrefs)


def _blocks(tokens: list[Token], at: int, hrefs: list[str], until: str | None
            ) -> tuple[list[Block], int]:
    """Blocks from ``tokens[at:]`` up to the token of type ``until``; (blocks, index after)."""
    out: list[Block] = []
    while at < len(tokens):
        token = tokens[at]
        kind = token.type
        if kind == until:
            return out, at + 1
        if kind == "heading_open":
            out.append(Block("heading", _inline(tokens[at + 1], hrefs), level=int(token.tag[1:])))
            at += 3
        elif kind == "paragraph_open":
            out.append(Block("paragraph", _inline(tokens[at + 1], hrefs)))
            at += 3
        elif kind in ("fence", "code_block"):
            out.append(Block("fence", code=token.content.rstrip("\n"), text=Content(token.info.strip())))
            at += 1
        elif kind == "html_block":
            out.append(Block("paragraph", Content(token.content.rstrip("\n"))))
            at += 1
        elif kind == "hr":
            out.append(Block("hr"))
            at += 1
        elif kind == "blockquote_open":
            children, at = _blocks(tokens, at + 1, hrefs, "blockquote_close")
            out.append(Block("blockquote", children=tuple(children)))
        elif kind in ("bullet_list_open", "ordered_list_open"):
            close = kind.replace("_open", "_close")
            start = int(token.attrGet("start") or 1) if kind == "ordered_list_open" else 1
            items: list[tuple[Block, ...]] = []
            at += 1
            while tokens[at].type != close:
                item, at = _blocks(tokens, at + 1, hrefs, "list_item_close")
                items.append(tuple(item))
            out.append(Block(kind.removesuffix("_open"), items=tuple(items), start=start))
            at += 1
        elif kind == "table_open":
            block, at = _table(tokens, at + 1, hrefs)
            out.append(block)
        else:  # an inline token outside a paragraph, or a closing token
            if kind == "inline":
                out.append(Block("paragraph", _inline(token, hrefs)))
            at += 1
    return out, at


def _table(tokens: list[Token], at: int, hrefs: list[str]) -> tuple[Block, int]:
    rows: list[tuple[Content, ...]] = []
    row: list[Content] = []
    align: list[str] = []
    while tokens[at].type != "table_close":
        token = tokens[at]
        if token.type in ("th_open", "td_open"):
            style = str(token.attrGet("style") or "")
            if token.type == "th_open":
                align.append(style.removeprefix("text-align:") or "left")
            row.append(_inline(tokens[at + 1], hrefs))
            at += 2
        elif token.type == "tr_close":
            rows.append(tuple(row))
            row = []
        at += 1
    width = len(align)
    rows = [r[:width] + (Content(),) * (width - len(r)) for r in rows]
    return Block("table", rows=tuple(rows), align=tuple(align)), at + 1


def _inline(token: Token, hrefs: list[str]) -> Content:
    """An inline token as Content: plain text with styles and links as spans."""
    parts: list[str] = []
    spans: list[Span] = []
    opened: list[tuple[str | Style, int]] = []
    position = 0

    def add(text: str) -> None:
        nonlocal position
        parts.append(text)
        position += len(text)

    for child in token.children or ():
        kind = child.type
        if kind == "text":
            add(_SPACES.sub(" ", child.content))
        elif kind == "softbreak":
            add(" ")
        elif kind == "hardbreak":
            add("\n")
        elif kind == "code_inline":
            spans.append(Span(position, position + len(child.content), ".lesson-text--code"))
            add(child.content)
        elif kind == "html_inline":
            add(child.content)
        elif kind == "image":
            alt = "".join(c.content for c in child.children or ()) or str(child.attrGet("alt") or "")
            start = position
            add(f"[{alt or 'image'}]")
            spans.append(Span(start, position, ".lesson-text--link"))
        elif kind == "link_open":
            hrefs.append(str(child.attrGet("href") or ""))
            opened.append((Style.from_meta({"@click": f"link({len(hrefs) - 1})"}), position))
            opened.append((".lesson-text--link", position))
        elif kind == "link_close":
            for _ in range(2):
                style, start = opened.pop()
                spans.append(Span(start, position, style))
        elif kind.endswith("_open") and kind[:-5] in INLINE_STYLES:
            opened.append((INLINE_STYLES[kind[:-5]], position))
        elif kind.endswith("_close") and kind[:-6] in INLINE_STYLES and opened:
            style, start = opened.pop()
            spans.append(Span(start, position, style))
    return Content("".join(parts), spans=spans)


# ---------------------------------------------------------------------- layout


def layout(blocks: list[Block] | tuple[Block, ...], width: int, depth: int = 0) -> list[Content]:
    """``blocks`` as lines no wider than ``width`` cells (a code line or a table that cannot
    be narrower is left wider: the view scrolls sideways). Top-level blocks are apart by a
    blank line; blocks inside a list item are not (a tight list)."""
    width = max(width, 4)
    lines: list[Content] = []
    for n, block in enumerate(blocks):
        if n and (depth == 0 or block.kind == "fence"):
            lines.append(Content())
        lines.extend(_layout_block(block, width, depth))
    return lines


def _layout_block(block: Block, width: int, depth: int) -> list[Content]:
    kind = block.kind
    if kind == "paragraph":
        return _wrap(block.text, width)
    if kind == "heading":
        return [line.stylize(f".lesson-text--h{min(block.level, 6)}")
                for line in _wrap(block.text, width)]
    if kind == "fence":
        return _fence(block, width)
    if kind == "hr":
        return [Content("─" * width).stylize(".lesson-text--rule")]
    if kind == "table":
        return _table_lines(block, width)
    if kind == "blockquote":
        bar = Content("▌ ").stylize(".lesson-text--quote-bar")
        inner = layout(block.children, width - 2, depth)
        return [Content.assemble(bar, line).stylize(".lesson-text--quote") for line in inner]
    return _list(block, width, depth)


_NO_LINE_START = frozenset(".,;:!?)]}%」』…·")
"""Characters a line should not begin with (a word folded just before its full stop would
leave the stop alone on a line, as a long Korean word at 80×24 did)."""


def _wrap(text: Content, width: int) -> list[Content]:
    out: list[Content] = []
    for line in text.split("\n"):
        if line.cell_length <= width:
            out.append(line)
            continue
        folded = list(line.wrap(width))
        source, end = line.plain, 0
        for i, here in enumerate(folded):
            start = source.find(here.plain, end) if here.plain else end
            prev = folded[i - 1] if i else None
            if prev is not None and start == end and here.plain[:1] in _NO_LINE_START:
                # Folded inside a word, just before punctuation: carry the character before
                # it (and any punctuation before that) down with it — a Hangul syllable, say;
                # never half a Latin word, which reads worse than the punctuation.
                take = 1
                while take < len(prev.plain) and prev.plain[-take] in _NO_LINE_START:
                    take += 1
                carried = prev.plain[-take:]
                if (take < len(prev.plain) and not (carried[0].isascii() and carried[0].isalnum())
                        and here.cell_length + cell_len(carried) <= width):
                    folded[i - 1], folded[i] = prev[:-take], prev[-take:] + here
            end = max(end, start) + len(here.plain)
        out.extend(folded)
    return out


def _list(block: Block, width: int, depth: int) -> list[Content]:
    ordered = block.kind == "ordered_list"
    if ordered:
        last = block.start + len(block.items) - 1
        size = len(f"{last}. ") + 1
        marks = [f"{n}. ".rjust(size) for n in range(block.start, last + 1)]
    else:
        marks = [BULLETS[depth % len(BULLETS)]] * len(block.items)
    lines: list[Content] = []
    for mark, item in zip(marks, block.items, strict=True):
        indent = len(mark)
        inner = layout(item, width - indent, depth + 1) or [Content()]
        lines.append(Content.assemble(Content(mark).stylize(".lesson-text--bullet"), inner[0]))
        lines.extend(Content.assemble(" " * indent, line) for line in inner[1:])
    return lines


def _fence(block: Block, width: int) -> list[Content]:
    """A code block: never wrapped (diagrams keep their shape), on its own background."""
    code = block.code.expandtabs(8)
    language = block.text.plain
    body = _highlight(code, language) if language else Content(code)
    rows = body.split("\n") if code else [Content()]
    widest = max(row.cell_length for row in rows)
    pad = 2 if widest + 4 <= width else 1 if widest + 2 <= width else 0
    full = max(width, widest + 2 * pad)
    out = [Content(" " * full)]
    for row in rows:
        out.append(Content.assemble(" " * pad, row, " " * (full - pad - row.cell_length)))
    out.append(Content(" " * full))
    return [line.stylize_before(".lesson-text--fence") for line in out]


def _highlight(code: str, language: str) -> Content:
    """A fence that names its language, highlighted (Pygments is imported only for one)."""
    from textual.highlight import highlight

    return highlight(code, language=language)


def _table_lines(block: Block, width: int) -> list[Content]:
    """A table in a thin frame: the header, a rule, the rows (a rule between rows only when
    a cell wraps). Columns shrink to fit ``width`` but never below their longest word."""
    cols = len(block.align)
    if not cols or not block.rows:
        return []
    natural = [max(row[c].cell_length for row in block.rows) for c in range(cols)]
    least = [min(natural[c], max(4, *(_longest_word(row[c]) for row in block.rows)))
             for c in range(cols)]
    room = width - (3 * cols + 1)
    widths = natural
    if sum(natural) > room:
        spare = max(0, room - sum(least))
        excess = [natural[c] - least[c] for c in range(cols)]
        total = sum(excess) or 1
        widths = [least[c] + excess[c] * spare // total for c in range(cols)]
        for c in sorted(range(cols), key=lambda c: -excess[c])[:max(0, room - sum(widths))]:
            widths[c] += 1  # what the rounding down left over
    cells = [[_wrap(cell, widths[c]) for c, cell in enumerate(row)] for row in block.rows]
    wrapped = any(len(lines) > 1 for row in cells[1:] for lines in row)

    def rule(left: str, mid: str, right: str) -> Content:
        text = left + mid.join("─" * (w + 2) for w in widths) + right
        return Content(text).stylize(".lesson-text--rule")

    bar = Content("│").stylize(".lesson-text--rule")
    out = [rule("┌", "┬", "┐")]
    for r, row in enumerate(cells):
        if r == 1:
            out.append(rule("├", "┼", "┤"))
        elif r > 1 and wrapped:
            out.append(rule("├", "┼", "┤"))
        for y in range(max(len(lines) for lines in row)):
            parts: list[Content | str] = [bar]
            for c, lines in enumerate(row):
                text = lines[y] if y < len(lines) else Content()
                if r == 0:
                    text = text.stylize(".lesson-text--th")
                gap = widths[c] - text.cell_length
                align = block.align[c]
                left = gap // 2 if align == "center" else gap if align == "right" else 0
                parts += [" " * (left + 1), text, " " * (gap - left + 1), bar]
            out.append(Content.assemble(*parts))
    out.append(rule("└", "┴", "┘"))
    return out


def _longest_word(text: Content) -> int:
    return max((Content(word).cell_length for word in text.plain.split()), default=0)
