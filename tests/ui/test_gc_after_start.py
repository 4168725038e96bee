"""The command line starts the app with the garbage collector off (its full passes over the
start-up's objects cost ~50 ms each); the warm-up thread turns it back on and freezes what
start-up made — and an error on the way (an unknown lesson) leaves it on."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from virtlab.cli import main
from virtlab.ui.app import make_app


async def test_warm_up_turns_the_collector_back_on_and_freezes_start_up(tmp_path: Path) -> None:
    app = make_app(lang="en", data_dir=tmp_path, open_lesson="l5-overcommit")
    app.collect_after_warm_up = True
    frozen_before = gc.get_freeze_count()  # the suite freezes what collection made
    gc.disable()
    try:
        async with app.run_test(size=(120, 36)) as pilot:
            for _ in range(600):
                if app.warmed.is_set():
                    break
                await pilot.pause(0.1)
            assert app.warmed.is_set()
            assert gc.isenabled() and gc.get_freeze_count() > frozen_before
    finally:
        if not frozen_before:  # else the collector would walk the suite's modules again
            gc.unfreeze()
        gc.enable()


def test_a_start_that_fails_leaves_the_collector_on(capsys: pytest.CaptureFixture[str]) -> None:
    assert gc.isenabled()
    assert main(["open", "no-such-lesson"]) == 1
    assert "unknown lesson id" in capsys.readouterr().err
    assert gc.isenabled()
