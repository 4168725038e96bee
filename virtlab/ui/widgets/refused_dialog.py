""""Why won't it fit?": a dialog that explains a refused or not-allowed lab action.

Every violation is listed with the engine's reason and numbers, in the student's language
(:mod:`virtlab.course.explain`), and how far past its limit the action went.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from virtlab.core.rules import Violation
from virtlab.course.explain import excess_text, violation_text
from virtlab.course.i18n import t
from virtlab.ui.widgets.labtext import Lines


def explain(description: str, violations: tuple[Violation, ...] | list[Violation],
            not_allowed: bool, lang: str, kind: str = "") -> Lines:
    """The dialog's body (and its plain-text twin)."""
    out = Lines()
    out.line(t("labp.refused.action", lang, action=description), "bold")
    if not_allowed:
        out.line(t("labp.refused.not_allowed", lang, kind=kind or description), "$warning")
        return out
    out.line(t("labp.refused.count", lang, n=len(violations)))
    for v in violations:
        out.add("• ", "bold $error").add(v.subject, "bold").add(f"  [{v.code}]", "$foreground-muted")
        out.nl()
        out.line(f"  {violation_text(v, lang)}")
        over = excess_text(v, lang)
        if over:
            out.line(f"  {over}", "$foreground-muted")
    return out


class RefusedDialog(ModalScreen[None]):
    """Lists every reason an action was refused; Escape, Enter or the button close it."""

    DEFAULT_CSS = """
    RefusedDialog { align: center middle; }
    RefusedDialog > Vertical {
        width: 90%; max-width: 100; height: auto; max-height: 90%;
        border: thick $error; background: $surface; padding: 0 1;
    }
    RefusedDialog #refused-body { height: auto; max-height: 20; }
    RefusedDialog #refused-close { margin-top: 1; }
    """

    BINDINGS = [
        Binding("escape", "close", "Close", show=False),
        Binding("enter", "close", "Close", show=False),
    ]

    def __init__(self, description: str, violations: tuple[Violation, ...] | list[Violation],
                 lang: str, *, not_allowed: bool = False, kind: str = "") -> None:
        super().__init__()
        self.description = description
        self.violations = tuple(violations)
        self.not_allowed = not_allowed
        self.lang = lang
        self._body = explain(description, self.violations, not_allowed, lang, kind)

    def compose(self) -> ComposeResult:
        title = "labp.refused.title_not_allowed" if self.not_allowed else "lab.why_not_fit"
        with Vertical():
            yield Static(t(title, self.lang), id="refused-title", classes="dialog-title")
            with VerticalScroll(id="refused-body"):
                yield Static(self._body.content())
            yield Button(t("app.close", self.lang), id="refused-close", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#refused-close", Button).focus()

    def as_text(self) -> str:
        return t("lab.why_not_fit", self.lang) + "\n" + self._body.plain()

    @on(Button.Pressed, "#refused-close")
    def action_close(self) -> None:
        self.dismiss(None)
