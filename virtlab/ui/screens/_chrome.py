"""Pieces every screen shares: the localized key bar (the keys that act where the focus is),
the "terminal too small" banner, and the key labels the help screen and the key bar share.

Binding descriptions in virtlab are action names; the text shown comes from ``t()`` under
``keys.<action>`` so the key bar and the help screen switch language with the app.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from rich.cells import cell_len
from textual.binding import Binding
from textual.content import Content
from textual.dom import DOMNode
from textual.reactive import var
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Static

from virtlab.course.i18n import t
from virtlab.ui.sizes import MIN_HEIGHT, MIN_WIDTH
from virtlab.ui.widgets.safe_option_list import SafeOptionList

if TYPE_CHECKING:
    from virtlab.ui.app import VirtlabApp

__all__ = ["KeyBar", "SafeOptionList", "TitleBar", "TooSmall", "bindings_of", "describe",
           "go_back", "key_label", "live_bindings", "mark_settled", "refresh_chrome",
           "short_describe"]


def key_label(binding: Binding) -> str:
    """The key as shown to the student (``?``, ``ctrl+l``, ``n``)."""
    if binding.key_display:
        return binding.key_display
    names = {"question_mark": "?", "escape": "esc", "plus": "+", "minus": "-",
             "left_square_bracket": "[", "right_square_bracket": "]", "enter": "enter"}
    return ", ".join(names.get(k.strip(), k.strip()) for k in binding.key.split(","))


def describe(binding: Binding, lang: str) -> str:
    """The binding's localized description, else its own text.

    ``cpu(-1)`` is looked up as ``keys.cpu_m1``, then ``keys.cpu``; ``app.quit`` as ``keys.quit``.
    """
    action = binding.action.removeprefix("app.").removeprefix("screen.")
    base = action.split("(")[0]
    full = action.replace("(", "_").replace(")", "").replace("-", "m").replace(",", "_")
    for key in (f"keys.{full}", f"keys.{base}"):
        text = t(key, lang)
        if text != key:
            return text
    return binding.description or base


def bindings_of(*owners: type) -> list[Binding]:
    """The Binding objects declared on ``owners`` (tuples are expanded)."""
    found: list[Binding] = []
    for owner in owners:
        for item in getattr(owner, "BINDINGS", []):
            if isinstance(item, Binding):
                found.append(item)
            else:
                key, action, *rest = item
                found.append(Binding(key, action, rest[0] if rest else ""))
    return found


def live_bindings(screen: Screen[Any]) -> list[tuple[DOMNode, Binding]]:
    """The bindings that act where the focus is, nearest first (the focused widget and its
    parents, then the screen, then the app): Textual's ``active_bindings`` (which already
    leaves out the keys ``check_action`` hides and the characters a focused text field takes),
    without the disabled ones."""
    return [(node, binding) for node, binding, enabled, _tooltip in screen.active_bindings.values()
            if enabled]


def short_describe(binding: Binding, lang: str) -> str:
    """The few words the key bar has room for (``keybar.<action>``, else the description up
    to its first parenthesis)."""
    action = binding.action.removeprefix("app.").removeprefix("screen.")
    full = action.replace("(", "_").replace(")", "").replace("-", "m").replace(",", "_")
    text = t(f"keybar.{full}", lang)
    if text != f"keybar.{full}":
        return text
    return describe(binding, lang).split("(")[0].strip()


#: Binding ids the key bar always shows when they are active: the next lesson, help.
PINNED = ("next-lesson", "help")


class KeyBar(Widget):
    """One line at the bottom: the keys that work where the focus is, localized.

    Read from the screen's ``active_bindings`` whenever Textual says they changed (focus moved,
    a screen came or went, ``refresh_bindings``), so a key shows only while it acts — the lab's
    keys while the lab has the focus, none that its lab does not allow. What does not fit the
    width is left for the help screen, whose key always shows.
    """

    DEFAULT_CSS = """
    KeyBar { dock: bottom; height: 1; width: 1fr; background: $panel; padding: 0 1; }
    """

    lang: var[str] = var("en", init=False)
    """The language the keys are described in."""

    def __init__(self, lang: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.set_reactive(KeyBar.lang, lang)
        self._keys: list[tuple[str, str, str]] = []

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self._bindings_changed()

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, _screen: object = None) -> None:
        seen: set[str] = set()
        keys: list[tuple[str, str, str]] = []
        where: dict[tuple[int, str], int] = {}  # one entry for the keys of one action
        for node, binding in live_bindings(self.screen):
            label = key_label(binding)
            if not binding.show or label in seen:
                continue
            seen.add(label)
            words = short_describe(binding, self.lang)
            at = where.get((id(node), binding.action))
            if at is not None:
                key, _, bid = keys[at]
                keys[at] = (f"{key}/{label}", words, bid)
            else:
                where[(id(node), binding.action)] = len(keys)
                keys.append((label, words, binding.id or ""))
        if keys != self._keys:
            self._keys = keys
            self.refresh()

    @property
    def shown(self) -> list[str]:
        """The keys on show, as labelled (``n``, ``+``, ``?``)."""
        return [key for key, _ in self._fitting(self.size.width or 10_000)]

    def _fitting(self, width: int) -> list[tuple[str, str]]:
        """The keys that fit ``width``, nearest first; :data:`PINNED` ones always (the next
        lesson first, help last)."""
        first = [(k, d) for k, d, i in self._keys if i == PINNED[0]]
        last = [(k, d) for k, d, i in self._keys if i == PINNED[1]]
        rest = [(k, d) for k, d, i in self._keys if i not in PINNED]
        room = width - sum(cell_len(f"{k} {d}") + 2 for k, d in first + last)
        out = []
        for key, text in rest:
            cost = cell_len(f"{key} {text}") + 2
            if cost > room:
                break
            out.append((key, text))
            room -= cost
        return first + out + last

    def render(self) -> Content:
        parts = [Content.assemble((key, "bold $accent"), " ", text)
                 for key, text in self._fitting(self.content_region.width or 10_000)]
        return Content("  ").join(parts)

    def watch_lang(self) -> None:
        self._keys = []
        self._bindings_changed()

    def set_lang(self, lang: str) -> None:
        self.lang = lang


class TitleBar(Static):
    """One line at the top: the app name and where the student is (the screen's sub-title).

    Lighter than Textual's Header (one widget, no clock), so the catalog paints sooner.
    """

    DEFAULT_CSS = """
    TitleBar { dock: top; height: 1; width: 1fr; background: $panel; padding: 0 1;
               text-style: bold; }
    """

    def on_mount(self) -> None:
        self.watch(self.screen, "title", self._show)
        self.watch(self.screen, "sub_title", self._show)

    def _show(self, _value: object = None) -> None:
        title, sub = self.screen.title or "", self.screen.sub_title or ""
        self.update(Content.assemble((title, "bold $accent"), (f"  {sub}" if sub else "")))


class TooSmall(Static):
    """A banner shown only while the app has the ``-cramped`` class."""

    SCOPED_CSS = False

    DEFAULT_CSS = """
    TooSmall { dock: top; height: auto; display: none; background: $warning; color: $text;
               padding: 0 1; text-style: bold; }
    App.-cramped TooSmall { display: block; }
    """

    lang: var[str] = var("en", init=False)
    """The language of the notice."""

    def __init__(self, lang: str) -> None:
        super().__init__(self._text(lang), classes="too-small")
        self.set_reactive(TooSmall.lang, lang)

    @staticmethod
    def _text(lang: str) -> str:
        return t("terminal.too_small", lang, w=MIN_WIDTH, h=MIN_HEIGHT)

    def watch_lang(self, lang: str) -> None:
        self.update(self._text(lang))

    def set_lang(self, lang: str) -> None:
        self.lang = lang


def refresh_chrome(screen: Screen[Any], lang: str) -> None:
    """Switch the key bar and banner of ``screen`` to ``lang``."""
    for widget in screen.query("KeyBar, TooSmall"):
        if isinstance(widget, KeyBar | TooSmall):
            widget.set_lang(lang)


def mark_settled(screen: Screen[Any]) -> None:
    """Call from a screen's on_mount: it counts as settled after its first refresh."""
    screen.call_after_refresh(setattr, screen, "_settled", True)


def go_back(screen: Screen[Any]) -> None:
    """Pop ``screen`` if it is on top, but only once its widgets finished mounting.

    A student typing ahead (Enter then Escape) would otherwise remove the screen while
    the lab panel is still mounting, and the panel's on_mount would find no children.
    """
    if not screen.is_active:
        return
    if getattr(screen, "_settled", False):
        cast("VirtlabApp", screen.app).leave_screen()  # to the catalog, built now if need be
    else:
        screen.call_after_refresh(go_back, screen)
