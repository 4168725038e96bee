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

from virtlab.core.compute.models import VM
from virtlab.core.units import UnitError, parse_gib, parse_mib, parse_millicores
from virtlab.course.i18n import t


def vcpu_bounds() -> tuple[int, int]:
    """The vCPU count a VM may have, as the model says (1–768)."""
    lo, hi = 1, 768
    for rule in VM.model_fields["vcpus"].metadata:
        lo = getattr(rule, "ge", lo)
        hi = getattr(rule, "le", hi)
    return lo, hi


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
        self._labels: dict[str, str] = {}  # field id → its label's string key
        self._initial: dict[str, str] = {}  # input id → the text it was opened with

    def fields(self) -> ComposeResult:  # pragma: no cover - abstract
        yield from ()

    def build(self) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def title_text(self) -> str:
        """The dialog's title (a subclass may name what it is about)."""
        return t(self.TITLE_KEY, self.lang)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.title_text(), classes="dialog-title", markup=False)
            with VerticalScroll(can_focus=False):
                yield from self.fields()
            yield Static("", id="form-preview")
            yield Static("", id="form-error", markup=False)
            with Horizontal(classes="form-buttons"):
                yield Button(t("app.ok", self.lang), id="form-ok", variant="primary", compact=True)
                yield Button(t("app.cancel", self.lang), id="form-cancel", compact=True)

    def row(self, label_key: str, widget: Widget) -> Horizontal:
        """A labelled field; inputs and selects are compact (one line) so the form fits 80×24."""
        if isinstance(widget, Input | Select):
            widget.compact = True
        if widget.id:
            self._labels[widget.id] = label_key
            if isinstance(widget, Input):
                self._initial[widget.id] = widget.value
        return Horizontal(Label(t(label_key, self.lang)), widget, classes="form-row")

    def value(self, field_id: str) -> str:
        return self.query_one(f"#{field_id}", Input).value.strip()

    def touched(self, field_id: str) -> bool:
        """Whether the student changed the field's text."""
        return self.value(field_id) != self._initial.get(field_id, "").strip()

    def field_name(self, field_id: str) -> str:
        """The field's label without its example ("Memory (e.g. 4 GiB)" → "Memory")."""
        key = self._labels.get(field_id)
        if key is None:
            return field_id.removeprefix("f-")
        return t(key, self.lang).split("(")[0].strip()

    # Parsers for optional fields: "" means "not set". Errors name the field by its label.
    def opt_mib(self, field_id: str) -> float | None:
        return self._parse(field_id, parse_mib, "size")

    def opt_gib(self, field_id: str) -> float | None:
        return self._parse(field_id, parse_gib, "disk")

    def opt_millicores(self, field_id: str) -> float | None:
        return self._parse(field_id, parse_millicores, "cpu")

    def opt_float(self, field_id: str) -> float | None:
        return self._parse(field_id, float, "number")

    def size_mib(self, field_id: str) -> float:
        """A required memory size, more than 0 ("64 GiB", "512 MiB", "2048")."""
        value = self.opt_mib(field_id)
        if value is None:
            raise ValueError(t("labp.form.required", self.lang, field=self.field_name(field_id)))
        if value <= 0:
            raise ValueError(t("labp.form.must_be_positive", self.lang,
                               field=self.field_name(field_id)))
        return value

    def count(self, field_id: str, low: int, high: int) -> int:
        """A required whole number from ``low`` to ``high`` (a vCPU count)."""
        raw = self.value(field_id)
        if not raw.isdigit() or not low <= int(raw) <= high:
            raise ValueError(t("labp.form.bad_count", self.lang, field=self.field_name(field_id),
                               min=low, max=high, value=raw))
        return int(raw)

    def _parse(self, field_id: str, conv, example: str) -> float | None:
        raw = self.value(field_id)
        if not raw:
            return None
        try:
            value = conv(raw)
        except (UnitError, ValueError):
            value = None
        if value is None or value < 0 or value != value:
            raise ValueError(t("labp.form.bad_value", self.lang, field=self.field_name(field_id),
                               value=raw, example=t(f"labp.form.example_{example}", self.lang)))
        return value

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
