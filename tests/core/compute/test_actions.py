"""Actions: pure ``state → state`` functions, refused the way a real system refuses.

Sources: semantics.md "Compute capacity and overcommit" (Placement ``used + requested >
capacity`` is refused; ``max_unit = total``), "Entitlement" (vSphere power-on admission:
unreserved capacity ≥ reservation + overhead), "Virtual disks" (thick takes its size at
creation), "Node allocatable" (the kube-scheduler places by requests).
"""

from __future__ import annotations

import pytest
from pydantic import TypeAdapter

from tests.core.corekit import GIB, ctr, datastore, dc, disk, host, vm
from virtlab.core.actions import Action, apply
from virtlab.core.base import Refused
from virtlab.core.compute.actions import (
    AddContainer,
    AddHost,
    AddVM,
    Fail,
    Move,
    Remove,
    Repair,
    SetDemand,
    SetPolicy,
    Update,
)
from virtlab.core.compute.models import WorkloadStatus
from virtlab.core.hosts import POLICY_PRESETS, HostStatus
from virtlab.core.hypervisors import vm_memory_overhead_mib
from virtlab.core.rules import all_violations


def _refused(state, action) -> list:
    """Apply an action that must be refused; check the state is untouched; return reasons."""
    before = state.model_copy(deep=True)
    dump = state.model_dump()
    with pytest.raises(Refused) as info:
        apply(state, action)
    assert state == before
    assert state.model_dump() == dump
    assert info.value.violations, "a refusal carries at least one reason"
    for v in info.value.violations:
        assert v.code and v.subject and v.message
    assert str(info.value) == "; ".join(v.message for v in info.value.violations)
    return info.value.violations


@pytest.fixture
def esx():
    """One ESXi host, 2 × 4 cores × 2 threads (16 logical), 64 GiB, a 1 TB datastore."""
    return dc(host("esx-1", "esxi", sockets=2, cores=4, threads=2, memory_mib=64 * GIB),
              datastore("ds1", 1000), vm("web", "esx-1", vcpus=2, memory_mib=4 * GIB))


# ------------------------------------------------------------------------------ refusals


def test_vcpus_above_logical_cpus_refused_with_numbers(esx) -> None:
    """Placement max_unit = total: 20 vCPUs on 16 logical CPUs is refused, whatever the ratio."""
    (v,) = _refused(esx, AddVM(vm=vm("wide", "esx-1", vcpus=20, memory_mib=GIB)))
    assert v.code == "vcpu_cap" and v.subject == "esx-1/wide"
    assert v.params == {"vm": "wide", "host": "esx-1", "vcpus": 20, "logical": 16}
    assert v.excess == 4
    assert "20 vCPUs > 16 logical CPUs" in v.message


def test_ram_above_schedulable_refused_with_numbers(esx) -> None:
    """RAM: used + requested > (total − reserved) × ratio is refused."""
    (v,) = _refused(esx, AddVM(vm=vm("big", "esx-1", vcpus=2, memory_mib=61 * GIB)))
    assert v.code == "ram_capacity" and v.subject == "esx-1"
    assert v.params["physical"] == 64 * GIB
    assert v.params["reserved"] == 512
    assert v.params["ratio"] == 1.0
    assert v.params["schedulable"] == 64 * GIB - 512
    assert v.params["allocated"] == 65 * GIB
    assert v.excess == pytest.approx(GIB + 512)
    assert "RAM" in v.message and "1× ratio" in v.message


def test_thick_disk_beyond_datastore_refused(esx) -> None:
    violations = _refused(esx, AddVM(vm=vm("db", "esx-1", disks=(
        disk(1200, "ds1", "thick-eager"),))))
    by_code = {v.code: v for v in violations}
    assert by_code["thick_over_datastore"].params == {
        "datastore": "ds1", "thick": 1200.0, "capacity": 1000.0}
    assert by_code["thick_over_datastore"].excess == pytest.approx(200)
    assert "disk_capacity" not in by_code  # nova's ratio is for a compute node's local disk


def test_every_failed_constraint_is_listed(esx) -> None:
    """One refusal lists all the reasons, not just the first."""
    violations = _refused(esx, AddVM(vm=vm("everything", "esx-1", vcpus=32, memory_mib=80 * GIB,
                                           disks=(disk(2000, "ds1", "thick-lazy"),))))
    codes = {v.code for v in violations}
    assert {"vcpu_cap", "ram_capacity", "thick_over_datastore"} <= codes


