"""Isolation between workloads and the blast radius of faults.

What two workloads share decides how far a failure or an exploit in one reaches the other
(NIST SP 800-190: containers share the host kernel and isolate less strongly than VMs):

- different hosts: nothing but storage they may share;
- two VMs on one host: the hardware and the hypervisor — a hypervisor escape is rare;
- a container on a KVM or type-2 host beside VMs: the host kernel, which *is* (KVM) or runs
  (type 2) the hypervisor — a kernel exploit in the container reaches the VMs;
- two containers on one kernel (a host OS or one VM's guest): namespaces and cgroups only;
- a container and the VM it runs in: the VM — whatever stops the VM stops the container.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum
from typing import TYPE_CHECKING

from virtlab.core.hypervisors import HypervisorKind
from virtlab.core.storage.models import Provisioning

if TYPE_CHECKING:
    from virtlab.core.compute.models import VM, Container
    from virtlab.core.hosts import Host
    from virtlab.core.state import Datacenter
    from virtlab.core.storage.models import Datastore


class Level(IntEnum):
    """From weakest (0) to strongest (4) isolation."""

    SAME_VM = 0
    SHARED_KERNEL = 1
    HOST_KERNEL = 2
    HYPERVISOR = 3
    SEPARATE_HOSTS = 4


LEVEL_TEXT = {
    Level.SAME_VM: "one runs inside the other: whatever stops the VM stops the container",
    Level.SHARED_KERNEL: "one kernel, separated only by namespaces and cgroups",
    Level.HOST_KERNEL: "the container shares the host kernel that runs the hypervisor",
    Level.HYPERVISOR: "separate guest kernels on one hypervisor: hardware-assisted isolation",
    Level.SEPARATE_HOSTS: "different physical hosts: no shared hardware",
}


@dataclass(frozen=True, slots=True)
class Placement:
    """Where a workload sits in the stack."""

    name: str
    kind: str  # "vm" | "container"
    host: str
    kernel: tuple[str, str]  # the node whose kernel it runs on: ("host", NAME) or ("vm", NAME)
    vm: str | None  # the VM it is, or runs in
    datastores: frozenset[str]


def placement(dc: Datacenter, name: str) -> Placement | None:
    vm = dc.compute.vm_index.get(name)
    if vm is not None:
        return Placement(
            name, "vm", vm.host, ("vm", name), name, frozenset(d.datastore for d in vm.disks)
        )
    c = dc.compute.container_index.get(name)
    if c is None:
        return None
    if c.host is not None:
        return Placement(name, "container", c.host, ("host", c.host), None, frozenset())
    parent = dc.compute.vm_index.get(c.vm or "")
    if parent is None:
        return None
    return Placement(
        name, "container", parent.host, ("vm", parent.name), parent.name,
        frozenset(d.datastore for d in parent.disks),
    )


@dataclass(frozen=True, slots=True)
class Pair:
    a: str
    b: str
    level: Level
    shared: tuple[str, ...]  # "hardware", "hypervisor", "host kernel", "kernel", "VM", "datastore NAME"

    @property
    def reason(self) -> str:
        return LEVEL_TEXT[self.level]

    def as_json(self) -> dict[str, object]:
        return {"a": self.a, "b": self.b, "level": self.level.name.lower(),
                "shared": list(self.shared), "reason": self.reason}


def _pair(dc: Datacenter, pa: Placement, pb: Placement) -> Pair:
    shared: list[str] = []
    if pa.host != pb.host:
        level = Level.SEPARATE_HOSTS
    else:
        shared.append("hardware")
        host = dc.host_index.get(pa.host)
        hv = host.hypervisor if host else HypervisorKind.NONE
        if pa.kernel == pb.kernel:
            if pa.kind != pb.kind:  # a container and the VM it runs in
                level = Level.SAME_VM
                shared += ["hypervisor", "kernel", "VM"]
            else:
                level = Level.SHARED_KERNEL
                shared.append("kernel")
                if pa.vm is not None:
                    shared += ["hypervisor", "VM"]
        elif pa.kernel[0] == "host" or pb.kernel[0] == "host":
            level = Level.HOST_KERNEL
            shared += ["host kernel", "hypervisor"] if hv is not HypervisorKind.NONE else ["host kernel"]
        else:
            level = Level.HYPERVISOR
            shared.append("hypervisor")
    shared += [f"datastore {d}" for d in sorted(pa.datastores & pb.datastores)]
    return Pair(pa.name, pb.name, level, tuple(shared))


def isolation(dc: Datacenter, a: str, b: str) -> Pair:
    """What workloads ``a`` and ``b`` share and how strongly they are isolated."""
    pa, pb = placement(dc, a), placement(dc, b)
    if pa is None or pb is None:
        missing = a if pa is None else b
        raise KeyError(f"no workload named {missing!r}")
    return _pair(dc, pa, pb)


def isolation_from(dc: Datacenter, name: str) -> list[Pair]:
    """``name`` against every other workload (the isolation view of one selected workload)."""
    pa = placement(dc, name)
    if pa is None:
        raise KeyError(f"no workload named {name!r}")
    out = []
    for other in dc.workload_names():
        if other == name:
            continue
        pb = placement(dc, other)
        if pb is not None:
            out.append(_pair(dc, pa, pb))
    return out


def isolation_groups(dc: Datacenter, name: str, first: int) -> list[tuple[Level, int, list[str]]]:
    """:func:`isolation_from` grouped: per level (weakest first), how many workloads ``name``
    is isolated from at that level and the ``first`` of them by name. Only the workloads on
    its own host are paired; every other placed workload is on another host
    (``SEPARATE_HOSTS``), so a large state is counted, not paired."""
    pa = placement(dc, name)
    if pa is None:
        raise KeyError(f"no workload named {name!r}")
    same = set(_on_host(dc, pa.host))
    groups: dict[Level, list[str]] = {}
    for other in same:
        pb = placement(dc, other) if other != name else None
        if pb is not None:
            groups.setdefault(_pair(dc, pa, pb).level, []).append(other)
    compute = dc.compute
    placed = [c.name for c in compute.containers if c.host is not None or c.vm in compute.vm_index]
    apart = len(compute.vms) + len(placed) - len(same) - (name not in same)
    out = [(level, len(names), sorted(names)[:first]) for level, names in sorted(groups.items())]
    if apart > 0:
        names: list[str] = []
        vms, ctrs = compute.vm_index, compute.container_index
        for other in compute.sorted_names:  # the first few by name, placed, on other hosts
            if other in same or other == name:
                continue
            if other not in vms:
                c = ctrs.get(other)
                if c is None or (c.host is None and c.vm not in vms):
                    continue
            names.append(other)
            if len(names) == first:
                break
        out.append((Level.SEPARATE_HOSTS, apart, names))
    return out


def isolation_matrix(dc: Datacenter, names: list[str] | None = None) -> list[Pair]:
    """Every pair among ``names`` (default: all workloads). Quadratic: for small labs."""
    names = names if names is not None else dc.workload_names()
    places = [p for p in (placement(dc, n) for n in names) if p is not None]
    return [
        _pair(dc, places[i], places[j])
        for i in range(len(places))
        for j in range(i + 1, len(places))
    ]


# --------------------------------------------------------------------------- blast radius


@dataclass(frozen=True, slots=True)
class Blast:
    fault: str  # "host:NAME", "host-panic:NAME", "guest-panic:VM", "container:NAME",
    #             "no-memory-limit:NAME", "datastore-full:NAME"
    down: tuple[str, ...]  # workloads that stop
    starved: tuple[str, ...] = ()  # workloads that may be starved or OOM-killed
    note: str = ""


def _on_host(dc: Datacenter, host: str) -> list[str]:
    out = [v.name for v in dc.compute.vms_by_host.get(host, [])]
    out += [c.name for c in dc.compute.containers_by_parent.get(("host", host), [])]
    for v in dc.compute.vms_by_host.get(host, []):
        out += [c.name for c in dc.compute.containers_by_parent.get(("vm", v.name), [])]
    return out


def blast_radius(dc: Datacenter) -> list[Blast]:
    """For each possible single fault, the workloads it takes down or starves."""
    return _blasts(dc, dc.hosts, dc.compute.vms, dc.compute.containers, dc.storage.datastores)


def blast_of(dc: Datacenter, name: str) -> list[Blast]:
    """The entries of :func:`blast_radius` that take ``name`` down or starve it, in the same
    order — drawn from the few faults that can reach where ``name`` runs (its host, its VM,
    the containers on its node or host, the datastores of its disks) instead of every fault
    of the state."""
    compute = dc.compute
    vm = compute.vm_index.get(name)
    ctr = compute.container_index.get(name)
    if vm is None and ctr is None:
        return []
    host = dc.host_of(name)
    hosts = [dc.host_index[host]] if host in dc.host_index else []
    vms = [vm] if vm is not None else []
    neighbours = []
    if ctr is not None:
        if ctr.vm in compute.vm_index:
            vms.append(compute.vm_index[ctr.vm])
        neighbours.append(ctr.parent)
    if vm is not None:
        neighbours.append(("host", vm.host))
    ctrs = {id(c): c for node in neighbours for c in compute.containers_by_parent.get(node, [])}
    order = {id(c): i for i, c in enumerate(compute.containers)} if len(ctrs) > 1 else {}
    stores = {d.datastore for v in vms for d in v.disks}
    found = _blasts(dc, hosts, vms, sorted(ctrs.values(), key=lambda c: order.get(id(c), 0)),
                    [d for d in dc.storage.datastores if d.name in stores])
    return [b for b in found if name in b.down or name in b.starved]


def _blasts(dc: Datacenter, hosts: Sequence[Host], vms: Sequence[VM], containers: Sequence[Container],
            datastores: Sequence[Datastore]) -> list[Blast]:
    """The blast radius of the faults of these hosts, VMs, containers and datastores (each in
    the state's order), as :func:`blast_radius` lists them."""
    out: list[Blast] = []
    for h in hosts:
        everything = tuple(_on_host(dc, h.name))
        out.append(Blast(f"host:{h.name}", everything, note="power or hardware failure"))
        note = {
            HypervisorKind.ESXI: "a purple screen stops the VMkernel and every VM",
            HypervisorKind.KVM: "the host kernel is the hypervisor: every VM and container stops",
            HypervisorKind.NONE: "every container shares this kernel",
        }.get(h.hypervisor, "the host OS or hypervisor stops, and every guest with it")
        out.append(Blast(f"host-panic:{h.name}", everything, note=note))
    for v in vms:
        inner = tuple(c.name for c in dc.compute.containers_by_parent.get(("vm", v.name), []))
        out.append(Blast(f"guest-panic:{v.name}", (v.name, *inner), note="only this guest kernel"))
    for c in containers:
        out.append(Blast(f"container:{c.name}", (c.name,), note="only this process tree"))
        if c.mem_limit_mib is None:
            key = ("host", c.host) if c.host is not None else ("vm", c.vm or "")
            neighbours = [o.name for o in dc.compute.containers_by_parent.get(key, []) if o.name != c.name]
            if c.host is not None:
                neighbours += [v.name for v in dc.compute.vms_by_host.get(c.host, [])]
            out.append(
                Blast(
                    f"no-memory-limit:{c.name}", (), tuple(neighbours),
                    note="without memory.max it can take the node's memory; the OOM killer then picks by score",
                )
            )
    disks = dc.compute.disks_by_datastore
    for ds in datastores:
        thin = dict.fromkeys(vm.name for vm, disk in disks.get(ds.name, [])
                             if disk.provisioning is Provisioning.THIN)
        out.append(
            Blast(
                f"datastore-full:{ds.name}", tuple(thin),
                note="every thin disk on it stops writing",
            )
        )
    return out
