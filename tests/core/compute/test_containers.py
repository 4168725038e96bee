"""Containers: Kubernetes QoS classes, cgroup values and the OOM killer.

Sources: semantics.md "Containers (Kubernetes and cgroups)" — Kubernetes "Pod Quality of
Service Classes"; ``pkg/kubelet/cm/helpers_linux.go`` (``MilliCPUToShares``: ×1024/1000,
MinShares 2, MaxShares 262144; ``MilliCPUToQuota``: ×100 per 100000 µs, at least
MinQuotaPeriod 1000 µs); runc's cgroup v2 conversion ``1 + (shares − 2) × 9999 / 262142``;
``pkg/kubelet/qos/policy.go`` (``oom_score_adj``: −997 / 1000 / Burstable
``1000 − 1000 × request / capacity`` within 3…999, integer arithmetic on bytes).
"""

from __future__ import annotations

import pytest

from tests.core.corekit import GIB, ctr, dc, host, vm
from virtlab.core.compute.containers import (
    KillReason,
    QoS,
    cgroup_values,
    node_oom,
    oom_score_adj,
    qos_class,
)
from virtlab.core.compute.contention import cgroup_cpu_shares
from virtlab.core.report import build_report

MIB = 1024 * 1024

# ------------------------------------------------------------------------------ QoS


@pytest.mark.parametrize(
    ("resources", "qos"),
    [
        ({}, QoS.BEST_EFFORT),
        ({"cpu_request_m": 500, "cpu_limit_m": 500, "mem_request_mib": 256, "mem_limit_mib": 256},
         QoS.GUARANTEED),
        ({"cpu_limit_m": 500, "mem_limit_mib": 256}, QoS.GUARANTEED),  # requests default to limits
        ({"cpu_request_m": 250, "cpu_limit_m": 500, "mem_request_mib": 256, "mem_limit_mib": 256},
         QoS.BURSTABLE),
        ({"cpu_request_m": 500, "cpu_limit_m": 500, "mem_request_mib": 128, "mem_limit_mib": 256},
         QoS.BURSTABLE),
        ({"cpu_request_m": 500, "cpu_limit_m": 500}, QoS.BURSTABLE),  # no memory limit
        ({"mem_limit_mib": 256}, QoS.BURSTABLE),
        ({"cpu_request_m": 100}, QoS.BURSTABLE),
        ({"mem_request_mib": 64}, QoS.BURSTABLE),
    ],
)
def test_qos_class(resources: dict, qos: QoS) -> None:
    """Guaranteed: CPU and memory limits equal to requests; BestEffort: nothing set;
    otherwise Burstable. A limit without a request sets the request to the limit."""
    assert qos_class(ctr("c", **resources)) is qos


def test_limit_without_request_sets_request() -> None:
    c = ctr("c", cpu_limit_m=700, mem_limit_mib=300)
    assert (c.eff_cpu_request_m, c.eff_mem_request_mib) == (700, 300)
    assert (ctr("d").eff_cpu_request_m, ctr("d").eff_mem_request_mib) == (0, 0)


# ------------------------------------------------------------------------------ cgroups


@pytest.mark.parametrize(
    ("millicores", "shares"),
    [(1000, 1024), (500, 512), (250, 256), (100, 102), (1500, 1536), (1, 2), (0, 2), (3, 3)],
)
def test_cpu_shares_from_millicores(millicores: float, shares: int) -> None:
    """kubelet MilliCPUToShares: milliCPU × 1024 / 1000 (integer), at least 2."""
    assert cgroup_cpu_shares(millicores) == shares


def test_cpu_shares_clamped_at_kubelet_max() -> None:
    """kubelet MilliCPUToShares clamps at MaxShares = 262144, so cpu.weight stays within
    cgroup v2's 1–10000 (a regression test: the engine once let 300 cores give 307200)."""
    assert cgroup_cpu_shares(300_000) == 262144
    values = cgroup_values(ctr("huge", cpu_request_m=300_000))
    assert int(values["cpu.weight"]) <= 10000


@pytest.mark.parametrize(
    ("shares", "weight"),
    [(2, 1), (1024, 39), (512, 20), (262144, 10000)],
)
def test_cpu_weight_conversion(shares: int, weight: int) -> None:
    """runc: cpu.weight = 1 + (shares − 2) × 9999 / 262142 (cgroup v2 range 1–10000)."""
    c = ctr("c", cpu_request_m=shares * 1000 / 1024, mem_request_mib=1)
    assert cgroup_values(c)["cpu.shares"] == str(shares)
    assert cgroup_values(c)["cpu.weight"] == str(weight)


