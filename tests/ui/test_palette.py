"""The command palette closes once and runs its command once (issue 9): Enters arriving
while it closes used to run the command again and dismiss the screen below it — a crash
(``NoMatches``, ``ScreenStackError``) or a blank app — seen in the sandbox with ctrl+p, "add",
Enter Enter Enter."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from virtlab.ui.palette import SafeCommandPalette
from virtlab.ui.screens.sandbox import SandboxScreen
from virtlab.ui.widgets.workload_dialogs import AddVMDialog

from .waits import closed, searched, until


@pytest.mark.parametrize("enters", [1, 2, 4])
async def test_enters_faster_than_the_palette_closes_run_the_command_once(
        new_app, enters: int) -> None:
    app = new_app(sandbox=(None, None))
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p", *"add a vm")
        palette = app.screen
        assert isinstance(palette, SafeCommandPalette)
        await until(pilot, lambda: searched(palette), "searched")
        field = palette.query_one(Input)
        await pilot.press("down")
        for _ in range(enters):  # all in one go, before the palette has closed
            palette.post_message(Input.Submitted(field, field.value))
        await until(pilot, closed(palette), "closed")
        kinds = [type(s) for s in app.screen_stack]
        assert kinds[-2:] == [SandboxScreen, AddVMDialog]
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, SandboxScreen)


@pytest.mark.parametrize("enters", [1, 2, 3])
async def test_a_command_without_a_dialog_runs_once(new_app, enters: int) -> None:
    """Undo opens no dialog, so only the palette can keep a late Enter from running it again
    (Textual calls its base class's Enter handler too, past an override)."""
    import asyncio

    from virtlab.core.compute.actions import SetDemand
    from virtlab.course.labs import load_any
    from virtlab.course.paths import lessons_dir

    dc, _ = load_any(lessons_dir().parent / "scenarios" / "kvm-overcommit.toml")
    assert dc is not None
    app = new_app(sandbox=(None, dc))
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        session = app.screen.session
        vm = dc.compute.vms[0].name
        for level in ("idle", "peak", "normal"):
            assert session.apply(SetDemand(name=vm, level=level)).ok
        await pilot.press("ctrl+p", *"undo")
        palette = app.screen
        assert isinstance(palette, SafeCommandPalette)
        await until(pilot, lambda: searched(palette), "searched")
        field = palette.query_one(Input)
        await pilot.press("down")
        palette.post_message(Input.Submitted(field, field.value))
        for _ in range(200):  # until the choice is made and the palette is closing
            if palette._dismiss_asked:
                break
            await asyncio.sleep(0)
        for _ in range(enters - 1):
            palette.post_message(Input.Submitted(field, field.value))
        await until(pilot, closed(palette), "closed")
        assert session.position == 2


async def test_the_palette_finds_every_lab_action_by_name(new_app) -> None:
    """Part of #8: "snapshot", "backup" … are found like "add" and "undo"."""
    from virtlab.course.links import LAB_ACTIONS

    assert {"snapshot", "write", "revert", "consolidate", "backup", "time"} <= {
        action for action, _ in LAB_ACTIONS}
    app = new_app(sandbox=(None, None))
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p", *"snapshot")
        palette = app.screen
        assert isinstance(palette, SafeCommandPalette)
        await until(pilot, lambda: searched(palette), "searched")
        from textual.command import CommandList

        listing = palette.query_one(CommandList)
        prompts = [str(listing.get_option_at_index(i).prompt) for i in range(listing.option_count)]
        assert any("snapshot" in p.lower() for p in prompts), prompts
