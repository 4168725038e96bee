"""Walkthroughs: cue states replay exactly (a fault goes with its cue), and virtlab check
names a cue that points at a missing step, question, goal or a fault that does not apply."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from virtlab.course.labs import load_labs
from virtlab.course.lessons import load_catalog
from virtlab.course.walkthrough import (
    Walkthrough,
    cue_states,
    load_walkthrough,
    walkthrough_problems,
)

LESSONS = Path(__file__).resolve().parents[2] / "lessons"
W6 = LESSONS / "walkthroughs" / "w6-patch-night.toml"


@pytest.fixture(scope="module")
def course():
    catalog, _ = load_catalog(LESSONS)
    labs, _ = load_labs(LESSONS / "labs")
    return catalog, labs


def test_every_shipped_walkthrough_checks(course) -> None:
    catalog, labs = course
    paths = sorted((LESSONS / "walkthroughs").glob("*.toml"))
    assert paths
    for path in paths:
        w, problems = load_walkthrough(path)
        assert problems == [] and w is not None
        assert walkthrough_problems(path, w, catalog, labs) == []


def test_a_fault_belongs_to_its_cue(course) -> None:
    _, labs = course
    w, _ = load_walkthrough(W6)
    states = cue_states(w, labs["l6-patch-night"])
    lost = [any(d.lost for d in s.state.compute.vm_index["app-1"].disks) for s in states]
    assert lost == [False, False, False, True, False]
    assert states[2].state.compute.vm_index["app-1"].disks[0].written_gib == pytest.approx(115)


@pytest.mark.parametrize(("change", "problem"), [
    ({"step": 40}, "cue[1].step: lesson l6-vm-lifecycle has 7 steps, not 40"),
    ({"ask": "nope"}, "cue[1].ask: no question 'nope' in lab l6-patch-night"),
    ({"reveal": ["nope"]}, "cue[1].reveal: no goal 'nope' in lab l6-patch-night"),
    ({"actions": [{"kind": "revert", "name": "app-1"}, {"kind": "revert", "name": "db-1"}]},
     "cue[1].actions[2]: db-1 has no snapshot to revert to"),
])
def test_a_bad_cue_is_named(course, change: dict, problem: str) -> None:
    catalog, labs = course
    data = tomllib.loads(W6.read_text(encoding="utf-8"))
    data["cue"][0].update(change)
    w = Walkthrough.model_validate(data)
    found = walkthrough_problems(W6, w, catalog, labs)
    assert any(problem in p for p in found), found


def test_w11_each_fault_breaks_its_goal_and_going_back_restores_it(course) -> None:
    """The network walkthrough's faults (red on a VLAN, br-int's MTU, blue-b moved into red, the
    table-miss flow removed, the controller lost) do what its notes say, and only on their cue."""
    from virtlab.course.session import evaluate

    _, labs = course
    lab = labs["l11-overlay-tenants"]
    w, _ = load_walkthrough(LESSONS / "walkthroughs" / "w11-two-tenants.toml")
    assert w is not None and w.minutes == 25
    met = [{r.id: r.met for r in evaluate(lab, s.state, {})} for s in cue_states(w, lab)]
    goals = ("ping-1500", "tenants-apart", "no-telnet", "ssh-passes")
    assert [tuple(m[g] for g in goals) for m in met] == [
        (False, False, True, False),  # red on VLAN 10: no physical path across the racks
        (False, True, False, True),   # back on VNI 5001; the 1500-byte underlay drops full pings
        (False, True, False, True),   # br-int at 1600 does not help
        (True, True, False, True),    # the underlay at 1600 does
        (False, False, True, False),  # blue-b moved into red: tenants joined, and 10.0.0.12 twice (an IP
                                      # conflict drops every packet to red-b, telnet included)
        (True, True, True, True),     # the telnet flow at priority 200
        (False, False, True, False),  # no table-miss flow: everything unmatched is dropped
        (True, True, True, True),     # the controller lost, fail_mode secure: the flows stay
        (True, True, True, True),
    ]
