"""Invariants of the whole core on random small datacenters (hypothesis).

1–3 hosts of any hypervisor kind and status, 0–8 VMs, 0–6 containers (on host kernels or in
VMs), random shares, reservations, limits, demands, disks and statuses. Overcommitted and
inadmissible states are allowed — a lab may start broken — so the report must cope with
anything the models accept.
"""

from __future__ import annotations

import json

from hypothesis import assume, given
from hypothesis import strategies as st

from tests.core.corekit import FAST, maybe, pick
from virtlab.core.actions import apply
from virtlab.core.base import Refused
from virtlab.core.compute.actions import (
    AddContainer,
    AddVM,
    Fail,
    Move,
    Remove,
    Repair,
    SetDemand,
    SetPolicy,
    Update,
)
from virtlab.core.compute.isolation import isolation
from virtlab.core.compute.models import VM, Container
from virtlab.core.hosts import Host, Policy
from virtlab.core.hypervisors import PROFILES, HypervisorKind, supports_vms
from virtlab.core.report import build_report, to_jsonable
from virtlab.core.rules import all_violations
from virtlab.core.state import Datacenter
from virtlab.core.storage.models import Datastore, VirtualDisk

KINDS = [k.value for k in HypervisorKind]

EPS = 1e-6


def _near(x: float) -> float:
    return EPS * max(1.0, abs(x))


POLICIES = st.sampled_from([
    Policy(), Policy(cpu_allocation_ratio=1.0), Policy(ram_allocation_ratio=1.5),
    Policy(cpu_allocation_ratio=16.0, ram_allocation_ratio=1.5, reserved_host_memory_mib=0),
])


@st.composite
def hosts(draw, i: int) -> Host:
    return Host(
        name=f"h{i}",
        hypervisor=draw(pick(*KINDS)),
        sockets=draw(st.integers(1, 2)),
        cores_per_socket=draw(st.integers(1, 12)),
        threads_per_core=draw(st.integers(1, 2)),
        mhz=draw(pick(1000.0, 2000.0, 2600.0)),
        memory_mib=draw(pick(2048.0, 8192.0, 32768.0, 131072.0)),
        status=draw(pick("up", "up", "up", "up", "down", "panicked")),
        reserved_cpus=draw(maybe(0.0, 1.0, 2.5)),
    )


@st.composite
def vms(draw, i: int, host: Host, stores: list[Datastore]) -> VM:
    vcpus = draw(st.integers(1, 16))
    memory = draw(pick(256.0, 1024.0, 4096.0, 16384.0, 65536.0))
    cpu_res = draw(pick(0.0, 0.0, 500.0, 2000.0, 8000.0))
    cpu_limit = draw(maybe(500.0, 2000.0, 10000.0))
    if cpu_limit is not None and cpu_limit < cpu_res:
        cpu_limit = cpu_res or None
    mem_res = draw(pick(0.0, 0.25, 0.5, 1.0)) * memory
    mem_limit = draw(maybe(0.5, 1.0))
    mem_limit = None if mem_limit is None else max(mem_limit * memory, mem_res) or None
    visible = [d for d in stores if d.visible_from(host.name)]
    disks = []
    for _ in range(draw(st.integers(0, 2)) if visible else 0):
        size = draw(pick(10.0, 100.0, 500.0))
        disks.append(VirtualDisk(
            size_gib=size,
            provisioning=draw(pick("thin", "thin", "thick-lazy", "thick-eager")),
            datastore=draw(st.sampled_from(visible)).name,
            written_gib=draw(pick(0.0, 0.5, 1.0)) * size,
        ))
    return VM(
        name=f"v{i}", host=host.name, vcpus=vcpus, memory_mib=memory, disks=tuple(disks),
        cpu_shares=draw(st.one_of(pick("low", "normal", "high"), st.integers(1, 50_000))),
        mem_shares=draw(pick("low", "normal", "high", 5000)),
        cpu_reservation_mhz=cpu_res, cpu_limit_mhz=cpu_limit,
        mem_reservation_mib=mem_res, mem_limit_mib=mem_limit,
        cpu_demand=draw(pick(0.0, 0.05, 0.5, 0.9, 1.0)) * vcpus,
        mem_active_mib=draw(pick(0.0, 0.1, 0.5, 1.0)) * memory,
        status=draw(pick("running", "running", "running", "off", "crashed")),
    )


