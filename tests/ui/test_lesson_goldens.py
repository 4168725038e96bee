"""Every step of every lesson, in both languages, as the student reads it beside the lab at
120×36 and at 80×24: recorded text the renderer must keep.

The lesson pane's text is 44 cells wide at 120×36 and 28 at 80×24, 2 fewer while the step
scrolls (its scroll bar); the goldens are at 44 and at 26 (at 80×24 nearly every step
scrolls), and ``test_the_golden_widths_are_the_apps`` checks those are the widths the app
lays a step out at. Styling is the snapshot tests' job; this is the text:
wrapping, tables, code blocks, lists and Korean cell widths. Re-record on purpose only, with
``VIRTLAB_UPDATE_GOLDEN=1 python -m pytest tests/ui/test_lesson_goldens.py``, and read the
diff before committing it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from rich.cells import cell_len

from virtlab.course.lessons import load_catalog
from virtlab.course.paths import lessons_dir
from virtlab.ui.app import make_app
from virtlab.ui.widgets.lesson_text import LessonText
from virtlab.ui.widgets.markdown_lines import layout, parse

GOLDEN = Path(__file__).parents[1] / "golden" / "lessons"
TEXT_WIDTH = {"120x36": 44, "80x24": 28}
"""Screen size → the lesson text's width beside the lab, when the step does not scroll."""
SCROLLBAR = 2
WIDTHS = {"120x36": TEXT_WIDTH["120x36"], "80x24": TEXT_WIDTH["80x24"] - SCROLLBAR}
"""Screen size → the width the goldens are laid out at."""

CATALOG, _PROBLEMS = load_catalog(lessons_dir())
LESSONS = sorted((lesson.lang, lesson.id) for lang in ("en", "ko")
                 for lesson in CATALOG.ordered(lang))


def rendered(lang: str, lesson_id: str, width: int) -> str:
    lesson = CATALOG.get(lesson_id, lang)
    assert lesson is not None
    out = [f"# {lesson.title} ({lang}, {width} cells)"]
    for n, section in enumerate(lesson.sections, 1):
        out += ["", f"## step {n}: {section.title}", ""]
        blocks = parse(section.body).blocks
        out += [f"|{line.plain.rstrip()}" for line in layout(blocks, width)]
        # Text wraps to the pane; only code blocks and tables may be wider (it scrolls).
        for block in blocks:
            if block.kind in ("paragraph", "heading"):
                wide = [ln.plain for ln in layout([block], width) if cell_len(ln.plain.rstrip()) > width]
                assert not wide, (lang, lesson_id, n, wide)
    return "\n".join(out) + "\n"


@pytest.mark.parametrize("size", WIDTHS)
@pytest.mark.parametrize(("lang", "lesson_id"), LESSONS, ids=[f"{lg}-{lid}" for lg, lid in LESSONS])
def test_every_step_renders_as_recorded(lang: str, lesson_id: str, size: str) -> None:
    text = rendered(lang, lesson_id, WIDTHS[size])
    golden = GOLDEN / lang / f"{lesson_id}.{size}.txt"
    if os.environ.get("VIRTLAB_UPDATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert golden.exists(), f"no golden {golden}; record with VIRTLAB_UPDATE_GOLDEN=1"
    assert text == golden.read_text(encoding="utf-8"), f"{golden} differs: read the diff"


def test_every_lesson_has_its_goldens_and_no_golden_is_stale() -> None:
    wanted = {GOLDEN / lang / f"{lid}.{size}.txt" for lang, lid in LESSONS for size in WIDTHS}
    assert len(LESSONS) >= 22
    assert set(GOLDEN.glob("*/*.txt")) == wanted


async def test_the_golden_widths_are_the_apps(tmp_path: Path) -> None:
    seen = set()
    for size in TEXT_WIDTH:
        cols, rows = map(int, size.split("x"))
        for lesson_id in ("l1-what-is-virtualization", "l9-ceph"):
            app = make_app(lang="en", data_dir=tmp_path, open_lesson=lesson_id)
            async with app.run_test(size=(cols, rows)) as pilot:
                await pilot.pause()
                await pilot.pause()
                body = app.screen.query_one("#lesson-body", LessonText)
                scrolls = app.screen.query_one("#lesson-scroll").show_vertical_scrollbar
                assert body._wrap_width == TEXT_WIDTH[size] - (SCROLLBAR if scrolls else 0)
                seen.add(scrolls)
    assert seen == {True, False}  # both cases were met
