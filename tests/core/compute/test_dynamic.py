"""Hyper-V Dynamic Memory and KSM against their published definitions and examples."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from virtlab.core.compute.dynamic import DEFAULT_BUFFER_PCT, DynamicMemory, ksm_saved_mib

GIB = 1024.0


@pytest.fixture
def set_vmmemory_example() -> DynamicMemory:
    """Set-VMMemory's example: -MinimumBytes 64MB -StartupBytes 256MB -MaximumBytes 2GB -Buffer 25."""
    return DynamicMemory(minimum_mib=64, maximum_mib=2 * GIB, buffer_pct=25)


def test_target_is_demand_plus_buffer(set_vmmemory_example) -> None:
    assert set_vmmemory_example.target_mib(1 * GIB) == pytest.approx(1.25 * GIB)


def test_target_is_capped_at_maximum_and_raised_to_minimum(set_vmmemory_example) -> None:
    assert set_vmmemory_example.target_mib(1.8 * GIB) == 2 * GIB
    assert set_vmmemory_example.target_mib(10) == 64


def test_buffer_defaults_to_20_percent_and_stays_within_5_to_2000() -> None:
    dm = DynamicMemory(minimum_mib=512, maximum_mib=8 * GIB)
    assert dm.buffer_pct == DEFAULT_BUFFER_PCT == 20
    assert dm.target_mib(1000) == pytest.approx(1200)
    for bad in (4, 2001):
        with pytest.raises(ValidationError):
            DynamicMemory(minimum_mib=512, maximum_mib=8 * GIB, buffer_pct=bad)
    with pytest.raises(ValidationError, match="minimum_mib is above maximum_mib"):
        DynamicMemory(minimum_mib=4 * GIB, maximum_mib=GIB)


def test_ksm_saves_pages_sharing_times_the_page_size() -> None:
    """ksm.rst: pages_sharing is "how much saved"; 262,144 × 4 KiB = 1 GiB."""
    assert ksm_saved_mib(262_144) == 1024
    assert ksm_saved_mib(0) == 0
    assert ksm_saved_mib(512, page_size=2 * 1024 * 1024) == 1024  # 2 MiB pages


# ------------------------------------------------------------------------------ in the engine


def _vm_memory(hypervisor: str, need_mib: float):
    from tests.core.corekit import dc, host, vm
    from virtlab.core.report import build_report

    dm = DynamicMemory(minimum_mib=64, maximum_mib=2 * GIB, buffer_pct=25)
    state = dc(host("h1", hypervisor, memory_mib=64 * GIB),
               vm("v", memory_mib=256, dynamic_memory=dm, mem_active_mib=need_mib))
    row = build_report(state).workload("v")
    assert row is not None and row.vm_memory is not None
    return row.vm_memory


def test_a_hyperv_host_gives_a_dynamic_memory_vm_its_target() -> None:
    m = _vm_memory("hyperv", 1 * GIB)
    assert m.configured_mib == 256  # startup RAM
    assert m.consumed_mib == pytest.approx(1.25 * GIB) and m.active_mib == GIB
    assert m.shortfall_mib == 0


def test_a_need_above_the_maximum_swaps_in_the_guest() -> None:
    from virtlab.core.compute.shortfall import Cause

    m = _vm_memory("hyperv", 3 * GIB)
    assert m.consumed_mib == 2 * GIB and m.active_mib == 2 * GIB
    assert m.cause is Cause.GUEST_SWAP and m.shortfall_mib == GIB


def test_dynamic_memory_is_hyperv_only() -> None:
    assert _vm_memory("esxi", 128).consumed_mib == 256  # ESXi backs the configured memory


def test_startup_ram_must_lie_between_minimum_and_maximum() -> None:
    from tests.core.corekit import vm

    with pytest.raises(ValidationError, match="outside dynamic_memory"):
        vm("v", memory_mib=4 * GIB, dynamic_memory=DynamicMemory(minimum_mib=64, maximum_mib=2 * GIB))


def test_a_scenario_reads_dynamic_memory() -> None:
    from virtlab.course.scenario import scenario_from_dict

    raw = {"host": [{"name": "hv", "hypervisor": "hyperv", "cores": 8, "memory": "64 GiB"}],
           "vm": [{"name": "v", "host": "hv", "vcpus": 2, "memory": "256 MiB", "demand": {"memory": "1 GiB"},
                   "dynamic_memory": {"minimum": "64 MiB", "maximum": "2 GiB", "buffer": 25}}]}
    state, problems = scenario_from_dict(raw, "x.toml")
    assert problems == [] and state is not None
    v = state.compute.vms[0]
    assert v.dynamic_memory == DynamicMemory(minimum_mib=64, maximum_mib=2048, buffer_pct=25)
    assert v.mem_active_mib == 1024  # above the startup RAM, within the maximum