@st.composite
def containers(draw, i: int, parents: list[tuple[str, str]]) -> Container:
    kind, parent = draw(st.sampled_from(parents))
    cpu_req = draw(maybe(100.0, 500.0, 2000.0))
    cpu_lim = draw(maybe(500.0, 2000.0, 4000.0))
    if cpu_req is not None and cpu_lim is not None and cpu_req > cpu_lim:
        cpu_req = cpu_lim
    mem_req = draw(maybe(128.0, 1024.0, 4096.0))
    mem_lim = draw(maybe(256.0, 1024.0, 8192.0))
    if mem_req is not None and mem_lim is not None and mem_req > mem_lim:
        mem_req = mem_lim
    return Container(
        name=f"c{i}", **{kind: parent},
        cpu_request_m=cpu_req, cpu_limit_m=cpu_lim, mem_request_mib=mem_req, mem_limit_mib=mem_lim,
        cpu_demand_m=draw(pick(0.0, 100.0, 1000.0, 5000.0)),
        mem_demand_mib=draw(pick(0.0, 100.0, 1000.0, 10_000.0)),
        status=draw(pick("running", "running", "running", "crashed")),
    )


@st.composite
def datacenters(draw) -> Datacenter:
    hs = [draw(hosts(i)) for i in range(draw(st.integers(1, 3)))]
    stores = [
        Datastore(name=f"{h.name}-local", capacity_gib=draw(pick(50.0, 500.0, 5000.0)),
                  hosts=(h.name,))
        for h in hs if draw(st.booleans())
    ]
    if draw(st.booleans()):
        stores.append(Datastore(name="san", capacity_gib=draw(pick(100.0, 10_000.0))))
    vm_hosts = [h for h in hs if supports_vms(h.hypervisor)]
    vs = [draw(vms(i, draw(st.sampled_from(vm_hosts)), stores))
          for i in range(draw(st.integers(0, 8)) if vm_hosts else 0)]
    parents = [("host", h.name) for h in hs if PROFILES[h.hypervisor].runs_host_containers]
    parents += [("vm", v.name) for v in vs]
    cs = [draw(containers(i, parents)) for i in range(draw(st.integers(0, 6)) if parents else 0)]
    policy = draw(POLICIES)
    return Datacenter.of(name="random", policy=policy, hosts=tuple(hs), datastores=tuple(stores),
                      vms=tuple(vs), containers=tuple(cs))


# ------------------------------------------------------------------------------ the report
#
# One generated datacenter and one report feed every report invariant (generation is the
# slow part); each check is its own function so a failure names the invariant.


def check_report_shape(dc: Datacenter, report) -> None:
    """The report covers every host and workload and is plain JSON (no NaN, no infinity)."""
    assert {h.name for h in report.hosts} == {h.name for h in dc.hosts}
    assert {w.name for w in report.workloads} == set(dc.workload_names())
    json.dumps(to_jsonable(report), allow_nan=False)


def check_entitlements(dc: Datacenter, report) -> None:
    """Entitlement never above demand or limit; the sum per host never above the host's
    capacity; ready time is a percentage."""
    for w in report.workloads:
        s = w.cpu
        if s is None:
            continue
        assert -_near(s.demand_mhz) <= s.entitlement_mhz <= s.demand_mhz + _near(s.demand_mhz)
        assert 0.0 <= s.ready_pct <= 100.0 + EPS
        if w.kind == "vm":
            vm = dc.compute.vm_index[w.name]
            if vm.cpu_limit_mhz is not None:
                assert s.entitlement_mhz <= vm.cpu_limit_mhz + _near(vm.cpu_limit_mhz)
    for h in report.hosts:
        assert h.cpu_entitled_mhz <= h.cpu_capacity_mhz + _near(h.cpu_capacity_mhz)
        assert h.cpu_entitled_mhz <= h.cpu_demand_mhz + _near(h.cpu_demand_mhz)


