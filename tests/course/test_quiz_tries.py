"""Quiz tries: wrong answers are counted, ``max_wrong`` locks a question until the lab is
reset, each targeted explanation shows for its wrong answer, and the loader rejects bad
references in ``[[question.feedback]]``, option misconceptions and ``reread``."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest

from virtlab.course.checker import check_paths
from virtlab.course.labs import Lab, Question, lab_from_dict, load_lab
from virtlab.course.quiz import feedback, grade, targeted
from virtlab.course.scenario import read_toml
from virtlab.course.session import LabSession

ROOT = Path(__file__).resolve().parents[2]
QUIZ_LABS = [ROOT / "lessons" / "labs" / f for f in ("l2-stack-builder.toml", "l3-trap-or-not.toml")]


def _lab(path: Path) -> Lab:
    lab, problems = load_lab(path)
    assert lab is not None, problems
    return lab


def every_answer(q: Question) -> list[Any]:
    """Every answer a student can submit, in the order a blind guesser would cycle them."""
    if q.type == "choice":
        return [o.id for o in q.options]
    ids = [i.id for i in q.items]
    if q.type == "order":
        return [list(p) for p in itertools.permutations(ids)]
    cats = [c.id for c in q.categories]
    return [dict(zip(ids, combo, strict=True)) for combo in itertools.product(cats, repeat=len(ids))]


def _questions(paths: list[Path]) -> list[tuple[Path, Question]]:
    return [(p, q) for p in paths for q in _lab(p).questions]


@pytest.mark.parametrize(("path", "q"), _questions(QUIZ_LABS),
                         ids=lambda x: x.id if isinstance(x, Question) else x.stem)
def test_cycling_through_the_answers_cannot_pass_a_question_with_max_wrong(path: Path, q: Question) -> None:
    if q.max_wrong is None:
        pytest.skip("no max_wrong")
    session = LabSession(_lab(path))
    answers = every_answer(q)
    right = next(a for a in answers if grade(q, a)[0])
    wrong = [a for a in answers if not grade(q, a)[0]]
    # A guesser whose right answer comes after max_wrong + 1 wrong ones never passes.
    for a in [*wrong[:q.max_wrong + 1], right, *wrong[q.max_wrong + 1:], right]:
        result = session.answer(q.id, a)
    assert not result.met
    assert session.wrong[q.id] == q.max_wrong + 1  # locked: later answers are not taken
    assert "Locked" in result.verdict.en and "잠겼" in result.verdict.ko
    # Reset opens it again; undoing the reset brings the lock back.
    session.reset()
    assert session.wrong == {} and session.answer(q.id, right).met
    session.undo()
    assert session.wrong[q.id] == q.max_wrong + 1
    assert not next(r for r in session.results() if r.id == q.id).met


def test_at_most_max_wrong_wrong_tries_still_pass() -> None:
    lab = _lab(QUIZ_LABS[0])
    q = next(q for q in lab.questions if q.id == "types")
    session = LabSession(lab)
    kvm2 = dict(q.answer or {}, kvm="type2")
    docker2 = dict(q.answer or {}, docker="type2")
    assert q.max_wrong == 2
    assert not session.answer("types", kvm2).met
    assert not session.answer("types", docker2).met
    assert session.answer("types", dict(q.answer or {})).met
    assert session.wrong["types"] == 2


#: Questions that preview a later lesson: counted but not limited (the student has not read
#: the step yet, so its explanations teach it).
PREVIEWS = {"container-walls", "cri-stack", "swap-file", "first-boot"}


def test_the_quiz_labs_limit_every_question_but_the_previews() -> None:
    """Blind guessing used to pass L2 in ~60 submissions and L3 in ~26; now every question
    on the lab's own lesson has a limit, so cycling through answers cannot pass the lab."""
    for path in QUIZ_LABS:
        lab = _lab(path)
        unlimited = {q.id for q in lab.questions if q.max_wrong is None}
        assert unlimited <= PREVIEWS, path.stem
        for q in lab.questions:
            assert (q.id in PREVIEWS) == q.prompt.en.startswith("Preview of lesson"), q.id


def _apply(q: Question, when: dict[str, Any]) -> Any:
    """The right answer with ``when``'s placements forced into it."""
    if q.type == "classify":
        return {**dict(q.answer or {}), **when}
    order = list(q.answer or [])
    for item, pos in when.items():
        order.remove(item)
        order.insert(int(pos) - 1, item)
    return order


@pytest.mark.parametrize(("path", "q"), _questions(QUIZ_LABS),
                         ids=lambda x: x.id if isinstance(x, Question) else x.stem)
def test_each_targeted_explanation_shows_for_its_wrong_answer(path: Path, q: Question) -> None:
    for f in q.feedback:
        answer = _apply(q, dict(f.when))
        assert f in targeted(q, answer)
        for lang in ("en", "ko"):
            said = feedback(q, answer, lang)
            assert said is not None and not said[0]
            assert f.text.get(lang) in said[1], (q.id, f.when)
    for o in q.options:
        if o.misconception:
            said = feedback(q, o.id, "en")
            assert said is not None and o.why is not None and o.why.en in said[1]


def test_the_issue_cases_get_their_own_explanation_first() -> None:
    l2, l3 = (_lab(p) for p in QUIZ_LABS)
    types = next(q for q in l2.questions if q.id == "types")
    said = feedback(types, dict(types.answer or {}, kvm="type2"), "en")
    assert said is not None and "Linux is underneath" in said[1]
    assert "In the wrong category" not in said[1]  # the targeted text replaces the generic line
    technique = next(q for q in l3.questions if q.id == "technique")
    session = LabSession(l3)
    result = session.answer("technique", dict(technique.answer or {}, d="pv"))
    assert "Type 1, so PV" in result.verdict.en


