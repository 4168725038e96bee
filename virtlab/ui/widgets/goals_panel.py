"""GoalsPanel: a lab's goals (or quiz questions), each live ✓/✗ with the engine's detail,
and the hints the student asked for, revealed one at a time (gentle → specific).

The panel never touches disk: it is given how many hints were already used per goal and
posts ``GoalsPanel.HintRevealed`` so the app can save the new count.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive, var
from textual.widgets import Static

from virtlab.course.i18n import t
from virtlab.ui.widgets.repaint import needs_layout

if TYPE_CHECKING:
    from virtlab.course.labs import Hint
    from virtlab.course.session import LabSession, Result


class GoalsPanel(VerticalScroll, can_focus=True):
    """Live goals with ✓/✗, the verdict detail and revealed hints."""

    BINDINGS = [
        Binding("up", "select(-1)", "select_previous_goal", show=False),
        Binding("down", "select(1)", "select_next_goal", show=False),
        Binding("enter", "toggle_hints", "toggle_hints", id="toggle-hints"),
    ]
    DEFAULT_CSS = """
    GoalsPanel { height: auto; max-height: 45%; padding: 0 1; }
    GoalsPanel > #goals-body { height: auto; }
    GoalsPanel.-all-met { border-title-color: $success; }
    """

    selected: reactive[int | None] = reactive(None)
    """Index of the goal the student picked with up/down (None: the first unmet one)."""
    lang: var[str] = var("en", init=False)
    """The language of the goals, verdicts and hints (``en`` or ``ko``)."""

    class HintRevealed(Message):
        """One more hint was revealed for ``goal_id`` (``count`` hints shown now)."""

        def __init__(self, panel: GoalsPanel, goal_id: str, count: int) -> None:
            super().__init__()
            self.panel = panel
            self.goal_id = goal_id
            self.count = count

        @property
        def control(self) -> GoalsPanel:
            return self.panel

    def __init__(self, session: LabSession | None, lang: str, hints_used: dict[str, int] | None = None,
                 *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.session = session
        self.set_reactive(GoalsPanel.lang, lang)
        self.hints_used: dict[str, int] = dict(hints_used or {})
        self.results: list[Result] = []
        self._body = Static("", id="goals-body")
        self.folded: set[str] = set()
        """Goals whose earlier hints are folded away (only the newest one shows)."""
        self._plain: str | None = None
        self._target_lines = (0, 0)
        self._reveal = False
        self.only: set[str] | None = None
        """When set (presenter mode), only these goals show: the ones a walkthrough revealed."""
        self.refresh_results()

    def compose(self) -> ComposeResult:
        yield self._body

    # ------------------------------------------------------------------ public API

    def refresh_results(self) -> list[Result]:
        """Re-check every goal against the session's current state and redraw."""
        self.results = self.session.results() if self.session is not None else []
        if self.only is not None:
            self.results = [r for r in self.results if r.id in self.only]
        self.set_class(self.all_met, "-all-met")
        self._update_title()
        self._redraw()
        return self.results

    @property
    def all_met(self) -> bool:
        return bool(self.results) and all(r.met for r in self.results)

    def met_ids(self) -> set[str]:
        return {r.id for r in self.results if r.met}

    def set_lang(self, lang: str) -> None:
        self.lang = lang

    def watch_lang(self) -> None:
        self._update_title()
        self._redraw()

    def target(self) -> Result | None:
        """The goal hints go to: the selected one, else the first unmet one."""
        if not self.results:
            return None
        if self.selected is not None and self.selected < len(self.results):
            return self.results[self.selected]
        return next((r for r in self.results if not r.met), self.results[0])

    def reveal_hint(self, goal_id: str | None = None) -> Hint | None:
        """Reveal the next hint of ``goal_id`` (default: ``target()``); None if none left."""
        result = self.target() if goal_id is None else next(
            (r for r in self.results if r.id == goal_id), None)
        if result is None:
            return None
        shown = self.hints_used.get(result.id, 0)
        if shown >= len(result.hints):
            key = "lesson.no_more_hints" if result.hints else "lesson.no_hints"
            self.notify(t(key, self.lang), timeout=3)
            return None
        self.hints_used[result.id] = shown + 1
        self._reveal = True  # bring the new hint into view once it is laid out
        self._redraw()
        self.refresh_bindings()
        self.post_message(self.HintRevealed(self, result.id, shown + 1))
        return result.hints[shown]

    def toggle_hints(self, goal_id: str | None = None) -> bool:
        """Fold (or unfold) the earlier hints of ``goal_id`` (default: ``target()``); returns
        whether they are folded now."""
        result = self.target() if goal_id is None else next(
            (r for r in self.results if r.id == goal_id), None)
        if result is None:
            return False
        self.folded ^= {result.id}
        self._redraw()
        return result.id in self.folded

    def action_toggle_hints(self) -> None:
        self.toggle_hints()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """``enter`` folds hints only where there are earlier hints to fold (or unfold)."""
        if action == "toggle_hints":
            target = self.target()
            return target is not None and self.hints_used.get(target.id, 0) > 1
        return super().check_action(action, parameters)

    def as_text(self) -> str:
        """Plain-text twin: one line per goal, hints indented."""
        return self.render_content().plain

    # ------------------------------------------------------------------ rendering

    def action_select(self, step: int) -> None:
        target = self.target()
        if target is None:  # no goals
            return
        current = self.results.index(target)
        self.selected = (current + step) % len(self.results)

    def watch_selected(self) -> None:
        self._redraw()
        self.refresh_bindings()

    def _update_title(self) -> None:
        done = sum(r.met for r in self.results)
        title = f"{t('lesson.goals', self.lang)} {done}/{len(self.results)}"
        if title != self.border_title:
            self.border_title = title

    def render_content(self) -> Content:
        self._target_lines = (0, 0)
        lab = getattr(self.session, "lab", None)
        if lab is not None and self.only is not None and not self.results:
            return Content.styled(t("present.goals_hidden", self.lang), "$text-muted")
        if lab is None or not self.results:
            return Content(t("lesson.no_lab", self.lang))
        lines: list[Content] = []
        target = self.target()
        for result in self.results:
            mark, style = ("✓", "bold $success") if result.met else ("✗", "bold $error")
            pointer = "›" if result is target else " "
            text = result.text(lab, self.lang).strip().split("\n")[0]  # a prompt's first line
            start = len(lines)
            lines.append(Content.assemble(pointer, (f"{mark} ", style), text))
            detail = result.verdict.text(self.lang)
            if detail:
                lines.append(Content.assemble("    ", (detail, "$text-muted")))
            shown = min(self.hints_used.get(result.id, 0), len(result.hints))
            first = 1
            if result.id in self.folded and shown > 1:
                first = shown
                lines.append(Content.styled("    " + t("lesson.hints_folded", self.lang, n=shown - 1),
                                            "$text-muted"))
            for n in range(first, shown + 1):
                label = t("lesson.hint_n", self.lang, n=n, total=len(result.hints))
                lines.append(Content.assemble("    ", (f"{label}: ", "bold $warning"),
                                              result.hints[n - 1].get(self.lang)))
            if result is target:
                self._target_lines = (start, len(lines))
        if self.all_met:
            lines.append(Content.styled(t("lesson.all_goals_met", self.lang), "bold $success"))
        return Content("\n").join(lines)

    def _redraw(self) -> None:
        """Repaint the goals; re-layout the screen only when their height can change
        (a full layout of the lesson screen costs tens of ms on every key press)."""
        content = self.render_content()
        plain = content.plain
        if plain == self._plain:
            return
        width = self._body.size.width
        self._body.update(content, layout=needs_layout(self._plain, plain, width))
        self._plain = plain
        if self.max_scroll_y or self._reveal:  # only a panel that scrolls can lose its target
            self._reveal = False
            self.call_after_refresh(self._scroll_to_target, content)

    def _scroll_to_target(self, content: Content) -> None:
        """Keep the goal that h would help with in view, down to its newest hint (a hint just
        revealed scrolls into view; the goal's first line too when both fit)."""
        width = self._body.size.width
        if width <= 0 or not self.max_scroll_y:
            return
        lines = content.split("\n")
        first, last = self._target_lines
        row = sum(len(line.wrap(width)) for line in lines[:first])
        end = row + sum(len(line.wrap(width)) for line in lines[first:last])
        visible = self.scrollable_content_region.height
        if end > self.scroll_y + visible:
            self.scroll_to(y=end - visible, animate=False)
        elif row < self.scroll_y:
            self.scroll_to(y=row, animate=False)
