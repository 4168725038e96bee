"""virtlab new: the scaffolds pass virtlab check as written, and check catches a goal made
too lenient for its own misconception fixture (what an author learns before class)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from virtlab.cli import main

LESSONS = Path(__file__).resolve().parents[2] / "lessons"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    dest = tmp_path / "lessons"
    shutil.copytree(LESSONS, dest)
    return dest


def test_new_lab_and_lesson_pass_check(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new", "lab", "l12-my-lab", "--root", str(root)]) == 0
    assert main(["new", "lesson", "l12-my-lesson", "--lab", "l12-my-lab", "--order", "12", "--root", str(root)]) == 0
    assert (root / "en" / "12-my-lesson.md").exists() and (root / "ko" / "12-my-lesson.md").exists()
    capsys.readouterr()
    assert main(["check", str(root)]) == 0
    assert main(["new", "lab", "l12-my-lab", "--root", str(root)]) == 1  # never overwrites
    assert main(["new", "lab", "Bad Name", "--root", str(root)]) == 1


def test_check_catches_a_goal_its_misconception_passes(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["new", "lab", "l12-my-lab", "--root", str(root)])
    lab = root / "labs" / "l12-my-lab.toml"
    lab.write_text(lab.read_text(encoding="utf-8").replace("min_vcpus = 4, ", ""), encoding="utf-8")
    capsys.readouterr()
    assert main(["check", str(lab)]) == 1
    out = capsys.readouterr().out
    assert "misconception memory-is-enough: goal app-size passes it" in out
    assert "near_miss cpu-only" not in out  # that one still fails: memory is still short


def test_a_lesson_for_a_lab_that_does_not_exist_is_not_written(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new", "lesson", "l12-x", "--lab", "nope", "--order", "12", "--root", str(root)]) == 1
    assert "no lab 'nope'" in capsys.readouterr().err
    assert not (root / "en" / "12-x.md").exists()


def test_check_holds_a_lab_to_what_the_authoring_guide_asks(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["new", "lab", "l12-my-lab", "--root", str(root)])
    lab = root / "labs" / "l12-my-lab.toml"
    # A second goal with one hint and no fixture: nothing would catch a lenient version of it.
    extra = """
[[goal]]
id = "rules"
text = { en = "No rule broken", ko = "규칙 어기지 않기" }
check = "no_violations"
hints = [ { en = "Look at the host.", ko = "호스트를 보세요." } ]
"""
    text = lab.read_text(encoding="utf-8").replace("[[misconception]]", extra + "\n[[misconception]]", 1)
    lab.write_text(text, encoding="utf-8")
    capsys.readouterr()
    assert main(["check", str(lab)]) == 1
    out = capsys.readouterr().out
    assert "goal[2] (rules): no misconception or near miss fails it" in out
    assert "goal[2] (rules).hints: 1 hint; give 2–4, gentle → specific" in out


def test_a_walkthrough_checks_on_its_own_and_a_lesson_folder_holds_lessons(
        root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(root / "walkthroughs" / "w6-patch-night.toml"), str(root / "walkthroughs"),
                 str(root / "en")]) == 0
    assert "OK:" in capsys.readouterr().out
    alone = tmp_path / "w.toml"
    shutil.copy(root / "walkthroughs" / "w6-patch-night.toml", alone)
    assert main(["check", str(alone)]) == 1
    assert "a walkthrough is checked with its course" in capsys.readouterr().out


def test_twins_with_different_steps_and_wide_code_are_named(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ko = next((root / "ko").glob("01-*.md"))
    ko.write_text(ko.read_text(encoding="utf-8") + "\n## 덧붙인 단계\n\n```\n" + "가" * 22 + "\n```\n",
                  encoding="utf-8")
    capsys.readouterr()
    assert main(["check", str(root)]) == 1
    out = capsys.readouterr().out
    assert f"{ko}: steps: " in out and "the twins must have the same steps" in out
    assert "a code line 44 cells wide; keep code blocks and diagrams within 42" in out


def test_a_broken_lab_is_named_once_not_again_by_its_lesson(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lab = root / "labs" / "l4-containers.toml"
    lab.write_text(lab.read_text(encoding="utf-8").replace('[lab]', '[lab]\ncolour = "red"', 1), encoding="utf-8")
    capsys.readouterr()
    assert main(["check", str(root)]) == 1
    out = capsys.readouterr().out
    assert str(lab) in out and "front matter.lab: no lab 'l4-containers'" not in out


def test_the_reference_lists_every_check_and_action(capsys: pytest.CaptureFixture[str]) -> None:
    from virtlab.core.actions import ACTION_KINDS
    from virtlab.course.goals import CHECKS

    assert main(["check", "--list", "checks"]) == 0
    checks = capsys.readouterr().out
    assert all(f"\n{name}(" in checks for name in CHECKS)
    assert main(["check", "--list", "actions"]) == 0
    actions = capsys.readouterr().out
    assert all(f"\n{kind}: " in actions for kind in ACTION_KINDS)


def test_lessons_option_names_the_course(root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    from virtlab.course import paths

    monkeypatch.delenv(paths.LESSONS_ENV, raising=False)
    assert main(["--lessons", str(tmp_path), "export"]) == 2
    assert "not a course folder" in capsys.readouterr().err
    monkeypatch.setenv(paths.LESSONS_ENV, "")  # restored after the test
    assert main(["export", "--lessons", str(root), "--data-dir", str(tmp_path / "d"),
                 "--out", str(tmp_path / "progress.json")]) == 0
    assert paths.lessons_dir() == root.resolve()