def test_cgroup_values_for_each_class() -> None:
    """cpu.max = "milliCPU × 100  100000" (cgroup v2 form), "max 100000" without a limit;
    memory.max = the limit in bytes; BestEffort gets 2 shares."""
    g = cgroup_values(ctr("g", cpu_limit_m=500, mem_limit_mib=256))
    assert g == {"cpu.max": "50000 100000", "cpu.shares": "512", "cpu.weight": "20",
                 "memory.max": str(256 * MIB)}
    b = cgroup_values(ctr("b", cpu_request_m=250, cpu_limit_m=2000, mem_request_mib=128))
    assert b["cpu.max"] == "200000 100000"
    assert b["cpu.shares"] == "256"
    assert b["memory.max"] == "max"
    be = cgroup_values(ctr("be"))
    assert be == {"cpu.max": "max 100000", "cpu.shares": "2", "cpu.weight": "1", "memory.max": "max"}


def test_cpu_quota_has_kubelet_minimum() -> None:
    """kubelet MilliCPUToQuota raises a quota below MinQuotaPeriod (1000 µs) to 1000:
    a 5m limit is "1000 100000", not "500 100000" (regression test)."""
    assert cgroup_values(ctr("tiny", cpu_limit_m=5))["cpu.max"] == "1000 100000"


# ------------------------------------------------------------------------------ oom_score_adj


def test_oom_score_adj_guaranteed_and_best_effort() -> None:
    """policy.go: Guaranteed −997, BestEffort 1000."""
    assert oom_score_adj(ctr("g", cpu_limit_m=100, mem_limit_mib=100), 16 * GIB) == -997
    assert oom_score_adj(ctr("be"), 16 * GIB) == 1000


@pytest.mark.parametrize(
    ("request_mib", "node_mib", "adj"),
    [
        (2 * GIB, 16 * GIB, 875),  # 1000 − 1000 × 2/16
        (1000, 3000, 667),  # integer division: 1000 − 333, not int(666.67)
        (64, 16 * GIB, 997),  # 1000 − ⌊3.9⌋
        (16 * GIB, 16 * GIB, 3),  # 0 → raised to 3 (Guaranteed's −997 + 1000)
        (15.999 * GIB, 16 * GIB, 3),
        (0.001, 16 * GIB, 999),  # 1000 → 999: Burstable always below BestEffort
    ],
)
def test_oom_score_adj_burstable(request_mib: float, node_mib: float, adj: int) -> None:
    """Burstable: 1000 − 1000 × memory_request / node_capacity (Go int64 arithmetic on
    bytes), kept within 3…999."""
    c = ctr("b", mem_request_mib=request_mib)
    assert qos_class(c) is QoS.BURSTABLE
    assert oom_score_adj(c, node_mib) == adj


def test_burstable_score_is_integer_arithmetic_on_bytes() -> None:
    """1000 MiB of 3000 MiB: Go computes 1000 − (1000 × 1048576000) / 3145728000 = 667."""
    request, capacity = 1000 * MIB, 3000 * MIB
    assert 1000 - (1000 * request) // capacity == 667
    assert oom_score_adj(ctr("b", mem_request_mib=1000), 3000) == 667


# ------------------------------------------------------------------------------ OOM


def test_container_above_its_limit_is_killed_in_its_own_cgroup() -> None:
    """A container past memory.max is killed inside its cgroup alone; neighbours live."""
    rows = node_oom(
        [ctr("over", mem_limit_mib=512, mem_demand_mib=700), ctr("ok", mem_demand_mib=100)],
        16 * GIB, 15 * GIB,
    )
    assert rows["over"].killed is KillReason.LIMIT
    assert rows["ok"].killed is None