def test_vm_on_a_host_without_hypervisor_refused() -> None:
    state = dc(host("docker-1", "none"))
    (v,) = _refused(state, AddVM(vm=vm("v", "docker-1")))
    assert v.code == "no_hypervisor" and v.params == {"host": "docker-1"}


@pytest.mark.parametrize("kind", ["esxi", "hyperv", "xen"])
def test_container_on_a_host_without_a_linux_host_os_refused(kind: str) -> None:
    """ESXi has no host OS; Hyper-V's root and Xen's dom0 are not container hosts here."""
    state = dc(host("h", kind))
    (v,) = _refused(state, AddContainer(container=ctr("c", host="h")))
    assert v.code == "no_host_os"
    assert v.params == {"host": "h", "hypervisor": kind}
    assert "inside a VM" in v.message


@pytest.mark.parametrize("kind", ["kvm", "none", "virtualbox"])
def test_container_on_a_linux_host_accepted(kind: str) -> None:
    after = apply(dc(host("h", kind)), AddContainer(container=ctr("c", host="h")))
    assert after.compute.container_index["c"].host == "h"


def test_unknown_places_refused(esx) -> None:
    assert _refused(esx, AddVM(vm=vm("v", "nowhere")))[0].code == "unknown_host"
    assert _refused(esx, AddVM(vm=vm("v", "esx-1", disks=(disk(1, "nope"),))))[0].code == "unknown_datastore"
    assert _refused(esx, AddContainer(container=ctr("c", vm="ghost")))[0].code == "unknown_vm"
    assert _refused(esx, Remove(name="ghost"))[0].code == "unknown_name"
    assert _refused(esx, Fail(name="ghost"))[0].code == "unknown_name"
    assert _refused(esx, Repair(name="ghost"))[0].code == "unknown_name"
    assert _refused(esx, SetDemand(name="ghost", level="peak"))[0].code == "unknown_name"


def test_names_are_unique_across_hosts_vms_and_containers(esx) -> None:
    assert _refused(esx, AddVM(vm=vm("web", "esx-1")))[0].code == "name_taken"
    assert _refused(esx, AddVM(vm=vm("esx-1", "esx-1")))[0].code == "name_taken"
    assert _refused(esx, AddHost(host=host("web")))[0].code == "name_taken"


def test_datastore_local_to_another_host_refused() -> None:
    state = dc(host("a"), host("b"), datastore("b-local", 100, hosts=("b",)))
    (v,) = _refused(state, AddVM(vm=vm("v", "a", disks=(disk(10, "b-local"),))))
    assert v.code == "datastore_not_visible"


def test_cpu_reservation_admission() -> None:
    """vSphere admission: CPU reservations must fit in the host's unreserved MHz."""
    state = dc(host("h", cores=4, mhz=2000), vm("a", "h", cpu_reservation_mhz=6000))
    (v,) = _refused(state, AddVM(vm=vm("b", "h", cpu_reservation_mhz=3000)))
    assert v.code == "cpu_reservation"
    assert v.params == {"host": "h", "reserved": 9000.0, "capacity": 8000.0}


def test_memory_reservation_admission_counts_overhead() -> None:
    """vSphere admission: memory reservations plus each VM's overhead must fit in the
    host's unreserved memory — even when the plain RAM line (ratio 1.0) still fits."""
    h = host("h", cores=8, memory_mib=16 * GIB)  # unreserved: 16384 − 512 = 15872 MiB
    state = dc(h, vm("a", "h", memory_mib=8 * GIB, mem_reservation_mib=8 * GIB))
    oh_a = vm_memory_overhead_mib(h.hypervisor, 2, 8 * GIB)
    oh_b = vm_memory_overhead_mib(h.hypervisor, 2, 7680)
    # RAM line exactly full (8192 + 7680 = 15872) and reservations within it: accepted.
    ok = apply(state, AddVM(vm=vm("b", "h", memory_mib=7680, mem_reservation_mib=7000)))
    assert "b" in ok.compute.vm_index
    # Reserving all of it leaves no room for the overheads: refused on that alone.
    (v,) = _refused(state, AddVM(vm=vm("b", "h", memory_mib=7680, mem_reservation_mib=7680)))
    assert v.code == "mem_reservation"
    assert v.params["reserved"] == pytest.approx(8192 + oh_a + 7680 + oh_b)
    assert v.params["capacity"] == pytest.approx(15872)


