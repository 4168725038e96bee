"""Lab reports an instructor can re-check: what a student did in each lab, and its replay.

A report holds, per lab, the lab's id and file version, a hash of its start state, the
ordered action log with a hash of the state after each step, the goals met with their
detail, the quiz answers in the order they were given, and the hints used. :func:`verify` replays each log on the lab's start with the same
engine: a report whose claims do not follow from its actions is flagged, naming the first
step whose state disagrees (or the goal whose verdict does, or the answer a try does not give),
so an edited report cannot pass.
Many reports at once give a class table (:func:`class_table`, CSV).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from virtlab.core.actions import action_adapter
from virtlab.core.errors import InputError
from virtlab.core.state import Datacenter
from virtlab.course.labs import Lab
from virtlab.course.progress import Progress, now_iso
from virtlab.course.session import LabSession
from virtlab.course.work import fingerprint, replay_tries, tries_to_data

__all__ = ["REPORT_VERSION", "Verification", "class_table", "lab_report", "report_markdown",
           "state_hash", "verify"]

REPORT_VERSION = 1


def state_hash(dc: Datacenter) -> str:
    """A short, stable hash of a state (its JSON)."""
    return hashlib.sha256(dc.model_dump_json().encode()).hexdigest()[:16]


def _results(session: LabSession) -> list[dict[str, Any]]:
    lab = session.lab
    assert lab is not None
    return [{"id": r.id, "text": r.text(lab, "en"), "met": r.met, "detail": r.verdict.en}
            for r in session.results()]


def lab_report(session: LabSession, progress: Progress, lesson_id: str) -> dict[str, Any]:
    """One lab's report from the student's session and progress."""
    lab = session.lab
    assert lab is not None
    steps = []
    for step in session.history():
        action = {"kind": "reset"} if step.action is None else step.action.model_dump(mode="json")
        steps.append({"action": action, "state": state_hash(step.state)})
    record = progress.lesson(lesson_id)
    return {
        "lab": lab.id, "lesson": lesson_id, "lab_file": fingerprint(lab), "start": state_hash(session.start),
        "steps": steps, "answers": dict(session.answers), "wrong": dict(session.wrong),
        "tries": tries_to_data(session),
        "goals": _results(session), "hints_used": dict(record.hints_used),
        "first_met": dict(record.achieved), "updated": record.updated,
    }


def report_document(labs: Iterable[dict[str, Any]], student: str = "") -> dict[str, Any]:
    return {"version": REPORT_VERSION, "student": student, "exported": now_iso(), "labs": list(labs)}


def report_markdown(doc: Mapping[str, Any]) -> str:
    """A report to read: per lab, the goals met and the actions in order."""
    lines = [f"# virtlab lab report{' — ' + doc['student'] if doc.get('student') else ''}", "",
             f"Exported {doc.get('exported', '')}", ""]
    for lab in doc.get("labs", []):
        met = sum(1 for g in lab["goals"] if g["met"])
        lines += [f"## {lab['lab']} — {met}/{len(lab['goals'])} goals met", ""]
        lines += [f"- {'✓' if g['met'] else '✗'} {g['text']}: {g['detail']}" for g in lab["goals"]]
        lines += ["", "Actions, in order:", ""]
        lines += [f"{i}. {json.dumps(s['action'], ensure_ascii=False)}" for i, s in enumerate(lab["steps"], 1)]
        lines.append("")
    return "\n".join(lines)


@dataclass(slots=True)
class Verification:
    lab: str
    ok: bool
    goals_met: int = 0
    goals: int = 0
    problems: list[str] = field(default_factory=list)


def _shape_problem(entry: Mapping[str, Any]) -> str | None:
    """What makes a lab entry unreadable, before anything is replayed."""
    goals, steps = entry.get("goals", []), entry.get("steps", [])
    if not isinstance(goals, list) or not all(isinstance(g, dict) and isinstance(g.get("id"), str) for g in goals):
        return "goals: expected a list of objects with a string id"
    if not isinstance(steps, list) or not all(isinstance(x, dict) for x in steps):
        return "steps: expected a list of objects"
    ids = [g["id"] for g in goals]
    dup = sorted({i for i in ids if ids.count(i) > 1})
    return f"goals: {', '.join(dup)} claimed twice" if dup else None


def _verify_lab(entry: Mapping[str, Any], labs: Mapping[str, Lab]) -> Verification:
    lab_id = str(entry.get("lab", ""))
    out = Verification(lab_id, False)
    shape = _shape_problem(entry)
    if shape is not None:
        out.problems.append(f"{lab_id}: malformed report: {shape}")
        return out
    claimed = {g["id"]: g for g in entry.get("goals", [])}
    lab = labs.get(lab_id)
    if lab is None:
        out.problems.append(f"{lab_id}: no such lab in this course")
        return out
    session = LabSession(lab)
    if entry.get("start") != state_hash(session.start):
        out.problems.append(f"{lab_id}: the lab's start state differs from the one the report was made on "
                            f"(lab file {entry.get('lab_file')!r}, now {fingerprint(lab)!r})")
        return out
    for i, step in enumerate(entry.get("steps", []), 1):
        raw = step.get("action")
        if raw == {"kind": "reset"}:
            session.reset()
        else:
            try:
                outcome = session.apply(action_adapter().validate_python(raw))
            except ValidationError:
                out.problems.append(f"{lab_id}: step {i}: not an action ({raw!r})")
                return out
            if not outcome.ok:
                out.problems.append(f"{lab_id}: step {i} ({outcome.description}): refused on replay")
                return out
        if step.get("state") != state_hash(session.state):
            out.problems.append(f"{lab_id}: step {i}: the state after it does not match the report")
            return out
    answers, wrong = entry.get("answers", {}), entry.get("wrong", {})
    if "tries" in entry:  # the quiz is replayed too: answers and wrong tries must follow
        try:
            replay_tries(session, entry["tries"], answers, wrong)
        except InputError as e:
            out.problems.append(f"{lab_id}: {e.where}: {e.message}")
    elif answers or wrong:
        out.problems.append(f"{lab_id}: answers: the report has no tries to replay them from "
                            "(made by an older virtlab?)")
    results = _results(session)
    for r in results:
        c = claimed.get(r["id"])
        if c is None or bool(c.get("met")) != r["met"] or c.get("detail") != r["detail"]:
            out.problems.append(f"{lab_id}: goal {r['id']}: the report says "
                                f"{'met' if c and c.get('met') else 'not met'}, the replay gives "
                                f"{'met' if r['met'] else 'not met'} ({r['detail']})")
    unknown = sorted(set(claimed) - {r["id"] for r in results})
    if unknown:
        out.problems.append(f"{lab_id}: goals {', '.join(unknown)}: not goals of this lab")
    # The score is the replay's, never the report's own claims.
    out.goals, out.goals_met = len(results), sum(1 for r in results if r["met"])
    out.ok = not out.problems
    return out


def verify(doc: object, labs: Mapping[str, Lab]) -> list[Verification]:
    """Replay every lab of a report; each verification says what disagrees, if anything."""
    if not isinstance(doc, dict) or doc.get("version") != REPORT_VERSION or not isinstance(doc.get("labs"), list):
        return [Verification("", False, problems=[f"not a virtlab lab report (version {REPORT_VERSION})"])]
    out: list[Verification] = []
    seen: set[str] = set()
    for e in doc["labs"]:
        if not isinstance(e, dict):
            out.append(Verification("", False, problems=["a lab entry is not an object"]))
            continue
        lab_id = str(e.get("lab", ""))
        if lab_id in seen:
            out.append(Verification(lab_id, False, problems=[f"{lab_id}: the lab is in the report twice"]))
            continue
        seen.add(lab_id)
        try:
            out.append(_verify_lab(e, labs))
        except (TypeError, ValueError, AttributeError, KeyError) as err:  # a report is input
            out.append(Verification(lab_id, False, problems=[f"{lab_id}: malformed report ({err})"]))
    return out


def class_table(reports: Iterable[tuple[Path, object, list[Verification]]]) -> str:
    """CSV: one row per student and lab — goals met, and whether the replay agrees."""
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["report", "student", "lab", "goals met", "goals", "verified", "problem"])
    for path, doc, checks in reports:
        student = doc.get("student", "") if isinstance(doc, dict) else ""
        for v in checks:
            w.writerow([path.name, student, v.lab, v.goals_met, v.goals, "yes" if v.ok else "no",
                        v.problems[0] if v.problems else ""])
    return buf.getvalue()
