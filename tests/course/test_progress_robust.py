"""A progress file that is hostile or broken never stops the app: it is kept aside and
reported, and what killed saves leave behind is cleaned (issue 9)."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from virtlab.course.progress import Progress, load_progress, save_progress


def _aside(folder: Path) -> list[Path]:
    return sorted(folder.glob("progress.corrupt-*"))


def test_a_deeply_nested_file_is_kept_aside(tmp_path: Path) -> None:
    path = tmp_path / "progress.json"
    path.write_text("[" * 200_000 + "]" * 200_000, encoding="utf-8")
    progress, notice = load_progress(path)
    assert progress == Progress()
    assert notice is not None and "nested too deeply" in notice
    assert not path.exists() and len(_aside(tmp_path)) == 1
    # The next start is clean: nothing left to trip over.
    assert load_progress(path) == (Progress(), None)


def test_a_file_too_large_to_be_progress_is_kept_aside_quickly(tmp_path: Path) -> None:
    path = tmp_path / "progress.json"
    lessons = {f"l{i}": {"goals_met": ["g" * 40] * 2000} for i in range(100)}
    path.write_text(json.dumps({"version": 1, "lessons": lessons}), encoding="utf-8")
    assert path.stat().st_size > 4 * 1024 * 1024
    progress, notice = load_progress(path)
    assert progress == Progress() and notice is not None and "MiB" in notice
    assert len(_aside(tmp_path)) == 1


def test_a_fifo_is_not_read(tmp_path: Path) -> None:
    path = tmp_path / "progress.json"
    os.mkfifo(path)
    progress, notice = load_progress(path)  # would block forever if opened for reading
    assert progress == Progress() and notice is not None and "regular file" in notice


def test_negative_hint_counts_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "progress.json"
    path.write_text(json.dumps({"version": 1, "lessons": {"l1": {"hints_used": {"g": -3}}}}),
                    encoding="utf-8")
    progress, notice = load_progress(path)
    assert progress == Progress()
    assert notice is not None and "lessons.l1.hints_used.g" in notice


def test_stale_temporaries_of_killed_saves_are_removed(tmp_path: Path) -> None:
    path = tmp_path / "progress.json"
    save_progress(path, Progress())
    stale = tmp_path / ".progress.json.abc123.tmp"
    fresh = tmp_path / ".progress.json.def456.tmp"
    stale.write_text("half a save", encoding="utf-8")
    fresh.write_text("a save in progress", encoding="utf-8")
    old = time.time() - 3600
    os.utime(stale, (old, old))
    assert load_progress(path) == (Progress(), None)
    assert not stale.exists() and fresh.exists()


@pytest.mark.parametrize("content", [b"\xff\xfe{\x00}\x00", b"\x00\x01\x02binary"])
def test_binary_and_utf16_files_are_kept_aside(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "progress.json"
    path.write_bytes(content)
    progress, notice = load_progress(path)
    assert progress == Progress() and notice is not None
    assert len(_aside(tmp_path)) == 1
