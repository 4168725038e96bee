"""Which of the lab panel's keys act in this lab, as a mixin of :class:`LabPanel`.

Textual asks a widget's ``check_action`` before it runs a key's action and before it lists
the key in ``screen.active_bindings`` (the key bar and the help screen read those), so a key
whose action the lab does not allow neither shows nor runs: with L5 open, ``a`` (add a VM)
is not offered, ``v`` only when the lab has more than one view, and the packet-trace
stepper's keys only while the topology view is on show.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from virtlab.course.session import LabSession
    from virtlab.ui.widgets.lab_views import LabView

#: The lab action kinds (a lab file's ``actions``) a key's action needs; any one will do.
ACTION_NEEDS: dict[str, tuple[str, ...]] = {
    "add_vm": ("add_vm",),
    "add_container": ("add_container",),
    "cpu": ("update",),
    "memory": ("update",),
    "edit": ("update",),
    "demand": ("set_demand",),
    "remove": ("remove",),
    "fail": ("fail", "repair"),
    "move": ("move",),
    "snapshot": ("snapshot",),
    "write": ("write",),
    "revert": ("revert",),
    "consolidate": ("consolidate",),
    "backup": ("backup", "restore"),
    "time": ("advance",),
    "network": ("set_switch_port", "set_pg_vlan", "set_mtu", "add_flow", "remove_flow", "remove_sg_rule",
                "net_fail", "net_repair"),
    "storage": ("storage_fail", "storage_repair", "osd_out", "vgextend", "lvextend", "thin_write", "ceph_pool",
                "convert_disk"),
}


class LabKeyChecks:
    """Mixed into LabPanel (before the Textual base): hides the keys its lab does not allow."""

    session: LabSession
    views: tuple[LabView, ...]
    view: str

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """False (not shown, not run) for a key whose action this lab does not allow."""
        if action == "cycle_view":
            return len(self.views) > 1
        if action in ("trace_step", "trace_destination", "trace_probe"):
            return self.view == "topology"
        if action == "network" and self.session.state.network.empty:
            return False
        if action == "storage" and self.session.state.storage.stack.empty and not (
                self.session.allows("convert_disk") and any(vm.disks for vm in self.session.state.compute.vms)):
            return False
        needs = ACTION_NEEDS.get(action)
        if needs is not None and not any(self.session.allows(kind) for kind in needs):
            return False
        parent: Any = super()
        allowed: bool | None = parent.check_action(action, parameters)
        return allowed
