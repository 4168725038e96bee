"""Base for the lab's form dialogs (add VM, add container, edit): labelled fields, an error
line, OK / Cancel. A subclass yields its fields in ``fields()`` and turns them into a core
action in ``build()`` (raising ``ValueError`` with a message the student can act on).
"""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Select, Static

from virtlab.core.units import UnitError, parse_gib, parse_mib, parse_millicores
from virtlab.course.i18n import t


class FormDialog(ModalScreen[Any]):
    """Dismisses with the built action, or None when cancelled."""

    DEFAULT_CSS = """
    FormDialog { align: center middle; }
    FormDialog > Vertical {
        width: 90%; max-width: 84; height: auto; max-height: 95%;
        border: thick $accent; background: $surface; padding: 0 1;
    }
    FormDialog VerticalScroll { height: auto; max-height: 14; }
    FormDialog .form-row { height: auto; margin-bottom: 1; }
    FormDialog .form-row > Label { width: 24; padding: 0 1 0 0; }
    FormDialog .form-row > Input, FormDialog .form-row > Select { width: 1fr; }
    FormDialog #form-error { color: $error; height: auto; }
    FormDialog #form-preview { height: auto; color: $text-muted; }
    FormDialog .form-buttons { height: auto; align-horizontal: right; }
    FormDialog .form-buttons > Button { margin-left: 2; }
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel", show=False)]
    TITLE_KEY = ""

    def __init__(self, lang: str) -> None:
        super().__init__()
        self.lang = lang

    def fields(self) -> ComposeResult:  # pragma: no cover - abstract
        yield from ()

    def build(self) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(t(self.TITLE_KEY, self.lang), classes="dialog-title")
            with VerticalScroll(can_focus=False):
                yield from self.fields()
            yield Static("", id="form-preview")
            yield Static("", id="form-error")
            with Horizontal(classes="form-buttons"):
                yield Button(t("app.ok", self.lang), id="form-ok", variant="primary", compact=True)
                yield Button(t("app.cancel", self.lang), id="form-cancel", compact=True)

    def row(self, label_key: str, widget: Widget) -> Horizontal:
        """A labelled field; inputs and selects are compact (one line) so the form fits 80×24."""
        if isinstance(widget, Input | Select):
            widget.compact = True
        return Horizontal(Label(t(label_key, self.lang)), widget, classes="form-row")

    def value(self, field_id: str) -> str:
        return self.query_one(f"#{field_id}", Input).value.strip()

    # Parsers for optional fields: "" means "not set".
    def opt_mib(self, field_id: str) -> float | None:
        return self._parse(field_id, parse_mib)

    def opt_gib(self, field_id: str) -> float | None:
        return self._parse(field_id, parse_gib)

    def opt_millicores(self, field_id: str) -> float | None:
        return self._parse(field_id, parse_millicores)

    def opt_float(self, field_id: str) -> float | None:
        return self._parse(field_id, float)

    def _parse(self, field_id: str, conv) -> float | None:
        raw = self.value(field_id)
        if not raw:
            return None
        try:
            return conv(raw)
        except (UnitError, ValueError) as e:
            raise ValueError(t("labp.form.bad_value", self.lang, field=field_id.removeprefix("f-"),
                               error=str(e))) from None

    def show_error(self, message: str) -> None:
        self.query_one("#form-error", Static).update(message)

    @on(Button.Pressed, "#form-ok")
    @on(Input.Submitted)
    def submit(self) -> None:
        try:
            action = self.build()
        except ValueError as e:
            self.show_error(str(e))
            return
        self.dismiss(action)

    @on(Button.Pressed, "#form-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
