"""The report: one function from a state to what the panels show (virtlab.core.report).

Per host and resource: physical, reserved, schedulable, allocated, free, overcommit and how
many more of each flavor fit (semantics.md "Compute capacity"); statuses after faults; plain
JSON for ``virtlab report --json``.
"""

from __future__ import annotations

import json

import pytest

from tests.core.corekit import GIB, ctr, datastore, dc, disk, host, vm
from virtlab.core.actions import apply
from virtlab.core.compute.actions import Fail
from virtlab.core.compute.capacity import FLAVORS
from virtlab.core.report import build_report, to_jsonable


@pytest.fixture
def lab():
    return dc(
        host("esx-1", "esxi", sockets=2, cores=4, threads=2, mhz=2000, memory_mib=64 * GIB),
        host("kvm-1", "kvm", cores=8, memory_mib=32 * GIB),
        datastore("esx-1-local", 1000, hosts=("esx-1",)),
        vm("web", "esx-1", vcpus=4, memory_mib=8 * GIB, cpu_demand=2,
           disks=(disk(100, "esx-1-local", written_gib=20),)),
        vm("db", "esx-1", vcpus=8, memory_mib=16 * GIB, cpu_demand=4,
           disks=(disk(200, "esx-1-local", "thick-eager"),)),
        vm("node", "kvm-1", vcpus=2, memory_mib=4 * GIB),
        ctr("api", vm="node", cpu_request_m=500, mem_limit_mib=512, mem_demand_mib=100),
        ctr("agent", host="kvm-1", cpu_request_m=250, mem_request_mib=256),
    )


def test_host_lines(lab) -> None:
    r = build_report(lab)
    esx = r.host("esx-1")
    assert (esx.logical_cpus, esx.physical_cores, esx.hypervisor_type) == (16, 8, "type-1")
    cpu, ram, disk_ = esx.lines["cpu"], esx.lines["ram"], esx.lines["disk"]
    assert (cpu.physical, cpu.reserved, cpu.schedulable, cpu.allocated, cpu.free) == (16, 0, 64, 12, 52)
    assert cpu.overcommit == pytest.approx(12 / 16)
    assert (ram.schedulable, ram.allocated) == (64 * GIB - 512, 24 * GIB)
    assert (disk_.physical, disk_.allocated) == (1000, 300)
    assert esx.cpu_capacity_mhz == 8 * 2000  # physical cores × clock, as vSphere reports
    assert esx.cpu_demand_mhz == pytest.approx(6 * 2000)
    assert esx.cpu_entitled_mhz == pytest.approx(6 * 2000)
    assert set(esx.fits) == {f.name for f in FLAVORS}
    assert esx.fits["m1.xlarge"] == 2  # RAM: 40.5 GiB free / 16 GiB
    kvm = r.host("kvm-1")
    assert kvm.lines["cpu"].allocated == pytest.approx(2.25)  # the VM + the host container's request


def test_workload_rows(lab) -> None:
    r = build_report(lab)
    api = r.workload("api")
    assert (api.kind, api.host, api.parent, api.status) == ("container", "kvm-1", "node", "running")
    assert api.cgroup["memory.max"] == str(512 * 1024 * 1024)
    assert api.container.qos.value == "Burstable"
    web = r.workload("web")
    assert (web.kind, web.vcpus, web.memory_mib) == ("vm", 4, 8 * GIB)
    assert web.vm_memory.configured_mib == 8 * GIB


def test_statuses_after_faults(lab) -> None:
    r = build_report(apply(lab, Fail(name="kvm-1")))
    assert {w.name: w.status for w in r.workloads if w.host == "kvm-1"} == {
        "node": "host-down", "api": "vm-down", "agent": "host-down"}
    assert r.workload("node").cpu is None
    assert r.host("kvm-1").fits == {}
    r = build_report(apply(lab, Fail(name="node", fault="guest-panic")))
    assert r.workload("node").status == "crashed" and r.workload("api").status == "vm-down"
    r = build_report(apply(lab, Fail(name="web", fault="power-off")))
    assert r.workload("web").status == "off"


def test_violations_of_a_broken_lab_are_listed() -> None:
    state = dc(host("h", cores=4, memory_mib=8 * GIB), vm("big", "h", vcpus=8, memory_mib=16 * GIB))
    violations = build_report(state).violations
    assert {"vcpu_cap", "ram_capacity"} <= {v.code for v in violations}
    assert all(v.message for v in violations)


def test_json_is_plain_and_finite(lab) -> None:
    data = to_jsonable(build_report(lab))
    text = json.dumps(data, allow_nan=False)
    back = json.loads(text)
    assert {"name", "hosts", "workloads", "datastores", "violations", "pairs", "blast"} <= set(back)
    host0 = back["hosts"][0]
    assert {"schedulable", "free", "overcommit"} <= set(host0["lines"]["cpu"])
    assert back["datastores"][0]["alarm"] == "ok"


@pytest.mark.parametrize("fault", [None, "host-panic"])
def test_a_down_host_has_no_capacity_and_says_so(lab, fault) -> None:
    """A failed host offered its full CPU, all memory free and state "high" (issue #8): now
    no CPU capacity, nothing free, memory state "down" — in the report and its JSON."""
    before = build_report(lab).host("esx-1")
    assert before.cpu_capacity_mhz > 0 and before.memory.state_before.value != "down"
    down = build_report(apply(lab, Fail(name="esx-1", fault=fault))).host("esx-1")
    assert down.cpu_capacity_mhz == 0 and down.cpu_entitled_mhz == 0
    m = down.memory
    assert (m.state_before.value, m.state_after.value) == ("down", "down")
    assert m.free_before_mib == m.free_after_mib == 0 and m.techniques == ()
    assert down.fits == {}
    data = to_jsonable(build_report(apply(lab, Fail(name="esx-1", fault=fault))))
    esx = next(h for h in data["hosts"] if h["name"] == "esx-1")
    assert esx["cpu_capacity_mhz"] == 0
    assert esx["memory"]["state_before"] == esx["memory"]["state_after"] == "down"
    assert esx["memory"]["free_before_mib"] == 0


def test_nothing_is_placed_on_a_host_that_is_down(lab) -> None:
    from virtlab.core.base import Refused
    from virtlab.core.compute.actions import AddContainer, AddVM

    down = apply(lab, Fail(name="kvm-1"))
    for action in (AddVM(vm=vm("new", "kvm-1", vcpus=1, memory_mib=GIB)),
                   AddContainer(container=ctr("new-c", host="kvm-1", cpu_request_m=100))):
        apply(lab, action)  # placed while the host is up
        with pytest.raises(Refused) as e:
            apply(down, action)
        assert e.value.violations[0].code == "host_down"
        assert "nothing can be placed or moved onto it" in e.value.violations[0].message
