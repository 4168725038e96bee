"""A student's lab work, kept across restarts: the session's action log, saved beside the
progress file and replayed when the lab is opened again.

One file per lab, ``work/<lab id>.json`` in the data folder, written atomically after every
change: the steps in effect (each action as the core's JSON, ``{"kind": "reset"}`` for a
reset) the quiz answers and the wrong tries per question (so a
question locked after too many wrong tries stays locked). Opening the lab replays the steps on the lab's start through a
:class:`~virtlab.course.session.LabSession`, so the state is exactly the one left — the
engine computes it again. A log that no longer applies (the lab file changed, an action is
refused, the file is damaged) is never lost: it is moved aside to
``work/<lab id>.stale-<time>.json``, the lab starts fresh, and the student is told where
the old log is.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from virtlab.core.actions import action_adapter
from virtlab.core.errors import InputError
from virtlab.course.atomic import write_text_atomic
from virtlab.course.files import parse_json, read_text
from virtlab.course.i18n import t
from virtlab.course.labs import Lab
from virtlab.course.progress import now_iso
from virtlab.course.session import LabSession

__all__ = ["WORK_VERSION", "restore_work", "save_work", "work_path", "work_text", "work_to_data"]

WORK_VERSION = 1


def work_path(data_dir: Path, lab_id: str) -> Path:
    """Where ``lab_id``'s work is kept (lab ids are ``[a-z0-9-]``, so this stays inside)."""
    return Path(data_dir) / "work" / f"{lab_id}.json"


def fingerprint(lab: Lab) -> str:
    """A short hash of the lab file, to say in a report whether the lab changed."""
    try:
        return hashlib.sha256(lab.path.read_bytes()).hexdigest()[:16]
    except OSError:
        return ""


def work_to_data(session: LabSession) -> dict[str, Any]:
    """The session's steps in effect and its answers, as JSON-ready data."""
    assert session.lab is not None
    steps = [{"kind": "reset"} if s.action is None else s.action.model_dump(mode="json")
             for s in session.history()]
    return {"version": WORK_VERSION, "lab": session.lab.id, "lab_file": fingerprint(session.lab),
            "saved": now_iso(), "steps": steps, "answers": dict(session.answers),
            "wrong": dict(session.wrong), "tries": tries_to_data(session)}


def tries_to_data(session: LabSession) -> list[dict[str, Any]]:
    """The answers taken since the last reset, in order, as JSON-ready data."""
    return [{"question": q, "answer": v} for q, v in session.tries]


def replay_tries(session: LabSession, tries: object, answers: object, wrong: object) -> None:
    """Submit ``tries`` in order to ``session`` (as the student did) and check that the
    ``answers`` and ``wrong`` counts claimed beside them follow; :class:`InputError` names
    the first that does not."""
    assert session.lab is not None
    known = {q.id for q in session.lab.questions}
    if not isinstance(tries, list):
        raise InputError("expected a list", "tries")
    for i, entry in enumerate(tries, 1):
        if not isinstance(entry, dict) or not isinstance(entry.get("question"), str) or "answer" not in entry:
            raise InputError("expected an object with a question id and an answer", f"tries[{i}]")
        if entry["question"] not in known:
            raise InputError(f"no question {entry['question']!r} in the lab", f"tries[{i}]")
        session.answer(entry["question"], entry["answer"])
    if not isinstance(answers, dict) or not isinstance(wrong, dict):
        raise InputError("expected an object", "answers" if not isinstance(answers, dict) else "wrong")
    for field, claimed, replayed in (("answers", answers, session.answers), ("wrong", wrong, session.wrong)):
        for qid in sorted(set(claimed) | set(replayed), key=str):
            if claimed.get(qid) != replayed.get(qid) and not (field == "wrong" and not claimed.get(qid)
                                                              and not replayed.get(qid)):
                raise InputError(f"says {claimed.get(qid)!r}, the tries give {replayed.get(qid)!r}",
                                 f"{field}.{qid}")