def check_reservations(dc: Datacenter, report) -> None:
    """Never below an admissible reservation: when the running VMs' CPU reservations fit in
    the host, each gets at least min(reservation, its demand cut at its limit)."""
    for h in dc.hosts:
        hr = report.host(h.name)
        floors = {}
        for v in dc.compute.vms_by_host.get(h.name, []):
            s = report.workload(v.name).cpu
            if s is None:
                continue
            cap = s.demand_mhz if v.cpu_limit_mhz is None else min(s.demand_mhz, v.cpu_limit_mhz)
            floors[v.name] = min(v.cpu_reservation_mhz, cap)
        if sum(floors.values()) > hr.cpu_capacity_mhz:
            continue
        for name, floor in floors.items():
            assert report.workload(name).cpu.entitlement_mhz >= floor - _near(floor)


def check_containers_in_vms(dc: Datacenter, report) -> None:
    """Containers in a VM divide that VM's entitlement and nothing more."""
    for v in dc.compute.vms:
        outer = report.workload(v.name).cpu
        inner = [report.workload(c.name).cpu for c in dc.compute.containers_by_parent.get(("vm", v.name), [])]
        inner = [s for s in inner if s is not None]
        if outer is None:
            assert inner == []
            continue
        total = sum(s.entitlement_mhz for s in inner)
        assert total <= outer.entitlement_mhz + _near(outer.entitlement_mhz)


def check_memory(dc: Datacenter, report) -> None:
    """Reclamation only takes memory back: never more than a VM consumes, compression at most
    Mem.MemZipMaxPct = 10 %, and it never leaves the host with less free memory than before;
    nothing is reclaimed in the high and clear states."""
    for h in report.hosts:
        m = h.memory
        assert m.free_after_mib >= m.free_before_mib - _near(m.free_before_mib)
        for r in m.vms.values():
            for part in (r.balloon_mib, r.compressed_mib, r.swapped_mib):
                assert part >= -EPS
            assert r.resident_mib >= -_near(r.consumed_mib)
            assert r.compressed_mib <= 0.10 * r.configured_mib + EPS
        if m.state_before.value in ("high", "clear"):
            assert all(r.balloon_mib == r.compressed_mib == r.swapped_mib == 0 for r in m.vms.values())


def check_blast(dc: Datacenter, report) -> None:
    names = set(dc.workload_names())
    for b in report.blast:
        assert set(b.down) <= names and set(b.starved) <= names
        assert not set(b.down) & set(b.starved)


@FAST
@given(datacenters())
def test_report_invariants(dc: Datacenter) -> None:
    """The report never crashes, and its numbers keep every invariant above."""
    report = build_report(dc)
    check_report_shape(dc, report)
    check_entitlements(dc, report)
    check_reservations(dc, report)
    check_containers_in_vms(dc, report)
    check_memory(dc, report)
    check_blast(dc, report)


@FAST
@given(datacenters())
def test_isolation_is_symmetric(dc: Datacenter) -> None:
    names = dc.workload_names()
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            ab, ba = isolation(dc, a, b), isolation(dc, b, a)
            assert ab.level == ba.level
            assert set(ab.shared) == set(ba.shared)
            assert ab.reason == ba.reason


# ------------------------------------------------------------------------------ actions


