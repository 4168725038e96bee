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
  { id = "b", text = { en = "on the hardware", ko = "하드웨어 위" }, correct = true, why = { en = "Bare metal.", ko = "베어메탈입니다." } },
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
