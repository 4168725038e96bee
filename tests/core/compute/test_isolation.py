"""Isolation between workloads and the blast radius of faults (virtlab.core.isolation).

Source: the cases listed in isolation.py's docstring (NIST SP 800-190: containers share the
host kernel and isolate less strongly than VMs) and semantics.md "Hypervisor types"
(KVM turns the Linux kernel into the hypervisor; type 2 runs on a host OS).
"""

from __future__ import annotations

import pytest

from tests.core.corekit import GIB, ctr, datastore, dc, disk, host, vm
from virtlab.core.actions import apply
from virtlab.core.compute.actions import Fail
from virtlab.core.compute.isolation import (
    LEVEL_TEXT,
    Level,
    blast_radius,
    isolation,
    isolation_from,
    isolation_matrix,
)
from virtlab.core.report import MATRIX_LIMIT, build_report


@pytest.fixture
def lab():
    """Two KVM hosts sharing a SAN, one ESXi host, one bare container host.

    kvm-1: VMs web and k8s (containers api, worker inside k8s), container sidecar on the host
    kernel (no memory limit); kvm-2: VM db; esx-1: VM legacy; docker-1: containers a, b.
    """
    return dc(
        host("kvm-1", "kvm", cores=16, memory_mib=128 * GIB),
        host("kvm-2", "kvm", cores=16, memory_mib=128 * GIB),
        host("esx-1", "esxi", cores=16, memory_mib=128 * GIB),
        host("docker-1", "none", cores=8, memory_mib=32 * GIB),
        datastore("san", 10_000),
        vm("web", "kvm-1", disks=(disk(50, "san"),)),
        vm("k8s", "kvm-1", disks=(disk(50, "san"),)),
        vm("db", "kvm-2", disks=(disk(100, "san"),)),
        vm("legacy", "esx-1"),
        ctr("api", vm="k8s", mem_limit_mib=512),
        ctr("worker", vm="k8s"),
        ctr("sidecar", host="kvm-1"),
        ctr("a", host="docker-1", mem_limit_mib=256),
        ctr("b", host="docker-1", mem_limit_mib=256),
    )


@pytest.mark.parametrize(
    ("a", "b", "level", "shared"),
    [
        # different hosts: nothing but the storage they may share
        ("web", "db", Level.SEPARATE_HOSTS, ("datastore san",)),
        ("web", "legacy", Level.SEPARATE_HOSTS, ()),
        ("a", "legacy", Level.SEPARATE_HOSTS, ()),
        # two VMs on one host: the hardware and the hypervisor
        ("web", "k8s", Level.HYPERVISOR, ("hardware", "hypervisor", "datastore san")),
        # a container in one VM and another VM: separate guest kernels on one hypervisor
        ("api", "web", Level.HYPERVISOR, ("hardware", "hypervisor", "datastore san")),
        # a container on the KVM host kernel beside VMs: the kernel that is the hypervisor
        ("sidecar", "web", Level.HOST_KERNEL, ("hardware", "host kernel", "hypervisor")),
        ("sidecar", "api", Level.HOST_KERNEL, ("hardware", "host kernel", "hypervisor")),
        # two containers on one kernel: namespaces and cgroups only
        ("a", "b", Level.SHARED_KERNEL, ("hardware", "kernel")),
        ("api", "worker", Level.SHARED_KERNEL,
         ("hardware", "kernel", "hypervisor", "VM", "datastore san")),
        # a container and the VM it runs in
        ("api", "k8s", Level.SAME_VM, ("hardware", "hypervisor", "kernel", "VM", "datastore san")),
    ],
)
def test_isolation_levels(lab, a: str, b: str, level: Level, shared: tuple[str, ...]) -> None:
    pair = isolation(lab, a, b)
    assert pair.level is level
    assert pair.shared == shared
    assert pair.reason == LEVEL_TEXT[level]
    back = isolation(lab, b, a)
    assert back.level is level and set(back.shared) == set(shared)


def test_levels_are_ordered_weakest_to_strongest() -> None:
    assert Level.SAME_VM < Level.SHARED_KERNEL < Level.HOST_KERNEL < Level.HYPERVISOR < Level.SEPARATE_HOSTS