def test_node_oom_kills_highest_score_first() -> None:
    """When the node runs out, the kernel kills the highest oom_badness first
    (usage/total × 1000 + oom_score_adj): BestEffort, then Burstable; Guaranteed last."""
    node = 8 * GIB
    ctrs = [
        ctr("guaranteed", cpu_limit_m=500, mem_limit_mib=3 * GIB, mem_demand_mib=3 * GIB),
        ctr("burstable", mem_request_mib=GIB, mem_demand_mib=2 * GIB),
        ctr("besteffort", mem_demand_mib=1.5 * GIB),
    ]
    # badness: guaranteed 375 − 997, burstable 250 + 875, besteffort 187.5 + 1000.
    # 6.5 GiB in use; 5.5 GiB available: killing the BestEffort one is enough.
    rows = node_oom(ctrs, node, 5.5 * GIB)
    assert rows["besteffort"].killed is KillReason.NODE
    assert rows["burstable"].killed is None and rows["guaranteed"].killed is None
    # 3.5 GiB available: the Burstable one goes next, the Guaranteed one survives.
    rows = node_oom(ctrs, node, 3.5 * GIB)
    assert rows["besteffort"].killed is KillReason.NODE
    assert rows["burstable"].killed is KillReason.NODE
    assert rows["guaranteed"].killed is None
    assert rows["guaranteed"].oom_score_adj == -997


def test_nothing_killed_with_enough_memory() -> None:
    rows = node_oom([ctr("a", mem_demand_mib=100), ctr("b", mem_demand_mib=100)], GIB, GIB)
    assert all(r.killed is None for r in rows.values())


def test_report_oom_in_a_docker_host() -> None:
    """End to end: the leak without limits is OOM-killed by the node; a container over its
    own limit is killed in its cgroup; the others keep running."""
    h = host("docker-1", hypervisor="none", cores=8, memory_mib=16 * GIB)
    state = dc(
        h,
        ctr("api", host="docker-1", cpu_limit_m=500, mem_limit_mib=GIB, mem_demand_mib=700),
        ctr("cache", host="docker-1", mem_limit_mib=512, mem_demand_mib=700),
        ctr("leaky", host="docker-1", mem_demand_mib=14 * GIB),
    )
    r = build_report(state)
    status = {w.name: w.status for w in r.workloads}
    assert status == {"api": "running", "cache": "oom-killed", "leaky": "oom-killed"}
    assert r.workload("cache").container.killed is KillReason.LIMIT
    assert r.workload("leaky").container.killed is KillReason.NODE
    assert r.workload("api").container.qos is QoS.GUARANTEED


def test_report_oom_inside_a_vm_stays_inside_the_vm() -> None:
    """Containers in a VM compete for the VM's memory, not the host's."""
    h = host("kvm-1", hypervisor="kvm", cores=8, memory_mib=64 * GIB)
    state = dc(
        h,
        vm("node", host="kvm-1", memory_mib=4 * GIB, mem_active_mib=GIB),
        ctr("hog", vm="node", mem_demand_mib=3.5 * GIB),
        ctr("small", vm="node", mem_request_mib=256, mem_demand_mib=200),
        ctr("outside", host="kvm-1", mem_demand_mib=GIB),
    )
    r = build_report(state)
    assert r.workload("hog").status == "oom-killed"
    assert r.workload("small").status == "running"
    assert r.workload("outside").status == "running"
    assert r.workload("node").status == "running"


def test_scheduling_uses_the_nodes_configured_reservations() -> None:
    """Node allocatable = capacity − kube-reserved − system-reserved − eviction threshold; a
    node that configures them is scheduled against them, as its capacity lines show (issue #8:
    the scheduling check used GKE's defaults whatever the node said)."""
    from virtlab.core.actions import apply
    from virtlab.core.base import Refused
    from virtlab.core.compute.actions import AddContainer
    from virtlab.core.compute.capacity import host_lines

    node = host("k", "none", cores=4, memory_mib=16 * GIB, reserved_memory_mib=8 * GIB, reserved_cpus=2)
    state = dc(node)
    lines = host_lines(state, node)
    assert lines["ram"].schedulable == 8 * GIB and lines["cpu"].schedulable == 2
    fits = apply(state, AddContainer(container=ctr("a", host="k", cpu_request_m=2000, mem_request_mib=8 * GIB)))
    assert "a" in fits.compute.container_index
    with pytest.raises(Refused) as info:  # GKE's defaults would allow ~13.3 GiB and 3.9 CPUs
        apply(state, AddContainer(container=ctr("b", host="k", cpu_request_m=3000, mem_request_mib=10 * GIB)))
    got = {v.subject: v.params for v in info.value.violations}
    assert got["host:k:memory"]["allocatable"] == 8 * GIB
    assert got["host:k:cpu"]["allocatable"] == 2000
