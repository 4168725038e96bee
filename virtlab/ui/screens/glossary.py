"""The glossary: every term in English and Korean with its definition, filterable by
typing (either language, term or definition)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from virtlab.course.glossary import KEYS, Term
from virtlab.course.i18n import t
from virtlab.ui.screens._base import VirtlabScreen
from virtlab.ui.screens._chrome import (
    KeyBar,
    SafeOptionList,
    TitleBar,
    TooSmall,
    refresh_chrome,
)


def matches(term: Term, query: str) -> bool:
    """Whether ``query`` (case-insensitive) occurs in the term or a definition."""
    needle = query.strip().lower()
    if not needle:
        return True
    return any(needle in getattr(term, key).lower() for key in KEYS)


class GlossaryScreen(VirtlabScreen[None]):
    """Type to filter; Escape goes back."""

    CSS_PATH = "glossary.tcss"
    AUTO_FOCUS = "#glossary-filter"
    BINDINGS = [
        Binding("escape", "back", "back", id="back"),
        Binding("down", "focus_list", "focus_list", show=False),
    ]

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield TooSmall(self.lang)
        with Vertical(id="glossary-body"):
            yield Input(id="glossary-filter")
            yield Static("", id="glossary-count", markup=False)
            yield SafeOptionList(id="glossary-list")
        yield KeyBar(self.lang)

    def on_mount(self) -> None:
        self.set_lang(self.lang)

    def set_lang(self, lang: str) -> None:
        self.title = t("app.title", lang)
        self.sub_title = t("glossary.title", lang)
        self.query_one("#glossary-filter", Input).placeholder = t("glossary.search", lang)
        refresh_chrome(self, lang)
        self.refresh_terms()

    def refresh_terms(self) -> None:
        lang = self.lang
        query = self.query_one("#glossary-filter", Input).value
        glossary = self.virtlab_app.glossary()
        terms = [term for term in glossary if matches(term, query)]
        other = "en" if lang == "ko" else "ko"
        options = []
        for term in terms:
            prompt = Content.assemble(
                (term.get(lang), "bold $accent"), "  ", (term.get(other), "$text-muted"), "\n",
                term.definition(lang), "\n",
            )
            options.append(Option(prompt, id=term.id))
        listing = self.query_one("#glossary-list", OptionList)
        listing.set_options(options)
        if not terms:
            listing.add_option(Option(Content(t("glossary.no_match", lang, query=query)), disabled=True))
        total = len(glossary)
        self.query_one("#glossary-count", Static).update(
            t("shell.glossary_count", lang, shown=len(terms), total=total))

    @on(Input.Changed, "#glossary-filter")
    def _filter(self) -> None:
        self.refresh_terms()

    def action_focus_list(self) -> None:
        self.query_one("#glossary-list").focus()

    def action_back(self) -> None:
        self.app.pop_screen()
