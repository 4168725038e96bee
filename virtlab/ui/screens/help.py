"""The help screen: the keys that work where the focus is, read from the screen below's
``active_bindings`` (so it lists what the key bar would, and the keys the bar has no room
for), grouped by the area they belong to, with localized descriptions."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widgets import DataTable, Static

from virtlab.course.i18n import t
from virtlab.ui.screens._base import VirtlabModalScreen
from virtlab.ui.screens._chrome import describe, key_label, live_bindings

#: The group title of the keys a node binds, by the node's class name (App: the app's keys).
GROUP_TITLES = {
    "LabPanel": "shell.keys_lab",
    "QuizPanel": "shell.keys_quiz",
    "GoalsPanel": "shell.keys_goals",
    "LessonScreen": "shell.keys_lesson",
    "SandboxScreen": "shell.keys_sandbox",
    "CatalogScreen": "shell.keys_catalog",
    "GlossaryScreen": "shell.keys_glossary",
}


#: Cells before a description: two spaces, the keys right-aligned in 13, two spaces.
KEY_COLUMN = 17


def _title(node: DOMNode) -> str | None:
    if node is node.app:
        return "shell.keys_app"
    return next((GROUP_TITLES[c.__name__] for c in type(node).__mro__ if c.__name__ in GROUP_TITLES),
                None)


def _words(binding: Binding, lang: str) -> str | None:
    """The binding's localized description, or None for one virtlab does not describe (the
    cursor keys of Textual's own widgets: the "moving around" lines say those)."""
    text = describe(binding, lang)
    action = binding.action.removeprefix("app.").removeprefix("screen.").split("(")[0]
    return None if text in (binding.description, action) else text


def binding_groups(screen: Screen[Any], lang: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """(string key of the group title, its (keys, words) lines) for the keys that act on
    ``screen`` where its focus is now, nearest area first; keys of one action share a line."""
    moving = [("tab", t("keys.focus_next", lang)), ("shift+tab", t("help.focus_previous", lang))]
    if isinstance(screen.focused, DataTable):
        moving.append(("↑ ↓ ← →", t("help.table_keys", lang)))
    else:
        moving.append(("↑ ↓ pgup pgdn", t("help.scroll_keys", lang)))
    groups: dict[str, dict[tuple[str, str], list[str]]] = {}
    for node, binding in live_bindings(screen):
        title, words, key = _title(node), _words(binding, lang), key_label(binding)
        if title is None or words is None or key in ("tab", "shift+tab"):
            continue
        groups.setdefault(title, {}).setdefault((binding.action, words), []).append(key)
    out = [(title, [(", ".join(keys), words) for (_action, words), keys in lines.items()])
           for title, lines in groups.items()]
    return [*out, ("help.moving", moving)]


def help_text(lang: str, screen: Screen[Any], width: int = 0) -> Content:
    """The help screen's body: the keys that work on ``screen`` now, by area; with a
    ``width``, a long description wraps under itself, not under the keys."""
    lines: list[Content] = [Content(t("help.intro", lang)), Content(t("help.focus_intro", lang)),
                            Content("")]
    for title, keys in binding_groups(screen, lang):
        lines.append(Content.styled(t(title, lang), "bold $accent"))
        for key, words in keys:
            if width <= 0:
                lines.append(Content.assemble((f"  {key:>13}  ", "bold"), words))
                continue
            rows = Content(words).wrap(max(12, width - KEY_COLUMN))
            lines.append(Content.assemble((f"  {key:>13}  ", "bold"), rows[0].rstrip()))
            lines += [Content.assemble(" " * KEY_COLUMN, row.rstrip()) for row in rows[1:]]
        lines.append(Content(""))
    lines.append(Content.styled(t("help.close_hint", lang), "$text-muted"))
    return Content("\n").join(lines)


class HelpScreen(VirtlabModalScreen[None]):
    """The keys that work where the focus is on ``under`` (the screen help was opened from);
    Escape (or ?) closes."""

    CSS_PATH = "help.tcss"
    BINDINGS = [
        Binding("escape", "close", "close", id="close"),
        Binding("question_mark", "close", "close", key_display="?", show=False),
    ]

    def __init__(self, under: Screen[Any]) -> None:
        super().__init__()
        self.under = under
        """The screen whose keys are listed."""

    def compose(self) -> ComposeResult:
        lang = self.lang
        with Vertical(id="help-box") as box:
            box.border_title = t("help.title", lang)
            with VerticalScroll(id="help-scroll"):
                yield Static(help_text(lang, self.under), id="help-body")

    def set_lang(self, lang: str) -> None:
        self.query_one("#help-box").border_title = t("help.title", lang)
        self._fill(lang)

    def on_resize(self) -> None:
        self.call_after_refresh(self._fill, self.lang)

    def _fill(self, lang: str) -> None:
        body = self.query_one("#help-body", Static)
        body.update(help_text(lang, self.under, body.content_region.width))

    def action_close(self) -> None:
        self.dismiss()
