"""Lab work saved and replayed (course.work): state, answers and wrong tries come back;
anything that does not apply is kept aside."""

from __future__ import annotations

import json
from pathlib import Path

from virtlab.course.labs import load_lab
from virtlab.course.session import LabSession
from virtlab.course.work import restore_work, save_work, work_path

LABS = Path(__file__).resolve().parents[2] / "lessons" / "labs"


def test_a_locked_quiz_question_stays_locked_after_a_restart(tmp_path: Path) -> None:
    lab, _ = load_lab(LABS / "l2-stack-builder.toml")
    session = LabSession(lab)
    session.answer("esxi-stack", "a")
    session.answer("esxi-stack", "c")  # max_wrong = 1: now locked
    before = next(r for r in session.results() if r.id == "esxi-stack")
    path = work_path(tmp_path, lab.id)
    save_work(path, session)
    again, notice = restore_work(path, lab)
    assert notice is None
    assert again.wrong == session.wrong == {"esxi-stack": 2}
    assert again.tries == session.tries == [("esxi-stack", "a"), ("esxi-stack", "c")]
    after = next(r for r in again.results() if r.id == "esxi-stack")
    assert (after.met, after.verdict.en) == (before.met, before.verdict.en) and not after.met


def test_wrong_tries_that_are_not_counts_are_a_stale_log(tmp_path: Path) -> None:
    lab, _ = load_lab(LABS / "l2-stack-builder.toml")
    path = work_path(tmp_path, lab.id)
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"version": 1, "lab": lab.id, "steps": [], "answers": {},
                                "wrong": {"esxi-stack": -1}}), encoding="utf-8")
    session, notice = restore_work(path, lab)
    assert session.wrong == {} and notice is not None and "wrong: expected an object of whole numbers" in notice
    assert not path.exists() and len(list(path.parent.glob("*.stale-*.json"))) == 1


def test_answers_that_do_not_follow_from_the_tries_are_a_stale_log(tmp_path: Path) -> None:
    lab, _ = load_lab(LABS / "l2-stack-builder.toml")
    session = LabSession(lab)
    session.answer("esxi-stack", "a")
    path = work_path(tmp_path, lab.id)
    save_work(path, session)
    data = json.loads(path.read_text(encoding="utf-8"))
    data["wrong"] = {}  # a wrong try wished away
    path.write_text(json.dumps(data), encoding="utf-8")
    again, notice = restore_work(path, lab)
    assert again.wrong == {} and notice is not None
    assert "wrong.esxi-stack: says None, the tries give 1" in notice


def test_a_reset_clears_the_tries_and_its_undo_brings_them_back() -> None:
    lab, _ = load_lab(LABS / "l2-stack-builder.toml")
    session = LabSession(lab)
    session.answer("esxi-stack", "a")
    session.reset()
    assert session.tries == [] and session.answers == {}
    assert session.undo() and session.tries == [("esxi-stack", "a")]
    assert session.redo() and session.tries == []
