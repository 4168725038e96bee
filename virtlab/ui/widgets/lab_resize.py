"""What the lab's size keys do: ``+``/``-`` (vCPUs of a VM, CPU limit of a container) and
``]``/``[`` (memory), one step at a time, stopping at the smallest sensible size.

A step down from the minimum is not sent to the engine (which would refuse it with a
validation error); :func:`cpu_step` and :func:`memory_step` return no changes and name the
minimum instead, for a short status message. :class:`ResizeActions` is the lab panel's side of
the keys (a mixin).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from virtlab.core.compute.actions import Update
from virtlab.core.state import Datacenter
from virtlab.core.units import fmt_mib
from virtlab.course.i18n import t
from virtlab.ui.widgets.labtext import field_words

if TYPE_CHECKING:
    from virtlab.core.actions import Action
    from virtlab.course.session import LabSession, Outcome

CPU_STEP_M = 250  # container CPU limit step, millicores
MEM_STEP_VM = 1024  # VM memory step, MiB (512 below 2 GiB)
MEM_STEP_CTR = 128  # container memory limit step, MiB
MIN_VCPUS = 1
MIN_VM_MIB = 512.0
MIN_CTR_M = 250.0
MIN_CTR_MIB = 128.0


@dataclass(frozen=True, slots=True)
class Step:
    """The fields to change, or (``changes`` empty) the minimum already reached."""

    changes: dict[str, Any] = field(default_factory=dict)
    field: str = ""  # the model field at its minimum (vcpus, memory_mib, cpu_limit_m …)
    minimum: str = ""  # the minimum in its unit ("512 MiB", "1", "250m")
    unset: bool = False  # a container with no limit (nor request) to lower


def _down_to(current: float, size: float, floor: float) -> float | None:
    """``current - size`` but not below ``floor``; None when already at (or below) it."""
    if current <= floor:
        return None
    return max(floor, current - size)


def cpu_step(dc: Datacenter, name: str, step: int) -> Step:
    vm = dc.compute.vm_index.get(name)
    if vm is not None:
        vcpus = vm.vcpus + step
        if vcpus < MIN_VCPUS:
            return Step(field="vcpus", minimum=str(MIN_VCPUS))
        return Step({"vcpus": vcpus})
    c = dc.compute.container_index[name]
    now = c.cpu_limit_m or c.cpu_request_m or 0.0
    new: float
    if step > 0:
        new = now + step * CPU_STEP_M
    elif not now:
        return Step(field="cpu_limit_m", unset=True)
    else:
        down = _down_to(now, -step * CPU_STEP_M, MIN_CTR_M)
        if down is None:
            return Step(field="cpu_limit_m", minimum=f"{MIN_CTR_M:g}m")
        new = down
    changes: dict[str, Any] = {"cpu_limit_m": new}
    if c.cpu_request_m is not None and c.cpu_request_m > new:
        changes["cpu_request_m"] = new
    return Step(changes)


def memory_step(dc: Datacenter, name: str, step: int) -> Step:
    vm = dc.compute.vm_index.get(name)
    if vm is not None:
        mem = vm.memory_mib
        size = MEM_STEP_VM if (mem >= 2048 if step > 0 else mem > 2048) else 512
        if step > 0:
            return Step({"memory_mib": mem + step * size})
        down = _down_to(mem, -step * size, MIN_VM_MIB)
        if down is None:
            return Step(field="memory_mib", minimum=fmt_mib(MIN_VM_MIB))
        return Step({"memory_mib": down})
    c = dc.compute.container_index[name]
    now = c.mem_limit_mib or c.mem_request_mib or 0.0
    if step > 0:
        new = now + step * MEM_STEP_CTR
    elif not now:
        return Step(field="mem_limit_mib", unset=True)
    else:
        down = _down_to(now, -step * MEM_STEP_CTR, MIN_CTR_MIB)
        if down is None:
            return Step(field="mem_limit_mib", minimum=fmt_mib(MIN_CTR_MIB))
        new = down
    changes: dict[str, Any] = {"mem_limit_mib": new}
    if c.mem_request_mib is not None and c.mem_request_mib > new:
        changes["mem_request_mib"] = new
    return Step(changes)


class _Panel(Protocol):
    """What :class:`ResizeActions` uses of :class:`~virtlab.ui.widgets.lab_panel.LabPanel`."""

    session: LabSession

    @property
    def lang(self) -> str: ...
    def apply(self, action: Action) -> Outcome: ...
    def _need_selection(self) -> str | None: ...
    def _allowed(self, kind: str) -> bool: ...
    def _set_message(self, message: str, *, refused: bool = False) -> None: ...


class ResizeActions:
    """Mixed into LabPanel: the ``+``/``-`` and ``]``/``[`` keys, through the steps above."""

    def resize(self: _Panel, resource: str, step: int) -> Outcome | None:
        """One step of ``cpu`` or ``memory`` for the selected workload; at the minimum, a
        status message instead of a refused action (returns None then)."""
        name = self._need_selection()
        if name is None or not self._allowed("update"):
            return None
        steps = cpu_step if resource == "cpu" else memory_step
        result = steps(self.session.state, name, step)
        if not result.changes:
            key = "labp.msg.no_limit" if result.unset else "labp.msg.at_minimum"
            self._set_message(t(key, self.lang, name=name, field=field_words(result.field, self.lang),
                                minimum=result.minimum))
            return None
        return self.apply(Update(name=name, changes=result.changes))

    def action_cpu(self: _Panel, step: int) -> None:
        ResizeActions.resize(self, "cpu", step)

    def action_memory(self: _Panel, step: int) -> None:
        ResizeActions.resize(self, "memory", step)
