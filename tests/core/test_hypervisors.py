"""Hypervisor profiles: types, per-VM memory overhead and a Kubernetes node's reservations.

Sources: semantics.md "Hypervisor types"; vSphere Resource Management guide (overhead
sample table); GKE "plan node sizes" (memory and CPU reservation bands, 100 MiB eviction
threshold, worked example 150 GiB → 9.8577 GiB).
"""

from __future__ import annotations

import pytest

from virtlab.core.hypervisors import (
    PROFILES,
    HypervisorKind,
    HypervisorType,
    default_reserved_cpus,
    default_reserved_memory_mib,
    gke_reserved_memory_mib,
    gke_reserved_millicores,
    node_allocatable_mib,
    supports_vms,
    vm_memory_overhead_mib,
)


@pytest.mark.parametrize(
    ("memory_mb", "vcpus", "overhead_mb"),
    [(1024, 1, 26), (1024, 4, 38), (4096, 1, 49), (4096, 4, 61)],
)
def test_esxi_overhead_matches_vsphere_sample_table(memory_mb: int, vcpus: int, overhead_mb: int) -> None:
    """vSphere Resource Management guide sample: 1024 MB → 26/38 MB, 4096 MB → 49/61 MB."""
    got = vm_memory_overhead_mib(HypervisorKind.ESXI, vcpus, memory_mb)
    assert got == pytest.approx(overhead_mb, abs=0.01)


def test_overhead_grows_with_vcpus_and_memory() -> None:
    for kind in HypervisorKind:
        if kind is HypervisorKind.NONE:
            assert vm_memory_overhead_mib(kind, 4, 4096) == 0
            continue
        small = vm_memory_overhead_mib(kind, 1, 1024)
        assert small > 0
        assert vm_memory_overhead_mib(kind, 1, 8192) >= small
        assert vm_memory_overhead_mib(kind, 8, 1024) >= small


def test_hyperv_overhead() -> None:
    """Hyper-V planning guide: 32 MB for the first GB plus 8 MB per further GB."""
    assert vm_memory_overhead_mib(HypervisorKind.HYPERV, 2, 1024) == pytest.approx(32)
    assert vm_memory_overhead_mib(HypervisorKind.HYPERV, 2, 4096) == pytest.approx(32 + 3 * 8)


def test_gke_worked_example_150_gib() -> None:
    """GKE: a 150 GiB node reserves 9.8577 GiB, including the 100 MiB eviction threshold."""
    reserved = gke_reserved_memory_mib(150 * 1024)
    assert reserved / 1024 == pytest.approx(9.8577, abs=5e-5)
    assert node_allocatable_mib(150 * 1024) / 1024 == pytest.approx(140.1423, abs=5e-5)


@pytest.mark.parametrize(
    ("gib", "reserved_gib"),
    [
        (4, 1.0),  # 25 % of the first 4 GiB
        (8, 1.0 + 0.8),  # + 20 % of the next 4
        (16, 1.0 + 0.8 + 0.8),  # + 10 % of the next 8
        (128, 1.0 + 0.8 + 0.8 + 6.72),  # + 6 % of the next 112
        (256, 1.0 + 0.8 + 0.8 + 6.72 + 2.56),  # + 2 % above 128
    ],
)
def test_gke_memory_bands(gib: float, reserved_gib: float) -> None:
    """GKE memory bands 25 / 20 / 10 / 6 / 2 %, plus 100 MiB for eviction."""
    assert gke_reserved_memory_mib(gib * 1024) == pytest.approx(reserved_gib * 1024 + 100)


@pytest.mark.parametrize(
    ("cores", "millicores"),
    [
        (1, 60),  # 6 % of the first core
        (2, 70),  # 1 % of the next
        (4, 80),  # 0.5 % of the next 2
        (8, 90),  # 0.25 % above 4
        (64, 80 + 60 * 2.5),
    ],
)
def test_gke_cpu_bands(cores: int, millicores: float) -> None:
    """GKE CPU bands: 6 % / 1 % / 0.5 % / 0.25 %."""
    assert gke_reserved_millicores(cores) == pytest.approx(millicores)


def test_container_host_defaults_use_gke_reservations() -> None:
    assert default_reserved_memory_mib(HypervisorKind.NONE, 150 * 1024) == pytest.approx(
        gke_reserved_memory_mib(150 * 1024)
    )
    assert default_reserved_cpus(HypervisorKind.NONE, 8) == pytest.approx(0.09)
    assert default_reserved_cpus(HypervisorKind.KVM, 8) == 0


@pytest.mark.parametrize(
    ("kind", "htype"),
    [
        ("esxi", HypervisorType.TYPE1),
        ("hyperv", HypervisorType.TYPE1),  # Windows runs in a root partition above it
        ("kvm", HypervisorType.TYPE1),  # KVM turns Linux into the hypervisor
        ("xen", HypervisorType.TYPE1),
        ("virtualbox", HypervisorType.TYPE2),
        ("workstation", HypervisorType.TYPE2),
        ("none", HypervisorType.OS_LEVEL),
    ],
)
def test_hypervisor_types(kind: str, htype: HypervisorType) -> None:
    """semantics.md: ESXi, Hyper-V, Xen, KVM are type 1; VirtualBox, Workstation type 2."""
    assert PROFILES[HypervisorKind(kind)].type is htype


def test_only_a_hypervisor_runs_vms_and_only_a_linux_host_runs_containers() -> None:
    assert not supports_vms(HypervisorKind.NONE)
    assert all(supports_vms(k) for k in HypervisorKind if k is not HypervisorKind.NONE)
    runs = {k.value for k, p in PROFILES.items() if p.runs_host_containers}
    assert runs == {"kvm", "virtualbox", "workstation", "none"}
    assert PROFILES[HypervisorKind.ESXI].host_os is None
