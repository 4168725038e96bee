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
