"""The lab work is written off the UI thread (``virtlab.course.writer``): the newest text per
path, in order, every write atomic, a failure reported, and ``flush`` waits for the disk."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from virtlab.course import writer as writer_module
from virtlab.course.writer import Writer


def test_texts_reach_the_disk_and_none_removes(tmp_path: Path) -> None:
    w = Writer(lambda path, exc: None)
    a, b = tmp_path / "work" / "a.json", tmp_path / "b.json"
    w.submit(a, "one")
    w.submit(b, "two")
    assert w.flush()
    assert a.read_text(encoding="utf-8") == "one" and b.read_text(encoding="utf-8") == "two"
    w.submit(a, None)
    assert w.flush()
    assert not a.exists() and b.exists()


def test_a_path_replaced_before_its_turn_is_written_once_with_the_newest(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    gate, entered, writes = threading.Event(), threading.Event(), []

    def slow_write(path: Path, text: str) -> None:
        entered.set()
        gate.wait(10)
        writes.append((path.name, text))
        path.write_text(text, encoding="utf-8")

    monkeypatch.setattr(writer_module, "write_text_atomic", slow_write)
    w = Writer(lambda path, exc: None)
    first, other = tmp_path / "lab.json", tmp_path / "other.json"
    w.submit(first, "v1")  # the thread takes it and waits at the gate
    assert entered.wait(10)
    for n in range(2, 6):
        w.submit(first, f"v{n}")  # a held key: each replaces the last
    w.submit(other, "x")
    assert not w.flush(timeout=0.05)  # not written yet: flush says so
    gate.set()
    assert w.flush()
    assert writes[0] == ("lab.json", "v1")
    assert sorted(writes[1:]) == [("lab.json", "v5"), ("other.json", "x")]
    assert first.read_text(encoding="utf-8") == "v5"


def test_a_failed_write_is_reported_and_the_writer_goes_on(tmp_path: Path) -> None:
    failed: list[tuple[Path, OSError]] = []
    w = Writer(lambda path, exc: failed.append((path, exc)))
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    w.submit(blocker / "work.json", "lost")  # a file where a folder should be
    w.submit(tmp_path / "ok.json", "kept")
    assert w.flush()
    assert [p for p, _ in failed] == [blocker / "work.json"]
    assert (tmp_path / "ok.json").read_text(encoding="utf-8") == "kept"


def test_a_report_that_fails_does_not_stop_the_writer(tmp_path: Path) -> None:
    def broken(path: Path, exc: OSError) -> None:
        raise RuntimeError("the app is gone")

    w = Writer(broken)
    (tmp_path / "f").write_text("x", encoding="utf-8")
    w.submit(tmp_path / "f" / "w.json", "lost")
    w.submit(tmp_path / "ok.json", "kept")
    assert w.flush()
    assert (tmp_path / "ok.json").exists()


def test_a_path_saved_again_after_a_failure_is_reported_once(tmp_path: Path) -> None:
    failed: list[Path] = []
    recovered: list[Path] = []
    w = Writer(lambda path, exc: failed.append(path), recovered.append)
    folder = tmp_path / "work"
    folder.write_text("a file where the folder goes", encoding="utf-8")
    work, other = folder / "lab.json", tmp_path / "other.json"
    w.submit(work, "lost")
    w.submit(other, "kept")  # never failed: nothing to report when it is written
    assert w.flush()
    folder.unlink()  # the disk is back
    w.submit(work, "kept")
    assert w.flush()
    w.submit(work, "again")  # a second success after the recovery says nothing more
    assert w.flush()
    assert failed == [work] and recovered == [work]
    assert work.read_text(encoding="utf-8") == "again"
