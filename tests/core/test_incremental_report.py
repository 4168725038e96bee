"""A report built from the previous one equals the report built from scratch (hypothesis).

A session's :class:`~virtlab.core.report.PartCache` builds each state's report from a recent
one, recomputing only the hosts and datastores :func:`~virtlab.core.report_delta.delta` names,
and a compute part evolved by an action carries its indexes over, patched
(:mod:`virtlab.core.compute.indexes`). Both are shortcuts to the same numbers: these tests walk
random states through random actions (and back, as undo does) and compare every step with a
report and indexes built from nothing, so the shortcuts cannot drift from the engine.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tests.core.corekit import FAST
from tests.core.test_properties import actions, datacenters
from virtlab.core.actions import apply
from virtlab.core.base import Refused
from virtlab.core.compute.actions import SetDemand, Update
from virtlab.core.compute.indexes import INDEXES
from virtlab.core.compute.isolation import blast_of, blast_radius, isolation_from, isolation_groups
from virtlab.core.compute.lifecycle import Write
from virtlab.core.compute.models import VM, ComputePart
from virtlab.core.hosts import Host
from virtlab.core.report import PartCache, Report, build_report
from virtlab.core.report_delta import delta
from virtlab.core.state import Datacenter
from virtlab.core.storage.models import Datastore, VirtualDisk

FIELDS = ("name", "hosts", "workloads", "datastores", "violations", "pairs")


def assert_same_report(got: Report, dc: Datacenter) -> None:
    want = build_report(dc)
    for name in FIELDS:
        assert getattr(got, name) == getattr(want, name), name
    assert [p.report for p in got.parts] == got.hosts
    assert got.blast == want.blast


def assert_fresh_indexes(dc: Datacenter) -> None:
    """Every index the compute part holds (carried or built) equals one built from scratch."""
    fresh = ComputePart.model_construct(vms=dc.compute.vms, containers=dc.compute.containers)
    for name in INDEXES:
        if name in dc.compute.__dict__:
            assert dc.compute.__dict__[name] == getattr(fresh, name), name


def touch_all(dc: Datacenter) -> None:
    """Build every index, as a report would (so the next action has something to carry)."""
    for name in INDEXES:
        getattr(dc.compute, name)


@FAST
@given(st.data())
def test_report_from_the_last_equals_from_scratch(data) -> None:
    """Over random actions and undos, a session cache's report is the report from scratch."""
    dc = data.draw(datacenters())
    dc = dc.evolve(hosts=dc.hosts + tuple(Host(name=f"spare-{i}", cores_per_socket=4, memory_mib=8192) for i in range(8)))
    cache = PartCache()
    states = [dc]
    touch_all(dc)
    assert_same_report(build_report(dc, cache=cache), dc)
    for _ in range(data.draw(st.integers(1, 5))):
        if len(states) > 1 and data.draw(st.integers(0, 4)) == 0:  # undo: an older state again
            dc = states[data.draw(st.integers(0, len(states) - 2))]
        else:
            action = data.draw(actions(dc))
            try:
                dc = apply(dc, action)
            except Refused:
                continue
            states.append(dc)
        assert_fresh_indexes(dc)
        assert_same_report(build_report(dc, cache=cache), dc)


def _sandbox(n_hosts: int = 10, per_host: int = 3) -> Datacenter:
    hosts = [Host(name=f"h{i}", hypervisor="kvm" if i % 2 else "esxi", sockets=1, cores_per_socket=8,
                  threads_per_core=2, mhz=2000, memory_mib=32768) for i in range(n_hosts)]
    stores = [Datastore(name=f"h{i}-local", capacity_gib=300, hosts=(f"h{i}",)) for i in range(n_hosts)]
    stores.append(Datastore(name="san", capacity_gib=1000))
    vms = [VM(name=f"h{i}-v{j}", host=f"h{i}", vcpus=1 + j, memory_mib=2048 * (1 + j),
              disks=(VirtualDisk(size_gib=50, datastore=f"h{(i + j) % n_hosts}-local"),
                     VirtualDisk(size_gib=20, datastore="san", provisioning="thick-lazy")),
              cpu_demand=0.5 * (1 + j), mem_active_mib=1024.0 * j)
           for i in range(n_hosts) for j in range(per_host)]
    return Datacenter.of(name="sandbox", hosts=hosts, datastores=stores, vms=vms)


@FAST
@given(st.lists(st.tuples(st.integers(0, 29), st.sampled_from(["vcpus", "memory", "demand", "disk", "write"]),
                          st.integers(-1, 1)), min_size=1, max_size=8))
def test_one_vm_changes_recompute_only_their_hosts(changes) -> None:
    """One-VM changes in a many-host state (disks on other hosts' datastores too): the report
    follows from the last one, equal to the report from scratch, and every untouched host's
    part is the very same object."""
    dc = _sandbox()
    touch_all(dc)
    cache = PartCache()
    last = build_report(dc, cache=cache)
    for index, what, step in changes:
        vm = dc.compute.vms[index]
        if what == "vcpus":
            action = Update(name=vm.name, changes={"vcpus": max(1, vm.vcpus + step)})
        elif what == "memory":
            action = Update(name=vm.name, changes={"memory_mib": vm.memory_mib * (2.0 ** step)})
        elif what == "disk":  # its first disk, on another host's datastore for most VMs
            first, *rest = (d.model_dump() for d in vm.disks)
            action = Update(name=vm.name, changes={"disks": [{**first, "size_gib": first["size_gib"] + 50},
                                                             *rest]})
        elif what == "write":
            action = Write(name=vm.name, gib=40.0)
        else:
            action = SetDemand(name=vm.name, level=("idle", "normal", "peak")[step + 1])
        try:
            new = apply(dc, action)
        except Refused:
            continue
        change = delta(dc, new)
        assert change is not None and vm.host in change.hosts
        report = build_report(new, cache=cache)
        assert_fresh_indexes(new)
        assert_same_report(report, new)
        assert report._pos is last._pos  # built from the last report, not from scratch
        for before, after in zip(last.parts, report.parts, strict=True):
            if after.report.name not in change.hosts:
                assert after is before
        dc, last = new, report


@FAST
@given(datacenters())
def test_blast_of_one_workload_is_its_share_of_the_blast_radius(dc: Datacenter) -> None:
    every = blast_radius(dc)
    for name in [*dc.workload_names(), "ghost"]:
        assert blast_of(dc, name) == [b for b in every if name in b.down or name in b.starved]


@FAST
@given(datacenters(), st.integers(1, 6))
def test_isolation_groups_are_isolation_from_grouped(dc: Datacenter, first: int) -> None:
    for name in dc.workload_names():
        try:
            pairs = sorted(isolation_from(dc, name), key=lambda p: (p.level, p.b))
        except KeyError:
            continue
        want: dict = {}
        for p in pairs:
            want.setdefault(p.level, []).append(p.b)
        assert isolation_groups(dc, name, first) == [
            (level, len(names), names[:first]) for level, names in sorted(want.items())]
