"""Refusals in the student's words, and never two different numbers that read the same
(issue #8: ``cpu_limit_mhz is below cpu_reservation_mhz``; ``4.0 GiB > 4.0 GiB unreserved``)."""

from __future__ import annotations

import pytest

from tests.core.corekit import GIB, ctr, dc, host, vm
from virtlab.core.actions import apply
from virtlab.core.base import Refused
from virtlab.core.compute.actions import AddVM, Update
from virtlab.core.hypervisors import vm_memory_overhead_mib
from virtlab.core.units import fmt_apart
from virtlab.course.explain import violation_text
from virtlab.course.goals.registry import Qty, msg
from virtlab.course.scenario import scenario_from_dict


def _refused(state, action) -> list:
    with pytest.raises(Refused) as info:
        apply(state, action)
    return info.value.violations


def test_a_limit_below_its_reservation_is_said_in_the_uis_words() -> None:
    state = dc(host("h1"), vm("v", cpu_reservation_mhz=500), ctr("c", host="h1", cpu_limit_m=1000))
    (v,) = _refused(state, Update(name="v", changes={"cpu_limit_mhz": 100}))
    assert v.code == "inconsistent"
    assert v.params == {"field": "cpu_limit_mhz", "relation": "below", "other": "cpu_reservation_mhz"}
    assert violation_text(v, "en") == "v: the CPU limit cannot be less than the CPU reservation"
    assert violation_text(v, "ko") == "v: CPU 제한은 CPU 예약보다 작을 수 없어요"
    (c,) = _refused(state, Update(name="c", changes={"cpu_request_m": 2000}))
    assert violation_text(c, "en") == "c: the CPU request cannot be more than the CPU limit"


def test_a_scenario_file_problem_names_the_files_keys() -> None:
    raw = {"host": [{"name": "h", "cores": 4, "memory": "16 GiB"}],
           "vm": [{"name": "v", "host": "h", "vcpus": 1, "memory": "1 GiB", "cpu_reservation": 500,
                   "cpu_limit": 100}],
           "container": [{"name": "c", "host": "h", "memory_request": "2 GiB", "memory_limit": "1 GiB"}]}
    _, problems = scenario_from_dict(raw, "x.toml")
    assert problems == ["x.toml: vm[1] (v): cpu_limit is below cpu_reservation",
                        "x.toml: container[1] (c): memory_request is above memory_limit"]


def test_fmt_apart_adds_decimals_only_where_two_different_numbers_meet() -> None:
    assert fmt_apart([4096.2, 4095.8], "mib") == ["4.0002 GiB", "3.9998 GiB"]
    assert fmt_apart([4096.0, 4096.0], "mib") == ["4.0 GiB", "4.0 GiB"]  # the same number
    assert fmt_apart([8192.0, 4096.0], "mib") == ["8.0 GiB", "4.0 GiB"]
    assert fmt_apart([100.4, 100.2], "mhz") == ["100.4 MHz", "100.2 MHz"]


def test_a_reservation_just_over_the_unreserved_memory_reads_over() -> None:
    """A host whose unreserved memory is a hair below what a reservation needs."""
    need = 4 * GIB + vm_memory_overhead_mib("esxi", 2, 4 * GIB)
    state = dc(host("h1", memory_mib=need + 512 - 0.3))
    vs = _refused(state, AddVM(vm=vm("v", memory_mib=4 * GIB, mem_reservation_mib=4 * GIB)))
    v = next(v for v in vs if v.code == "mem_reservation")
    for text in (v.message, violation_text(v, "en"), violation_text(v, "ko")):
        numbers = [w for w in text.replace(">", " ").split() if w[0].isdigit()]
        assert len(numbers) == 2 and numbers[0] != numbers[1], text


def test_a_goal_never_shows_two_different_amounts_as_one() -> None:
    text = msg("goal.allocated_max.over", host="h", res="ram", allocated=Qty(230 * GIB + 1, "mib"),
               max=Qty(230 * GIB, "mib")).text("en")
    assert text == "h: ram allocated 230.001 GiB > 230.000 GiB"
