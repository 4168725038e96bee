"""The lab panel: a live simulated datacenter the student edits from the keyboard.

It shows a status line, the workload table (always) and one lower view — host bars,
isolation or contention, the specs of :data:`~virtlab.ui.widgets.lab_views.LAB_VIEWS` that
apply to the lab's scenario — cycled with ``v``. Every change goes through
``LabSession.apply`` (so it can be undone and is refused exactly as the engine says); after
each change the panel re-renders from ``session.report`` (built once per state) and posts
:class:`LabPanel.Changed`. A refused or not-allowed action opens :class:`RefusedDialog`.
"""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.reactive import var
from textual.widgets import ContentSwitcher, DataTable, Static

from virtlab.core.actions import Action
from virtlab.core.compute.actions import Remove, SetDemand
from virtlab.course.i18n import t
from virtlab.course.session import LabSession, Outcome
from virtlab.ui.widgets.choice_dialog import ChoiceDialog
from virtlab.ui.widgets.lab_keys import LabKeyChecks
from virtlab.ui.widgets.lab_lifecycle import LifecycleActions
from virtlab.ui.widgets.lab_resize import ResizeActions
from virtlab.ui.widgets.lab_views import LabView, views_for
from virtlab.ui.widgets.labtext import (
    demand_level,
    describe,
    next_demand,
)
from virtlab.ui.widgets.lines_view import LinesView, ViewContext
from virtlab.ui.widgets.network_menu import NetworkActions
from virtlab.ui.widgets.refused_dialog import RefusedDialog, refusal_line
from virtlab.ui.widgets.repaint import needs_layout
from virtlab.ui.widgets.storage_menu import StorageActions
from virtlab.ui.widgets.topology_view import TRACE_BINDINGS, TraceKeys
from virtlab.ui.widgets.workload_table import WorkloadTable


