"""The lesson renderer (one widget per step): what each Markdown block becomes at a width,
Korean cell widths, text never read as markup, and links that name their index, not text."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.containers import VerticalScroll

from virtlab.ui.widgets.lesson_text import LessonText
from virtlab.ui.widgets.markdown_lines import layout, parse


def lines(source: str, width: int) -> list[str]:
    return [line.plain for line in layout(parse(source).blocks, width)]


def test_paragraphs_wrap_to_the_width_and_stand_apart() -> None:
    out = lines("one two three four five six\nseven.\n\nNext **bold** one.", 12)
    assert out == ["one two", "three four", "five six", "seven.", "", "Next bold", "one."]
    assert all(len(line) <= 12 for line in out)


def test_nested_lists_hang_under_their_bullets() -> None:
    out = lines("- first item wraps here\n  - nested one\n- second\n\n3. three\n4. four", 16)
    assert out[:4] == ["• first item", "  wraps here", "  ▪ nested one", "• second"]
    assert out[5:] == [" 3. three", " 4. four"]


def test_a_code_block_keeps_its_shape_and_is_padded() -> None:
    out = lines("```\n+--+\n|  |   wide line here\n```", 12)
    assert out[0].strip() == "" and out[-1].strip() == ""
    assert out[1].rstrip() == "+--+"  # too wide for padding 2: padding 0, never wrapped
    assert out[2].rstrip() == "|  |   wide line here"


def test_tables_are_framed_and_count_korean_as_two_cells() -> None:
    out = lines("| 이름 | vCPU |\n|---|--:|\n| 웹 | 2 |\n| db | 16 |", 40)
    assert out == [
        "┌──────┬──────┐",
        "│ 이름 │ vCPU │",
        "├──────┼──────┤",
        "│ 웹   │    2 │",
        "│ db   │   16 │",
        "└──────┴──────┘",
    ]


def test_a_narrow_table_wraps_its_cells_and_rules_every_row() -> None:
    out = lines("| setting | meaning |\n|---|---|\n| ratio | how many vCPUs per core |\n| x | y |", 24)
    assert all(len(line) <= 24 for line in out)
    assert sum(line.startswith("├") for line in out) == 2


def test_quotes_and_rules() -> None:
    out = lines("> quoted **text**\n\n---", 20)
    assert out == ["▌ quoted text", "", "─" * 20]


def test_lesson_text_is_never_markup_and_links_name_their_index() -> None:
    doc = parse("[red]x[/red] [b]y [go](lab:add_vm) and [web](https://example.com)")
    text = layout(doc.blocks, 80)[0]
    assert text.plain == "[red]x[/red] [b]y go and web"
    assert doc.hrefs == ["lab:add_vm", "https://example.com"]
    actions = [span.style.meta.get("@click") for span in text.spans if hasattr(span.style, "meta")]
    assert [a for a in actions if a] == ["link(0)", "link(1)"]


class OneStep(App[None]):
    def __init__(self, source: str) -> None:
        super().__init__()
        self.source = source
        self.clicked: list[str] = []

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield LessonText(self.source, id="text")

    def on_lesson_text_link_clicked(self, event: LessonText.LinkClicked) -> None:
        self.clicked.append(event.href)


async def test_a_click_on_a_link_posts_its_destination() -> None:
    app = OneStep("Try [adding a VM](lab:add_vm) now.")
    async with app.run_test(size=(40, 6)) as pilot:
        await pilot.click("#text", offset=(6, 0))
        await pilot.pause()
        assert app.clicked == ["lab:add_vm"]
        await app.query_one(LessonText).action_link(7)  # no such link: nothing
        assert app.clicked == ["lab:add_vm"]


async def test_a_wide_code_block_scrolls_sideways_and_the_text_wraps_to_the_pane() -> None:
    app = OneStep("Some words that wrap in a narrow pane.\n\n```\n" + "x" * 60 + "\n```")
    async with app.run_test(size=(30, 12)) as pilot:
        await pilot.pause()
        text = app.query_one(LessonText)
        assert text.content_size.width >= 60
        assert text.lines(text._wrap_width)[0].cell_length <= 28
        scroll = app.query_one(VerticalScroll)
        assert scroll.max_scroll_x > 0


def test_a_folded_word_does_not_leave_its_full_stop_alone_on_a_line() -> None:
    out = lines("이것이 오버커밋(overcommit)입니다.", 26)
    assert out == ["이것이", "오버커밋(overcommit)입니", "다."]
    assert all(not line.startswith(".") for line in out)
    # A run of punctuation moves down with the character before it; half a Latin word never.
    assert lines("- 가나다라마바사아자차카타). 끝", 26) == ["• 가나다라마바사아자차카", "  타). 끝"]
    assert lines("- 하이퍼바이저(bare-metal): 하드웨어 위에서", 26)[:2] == [
        "• 하이퍼바이저(bare-metal)", "  : 하드웨어 위에서"]
    # A break at a space is left alone, whatever follows it.
    assert lines("to ~100 % utilization of it", 8)[:2] == ["to ~100", "%"]
