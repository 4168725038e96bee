"""Schedulable capacity and overcommit (OpenStack Placement semantics).

Source: semantics.md "Compute capacity and overcommit" — placement/objects/allocation.py
``capacity = (total − reserved) × allocation_ratio``, refused when ``used + requested >
capacity``; nova/conf/compute.py defaults 4.0 / 1.0 / 1.0 and ``reserved_host_memory_mb =
512``; pre-Stein 16.0 / 1.5 / 1.0; RHV 100 / 150 / 200 %; ``max_unit = total`` per VM.
"""

from __future__ import annotations

import pytest

from tests.core.corekit import GIB, ctr, datastore, dc, disk, host, vm
from virtlab.core.actions import apply
from virtlab.core.base import Refused
from virtlab.core.compute.actions import AddVM
from virtlab.core.compute.capacity import FLAVOR_INDEX, flavor_fits, host_lines
from virtlab.core.hosts import POLICY_PRESETS, Policy
from virtlab.core.hypervisors import HypervisorKind


def test_nova_defaults() -> None:
    """nova/conf/compute.py: cpu 4.0, ram 1.0, disk 1.0 and 512 MiB reserved host memory."""
    p = Policy()
    assert (p.cpu_allocation_ratio, p.ram_allocation_ratio, p.disk_allocation_ratio) == (4.0, 1.0, 1.0)
    assert POLICY_PRESETS["openstack"] == p
    for kind in ("esxi", "kvm", "xen"):
        h = host(hypervisor=kind, memory_mib=64 * GIB)
        assert h.reserved_memory(p) == 512
        assert h.reserved_cpu(p) == 0


def test_capacity_is_total_minus_reserved_times_ratio() -> None:
    """Placement: capacity = (total − reserved) × allocation_ratio, per resource."""
    h = host(sockets=2, cores=8, threads=2, memory_mib=64 * GIB)  # 32 logical CPUs
    lines = host_lines(dc(h), h)
    cpu, ram = lines["cpu"], lines["ram"]
    assert (cpu.physical, cpu.reserved, cpu.ratio) == (32, 0, 4.0)
    assert cpu.schedulable == 128
    assert (ram.physical, ram.reserved, ram.ratio) == (65536, 512, 1.0)
    assert ram.schedulable == 65536 - 512


@pytest.mark.parametrize(
    ("preset", "cpu", "ram", "disk_ratio"),
    [
        ("openstack", 4.0, 1.0, 1.0),
        ("openstack-pre-stein", 16.0, 1.5, 1.0),
        ("no-overcommit", 1.0, 1.0, 1.0),
        ("rhv-server", 4.0, 1.5, 1.0),  # RHV memory overcommit 150 %
        ("rhv-desktop", 4.0, 2.0, 1.0),  # RHV memory overcommit 200 %
    ],
)
def test_presets(preset: str, cpu: float, ram: float, disk_ratio: float) -> None:
    """Presets: nova pre-Stein 16/1.5/1.0, RHV server 150 % and desktop 200 %, none 1.0."""
    p = POLICY_PRESETS[preset]
    assert (p.cpu_allocation_ratio, p.ram_allocation_ratio, p.disk_allocation_ratio) == (cpu, ram, disk_ratio)
    h = host(sockets=1, cores=16, threads=1, memory_mib=32 * GIB)
    lines = host_lines(dc(h, policy=p), h)
    assert lines["cpu"].schedulable == pytest.approx(16 * cpu)
    if preset.startswith("rhv"):  # oVirt: physical × overcommit % − vdsm's 321 MiB
        assert lines["ram"].schedulable == pytest.approx(32 * GIB * ram - 321)
    else:
        assert lines["ram"].schedulable == pytest.approx((32 * GIB - 512) * ram)


def test_placement_boundary_used_plus_requested_equal_to_capacity_fits() -> None:
    """Refused only when used + requested > capacity: exactly full still fits."""
    h = host(cores=4, memory_mib=8 * GIB + 512)  # 8 GiB schedulable after 512 MiB
    state = dc(h, vm("a", vcpus=2, memory_mib=4 * GIB), policy=POLICY_PRESETS["no-overcommit"])
    full = apply(state, AddVM(vm=vm("b", vcpus=2, memory_mib=4 * GIB)))
    lines = host_lines(full, h)
    assert lines["ram"].free == 0 and lines["cpu"].free == 0
    with pytest.raises(Refused) as info:
        apply(full, AddVM(vm=vm("c", vcpus=1, memory_mib=1)))
    codes = {v.code for v in info.value.violations}
    assert codes == {"cpu_capacity", "ram_capacity"}


