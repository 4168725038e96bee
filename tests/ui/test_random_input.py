"""Seeded random input over the real course: every screen and dialog, sizes from 40×12 to
250×80, typed text (brackets and Korean included), ctrl combinations, Enter and Escape bursts
and the command palette — no crash, no hang (issue 9).

Keys go straight to the driver, as a fast typist's would; every ``SETTLE_EVERY`` events the
test waits for the app to process everything, which must take under 10 s.
"""

from __future__ import annotations

import asyncio
import random
import time
from pathlib import Path

import pytest
from textual import events

from virtlab.course.lessons import load_catalog
from virtlab.course.paths import lessons_dir
from virtlab.ui.app import make_app

KEYS = [
    "n", "p", "h", "a", "c", "plus", "minus", "left_square_bracket", "right_square_bracket",
    "d", "e", "x", "f", "m", "u", "U", "R", "v", "s", "w", "r", "o", "b", "t", "g",
    "question_mark", "f1", "ctrl+l", "ctrl+p", "escape", "enter", "space", "tab", "shift+tab",
    "up", "down", "left", "right", "home", "end", "pageup", "pagedown", "shift+up",
    "shift+down", "alt+up", "alt+down", "1", "2", "3", "K", "J", "backspace", "delete",
    "ctrl+a", "ctrl+e", "ctrl+k", "ctrl+u", "ctrl+w", "ctrl+z", "ctrl+y", "ctrl+x", "ctrl+v",
]
"""Every key the app binds except the ones that quit (q, ctrl+q, ctrl+c), and some it does not."""
TEXT = "abcxyz019 .,:-_/[]{}()=$@%*#!?'\"\\<>가상화메모리"
"""Printable characters typed into search fields, dialogs and the palette."""
SIZES = [(40, 12), (60, 16), (80, 24), (100, 30), (120, 36), (160, 48), (250, 80)]
EVENTS = 300
SETTLE_EVERY = 30
TIME_LIMIT = 180.0
"""A hang guard, not a speed test: generous enough for a machine busy with other work."""
SEEDS = [20261201, 7, 4242]

LESSONS = lessons_dir()
LESSON_IDS = sorted(load_catalog(LESSONS)[0].ids())


def _key(app, key: str, char: str | None = None) -> None:
    if char is None:
        char = {"plus": "+", "minus": "-", "space": " ", "question_mark": "?",
                "left_square_bracket": "[", "right_square_bracket": "]"}.get(key)
        if char is None and len(key) == 1:
            char = key
    event = events.Key(key, char)
    event.set_sender(app)
    app._driver.send_message(event)


def _type(app, text: str) -> None:
    for ch in text:
        _key(app, ch if ch.isalnum() and ch.isascii() else f"char-{ord(ch)}", ch)


@pytest.mark.parametrize("seed", SEEDS)
async def test_random_input_over_the_real_course(seed: int, tmp_path: Path) -> None:
    rng = random.Random(seed)
    seen: set[str] = set()
    started = time.monotonic()
    done = runs = 0
    while done < EVENTS:  # the palette can quit the app on purpose: then start it again
        runs += 1
        app = make_app(lang=rng.choice(["en", "ko"]), data_dir=tmp_path / "data",
                       lessons_root=LESSONS)
        async with app.run_test(size=rng.choice(SIZES)) as pilot:
            await pilot.pause()
            while done < EVENTS and app.is_running:
                await _random_event(app, pilot, rng)
                done += 1
                if done % SETTLE_EVERY == 0:
                    await asyncio.wait_for(pilot.pause(), timeout=10)
                seen.update(type(s).__name__ for s in app.screen_stack)
                assert time.monotonic() - started < TIME_LIMIT, f"seed {seed}: too slow at {done}"
            if app.is_running:
                await asyncio.wait_for(pilot.pause(), timeout=10)
        assert app.return_code in (None, 0), f"seed {seed}: the app failed at event {done}"
    assert runs < 10, f"seed {seed}: the app quit {runs - 1} times"
    assert {"CatalogScreen", "LessonScreen"} <= seen, seen


async def _random_event(app, pilot, rng: random.Random) -> None:
    roll = rng.random()
    if roll < 0.03:  # somewhere new, so every lesson, lab and quiz gets its share
        await pilot.pause()
        target = rng.choice([*LESSON_IDS, "sandbox"])
        if target == "sandbox":
            app.open_sandbox(None, None)
        else:
            app.open_lesson_screen(target)
        await pilot.pause()
    elif roll < 0.06:
        width, height = app.size
        await pilot.click(offset=(rng.randrange(width), rng.randrange(height)))
    elif roll < 0.07:
        await pilot.resize_terminal(*rng.choice(SIZES))
    elif roll < 0.11:
        _type(app, "".join(rng.choice(TEXT) for _ in range(rng.randint(1, 8))))
    elif roll < 0.14:  # a burst, as a student hammering a key would
        for _ in range(rng.randint(2, 4)):
            _key(app, rng.choice(["enter", "escape"]))
    elif roll < 0.15:  # the palette: open, search, choose
        _key(app, "ctrl+p")
        _type(app, rng.choice(["add", "undo", "lesson", "over", "가상", "x[k=$]"]))
        for _ in range(rng.randint(1, 3)):
            _key(app, "enter")
    else:
        _key(app, rng.choice(KEYS))
    await asyncio.sleep(0)


async def test_every_screen_and_dialog_opens_and_closes(tmp_path: Path) -> None:
    """Directed: each lesson, its lab's dialogs, the sandbox, glossary with typed search,
    help and the palette, at the smallest size (and one lesson at a large one)."""
    seen: set[str] = set()
    for size, lessons in [((40, 12), LESSON_IDS), ((250, 80), LESSON_IDS[:1])]:
        app = make_app(lang="en", data_dir=tmp_path / f"data-{size[0]}", lessons_root=LESSONS)
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            for lesson_id in lessons:
                app.open_lesson_screen(lesson_id)
                await pilot.pause()
                lesson = app.screen
                for key in ["a", "c", "e", "f", "m", "x", "question_mark", "g", "ctrl+p"]:
                    _key(app, key)
                    await pilot.pause()
                    seen.update(type(s).__name__ for s in app.screen_stack)
                    if app.screen is lesson:  # a key this lab does not offer does nothing
                        continue
                    _type(app, "x[k=$]")
                    _key(app, "escape")
                    await pilot.pause()
            app.open_sandbox(None, None)
            await pilot.pause()
            for key in ["a", "c", "plus", "plus", "e", "f", "m", "ctrl+l", "ctrl+l"]:
                _key(app, key)
                await pilot.pause()
                seen.update(type(s).__name__ for s in app.screen_stack)
                if key not in ("plus", "ctrl+l"):
                    _key(app, "escape")
                    await pilot.pause()
            assert app.is_running
    assert {"LessonScreen", "SandboxScreen", "GlossaryScreen", "HelpScreen", "AddVMDialog",
            "AddContainerDialog", "EditDialog", "ChoiceDialog", "SafeCommandPalette"} <= seen, seen
