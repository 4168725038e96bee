"""Lesson files: front matter, sections, errors naming file and field, the catalog checks."""

from __future__ import annotations

from pathlib import Path

import pytest

from virtlab.course.lessons import CourseFileError, load_catalog, parse_lesson
from virtlab.course.paths import lessons_dir

FRONT = """\
+++
id = "{id}"
title = "{title}"
track = "{track}"
order = {order}
lab = "l1-carve-a-host"
minutes = 15
summary = "One sentence."
+++
"""
BODY = "## First step\nText one.\n\n## Second step\nText two.\n"


def lesson_text(
    lesson_id: str = "l1-what",
    title: str = "What",
    track: str = "foundations",
    order: int = 1,
    body: str = BODY,
) -> str:
    return FRONT.format(id=lesson_id, title=title, track=track, order=order) + body


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def twins(root: Path, name: str = "01-what.md", **kwargs: object) -> None:
    write(root / "en" / name, lesson_text(**kwargs))  # type: ignore[arg-type]
    write(root / "ko" / name, lesson_text(**{**kwargs, "title": "무엇"}))  # type: ignore[arg-type]


# --- parse_lesson -------------------------------------------------------------------------


def test_parse_valid_lesson(tmp_path: Path) -> None:
    path = write(tmp_path / "01-what.md", lesson_text())
    lesson = parse_lesson(path, "en")
    assert (lesson.id, lesson.lang, lesson.track, lesson.order) == (
        "l1-what",
        "en",
        "foundations",
        1,
    )
    assert lesson.lab == "l1-carve-a-host" and lesson.minutes == 15 and lesson.path == path
    assert [(s.title, s.body) for s in lesson.sections] == [
        ("First step", "Text one."),
        ("Second step", "Text two."),
    ]


def test_intro_before_first_heading_is_an_untitled_section(tmp_path: Path) -> None:
    path = write(tmp_path / "01-x.md", lesson_text(body="Welcome.\n\n## Step\nBody\n"))
    sections = parse_lesson(path, "en").sections
    assert [(s.title, s.body) for s in sections] == [("", "Welcome."), ("Step", "Body")]


def test_fenced_code_with_heading_inside_is_not_split(tmp_path: Path) -> None:
    body = (
        "## Step\nBefore\n```markdown\n## not a step\n```\n~~~~\n## nor this\n```\n~~~~\n"
        "### a subheading stays\n## Next\nAfter\n"
    )
    path = write(tmp_path / "01-x.md", lesson_text(body=body))
    sections = parse_lesson(path, "en").sections
    assert [s.title for s in sections] == ["Step", "Next"]
    assert "## not a step" in sections[0].body and "## nor this" in sections[0].body
    assert "### a subheading stays" in sections[0].body


def test_crlf_and_bom_are_accepted(tmp_path: Path) -> None:
    path = tmp_path / "01-x.md"
    path.write_bytes(("\ufeff" + lesson_text()).replace("\n", "\r\n").encode("utf-8"))
    assert len(parse_lesson(path, "en").sections) == 2


@pytest.mark.parametrize(
    ("text", "field", "problem"),
    [
        (lesson_text(order=0), "front matter.order", "at least 1"),
        (lesson_text(track="compute"), "front matter.track", "not one of"),
        (lesson_text(lesson_id="Bad Id"), "front matter.id", "a-z"),
        (lesson_text().replace('title = "What"\n', ""), "front matter.title", "missing"),
        (
            lesson_text().replace("minutes = 15", "minutes = 15\ncolour = 1"),
            "front matter.colour",
            "unknown key",
        ),
        (
            lesson_text().replace("order = 1", "order = "),
            "front matter",
            "TOML syntax error at line 5",
        ),
        ("## Step\nno front matter\n", "front matter", "missing"),
        ("+++\nid = 'x'\n## Step\n", "front matter", "not closed"),
        (lesson_text(body="\n   \n"), "body", "empty"),
        (lesson_text(body="Just prose, no steps.\n"), "body", "no '## ' section"),
        (lesson_text(body="## Step\n```\nunclosed\n"), "body", "never closed"),
    ],
)
def test_parse_errors_name_file_and_field(
    tmp_path: Path, text: str, field: str, problem: str
) -> None:
    path = write(tmp_path / "01-bad.md", text)
    with pytest.raises(CourseFileError) as caught:
        parse_lesson(path, "en")
    error = caught.value
    assert (error.path, error.field) == (path, field)
    assert problem in error.problem
    assert str(error) == f"{path}: {field}: {error.problem}"


def test_a_300_line_lesson_reads_into_its_steps(tmp_path: Path) -> None:
    """Its speed is ``benchmarks/bench_lesson_parse.py``'s to time; here, what it reads."""
    steps = "".join(
        f"## Step {i}\n" + "Some text with `code`.\n" * 28 + "```\n## x\n```\n" for i in range(10)
    )
    path = write(tmp_path / "01-long.md", lesson_text(body=steps))
    assert len(path.read_text().splitlines()) >= 300
    lesson = parse_lesson(path, "en")  # raises on a problem
    assert [s.title for s in lesson.sections if s.title] == [f"Step {i}" for i in range(10)]
    assert all("## x" in s.body for s in lesson.sections if s.title)  # a fence is not a step


