"""Presenter mode: cue forward and back set and restore the lab exactly, a fault fires on
its cue and leaves with it, and the notes terminal's cue file drives the projector."""

from __future__ import annotations

from pathlib import Path

from virtlab.course.labs import load_lab
from virtlab.course.lessons import load_catalog
from virtlab.course.presenting import CueFile
from virtlab.course.walkthrough import load_walkthrough
from virtlab.course.work import work_path
from virtlab.ui.app import make_app
from virtlab.ui.notes import notes_text
from virtlab.ui.screens.present import PresentScreen
from virtlab.ui.widgets.goals_panel import GoalsPanel

from .waits import until

LESSONS = Path(__file__).resolve().parents[2] / "lessons"
W6 = LESSONS / "walkthroughs" / "w6-patch-night.toml"


def _lost(app) -> bool:
    return any(d.lost for d in app.sessions["l6-patch-night"].state.compute.vm_index["app-1"].disks)


async def test_cues_set_the_lab_and_going_back_restores_it(tmp_path: Path) -> None:
    app = make_app(lang="en", data_dir=tmp_path, lessons_root=LESSONS, present=W6)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PresentScreen) and screen.cue == 0
        assert screen.step == 2  # cue 1 shows step 3
        for _ in range(3):
            await pilot.press("pagedown")
        await pilot.pause()
        assert screen.cue == 3 and _lost(app)  # the fault of cue 4
        written = app.sessions["l6-patch-night"].state.compute.vm_index["app-1"].disks[0].written_gib
        assert written == 115
        await pilot.press("pageup")
        await pilot.pause()
        assert screen.cue == 2 and not _lost(app)
        assert CueFile.of(tmp_path, "w6-patch-night").read() == 2
        # The notes terminal moves the cue: the projector follows.
        CueFile.of(tmp_path, "w6-patch-night").write(0)
        await until(pilot, lambda: screen.cue == 0, "back at cue 1")
        assert app.sessions["l6-patch-night"].actions() == []
        assert not (tmp_path / "work").exists()  # a walkthrough is not saved as lab work
        assert app.progress.lesson("l6-vm-lifecycle").goals_met == []  # nor as progress


def test_notes_say_what_to_say_and_what_comes_next() -> None:
    w, _ = load_walkthrough(W6)
    catalog, _ = load_catalog(LESSONS)
    lab, _ = load_lab(LESSONS / "labs" / "l6-patch-night.toml")
    text = notes_text(w, catalog.get(w.walkthrough.lesson, "ko"), lab, 3, "ko", 300, 65)
    assert "큐 5개 중 4번째 · 5단계" in text
    assert "경과 5:00(계획 17:00) · 이 큐 1:05 / 4분" in text
    assert "오해: 스냅샷은 백업이다" in text and "다음: 5번째 큐, 6단계" in text


async def test_one_screen_presenter_toggles_the_notes_under_the_lesson(tmp_path: Path) -> None:
    app = make_app(lang="ko", data_dir=tmp_path, lessons_root=LESSONS, present=W6)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PresentScreen)
        notes = screen.query_one("#present-notes")
        assert not notes.display  # the audience's view: no notes
        await pilot.press("f2")
        await pilot.pause()
        assert notes.display and notes.region.height > 3
        assert "큐 5개 중 1번째" in str(notes.render())
        await pilot.press("pagedown")
        await pilot.pause()
        assert screen.cue == 1 and "큐 5개 중 2번째" in str(notes.render())
        await pilot.press("f2")
        await pilot.pause()
        assert not notes.display and screen.cue == 1


async def test_the_audience_sees_the_goals_as_the_cues_reveal_them(tmp_path: Path) -> None:
    app = make_app(lang="en", data_dir=tmp_path, lessons_root=LESSONS, present=W6)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.pause()
        screen = app.screen
        goals = screen.query_one("#goals")
        assert goals.results == [] and "as the walkthrough reveals them" in goals.as_text()
        await pilot.press("pagedown")  # cue 2 reveals two
        await pilot.pause()
        assert [r.id for r in goals.results] == ["snapshot-age", "space"]
        await pilot.press("pagedown")
        await pilot.pause()
        assert [r.id for r in goals.results] == ["snapshot-age", "space", "patch-under-snapshot", "patched"]
        await pilot.press("pageup")
        await pilot.press("pageup")
        await pilot.pause()
        assert goals.results == []


