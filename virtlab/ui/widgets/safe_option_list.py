"""SafeOptionList: Textual's OptionList, safe to page before it has been laid out.

Textual 8.2.8's ``OptionList._move_page`` raises KeyError when the list has never been laid
out (a zero-size region in a tiny terminal, or a key typed ahead of the first refresh); found
by the random-input test. Every option list virtlab builds is a SafeOptionList, and the
command palette guards its list the same way (:class:`virtlab.ui.palette.SafeCommandPalette`).
"""

from __future__ import annotations

from typing import Literal

from textual.widgets import OptionList


def can_page(option_list: OptionList) -> bool:
    """Whether page up/down can run on ``option_list`` (its highlight has been laid out)."""
    option_list._update_lines()
    return (option_list.highlighted or 0) in option_list._index_to_line


class SafeOptionList(OptionList):
    """OptionList that ignores page up/down while it has no size yet."""

    def _move_page(self, direction: Literal[-1, 1]) -> None:
        if can_page(self):
            super()._move_page(direction)
