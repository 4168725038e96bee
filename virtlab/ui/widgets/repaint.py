"""Whether a text change needs a layout pass, or only a repaint of its widget.

Kept apart from the lab's text helpers (which import the engine) so the lesson screen and
its goals can paint before the engine's models are built.
"""

from __future__ import annotations

from rich.cells import cell_len
from textual.content import Content

__all__ = ["needs_layout"]


def needs_layout(old: str | None, new: str, width: int) -> bool:
    """Whether replacing ``old`` text by ``new`` can change a widget's height.

    Not when both have the same number of lines and every line that changed wraps to as many
    rows as before: then ``Static.update(..., layout=False)`` repaints just the widget, far
    cheaper than the full-screen layout Textual runs for any layout refresh.
    """
    if old is None or width <= 0 or old.count("\n") != new.count("\n"):
        return True
    for a, b in zip(old.split("\n"), new.split("\n"), strict=True):
        if a == b or (cell_len(a) <= width and cell_len(b) <= width):
            continue
        if len(Content(a).wrap(width)) != len(Content(b).wrap(width)):
            return True
    return False
