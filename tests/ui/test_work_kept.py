"""Quit → reopen brings the lab back exactly as the student left it (the action log is
saved beside the progress and replayed); a log that no longer applies is kept aside,
reported, and the lab starts fresh."""

from __future__ import annotations

import json
from pathlib import Path

from virtlab.course.work import work_path
from virtlab.ui.app import make_app
from virtlab.ui.screens.lesson import LessonScreen
from virtlab.ui.widgets.goals_panel import GoalsPanel

LESSONS = Path(__file__).resolve().parents[2] / "lessons"
LESSON, LAB = "l6-vm-lifecycle", "l6-patch-night"


def _app(data_dir: Path, lang: str = "en"):
    return make_app(lang=lang, data_dir=data_dir, lessons_root=LESSONS, open_lesson=LESSON)


async def _work(data_dir: Path, keys: tuple[str, ...]) -> tuple[list[str], object, dict[str, bool]]:
    app = _app(data_dir)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen)
        await pilot.press(*keys)
        await pilot.pause()
        session = app.sessions[LAB]
        goals = {r.id: r.met for r in app.screen.query_one(GoalsPanel).results}
        return [a.describe() for a in session.actions() if a], session.state, goals


async def test_quit_and_reopen_restores_the_lab_exactly(tmp_path: Path) -> None:
    data = tmp_path / "data"
    done, state, goals = await _work(data, ("o", "s", "w", "r", "w"))
    assert done == ["consolidate app-1's snapshots", "snapshot app-1", "write 5 GiB on app-1",
                    "revert app-1 to its snapshot", "write 5 GiB on app-1"]
    assert work_path(data, LAB).exists()
    again, state2, goals2 = await _work(data, ())
    assert (again, goals2) == (done, goals)
    assert state2 == state
    # Undo still works on the replayed log.
    app = _app(data)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await pilot.press("u")
        await pilot.pause()
        assert len(app.sessions[LAB].actions()) == 4


async def test_a_log_that_no_longer_applies_is_kept_aside_and_reported(tmp_path: Path) -> None:
    data = tmp_path / "data"
    await _work(data, ("o", "s"))
    path = work_path(data, LAB)
    saved = json.loads(path.read_text(encoding="utf-8"))
    saved["steps"].append({"kind": "remove", "name": "app-1"})  # not allowed in this lab
    path.write_text(json.dumps(saved), encoding="utf-8")
    app = _app(data)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        assert app.sessions[LAB].actions() == []
        notes = [str(n.message) for n in app._notifications]
        assert any("no longer applies (steps[3]: remove app-1: not allowed in this lab)" in n for n in notes), notes
    kept = list(path.parent.glob(f"{LAB}.stale-*.json"))
    assert len(kept) == 1 and json.loads(kept[0].read_text(encoding="utf-8")) == saved
    assert not path.exists()


async def test_a_damaged_work_file_is_kept_aside_too(tmp_path: Path) -> None:
    data = tmp_path / "data"
    path = work_path(data, LAB)
    path.parent.mkdir(parents=True)
    path.write_text("{ not json", encoding="utf-8")
    app = _app(data, "ko")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        assert app.sessions[LAB].actions() == []
        assert any("처음부터" in str(n.message) for n in app._notifications)
    assert len(list(path.parent.glob(f"{LAB}.stale-*.json"))) == 1


async def test_a_burst_of_changes_saves_the_work_once(tmp_path: Path, monkeypatch) -> None:
    """A held key changes the lab faster than the screen handles it: the changes pending
    together are one save (``LabPanel.Changed.can_replace``), and the last state is saved."""
    from virtlab.core.compute.lifecycle import Write
    from virtlab.ui.widgets.lab_panel import LabPanel

    app = _app(tmp_path / "data")
    async with app.run_test(size=(120, 36)) as pilot:
        for _ in range(3):
            await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LessonScreen) and isinstance(screen.lab_panel, LabPanel)
        saves: list[str | None] = []
        monkeypatch.setattr(app, "save_work", saves.append)
        panel = screen.lab_panel
        for _ in range(3):  # three changes in one handler: none handled in between
            assert panel.apply(Write(name="app-1", gib=1)).ok
        await pilot.pause()
        assert saves == [LAB]
        other = LabPanel.Changed(app.sessions[LAB])
        assert other.can_replace(LabPanel.Changed(app.sessions[LAB]))
        assert not other.can_replace(LabPanel.Changed(object()))  # another lab's change


async def test_work_that_cannot_be_saved_is_said_once_and_the_lab_goes_on(tmp_path: Path) -> None:
    """The work is written off the UI thread; a write that fails still reaches the student
    (once), and the keys after it still work."""
    from .waits import until

    data = tmp_path / "data"
    data.mkdir()
    (data / "work").write_text("a file where the work folder goes", encoding="utf-8")
    app = _app(data)
    async with app.run_test(size=(120, 36)) as pilot:
        await until(pilot, lambda: app.focused is not None and app.focused.id == "lab-table",
                    "the lab's table focused")
        await pilot.press("s")  # snapshot app-1
        await until(pilot, lambda: app.save_error is not None, "the failed save said")
        said = app.save_error
        assert str(data / "work") in said
        shown = [n for n in app._notifications if n.message == said]
        assert len(shown) == 1
        await pilot.press("w")
        assert app.flush_work()
        await pilot.pause()
        assert len(app.sessions[LAB].actions()) >= 2
        assert [n for n in app._notifications if n.message == said] == shown  # not again


async def test_work_that_fails_again_after_it_was_saved_is_said_again(tmp_path: Path) -> None:
    """Once the work is saved again (the disk is back), a later failure is news: said again."""
    import shutil

    from .waits import until

    data = tmp_path / "data"
    data.mkdir()
    blocker = data / "work"
    blocker.write_text("a file where the work folder goes", encoding="utf-8")
    app = _app(data)
    async with app.run_test(size=(120, 36)) as pilot:
        await until(pilot, lambda: app.focused is not None and app.focused.id == "lab-table",
                    "the lab's table focused")
        await pilot.press("s")
        await until(pilot, lambda: app.save_error is not None, "the failed save said")
        said = app.save_error
        blocker.unlink()  # the disk is back: the next key saves
        await pilot.press("w")
        assert app.flush_work()
        assert work_path(data, LAB).exists()
        shutil.rmtree(blocker)
        blocker.write_text("broken again", encoding="utf-8")
        await pilot.press("s")
        await until(pilot, lambda: len([n for n in app._notifications if n.message == said]) == 2,
                    "the new failure said")
