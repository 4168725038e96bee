"""What a quiz says about an answer: right or wrong, and why — in the student's language.

Used by the quiz panel under each question and by the goals list, so both say the same.
A choice shows its option's own explanation; a wrong order or classify answer names the
items that are out of place by their text (not their ids). The verdict label ("Right.")
appears once: an explanation that already opens with one is shown as it is.
"""

from __future__ import annotations

import re
from typing import Any

from virtlab.course.i18n import t
from virtlab.course.labs.models import Question


def item_text(q: Question, item_id: str, lang: str) -> str:
    item = next((i for i in q.items if i.id == item_id), None)
    return item.text.get(lang) if item is not None else item_id


def _echoes(text: str, words: str) -> bool:
    """Whether ``text`` already opens with a verdict word ("Right: …", "맞습니다. …")."""
    alts = "|".join(re.escape(w.strip()) for w in words.split("|") if w.strip())
    return bool(alts) and re.match(rf"(?:{alts})(?=[\s:.,!;—–-])", text, re.IGNORECASE) is not None


def feedback(q: Question, answer: Any, lang: str) -> tuple[bool, str] | None:
    """(right?, the line to show) for ``answer``, or None when it is unanswered."""
    if answer is None:
        return None
    ok, wrong = grade(q, answer)
    label = t("quiz.right" if ok else "quiz.wrong", lang)
    detail = ""
    if q.type == "choice":
        opt = next((o for o in q.options if o.id == answer), None)
        detail = opt.why.get(lang) if opt is not None and opt.why is not None else ""
    elif not ok:
        names = ", ".join(item_text(q, i, lang) for i in wrong)
        key = "quiz.out_of_place" if q.type == "order" else "quiz.wrong_category"
        detail = t(key, lang, items=names)
    if detail and _echoes(detail, t("quiz.echo_right" if ok else "quiz.echo_wrong", lang)):
        return ok, detail
    return ok, f"{label} {detail}".strip()


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
