"""Text typed by a student or read from a file is shown as it is, never parsed as markup
(issue 9): a glossary search like ``x[k=$]`` used to crash the app, and
``[@click=app.quit]zz`` became a clickable quit link."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, OptionList, Static

from virtlab.ui.screens.catalog import CatalogScreen
from virtlab.ui.screens.glossary import GlossaryScreen
from virtlab.ui.screens.lesson import LessonScreen

from .waits import until

SIZE = (120, 36)


@pytest.mark.parametrize("query", ["x[k=$]", "[@click=app.quit]zz", "[bold]x[/]", "[/]", "["])
async def test_a_glossary_search_is_plain_text(new_app, query: str) -> None:
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("g")
        await pilot.pause()
        assert isinstance(app.screen, GlossaryScreen)
        app.screen.query_one("#glossary-filter", Input).value = query
        await pilot.pause()
        listing = app.screen.query_one("#glossary-list", OptionList)
        shown = str(listing.get_option_at_index(0).prompt)
        assert query in shown
        await pilot.click("#glossary-list")
        await pilot.pause()
        assert app.is_running and isinstance(app.screen, GlossaryScreen)


async def test_titles_and_summaries_from_files_are_plain_text(new_app, lessons_root: Path) -> None:
    path = next((lessons_root / "en").glob("01-*.md"))
    text = path.read_text(encoding="utf-8")
    text = text.replace('title = "Carving a host"', 'title = "Carving [@click=app.quit]a[/] host"')
    text = text.replace('summary = "Summary of Carving a host."', 'summary = "x[k=$] [b]summary"')
    text = text.replace("## Step 1", "## Step [red]1[/red]")
    path.write_text(text, encoding="utf-8")
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, CatalogScreen)
        listing = app.screen.query_one("#lesson-list", OptionList)
        listing.highlighted = listing.get_option_index("t1-carve")
        await pilot.pause()
        summary = app.screen.query_one("#lesson-summary", Static)
        assert "x[k=$] [b]summary" in str(summary.render())
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen)
        steps = app.screen.query_one("#step-list", OptionList)
        assert any("[red]1[/red]" in str(steps.get_option_at_index(i).prompt)
                   for i in range(steps.option_count))
        await pilot.press("n")
        await pilot.pause()
        assert "[red]1[/red]" in str(app.screen.query_one("#step-title", Static).render())
        assert app.is_running


@pytest.mark.parametrize("href", ["lab:app.quit", "lab:app.push_screen('help')", "lab:screen.dismiss"])
async def test_a_lesson_link_runs_only_an_allowed_lab_action(new_app, href: str) -> None:
    from virtlab.ui.widgets.lesson_text import LessonText

    app = new_app(open_lesson="t1-carve")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LessonScreen)
        markdown = screen.query_one("#lesson-body", LessonText)
        markdown.post_message(LessonText.LinkClicked(markdown, href))
        await pilot.pause()
        assert app.is_running and app.screen is screen
        vms = len(screen.query_one("LabPanel").session.state.compute.vms)
        markdown.post_message(LessonText.LinkClicked(markdown, "lab:add_vm"))
        await until(pilot, lambda: app.screen is not screen, "the add-VM dialog open")
        await pilot.click("#form-ok")
        await pilot.pause()
        assert len(screen.query_one("LabPanel").session.state.compute.vms) == vms + 1
