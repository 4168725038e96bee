"""Pilot tests of the quiz panel: choice, order and classify answered right and wrong."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.app import App, ComposeResult

from virtlab.course.labs import load_lab
from virtlab.course.session import LabSession
from virtlab.ui.widgets.quiz_panel import QuizPanel

QUIZ = """
[lab]
id = "test-quiz"
kind = "quiz"
title = { en = "Test quiz", ko = "시험 퀴즈" }
actions = []

[[question]]
id = "pick"
type = "choice"
prompt = { en = "Where does ESXi run?", ko = "ESXi는 어디에서 실행됩니까?" }
options = [
  { id = "a", text = { en = "on a host OS", ko = "호스트 운영체제 위" }, why = { en = "ESXi has no host OS.", ko = "ESXi에는 호스트 운영체제가 없습니다." } },
  { id = "b", text = { en = "on the hardware", ko = "하드웨어 위" }, correct = true, why = { en = "Right: ESXi runs on bare metal, with no host OS underneath it at all, so nothing sits between it and the hardware.", ko = "맞습니다. ESXi는 베어메탈에서 실행됩니다." } },
]
hints = [ { en = "Type 1.", ko = "Type 1." } ]

[[question]]
id = "stack"
type = "order"
prompt = { en = "Order VirtualBox's layers from the hardware up.", ko = "아래에서 위로 놓으세요." }
items = [
  { id = "vbox", text = { en = "VirtualBox", ko = "VirtualBox" } },
  { id = "hw", text = { en = "hardware", ko = "하드웨어" } },
  { id = "os", text = { en = "host OS", ko = "호스트 운영체제" } },
]
answer = ["hw", "os", "vbox"]
hints = [ { en = "Hardware first.", ko = "하드웨어가 먼저." } ]

[[question]]
id = "kinds"
type = "classify"
prompt = { en = "Type 1 or type 2?", ko = "Type 1 또는 Type 2?" }
items = [
  { id = "esxi", text = { en = "ESXi", ko = "ESXi" } },
  { id = "vbox", text = { en = "VirtualBox", ko = "VirtualBox" } },
]
categories = [
  { id = "t1", text = { en = "Type 1", ko = "Type 1" } },
  { id = "t2", text = { en = "Type 2", ko = "Type 2" } },
]
answer = { esxi = "t1", vbox = "t2" }
hints = [ { en = "Host OS?", ko = "호스트 운영체제?" } ]
"""


@pytest.fixture
def session(tmp_path: Path) -> LabSession:
    path = tmp_path / "quiz.toml"
    path.write_text(QUIZ, encoding="utf-8")
    lab, problems = load_lab(path)
    assert lab is not None, problems
    return LabSession(lab)


class QuizApp(App):
    def __init__(self, session: LabSession, lang: str = "en") -> None:
        super().__init__()
        self.session = session
        self.lang = lang
        self.changes = 0

    def compose(self) -> ComposeResult:
        yield QuizPanel(self.session, self.lang, id="quiz")

    def on_mount(self) -> None:
        self.query_one(QuizPanel).focus()

    def on_quiz_panel_changed(self, _message: QuizPanel.Changed) -> None:
        self.changes += 1


def met(session: LabSession, qid: str) -> bool:
    return next(r for r in session.results() if r.id == qid).met


async def test_choice_wrong_then_right(session: LabSession) -> None:
    app = QuizApp(session)
    async with app.run_test(size=(100, 40)) as pilot:
        panel = app.query_one(QuizPanel)
        await pilot.press("enter")  # option a: wrong
        assert session.answers["pick"] == "a"
        assert not met(session, "pick")
        assert "ESXi has no host OS." in panel.as_text()
        await pilot.press("down", "enter")
        assert met(session, "pick")
        assert app.changes == 2
        # Once right, every wrong option's explanation is shown.
        assert "✗ ESXi has no host OS." in panel.as_text()


async def test_order_with_keys(session: LabSession) -> None:
    app = QuizApp(session)
    async with app.run_test(size=(100, 40)) as pilot:
        panel = app.query_one(QuizPanel)
        await pilot.press("down", "down")  # to the order question's first item (vbox)
        assert panel.q == 1 and panel.row == 0
        await pilot.press("s")
        assert not met(session, "stack")
        await pilot.press("J", "J")  # vbox to the bottom: hw, os, vbox
        assert panel.orders["stack"] == ["hw", "os", "vbox"]
        await pilot.press("s")
        assert met(session, "stack")
        await pilot.press("alt+up")
        assert panel.orders["stack"] == ["hw", "vbox", "os"]


async def test_the_cursor_follows_the_moved_item(session: LabSession) -> None:
    """Part of #8: after J the ▸ is on the item that moved, where the next J acts."""
    app = QuizApp(session)
    async with app.run_test(size=(100, 40)) as pilot:
        panel = app.query_one(QuizPanel)
        await pilot.press("down", "down")
        first = next(line for line in panel.as_text().splitlines() if "▸" in line)
        await pilot.press("J")
        await pilot.pause()
        assert panel.row == 1
        marked = [line for line in panel.as_text().splitlines() if "▸" in line]
        assert len(marked) == 1 and marked[0].replace("▸", "").strip().split()[-1] == (
            first.replace("▸", "").strip().split()[-1])