def work_text(session: LabSession) -> str | None:
    """The session's work file as text, or None when there is nothing to keep."""
    if not session.history() and not session.answers and not session.wrong and not session.tries:
        return None
    return json.dumps(work_to_data(session), ensure_ascii=False, indent=1) + "\n"


def save_work(path: Path, session: LabSession) -> None:
    """Write the session's work atomically (nothing to keep: the file is removed)."""
    text = work_text(session)
    if text is None:
        path.unlink(missing_ok=True)
        return
    write_text_atomic(path, text)


def _replay(lab: Lab, data: object) -> LabSession:
    """A session with ``data``'s steps and answers; :class:`InputError` names what does not apply."""
    if not isinstance(data, dict):
        raise InputError("expected an object", "(top level)")
    if data.get("version") != WORK_VERSION:
        raise InputError(f"expected {WORK_VERSION}, got {data.get('version')!r}", "version")
    if data.get("lab") != lab.id:
        raise InputError(f"is for lab {data.get('lab')!r}, not {lab.id!r}", "lab")
    steps, answers, wrong = data.get("steps", []), data.get("answers", {}), data.get("wrong", {})
    if not isinstance(steps, list):
        raise InputError("expected a list", "steps")
    if not isinstance(answers, dict):
        raise InputError("expected an object", "answers")
    if not isinstance(wrong, dict) or not all(isinstance(n, int) and not isinstance(n, bool) and n >= 0
                                              for n in wrong.values()):
        raise InputError("expected an object of whole numbers", "wrong")
    session = LabSession(lab)
    for i, raw in enumerate(steps, 1):
        if raw == {"kind": "reset"}:
            session.reset()
            continue
        try:
            action = action_adapter().validate_python(raw)
        except ValidationError as e:
            raise InputError(f"not an action this version knows ({e.errors()[0]['msg']})", f"steps[{i}]") from None
        outcome = session.apply(action)
        if not outcome.ok:
            why = "not allowed in this lab" if outcome.not_allowed else "; ".join(
                v.message for v in outcome.violations)
            raise InputError(f"{outcome.description}: {why}", f"steps[{i}]")
    if "tries" in data:
        replay_tries(session, data["tries"], answers, wrong)
        return session
    known = {q.id for q in lab.questions}  # saved before tries were kept: taken as saved
    for qid, value in answers.items():
        if qid not in known:
            raise InputError(f"no question {qid!r} in the lab", f"answers.{qid}")
        session.answers[qid] = value
    session.wrong = {qid: n for qid, n in wrong.items() if qid in known}
    return session


def _aside(path: Path) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.stem}.stale-{stamp}.json")
    n = 1
    while target.exists():
        target = path.with_name(f"{path.stem}.stale-{stamp}-{n}.json")
        n += 1
    shutil.move(str(path), target)
    return target


def restore_work(path: Path, lab: Lab, *, lang: str = "en",
                 set_aside: bool = True) -> tuple[LabSession, str | None]:
    """The lab's session with the saved work replayed, and a notice for the student when
    the saved log could not be used (it is then kept aside and the lab starts fresh;
    ``set_aside=False`` — an export, which only reads — leaves the file where it is)."""
    if not path.exists():
        return LabSession(lab), None
    try:
        data = parse_json(read_text(path), str(path))
        return _replay(lab, data), None
    except InputError as e:
        problem = f"{e.where}: {e.message}" if e.where else e.message
    except OSError as e:
        problem = str(e)
    if not set_aside:
        return LabSession(lab), t("work.left", lang, path=path, problem=problem)
    try:
        kept = _aside(path)
    except OSError as e:
        return LabSession(lab), t("work.unreadable", lang, path=path, problem=problem, error=e)
    return LabSession(lab), t("work.stale", lang, path=path, problem=problem, kept=kept)