def test_container_requests_above_node_allocatable_refused() -> None:
    """The kube-scheduler places by requests against allocatable (GKE reservations)."""
    state = dc(host("node", "none", cores=4, memory_mib=8 * GIB))
    # allocatable memory: 8 GiB − (25 % of 4 GiB + 20 % of 4 GiB) − 100 MiB = 6248.8 MiB
    ok = apply(state, AddContainer(container=ctr("a", host="node", mem_request_mib=6000)))
    violations = _refused(ok, AddContainer(container=ctr("b", host="node", mem_request_mib=300)))
    (v,) = [v for v in violations if v.code == "container_requests"]
    assert v.subject == "host:node:memory"
    assert v.params["allocatable"] == pytest.approx(6248.8)
    assert v.params["requested"] == 6300


def test_container_requests_in_a_vm_refused_against_the_vm() -> None:
    state = dc(host("kvm-1", "kvm", memory_mib=64 * GIB), vm("node", "kvm-1", vcpus=2, memory_mib=4 * GIB))
    (v,) = _refused(state, AddContainer(container=ctr("c", vm="node", cpu_request_m=2000)))
    assert v.code == "container_requests" and v.subject == "vm:node:cpu"
    assert v.params["allocatable"] == pytest.approx(2000 - 70)


def test_policy_change_that_breaks_capacity_is_refused() -> None:
    state = dc(host("h", cores=4, memory_mib=64 * GIB), *(vm(f"v{i}", "h", vcpus=4) for i in range(2)))
    (v,) = _refused(state, SetPolicy(changes={"cpu_allocation_ratio": 1.0}))
    assert v.code == "cpu_capacity"
    assert _refused(state, SetPolicy(changes={"cpu_allocation_ratio": 0}))[0].code == "invalid"
    assert apply(state, SetPolicy(changes={"cpu_allocation_ratio": 2.0})).policy.cpu_allocation_ratio == 2.0


def test_update_validation(esx) -> None:
    assert _refused(esx, Update(name="web", changes={"host": "x"}))[0].code == "not_updatable"
    assert _refused(esx, Update(name="web", changes={"colour": "red"}))[0].code == "bad_field"
    v = _refused(esx, Update(name="web", changes={"vcpus": 0}))[0]
    assert v.code == "invalid" and "vcpus" in v.message
    assert _refused(esx, Update(name="ghost", changes={"vcpus": 1}))[0].code == "unknown_name"


def test_removing_a_busy_host_refused(esx) -> None:
    assert _refused(esx, Remove(name="esx-1"))[0].code == "host_not_empty"


def test_moving_to_a_down_host_refused() -> None:
    state = dc(host("a"), host("b", status="down"), vm("v", "a"))
    (v,) = _refused(state, Move(name="v", host="b"))
    assert v.code == "host_down"


# ------------------------------------------------------------------------------ overcommitted starts


@pytest.fixture
def overcommitted():
    """A lab that starts broken: 48 GiB of VMs on a 32 GiB host (ratio 1.0)."""
    state = dc(host("h", cores=16, memory_mib=32 * GIB), host("other", cores=16, memory_mib=32 * GIB),
               *(vm(f"v{i}", "h", memory_mib=16 * GIB) for i in range(3)))
    assert {v.code for v in all_violations(state)} == {"ram_capacity"}
    return state


def test_shrinking_an_overcommitted_state_is_allowed(overcommitted) -> None:
    """A student can always move towards a valid state, even if not yet there."""
    smaller = apply(overcommitted, Update(name="v0", changes={"memory_mib": 8 * GIB}))
    assert smaller.compute.vm_index["v0"].memory_mib == 8 * GIB
    assert {v.code for v in all_violations(smaller)} == {"ram_capacity"}  # still over
    removed = apply(smaller, Remove(name="v1"))
    assert all_violations(removed) == []
    moved = apply(overcommitted, Move(name="v2", host="other"))
    assert moved.compute.vm_index["v2"].host == "other"


