"""Reading a quiz answer against its question: right or wrong (and which parts), the
placements of an order or classify answer, and the targeted explanations and misconceptions
it matches. Pure functions of the models; the words shown are in :mod:`virtlab.course.quiz`."""

from __future__ import annotations

from typing import Any

from virtlab.course.labs.models import Feedback, Question


def grade(q: Question, answer: Any) -> tuple[bool, list[str]]:
    """Whether ``answer`` is right, and the ids of the wrong parts (an option, items)."""
    if answer is None:
        return False, []
    if q.type == "choice":
        opt = next((o for o in q.options if o.id == answer), None)
        return (opt is not None and opt.correct), ([] if opt and opt.correct else [str(answer)])
    if q.type == "order":
        wrong = [a for a, b in zip(answer, q.answer or [], strict=False) if a != b]
        return list(answer) == list(q.answer or []), wrong
    assert isinstance(q.answer, dict)
    wrong = [k for k, v in q.answer.items() if answer.get(k) != v]
    return not wrong, wrong


def placements(q: Question, answer: Any) -> dict[str, str | int]:
    """An order or classify answer as item id → category id or position (from 1)."""
    if q.type == "classify" and isinstance(answer, dict):
        return dict(answer)
    if q.type == "order" and isinstance(answer, list | tuple):
        return {str(item): n for n, item in enumerate(answer, start=1)}
    return {}


def targeted(q: Question, answer: Any) -> list[Feedback]:
    """The question's targeted explanations that fit ``answer`` (all their placements hold)."""
    placed = placements(q, answer)
    return [f for f in q.feedback if all(placed.get(k) == v for k, v in f.when.items())]


def misconceptions_shown(q: Question, answer: Any) -> list[str]:
    """The misconception ids a (wrong) answer is explained as: its option's, or those of the
    targeted explanations it matches."""
    if q.type == "choice":
        opt = next((o for o in q.options if o.id == answer), None)
        return [opt.misconception] if opt is not None and opt.misconception else []
    return [f.misconception for f in targeted(q, answer) if f.misconception]

