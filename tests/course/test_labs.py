"""Every shipped lab loads, its reference solution meets every goal, and each listed
misconception fails its goal with a hint that names the misconception."""

from __future__ import annotations

from pathlib import Path

import pytest

from virtlab.course.checker import check_paths
from virtlab.course.labs import load_lab, load_labs, parse_action
from virtlab.course.lessons import load_catalog
from virtlab.course.session import LabSession

ROOT = Path(__file__).resolve().parents[2]
LESSONS = ROOT / "lessons"
LAB_FILES = sorted((LESSONS / "labs").glob("*.toml"))


def test_virtlab_check_passes_on_the_shipped_course() -> None:
    problems, checked = check_paths([LESSONS, ROOT / "scenarios"])
    assert problems == []
    assert checked >= 12


def test_every_lesson_has_its_lab() -> None:
    catalog, errors = load_catalog(LESSONS)
    labs, problems = load_labs(LESSONS / "labs")
    assert errors == [] and problems == []
    for lang in ("en", "ko"):
        for lessons in catalog.tracks(lang).values():
            for lesson in lessons:
                assert lesson.lab in labs, lesson.id


def _session(path: Path) -> LabSession:
    lab, problems = load_lab(path)
    assert problems == [], problems
    assert lab is not None
    return LabSession(lab)


def _play(session: LabSession, actions: list[dict], answers: dict) -> None:
    for raw in actions:
        outcome = session.apply(parse_action(raw, session.state))
        assert outcome.ok, (raw, outcome.violations)
    for qid, value in answers.items():
        session.answer(qid, value)


@pytest.mark.parametrize("path", LAB_FILES, ids=lambda p: p.stem)
def test_a_lab_starts_unsolved(path: Path) -> None:
    session = _session(path)
    assert not session.all_met()


@pytest.mark.parametrize("path", LAB_FILES, ids=lambda p: p.stem)
def test_reference_solution_meets_every_goal(path: Path) -> None:
    session = _session(path)
    _play(session, session.lab.solution.actions, session.lab.solution.answers)
    unmet = [(r.id, r.verdict.en) for r in session.results() if not r.met]
    assert unmet == []


@pytest.mark.parametrize("path", LAB_FILES, ids=lambda p: p.stem)
def test_each_misconception_fails_its_goal_with_a_naming_hint(path: Path) -> None:
    session = _session(path)
    assert session.lab.misconceptions, "every lab probes at least one misconception"
    for m in session.lab.misconceptions:
        session.reset()
        _play(session, m.actions, m.answers)
        result = next(r for r in session.results() if r.id == m.fails)
        assert not result.met, m.id
        assert any(h.names == m.id for h in result.hints), m.id


@pytest.mark.parametrize("path", LAB_FILES, ids=lambda p: p.stem)
def test_compute_labs_have_two_goals_and_hints_gentle_to_specific(path: Path) -> None:
    session = _session(path)
    lab = session.lab
    items = [*lab.goals, *lab.questions]
    assert len(items) >= 2
    for item in items:
        assert 2 <= len(item.hints) <= 4, item.id


def test_l4_needs_the_vm_not_just_limits() -> None:
    """A container with tighter limits still shares the host kernel (misconception 5)."""
    session = _session(LESSONS / "labs" / "l4-containers.toml")
    result = next(r for r in session.results() if r.id == "db-own-kernel")
    assert not result.met
    _play(session, [{"kind": "move", "name": "db", "host": "vm-1"}], {})
    result = next(r for r in session.results() if r.id == "db-own-kernel")
    assert result.met
