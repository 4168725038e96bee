"""Resizing and demand: ``update`` (size and resource controls only) and ``set_demand``.

``update`` is vSphere's "Edit Settings" (vCPUs, memory, shares, reservations, limits, a disk's
size) or a pod's ``resources`` (requests and limits); each model declares the fields it takes
(``VM.UPDATABLE``, ``Container.UPDATABLE``). Anything else is refused with the action that does
change it — a workload's status (fail / repair), its demand (set_demand), its backups (backup),
its snapshots and data (the lifecycle actions) — so a lab's allowed actions cannot be bypassed
through ``update``. A virtual disk can only grow, and not while it has snapshots (vSphere:
"Increase the size of a virtual disk"; the size field is locked while snapshots exist).

Demand is what the application needs, in its own units (a VM: cores of work and active MiB; a
container: millicores and MiB), so neither action cuts it to the workload's size: a VM shrunk
below its work keeps its work, and the report shows what it cannot get and why
(:mod:`virtlab.core.compute.shortfall`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import Field, ValidationError

from virtlab.core.base import ActionBase, Refused, Violation, refuse, replace_named
from virtlab.core.compute.models import VM, Container, broken_rules

if TYPE_CHECKING:
    from virtlab.core.state import Datacenter

__all__ = ["CHANGED_BY", "CPU_LEVELS", "MEM_LEVELS", "DemandLevel", "SetDemand", "Update",
           "preset_demand"]

# Demand presets, as shares of what the workload is sized for.
CPU_LEVELS = {"idle": 0.05, "normal": 0.40, "peak": 0.90, "leak": 0.90}
MEM_LEVELS = {"idle": 0.10, "normal": 0.50, "peak": 0.90, "leak": 1.50}
DemandLevel = Literal["idle", "normal", "peak", "leak"]

#: The action kinds (as a lab lists them) that change a field ``update`` does not take.
CHANGED_BY: dict[str, tuple[str, ...]] = {
    "status": ("fail", "repair"),
    "cpu_demand": ("set_demand",),
    "mem_active_mib": ("set_demand",),
    "cpu_demand_m": ("set_demand",),
    "mem_demand_mib": ("set_demand",),
    "backup_age_h": ("backup",),
    "backup_gib": ("backup",),
    "host": ("move",),
    "vm": ("move",),
}
#: What changes a disk other than its size: its data, snapshots and loss.
DISK_ACTIONS = ("write", "snapshot", "revert", "consolidate", "restore")


def preset_demand(workload: VM | Container, level: str) -> tuple[float, float]:
    """(CPU, memory) demand of a preset level: shares of what the workload is sized for.

    A VM: cores of work (of its vCPUs) and active MiB (never above its memory). A container:
    millicores and MiB of its limit, else its request, else 1 core / 512 MiB — "leak" asks for
    150 % of that memory, which is what gets a container OOM-killed.
    """
    if isinstance(workload, VM):
        return CPU_LEVELS[level] * workload.vcpus, min(1.0, MEM_LEVELS[level]) * workload.memory_mib
    cpu_base = workload.cpu_limit_m or workload.cpu_request_m or 1000.0
    mem_base = workload.mem_limit_mib or workload.mem_request_mib or 512.0
    return CPU_LEVELS[level] * cpu_base, MEM_LEVELS[level] * mem_base


def _field_problems(name: str, model: type[VM] | type[Container], changes: dict[str, Any]
                    ) -> list[Violation]:
    """Why ``update`` refuses fields its model does not let it change (one reason each)."""
    out = []
    for field in sorted(set(changes) - model.UPDATABLE):
        actions = CHANGED_BY.get(field) if field in model.model_fields else None
        if actions is None:
            out.append(Violation("bad_field", name, f"{name}: update cannot change {field}",
                                 0.0, {"field": field}))
            continue
        out.append(Violation(
            "not_updatable", name,
            f"{name}: update changes only size and resource controls; {field} changes with "
            f"{' / '.join(actions)}",
            0.0, {"field": field, "actions": ",".join(actions)},
        ))
    return out


def _disk_problems(old: VM, new: VM) -> list[Violation]:
    """``update`` only grows a disk (vSphere cannot shrink one, nor resize one with snapshots)."""
    name = old.name
    same_shape = len(old.disks) == len(new.disks) and all(
        n.model_copy(update={"size_gib": o.size_gib}) == o for o, n in zip(old.disks, new.disks, strict=True))
    if not same_shape:
        return [Violation(
            "not_updatable", name,
            f"{name}: update changes only a disk's size; its data and snapshots change with "
            f"{' / '.join(DISK_ACTIONS)}",
            0.0, {"field": "disks", "actions": ",".join(DISK_ACTIONS)},
        )]
    out = []
    for i, (o, n) in enumerate(zip(old.disks, new.disks, strict=True)):
        if n.size_gib < o.size_gib:
            out.append(Violation(
                "disk_shrink", name,
                f"{name}: disk {i + 1} cannot shrink from {o.size_gib:g} GiB to {n.size_gib:g} GiB "
                "(a virtual disk can only grow)",
                0.0, {"vm": name, "disk": str(i + 1), "size": o.size_gib, "new": n.size_gib},
            ))
        elif n.size_gib != o.size_gib and o.snapshots:
            out.append(Violation(
                "disk_has_snapshots", name,
                f"{name}: disk {i + 1} has snapshots: consolidate them before resizing it",
                0.0, {"vm": name, "disk": str(i + 1)},
            ))
    return out


class Update(ActionBase):
    """Change a VM's or a container's size and resource controls (its ``UPDATABLE`` fields)."""

    kind: Literal["update"] = "update"
    name: str
    changes: dict[str, Any]

    def apply(self, dc: Datacenter) -> Datacenter:
        vm_or_container: tuple[type[VM] | type[Container], ...] = (VM, Container)
        for model in vm_or_container:
            index: dict[str, Any] = dc.compute.vm_index if model is VM else dc.compute.container_index
            old = index.get(self.name)
            if old is None:
                continue
            problems = _field_problems(self.name, model, self.changes)
            if problems:
                raise Refused(problems)
            merged = {**old.model_dump(), **self.changes}
            rules = broken_rules(model.model_construct(**merged), model.RULES)
            if rules:  # said with both fields, so the UI can word them
                raise Refused([Violation(
                    "inconsistent", self.name, f"{self.name}: {field} is {relation} {other}",
                    0.0, {"field": field, "relation": relation, "other": other})
                    for field, relation, other in rules])
            try:
                new = model.model_validate(merged)
            except ValidationError as e:
                first = e.errors()[0]
                where = ".".join(str(p) for p in first["loc"]) or "value"
                raise refuse("invalid", self.name, f"{self.name}: {where}: {first['msg']}") from None
            if isinstance(new, VM):
                problems = _disk_problems(old, new) if "disks" in self.changes else []
                if problems:
                    raise Refused(problems)
                return dc.with_vms(replace_named(dc.compute.vms, self.name, new))
            assert isinstance(new, Container)
            return dc.with_containers(replace_named(dc.compute.containers, self.name, new))
        raise refuse("unknown_name", self.name, f"no VM or container named {self.name!r}", name=self.name)

    def describe(self) -> str:
        return f"set {', '.join(f'{k}={v}' for k, v in self.changes.items())} on {self.name}"

    def names(self) -> tuple[str, ...]:
        return (self.name,)


class SetDemand(ActionBase):
    """Set how busy a workload is: a level, or explicit figures."""

    kind: Literal["set_demand"] = "set_demand"
    refusable: ClassVar[bool] = False
    name: str
    level: DemandLevel | None = None
    cpu: float | None = Field(None, ge=0)  # VM: cores of work; container: millicores
    memory_mib: float | None = Field(None, ge=0)

    def apply(self, dc: Datacenter) -> Datacenter:
        vm = dc.compute.vm_index.get(self.name)
        if vm is not None:
            cpu, mem = preset_demand(vm, self.level) if self.level else (vm.cpu_demand, vm.mem_active_mib)
            cpu = self.cpu if self.cpu is not None else cpu
            mem = self.memory_mib if self.memory_mib is not None else mem
            new = vm.model_copy(update={"cpu_demand": cpu, "mem_active_mib": mem})
            return dc.with_vms(replace_named(dc.compute.vms, vm.name, new))
        c = dc.compute.container_index.get(self.name)
        if c is not None:
            cpu, mem = preset_demand(c, self.level) if self.level else (c.cpu_demand_m, c.mem_demand_mib)
            cpu = self.cpu if self.cpu is not None else cpu
            mem = self.memory_mib if self.memory_mib is not None else mem
            new_c = c.model_copy(update={"cpu_demand_m": cpu, "mem_demand_mib": mem})
            return dc.with_containers(replace_named(dc.compute.containers, c.name, new_c))
        raise refuse("unknown_name", self.name, f"no VM or container named {self.name!r}", name=self.name)

    def describe(self) -> str:
        return f"set demand of {self.name} to {self.level or 'custom'}"

    def names(self) -> tuple[str, ...]:
        return (self.name,)
