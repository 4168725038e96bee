"""The quiz panel: a quiz lab's questions — choice, order, classify — answered from the keyboard.

Keys: up/down move the cursor (across questions at the edges); enter/space choose an option;
alt+up/alt+down (or K/J) move an item of an order question; 1–9 put a classify item in a
category; s submits the current order / classify question; R resets the lab (after asking).
Answers go through
``LabSession.answer``; the feedback (:func:`virtlab.course.quiz.feedback`, in the student's
language, the same words the goals list uses) is shown under the question with the wrong
tries so far (and the limit, or the lock, of a question with ``max_wrong``), and
:class:`QuizPanel.Changed` is posted.

The panel scrolls: it is a scroll container whose body is pre-wrapped to its width (long
lines keep a hanging indent), so the line of the cursor is known exactly and kept in view.
"""

from __future__ import annotations

from typing import Any

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.geometry import Region
from textual.message import Message
from textual.reactive import var
from textual.widgets import Static

from virtlab.course.i18n import t
from virtlab.course.labs import Question
from virtlab.course.quiz import feedback, item_text, locked, tries_line
from virtlab.course.session import LabSession, Result
from virtlab.ui.widgets.choice_dialog import ChoiceDialog
from virtlab.ui.widgets.labtext import Lines
from virtlab.ui.widgets.repaint import needs_layout

DIGITS = "123456789"


