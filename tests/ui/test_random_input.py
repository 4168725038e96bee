"""Thousands of seeded random keys and clicks across every screen: no crash, no hang."""

from __future__ import annotations

import asyncio
import random
import time

from textual import events

from virtlab.ui.screens.lesson import LessonScreen

KEYS = [
    "n", "p", "h", "a", "c", "plus", "minus", "left_square_bracket", "right_square_bracket",
    "d", "e", "x", "f", "m", "u", "U", "R", "v", "s", "g", "question_mark", "f1", "ctrl+l",
    "escape", "escape", "enter", "enter", "space", "tab", "shift+tab", "up", "down", "up",
    "down", "left", "right", "home", "end", "pageup", "pagedown", "1", "2", "3", "K", "J",
    "backspace", "k", "z",
]
"""Every key the app binds (except q, which quits, and ctrl+p: Textual 8.2.8's command palette
can crash in its search worker when closed while searching) plus some it does not."""

EVENTS = 2000
TIME_LIMIT = 75.0
SETTLE_EVERY = 40
"""Keys are sent straight to the driver (as a fast typist would); every SETTLE_EVERY events
the test waits for the app to process everything, which must take under 10 s (no hang)."""


def send_key(app, key: str) -> None:
    char = {"plus": "+", "minus": "-", "space": " ", "question_mark": "?",
            "left_square_bracket": "[", "right_square_bracket": "]"}.get(key)
    if char is None and len(key) == 1:
        char = key
    event = events.Key(key, char)
    event.set_sender(app)
    app._driver.send_message(event)


async def test_random_keys_and_clicks_do_not_crash_or_hang(new_app) -> None:
    rng = random.Random(20261126)
    app = new_app()
    seen: set[str] = set()
    started = time.monotonic()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        for i in range(EVENTS):
            roll = rng.random()
            if roll < 0.03:  # jump somewhere new so every screen gets its share
                await pilot.pause()  # (as the command palette would: after things settle)
                target = rng.choice(["t1-carve", "t2-layers", "t3-nolab", "sandbox"])
                if target == "sandbox":
                    app.open_sandbox(None, None)
                else:
                    app.open_lesson_screen(target)
                await pilot.pause()
            elif roll < 0.05:
                width, height = app.size
                await pilot.click(offset=(rng.randrange(width), rng.randrange(height)))
            elif roll < 0.055:
                await pilot.resize_terminal(rng.choice([60, 80, 100, 120]), rng.choice([16, 24, 30]))
            else:
                send_key(app, rng.choice(KEYS))
                await asyncio.sleep(0)
            if i % SETTLE_EVERY == 0:
                await asyncio.wait_for(pilot.pause(), timeout=10)
            seen.add(type(app.screen).__name__)
            assert app.is_running, f"app stopped after event {i}"
            assert time.monotonic() - started < TIME_LIMIT, f"too slow: stopped at event {i}"
        await pilot.pause()
        assert app.is_running
    assert {"CatalogScreen", "SandboxScreen", "HelpScreen", "GlossaryScreen"} <= seen
    assert any(name == LessonScreen.__name__ for name in seen)
