""""Why won't it fit?": a dialog that explains a refused or not-allowed lab action.

Every violation is listed with the engine's reason and numbers, in the student's language
(:mod:`virtlab.course.explain`; a validation error in the field's words), and how far past
its limit the action went. The engine's code for a violation is not shown.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from virtlab.core.base import Violation
from virtlab.course.explain import excess_text, violation_text
from virtlab.course.i18n import t
from virtlab.ui.widgets.labtext import Lines, invalid_text


def reason_text(v: Violation, lang: str) -> str:
    """One reason, in ``lang``, without its subject's name in front of a validation error."""
    if v.code == "invalid":
        return invalid_text(v.message, lang).removeprefix(f"{v.subject}: ")
    return violation_text(v, lang)


def refusal_line(description: str, violations: tuple[Violation, ...] | list[Violation], lang: str,
                 *, not_allowed: bool = False) -> str:
    """The lab's status line for a refusal: what was tried and why (the first reason, with its
    numbers, and how many more the dialog lists), so the reason stays after the dialog closes.
    How far past a limit it went is left to the dialog: the line stays short in a narrow lab."""
    if not_allowed:
        return t("labp.refused.line", lang, action=description,
                 reason=t("labp.refused.not_allowed_short", lang))
    if not violations:
        return t("lab.refused", lang, reason=description)
    more = len(violations) - 1
    return t("labp.refused.line_more" if more else "labp.refused.line", lang, action=description,
             reason=reason_text(violations[0], lang), more=more)


def explain(description: str, violations: tuple[Violation, ...] | list[Violation],
            not_allowed: bool, lang: str, kind: str = "", width: int = 0) -> Lines:
    """The dialog's body (and its plain-text twin); reasons wrap under their bullet."""
    wrap_at = width or 10_000
    out = Lines()
    out.line(t("labp.refused.action", lang, action=description), "bold")
    if not_allowed:
        out.line(t("labp.refused.not_allowed", lang, kind=kind or description), "$warning")
        return out
    n = len(violations)
    out.line(t("labp.refused.count_one" if n == 1 else "labp.refused.count_other", lang, n=n))
    for v in violations:
        out.add("• ", "bold $error").add(v.subject, "bold").nl()
        out.wrapped("  ", reason_text(v, lang), wrap_at)
        over = excess_text(v, lang)
        if over:
            out.wrapped("  ", over, wrap_at, "$foreground-muted")
    return out


#: Refusals about room (capacity, reservations, requests): the dialog asks "why won't it fit?";
#: any other refusal (a lost disk, no snapshot to revert to, …) is titled as a refusal.
CAPACITY_CODES = frozenset({
    "vcpu_cap", "cpu_capacity", "ram_capacity", "disk_capacity", "cpu_reservation",
    "mem_reservation", "thick_over_datastore", "container_requests",
})


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
        self.kind = kind
        self._body = explain(description, self.violations, not_allowed, lang, kind)

    def compose(self) -> ComposeResult:
        title = ("labp.refused.title_not_allowed" if self.not_allowed
                 else "lab.why_not_fit" if any(v.code in CAPACITY_CODES for v in self.violations)
                 else "labp.refused.title_refused")
        with Vertical():
            yield Static(t(title, self.lang), id="refused-title", classes="dialog-title")
            with VerticalScroll(id="refused-body"):
                yield Static(self._body.content(), id="refused-text")
            yield Button(t("app.close", self.lang), id="refused-close", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#refused-close", Button).focus()
        self.call_after_refresh(self._rewrap)

    def on_resize(self) -> None:
        self.call_after_refresh(self._rewrap)

    def _rewrap(self) -> None:
        """Wrap the reasons at the body's width, keeping wrapped lines indented."""
        width = self.query_one("#refused-text", Static).content_size.width
        if width > 0:
            self._body = explain(self.description, self.violations, self.not_allowed, self.lang,
                                 self.kind, width)
            self.query_one("#refused-text", Static).update(self._body.content())

    def as_text(self) -> str:
        return t("lab.why_not_fit", self.lang) + "\n" + self._body.plain()

    @on(Button.Pressed, "#refused-close")
    def action_close(self) -> None:
        self.dismiss(None)
