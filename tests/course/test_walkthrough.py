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