def _student_progress(data: Path) -> str:
    """A student's progress in the same data folder: two hints used, step 6 last shown."""
    from virtlab.course.paths import progress_file
    from virtlab.course.progress import Progress, save_progress, set_section, use_hint

    progress = use_hint(use_hint(Progress(), "l6-vm-lifecycle", "snapshot-age"), "l6-vm-lifecycle", "space")
    path = progress_file(data)
    save_progress(path, set_section(progress, "l6-vm-lifecycle", 5))
    return path.read_text(encoding="utf-8")


async def test_presenter_shows_no_student_hints_and_leaves_the_progress_alone(tmp_path: Path) -> None:
    saved = _student_progress(tmp_path)
    work = work_path(tmp_path, "l6-patch-night")
    work.parent.mkdir(parents=True, exist_ok=True)
    work.write_text("not the work of this lab", encoding="utf-8")  # a student's, stale
    app = make_app(lang="en", data_dir=tmp_path, lessons_root=LESSONS, present=W6)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PresentScreen)
        goals = screen.query_one("#goals", GoalsPanel)
        assert goals.hints_used == {}  # the lab as the cue sets it, not as a student left it
        await pilot.press("pagedown")
        await pilot.press("h")  # a hint shown live to the room is not the student's
        await pilot.pause()
        assert sum(goals.hints_used.values()) == 1
    from virtlab.course.paths import progress_file

    assert progress_file(tmp_path).read_text(encoding="utf-8") == saved
    assert work.read_text(encoding="utf-8") == "not the work of this lab"  # not read, not moved aside


async def test_presenter_never_offers_the_next_lesson(tmp_path: Path) -> None:
    """The walkthrough leads the room: N would leave it for a student's lesson screen (and
    the student's progress), so the banner and the key stay away even when the goals are met,
    and going back from a cue that met them shows no stale banner."""
    app = make_app(lang="en", data_dir=tmp_path, lessons_root=LESSONS, present=W6)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PresentScreen)
        button = screen.query_one("#next-lesson")
        for _ in range(4):
            await pilot.press("pagedown")
            await pilot.pause()
            assert not button.display and not screen.check_action("next_lesson", ())
        assert screen.query_one("#goals", GoalsPanel).all_met  # the last cue meets every goal
        await pilot.press("pageup")
        await pilot.pause()
        assert screen.cue == 3 and not button.display


async def test_quitting_the_notes_leaves_the_projector_and_says_so(tmp_path: Path) -> None:
    """q closes only the notes: the audience view keeps its cue (no cue is written), and the
    notes' key line says the projector stays instead of claiming it follows."""
    from virtlab.ui.notes import NotesApp

    w, _ = load_walkthrough(W6)
    catalog, _ = load_catalog(LESSONS)
    lab, _ = load_lab(LESSONS / "labs" / "l6-patch-night.toml")
    cue_file = CueFile.of(tmp_path, "w6-patch-night")
    cue_file.write(2)
    for lang, stays in (("en", "the projector stays open"), ("ko", "프로젝터 화면은 그대로")):
        text = notes_text(w, catalog.get(w.walkthrough.lesson, lang), lab, 2, lang, 0, 0)
        (quit_key,) = [k for k in text.splitlines()[-1].split(" · ") if k.startswith("q ")]
        assert stays in quit_key and "follow" not in quit_key and "따라와요" not in quit_key
        notes = NotesApp(w, catalog.get(w.walkthrough.lesson, lang), lab, cue_file, lang)
        async with notes.run_test() as pilot:
            await pilot.press("q")
            await pilot.pause()
        assert notes.return_code == 0 and cue_file.read() == 2
