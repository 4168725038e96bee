"""`virtlab check` and the catalog read lesson files safely: a binary or UTF-16 file, a folder
named like a lesson, a broken link or a pipe is reported, never a crash or a hang; a lesson
link may name only an allowed lab action (issue 9)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from virtlab.course.checker import check_paths
from virtlab.course.lessons import load_catalog
from virtlab.course.links import LAB_LINK_ACTIONS, lab_link_action

LESSON = """+++
id = "t1-x"
title = "X"
track = "foundations"
order = 1
minutes = 5
summary = "S."
+++

## Step one

{body}
"""


def _course(tmp_path: Path, body: str = "Text.") -> Path:
    root = tmp_path / "lessons"
    for lang in ("en", "ko"):
        (root / lang).mkdir(parents=True)
        (root / lang / "01-x.md").write_text(LESSON.format(body=body), encoding="utf-8")
    return root


@pytest.mark.parametrize("link", ["lab:app.quit", "lab:app.push_screen('help')", "lab:cpu(99)",
                                  "javascript:alert(1)", "file:///etc/passwd"])
def test_a_link_outside_the_allow_list_is_a_check_error(tmp_path: Path, link: str) -> None:
    root = _course(tmp_path, f"Try [this]({link}) now.")
    problems, _ = check_paths([root])
    assert any("line" in p and link in p for p in problems), problems


def test_allowed_links_pass(tmp_path: Path) -> None:
    body = "[a](lab:add_vm) [b](lab:cpu(1)) [c](https://example.org) `[d](lab:app.quit)`\n\n" \
           "```\n[e](lab:app.quit)\n```"
    problems, _ = check_paths([_course(tmp_path, body)])
    assert problems == []


def test_only_allowed_actions_are_run() -> None:
    assert lab_link_action("lab:add_vm") == "add_vm"
    assert lab_link_action("lab:app.quit") is None
    assert lab_link_action("https://x") is None
    assert all("." not in a for a in LAB_LINK_ACTIONS)


@pytest.mark.parametrize("kind", ["binary", "utf16", "folder", "broken-link", "fifo"])
def test_a_bad_lesson_file_is_reported(tmp_path: Path, kind: str) -> None:
    root = _course(tmp_path)
    bad = root / "en" / "02-bad.md"
    if kind == "binary":
        bad.write_bytes(b"\x00\x01\x02\xff\xfe")
    elif kind == "utf16":
        bad.write_text(LESSON.format(body="x"), encoding="utf-16")
    elif kind == "folder":
        bad.mkdir()
    elif kind == "broken-link":
        bad.symlink_to(tmp_path / "nowhere.md")
    else:
        os.mkfifo(bad)
    problems, _ = check_paths([root])
    assert any(str(bad) in p for p in problems), problems
    catalog, errors = load_catalog(root)
    assert catalog.get("t1-x", "en") is not None


@pytest.mark.parametrize("kind", ["deep", "binary", "fifo"])
def test_a_bad_glossary_is_reported(tmp_path: Path, kind: str) -> None:
    root = _course(tmp_path)
    glossary = root / "glossary.toml"
    if kind == "deep":
        glossary.write_text("a = " + "[" * 5000 + "]" * 5000, encoding="utf-8")
    elif kind == "binary":
        glossary.write_bytes(b"\x00\xff")
    else:
        os.mkfifo(glossary)
    problems, _ = check_paths([root])
    assert any(str(glossary) in p for p in problems), problems


@pytest.mark.parametrize("body", [
    "See [quit][r].\n\n[r]: lab:app.quit",
    "See [x][r].\n\n[r]: javascript:alert(1)",
    "<lab:app.quit>",
    "<file:///etc/passwd>",
    "[quit](\nlab:app.quit)",
    "````\n```\n````\n\n[q](lab:app.quit)",
    "![p](lab:app.quit)",
])
def test_links_are_read_as_the_app_renders_them(tmp_path: Path, body: str) -> None:
    """Reference links, autolinks, a destination on the next line and text after a longer
    fence are links the app renders, so the check must see them (found in review)."""
    problems, _ = check_paths([_course(tmp_path, body)])
    assert any("link" in p for p in problems), problems


@pytest.mark.parametrize("body", ["    [x](lab:app.quit)", "\\[x\\](lab:app.quit)",
                                  "````\n[x](lab:app.quit)\n```\n````"])
def test_what_is_not_a_link_is_not_flagged(tmp_path: Path, body: str) -> None:
    problems, _ = check_paths([_course(tmp_path, body)])
    assert problems == [], problems