async def test_classify_with_number_keys(session: LabSession) -> None:
    app = QuizApp(session)
    async with app.run_test(size=(100, 40)) as pilot:
        panel = app.query_one(QuizPanel)
        panel.q, panel.row = 2, 0
        await pilot.press("s")  # nothing assigned yet: not submitted
        assert "kinds" not in session.answers
        await pilot.press("2", "down", "2", "s")
        assert session.answers["kinds"] == {"esxi": "t2", "vbox": "t2"}
        assert not met(session, "kinds")
        await pilot.press("up", "1", "s")
        assert met(session, "kinds")


async def test_quiz_set_lang_and_text(session: LabSession) -> None:
    app = QuizApp(session)
    async with app.run_test(size=(80, 24)) as pilot:
        panel = app.query_one(QuizPanel)
        panel.choose("pick", "a")
        panel.set_lang("ko")
        await pilot.pause()
        text = panel.as_text()
        assert "ESXi는 어디에서 실행됩니까?" in text
        assert "ESXi에는 호스트 운영체제가 없습니다." in text


async def test_feedback_says_the_label_once(session: LabSession) -> None:
    app = QuizApp(session)
    async with app.run_test(size=(100, 40)):
        panel = app.query_one(QuizPanel)
        panel.choose("pick", "b")
        text = panel.as_text()
        assert "✓ Right: ESXi runs on bare metal" in text
        assert "Right. Right" not in text
        panel.submit("stack")  # initial order vbox, hw, os: all three out of place
        assert "✗ Not yet. Out of place: VirtualBox, hardware, host OS." in panel.as_text()
        panel.orders["stack"] = ["hw", "os", "vbox"]
        panel.submit("stack")
        lines = panel.as_text().splitlines()
        assert "   ✓ Right." in lines  # no "correct" after it
        panel.assign("kinds", "esxi", "t2")
        panel.assign("kinds", "vbox", "t2")
        panel.submit("kinds")
        text = panel.as_text()
        assert "In the wrong category: ESXi." in text
        assert "wrong: esxi" not in text
        panel.set_lang("ko")
        text = panel.as_text()
        assert "분류가 틀린 항목: ESXi" in text
        assert "✓ 맞습니다. ESXi는" in text and "정답입니다. 맞습니다" not in text


def _limited(tmp_path: Path) -> LabSession:
    text = QUIZ.replace('answer = { esxi = "t1", vbox = "t2" }\n',
                        'answer = { esxi = "t1", vbox = "t2" }\nmax_wrong = 1\n'
                        'reread = { en = "the step “Type 1”", ko = "“타입 1” 단계" }\n'
                        'feedback = [ { when = { esxi = "t2" }, text = { en = "ESXi has no host OS under it.", '
                        'ko = "ESXi 아래에는 호스트 OS가 없습니다." } } ]\n')
    path = tmp_path / "limited.toml"
    path.write_text(text, encoding="utf-8")
    lab, problems = load_lab(path)
    assert lab is not None, problems
    return LabSession(lab)


