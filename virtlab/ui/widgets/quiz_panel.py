"""The quiz panel: a quiz lab's questions — choice, order, classify — answered from the keyboard.

Keys: up/down move the cursor (across questions at the edges); enter/space choose an option;
alt+up/alt+down (or K/J) move an item of an order question; 1–9 put a classify item in a
category; s submits the current order / classify question. Answers go through
``LabSession.answer``; the verdict (and, for choices, why each wrong option is wrong) is
shown under the question, and :class:`QuizPanel.Changed` is posted.
"""

from __future__ import annotations

from typing import Any

from textual.binding import Binding
from textual.message import Message
from textual.widgets import Static

from virtlab.course.i18n import t
from virtlab.course.labs import Question
from virtlab.course.session import LabSession, Result
from virtlab.ui.widgets.labtext import Lines


class QuizPanel(Static, can_focus=True):
    """All questions of a quiz lab with a keyboard cursor."""

    DEFAULT_CSS = """
    QuizPanel { height: auto; padding: 0 1; }
    """

    BINDINGS = [
        Binding("up", "cursor(-1)", "Up", show=False),
        Binding("down", "cursor(1)", "Down", show=False),
        Binding("enter,space", "choose", "Choose"),
        Binding("alt+up,K", "move_item(-1)", "Move up"),
        Binding("alt+down,J", "move_item(1)", "Move down"),
        Binding("s", "submit", "Submit"),
        *[Binding(str(n), f"assign({n})", f"Category {n}", show=False) for n in range(1, 10)],
    ]

    class Changed(Message):
        """A question was answered."""

        def __init__(self, session: LabSession) -> None:
            super().__init__()
            self.session = session

    def __init__(self, session: LabSession, lang: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.session = session
        self.lang = lang
        self.questions: list[Question] = list(session.lab.questions) if session.lab else []
        self.q = 0  # current question
        self.row = 0  # cursor row inside it
        self.orders: dict[str, list[str]] = {q.id: [i.id for i in q.items]
                                             for q in self.questions if q.type == "order"}
        self.classes_: dict[str, dict[str, str]] = {q.id: {} for q in self.questions
                                                    if q.type == "classify"}
        self.results: dict[str, Result] = {}
        self.notice = ""
        self._lines = Lines()

    def on_mount(self) -> None:
        self.refresh_view()

    # ------------------------------------------------------------------ public

    def set_lang(self, lang: str) -> None:
        self.lang = lang
        self.refresh_view()

    def as_text(self) -> str:
        return self._lines.plain()

    def question(self, qid: str) -> Question:
        return next(q for q in self.questions if q.id == qid)

    def choose(self, qid: str, option_id: str) -> Result:
        return self._answer(qid, option_id)

    def move_item(self, qid: str, index: int, delta: int) -> int:
        """Move item ``index`` of an order question by ``delta``; returns its new index."""
        order = self.orders[qid]
        new = max(0, min(len(order) - 1, index + delta))
        order.insert(new, order.pop(index))
        self.refresh_view()
        return new

    def assign(self, qid: str, item_id: str, category_id: str) -> None:
        self.classes_[qid][item_id] = category_id
        self.refresh_view()

    def submit(self, qid: str) -> Result | None:
        q = self.question(qid)
        if q.type == "order":
            return self._answer(qid, list(self.orders[qid]))
        if q.type == "classify":
            chosen = self.classes_[qid]
            if len(chosen) < len(q.items):
                self.notice = t("quiz.assign_all", self.lang, n=len(q.items) - len(chosen))
                self.refresh_view()
                return None
            return self._answer(qid, dict(chosen))
        return None

    def _answer(self, qid: str, value: Any) -> Result:
        result = self.session.answer(qid, value)
        self.results[qid] = result
        self.notice = ""
        self.refresh_view()
        self.post_message(self.Changed(self.session))
        return result

    # ------------------------------------------------------------------ rendering

    def _rows(self, q: Question) -> list[str]:
        if q.type == "choice":
            return [o.id for o in q.options]
        if q.type == "order":
            return self.orders[q.id]
        return [i.id for i in q.items]

    def refresh_view(self) -> None:
        out = Lines()
        lang = self.lang
        if not self.questions:
            out.line(t("quiz.none", lang))
        for n, q in enumerate(self.questions):
            current = n == self.q
            out.add(f"{n + 1}. ", "bold").line(q.prompt.get(lang), "bold")
            out.line("   " + t(f"quiz.how.{q.type}", lang), "$foreground-muted")
            result = self.results.get(q.id)
            answer = self.session.answers.get(q.id)
            for r, row_id in enumerate(self._rows(q)):
                cursor = current and r == self.row
                style = "reverse" if cursor and self.has_focus else "bold" if cursor else ""
                prefix = "▸ " if cursor else "  "
                if q.type == "choice":
                    opt = next(o for o in q.options if o.id == row_id)
                    mark = "●" if answer == opt.id else "○"
                    out.add(f" {prefix}{mark} {opt.text.get(lang)}", style).nl()
                    if result is not None and result.met and not opt.correct and opt.why:
                        out.line(f"       ✗ {opt.why.get(lang)}", "$foreground-muted")
                elif q.type == "order":
                    item = next(i for i in q.items if i.id == row_id)
                    out.add(f" {prefix}{r + 1}) {item.text.get(lang)}", style).nl()
                else:
                    item = next(i for i in q.items if i.id == row_id)
                    cat_id = self.classes_[q.id].get(row_id)
                    cat = next((c.text.get(lang) for c in q.categories if c.id == cat_id), "?")
                    out.add(f" {prefix}{item.text.get(lang)} → ", style).add(f"[{cat}]", "bold").nl()
            if q.type == "classify":
                cats = " · ".join(f"{k + 1} {c.text.get(lang)}" for k, c in enumerate(q.categories))
                out.line("   " + t("quiz.categories", lang, categories=cats), "$foreground-muted")
            if result is not None:
                ok = result.met
                out.add("   ✓ " if ok else "   ✗ ", "bold $success" if ok else "bold $error")
                out.line(t("quiz.right" if ok else "quiz.wrong", lang) + " " + result.verdict.text(lang))
            if current and self.notice:
                out.line("   " + self.notice, "$warning")
            out.nl()
        self._lines = out
        self.update(out.content())

    def on_focus(self) -> None:
        self.refresh_view()

    def on_blur(self) -> None:
        self.refresh_view()

    # ------------------------------------------------------------------ keys

    def action_cursor(self, step: int) -> None:
        if not self.questions:
            return
        rows = len(self._rows(self.questions[self.q]))
        new = self.row + step
        if new < 0 and self.q > 0:
            self.q -= 1
            self.row = len(self._rows(self.questions[self.q])) - 1
        elif new >= rows and self.q < len(self.questions) - 1:
            self.q += 1
            self.row = 0
        else:
            self.row = max(0, min(rows - 1, new))
        self.refresh_view()

    def action_choose(self) -> None:
        if not self.questions:
            return
        q = self.questions[self.q]
        if q.type == "choice":
            self.choose(q.id, q.options[self.row].id)
        else:
            self.submit(q.id)

    def action_move_item(self, delta: int) -> None:
        if self.questions and self.questions[self.q].type == "order":
            self.row = self.move_item(self.questions[self.q].id, self.row, delta)

    def action_assign(self, n: int) -> None:
        if not self.questions:
            return
        q = self.questions[self.q]
        if q.type == "classify" and n <= len(q.categories):
            self.assign(q.id, q.items[self.row].id, q.categories[n - 1].id)

    def action_submit(self) -> None:
        if self.questions:
            self.submit(self.questions[self.q].id)