class QuizPanel(VerticalScroll, can_focus=True):
    """All questions of a quiz lab with a keyboard cursor; scrolls to keep the cursor in view."""

    ALLOW_MAXIMIZE = True  # the lesson's z zooms the lab
    DEFAULT_CSS = """
    QuizPanel { height: 1fr; padding: 0 1; scrollbar-gutter: stable; }
    QuizPanel > #quiz-body { height: auto; width: 1fr; }
    """

    BINDINGS = [
        Binding("up", "cursor(-1)", "Up", show=False),
        Binding("down", "cursor(1)", "Down", show=False),
        Binding("enter,space", "choose", "Choose"),
        Binding("alt+up,K", "move_item(-1)", "Move up"),
        Binding("alt+down,J", "move_item(1)", "Move down"),
        Binding("s", "submit", "Submit"),
        Binding("R", "reset", "Reset"),
        # One entry for the help screen; the digits themselves are read in on_key.
        Binding(",".join(DIGITS), "assign", "Put the item in category 1–9", key_display="1–9",
                show=False),
    ]

    lang: var[str] = var("en", init=False)
    """The language of the questions and feedback (``en`` or ``ko``)."""

    class Changed(Message):
        """A question was answered."""

        def __init__(self, session: LabSession) -> None:
            super().__init__()
            self.session = session

    def __init__(self, session: LabSession, lang: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.session = session
        self.set_reactive(QuizPanel.lang, lang)
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
        self._plain: str | None = None
        self._width = 0
        #: Body line where each question starts and ends, and the cursor's line.
        self._spans: list[tuple[int, int]] = []
        self._cursor_line = 0

    def compose(self) -> ComposeResult:
        yield Static("", id="quiz-body")

    def on_mount(self) -> None:
        self.refresh_view()

    def on_resize(self) -> None:
        if self._body_width() != self._width:
            self.refresh_view()

    # ------------------------------------------------------------------ public

    def set_lang(self, lang: str) -> None:
        self.lang = lang

    def watch_lang(self) -> None:
        self.refresh_view()

    def as_text(self) -> str:
        return self._lines.plain()

    def question(self, qid: str) -> Question:
        return next(q for q in self.questions if q.id == qid)

    def cursor_line(self) -> int:
        """The body line the cursor is on (for scrolling and tests)."""
        return self._cursor_line

    def choose(self, qid: str, option_id: str) -> Result:
        return self._answer(qid, option_id)

    def move_item(self, qid: str, index: int, delta: int) -> int:
        """Move item ``index`` of an order question by ``delta``; returns its new index. The
        cursor follows the item it was on, so the next J/K moves the same item again."""
        order = self.orders[qid]
        new = max(0, min(len(order) - 1, index + delta))
        order.insert(new, order.pop(index))
        if self.questions and self.questions[self.q].id == qid and self.row == index:
            self.row = new
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

    def reset(self) -> None:
        """Clear every answer and wrong try (the session's reset) and the unsent ones here."""
        self.session.reset()
        self.orders = {q.id: [i.id for i in q.items] for q in self.questions if q.type == "order"}
        self.classes_ = {q.id: {} for q in self.questions if q.type == "classify"}
        self.results = {}
        self.notice = ""
        self.refresh_view()
        self.post_message(self.Changed(self.session))

    def _answer(self, qid: str, value: Any) -> Result:
        was_locked = locked(self.question(qid), self.session.wrong.get(qid, 0))
        result = self.session.answer(qid, value)
        self.results[qid] = result
        self.notice = t("quiz.tries.still_locked", self.lang) if was_locked else ""
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

    def _body_width(self) -> int:
        """Cells per body line: the panel's width less padding and the (always kept) scrollbar."""
        if not self.size.width:
            return 0
        return max(12, self.size.width - self.styles.gutter.width - self.styles.scrollbar_size_vertical)

    def refresh_view(self) -> None:
        out = Lines()
        lang = self.lang
        width = self._width = self._body_width()
        wrap_at = width or 78
        self._spans = []
        if not self.questions:
            out.line(t("quiz.none", lang))
        for n, q in enumerate(self.questions):
            start = out.rows
            current = n == self.q
            out.wrapped(f"{n + 1}. ", q.prompt.get(lang), wrap_at, "bold")
            out.wrapped("   ", t(f"quiz.how.{q.type}", lang), wrap_at, "$foreground-muted")
            result = self.results.get(q.id)
            answer = self.session.answers.get(q.id)
            for r, row_id in enumerate(self._rows(q)):
                cursor = current and r == self.row
                if cursor:
                    self._cursor_line = out.rows
                style = "reverse" if cursor and self.has_focus else "bold" if cursor else ""
                prefix = " ▸ " if cursor else "   "
                if q.type == "choice":
                    opt = next(o for o in q.options if o.id == row_id)
                    mark = "●" if answer == opt.id else "○"
                    out.wrapped(f"{prefix}{mark} ", opt.text.get(lang), wrap_at, style)
                    if result is not None and result.met and not opt.correct and opt.why:
                        out.wrapped("       ✗ ", opt.why.get(lang), wrap_at, "$foreground-muted")
                elif q.type == "order":
                    out.wrapped(f"{prefix}{r + 1}) ", item_text(q, row_id, lang), wrap_at, style)
                else:
                    cat_id = self.classes_[q.id].get(row_id)
                    cat = next((c.text.get(lang) for c in q.categories if c.id == cat_id), "?")
                    out.wrapped(prefix, f"{item_text(q, row_id, lang)} → [{cat}]", wrap_at, style)
            if q.type == "classify":
                cats = " · ".join(f"{k + 1} {c.text.get(lang)}" for k, c in enumerate(q.categories))
                out.wrapped("   ", t("quiz.categories", lang, categories=cats), wrap_at,
                            "$foreground-muted")
            said = feedback(q, answer, lang) if result is not None else None
            if said is not None:
                ok, text = said
                out.wrapped("   ✓ " if ok else "   ✗ ", text, wrap_at, "",
                            "bold $success" if ok else "bold $error")
            wrong = self.session.wrong.get(q.id, 0)
            tries = tries_line(q, wrong, lang)
            if tries:
                out.wrapped("   ", tries, wrap_at, "bold $warning" if locked(q, wrong)
                            else "$foreground-muted")
            if current and self.notice:
                out.wrapped("   ", self.notice, wrap_at, "$warning")
            self._spans.append((start, out.rows))
            out.nl()
        self._lines = out
        plain = out.plain()
        body = self.query_one("#quiz-body", Static) if self.is_mounted else None
        if body is not None:
            body.update(out.content(), layout=needs_layout(self._plain, plain, wrap_at))
            self._plain = plain
            self.call_after_refresh(self.scroll_to_cursor)

    def scroll_to_cursor(self) -> None:
        """Bring the cursor's question into view; if it is taller than the panel, the cursor."""
        if not self._spans or not self.is_mounted:
            return
        height = self.scrollable_content_region.height
        top, end = self._spans[min(self.q, len(self._spans) - 1)]
        line = self._cursor_line
        if end - top > height:
            top, end = max(top, line - 1), min(end, line + 2)
        self.scroll_to_region(Region(0, top, max(1, self._width), max(1, end - top)),
                              animate=False, immediate=True)

    def on_focus(self) -> None:
        self.refresh_view()

    def on_blur(self) -> None:
        self.refresh_view()

    # ------------------------------------------------------------------ keys

    def on_key(self, event: events.Key) -> None:
        if event.character is not None and event.character in DIGITS and len(event.character) == 1:
            event.stop()
            event.prevent_default()
            self.action_assign(int(event.character))

    #: The question types a key acts on (the key bar and help offer it only there).
    KEY_TYPES = {"move_item": ("order",), "assign": ("classify",), "submit": ("order", "classify")}

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        types = self.KEY_TYPES.get(action)
        if types is None:
            return super().check_action(action, parameters)
        return bool(self.questions) and self.questions[self.q].type in types

    def action_cursor(self, step: int) -> None:
        if not self.questions:
            return
        before = self.q
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
        self.notice = ""
        self.refresh_view()
        if self.q != before and self.questions[self.q].type != self.questions[before].type:
            self.refresh_bindings()

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
            self.move_item(self.questions[self.q].id, self.row, delta)

    def action_assign(self, n: int = 0) -> None:
        """Put the cursor's item in category ``n`` (1–9) of a classify question."""
        if not self.questions:
            return
        q = self.questions[self.q]
        if q.type == "classify" and 1 <= n <= len(q.categories):
            self.assign(q.id, q.items[self.row].id, q.categories[n - 1].id)

    def action_reset(self) -> None:
        """Ask before clearing the answers (the lab panel's R does the same for its work)."""
        if not self.session.answers and not self.session.wrong:
            return
        lang = self.lang
        self.app.push_screen(
            ChoiceDialog(t("labp.reset_title", lang),
                         [(t("labp.reset_yes", lang), "reset"), (t("labp.reset_no", lang), "keep")],
                         note=t("quiz.tries.reset_note", lang)),
            lambda choice: self.reset() if choice == "reset" else None)

    def action_submit(self) -> None:
        if self.questions:
            self.submit(self.questions[self.q].id)
