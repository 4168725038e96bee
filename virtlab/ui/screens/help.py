"""The help screen: every key binding, read from the BINDINGS of the app, the screens and
the lab widgets, with localized descriptions."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Static

from virtlab.course.i18n import t
from virtlab.ui.screens._base import VirtlabModalScreen
from virtlab.ui.screens._chrome import bindings_of, describe, key_label


def binding_groups(app_class: type) -> list[tuple[str, list[Binding]]]:
    """(string key of the group title, its bindings) for every place keys are bound;
    ``app_class`` is the running app's class (its BINDINGS are the app-wide keys)."""
    from virtlab.ui.screens.catalog import CatalogScreen
    from virtlab.ui.screens.glossary import GlossaryScreen
    from virtlab.ui.screens.lesson import LessonScreen, lab_widget_classes
    from virtlab.ui.widgets.goals_panel import GoalsPanel

    groups: list[tuple[str, list[Binding]]] = [
        ("shell.keys_app", bindings_of(app_class) + [Binding("ctrl+p", "command_palette", "")]),
        ("shell.keys_catalog", bindings_of(CatalogScreen)),
        ("shell.keys_lesson", bindings_of(LessonScreen) + [Binding("tab", "focus_next", "")]),
        ("shell.keys_goals", bindings_of(GoalsPanel)),
    ]
    lab, quiz = lab_widget_classes()
    groups.append(("shell.keys_lab", bindings_of(lab)))
    groups.append(("shell.keys_quiz", bindings_of(quiz)))
    groups.append(("shell.keys_glossary", bindings_of(GlossaryScreen)))
    return groups


def help_text(lang: str, app_class: type) -> Content:
    """The help screen's body: every group of keys with localized descriptions."""
    lines: list[Content] = [Content(t("help.intro", lang)), Content("")]
    for title, bindings in binding_groups(app_class):
        lines.append(Content.styled(t(title, lang), "bold $accent"))
        seen: set[tuple[str, str]] = set()
        for b in bindings:
            key = key_label(b)
            if (key, b.action) in seen:
                continue
            seen.add((key, b.action))
            lines.append(Content.assemble((f"  {key:>12}  ", "bold"), describe(b, lang)))
        lines.append(Content(""))
    lines.append(Content.styled(t("help.close_hint", lang), "$text-muted"))
    return Content("\n").join(lines)


class HelpScreen(VirtlabModalScreen[None]):
    """Every key binding; Escape (or ?) closes."""

    CSS_PATH = "help.tcss"
    BINDINGS = [
        Binding("escape", "close", "close", id="close"),
        Binding("question_mark", "close", "close", key_display="?", show=False),
    ]

    def compose(self) -> ComposeResult:
        lang = self.lang
        with Vertical(id="help-box") as box:
            box.border_title = t("help.title", lang)
            with VerticalScroll(id="help-scroll"):
                yield Static(help_text(lang, type(self.app)), id="help-body")

    def set_lang(self, lang: str) -> None:
        self.query_one("#help-box").border_title = t("help.title", lang)
        self.query_one("#help-body", Static).update(help_text(lang, type(self.app)))

    def action_close(self) -> None:
        self.dismiss()
