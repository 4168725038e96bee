"""Demand is what the application needs; size and limits only bound what it gets.

The shortfall and its cause (``virtlab.core.compute.shortfall``): too few vCPUs saturate the
guest (not ready time, VMware KB 2002181), a VM's CPU limit shows as ready (%MLMTD), a
container above its quota is throttled by CFS bandwidth control (``cpu.max``), a working set
above a VM's memory swaps in the guest, above its limit the hypervisor reclaims it, and a
container above ``memory.max`` is OOM-killed in its cgroup.
"""

from __future__ import annotations

import pytest

from tests.core.corekit import GIB, ctr, dc, host, vm
from virtlab.core.actions import apply
from virtlab.core.compute.actions import SetDemand, Update
from virtlab.core.compute.containers import KillReason
from virtlab.core.compute.report import RowStatus
from virtlab.core.compute.shortfall import Cause
from virtlab.core.report import build_report, to_jsonable

MHZ = 1000.0  # corekit's host clock


def _row(state, name):
    row = build_report(state).workload(name)
    assert row is not None
    return row


def test_one_vcpu_for_one_and_a_half_cores_saturates_the_guest_not_ready() -> None:
    state = dc(host("h1", cores=8), vm("v", vcpus=4, cpu_demand=1.5))
    small = apply(state, Update(name="v", changes={"vcpus": 1}))
    assert small.compute.vm_index["v"].cpu_demand == 1.5  # the work stays
    cpu = _row(small, "v").cpu
    assert cpu is not None
    assert cpu.need == pytest.approx(1.5 * MHZ)
    assert cpu.demand_mhz == pytest.approx(1.0 * MHZ)  # one vCPU can use one core
    assert cpu.entitlement_mhz == pytest.approx(1.0 * MHZ)
    assert cpu.shortfall_mhz == pytest.approx(0.5 * MHZ)
    assert cpu.short_pct == pytest.approx(100 / 3)
    assert cpu.cause is Cause.VCPUS
    assert cpu.ready_pct == pytest.approx(0.0, abs=1e-6)  # running, not waiting for a core


def test_a_vm_cpu_limit_holds_it_back_as_ready_time() -> None:
    state = dc(host("h1", cores=8), vm("v", vcpus=4, cpu_demand=2.0, cpu_limit_mhz=500.0))
    cpu = _row(state, "v").cpu
    assert cpu is not None and cpu.cause is Cause.CPU_LIMIT
    assert cpu.entitlement_mhz == pytest.approx(500.0)
    # KB 2002181 per vCPU: 1,500 MHz unmet of 4 vCPUs × 1,000 MHz = 37.5 % ready.
    assert cpu.ready_pct == pytest.approx(37.5)


def test_a_contended_host_is_contention() -> None:
    state = dc(host("h1", cores=2), vm("a", vcpus=2, cpu_demand=2.0), vm("b", vcpus=2, cpu_demand=2.0))
    cpu = _row(state, "a").cpu
    assert cpu is not None and cpu.cause is Cause.CONTENTION
    assert cpu.entitlement_mhz == pytest.approx(1000.0)


def test_a_container_below_its_cpu_need_is_throttled_by_its_quota() -> None:
    state = dc(host("h1", "kvm"), ctr("c", host="h1", cpu_limit_m=1000, cpu_demand_m=500))
    one = apply(state, Update(name="c", changes={"cpu_limit_m": 1.0}))
    row = _row(one, "c")
    assert row.cgroup["cpu.max"] == "1000 100000"  # kubelet's minimum quota: 1 ms per 100 ms
    assert row.cpu is not None and row.cpu.cause is Cause.CFS_QUOTA
    assert row.cpu.need == pytest.approx(500.0)
    assert row.cpu.entitlement_mhz == pytest.approx(1.0)
    assert row.starved is not None and row.starved.pct == pytest.approx(99.8)


def test_a_working_set_above_the_vm_memory_swaps_in_the_guest() -> None:
    state = dc(host("h1"), vm("v", memory_mib=8 * GIB, mem_active_mib=4 * GIB))
    small = apply(state, Update(name="v", changes={"memory_mib": 1.0}))
    assert small.compute.vm_index["v"].mem_active_mib == 4 * GIB
    m = _row(small, "v").vm_memory
    assert m is not None and m.cause is Cause.GUEST_SWAP
    assert (m.need_mib, m.active_mib, m.consumed_mib) == (4 * GIB, 1.0, 1.0)
    assert m.shortfall_mib == pytest.approx(4 * GIB - 1)


def test_a_memory_limit_below_the_working_set_is_reclaimed_by_the_hypervisor() -> None:
    state = dc(host("h1"), vm("v", memory_mib=8 * GIB, mem_active_mib=4 * GIB, mem_limit_mib=2 * GIB))
    m = _row(state, "v").vm_memory
    assert m is not None and m.cause is Cause.MEM_LIMIT and m.shortfall_mib == 2 * GIB


def test_a_container_above_its_memory_limit_is_oom_killed_in_its_cgroup() -> None:
    state = dc(host("h1", "kvm"), ctr("c", host="h1", mem_limit_mib=512, mem_demand_mib=300))
    tiny = apply(state, Update(name="c", changes={"mem_limit_mib": 1.0}))
    row = _row(tiny, "c")
    assert row.status is RowStatus.OOM_KILLED
    assert row.container is not None and row.container.killed is KillReason.LIMIT


def test_set_demand_above_the_size_is_kept_and_shown() -> None:
    state = dc(host("h1", cores=8), vm("v", vcpus=2, memory_mib=GIB))
    busy = apply(state, SetDemand(name="v", cpu=3.0, memory_mib=2 * GIB))
    row = _row(busy, "v")
    assert {s.cause for s in row.shortfalls} == {Cause.VCPUS, Cause.GUEST_SWAP}
    assert row.shortfall is not None and row.shortfall.resource == "memory"  # 50 % > 33 %


def test_a_workload_that_gets_what_it_needs_has_no_shortfall() -> None:
    state = dc(host("h1", cores=8), vm("v", vcpus=2, cpu_demand=1.0, mem_active_mib=GIB))
    row = _row(state, "v")
    assert row.shortfalls == () and row.shortfall is None and row.starved is None
    assert row.cpu is not None and row.cpu.cause is Cause.NONE


def test_the_shortfall_is_in_the_json() -> None:
    state = dc(host("h1", cores=8), vm("v", vcpus=1, cpu_demand=1.5))
    row = next(w for w in to_jsonable(build_report(state))["workloads"] if w["name"] == "v")
    assert row["cpu"]["need_mhz"] == 1500.0 and row["cpu"]["shortfall_mhz"] == 500.0
    assert row["cpu"]["cause"] == "vcpus"
    assert row["shortfall"] == {"resource": "cpu", "cause": "vcpus", "need": 1500.0, "got": 1000.0,
                                "short": 500.0, "pct": 33.3333}
