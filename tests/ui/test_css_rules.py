"""The lesson screen keeps its stylesheet small: every widget's style is matched against
every rule on each restyle, so a widget that brings dozens of rules (Textual's Button) is
not used where a label does; and the label-button it uses works by click and by key."""

from __future__ import annotations

from pathlib import Path

from textual.app import App, ComposeResult

from virtlab.ui.app import make_app
from virtlab.ui.widgets.action_button import ActionButton


async def test_a_lesson_beside_its_lab_brings_no_button_rules(tmp_path: Path) -> None:
    app = make_app(lang="en", data_dir=tmp_path, open_lesson="l5-overcommit")
    async with app.run_test(size=(120, 36)) as pilot:
        for _ in range(4):
            await pilot.pause()
        assert app.screen.query("#lab-panel")  # the lab is open
        names = {name for rule in app.stylesheet.rules for name in rule.selector_names}
        assert "Button" not in names
        assert len(app.stylesheet.rules) < 130, len(app.stylesheet.rules)


class _One(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.pressed = 0

    def compose(self) -> ComposeResult:
        yield ActionButton("go →", action="app.go", id="b")

    def action_go(self) -> None:
        self.pressed += 1


async def test_the_action_button_runs_its_action_by_click_enter_and_space() -> None:
    app = _One()
    async with app.run_test(size=(40, 5)) as pilot:
        await pilot.click("#b")
        app.query_one("#b").focus()
        await pilot.press("enter", "space")
        await pilot.pause()
        assert app.pressed == 3
        button = app.query_one("#b", ActionButton)
        button.label = "again"
        await pilot.pause()
        assert str(button.label) == "again" and "again" in str(button.render())
