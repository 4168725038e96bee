"""The README's words about the screen are true of the code (#8): the minimum terminal size,
the export key, the next-lesson key, the table's and the view's scroll keys."""

from __future__ import annotations

from pathlib import Path

from textual.binding import Binding

from virtlab.ui.screens.catalog import CatalogScreen
from virtlab.ui.screens.lesson import LessonScreen
from virtlab.ui.sizes import MIN_HEIGHT, MIN_WIDTH
from virtlab.ui.widgets.goals_panel import GoalsPanel
from virtlab.ui.widgets.lab_panel import LabPanel

README = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")


def _keys(owner: type) -> dict[str, str]:
    return {b.action: b.key for b in owner.BINDINGS if isinstance(b, Binding)}


def test_readme_says_the_minimum_size() -> None:
    assert f"**{MIN_WIDTH}×{MIN_HEIGHT}**" in README


def test_readme_names_the_true_keys() -> None:
    assert _keys(CatalogScreen)["export"] == "e" and "**`e` exports your progress**" in README
    assert _keys(LessonScreen)["next_lesson"] == "N" and "`N` the next" in README
    assert _keys(LessonScreen)["zoom_lab"] == "z" and "`z` zooms the lab" in README
    assert _keys(LabPanel)["scroll_view(1)"] == "shift+down" and "`shift+↑`/`shift+↓`" in README
    assert _keys(GoalsPanel)["toggle_hints"] == "enter" and "`Enter` folds" in README
    assert "`←`/`→` scroll it sideways" in README


def test_readme_setup_commands_unchanged() -> None:
    assert "python3 -m venv .venv && .venv/bin/pip install -e . && .venv/bin/virtlab" in README
    assert ("python3 -m venv .venv && .venv/bin/pip install -e '.[test]' && "
            ".venv/bin/python -m pytest") in README