# --- load_catalog -------------------------------------------------------------------------


def test_catalog_of_good_twins_has_no_problems(tmp_path: Path) -> None:
    twins(tmp_path, "01-what.md")
    twins(tmp_path, "05-over.md", lesson_id="l5-over", track="server", order=5)
    twins(tmp_path, "02-types.md", lesson_id="l2-types", order=2)
    catalog, problems = load_catalog(tmp_path)
    assert problems == []
    tracks = catalog.tracks("ko")
    assert list(tracks) == ["foundations", "server"]
    assert [lesson.id for lesson in tracks["foundations"]] == ["l1-what", "l2-types"]
    assert catalog.get("l1-what", "ko").title == "무엇"  # type: ignore[union-attr]
    assert [lesson.id for lesson in catalog.ordered("en")] == ["l1-what", "l2-types", "l5-over"]


def test_get_falls_back_to_english(tmp_path: Path) -> None:
    write(tmp_path / "en" / "01-what.md", lesson_text())
    (tmp_path / "ko").mkdir()
    catalog, _ = load_catalog(tmp_path)
    assert catalog.get("l1-what", "ko").lang == "en"  # type: ignore[union-attr]
    assert catalog.get("nope", "ko") is None
    assert [lesson.lang for lesson in catalog.tracks("ko")["foundations"]] == ["en"]


def test_missing_twins_are_reported_both_ways(tmp_path: Path) -> None:
    write(tmp_path / "en" / "01-what.md", lesson_text())
    write(tmp_path / "ko" / "02-only-ko.md", lesson_text(lesson_id="l2-only", order=2))
    catalog, problems = load_catalog(tmp_path)
    messages = [str(p) for p in problems]
    assert any("01-what.md: file: no Korean twin" in m for m in messages)
    assert any("02-only-ko.md: file: no English twin" in m for m in messages)
    assert catalog.get("l1-what", "en") is not None  # still usable


def test_twins_whose_ids_differ_are_reported(tmp_path: Path) -> None:
    write(tmp_path / "en" / "01-what.md", lesson_text())
    write(tmp_path / "ko" / "01-what.md", lesson_text(lesson_id="l1-other"))
    _, problems = load_catalog(tmp_path)
    assert [(p.path.parent.name, p.field) for p in problems] == [("ko", "front matter.id")]
    assert "'l1-other'" in problems[0].problem and "'l1-what'" in problems[0].problem


def test_duplicate_ids_are_reported(tmp_path: Path) -> None:
    twins(tmp_path, "01-what.md")
    twins(tmp_path, "02-again.md", order=2)
    _, problems = load_catalog(tmp_path)
    assert {(p.path.name, p.field) for p in problems} == {("02-again.md", "front matter.id")}
    assert all("duplicate id 'l1-what'" in p.problem for p in problems)


def test_bad_files_are_collected_not_raised(tmp_path: Path) -> None:
    twins(tmp_path, "01-what.md")
    write(tmp_path / "en" / "02-bad.md", lesson_text(order=0, track="nowhere", body=""))
    write(tmp_path / "ko" / "02-bad.md", lesson_text(lesson_id="l2-bad", order=2))
    write(tmp_path / "en" / "notes.md", lesson_text(lesson_id="l9-notes"))
    catalog, problems = load_catalog(tmp_path)
    found = {(p.path.name, p.field) for p in problems}
    assert {
        ("02-bad.md", "front matter.order"),
        ("02-bad.md", "front matter.track"),
        ("02-bad.md", "body"),
        ("notes.md", "file"),
    } <= found
    assert catalog.get("l1-what", "en") is not None
    assert catalog.get("l2-bad", "ko") is not None and catalog.get("l2-bad", "en") is None


def test_missing_language_folder_is_reported(tmp_path: Path) -> None:
    write(tmp_path / "en" / "01-what.md", lesson_text())
    _, problems = load_catalog(tmp_path)
    assert [(p.path, p.field) for p in problems] == [(tmp_path / "ko", "folder")]


def test_nearest_ids(tmp_path: Path) -> None:
    twins(tmp_path, "01-what.md", lesson_id="l1-what-is-virtualization")
    twins(tmp_path, "05-over.md", lesson_id="l5-overcommit", track="server", order=5)
    twins(tmp_path, "08-lvm.md", lesson_id="l8-lvm", track="storage", order=8)
    catalog, _ = load_catalog(tmp_path)
    assert catalog.nearest_ids("l5")[0] == "l5-overcommit"
    assert catalog.nearest_ids("l5-overcomit")[0] == "l5-overcommit"
    assert catalog.nearest_ids("l8-lmv")[0] == "l8-lvm"
    assert catalog.nearest_ids("zzzzzz") == []
    assert len(catalog.nearest_ids("l", n=2)) == 2


def test_real_lessons_folder_has_no_problems() -> None:
    root = lessons_dir()
    if not any((root / "en").glob("*.md")):
        pytest.skip("lessons/en is empty")
    _, problems = load_catalog(root)
    assert [str(p) for p in problems] == []