async def test_wrong_tries_the_lock_and_reset_show_in_the_panel(tmp_path: Path) -> None:
    session = _limited(tmp_path)
    app = QuizApp(session)
    async with app.run_test(size=(100, 40)) as pilot:
        panel = app.query_one(QuizPanel)
        assert "Wrong answers: 0 of 1 allowed" in panel.as_text()
        panel.choose("pick", "a")
        assert "Wrong answers so far: 1" in panel.as_text()  # no limit: only counted
        for _ in range(2):
            panel.assign("kinds", "esxi", "t2")
            panel.assign("kinds", "vbox", "t2")
            panel.submit("kinds")
        text = panel.as_text()
        assert "ESXi has no host OS under it." in text  # the targeted explanation
        assert "Locked after 2 wrong answers (1 allowed). Re-read the step “Type 1”" in text
        panel.assign("kinds", "esxi", "t1")
        panel.submit("kinds")
        assert not met(session, "kinds")  # the right answer no longer counts
        assert "This question is locked: that answer was not taken." in panel.as_text()
        panel.set_lang("ko")
        await pilot.pause()
        assert "2번 틀려서 잠겼어요(최대 1번). “타입 1” 단계를 다시 읽은 뒤" in panel.as_text()
        panel.set_lang("en")
        panel.q, panel.row = 2, 0
        await pilot.press("R")
        await pilot.pause()
        await pilot.press("enter")  # the dialog's first choice: reset
        await pilot.pause()
        assert session.wrong == {} and session.answers == {}
        assert "Wrong answers: 0 of 1 allowed" in panel.as_text()
        assert "Locked" not in panel.as_text()


async def test_wrapped_feedback_keeps_its_indent(session: LabSession) -> None:
    app = QuizApp(session)
    async with app.run_test(size=(50, 40)) as pilot:
        panel = app.query_one(QuizPanel)
        await pilot.pause()
        panel.choose("pick", "b")
        lines = panel.as_text().splitlines()
        first = next(i for i, line in enumerate(lines) if line.startswith("   ✓ Right: ESXi"))
        assert lines[first + 1].startswith("     ") and lines[first + 1].strip()


def long_quiz(n: int = 7) -> str:
    out = ['[lab]\nid = "long"\nkind = "quiz"\ntitle = { en = "Long", ko = "긴 퀴즈" }\nactions = []\n']
    for k in range(1, n + 1):
        opts = ", ".join(
            f'{{ id = "o{j}", text = {{ en = "Option {j} of question {k}, long enough to wrap '
            f'at eighty columns when the lesson pane takes its share", ko = "{k}번 문제의 보기 {j}" }}, '
            f'why = {{ en = "Because.", ko = "그래서." }}{", correct = true" if j == 1 else ""} }}' for j in range(1, 5))
        out.append(f'[[question]]\nid = "q{k}"\ntype = "choice"\n'
                   f'prompt = {{ en = "Question {k}: which one is right?", ko = "{k}번 문제" }}\n'
                   f'options = [{opts}]\nhints = [ {{ en = "Read it.", ko = "읽어 보세요." }} ]\n')
    return "\n".join(out)


@pytest.mark.parametrize("size", [(120, 36), (80, 24)])
async def test_cursor_question_stays_on_screen(tmp_path: Path, size: tuple[int, int]) -> None:
    path = tmp_path / "long.toml"
    path.write_text(long_quiz(), encoding="utf-8")
    lab, problems = load_lab(path)
    assert lab is not None, problems
    app = QuizApp(LabSession(lab))
    async with app.run_test(size=size) as pilot:
        panel = app.query_one(QuizPanel)
        await pilot.pause()
        assert panel.max_scroll_y > 0  # the quiz is taller than the screen: it must scroll

        def on_screen() -> bool:
            top = panel.scroll_y
            return top <= panel.cursor_line() < top + panel.scrollable_content_region.height

        for _ in range(7 * 4 - 1):
            await pilot.press("down")
            assert on_screen(), (panel.q, panel.row, panel.cursor_line(), panel.scroll_y)
        assert panel.q == 6
        svg = app.export_screenshot().replace("&#160;", " ")
        assert "Question 7: which one is right?" in svg
        await pilot.press("enter")
        await pilot.pause()
        assert "q7" in panel.session.answers
        for _ in range(7 * 4 - 1):
            await pilot.press("up")
            assert on_screen()
        assert panel.scroll_y == 0


def test_one_help_entry_for_the_digits() -> None:
    digits = [b for b in QuizPanel.BINDINGS if "assign" in b.action]
    assert len(digits) == 1 and digits[0].key_display == "1–9" and not digits[0].show
