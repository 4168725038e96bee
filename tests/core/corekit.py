"""Small builders for purpose-built datacenters in the core tests.

Sizes are in the core's base units: memory in MiB, disk in GiB, CPU clock in MHz, VM CPU
demand in cores of work, container CPU in millicores.
"""

from __future__ import annotations

import os
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from virtlab.core.compute.models import VM, Container
from virtlab.core.hosts import Host, Policy
from virtlab.core.state import Datacenter
from virtlab.core.storage.models import Datastore, VirtualDisk

GIB = 1024.0

#: Hypothesis settings for the whole core suite: fast enough for CI. Set
#: ``VIRTLAB_HYPOTHESIS_EXAMPLES=5000`` for a deeper local search.
FAST = settings(
    max_examples=int(os.environ.get("VIRTLAB_HYPOTHESIS_EXAMPLES", "100")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def host(
    name: str = "h1",
    hypervisor: str = "esxi",
    *,
    sockets: int = 1,
    cores: int = 8,
    threads: int = 1,
    mhz: float = 1000.0,
    memory_mib: float = 64 * GIB,
    **kw: Any,
) -> Host:
    return Host(
        name=name, hypervisor=hypervisor, sockets=sockets, cores_per_socket=cores,
        threads_per_core=threads, mhz=mhz, memory_mib=memory_mib, **kw,
    )


def vm(
    name: str,
    host: str = "h1",
    *,
    vcpus: int = 2,
    memory_mib: float = 4 * GIB,
    **kw: Any,
) -> VM:
    return VM(name=name, host=host, vcpus=vcpus, memory_mib=memory_mib, **kw)


def ctr(name: str, *, host: str | None = None, vm: str | None = None, **kw: Any) -> Container:
    if host is None and vm is None:
        host = "h1"
    return Container(name=name, host=host, vm=vm, **kw)


def disk(size_gib: float, datastore: str = "ds1", provisioning: str = "thin",
         written_gib: float = 0.0) -> VirtualDisk:
    return VirtualDisk(size_gib=size_gib, datastore=datastore, provisioning=provisioning,
                       written_gib=written_gib)


def datastore(name: str = "ds1", capacity_gib: float = 1000.0, hosts: tuple[str, ...] = ()) -> Datastore:
    return Datastore(name=name, capacity_gib=capacity_gib, hosts=hosts)


def dc(*items: Any, policy: Policy | None = None, name: str = "test") -> Datacenter:
    """A validated datacenter from a mix of hosts, datastores, VMs and containers."""
    return Datacenter.of(
        name=name,
        policy=policy or Policy(),
        hosts=tuple(i for i in items if isinstance(i, Host)),
        datastores=tuple(i for i in items if isinstance(i, Datastore)),
        vms=tuple(i for i in items if isinstance(i, VM)),
        containers=tuple(i for i in items if isinstance(i, Container)),
    )


_BUILT: dict[tuple[object, ...], st.SearchStrategy] = {}


def pick(*values: object) -> st.SearchStrategy:
    """``st.sampled_from(values)``, built once (keyed by each value's type too: 1 and 1.0
    are equal but not the same draw). A strategy built anew on every draw costs Hypothesis
    its checks again, a quarter of drawing a datacenter; the draws are the same."""
    key = ("pick", *((type(v), v) for v in values))
    if key not in _BUILT:
        _BUILT[key] = st.sampled_from(values)
    return _BUILT[key]


def maybe(*values: object) -> st.SearchStrategy:
    """None or one of ``values``: ``st.one_of(st.none(), pick(*values))``, built once."""
    key = ("maybe", *((type(v), v) for v in values))
    if key not in _BUILT:
        _BUILT[key] = st.one_of(st.none(), pick(*values))
    return _BUILT[key]
