"""Refusals read in the student's language, with units on the numbers."""

from __future__ import annotations

import pytest

from virtlab.core.actions import apply
from virtlab.core.base import Refused
from virtlab.core.compute.actions import Update
from virtlab.core.compute.models import VM
from virtlab.core.hosts import Host
from virtlab.core.state import Datacenter
from virtlab.course.explain import excess_text, violation_text
from virtlab.course.i18n import catalog


def _refusal() -> list:
    dc = Datacenter.of(hosts=(Host(name="h", hypervisor="esxi", cores_per_socket=8, memory_mib=65536),),
                    vms=(VM(name="v", host="h", vcpus=2, memory_mib=4096),))
    with pytest.raises(Refused) as e:
        apply(dc, Update(name="v", changes={"vcpus": 64, "memory_mib": 98304}))
    return e.value.violations


def test_both_languages_fill_their_template_with_units() -> None:
    for v in _refusal():
        en, ko = violation_text(v, "en"), violation_text(v, "ko")
        assert "{" not in en and "{" not in ko and en != ko
    ram = next(v for v in _refusal() if v.code == "ram_capacity")
    assert violation_text(ram, "en").startswith("h: RAM 96.0 GiB/63.5 GiB after the 1× ratio")


def test_excess_has_a_unit() -> None:
    ram = next(v for v in _refusal() if v.code == "ram_capacity")
    assert excess_text(ram, "en") == "over by 32.5 GiB"
    assert excess_text(ram, "ko") == "32.5 GiB 초과"


def test_every_core_violation_code_has_a_korean_template() -> None:
    import pathlib
    import re

    codes = set()
    for path in pathlib.Path("virtlab/core").rglob("*.py"):
        codes |= set(re.findall(r'(?:refuse\(|Violation\()\s*"([a-z_]+)"', path.read_text()))
    assert {"not_updatable", "ram_capacity", "unknown_host"} <= codes
    missing = {c for c in codes if f"viol.code.{c}" not in catalog("ko")} - {"bad_field", "invalid"}
    assert missing == set()


def test_korean_particles_agree_with_the_names_in_a_refusal() -> None:
    """A template with a particle spec ({subject:이라고/라고}) is filled, not dropped for the
    English message (regression: every such template used to fall back to English)."""
    from virtlab.core.base import Violation

    v = Violation("unknown_host", "zz", "no host named 'zz'", 0.0, {"host": "zz"})
    assert violation_text(v, "ko") == "호스트 zz가 없어요"
