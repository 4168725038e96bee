"""A student's working session on one lab: the current state, undo/redo, goals and hints.

The UI holds one :class:`LabSession` per open lab and calls :meth:`LabSession.apply` for
every key press that changes the lab. Reports are computed once per state and cached, so
re-drawing panels and re-checking goals costs nothing extra.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from virtlab.core.actions import apply
from virtlab.core.base import Refused, Violation
from virtlab.core.compute.actions import SetDemand
from virtlab.core.compute.models import WorkloadStatus
from virtlab.core.report import PartCache, Report, build_report
from virtlab.core.state import Datacenter
from virtlab.course.goals import CHECKS, Verdict, Worded, msg
from virtlab.course.labs import Goal, Hint, Lab, Question, grade
from virtlab.course.quiz import feedback

UNDO_LIMIT = 200


@dataclass(frozen=True, slots=True)
class Result:
    """One goal or question, checked."""

    id: str
    kind: str  # "goal" | "question"
    met: bool
    verdict: Verdict
    hints: tuple[Hint, ...]
    misconception: str | None

    def text(self, lab: Lab, lang: str) -> str:
        item = next(x for x in [*lab.goals, *lab.questions] if x.id == self.id)
        return item.text.get(lang) if isinstance(item, Goal) else item.prompt.get(lang)


@dataclass(frozen=True, slots=True)
class Outcome:
    """What happened when the student tried an action."""

    ok: bool
    description: str
    violations: tuple[Violation, ...] = ()
    not_allowed: bool = False


class LabSession:
    """Holds the lab's state; every change goes through the core's actions."""

    def __init__(self, lab: Lab | None, state: Datacenter | None = None, *, sandbox: bool = False) -> None:
        self.lab = lab
        self.sandbox = sandbox or lab is None
        self.start: Datacenter = state if state is not None else (
            lab.state if lab is not None and lab.state is not None else Datacenter())
        self.state: Datacenter = self.start
        self._undo: list[Datacenter] = []
        self._redo: list[Datacenter] = []
        self.answers: dict[str, Any] = {}
        self._reports: dict[tuple[int, str | None], tuple[Datacenter, Report]] = {}
        self._parts = PartCache()

    # ------------------------------------------------------------------ state

    def allows(self, kind: str) -> bool:
        return self.sandbox or self.lab is None or self.lab.allows(kind)

    def apply(self, action: Any) -> Outcome:
        """Apply ``action`` (a core action); on success it can be undone."""
        kind = getattr(action, "kind", "")
        if not self.allows(kind):
            return Outcome(False, action.describe(), not_allowed=True)
        try:
            new = apply(self.state, action)
        except Refused as e:
            return Outcome(False, action.describe(), tuple(e.violations))
        self._undo.append(self.state)
        del self._undo[:-UNDO_LIMIT]
        self._redo.clear()
        self.state = new
        return Outcome(True, action.describe())

    def undo(self) -> bool:
        if not self._undo:
            return False
        self._redo.append(self.state)
        self.state = self._undo.pop()
        return True

    def redo(self) -> bool:
        if not self._redo:
            return False
        self._undo.append(self.state)
        self.state = self._redo.pop()
        return True

    def reset(self) -> None:
        """Back to the lab's start (undoable)."""
        if self.state is not self.start:
            self._undo.append(self.state)
            self._redo.clear()
            self.state = self.start
        self.answers = {}

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    # ------------------------------------------------------------------ report

    def report_for(self, state: Datacenter, under: str | None = None) -> Report:
        key = (id(state), under)
        hit = self._reports.get(key)
        if hit is not None and hit[0] is state:
            return hit[1]
        dc = at_demand(state, under) if under else state
        report = build_report(dc, cache=self._parts)
        if len(self._reports) > 64:
            self._reports.clear()
        self._reports[key] = (state, report)
        return report

    @property
    def report(self) -> Report:
        return self.report_for(self.state)

    # ------------------------------------------------------------------ goals

    def answer(self, question_id: str, value: Any) -> Result:
        self.answers[question_id] = value
        return next(r for r in self.results() if r.id == question_id)

    def results(self) -> list[Result]:
        return evaluate(self.lab, self.state, self.answers, self.report_for) if self.lab else []

    def all_met(self) -> bool:
        results = self.results()
        return bool(results) and all(r.met for r in results)


def at_demand(dc: Datacenter, level: str) -> Datacenter:
    """Every running workload set to ``level`` demand (idle, normal, peak)."""
    for vm in dc.compute.vms:
        if vm.status is WorkloadStatus.RUNNING:
            dc = SetDemand(name=vm.name, level=level).apply(dc)
    for c in dc.compute.containers:
        if c.status is WorkloadStatus.RUNNING:
            dc = SetDemand(name=c.name, level=level).apply(dc)
    return dc


def evaluate(lab: Lab, state: Datacenter, answers: dict[str, Any], report_for=None) -> list[Result]:
    """Check every goal on ``state`` and every question against ``answers``."""
    report_for = report_for or (lambda s, under=None: build_report(at_demand(s, under) if under else s))
    out: list[Result] = []
    for g in lab.goals:
        report = report_for(state, g.under)
        dc = at_demand(state, g.under) if g.under else state
        verdict = CHECKS[g.check](dc, report, g.params)
        out.append(Result(g.id, "goal", verdict.met, verdict, tuple(g.hints), g.misconception))
    for q in lab.questions:
        out.append(_question_result(q, answers.get(q.id)))
    return out


def _question_result(q: Question, answer: Any) -> Result:
    ok, _wrong = grade(q, answer)
    if answer is None:
        v = Verdict(False, msg("goal.not_answered"))
    else:
        en, ko = feedback(q, answer, "en"), feedback(q, answer, "ko")
        v = Verdict(ok, Worded(en[1] if en else "", ko[1] if ko else ""))
    return Result(q.id, "question", ok, v, tuple(q.hints), q.misconception)