def test_cpu_overcommit_ratio_four_allows_four_vcpus_per_logical_cpu() -> None:
    """With nova's 4.0 CPU ratio, 8 logical CPUs schedule 32 vCPUs and not 33."""
    h = host(cores=8, memory_mib=256 * GIB)
    state = dc(h, *(vm(f"v{i}", vcpus=8, memory_mib=GIB) for i in range(4)))
    lines = host_lines(state, h)
    assert lines["cpu"].allocated == 32 and lines["cpu"].schedulable == 32
    assert lines["cpu"].overcommit == pytest.approx(4.0)
    with pytest.raises(Refused) as info:
        apply(state, AddVM(vm=vm("one-more", vcpus=1, memory_mib=GIB)))
    (v,) = info.value.violations
    assert v.code == "cpu_capacity"
    assert v.params["allocated"] == 33 and v.params["schedulable"] == 32
    assert v.excess == pytest.approx(1)


@pytest.mark.parametrize("preset", ["no-overcommit", "openstack", "openstack-pre-stein"])
def test_per_vm_vcpu_cap_is_logical_cpus_whatever_the_ratio(preset: str) -> None:
    """Drivers report max_unit = total: a VM never gets more vCPUs than logical CPUs."""
    h = host(sockets=2, cores=4, threads=2, memory_mib=256 * GIB)  # 2×4×2 = 16 logical
    assert h.logical_cpus == 16 and h.physical_cores == 8
    state = dc(h, policy=POLICY_PRESETS[preset])
    ok = apply(state, AddVM(vm=vm("sixteen", vcpus=16, memory_mib=GIB)))
    assert ok.compute.vm_index["sixteen"].vcpus == 16
    with pytest.raises(Refused) as info:
        apply(state, AddVM(vm=vm("seventeen", vcpus=17, memory_mib=GIB)))
    caps = [v for v in info.value.violations if v.code == "vcpu_cap"]
    assert len(caps) == 1
    assert caps[0].params == {"vm": "seventeen", "host": "h1", "vcpus": 17, "logical": 16}
    assert "17 vCPUs > 16 logical CPUs" in caps[0].message


def test_ram_overcommit_under_rhv_server() -> None:
    """oVirt/RHV (ovirt-engine VDS.calculateFreeVirtualMemory; vdsm host_mem_reserve 256 +
    extra_mem_reserve 65): free = physical × 150 % − 321 MiB reserved − committed, each running
    VM committing its memory + 65 MiB. A 64 GiB host offers 98,304 − 321 = 97,983 MiB before
    any VM (issue #8's worked example)."""
    h = host(cores=16, memory_mib=64 * GIB)
    state = dc(h, policy=POLICY_PRESETS["rhv-server"])
    line = host_lines(state, h)["ram"]
    assert (line.physical, line.reserved, line.ratio) == (65536, 321, 1.5)
    assert line.schedulable == 98_304 - 321 == 97_983
    fits = apply(state, AddVM(vm=vm("big", vcpus=4, memory_mib=97_983 - 65)))
    line = host_lines(fits, h)["ram"]
    assert line.allocated == 97_983 and line.free == pytest.approx(0)
    with pytest.raises(Refused) as info:
        apply(state, AddVM(vm=vm("big", vcpus=4, memory_mib=97_983 - 64)))
    (v,) = info.value.violations
    assert v.code == "ram_capacity" and v.params["formula"] == "ovirt" and v.excess == pytest.approx(1)
    from virtlab.course.explain import violation_text
    # 97,984 vs 97,983 MiB: enough decimals that they do not read the same (95.7 > 95.7).
    assert violation_text(v, "en").startswith("h1: RAM 95.688 GiB committed > 95.687 GiB schedulable")
    assert v.message.startswith("h1: RAM 95.688 GiB committed > 95.687 GiB schedulable")


def test_a_stopped_vm_commits_no_memory_under_ovirt() -> None:
    """Placement keeps a stopped instance's allocation; oVirt commits only running VMs."""
    h = host(cores=16, memory_mib=64 * GIB)
    state = dc(h, vm("a", memory_mib=4 * GIB), vm("b", memory_mib=4 * GIB, status="off"),
               policy=POLICY_PRESETS["rhv-server"])
    assert host_lines(state, h)["ram"].allocated == 4 * GIB + 65
    placement = dc(h, vm("a", memory_mib=4 * GIB), vm("b", memory_mib=4 * GIB, status="off"))
    assert host_lines(placement, h)["ram"].allocated == 8 * GIB


