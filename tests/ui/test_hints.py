"""Hints in the goals panel (#8): a newly revealed hint scrolls into view, and a goal's
earlier hints can be folded away (enter on the goals) and back."""

from __future__ import annotations

from pathlib import Path

from virtlab.ui.app import make_app
from virtlab.ui.screens._chrome import KeyBar
from virtlab.ui.widgets.goals_panel import GoalsPanel


async def _settle(pilot, n: int = 4) -> None:
    for _ in range(n):
        await pilot.pause()


def _last_row_of(panel: GoalsPanel, words: str) -> int:
    """The wrapped row (in the panel's content) of the last line containing ``words``."""
    width = panel._body.size.width
    rows = 0
    found = -1
    for line in panel.render_content().split("\n"):
        n = len(line.wrap(width))
        if words in line.plain:
            found = rows + n - 1
        rows += n
    return found


async def test_new_hint_scrolls_into_view_at_80x24(tmp_path: Path) -> None:
    app = make_app(lang="en", data_dir=tmp_path, open_lesson="l5-overcommit")
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        goals = app.screen.query_one(GoalsPanel)
        for _ in range(3):
            await pilot.press("h")
            await _settle(pilot, 3)
            target = goals.target()
            shown = goals.hints_used[target.id]
            row = _last_row_of(goals, target.hints[shown - 1].get("en")[:30])
            visible = goals.scrollable_content_region.height
            assert goals.scroll_y <= row < goals.scroll_y + visible, (row, goals.scroll_y, visible)


async def test_earlier_hints_fold_and_unfold(tmp_path: Path) -> None:
    app = make_app(lang="ko", data_dir=tmp_path, open_lesson="l5-overcommit")
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(pilot)
        goals = app.screen.query_one(GoalsPanel)
        goals.focus()
        await pilot.press("h")
        await _settle(pilot, 2)
        assert "enter" not in app.screen.query_one(KeyBar).shown  # nothing to fold yet
        await pilot.press("h")
        await _settle(pilot, 2)
        assert "enter" in app.screen.query_one(KeyBar).shown
        hints = goals.target().hints
        assert hints[0].get("ko") in goals.as_text() and hints[1].get("ko") in goals.as_text()
        goals.focus()
        await pilot.press("enter")
        await _settle(pilot, 2)
        text = goals.as_text()
        assert hints[0].get("ko") not in text and hints[1].get("ko") in text
        assert "접힘" in text
        await pilot.press("enter")
        await _settle(pilot, 2)
        assert hints[0].get("ko") in goals.as_text()