def test_type2_host_container_shares_the_host_os_with_the_hypervisor() -> None:
    """Type 2: the hypervisor is an application on the host OS a container also runs on."""
    state = dc(host("laptop", "virtualbox", memory_mib=16 * GIB), vm("dev", "laptop"),
               ctr("tool", host="laptop"))
    pair = isolation(state, "tool", "dev")
    assert pair.level is Level.HOST_KERNEL
    assert "host kernel" in pair.shared


def test_unknown_workload_raises_key_error(lab) -> None:
    with pytest.raises(KeyError, match="nope"):
        isolation(lab, "web", "nope")
    with pytest.raises(KeyError):
        isolation_from(lab, "nope")


def test_isolation_from_and_matrix_agree_with_pairwise(lab) -> None:
    names = lab.workload_names()
    matrix = isolation_matrix(lab)
    assert len(matrix) == len(names) * (len(names) - 1) // 2
    for p in matrix:
        assert isolation(lab, p.a, p.b).level is p.level
    from_web = {p.b: p.level for p in isolation_from(lab, "web")}
    assert set(from_web) == set(names) - {"web"}
    assert from_web["api"] is Level.HYPERVISOR


def test_report_has_pairs_for_small_labs_and_counts_for_large(lab) -> None:
    small = build_report(lab)
    assert small.pairs is not None and len(small.pairs) == len(isolation_matrix(lab))
    # same kernel as api: worker and the k8s VM whose guest kernel they both run on
    assert small.workload("api").neighbours == {"same_host": 4, "same_kernel": 2}
    big = dc(host("h1", cores=64, memory_mib=1024 * GIB),
             *(vm(f"v{i}", memory_mib=GIB) for i in range(MATRIX_LIMIT + 1)))
    assert build_report(big).pairs is None
    assert build_report(big, pairs=True).pairs is not None


# ------------------------------------------------------------------------------ blast radius


def _blast(state):
    return {b.fault: b for b in blast_radius(state)}


def test_host_failure_takes_everything_on_the_host(lab) -> None:
    b = _blast(lab)
    everything = {"web", "k8s", "api", "worker", "sidecar"}
    assert set(b["host:kvm-1"].down) == everything
    assert set(b["host-panic:kvm-1"].down) == everything
    assert set(b["host:kvm-2"].down) == {"db"}
    assert set(b["host-panic:docker-1"].down) == {"a", "b"}
    assert "kernel" in b["host-panic:kvm-1"].note


def test_guest_panic_takes_the_vm_and_its_containers_only(lab) -> None:
    b = _blast(lab)
    assert set(b["guest-panic:k8s"].down) == {"k8s", "api", "worker"}
    assert b["guest-panic:web"].down == ("web",)


def test_container_crash_takes_only_itself(lab) -> None:
    b = _blast(lab)
    for name in ("api", "worker", "sidecar", "a", "b"):
        assert b[f"container:{name}"].down == (name,)


def test_container_without_memory_limit_can_starve_its_kernel_neighbours(lab) -> None:
    b = _blast(lab)
    # in a VM: its neighbours in the same guest
    assert b["no-memory-limit:worker"].down == ()
    assert set(b["no-memory-limit:worker"].starved) == {"api"}
    # on a KVM host kernel: the VMs (QEMU processes) on that host too
    assert {"web", "k8s"} <= set(b["no-memory-limit:sidecar"].starved)
    assert not {"db", "legacy", "a", "b"} & set(b["no-memory-limit:sidecar"].starved)
    # containers with a memory limit have no such entry
    assert "no-memory-limit:api" not in b and "no-memory-limit:a" not in b


def test_datastore_full_stops_the_thin_disks_on_it(lab) -> None:
    assert set(_blast(lab)["datastore-full:san"].down) == {"web", "k8s", "db"}


@pytest.mark.parametrize("target", ["kvm-1", "k8s", "web", "api", "sidecar", "docker-1"])
def test_blast_radius_matches_what_the_fault_does(lab, target: str) -> None:
    """Injecting the fault stops exactly the workloads its blast radius predicts."""
    b = _blast(lab)
    key = next(k for k in (f"host:{target}", f"guest-panic:{target}", f"container:{target}") if k in b)
    after = build_report(apply(lab, Fail(name=target)))
    stopped = {w.name for w in after.workloads if w.status != "running"}
    assert stopped == set(b[key].down)
