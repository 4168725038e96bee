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