@pytest.mark.parametrize(
    ("kind", "reserved"),
    [("hyperv", 2048), ("virtualbox", 4096), ("workstation", 4096), ("esxi", 512), ("kvm", 512)],
)
def test_reserved_memory_by_hypervisor(kind: str, reserved: float) -> None:
    """Hyper-V root partition 2 GB; a type-2 host OS 4 GB; others nova's 512 MiB."""
    h = host(hypervisor=kind, memory_mib=32 * GIB)
    assert h.reserved_memory(Policy()) == reserved


def test_reserved_overrides() -> None:
    """The host's own figure wins over the policy's, which wins over the hypervisor's."""
    h = host(memory_mib=32 * GIB)
    assert h.reserved_memory(Policy(reserved_host_memory_mib=1024)) == 1024
    h2 = host(memory_mib=32 * GIB, reserved_memory_mib=3000, reserved_cpus=2)
    assert h2.reserved_memory(Policy(reserved_host_memory_mib=1024)) == 3000
    lines = host_lines(dc(h2), h2)
    assert lines["cpu"].schedulable == (8 - 2) * 4.0
    assert lines["ram"].schedulable == 32 * GIB - 3000


def test_container_host_never_overcommits() -> None:
    """A host without a hypervisor is a Kubernetes node: ratio 1, GKE reservations."""
    h = host(hypervisor="none", cores=4, memory_mib=16 * GIB)
    lines = host_lines(dc(h, policy=POLICY_PRESETS["openstack-pre-stein"]), h)
    assert lines["cpu"].ratio == 1.0 and lines["ram"].ratio == 1.0
    assert lines["cpu"].reserved == pytest.approx(0.08)  # 60 + 10 + 2×5 millicores
    assert h.hypervisor is HypervisorKind.NONE


def test_allocated_counts_stopped_vms_and_host_container_requests() -> None:
    """Placement keeps a stopped instance's allocation; host containers count by request."""

    h = host(hypervisor="kvm", cores=8, memory_mib=32 * GIB)
    state = dc(
        h,
        vm("on", vcpus=2, memory_mib=4 * GIB),
        vm("off", vcpus=2, memory_mib=4 * GIB, status="off"),
        ctr("c", host="h1", cpu_request_m=500, mem_request_mib=512),
        ctr("lim", host="h1", cpu_limit_m=1000, mem_limit_mib=1024),  # request = limit
    )
    lines = host_lines(state, h)
    assert lines["cpu"].allocated == pytest.approx(4 + 0.5 + 1.0)
    assert lines["ram"].allocated == pytest.approx(8 * GIB + 512 + 1024)


def test_local_disk_line_counts_provisioned_sizes() -> None:
    """Placement DISK_GB counts each disk's full size, thin or thick, against the ratio."""
    h = host()
    local = datastore("h1-local", 500, hosts=("h1",))
    shared = datastore("san", 10_000)
    state = dc(
        h, local, shared,
        vm("a", disks=(disk(100, "h1-local", "thin", 10), disk(50, "h1-local", "thick-lazy"))),
        vm("b", disks=(disk(1000, "san"),)),
    )
    line = host_lines(state, h)["disk"]
    assert line.physical == 500 and line.allocated == 150 and line.free == 350


def test_flavor_fits() -> None:
    """How many more m1 flavors fit: the tightest of CPU, RAM and disk, 0 if too wide."""
    h = host(cores=8, memory_mib=32 * GIB)  # 32 vCPU after 4.0, 32256 MiB
    state = dc(h)
    lines = host_lines(state, h)
    assert flavor_fits(lines, FLAVOR_INDEX["m1.large"], h.logical_cpus) == 3  # RAM-bound
    assert flavor_fits(lines, FLAVOR_INDEX["m1.tiny"], h.logical_cpus) == 32  # CPU-bound
    narrow = host("n", cores=4, memory_mib=256 * GIB)
    assert flavor_fits(host_lines(dc(narrow), narrow), FLAVOR_INDEX["m1.xlarge"], 4) == 0


def test_overcommit_ratio_reported() -> None:
    """Overcommit = allocated ÷ (physical − reserved); above 1.0 means overcommitted."""
    h = host(cores=4, memory_mib=8 * GIB + 512)
    state = dc(h, vm("a", vcpus=4, memory_mib=4 * GIB), vm("b", vcpus=4, memory_mib=2 * GIB))
    lines = host_lines(state, h)
    assert lines["cpu"].overcommit == pytest.approx(2.0)
    assert lines["ram"].overcommit == pytest.approx(0.75)
    assert not lines["cpu"].over_capacity and not lines["ram"].over_capacity
