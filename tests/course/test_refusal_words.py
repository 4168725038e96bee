"""Refusals in the student's words, and never two different numbers that read the same
(issue #8: ``cpu_limit_mhz is below cpu_reservation_mhz``; ``4.0 GiB > 4.0 GiB unreserved``)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import virtlab.core
from tests.core.corekit import GIB, ctr, dc, host, vm
from virtlab.core.actions import apply
from virtlab.core.base import Refused
from virtlab.core.compute.actions import AddVM, Move, Remove, Update
from virtlab.core.hypervisors import vm_memory_overhead_mib
from virtlab.core.units import fmt_apart
from virtlab.course.explain import excess_text, violation_text
from virtlab.course.goals.registry import Qty, msg
from virtlab.course.i18n import catalog
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


def test_a_host_that_is_down_is_named_with_its_status_and_what_to_do() -> None:
    """The instructor's report: moving web-1 to a host that is down said only "esx-3 is not
    up". The reason says the status (and what it means) and what to do, in both languages."""
    state = dc(host("h1"), host("h2", status="down"), host("h3", status="panicked"), vm("v"))
    (down,) = _refused(state, Move(name="v", host="h2"))
    assert down.code == "host_down" and down.params["status"] == "down"
    assert violation_text(down, "en") == (
        "h2 is down (a power or hardware failure): a host that is not up runs nothing, so nothing "
        "can be placed or moved onto it — pick a host that is up, or repair this one first")
    assert violation_text(down, "ko").startswith("h2는 꺼져 있어요(전원 또는 하드웨어 장애). ")
    (panicked,) = _refused(state, Move(name="v", host="h3"))
    assert violation_text(panicked, "en").startswith("h3 is panicked (a host kernel panic")
    assert "커널 패닉" in violation_text(panicked, "ko")


def test_a_container_cannot_move_onto_a_host_that_is_down_either() -> None:
    state = dc(host("h1", "kvm"), host("h2", "kvm", status="down"), ctr("c", host="h1"))
    (v,) = _refused(state, Move(name="c", host="h2"))
    assert v.code == "host_down"
    # A name that does not exist is that, whatever the target's state.
    (ghost,) = _refused(state, Move(name="ghost", host="h2"))
    assert ghost.code == "unknown_name"


def _raised_codes() -> set[str]:
    """Every violation code the core raises with a literal code."""
    root = Path(virtlab.core.__file__).parent
    pattern = re.compile(r'(?:refuse|Violation)\(\s*"([a-z_0-9]+)"')
    return {m for p in root.rglob("*.py") for m in pattern.findall(p.read_text(encoding="utf-8"))}


def test_every_refusal_the_core_raises_is_worded_in_both_languages() -> None:
    codes = _raised_codes() - {"invalid"}  # a validation error is worded by the field's words
    assert {"host_down", "unknown_name", "ram_capacity", "vg_full"} <= codes
    for lang in ("en", "ko"):
        words = catalog(lang)
        missing = sorted(c for c in codes if f"viol.code.{c}" not in words)
        assert not missing, (lang, missing)


@pytest.mark.parametrize("action", [
    Move(name="v", host="h2"), Move(name="v", host="small"), Move(name="ghost", host="h1"),
    Move(name="v", host="nowhere"), Remove(name="ghost"), Update(name="v", changes={"vcpus": 64}),
    Update(name="v", changes={"memory_mib": 40 * GIB}),
])
def test_refusals_are_said_from_the_template_with_their_numbers(action) -> None:
    """No refusal falls back to the engine's English message in Korean (a missing template or
    parameter would), and a refusal about room says how much."""
    state = dc(host("h1", memory_mib=32 * GIB), host("h2", status="down"),
               host("small", memory_mib=2 * GIB), vm("v"))
    for v in _refused(state, action):
        for lang in ("en", "ko"):
            text = violation_text(v, lang)
            assert "{" not in text and (lang == "en" or text != v.message), (lang, text)
            if v.excess:
                assert re.search(r"\d", text)


def test_how_far_past_the_vcpu_cap_names_its_unit() -> None:
    state = dc(host("h1"), vm("v"))
    (v,) = [v for v in _refused(state, Update(name="v", changes={"vcpus": 64})) if v.code == "vcpu_cap"]
    assert excess_text(v, "en") == "over by 56 vCPU"  # it said "over by 56"
    assert excess_text(v, "ko") == "56 vCPU 초과"
