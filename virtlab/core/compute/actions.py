"""Compute actions: add, remove, resize, demand, move, fail, repair, policy.

Each action is a small frozen model (so a lab can list, store and replay them) with an
``apply`` method that is pure ``state → state``; what a real system rejects outright raises
:class:`~virtlab.core.base.Refused` here, and :func:`virtlab.core.actions.apply` refuses what
breaks a capacity rule the old state kept.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import ValidationError

from virtlab.core.base import ActionBase, refuse, remove_named, replace_named
from virtlab.core.compute.models import VM, Container, WorkloadStatus
from virtlab.core.compute.resize import CPU_LEVELS, DemandLevel, SetDemand, Update, preset_demand
from virtlab.core.hosts import Host, HostStatus, Policy
from virtlab.core.hypervisors import PROFILES, supports_vms

if TYPE_CHECKING:
    from virtlab.core.state import Datacenter

__all__ = ["ACTIONS", "CPU_LEVELS", "AddContainer", "AddHost", "AddVM", "DemandLevel", "Fail",
           "FaultKind", "Move", "Remove", "Repair", "SetDemand", "SetPolicy", "Update",
           "check_container_home", "check_vm_home", "preset_demand"]


def _name_taken(dc: Datacenter, name: str) -> bool:
    return name in dc.compute.vm_index or name in dc.compute.container_index or name in dc.host_index


def check_vm_home(dc: Datacenter, vm: VM) -> None:
    host = dc.host_index.get(vm.host)
    if host is None:
        raise refuse("unknown_host", vm.host, f"no host named {vm.host!r}", host=vm.host)
    if not supports_vms(host.hypervisor):
        raise refuse(
            "no_hypervisor", host.name,
            f"{host.name} runs no hypervisor (only a container engine): it cannot run VMs",
            host=host.name,
        )
    for disk in vm.disks:
        ds = dc.storage.datastore_index.get(disk.datastore)
        if ds is None:
            raise refuse("unknown_datastore", disk.datastore, f"no datastore named {disk.datastore!r}",
                          datastore=disk.datastore)
        if not ds.visible_from(host.name):
            raise refuse(
                "datastore_not_visible", f"{vm.name}/{ds.name}",
                f"{ds.name} is not visible from {host.name} (it is local to {', '.join(ds.hosts)}); "
                "a VM can only use storage its host sees",
                datastore=ds.name, host=host.name,
            )


def check_container_home(dc: Datacenter, c: Container) -> None:
    if c.vm is not None:
        if c.vm not in dc.compute.vm_index:
            raise refuse("unknown_vm", c.vm, f"no VM named {c.vm!r} to run {c.name} in", vm=c.vm)
        return
    host = dc.host_index.get(c.host or "")
    if host is None:
        raise refuse("unknown_host", c.host or "", f"no host named {c.host!r}", host=c.host or "")
    if not PROFILES[host.hypervisor].runs_host_containers:
        raise refuse(
            "no_host_os", host.name,
            f"{host.name} runs {PROFILES[host.hypervisor].label}, which has no Linux host OS for "
            "containers: run them inside a VM",
            host=host.name, hypervisor=host.hypervisor.value,
        )


class AddHost(ActionBase):
    """Add a host to the datacenter (a scenario's ``[[host]]`` table)."""

    kind: Literal["add_host"] = "add_host"
    touches_everything: ClassVar[bool] = True
    host: Host

    def apply(self, dc: Datacenter) -> Datacenter:
        if _name_taken(dc, self.host.name):
            raise refuse("name_taken", self.host.name, f"the name {self.host.name!r} is taken")
        return dc.evolve(hosts=(*dc.hosts, self.host))

    def describe(self) -> str:
        return f"add host {self.host.name}"


def _refuse_down(dc: Datacenter, host: str) -> None:
    """Refused: ``host`` is not up, so nothing can be placed or moved onto it."""
    target = dc.host_index.get(host)
    if target is not None and not target.is_up:
        raise refuse("host_down", host, f"{host} is {target.status.value}: a host that is not up runs "
                     "nothing, so nothing can be placed or moved onto it", host=host,
                     status=target.status.value)


class AddVM(ActionBase):
    """Place a new VM on a host: refused when the host's admission rules would be broken."""

    kind: Literal["add_vm"] = "add_vm"
    vm: VM

    def apply(self, dc: Datacenter) -> Datacenter:
        if _name_taken(dc, self.vm.name):
            raise refuse("name_taken", self.vm.name, f"the name {self.vm.name!r} is taken")
        _refuse_down(dc, self.vm.host)
        check_vm_home(dc, self.vm)
        return dc.with_vms((*dc.compute.vms, self.vm))

    def describe(self) -> str:
        return f"add VM {self.vm.name} ({self.vm.vcpus} vCPU, {self.vm.memory_mib:g} MiB) on {self.vm.host}"

    def names(self) -> tuple[str, ...]:
        return (self.vm.name,)


class AddContainer(ActionBase):
    """Start a new container on a host (refused when its requests do not fit the node's
    allocatable)."""

    kind: Literal["add_container"] = "add_container"
    container: Container

    def apply(self, dc: Datacenter) -> Datacenter:
        c = self.container
        if _name_taken(dc, c.name):
            raise refuse("name_taken", c.name, f"the name {c.name!r} is taken")
        if c.host is not None:
            _refuse_down(dc, c.host)
        check_container_home(dc, c)
        return dc.with_containers((*dc.compute.containers, c))

    def describe(self) -> str:
        where = f"in VM {self.container.vm}" if self.container.vm else f"on {self.container.host}"
        return f"add container {self.container.name} {where}"

    def names(self) -> tuple[str, ...]:
        return (self.container.name,)


class Remove(ActionBase):
    """Remove a VM (with the containers inside it), a container, or an empty host."""

    kind: Literal["remove"] = "remove"
    refusable: ClassVar[bool] = False
    name: str

    def apply(self, dc: Datacenter) -> Datacenter:
        n = self.name
        if n in dc.compute.vm_index:
            return dc.with_vms(remove_named(dc.compute.vms, n),
                               tuple(c for c in dc.compute.containers if c.vm != n))
        if n in dc.compute.container_index:
            return dc.with_containers(remove_named(dc.compute.containers, n))
        if n in dc.host_index:
            if dc.compute.vms_by_host.get(n) or dc.compute.containers_by_parent.get(("host", n)):
                raise refuse("host_not_empty", n, f"{n} still runs workloads: move or remove them first")
            return dc.evolve(hosts=remove_named(dc.hosts, n))
        raise refuse("unknown_name", n, f"nothing named {n!r}", name=n)

    def describe(self) -> str:
        return f"remove {self.name}"

    def names(self) -> tuple[str, ...]:
        return (self.name,)


class Move(ActionBase):
    """Place a VM on another host (storage must be visible there), or a container on another
    host OS or into a VM (``host`` is then a host or VM name; names are unique); a host that
    is not up takes neither."""

    kind: Literal["move"] = "move"
    name: str
    host: str

    def apply(self, dc: Datacenter) -> Datacenter:
        known = self.name in dc.compute.vm_index or self.name in dc.compute.container_index
        if known:
            _refuse_down(dc, self.host)
        c = dc.compute.container_index.get(self.name)
        if c is not None:
            if self.host in dc.compute.vm_index:
                new_c = c.model_copy(update={"host": None, "vm": self.host})
            else:
                new_c = c.model_copy(update={"host": self.host, "vm": None})
            check_container_home(dc, new_c)
            return dc.with_containers(replace_named(dc.compute.containers, c.name, new_c))
        vm = dc.compute.vm_index.get(self.name)
        if vm is None:
            raise refuse("unknown_name", self.name, f"no VM or container named {self.name!r}", name=self.name)
        new = vm.model_copy(update={"host": self.host})
        check_vm_home(dc, new)
        return dc.with_vms(replace_named(dc.compute.vms, vm.name, new))

    def describe(self) -> str:
        return f"move {self.name} to {self.host}"

    def names(self) -> tuple[str, ...]:
        return (self.name,)

    def extra_scope(self, after: Datacenter) -> Iterable[tuple[str, str]]:
        """The target: a host (its rules and its container node) or a VM's container node."""
        if self.host in after.host_index:
            yield ("host", self.host)
        if self.host in after.compute.vm_index:
            yield ("vm", self.host)


FaultKind = Literal["host-down", "host-panic", "guest-panic", "crash", "power-off", "disk-lost"]


class Fail(ActionBase):
    """Inject a fault: a host fails or panics, a guest kernel panics, a container crashes."""

    kind: Literal["fail"] = "fail"
    refusable: ClassVar[bool] = False
    name: str
    fault: FaultKind | None = None  # default: the usual fault for that kind of thing

    def apply(self, dc: Datacenter) -> Datacenter:
        host = dc.host_index.get(self.name)
        if host is not None:
            status = HostStatus.PANICKED if self.fault == "host-panic" else HostStatus.DOWN
            return dc.evolve(hosts=replace_named(dc.hosts, host.name, host.model_copy(update={"status": status})))
        status_w = WorkloadStatus.OFF if self.fault == "power-off" else WorkloadStatus.CRASHED
        vm = dc.compute.vm_index.get(self.name)
        if vm is not None and self.fault == "disk-lost":
            disks = tuple(d.model_copy(update={"lost": True}) for d in vm.disks)
            new = vm.model_copy(update={"disks": disks, "status": WorkloadStatus.CRASHED})
            return dc.with_vms(replace_named(dc.compute.vms, vm.name, new))
        if vm is not None:
            return dc.with_vms(replace_named(dc.compute.vms, vm.name, vm.model_copy(update={"status": status_w})))
        c = dc.compute.container_index.get(self.name)
        if c is not None:
            return dc.with_containers(replace_named(dc.compute.containers, c.name, c.model_copy(update={"status": status_w})))
        raise refuse("unknown_name", self.name, f"nothing named {self.name!r}", name=self.name)

    def describe(self) -> str:
        return f"fail {self.name}" + (f" ({self.fault})" if self.fault else "")

    def names(self) -> tuple[str, ...]:
        return (self.name,)


class Repair(ActionBase):
    """Bring a failed host back up, or restart a crashed or powered-off workload."""

    kind: Literal["repair"] = "repair"
    name: str

    def apply(self, dc: Datacenter) -> Datacenter:
        host = dc.host_index.get(self.name)
        if host is not None:
            return dc.evolve(hosts=replace_named(dc.hosts, host.name, host.model_copy(update={"status": HostStatus.UP})))
        vm = dc.compute.vm_index.get(self.name)
        if vm is not None:
            if any(d.lost for d in vm.disks):
                raise refuse(
                    "disk_lost", vm.name,
                    f"{vm.name}'s base disk is lost: restarting cannot help, only a restore from backup",
                    vm=vm.name,
                )
            return dc.with_vms(replace_named(dc.compute.vms, vm.name, vm.model_copy(update={"status": WorkloadStatus.RUNNING})))
        c = dc.compute.container_index.get(self.name)
        if c is not None:
            new = c.model_copy(update={"status": WorkloadStatus.RUNNING})
            return dc.with_containers(replace_named(dc.compute.containers, c.name, new))
        raise refuse("unknown_name", self.name, f"nothing named {self.name!r}", name=self.name)

    def describe(self) -> str:
        return f"repair {self.name}"

    def names(self) -> tuple[str, ...]:
        return (self.name,)


class SetPolicy(ActionBase):
    """Change the cluster's policy: allocation ratios, reservations (``changes`` as a
    scenario's ``[scenario.policy]`` table)."""

    kind: Literal["set_policy"] = "set_policy"
    touches_everything: ClassVar[bool] = True
    changes: dict[str, Any]

    def apply(self, dc: Datacenter) -> Datacenter:
        try:
            policy = Policy.model_validate({**dc.policy.model_dump(), **self.changes})
        except ValidationError as e:
            first = e.errors()[0]
            raise refuse("invalid", "policy", f"policy.{'.'.join(map(str, first['loc']))}: {first['msg']}") from None
        return dc.evolve(policy=policy)

    def describe(self) -> str:
        return f"set policy {', '.join(f'{k}={v}' for k, v in self.changes.items())}"


#: The compute domain's actions (the lifecycle ones are in :mod:`virtlab.core.compute.lifecycle`).
ACTIONS = (AddHost, AddVM, AddContainer, Remove, Update, SetDemand, Move, Fail, Repair, SetPolicy)
