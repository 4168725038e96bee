"""The sandbox: the lab panel over any scenario (or one empty default host) with every
action allowed and no goals."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.css.query import NoMatches

from virtlab.course.i18n import t
from virtlab.ui.screens._base import VirtlabScreen
from virtlab.ui.screens._chrome import (
    KeyBar,
    TitleBar,
    TooSmall,
    go_back,
    mark_settled,
    refresh_chrome,
)

if TYPE_CHECKING:
    from virtlab.core.state import Datacenter
    from virtlab.ui.widgets.lab_panel import LabPanel


def default_state() -> Datacenter:
    """One empty KVM host (2 × 8 cores × 2 threads, 128 GiB), for an empty sandbox."""
    from virtlab.core.hosts import Host
    from virtlab.core.state import Datacenter

    host = Host.model_validate({"name": "host-1", "sockets": 2, "cores_per_socket": 8,
                                "threads_per_core": 2, "memory_mib": 128 * 1024})
    return Datacenter.of(name="sandbox", hosts=(host,))


class SandboxScreen(VirtlabScreen[None]):
    """Every action allowed over a scenario file or an empty host."""

    CSS_PATH = "sandbox.tcss"
    AUTO_FOCUS = None
    BINDINGS = [Binding("escape", "back", "back", id="back")]

    def __init__(self, path: Path | None = None, state: Datacenter | None = None) -> None:
        super().__init__()
        from virtlab.course.session import LabSession

        self.path = path
        self.session = LabSession(None, state if state is not None else default_state(),
                                  sandbox=True)

    def compose(self) -> ComposeResult:
        from virtlab.ui.widgets.lab_panel import LabPanel

        self.lab_panel: LabPanel = LabPanel(self.session, self.lang, id="lab-panel")
        yield TitleBar()
        yield TooSmall(self.lang)
        yield self.lab_panel
        yield KeyBar(self.lang)

    def on_mount(self) -> None:
        mark_settled(self)
        self.call_after_refresh(self._initial_focus)
        self.set_lang(self.lang)

    def _initial_focus(self) -> None:
        try:
            self.lab_panel.focus()
        except NoMatches:  # the screen was closed before its lab finished mounting
            pass

    def set_lang(self, lang: str) -> None:
        self.title = t("app.title", lang)
        name = self.path.name if self.path else t("shell.empty_sandbox", lang)
        self.sub_title = f"{t('sandbox.title', lang)} · {name}"
        refresh_chrome(self, lang)
        self.lab_panel.set_lang(lang)

    def action_back(self) -> None:
        go_back(self)
