"""The one state: a datacenter of hosts and a policy, with one part per domain.

``Datacenter`` sits above the domains: ``compute`` (VMs, containers), ``storage``
(datastores) and ``network`` (switches, VLANs, overlays, flows, security groups) are frozen
parts; hosts, the policy and the clock are shared by all. Actions build new states with :meth:`Datacenter.evolve` and the parts' own ``evolve``, replacing only what
they change, so an old state can be kept for undo and compared by identity.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cached_property

from virtlab.core.base import Frozen, NonNegFloat, construct
from virtlab.core.compute.models import VM, ComputePart, Container
from virtlab.core.hosts import Host, Policy
from virtlab.core.network.topology import NetworkPart
from virtlab.core.storage.models import Datastore, StoragePart
from virtlab.core.storage.stack import StorageStack


class Datacenter(Frozen):
    """Everything the simulator knows: hosts, the policy, the clock and each domain's part."""

    name: str = ""
    clock_h: NonNegFloat = 0.0  # simulated hours since the lab started
    policy: Policy = Policy()
    hosts: tuple[Host, ...] = ()
    # Empty parts, made without their validators: a compute lab never builds the storage and
    # network parts' (the models build on first use, see ``Frozen``).
    compute: ComputePart = ComputePart.model_construct()
    storage: StoragePart = StoragePart.model_construct()
    network: NetworkPart = NetworkPart.model_construct()

    @classmethod
    def of(cls, *, name: str = "", clock_h: float = 0.0, policy: Policy | None = None,
           hosts: Iterable[Host] = (), datastores: Iterable[Datastore] = (),
           vms: Iterable[VM] = (), containers: Iterable[Container] = (),
           stack: StorageStack | None = None, network: NetworkPart | None = None) -> Datacenter:
        """A state from flat lists of validated models, each put in its domain's part.

        The parts and the state are put together without validation (they have no rules of
        their own; each item was validated when it was made): validating them would build
        every domain's validator, the storage stack's and the network's too for a lab that
        has neither (~40 ms before a lab's first frame)."""
        hosts, datastores, vms, containers = tuple(hosts), tuple(datastores), tuple(vms), tuple(containers)
        for field, values, model in (("hosts", hosts, Host), ("datastores", datastores, Datastore),
                                     ("vms", vms, VM), ("containers", containers, Container)):
            for value in values:
                if not isinstance(value, model):
                    raise TypeError(f"{field}: {type(value).__name__} is not a {model.__name__}")
        storage = {"datastores": datastores} if stack is None else {"datastores": datastores, "stack": stack}
        parts = {} if network is None else {"network": network}  # else the empty ones, shared
        return construct(cls, name=name, clock_h=clock_h, policy=policy or Policy(), hosts=hosts,
                         compute=construct(ComputePart, vms=vms, containers=containers),
                         storage=construct(StoragePart, **storage), **parts)

    def evolve(self, **changes: object) -> Datacenter:
        """A new state with ``changes`` (no re-validation; actions check their own rules).

        Use this, never ``model_copy``: ``model_copy`` would carry the cached indexes over.
        """
        values = {name: getattr(self, name) for name in type(self).model_fields}
        values.update(changes)
        new = type(self).model_construct(**values)
        if new.hosts is self.hosts and "host_index" in self.__dict__:  # the same hosts: one index
            new.__dict__["host_index"] = self.__dict__["host_index"]
        return new

    def with_vms(self, vms: tuple[VM, ...], containers: tuple[Container, ...] | None = None
                 ) -> Datacenter:
        """A new state with the compute part's VMs (and containers) replaced."""
        part = self.compute.evolve(vms=vms) if containers is None else self.compute.evolve(
            vms=vms, containers=containers)
        return self.evolve(compute=part)

    def with_containers(self, containers: tuple[Container, ...]) -> Datacenter:
        return self.evolve(compute=self.compute.evolve(containers=containers))

    def with_datastores(self, datastores: tuple[Datastore, ...]) -> Datacenter:
        return self.evolve(storage=StoragePart.model_construct(datastores=datastores,
                                                               stack=self.storage.stack))

    def with_stack(self, stack: StorageStack) -> Datacenter:
        """A new state with the storage stack (disks, RAID, LVM, Ceph) replaced."""
        return self.evolve(storage=StoragePart.model_construct(datastores=self.storage.datastores,
                                                               stack=stack))

    def with_network(self, network: NetworkPart) -> Datacenter:
        """A new state with the network part replaced."""
        return self.evolve(network=network)

    @cached_property
    def host_index(self) -> dict[str, Host]:
        return {h.name: h for h in self.hosts}

    def workload_names(self) -> list[str]:
        return [v.name for v in self.compute.vms] + [c.name for c in self.compute.containers]

    def host_of(self, workload: str) -> str | None:
        """The physical host a VM or container ultimately runs on."""
        vms = self.compute.vm_index
        if workload in vms:
            return vms[workload].host
        c = self.compute.container_index.get(workload)
        if c is None:
            return None
        if c.host is not None:
            return c.host
        vm = vms.get(c.vm or "")
        return vm.host if vm else None
