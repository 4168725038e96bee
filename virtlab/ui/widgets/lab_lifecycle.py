"""The lab panel's VM-lifecycle and fault keys, as a mixin of :class:`LabPanel`.

``a``/``c`` add a VM or a container, ``s`` snapshot, ``w`` write 5 GiB (a patch), ``r`` revert to the newest snapshot, ``o``
consolidate, ``b`` back up, ``t`` let simulated time pass; ``f`` offers the faults (and
repairs) that make sense for the selected workload, ``m`` moves a VM or a container.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from virtlab.core.actions import Action
from virtlab.core.compute.actions import Fail, Move, Repair
from virtlab.core.compute.lifecycle import (
    Advance,
    Backup,
    Consolidate,
    Restore,
    Revert,
    TakeSnapshot,
    Write,
)
from virtlab.core.compute.models import WorkloadStatus
from virtlab.core.hypervisors import PROFILES, supports_vms
from virtlab.course.i18n import t
from virtlab.ui.widgets.choice_dialog import ChoiceDialog

if TYPE_CHECKING:
    from textual.app import App

    from virtlab.course.session import LabSession, Outcome

PATCH_GIB = 5.0
HOURS = (1, 8, 24, 72)


class _Panel(Protocol):
    """What the mixin uses of :class:`~virtlab.ui.widgets.lab_panel.LabPanel`."""

    session: LabSession

    @property
    def lang(self) -> str: ...
    @property
    def app(self) -> App[object]: ...
    def apply(self, action: Action) -> Outcome: ...
    def move_targets(self: _Panel, name: str) -> tuple[str, list[str]]: ...
    def _need_selection(self) -> str | None: ...
    def _allowed(self, kind: str) -> bool: ...
    def _set_message(self, message: str, *, refused: bool = False) -> None: ...
    def _apply_result(self, action: Action | None) -> None: ...
    def _vm_selected(self, kind: str) -> str | None: ...
    def selected(self) -> str | None: ...
    def reset(self) -> None: ...


class LifecycleActions:
    """Mixed into LabPanel: uses its ``session``, ``lang``, ``app``, ``apply`` and helpers
    (the ``_Panel`` protocol each method's ``self`` is typed with)."""

    def action_add_vm(self: _Panel) -> None:
        from virtlab.ui.widgets.workload_dialogs import AddVMDialog  # read on first use

        if self._allowed("add_vm"):
            dc = self.session.state
            name = self.selected()
            self.app.push_screen(AddVMDialog(dc, self.lang, dc.host_of(name) if name else None),
                                 self._apply_result)

    def action_add_container(self: _Panel) -> None:
        from virtlab.ui.widgets.workload_dialogs import AddContainerDialog

        if self._allowed("add_container"):
            dc, name = self.session.state, self.selected()
            parent = None
            if name in dc.compute.vm_index:
                parent = f"vm:{name}"
            elif name in dc.compute.container_index:
                c = dc.compute.container_index[name]
                parent = f"host:{c.host}" if c.host else f"vm:{c.vm}"
            self.app.push_screen(AddContainerDialog(dc, self.lang, parent), self._apply_result)

    def action_reset(self: _Panel) -> None:
        """Ask before throwing work away (undo can bring it back too)."""
        session = self.session
        if session.state is session.start and not session.answers:
            self.reset()
            return
        lang = self.lang
        self.app.push_screen(
            ChoiceDialog(t("labp.reset_title", lang),
                         [(t("labp.reset_yes", lang), "reset"), (t("labp.reset_no", lang), "keep")],
                         note=t("labp.reset_note", lang)),
            lambda choice: self.reset() if choice == "reset" else None)

    def _vm_selected(self: _Panel, kind: str) -> str | None:
        name = self._need_selection()
        if name is None or not self._allowed(kind):
            return None
        if name not in self.session.state.compute.vm_index:
            self._set_message(t("labp.life.only_vms", self.lang))
            return None
        return name

    def action_snapshot(self: _Panel) -> None:
        if (name := self._vm_selected("snapshot")) is not None:
            self.apply(TakeSnapshot(name=name, label="snap"))

    def action_write(self: _Panel) -> None:
        if (name := self._vm_selected("write")) is not None:
            self.apply(Write(name=name, gib=PATCH_GIB))

    def action_revert(self: _Panel) -> None:
        if (name := self._vm_selected("revert")) is not None:
            self.apply(Revert(name=name))

    def action_consolidate(self: _Panel) -> None:
        if (name := self._vm_selected("consolidate")) is not None:
            self.apply(Consolidate(name=name))

    def action_backup(self: _Panel) -> None:
        if (name := self._vm_selected("backup")) is not None:
            self.apply(Backup(name=name))

    def action_time(self: _Panel) -> None:
        if not self._allowed("advance"):
            return
        clock = f"{self.session.state.clock_h:g}"
        options = [(t("labp.life.hours", self.lang, h=h), str(h)) for h in HOURS]
        self.app.push_screen(
            ChoiceDialog(t("labp.life.time_title", self.lang, clock=clock), options),
            lambda h: self._apply_result(Advance(hours=float(h)) if h else None))

    def fault_choices(self: _Panel, name: str) -> list[tuple[str, Action]]:
        """What ``f`` offers for the selected workload: (label, action) pairs.

        Always in the same order, whatever the state, so a student's fingers learn it: the
        host's faults, the VM's, the container's, then the repairs and restores.
        """
        dc, lang = self.session.state, self.lang
        faults: list[tuple[str, Action]] = []
        repairs: list[tuple[str, Action]] = []
        host = dc.host_index.get(dc.host_of(name) or "")
        if host is not None and host.is_up:
            faults.append((t("labp.fault_menu.host_down", lang, host=host.name), Fail(name=host.name, fault="host-down")))
            faults.append((t("labp.fault_menu.host_panic", lang, host=host.name), Fail(name=host.name, fault="host-panic")))
        elif host is not None:
            repairs.append((t("labp.fault_menu.repair_host", lang, host=host.name), Repair(name=host.name)))
        c = dc.compute.container_index.get(name)
        vm = dc.compute.vm_index.get(name) or (dc.compute.vm_index.get(c.vm or "") if c else None)
        if vm is not None:
            lost = any(d.lost for d in vm.disks)
            if vm.status is WorkloadStatus.RUNNING:
                faults.append((t("labp.fault_menu.guest_panic", lang, vm=vm.name), Fail(name=vm.name, fault="guest-panic")))
            elif not lost:
                repairs.append((t("labp.fault_menu.repair_vm", lang, vm=vm.name), Repair(name=vm.name)))
            if vm.disks and not lost:
                faults.append((t("labp.fault_menu.disk_lost", lang, vm=vm.name), Fail(name=vm.name, fault="disk-lost")))
            if vm.backup_age_h is not None:  # a restore needs a backup to restore from
                repairs.append((t("labp.fault_menu.restore", lang, vm=vm.name), Restore(name=vm.name)))
        if c is not None:
            if c.status is WorkloadStatus.RUNNING:
                faults.append((t("labp.fault_menu.crash", lang, name=c.name), Fail(name=c.name, fault="crash")))
            else:
                repairs.append((t("labp.fault_menu.restart", lang, name=c.name), Repair(name=c.name)))
        return [(label, a) for label, a in faults + repairs if self.session.allows(a.kind)]

    def move_targets(self: _Panel, name: str) -> tuple[str, list[str]]:
        """Where ``m`` can move the selected workload: (its current place, choices)."""
        dc = self.session.state
        vm = dc.compute.vm_index.get(name)
        if vm is not None:
            return vm.host, [h.name for h in dc.hosts if h.name != vm.host and supports_vms(h.hypervisor)]
        c = dc.compute.container_index[name]
        here = c.vm or c.host or ""
        vms = [v.name for v in dc.compute.vms if v.name != here]
        hosts = [h.name for h in dc.hosts if h.name != here and PROFILES[h.hypervisor].runs_host_containers]
        return here, vms + hosts

    def action_move(self: _Panel) -> None:
        name = self._need_selection()
        if name is None or not self._allowed("move"):
            return
        here, targets = self.move_targets(name)
        if not targets:
            self._set_message(t("labp.life.no_target", self.lang))
            return
        dc = self.session.state
        title = (t("labp.move_title", self.lang, name=name, host=here) if name in dc.compute.vm_index
                 else t("labp.life.move_container_title", self.lang, name=name, where=here))
        # A host that is not up stays on the list, marked: choosing it is refused with the reason.
        down = {h.name: t(f"labp.host_status.{h.status.value}", self.lang) for h in dc.hosts if not h.is_up}
        labels = [(t("labp.life.target_not_up", self.lang, name=x, status=down[x]) if x in down else x, x)
                  for x in targets]
        self.app.push_screen(
            ChoiceDialog(title, labels),
            lambda target: self._apply_result(Move(name=name, host=target) if target else None))
