"""The session's action log is its source of truth: undo/redo are positions in it, and
replaying the actions in effect on the start gives the current state again."""

from __future__ import annotations

from pathlib import Path

from virtlab.core.actions import apply
from virtlab.core.compute.actions import SetDemand, Update
from virtlab.course.labs import load_lab
from virtlab.course.session import LabSession

LAB = Path(__file__).resolve().parents[2] / "lessons" / "labs" / "l1-carve-a-host.toml"


def _session() -> LabSession:
    lab, problems = load_lab(LAB)
    assert lab is not None, problems
    return LabSession(lab)


def _replay(session: LabSession):
    state = session.start
    for action in session.actions():
        state = session.start if action is None else apply(state, action)
    return state


def test_replaying_the_log_gives_the_state() -> None:
    s = _session()
    name = s.state.compute.vms[0].name
    assert s.apply(Update(name=name, changes={"vcpus": 2})).ok
    assert s.apply(SetDemand(name=name, level="peak")).ok
    s.reset()
    assert s.apply(Update(name=name, changes={"vcpus": 3})).ok
    assert [step.kind for step in s.history()] == ["update", "set_demand", "reset", "update"]
    assert _replay(s) == s.state


def test_undo_and_redo_move_the_position_and_a_new_action_drops_the_redo_steps() -> None:
    s = _session()
    name = s.state.compute.vms[0].name
    s.apply(Update(name=name, changes={"vcpus": 2}))
    s.apply(Update(name=name, changes={"vcpus": 3}))
    assert s.undo() and s.position == 1 and s.state.compute.vm_index[name].vcpus == 2
    assert s.redo() and s.position == 2 and not s.redo()
    s.undo()
    s.apply(Update(name=name, changes={"vcpus": 4}))
    assert len(s.log) == 2 and not s.can_redo
    assert [step.state.compute.vm_index[name].vcpus for step in s.log] == [2, 4]


def test_a_refused_or_forbidden_action_leaves_no_step() -> None:
    s = _session()
    name = s.state.compute.vms[0].name
    outcome = s.apply(Update(name=name, changes={"vcpus": 10_000}))
    assert not outcome.ok and s.log == [] and s.position == 0


def test_undoing_a_reset_brings_the_quiz_answers_back() -> None:
    lab, problems = load_lab(LAB.parent / "l2-stack-builder.toml")
    assert lab is not None, problems
    s = LabSession(lab)
    question = lab.questions[0].id
    s.answer(question, "a")
    s.reset()
    assert s.answers == {}
    assert s.undo() and s.answers == {question: "a"}
    assert s.redo() and s.answers == {}
