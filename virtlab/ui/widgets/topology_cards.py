"""Cards of styled rows flowed into columns: the topology drawing's layout.

A card is a title and rows (a row of parts, or of items that break between items only),
drawn with a tree down its left (``├``, ``└``) and a rule after its title. Cards are set
side by side in as many columns as the width takes, two abreast with their longest rows
wrapped when that is nearly enough, else stacked. Each part may name the nodes it stands for
(an :data:`Id`); the one :class:`Callout` lights its node's parts in reverse video, marks
the line ``▶`` and sets its words under that line. Widths are terminal cells (Rich's
``cell_len``), so Korean lines up.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from rich.cells import cell_len
from textual.content import Content

from virtlab.ui.widgets.labtext import Lines

__all__ = ["GAP", "MARK", "MUTED", "SQUEEZE", "Callout", "Card", "Drawn", "Id", "Items", "Part", "Row", "flow", "part"]

#: Cells between two columns of cards.
GAP = 2
#: Cards are drawn two abreast, their longest rows wrapped, down to this share of their width.
SQUEEZE = 0.8
#: The mark of the line that holds the stepper's hop.
MARK = "▶"

Id = tuple[str, ...]
"""A node of the drawing: ``("port", "leaf-1", "3")``."""
Part = tuple[str, str, frozenset[Id]]
"""Text, its style and the nodes it stands for."""
MUTED = "$foreground-muted"


@dataclass(frozen=True, slots=True)
class Callout:
    """What to light: the node and the words set under it (none: the node is only lit)."""

    id: Id
    words: Content
    indent: int = 0
    """Cells the words' continuation lines are set in by (under the text after a mark)."""


class Drawn:
    """Whether the callout found its node (it goes under the first that has it)."""

    def __init__(self, callout: Callout | None) -> None:
        self.callout = callout
        self.placed = False

    @property
    def focus(self) -> Id | None:
        return self.callout.id if self.callout is not None else None

    def words(self, hit: bool, width: int, prefix: str) -> list[Content]:
        if not hit or self.placed or self.callout is None:
            return []
        self.placed = True
        if not self.callout.words.plain:
            return []
        words, indent = self.callout.words, self.callout.indent
        avail = max(8, width - len(prefix))
        head = _wrap(words, avail)
        if not head:
            return []
        start = len(head[0].plain)
        rest = words[start:]
        rest = rest[len(rest.plain) - len(rest.plain.lstrip()):]
        rows = [Content.assemble((prefix, MUTED), head[0])]
        if rest.plain:
            rows += [Content.assemble((prefix + " " * indent, MUTED), row) for row in _wrap(rest, max(8, avail - indent))]
        return rows


def part(text: str, style: str = "", *ids: Id) -> Part:
    return text, style, frozenset(ids)


@dataclass(frozen=True, slots=True)
class Items:
    """A row of items that breaks between items only (``sep`` between two on a line)."""

    items: tuple[list[Part], ...]
    sep: str = " · "

    def parts(self) -> list[Part]:
        out: list[Part] = []
        for i, item in enumerate(self.items):
            out += ([part(self.sep, MUTED)] if i else []) + item
        return out

    def lines(self, width: int) -> list[list[Part]]:
        rows: list[list[Part]] = []
        used = 0
        for item in self.items:
            w = _len(item)
            if rows and used + len(self.sep) + w <= width:
                rows[-1] += [part(self.sep, MUTED), *item]
                used += len(self.sep) + w
            elif item:
                text, style, ids = item[0]
                rows.append([(text.lstrip(), style, ids), *item[1:]])  # a new line starts at its text
                used = w
        return rows


Row = list[Part] | Items


@dataclass(slots=True)
class Card:
    title: list[Part]
    rows: list[Row] = field(default_factory=list)

    def natural(self) -> int:
        """Cells the card takes unwrapped (gutter, tree mark and a space before a row)."""
        widths = [1 + _len(self.title) + 4] + [3 + _len(r.parts() if isinstance(r, Items) else r)
                                                for r in self.rows]
        return max(widths)


def _wrap(c: Content, width: int) -> list[Content]:
    """``c`` wrapped to ``width`` cells (most rows fit: those skip the wrapping's work)."""
    return [c] if c.cell_length <= width and "\n" not in c.plain else c.wrap(width)


def _len(parts: list[Part]) -> int:
    return sum(cell_len(p[0]) for p in parts)


def _content(parts: Iterable[Part], focus: Id | None) -> tuple[Content, bool]:
    hit = False
    out = []
    for text, style, ids in parts:
        if focus is not None and focus in ids:
            hit = True
            style = f"{style} reverse bold".strip()
        out.append((text, style) if style else text)
    return Content.assemble(*out), hit


def _pad(c: Content, width: int) -> Content:
    gap = width - c.cell_length
    return c.pad_right(gap) if gap > 0 else c


def _draw_card(card: Card, width: int, drawn: Drawn) -> list[Content]:
    """The card as lines of exactly ``width`` cells (the callout under its node)."""
    focus = drawn.focus
    lines: list[Content] = []
    title, hit = _content([(x, f"bold {s}".strip(), i) for x, s, i in card.title], focus)
    rows = _wrap(title, max(8, width - 1)) or [Content("")]
    for k, row in enumerate(rows):
        gutter = Content.styled(MARK if hit and k == 0 else " ", "bold $accent")
        if k == len(rows) - 1:
            rule = width - 1 - row.cell_length - 1
            row = Content.assemble(row, (" " + "─" * rule, MUTED)) if rule > 0 else row
        lines.append(_pad(Content.assemble(gutter, row), width))
    lines += [_pad(c, width) for c in drawn.words(hit, width, " │ " if card.rows else "   ")]
    for n, parts in enumerate(card.rows):
        last = n == len(card.rows) - 1
        avail = max(8, width - 3)
        wrapped: list[Content] = []
        hit = False
        for line in parts.lines(avail) if isinstance(parts, Items) else [parts]:
            body, got = _content(line, focus)
            hit = hit or got
            wrapped += _wrap(body, avail) or [Content("")]
        for k, row in enumerate(wrapped):
            mark = MARK if hit and k == 0 else " "
            tree = ("└" if last else "├") if k == 0 else (" " if last else "│")
            lines.append(_pad(Content.assemble((mark, "bold $accent"), (f"{tree} ", MUTED), row), width))
        lines += [_pad(c, width) for c in drawn.words(hit, width, "   " if last else " │ ")]
    return lines


def flow(out: Lines, cards: list[Card], width: int, drawn: Drawn) -> None:
    """``cards`` side by side in as many columns as ``width`` takes, else stacked."""
    if not cards:
        return
    natural = min(width, max(c.natural() for c in cards))
    columns = max(1, min(len(cards), (width + GAP) // (natural + GAP)))
    if columns == 1 and len(cards) > 1 and (width - GAP) // 2 >= SQUEEZE * natural:
        columns, natural = 2, (width - GAP) // 2  # two columns, a few long rows wrapped
    for first in range(0, len(cards), columns):
        row = [_draw_card(c, natural, drawn) for c in cards[first:first + columns]]
        height = max(len(d) for d in row)
        blank = Content(" " * natural)
        for i in range(height):
            cells = [d[i] if i < len(d) else blank for d in row]
            out.put(Content(" " * GAP).join(cells).rstrip())
