"""``virtlab present WALKTHROUGH --notes``: the presenter's notes in a second terminal.

It shows the current cue (its step, what to say, the question to ask, the goals to reveal,
the misconception it is about), the timer against the plan, and the next cue. It follows
the projector through the shared :class:`~virtlab.course.presenting.CueFile`, and drives it:
PageDown / PageUp move the cue for both. ``q`` closes the notes only: the audience view stays
open on its cue (a presenter restarting the notes should not make the room's screen vanish).
"""

from __future__ import annotations

import time

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from virtlab.course.i18n import t
from virtlab.course.labs import Lab
from virtlab.course.lessons import Lesson
from virtlab.course.presenting import CueFile
from virtlab.course.walkthrough import Walkthrough

POLL_S = 0.3


def _clock(seconds: float) -> str:
    m, s = divmod(int(seconds), 60)
    return f"{m}:{s:02d}"


def notes_text(w: Walkthrough, lesson: Lesson, lab: Lab | None, cue: int, lang: str,
               elapsed_s: float, cue_elapsed_s: float, *, beside_lesson: bool = False) -> str:
    """The notes for cue ``cue`` as plain text (the widget shows it without markup);
    ``beside_lesson``: shown under the lesson on the one screen (F2), not in their own terminal."""
    c = w.cue[cue]
    total = len(w.cue)

    def step_title(step: int) -> str:
        i = min(step, len(lesson.sections)) - 1
        return lesson.sections[i].title or t("lesson.intro", lang)

    lines = [t("present.notes_title", lang, title=w.walkthrough.title.get(lang)), "",
             t("present.cue_line", lang, n=cue + 1, total=total, step=c.step, step_title=step_title(c.step),
               minutes=c.minutes),
             t("present.elapsed", lang, elapsed=_clock(elapsed_s), planned=_clock(w.minutes * 60),
               cue_elapsed=_clock(cue_elapsed_s), cue_minutes=c.minutes), "", c.say.get(lang), ""]
    if lab is not None:
        if c.ask is not None:
            q = next(q for q in lab.questions if q.id == c.ask)
            lines.append(t("present.ask", lang, question=q.prompt.get(lang).splitlines()[0]))
        if c.reveal:
            texts = {g.id: g.text.get(lang) for g in lab.goals}
            lines.append(t("present.reveal", lang, goals="; ".join(texts.get(g, g) for g in c.reveal)))
        if c.misconception is not None:
            m = next(m for m in lab.misconceptions if m.id == c.misconception)
            lines.append(t("present.misconception", lang, text=m.text.get(lang)))
    lines.append("")
    if cue + 1 < total:
        nxt = w.cue[cue + 1]
        lines.append(t("present.next", lang, n=cue + 2, step=nxt.step, step_title=step_title(nxt.step)))
    else:
        lines.append(t("present.last", lang))
    if beside_lesson:  # the notes may be cut at the bottom of the screen: keys first
        lines[1:1] = [t("present.keys_here", lang)]
    else:
        lines += ["", t("present.keys", lang)]
    return "\n".join(lines)


class NotesApp(App[None]):
    """The presenter's notes, following the projector."""

    CSS = """
    #notes { padding: 1 2; }
    """
    BINDINGS = [
        Binding("pagedown", "move(1)", "Next cue", priority=True),
        Binding("pageup", "move(-1)", "Previous cue", priority=True),
        Binding("q", "quit", "Quit"),
    ]

    def __init__(self, walkthrough: Walkthrough, lesson: Lesson, lab: Lab | None, cue_file: CueFile,
                 lang: str) -> None:
        super().__init__()
        self.walkthrough, self.lesson, self.lab = walkthrough, lesson, lab
        self.cue_file, self.lang = cue_file, lang
        self.cue = cue_file.read() or 0
        self.started = self.cue_started = time.monotonic()

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static("", id="notes", markup=False)

    def on_mount(self) -> None:
        self._draw()
        self.set_interval(POLL_S, self._follow)
        self.set_interval(1.0, self._draw)

    def _draw(self) -> None:
        now = time.monotonic()
        text = notes_text(self.walkthrough, self.lesson, self.lab, self.cue, self.lang,
                          now - self.started, now - self.cue_started)
        self.query_one("#notes", Static).update(Content(text))

    def _go(self, cue: int, *, share: bool) -> None:
        cue = max(0, min(cue, len(self.walkthrough.cue) - 1))
        if cue != self.cue:
            self.cue, self.cue_started = cue, time.monotonic()
        if share:
            self.cue_file.write(cue)
        self._draw()

    def action_move(self, delta: int) -> None:
        self._go(self.cue + delta, share=True)

    def _follow(self) -> None:
        shared = self.cue_file.read()
        if shared is not None and shared != self.cue and shared < len(self.walkthrough.cue):
            self._go(shared, share=False)
