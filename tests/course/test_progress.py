"""Progress: atomic saves, round trips, corrupt files kept aside, pure helpers, export."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from virtlab.course import paths
from virtlab.course.atomic import write_text_atomic
from virtlab.course.export import export_progress
from virtlab.course.lessons import Catalog, Lesson, Section
from virtlab.course.progress import (
    LessonProgress,
    Progress,
    load_progress,
    mark_goal,
    reset_lesson,
    save_progress,
    set_section,
    set_state,
    use_hint,
)

NOW = "2025-01-02T03:04:05+00:00"


def sample() -> Progress:
    progress = mark_goal(Progress(), "l1", "fits", True, now=NOW)
    progress = use_hint(progress, "l1", "headroom", now=NOW)
    progress = use_hint(progress, "l1", "headroom", now=NOW)
    progress = set_section(progress, "l1", 3, now=NOW)
    return dataclasses.replace(progress, lang="ko")


# --- paths and atomic writes --------------------------------------------------------------


def test_data_dir_precedence(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("VIRTLAB_DATA_DIR", str(tmp_path / "env"))
    assert paths.data_dir(tmp_path / "flag") == tmp_path / "flag"
    assert paths.data_dir() == tmp_path / "env"
    monkeypatch.delenv("VIRTLAB_DATA_DIR")
    assert "virtlab" in str(paths.data_dir())
    assert paths.progress_file(tmp_path) == tmp_path / "progress.json"


def test_lessons_dir_env_and_default(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("VIRTLAB_LESSONS", raising=False)
    assert paths.lessons_dir() == Path(__file__).resolve().parents[2] / "lessons"
    monkeypatch.setenv("VIRTLAB_LESSONS", str(tmp_path))
    assert paths.lessons_dir() == tmp_path


def test_atomic_write_creates_parents_and_leaves_no_temp_files(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "file.json"
    write_text_atomic(target, "one")
    write_text_atomic(target, "two ✓")
    assert target.read_text(encoding="utf-8") == "two ✓"
    assert [p.name for p in target.parent.iterdir()] == ["file.json"]


def test_atomic_write_failure_keeps_old_file_and_cleans_up(tmp_path: Path) -> None:
    target = tmp_path / "file.txt"
    write_text_atomic(target, "old")
    with pytest.raises(UnicodeEncodeError):
        write_text_atomic(target, "\udcff", encoding="utf-8")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["file.txt"]


# --- load and save ------------------------------------------------------------------------


def test_missing_file_gives_empty_progress_without_notice(tmp_path: Path) -> None:
    progress, notice = load_progress(tmp_path / "progress.json")
    assert progress == Progress()
    assert notice is None


def test_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "data" / "progress.json"
    original = sample()
    save_progress(path, original)
    loaded, notice = load_progress(path)
    assert notice is None
    assert loaded == original
    assert json.loads(path.read_text())["version"] == 1
    assert [p.name for p in path.parent.iterdir()] == ["progress.json"]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"{not json", "invalid JSON at line 1"),
        (b"\xff\xfe\x00garbage", "not UTF-8"),
        (b'{"lessons": {"l1": {"state": "finished"}}}', "lessons.l1.state"),
        (b'{"version": 7}', "version"),
        (b"[1, 2]", "(top level)"),
    ],
)
def test_corrupt_file_is_moved_aside_and_reported(
    tmp_path: Path, content: bytes, expected: str
) -> None:
    path = tmp_path / "progress.json"
    path.write_bytes(content)
    progress, notice = load_progress(path)
    assert progress == Progress()
    assert notice is not None
    assert expected in notice
    assert str(path) in notice
    asides = list(tmp_path.glob("progress.corrupt-*.json"))
    assert len(asides) == 1
    assert asides[0].read_bytes() == content  # original bytes preserved
    assert str(asides[0]) in notice
    assert not path.exists()


def test_two_corrupt_files_in_the_same_second_are_both_kept(tmp_path: Path) -> None:
    path = tmp_path / "progress.json"
    for content in (b"one{", b"two{"):
        path.write_bytes(content)
        load_progress(path)
    kept = sorted(p.read_bytes() for p in tmp_path.glob("progress.corrupt-*.json"))
    assert kept == [b"one{", b"two{"]


def test_corrupt_notice_in_korean(tmp_path: Path) -> None:
    path = tmp_path / "progress.json"
    path.write_text("{")
    _, notice = load_progress(path, lang="ko")
    assert notice is not None and "보관" in notice


def test_unknown_extra_fields_are_tolerated(tmp_path: Path) -> None:
    path = tmp_path / "progress.json"
    path.write_text('{"version": 1, "future": true, "lessons": {}}')
    progress, notice = load_progress(path)
    assert notice is None and progress == Progress()


# --- pure helpers -------------------------------------------------------------------------


def test_first_touch_starts_lesson_and_helpers_do_not_mutate() -> None:
    empty = Progress()
    touched = set_section(empty, "l2", 1, now=NOW)
    assert empty.lessons == {}
    assert touched.lessons["l2"] == LessonProgress(state="in_progress", section=1, updated=NOW)
    assert touched.last_lesson == "l2"


def test_mark_goal_adds_once_and_removes() -> None:
    progress = mark_goal(Progress(), "l1", "a", True)
    progress = mark_goal(progress, "l1", "b", True)
    progress = mark_goal(progress, "l1", "a", True)
    assert progress.lesson("l1").goals_met == ["a", "b"]
    progress = mark_goal(progress, "l1", "a", False)
    assert progress.lesson("l1").goals_met == ["b"]


def test_use_hint_counts_and_respects_limit() -> None:
    progress = Progress()
    for _ in range(5):
        progress = use_hint(progress, "l1", "g", limit=3)
    assert progress.lesson("l1").hints_used == {"g": 3}


def test_done_only_when_told_and_stays_done() -> None:
    progress = mark_goal(Progress(), "l1", "g", True)
    assert progress.state("l1") == "in_progress"
    progress = set_state(progress, "l1", "done")
    progress = set_section(progress, "l1", 0)
    assert progress.state("l1") == "done"
    assert progress.state("never") == "not_started"
    with pytest.raises(ValueError):
        set_state(progress, "l1", "finished")  # type: ignore[arg-type]


def test_reset_lesson() -> None:
    progress = reset_lesson(sample(), "l1")
    assert progress.lessons == {} and progress.last_lesson is None


def test_models_are_frozen() -> None:
    with pytest.raises(Exception):  # noqa: B017 - pydantic's ValidationError
        sample().last_lesson = "x"  # type: ignore[misc]


# --- export -------------------------------------------------------------------------------


def _catalog(tmp_path: Path) -> Catalog:
    def lesson(lesson_id: str, lang: str, title: str, track: str, order: int) -> Lesson:
        return Lesson(
            id=lesson_id,
            lang=lang,
            title=title,
            track=track,
            order=order,
            minutes=10,
            summary="s",
            sections=[Section(title="x", body="y")],
            path=tmp_path / f"{lesson_id}.md",
        )

    return Catalog(
        lessons={
            "en": {
                "l1": lesson("l1", "en", "What virtualization is", "foundations", 1),
                "l5": lesson("l5", "en", "Overcommit", "server", 5),
            },
            "ko": {"l1": lesson("l1", "ko", "가상화란", "foundations", 1)},
        }
    )


TEXTS = {"l1": {"fits": "Everything fits on srv-1", "headroom": "Keep 10 % headroom"}}


def test_export_markdown_with_catalog(tmp_path: Path) -> None:
    progress = set_state(sample(), "l1", "done")
    dest = export_progress(progress, _catalog(tmp_path), tmp_path / "out" / "report.md", goal_texts=TEXTS)
    text = dest.read_text(encoding="utf-8")
    assert "## Foundations" in text and "## Server" in text
    assert "What virtualization is" in text and "Done" in text
    assert "Everything fits on srv-1 (2025-01-02 03:04 UTC)" in text and "Keep 10 % headroom ×2" in text
    # What was achieved, in the lab's words: no internal ids.
    assert "fits" not in text.replace("Everything fits", "") and "`" not in text
    assert "1 of 2 lessons done" in text
    assert text.index("Foundations") < text.index("Server")


def test_export_korean_uses_korean_titles(tmp_path: Path) -> None:
    dest = export_progress(sample(), _catalog(tmp_path), tmp_path / "r.md", lang="ko")
    text = dest.read_text(encoding="utf-8")
    assert "가상화란" in text and "진행 중" in text and "## 기초" in text


def test_export_json_with_titles_mapping(tmp_path: Path) -> None:
    progress = mark_goal(sample(), "orphan", "g", True)
    dest = export_progress(progress, {"l1": "Lesson one"}, tmp_path / "r.json", fmt="json")
    data = json.loads(dest.read_text(encoding="utf-8"))
    by_id = {item["id"]: item for item in data["lessons"]}
    assert by_id["l1"]["title"] == "Lesson one"
    assert by_id["l1"]["hints_used"] == [{"id": "headroom", "text": "a goal no longer in this lab", "count": 2}]
    assert [g["id"] for g in by_id["orphan"]["achieved"]] == ["g"]
    assert data["total"] == 2


def test_a_goal_met_once_stays_achieved_with_its_first_time_when_lost_later(tmp_path: Path) -> None:
    progress = mark_goal(Progress(), "l1", "fits", True, now="2025-01-02T03:04:05+00:00")
    progress = mark_goal(progress, "l1", "fits", False, now="2025-01-03T00:00:00+00:00")
    progress = mark_goal(progress, "l1", "fits", True, now="2025-01-04T00:00:00+00:00")
    assert progress.lesson("l1").achieved == {"fits": "2025-01-02T03:04:05+00:00"}
    progress = mark_goal(progress, "l1", "fits", False)
    dest = export_progress(progress, {"l1": "One"}, tmp_path / "r.json", fmt="json", goal_texts=TEXTS)
    lesson = json.loads(dest.read_text(encoding="utf-8"))["lessons"][0]
    assert lesson["achieved"] == [{"id": "fits", "text": "Everything fits on srv-1",
                                   "first_met": "2025-01-02T03:04:05+00:00"}]
    saved = tmp_path / "p.json"
    save_progress(saved, progress)
    assert load_progress(saved)[0] == progress


def test_export_rejects_unknown_format(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        export_progress(Progress(), {}, tmp_path / "r.txt", fmt="txt")  # type: ignore[arg-type]


def test_corrupt_file_that_cannot_be_renamed_is_copied_or_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "progress.json"
    path.write_bytes(b"{oops")

    def refuse(self: Path, target: Path) -> Path:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "rename", refuse)
    progress, notice = load_progress(path)
    assert progress == Progress()
    assert notice is not None and "kept aside" in notice  # a copy was kept instead
    assert [p.read_bytes() for p in tmp_path.glob("progress.corrupt-*.json")] == [b"{oops"]

    def no_copy(src: Path, dst: Path) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("shutil.copyfile", no_copy)
    _, notice = load_progress(path)
    assert notice is not None and "could not be moved aside" in notice
    assert path.read_bytes() == b"{oops"


def test_continue_opens_the_first_unfinished_lesson_after_a_finished_one() -> None:
    """Part of #8: "continue" after finishing a lesson offers the next one not done."""
    from virtlab.course.progress import continue_with

    catalog = _catalog(Path("/nowhere"))
    ids = [lesson.id for lesson in catalog.ordered("en")]
    assert len(ids) >= 2
    progress = Progress()
    assert continue_with(progress, catalog, "en") == ids[0]
    progress = set_state(progress, ids[0], "in_progress", now=NOW)
    progress = dataclasses.replace(progress, last_lesson=ids[0])
    assert continue_with(progress, catalog, "en") == ids[0]
    progress = set_state(progress, ids[0], "done", now=NOW)
    assert continue_with(progress, catalog, "en") == ids[1]
    for lesson_id in ids:
        progress = set_state(progress, lesson_id, "done", now=NOW)
    assert continue_with(progress, catalog, "en") == progress.last_lesson  # all done: the last
