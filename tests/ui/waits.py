"""Waiting for what a test needs instead of for a fixed time: as long as it takes (at most a
generous limit), not a guess that is too long on a quiet machine and too short on a busy one."""

from __future__ import annotations

import time
from collections.abc import Callable

from textual.command import CommandPalette
from textual.pilot import Pilot


async def until(pilot: Pilot, condition: Callable[[], bool], what: str,
                limit: float = 20.0) -> None:
    """Pause until ``condition()`` holds, then once more, so what it set off has run too."""
    end = time.monotonic() + limit
    while not condition():
        assert time.monotonic() < end, f"still not {what} after {limit} s"
        await pilot.pause()
    await pilot.pause()


def searched(palette: CommandPalette) -> bool:
    """The palette's search for what was typed into it is over (its list shows every hit)."""
    group = CommandPalette._GATHER_COMMANDS_GROUP
    return not any(worker.node is palette and worker.group == group and not worker.is_finished
                   for worker in palette.app.workers)


def closed(palette: CommandPalette) -> Callable[[], bool]:
    """``condition``: the palette is off the screen stack."""
    return lambda: palette not in palette.app.screen_stack
