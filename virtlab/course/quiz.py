"""What a quiz says about an answer: right or wrong, and why — in the student's language.

Used by the quiz panel under each question and by the goals list, so both say the same.
A choice shows its option's own explanation. A wrong order or classify answer first shows
the question's targeted explanations (``[[question.feedback]]``) whose placements it has,
then names the other items that are out of place by their text (not their ids). The
verdict label ("Right.") appears once: an explanation that already opens with one is shown
as it is.

Wrong tries are counted per question (by the session); a question with ``max_wrong`` is
*locked* — failed until the lab is reset — once it has more wrong tries than that.
"""

from __future__ import annotations

import re
from typing import Any

from virtlab.course.i18n import t
from virtlab.course.labs.answers import grade, misconceptions_shown, placements, targeted
from virtlab.course.labs.models import Question

__all__ = ["feedback", "grade", "item_text", "locked", "misconceptions_shown", "placements",
           "targeted", "tries_line"]


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
        hits = targeted(q, answer)
        covered = {k for f in hits for k in f.when}
        rest = [i for i in wrong if i not in covered]
        parts = [f.text.get(lang) for f in hits]
        if rest:
            names = ", ".join(item_text(q, i, lang) for i in rest)
            key = "quiz.out_of_place" if q.type == "order" else "quiz.wrong_category"
            parts.append(t(key, lang, items=names))
        detail = " ".join(parts)
    if detail and _echoes(detail, t("quiz.echo_right" if ok else "quiz.echo_wrong", lang)):
        return ok, detail
    return ok, f"{label} {detail}".strip()


def locked(q: Question, wrong: int) -> bool:
    """Whether ``wrong`` wrong tries used up the question's ``max_wrong`` (failed until reset)."""
    return q.max_wrong is not None and wrong > q.max_wrong


def tries_line(q: Question, wrong: int, lang: str) -> str:
    """The wrong tries so far, with the limit when there is one ("" when nothing to say)."""
    if locked(q, wrong):
        step = q.reread.get(lang) if q.reread is not None else ""
        key = "quiz.tries.locked_step" if step else "quiz.tries.locked"
        return t(key, lang, n=wrong, max=q.max_wrong, step=step)
    if q.max_wrong is not None:
        return t("quiz.tries.of_max", lang, n=wrong, max=q.max_wrong)
    return t("quiz.tries.count", lang, n=wrong) if wrong else ""
