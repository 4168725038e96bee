"""Every lab's fixtures play as they should (``virtlab check`` runs the same plays): the
solution meets every goal; each misconception and near miss fails its goal; a lenient goal
is reported."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from virtlab.course.labs import lab_from_dict, load_lab
from virtlab.course.plays import play, play_problems

LABS = Path(__file__).resolve().parents[2] / "lessons" / "labs"
LAB_FILES = sorted(LABS.glob("*.toml"))


@pytest.mark.parametrize("path", LAB_FILES, ids=lambda p: p.stem)
def test_every_fixture_plays_as_it_should(path: Path) -> None:
    lab, problems = load_lab(path)
    assert problems == [] and lab is not None
    assert play_problems(lab) == []


@pytest.mark.parametrize("path", LAB_FILES, ids=lambda p: p.stem)
def test_every_goal_and_question_has_a_shortcut_that_must_fail_it(path: Path) -> None:
    lab, _ = load_lab(path)
    assert lab is not None
    covered = {n.fails for n in lab.near_misses} | {m.fails for m in lab.misconceptions}
    assert [g.id for g in [*lab.goals, *lab.questions] if g.id not in covered] == []


def _l4() -> dict:
    return tomllib.loads((LABS / "l4-containers.toml").read_text(encoding="utf-8"))


def test_a_lenient_goal_is_reported() -> None:
    data = _l4()
    # "The lesson calls it wrong" but it is the solution: the goal passes it, so it is caught.
    data["near_miss"] = [{"id": "same-as-solution", "about": "the solution itself",
                          "fails": "db-own-kernel", "actions": data["solution"]["actions"]}]
    lab, problems = lab_from_dict(data, LABS / "l4-containers.toml")
    assert problems == [] and lab is not None
    found = play_problems(lab)
    assert len(found) == 1
    assert "near_miss same-as-solution: goal db-own-kernel passes a design the lesson calls wrong" in found[0]


def test_a_near_miss_expected_refused_must_be_refused() -> None:
    data = _l4()
    data["near_miss"] = [{"id": "x", "about": "a move that works", "fails": "db-own-kernel",
                          "expect": "refused", "actions": [{"kind": "move", "name": "db", "host": "vm-1"}]}]
    lab, _ = lab_from_dict(data, LABS / "l4-containers.toml")
    assert lab is not None
    assert any("expected a refusal" in p for p in play_problems(lab))


def test_a_near_miss_naming_no_goal_is_a_file_problem() -> None:
    data = _l4()
    data["near_miss"] = [{"id": "x", "about": "y", "fails": "nope", "actions": []}]
    lab, problems = lab_from_dict(data, LABS / "l4-containers.toml")
    assert lab is None
    assert any("near_miss[1] (x).fails: no goal or question 'nope'" in p for p in problems)


def test_a_near_miss_with_an_action_the_lab_does_not_allow_is_reported() -> None:
    data = _l4()
    data["near_miss"] = [{"id": "x", "about": "y", "fails": "hog-oom",
                          "actions": [{"kind": "remove", "name": "hog"}]}]
    lab, problems = lab_from_dict(data, LABS / "l4-containers.toml")
    assert problems == [] and lab is not None
    assert any("not allowed in this lab" in p for p in play_problems(lab))


def test_set_demand_does_not_change_a_goal_judged_at_the_scenarios_demand() -> None:
    lab, _ = load_lab(LABS / "l5-overcommit-budget.toml")
    assert lab is not None
    idle = [{"kind": "set_demand", "name": vm.name, "level": "idle"} for vm in lab.state.compute.vms]
    result = play(lab, idle, {}).result("cpu-ready")
    assert result is not None
    assert result.met is play(lab, [], {}).result("cpu-ready").met