def test_an_unexplained_wrong_item_is_still_named() -> None:
    l2 = _lab(QUIZ_LABS[0])
    types = next(q for q in l2.questions if q.id == "types")
    said = feedback(types, dict(types.answer or {}, kvm="type2", esxi="os"), "en")
    assert said is not None and "Linux is underneath" in said[1] and "VMware ESXi" in said[1]


# ---------------------------------------------------------------- the loader

QUIZ = """
[lab]
id = "t"
kind = "quiz"
title = { en = "T", ko = "T" }
actions = []

[[question]]
id = "pick"
type = "choice"
prompt = { en = "P", ko = "P" }
options = [
  { id = "a", text = { en = "A", ko = "A" }, why = { en = "no", ko = "아니요" }, misconception = "m1" },
  { id = "b", text = { en = "B", ko = "B" }, correct = true },
]
hints = [ { en = "h", ko = "h", names = "m1" } ]

[[question]]
id = "sort"
type = "classify"
prompt = { en = "S", ko = "S" }
items = [ { id = "x", text = { en = "X", ko = "X" } }, { id = "y", text = { en = "Y", ko = "Y" } } ]
categories = [ { id = "c1", text = { en = "C1", ko = "C1" } }, { id = "c2", text = { en = "C2", ko = "C2" } } ]
answer = { x = "c1", y = "c2" }
max_wrong = 1
reread = { en = "the step “One”", ko = "“하나” 단계" }
feedback = [ { when = { x = "c2" }, text = { en = "x is c1", ko = "x는 c1" }, misconception = "m1" } ]
hints = [ { en = "h", ko = "h" } ]

[[question]]
id = "stack"
type = "order"
prompt = { en = "O", ko = "O" }
items = [ { id = "p", text = { en = "P", ko = "P" } }, { id = "q", text = { en = "Q", ko = "Q" } } ]
answer = ["p", "q"]
feedback = [ { when = { q = 1 }, text = { en = "q on top", ko = "q는 위" } } ]
hints = [ { en = "h", ko = "h" } ]

[[misconception]]
id = "m1"
text = { en = "M", ko = "M" }
fails = "pick"
answers = { pick = "a" }
"""


def _problems(tmp_path: Path, old: str = "", new: str = "") -> list[str]:
    path = tmp_path / "t.toml"
    text = QUIZ.replace(old, new) if old else QUIZ
    assert old == "" or old in QUIZ, old
    path.write_text(text, encoding="utf-8")
    data, problems = read_toml(path)
    assert data is not None, problems
    return lab_from_dict(data, path)[1]


def test_the_test_quiz_loads(tmp_path: Path) -> None:
    assert _problems(tmp_path) == []


@pytest.mark.parametrize(("old", "new", "expect"), [
    ('when = { x = "c2" }', 'when = { z = "c2" }', "question[2] (sort): feedback[1].when.z: no item 'z'"),
    ('when = { x = "c2" }', 'when = { x = "c9" }', "feedback[1].when.x: no category 'c9'"),
    ('when = { x = "c2" }', 'when = { x = "c1" }', "feedback[1].when: fits the right answer"),
    ('when = { q = 1 }', 'when = { q = 3 }', "question[3] (stack): feedback[1].when.q: a position from 1 to 2"),
    ('when = { q = 1 }', 'when = { q = "1" }', "feedback[1].when.q: a position from 1 to 2"),
    ('misconception = "m1" }', 'misconception = "m9" }',
     "question[2] (sort).feedback[1].misconception: no [[misconception]] 'm9'"),
    ('why = { en = "no", ko = "아니요" }, misconception = "m1"', 'why = { en = "no", ko = "아니요" }, misconception = "m7"',
     "question[1] (pick).options.a.misconception: no [[misconception]] 'm7'"),
    ('correct = true }', 'correct = true, misconception = "m1" }',
     "options.b.misconception: the right answer is no misconception"),
    ('max_wrong = 1\n', '', "question[2] (sort).reread: shown only when the question is locked"),
    ('max_wrong = 1\n', 'max_wrong = -1\n', "question[2] (sort).max_wrong:"),
    (', misconception = "m1" },\n  { id = "b"', ' },\n  { id = "b"',
     "misconception[1] (m1).answers.pick: this wrong answer gets no explanation naming the misconception"),
    ('hints = [ { en = "h", ko = "h", names = "m1" } ]\n\n[[question]]\nid = "sort"',
     'hints = [ { en = "h", ko = "h", names = "m1" } ]\nfeedback = [ { when = { a = "b" }, text = { en = "t", ko = "t" } } ]\n\n[[question]]\nid = "sort"',
     "question[1] (pick): feedback: a choice explains each option with its own why"),
])
def test_the_loader_rejects_bad_references(tmp_path: Path, old: str, new: str, expect: str) -> None:
    problems = _problems(tmp_path, old, new)
    assert any(expect in p and p.startswith(f"{tmp_path / 't.toml'}: ") for p in problems), problems


def test_check_reports_a_reread_step_that_does_not_exist(tmp_path: Path) -> None:
    import shutil

    course = tmp_path / "lessons"
    shutil.copytree(ROOT / "lessons", course)
    lab = course / "labs" / "l2-stack-builder.toml"
    lab.write_text(lab.read_text(encoding="utf-8").replace(
        "“Type is not technique”", "“Type is technique”"), encoding="utf-8")
    problems, _ = check_paths([course])
    assert any("question[" in p and "(type-vs-technique).reread.en: no lesson step “Type is technique”" in p
               for p in problems), problems