class LabPanel(LabKeyChecks, ResizeActions, LifecycleActions, StorageActions, NetworkActions, TraceKeys, Vertical):
    """Workload table plus host bars / isolation / contention; handles the lab keys."""

    ALLOW_MAXIMIZE = True  # the lesson's z zooms the lab
    DEFAULT_CSS = """
    LabPanel { height: 1fr; }
    LabPanel #lab-status { height: auto; padding: 0 1; background: $panel; }
    /* Focus cue: a faint tint on the panel (this rule also makes Textual restyle the
       children when focus enters or leaves) and the status line in the accent colour. */
    LabPanel:focus-within { background-tint: $accent 4%; }
    LabPanel:focus-within #lab-status { background: $accent; color: $text; text-style: bold; }
    LabPanel #lab-status.-refused { background: $error 30%; }
    LabPanel #lab-table { max-height: 50%; }
    LabPanel #lab-table-note { height: 1; padding: 0 1; color: $text-muted; display: none;
                               text-wrap: nowrap; text-overflow: ellipsis; }
    LabPanel #lab-views { height: 1fr; }
    LabPanel #lab-views > VerticalScroll { height: 1fr; padding: 0 1; }
    """

    BINDINGS = [
        Binding("a", "add_vm", "Add VM", id="add-vm"),
        Binding("c", "add_container", "Add container", id="add-container"),
        Binding("plus", "cpu(1)", "+CPU", id="cpu-up"),
        Binding("minus", "cpu(-1)", "−CPU", id="cpu-down"),
        Binding("right_square_bracket", "memory(1)", "+RAM", id="memory-up"),
        Binding("left_square_bracket", "memory(-1)", "−RAM", id="memory-down"),
        Binding("d", "demand", "Demand", id="demand"),
        Binding("e", "edit", "Edit", id="edit"),
        Binding("x", "remove", "Remove", id="remove"),
        Binding("f", "fail", "Fail/repair", id="fail"),
        Binding("m", "move", "Move", id="move"),
        Binding("s", "snapshot", "Take a snapshot of the VM", id="snapshot"),
        Binding("w", "write", "Write 5 GiB in the VM (a patch)", id="write"),
        Binding("r", "revert", "Revert the VM to its newest snapshot", id="revert"),
        Binding("o", "consolidate", "Consolidate (delete) the VM's snapshots", id="consolidate"),
        Binding("b", "backup", "Back up the VM", id="backup"),
        Binding("t", "time", "Let simulated time pass", id="time"),
        Binding("S", "storage", "Storage: faults, repairs, volumes, pools", id="storage"),
        Binding("K", "network", "Network: trunk VLANs, port groups, MTU, flows, rules, faults", id="network"),
        *TRACE_BINDINGS,  # . , T: the packet-trace stepper, in the topology view
        # Last: the keys every lab has (the key bar shows the lab's own actions first).
        Binding("u", "undo", "Undo", id="undo"),
        Binding("U", "redo", "Redo", id="redo"),
        Binding("R", "reset", "Reset", id="reset"),
        Binding("v", "cycle_view", "View", id="cycle-view"),
        Binding("shift+up", "scroll_view(-1)", "Scroll the view up", show=False, id="scroll-up"),
        Binding("shift+down", "scroll_view(1)", "Scroll the view down", show=False,
                id="scroll-down"),
    ]

    lang: var[str] = var("en", init=False)
    """The language of the panel's words (``en`` or ``ko``)."""
    view: var[str] = var("", init=False)
    """The id of the lower view on show (one of :attr:`views`); ``v`` cycles it."""

    class Changed(Message):
        """The lab's state changed (an action, undo, redo or reset)."""

        def __init__(self, session: LabSession) -> None:
            super().__init__()
            self.session = session

        def can_replace(self, message: Message) -> bool:
            """Keys faster than the screen (a held key) save the work once, not per key."""
            return isinstance(message, LabPanel.Changed) and message.session is self.session

    def __init__(self, session: LabSession, lang: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.session = session
        self.views: tuple[LabView, ...] = views_for(session.state)
        """The lower views this lab has, in cycle order."""
        self.on_change: Callable[[], None] | None = None
        """Called in the same handler as a change (the lesson screen refreshes its goals
        there, so a key paints one frame with everything in it)."""
        self.set_reactive(LabPanel.lang, lang)
        self.set_reactive(LabPanel.view, self.views[0].id if self.views else "")
        self.message = ""
        self.last_outcome: Outcome | None = None
        self._stale: set[str] = {v.id for v in self.views}
        self._status_plain: str | None = None
        self._note_text = ""
        self._last_action: tuple[Action, bool] | None = None

    def compose(self) -> ComposeResult:
        yield Static("", id="lab-status")
        yield WorkloadTable(id="lab-table", faults=self.session.allows("fail"))
        yield Static("", id="lab-table-note", markup=False)
        initial = f"view-{self.view}" if self.views else None
        with ContentSwitcher(initial=initial, id="lab-views"):
            # Not focusable: Tab never lands here, so the lab keys always act on the table's
            # row; the view scrolls with the mouse or shift+up / shift+down.
            for spec in self.views:
                with VerticalScroll(id=f"view-{spec.id}", can_focus=False):
                    yield spec.widget(id=f"lab-{spec.id}")

    def on_mount(self) -> None:
        self.refresh_view()
        self.watch(self.table, "scroll_x", self._render_note, init=False)

    def on_resize(self) -> None:
        self._render_note()  # in the same frame as the resize, when the table knows its size
        self.call_after_refresh(self._render_note)  # and once its scrollbar may have taken a cell

    # ------------------------------------------------------------------ public API

    @property
    def table(self) -> WorkloadTable:
        return self.query_one(WorkloadTable)

    def focus(self, scroll_visible: bool = True) -> LabPanel:
        """Focusing the panel focuses its workload table (where the keys act), once it has
        one (not while the panel is being composed or removed)."""
        for table in self.query(WorkloadTable):
            table.focus(scroll_visible)
        return self

    def selected(self) -> str | None:
        return self.table.selected()

    def set_lang(self, lang: str) -> None:
        self.lang = lang

    def watch_lang(self, lang: str) -> None:
        if self._last_action is not None:  # say the last result again, in the new language
            action, ok = self._last_action
            o, text = self.last_outcome, describe(action, lang)
            self.message = (t("lab.applied", lang, action=text) if ok or o is None
                            else refusal_line(text, o.violations, lang, not_allowed=o.not_allowed))
        else:
            self.message = ""
        self.refresh_view()

    def refresh_view(self) -> None:
        """Re-render the table and the visible view from the session's (cached) report."""
        report = self.session.report
        if self.table.sync(report, self.session.state, self.lang):
            self.call_after_refresh(self._render_note)
        self._stale = {v.id for v in self.views}
        self._render_view()
        self._render_status()

    def apply(self, action: Action) -> Outcome:
        """Apply a core action through the session; explain a refusal in a dialog."""
        outcome = self.session.apply(action)
        self.last_outcome = outcome
        self._last_action = (action, outcome.ok)
        text = describe(action, self.lang)
        if outcome.ok:
            self._changed(t("lab.applied", self.lang, action=text))
        else:
            self._set_message(refusal_line(text, outcome.violations, self.lang,
                                           not_allowed=outcome.not_allowed), refused=True)
            self.app.push_screen(RefusedDialog(text, outcome.violations, self.lang,
                                               not_allowed=outcome.not_allowed,
                                               kind=action.kind))
        return outcome

    def undo(self) -> bool:
        self._last_action = None
        done = self.session.undo()
        if done:
            self._changed(t("lesson.undo", self.lang))
        else:
            self._set_message(t("lesson.nothing_to_undo", self.lang))
        return done

    def redo(self) -> bool:
        self._last_action = None
        done = self.session.redo()
        if done:
            self._changed(t("lesson.redo", self.lang))
        else:
            self._set_message(t("lesson.nothing_to_redo", self.lang))
        return done

    def reset(self) -> None:
        self._last_action = None
        self.session.reset()
        self._changed(t("lesson.lab_reset", self.lang))

    def cycle_view(self) -> str:
        """Show the next of the lab's views; returns its id."""
        ids = [v.id for v in self.views]
        if ids:
            self.view = ids[(ids.index(self.view) + 1) % len(ids)]
        return self.view

    def watch_view(self, view: str) -> None:
        self.query_one(ContentSwitcher).current = f"view-{view}"
        self.refresh_bindings()  # a view's own keys (the stepper's) show with it
        self._render_view()
        self._render_status()

    def as_text(self) -> str:
        """The plain-text twin: status, workload table and the visible view."""
        parts = [self._status_text(), self.table.as_text(), *([self._note_text] if self._note_text else [])]
        widget = self._view_widget()
        if widget is not None:
            parts.append(widget.as_text())
        return "\n".join(parts)

    # ------------------------------------------------------------------ rendering

    def _view_spec(self) -> LabView | None:
        return next((v for v in self.views if v.id == self.view), None)

    def _view_widget(self) -> LinesView | None:
        return self.query_one(f"#lab-{self.view}", LinesView) if self.views else None

    def _render_view(self) -> None:
        widget = self._view_widget()
        if widget is not None and self.view in self._stale:
            state = self.session.state
            widget.show(ViewContext(self.session.report, state, self.lang, self.selected()))
            self._stale.discard(self.view)

    def _status_text(self) -> str:
        lab = self.session.lab
        title = lab.meta.title.get(self.lang) if lab else t("sandbox.title", self.lang)
        spec = self._view_spec()
        parts = [title]
        if spec is not None:
            parts.append(f"[v] {t(spec.title, self.lang)}")
        if self.message:
            parts.append(self.message)
        return " · ".join(parts)

    def _render_status(self) -> None:
        status = self.query_one("#lab-status", Static)
        text = self._status_text()
        status.update(Content(text), layout=needs_layout(self._status_plain, text,
                                                         status.size.width - 2))
        self._status_plain = text

    def _render_note(self, _value: object = None) -> None:
        """The line under the table (the columns off to the side); hidden when empty."""
        tables = self.query(WorkloadTable)
        if not tables:  # a late callback after the panel was taken down
            return
        text = tables.first().note(self.lang)
        if text != self._note_text:
            self._note_text = text
            note = self.query_one("#lab-table-note", Static)
            note.update(text)
            note.display = bool(text)

    def _set_message(self, message: str, *, refused: bool = False) -> None:
        self.message = message
        self.query_one("#lab-status", Static).set_class(refused, "-refused")
        self._render_status()

    def _changed(self, message: str) -> None:
        self.message = message
        self.query_one("#lab-status", Static).set_class(False, "-refused")
        self.refresh_view()
        if self.on_change is not None:  # the goals too, in this handler: one frame per key
            self.on_change()
        self.post_message(self.Changed(self.session))

    @on(DataTable.RowHighlighted, "#lab-table")
    def _row_highlighted(self) -> None:
        self._stale = {v.id for v in self.views}
        self._render_view()

    # ------------------------------------------------------------------ keys

    def _allowed(self, kind: str) -> bool:
        if self.session.allows(kind):
            return True
        self.apply_refused_kind(kind)
        return False

    def apply_refused_kind(self, kind: str) -> None:
        text = t(f"labp.kind_name.{kind}", self.lang)
        self.last_outcome = Outcome(False, text, not_allowed=True)
        self._set_message(refusal_line(text, (), self.lang, not_allowed=True), refused=True)
        self.app.push_screen(RefusedDialog(text, (), self.lang, not_allowed=True, kind=text))

    def _need_selection(self) -> str | None:
        name = self.selected()
        if name is None:
            self._set_message(t("labp.msg.select_first", self.lang))
        return name

    def _apply_result(self, action: Action | None) -> None:
        if action is not None:
            self.apply(action)

    def action_demand(self) -> None:
        name = self._need_selection()
        if name is not None and self._allowed("set_demand"):
            level = next_demand(demand_level(self.session.state, name))
            self.apply(SetDemand(name=name, level=level, cpu=None, memory_mib=None))

    def action_edit(self) -> None:
        name = self._need_selection()
        if name is None or not self._allowed("update"):
            return
        dc = self.session.state
        workload = dc.compute.vm_index.get(name) or dc.compute.container_index[name]
        from virtlab.ui.widgets.edit_dialog import EditDialog  # read on first use

        self.app.push_screen(EditDialog(workload, self.lang), self._apply_result)

    def action_remove(self) -> None:
        name = self._need_selection()
        if name is not None and self._allowed("remove"):
            self.apply(Remove(name=name))

    def action_fail(self) -> None:
        name = self._need_selection()
        if name is None:
            return
        choices = self.fault_choices(name)
        if not choices:
            self.apply_refused_kind("fail")
            return
        actions = {str(i): a for i, (_, a) in enumerate(choices)}
        self.app.push_screen(
            ChoiceDialog(t("labp.fault_menu.title", self.lang, name=name),
                         [(label, str(i)) for i, (label, _) in enumerate(choices)]),
            lambda key: self._apply_result(actions.get(key or "")))

    def action_undo(self) -> None:
        self.undo()

    def action_redo(self) -> None:
        self.redo()

    def action_cycle_view(self) -> None:
        self.cycle_view()

    def scroll_view(self, lines: int) -> None:
        """Scroll the lower view (host bars / isolation / contention) by ``lines``."""
        if self.views:
            view = self.query_one(f"#view-{self.view}", VerticalScroll)
            view.scroll_relative(y=lines, animate=False)

    def action_scroll_view(self, lines: int) -> None:
        self.scroll_view(lines)