@st.composite
def actions(draw, dc: Datacenter):
    hosts_ = [h.name for h in dc.hosts]
    vms_ = [v.name for v in dc.compute.vms]
    ctrs_ = [c.name for c in dc.compute.containers]
    everything = hosts_ + vms_ + ctrs_ + ["ghost"]
    choices = ["add_vm", "add_container", "set_policy", "fail", "repair", "remove"]
    if vms_ or ctrs_:
        choices += ["update", "move", "set_demand"]
    kind = draw(st.sampled_from(choices))
    if kind == "add_vm":
        stores = [d.name for d in dc.storage.datastores] + ["nowhere"]
        disks = [VirtualDisk(size_gib=draw(pick(10.0, 1000.0, 100_000.0)),
                             provisioning=draw(pick("thin", "thick-eager")),
                             datastore=draw(st.sampled_from(stores)))
                 for _ in range(draw(st.integers(0, 1)))]
        return AddVM(vm=VM(
            name=draw(st.sampled_from(["new", *vms_[:1]])),
            host=draw(st.sampled_from([*hosts_, "ghost"])),
            vcpus=draw(st.integers(1, 64)),
            memory_mib=draw(pick(512.0, 16384.0, 262144.0)),
            disks=tuple(disks),
            cpu_reservation_mhz=draw(pick(0.0, 50_000.0)),
            mem_reservation_mib=draw(pick(0.0, 512.0)),
        ))
    if kind == "add_container":
        where = draw(st.sampled_from([("host", n) for n in [*hosts_, "ghost"]]
                                     + [("vm", n) for n in [*vms_, "ghost"]]))
        return AddContainer(container=Container(
            name="newc", **{where[0]: where[1]},
            cpu_request_m=draw(maybe(100.0, 64_000.0)),
            mem_request_mib=draw(maybe(128.0, 500_000.0)),
        ))
    if kind == "set_policy":
        return SetPolicy(changes=draw(st.sampled_from([
            {"cpu_allocation_ratio": 1.0}, {"ram_allocation_ratio": 0.5}, {"ram_allocation_ratio": 2.0},
            {"reserved_host_memory_mib": 100_000}, {"disk_allocation_ratio": 0.1},
            {"cpu_allocation_ratio": -1},
        ])))
    if kind == "fail":
        return Fail(name=draw(st.sampled_from(everything)),
                    fault=draw(pick(None, "host-panic", "power-off")))
    if kind == "repair":
        return Repair(name=draw(st.sampled_from(everything)))
    if kind == "remove":
        return Remove(name=draw(st.sampled_from(everything)))
    if kind == "set_demand":
        return SetDemand(name=draw(st.sampled_from(vms_ + ctrs_)),
                         level=draw(pick("idle", "normal", "peak", "leak")))
    if kind == "move":
        return Move(name=draw(st.sampled_from(vms_ + ctrs_ + ["ghost"])),
                    host=draw(st.sampled_from(hosts_ + vms_ + ["ghost"])))
    name = draw(st.sampled_from(vms_ + ctrs_))
    if name in dc.compute.vm_index:
        changes = draw(st.sampled_from([
            {"vcpus": 1}, {"vcpus": 64}, {"memory_mib": 512.0}, {"memory_mib": 300_000.0},
            {"cpu_reservation_mhz": 100_000.0}, {"mem_reservation_mib": 0.0},
            {"cpu_shares": "high"}, {"vcpus": 0}, {"disks": []},
        ]))
    else:
        changes = draw(st.sampled_from([
            {"cpu_request_m": 64_000.0}, {"mem_request_mib": 500_000.0},
            {"cpu_limit_m": None}, {"mem_limit_mib": 64.0}, {"cpu_request_m": -1},
        ]))
    return Update(name=name, changes=changes)


_EXEMPT = (SetDemand, Fail, Remove)  # the simulator's own events: never refused by the rules


@FAST
@given(st.data())
def test_refused_action_leaves_state_unchanged(data) -> None:
    """A refused action leaves the state as it was (it equals a copy taken before) and gives
    at least one reason; an accepted one never breaks a rule the old state kept, or breaks it
    harder."""
    dc = data.draw(datacenters())
    action = data.draw(actions(dc))
    before = dc.model_copy(deep=True)
    dump = dc.model_dump()
    try:
        after = apply(dc, action)
    except Refused as refused:
        assert refused.violations
        assert all(v.message for v in refused.violations)
        assert dc == before
        assert dc.model_dump() == dump
        return
    assert dc == before  # even an accepted action builds a new state
    assume(not isinstance(action, _EXEMPT))
    old = {v.key: v for v in all_violations(dc)}
    for v in all_violations(after):
        assert v.key in old, f"{action.describe()} introduced {v.message}"
        assert v.excess <= old[v.key].excess + _near(old[v.key].excess), (
            f"{action.describe()} made worse: {v.message}")