def test_growing_an_overcommitted_host_is_refused(overcommitted) -> None:
    (v,) = _refused(overcommitted, Update(name="v0", changes={"memory_mib": 17 * GIB}))
    assert v.code == "ram_capacity"
    _refused(overcommitted, AddVM(vm=vm("more", "h", memory_mib=GIB)))


def test_unrelated_changes_are_allowed_beside_a_broken_host(overcommitted) -> None:
    after = apply(overcommitted, AddVM(vm=vm("fine", "other", memory_mib=GIB)))
    assert "fine" in after.compute.vm_index


# ------------------------------------------------------------------------------ state changes


def test_actions_are_pure(esx) -> None:
    dump = esx.model_dump()
    after = apply(esx, AddVM(vm=vm("new", "esx-1")))
    assert esx.model_dump() == dump
    assert "new" in after.compute.vm_index and "new" not in esx.compute.vm_index
    assert after is not esx


def test_fail_and_repair() -> None:
    state = dc(host("h", "kvm"), vm("v", "h"), ctr("c", vm="v"), ctr("hc", host="h"))
    down = apply(state, Fail(name="h"))
    assert down.host_index["h"].status is HostStatus.DOWN
    panicked = apply(state, Fail(name="h", fault="host-panic"))
    assert panicked.host_index["h"].status is HostStatus.PANICKED
    assert apply(panicked, Repair(name="h")).host_index["h"].status is HostStatus.UP
    crashed = apply(state, Fail(name="v"))
    assert crashed.compute.vm_index["v"].status is WorkloadStatus.CRASHED
    off = apply(state, Fail(name="v", fault="power-off"))
    assert off.compute.vm_index["v"].status is WorkloadStatus.OFF
    assert apply(crashed, Repair(name="v")).compute.vm_index["v"].status is WorkloadStatus.RUNNING
    c = apply(state, Fail(name="c"))
    assert c.compute.container_index["c"].status is WorkloadStatus.CRASHED
    assert apply(c, Repair(name="c")).compute.container_index["c"].status is WorkloadStatus.RUNNING


def test_remove_vm_takes_its_containers() -> None:
    state = dc(host("h", "kvm"), vm("v", "h"), ctr("c", vm="v"), ctr("hc", host="h"))
    after = apply(state, Remove(name="v"))
    assert after.compute.vms == () and [c.name for c in after.compute.containers] == ["hc"]
    empty = apply(apply(after, Remove(name="hc")), Remove(name="h"))
    assert empty.hosts == ()


def test_set_demand_levels() -> None:
    state = dc(host("h"), vm("v", "h", vcpus=4, memory_mib=8 * GIB),
               ctr("c", vm="v", cpu_limit_m=1000, mem_limit_mib=512))
    peak = apply(state, SetDemand(name="v", level="peak"))
    assert peak.compute.vm_index["v"].cpu_demand == pytest.approx(3.6)
    assert peak.compute.vm_index["v"].mem_active_mib == pytest.approx(0.9 * 8 * GIB)
    custom = apply(state, SetDemand(name="v", cpu=100, memory_mib=10**9))
    assert custom.compute.vm_index["v"].cpu_demand == 100  # the work, not cut to the vCPUs
    assert custom.compute.vm_index["v"].mem_active_mib == 10**9
    leak = apply(state, SetDemand(name="c", level="leak"))
    assert leak.compute.container_index["c"].mem_demand_mib == pytest.approx(768)  # 150 % of the limit


def test_actions_round_trip_as_data() -> None:
    """Labs store and replay actions: each parses back from its dump by ``kind``."""
    adapter = TypeAdapter(Action)
    actions = [
        AddVM(vm=vm("v", "h")), AddContainer(container=ctr("c", host="h")), Remove(name="v"),
        Update(name="v", changes={"vcpus": 4}), SetDemand(name="v", level="idle"),
        Move(name="v", host="h2"), Fail(name="h", fault="host-panic"), Repair(name="h"),
        SetPolicy(changes={"ram_allocation_ratio": 1.5}), AddHost(host=host("h9")),
    ]
    for a in actions:
        assert adapter.validate_python(a.model_dump()) == a
        assert a.describe()


def test_presets_apply_through_set_policy() -> None:
    state = dc(host("h"))
    p = POLICY_PRESETS["rhv-desktop"].model_dump()
    assert apply(state, SetPolicy(changes=p)).policy == POLICY_PRESETS["rhv-desktop"]
