"""Shortcut designs that undersize a workload must fail the lab's goals (issue #8).

Demand is what the application needs; shrinking a VM or lowering a limit no longer cuts the
work to the new size, so the goals that judge minimums, ready time, active memory and running
workloads see what a workload can actually get. Each play starts from the lab's reference
solution (which meets every goal) and adds the shortcut.
"""

from __future__ import annotations

from pathlib import Path

from virtlab.course.labs import load_lab, parse_action
from virtlab.course.session import LabSession

LABS = Path(__file__).resolve().parents[2] / "lessons" / "labs"


def _played(lab_file: str, extra: list[dict]) -> LabSession:
    lab, problems = load_lab(LABS / lab_file)
    assert lab is not None and problems == []
    session = LabSession(lab)
    for raw in [*lab.solution.actions, *extra]:
        outcome = session.apply(parse_action(raw, session.state))
        assert outcome.ok, (raw, outcome.violations)
    return session


def _unmet(session: LabSession) -> dict[str, str]:
    return {r.id: r.verdict.en for r in session.results() if not r.met}


def _shrink_all(session: LabSession, changes: dict) -> list[dict]:
    return [{"kind": "update", "name": v.name, "changes": changes} for v in session.state.compute.vms]


def test_l5_one_vcpu_for_one_and_a_half_cores_of_work_fails_the_ready_goal() -> None:
    session = _played("l5-overcommit-budget.toml",
                      [{"kind": "update", "name": "report-1", "changes": {"vcpus": 1}}])
    unmet = _unmet(session)
    assert set(unmet) == {"cpu-ready"}
    assert unmet["cpu-ready"].startswith("report-1 gets 2,600 MHz of the 3,900 MHz of CPU its work needs (33 % short)")
    assert "not ready time" in unmet["cpu-ready"]
    row = session.report.workload("report-1")
    assert row is not None and row.cpu is not None and row.cpu.ready_pct < 5  # ready stays low


def test_l5_shrinking_every_vm_to_1_vcpu_and_1_mib_fails() -> None:
    base = _played("l5-overcommit-budget.toml", [])
    session = _played("l5-overcommit-budget.toml", _shrink_all(base, {"vcpus": 1, "memory": "1 MiB"}))
    unmet = _unmet(session)
    assert {"cpu-ready", "ram-active"} <= set(unmet)
    assert "the guest swaps" in unmet["ram-active"]


def test_l1_limits_below_the_minimums_fail_the_minimums_goal() -> None:
    """A VM sized at its minimum but capped by a limit cannot use its minimum."""
    cpu = _played("l1-carve-a-host.toml",
                  [{"kind": "update", "name": "db-1", "changes": {"cpu_limit": 1}}])
    assert _unmet(cpu)["minimums"].startswith(
        "db-1: 8 vCPU / 64.0 GiB, but its limits let it use only 0 vCPU / 64.0 GiB")
    mem = _played("l1-carve-a-host.toml",
                  [{"kind": "update", "name": "web-1", "changes": {"mem_limit": "1 MiB"}}])
    assert "minimums" in _unmet(mem)


def test_l1_shrinking_every_vm_to_1_vcpu_and_1_mib_fails() -> None:
    base = _played("l1-carve-a-host.toml", [])
    session = _played("l1-carve-a-host.toml", _shrink_all(base, {"vcpus": 1, "memory": "1 MiB"}))
    assert "minimums" in _unmet(session)


def test_l4_a_one_millicore_limit_starves_a_neighbour() -> None:
    session = _played("l4-containers.toml",
                      [{"kind": "update", "name": "web", "changes": {"cpu_limit": "1m", "cpu_request": "1m"}}])
    unmet = _unmet(session)
    assert set(unmet) == {"neighbours-live"}
    assert unmet["neighbours-live"].startswith("web gets ")
    assert unmet["neighbours-live"].endswith("its cpu.max quota throttles it")


def test_l4_a_one_mib_limit_kills_a_neighbour() -> None:
    session = _played("l4-containers.toml",
                      [{"kind": "update", "name": "shell", "changes": {"memory_limit": "1 MiB"}}])
    assert "neighbours-live" in _unmet(session)


def test_the_shortfall_reads_in_korean_too() -> None:
    session = _played("l5-overcommit-budget.toml",
                      [{"kind": "update", "name": "report-1", "changes": {"vcpus": 1}}])
    text = next(r.verdict.ko for r in session.results() if r.id == "cpu-ready")
    assert text.startswith("report-1: 일에 필요한 CPU 3,900 MHz 가운데 2,600 MHz만 받아요(33% 부족)")


def test_a_scenario_may_start_with_a_vm_smaller_than_its_work() -> None:
    """The loader keeps the demand as written (it used to refuse it and cut it to the size)."""
    from virtlab.core.compute.shortfall import Cause
    from virtlab.core.report import build_report
    from virtlab.course.scenario import scenario_from_dict

    raw = {"host": [{"name": "h", "hypervisor": "esxi", "cores": 8, "memory": "64 GiB"}],
           "vm": [{"name": "v", "host": "h", "vcpus": 1, "memory": "2 GiB",
                   "demand": {"cpu": 1.5, "memory": "3 GiB"}}]}
    state, problems = scenario_from_dict(raw, "x.toml")
    assert problems == [] and state is not None
    assert (state.compute.vms[0].cpu_demand, state.compute.vms[0].mem_active_mib) == (1.5, 3072)
    row = build_report(state).workload("v")
    assert row is not None and {s.cause for s in row.shortfalls} == {Cause.VCPUS, Cause.GUEST_SWAP}
