"""Actions: pure functions ``state → state`` that a real system would accept or refuse.

Each action is a small frozen model (so a lab can list, store and replay them) with an
``apply`` method. :func:`apply` runs one and, when the result breaks a rule of
:mod:`virtlab.core.rules` that the old state did not break (or breaks it harder), raises
:class:`Refused` with every failed constraint and its numbers; the old state is untouched.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from virtlab.core.hypervisors import PROFILES, supports_vms
from virtlab.core.models import (
    VM,
    Container,
    Datacenter,
    Host,
    HostStatus,
    Policy,
    WorkloadStatus,
)
from virtlab.core.rules import (
    Violation,
    datastore_violations,
    host_violations,
    node_violations,
)


class Refused(Exception):
    """An action a real system would refuse, with every reason."""

    def __init__(self, violations: list[Violation]) -> None:
        self.violations = violations
        super().__init__("; ".join(v.message for v in violations))


def _refuse(code: str, subject: str, message: str, **params: Any) -> Refused:
    return Refused([Violation(code, subject, message, 0.0, params)])


# Demand presets, as shares of what the workload is sized for.
CPU_LEVELS = {"idle": 0.05, "normal": 0.40, "peak": 0.90, "leak": 0.90}
MEM_LEVELS = {"idle": 0.10, "normal": 0.50, "peak": 0.90, "leak": 1.50}
DemandLevel = Literal["idle", "normal", "peak", "leak"]


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


class _Action(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    def apply(self, dc: Datacenter) -> Datacenter:  # pragma: no cover - abstract
        raise NotImplementedError

    def describe(self) -> str:  # pragma: no cover - abstract
        raise NotImplementedError


def _update(items: tuple, name: str, new: Any) -> tuple:
    return tuple(new if i.name == name else i for i in items)


def _remove(items: tuple, name: str) -> tuple:
    return tuple(i for i in items if i.name != name)


def _name_taken(dc: Datacenter, name: str) -> bool:
    return name in dc.vm_index or name in dc.container_index or name in dc.host_index


def _check_vm_home(dc: Datacenter, vm: VM) -> None:
    host = dc.host_index.get(vm.host)
    if host is None:
        raise _refuse("unknown_host", vm.host, f"no host named {vm.host!r}", host=vm.host)
    if not supports_vms(host.hypervisor):
        raise _refuse(
            "no_hypervisor", host.name,
            f"{host.name} runs no hypervisor (only a container engine): it cannot run VMs",
            host=host.name,
        )
    for disk in vm.disks:
        ds = dc.datastore_index.get(disk.datastore)
        if ds is None:
            raise _refuse("unknown_datastore", disk.datastore, f"no datastore named {disk.datastore!r}",
                          datastore=disk.datastore)
        if not ds.visible_from(host.name):
            raise _refuse(
                "datastore_not_visible", f"{vm.name}/{ds.name}",
                f"{ds.name} is not visible from {host.name} (it is local to {', '.join(ds.hosts)}); "
                "a VM can only use storage its host sees",
                datastore=ds.name, host=host.name,
            )


def _check_container_home(dc: Datacenter, c: Container) -> None:
    if c.vm is not None:
        if c.vm not in dc.vm_index:
            raise _refuse("unknown_vm", c.vm, f"no VM named {c.vm!r} to run {c.name} in", vm=c.vm)
        return
    host = dc.host_index.get(c.host or "")
    if host is None:
        raise _refuse("unknown_host", c.host or "", f"no host named {c.host!r}", host=c.host or "")
    if not PROFILES[host.hypervisor].runs_host_containers:
        raise _refuse(
            "no_host_os", host.name,
            f"{host.name} runs {PROFILES[host.hypervisor].label}, which has no Linux host OS for "
            "containers: run them inside a VM",
            host=host.name, hypervisor=host.hypervisor.value,
        )


class AddHost(_Action):
    kind: Literal["add_host"] = "add_host"
    host: Host

    def apply(self, dc: Datacenter) -> Datacenter:
        if _name_taken(dc, self.host.name):
            raise _refuse("name_taken", self.host.name, f"the name {self.host.name!r} is taken")
        return dc.evolve(hosts=(*dc.hosts, self.host))

    def describe(self) -> str:
        return f"add host {self.host.name}"


class AddVM(_Action):
    kind: Literal["add_vm"] = "add_vm"
    vm: VM

    def apply(self, dc: Datacenter) -> Datacenter:
        if _name_taken(dc, self.vm.name):
            raise _refuse("name_taken", self.vm.name, f"the name {self.vm.name!r} is taken")
        _check_vm_home(dc, self.vm)
        return dc.evolve(vms=(*dc.vms, self.vm))

    def describe(self) -> str:
        return f"add VM {self.vm.name} ({self.vm.vcpus} vCPU, {self.vm.memory_mib:g} MiB) on {self.vm.host}"


class AddContainer(_Action):
    kind: Literal["add_container"] = "add_container"
    container: Container

    def apply(self, dc: Datacenter) -> Datacenter:
        c = self.container
        if _name_taken(dc, c.name):
            raise _refuse("name_taken", c.name, f"the name {c.name!r} is taken")
        _check_container_home(dc, c)
        return dc.evolve(containers=(*dc.containers, c))

    def describe(self) -> str:
        where = f"in VM {self.container.vm}" if self.container.vm else f"on {self.container.host}"
        return f"add container {self.container.name} {where}"


class Remove(_Action):
    """Remove a VM (with the containers inside it), a container, or an empty host."""

    kind: Literal["remove"] = "remove"
    name: str

    def apply(self, dc: Datacenter) -> Datacenter:
        n = self.name
        if n in dc.vm_index:
            return dc.evolve(
                vms=_remove(dc.vms, n), containers=tuple(c for c in dc.containers if c.vm != n)
            )
        if n in dc.container_index:
            return dc.evolve(containers=_remove(dc.containers, n))
        if n in dc.host_index:
            if dc.vms_by_host.get(n) or dc.containers_by_parent.get(("host", n)):
                raise _refuse("host_not_empty", n, f"{n} still runs workloads: move or remove them first")
            return dc.evolve(hosts=_remove(dc.hosts, n))
        raise _refuse("unknown_name", n, f"nothing named {n!r}", name=n)

    def describe(self) -> str:
        return f"remove {self.name}"


class Update(_Action):
    """Change fields of a VM or container: resize, shares, reservation, limit, requests."""

    kind: Literal["update"] = "update"
    name: str
    changes: dict[str, Any]

    def apply(self, dc: Datacenter) -> Datacenter:
        for model, items, field in ((VM, dc.vms, "vms"), (Container, dc.containers, "containers")):
            index = dc.vm_index if model is VM else dc.container_index
            old = index.get(self.name)
            if old is None:
                continue
            bad = set(self.changes) - set(model.model_fields) | ({"name", "host", "vm"} & set(self.changes))
            if bad:
                raise _refuse("bad_field", self.name, f"cannot change {', '.join(sorted(bad))} with update")
            try:
                new = model.model_validate({**old.model_dump(), **self.changes})
            except ValidationError as e:
                first = e.errors()[0]
                where = ".".join(str(p) for p in first["loc"]) or "value"
                raise _refuse("invalid", self.name, f"{self.name}: {where}: {first['msg']}") from None
            if isinstance(new, VM):
                new = new.model_copy(update={"cpu_demand": min(new.cpu_demand, new.vcpus),
                                             "mem_active_mib": min(new.mem_active_mib, new.memory_mib)})
                if "disks" in self.changes:
                    _check_vm_home(dc, new)
            return dc.evolve(**{field: _update(items, self.name, new)})
        raise _refuse("unknown_name", self.name, f"no VM or container named {self.name!r}", name=self.name)

    def describe(self) -> str:
        return f"set {', '.join(f'{k}={v}' for k, v in self.changes.items())} on {self.name}"


class SetDemand(_Action):
    """Set how busy a workload is: a level, or explicit figures."""

    kind: Literal["set_demand"] = "set_demand"
    name: str
    level: DemandLevel | None = None
    cpu: float | None = Field(None, ge=0)  # VM: cores of work; container: millicores
    memory_mib: float | None = Field(None, ge=0)

    def apply(self, dc: Datacenter) -> Datacenter:
        vm = dc.vm_index.get(self.name)
        if vm is not None:
            cpu, mem = preset_demand(vm, self.level) if self.level else (vm.cpu_demand, vm.mem_active_mib)
            cpu = self.cpu if self.cpu is not None else cpu
            mem = self.memory_mib if self.memory_mib is not None else mem
            new = vm.model_copy(update={"cpu_demand": min(cpu, vm.vcpus), "mem_active_mib": min(mem, vm.memory_mib)})
            return dc.evolve(vms=_update(dc.vms, vm.name, new))
        c = dc.container_index.get(self.name)
        if c is not None:
            cpu, mem = preset_demand(c, self.level) if self.level else (c.cpu_demand_m, c.mem_demand_mib)
            cpu = self.cpu if self.cpu is not None else cpu
            mem = self.memory_mib if self.memory_mib is not None else mem
            new_c = c.model_copy(update={"cpu_demand_m": cpu, "mem_demand_mib": mem})
            return dc.evolve(containers=_update(dc.containers, c.name, new_c))
        raise _refuse("unknown_name", self.name, f"no VM or container named {self.name!r}", name=self.name)

    def describe(self) -> str:
        return f"set demand of {self.name} to {self.level or 'custom'}"


class Move(_Action):
    """Place a VM on another host (storage must be visible there), or a container on another
    host OS or into a VM (``host`` is then a host or VM name; names are unique)."""

    kind: Literal["move"] = "move"
    name: str
    host: str

    def apply(self, dc: Datacenter) -> Datacenter:
        c = dc.container_index.get(self.name)
        if c is not None:
            if self.host in dc.vm_index:
                new_c = c.model_copy(update={"host": None, "vm": self.host})
            else:
                new_c = c.model_copy(update={"host": self.host, "vm": None})
            _check_container_home(dc, new_c)
            return dc.evolve(containers=_update(dc.containers, c.name, new_c))
        vm = dc.vm_index.get(self.name)
        if vm is None:
            raise _refuse("unknown_name", self.name, f"no VM or container named {self.name!r}", name=self.name)
        target = dc.host_index.get(self.host)
        if target is not None and not target.is_up:
            raise _refuse("host_down", self.host, f"{self.host} is {target.status.value}", host=self.host)
        new = vm.model_copy(update={"host": self.host})
        _check_vm_home(dc, new)
        return dc.evolve(vms=_update(dc.vms, vm.name, new))

    def describe(self) -> str:
        return f"move {self.name} to {self.host}"


FaultKind = Literal["host-down", "host-panic", "guest-panic", "crash", "power-off", "disk-lost"]


class Fail(_Action):
    """Inject a fault: a host fails or panics, a guest kernel panics, a container crashes."""

    kind: Literal["fail"] = "fail"
    name: str
    fault: FaultKind | None = None  # default: the usual fault for that kind of thing

    def apply(self, dc: Datacenter) -> Datacenter:
        host = dc.host_index.get(self.name)
        if host is not None:
            status = HostStatus.PANICKED if self.fault == "host-panic" else HostStatus.DOWN
            return dc.evolve(hosts=_update(dc.hosts, host.name, host.model_copy(update={"status": status})))
        status_w = WorkloadStatus.OFF if self.fault == "power-off" else WorkloadStatus.CRASHED
        vm = dc.vm_index.get(self.name)
        if vm is not None and self.fault == "disk-lost":
            disks = tuple(d.model_copy(update={"lost": True}) for d in vm.disks)
            new = vm.model_copy(update={"disks": disks, "status": WorkloadStatus.CRASHED})
            return dc.evolve(vms=_update(dc.vms, vm.name, new))
        if vm is not None:
            return dc.evolve(vms=_update(dc.vms, vm.name, vm.model_copy(update={"status": status_w})))
        c = dc.container_index.get(self.name)
        if c is not None:
            return dc.evolve(containers=_update(dc.containers, c.name, c.model_copy(update={"status": status_w})))
        raise _refuse("unknown_name", self.name, f"nothing named {self.name!r}", name=self.name)

    def describe(self) -> str:
        return f"fail {self.name}" + (f" ({self.fault})" if self.fault else "")


class Repair(_Action):
    """Bring a failed host back up, or restart a crashed or powered-off workload."""

    kind: Literal["repair"] = "repair"
    name: str

    def apply(self, dc: Datacenter) -> Datacenter:
        host = dc.host_index.get(self.name)
        if host is not None:
            return dc.evolve(hosts=_update(dc.hosts, host.name, host.model_copy(update={"status": HostStatus.UP})))
        vm = dc.vm_index.get(self.name)
        if vm is not None:
            if any(d.lost for d in vm.disks):
                raise _refuse(
                    "disk_lost", vm.name,
                    f"{vm.name}'s base disk is lost: restarting cannot help, only a restore from backup",
                    vm=vm.name,
                )
            return dc.evolve(vms=_update(dc.vms, vm.name, vm.model_copy(update={"status": WorkloadStatus.RUNNING})))
        c = dc.container_index.get(self.name)
        if c is not None:
            new = c.model_copy(update={"status": WorkloadStatus.RUNNING})
            return dc.evolve(containers=_update(dc.containers, c.name, new))
        raise _refuse("unknown_name", self.name, f"nothing named {self.name!r}", name=self.name)

    def describe(self) -> str:
        return f"repair {self.name}"


class SetPolicy(_Action):
    kind: Literal["set_policy"] = "set_policy"
    changes: dict[str, Any]

    def apply(self, dc: Datacenter) -> Datacenter:
        try:
            policy = Policy.model_validate({**dc.policy.model_dump(), **self.changes})
        except ValidationError as e:
            first = e.errors()[0]
            raise _refuse("invalid", "policy", f"policy.{'.'.join(map(str, first['loc']))}: {first['msg']}") from None
        return dc.evolve(policy=policy)

    def describe(self) -> str:
        return f"set policy {', '.join(f'{k}={v}' for k, v in self.changes.items())}"


from virtlab.core.lifecycle import (  # noqa: E402  (they build on the helpers above)
    Advance,
    Backup,
    Consolidate,
    Restore,
    Revert,
    TakeSnapshot,
    Write,
)

Action = Annotated[
    AddHost | AddVM | AddContainer | Remove | Update | SetDemand | Move | Fail | Repair | SetPolicy
    | TakeSnapshot | Write | Revert | Consolidate | Backup | Restore | Advance,
    Field(discriminator="kind"),
]
ACTION_KINDS: tuple[str, ...] = (
    "add_host", "add_vm", "add_container", "remove", "update", "set_demand", "move", "fail",
    "repair", "set_policy", "snapshot", "write", "revert", "consolidate", "backup", "restore",
    "advance",
)


def _touched(dc: Datacenter) -> tuple[set[str], set[str], set[tuple[str, str]]]:
    hosts = {h.name for h in dc.hosts}
    return hosts, {d.name for d in dc.datastores}, set(dc.containers_by_parent)


def _violations(dc: Datacenter, hosts: set[str], stores: set[str], nodes: set[tuple[str, str]]) -> dict:
    out: dict[tuple[str, str], Violation] = {}
    for h in hosts:
        for v in host_violations(dc, h):
            out[v.key] = v
    for d in stores:
        for v in datastore_violations(dc, d):
            out[v.key] = v
    for n in nodes:
        for v in node_violations(dc, n):
            out[v.key] = v
    return out


def _affected(before: Datacenter, after: Datacenter, action: _Action) -> tuple[set, set, set]:
    """Which hosts, datastores and container nodes an action can change the rules for."""
    if isinstance(action, SetPolicy | AddHost):
        return _touched(after)
    names = {getattr(action, "name", None)}
    if isinstance(action, AddVM):
        names.add(action.vm.name)
    if isinstance(action, AddContainer):
        names.add(action.container.name)
    hosts: set[str] = set()
    stores: set[str] = set()
    nodes: set[tuple[str, str]] = set()
    for state in (before, after):
        for n in names:
            if n is None:
                continue
            vm = state.vm_index.get(n)
            if vm is not None:
                hosts.add(vm.host)
                stores.update(d.datastore for d in vm.disks)
                nodes.add(("vm", vm.name))
            c = state.container_index.get(n)
            if c is not None:
                nodes.add(("host", c.host) if c.host else ("vm", c.vm or ""))
                if c.host:
                    hosts.add(c.host)
    if isinstance(action, Move):
        if action.host in after.host_index:
            hosts.add(action.host)
            nodes.add(("host", action.host))
        if action.host in after.vm_index:
            nodes.add(("vm", action.host))
    return hosts, stores, nodes


def apply(dc: Datacenter, action: _Action) -> Datacenter:
    """Apply ``action``; raise :class:`Refused` if it breaks a rule the old state kept."""
    after = action.apply(dc)
    if isinstance(action, SetDemand | Fail | Remove | Write | Advance | TakeSnapshot):
        # Demand, faults, writes and time are what the simulator is for; a full datastore is
        # an outcome to show, not a request to refuse. Removing only frees.
        return after
    hosts, stores, nodes = _affected(dc, after, action)
    old = _violations(dc, hosts, stores, nodes)
    new = _violations(after, hosts, stores, nodes)
    worse = [v for k, v in new.items() if k not in old or v.excess > old[k].excess + 1e-9]
    if worse:
        raise Refused(worse)
    return after
