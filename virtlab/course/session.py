"""A student's working session on one lab: the current state, undo/redo, goals and hints.

The UI holds one :class:`LabSession` per open lab and calls :meth:`LabSession.apply` for
every key press that changes the lab. Reports are computed once per state and cached, so
re-drawing panels and re-checking goals costs nothing extra.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from virtlab.core.actions import apply
from virtlab.core.base import ActionBase, Refused, Violation
from virtlab.core.compute.actions import SetDemand
from virtlab.core.compute.models import WorkloadStatus
from virtlab.core.report import PartCache, Report, build_report
from virtlab.core.state import Datacenter
from virtlab.course.goals import CHECKS, History, Verdict, Worded, msg
from virtlab.course.labs import Hint, Lab, Question
from virtlab.course.quiz import feedback, grade, locked, tries_line


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
        for goal in lab.goals:
            if goal.id == self.id:
                return goal.text.get(lang)
        return next(q.prompt.get(lang) for q in lab.questions if q.id == self.id)


@dataclass(frozen=True, slots=True)
class Outcome:
    """What happened when the student tried an action."""

    ok: bool
    description: str
    violations: tuple[Violation, ...] = ()
    not_allowed: bool = False


@dataclass(frozen=True, slots=True)
class Step:
    """One entry of a session's action log: what was done and the state it led to.

    ``action`` is a core action, or ``None`` for a reset to the lab's start.
    """

    action: ActionBase | None
    state: Datacenter
    #: For a reset: the quiz answers it cleared (undoing the reset brings them back).
    answers: tuple[tuple[str, Any], ...] = ()
    #: For a reset: the wrong tries per question it cleared (brought back with the answers).
    wrong: tuple[tuple[str, int], ...] = ()
    #: For a reset: the answers submitted before it, in order (brought back with the answers).
    tries: tuple[tuple[str, Any], ...] = ()

    @property
    def kind(self) -> str:
        return "reset" if self.action is None else self.action.kind


class LabSession:
    """Holds the lab's action log; every change goes through the core's actions.

    The log is the session's source of truth: the current state is the one after the step at
    :attr:`position`, undo and redo move the position, and a new action drops the steps after
    it (they could be redone no more). Replaying :meth:`actions` on :attr:`start` gives the
    current state again.
    """

    def __init__(self, lab: Lab | None, state: Datacenter | None = None, *, sandbox: bool = False) -> None:
        self.lab = lab
        self.sandbox = sandbox or lab is None
        self.start: Datacenter = state if state is not None else (
            lab.state if lab is not None and lab.state is not None else Datacenter.of())
        self.log: list[Step] = []
        #: How many steps of the log are in effect (the rest can be redone).
        self.position = 0
        self.answers: dict[str, Any] = {}
        #: Wrong answers submitted per question (a question's ``max_wrong`` judges them).
        self.wrong: dict[str, int] = {}
        #: Every answer taken since the last reset, in order: ``answers`` and ``wrong`` follow
        #: from it (a lab report carries it, so an instructor's replay re-checks the quiz).
        self.tries: list[tuple[str, Any]] = []
        self._reports: dict[tuple[int, str | None], tuple[Datacenter, Report]] = {}
        self._parts = PartCache()

    # ------------------------------------------------------------------ state

    @property
    def state(self) -> Datacenter:
        """The state after the steps in effect."""
        return self.log[self.position - 1].state if self.position else self.start

    def history(self) -> list[Step]:
        """The steps in effect, oldest first."""
        return self.log[:self.position]

    def actions(self) -> list[ActionBase | None]:
        """The actions in effect, oldest first (``None`` for a reset)."""
        return [step.action for step in self.history()]

    def allows(self, kind: str) -> bool:
        return self.sandbox or self.lab is None or self.lab.allows(kind)

    def _push(self, step: Step) -> None:
        del self.log[self.position:]
        self.log.append(step)
        self.position = len(self.log)

    def apply(self, action: ActionBase) -> Outcome:
        """Apply ``action`` (a core action); on success it can be undone."""
        if not self.allows(action.kind):
            return Outcome(False, action.describe(), not_allowed=True)
        try:
            new = apply(self.state, action)
        except Refused as e:
            return Outcome(False, action.describe(), tuple(e.violations))
        self._push(Step(action, new))
        return Outcome(True, action.describe())

    def replay(self, actions: Sequence[ActionBase]) -> None:
        """Start over from the lab's start with exactly ``actions`` (a walkthrough's cue sets
        the lab this way: an instructor's actions, not limited to what the lab allows)."""
        self.log.clear()
        self.position = 0
        self.answers, self.wrong, self.tries = {}, {}, []
        for action in actions:
            self._push(Step(action, apply(self.state, action)))

    def undo(self) -> bool:
        if not self.position:
            return False
        self.position -= 1
        undone = self.log[self.position]
        if undone.action is None:
            self.answers = dict(undone.answers)
            self.wrong = dict(undone.wrong)
            self.tries = list(undone.tries)
        return True

    def redo(self) -> bool:
        if self.position >= len(self.log):
            return False
        redone = self.log[self.position]
        self.position += 1
        if redone.action is None:
            self.answers, self.wrong, self.tries = {}, {}, []
        return True

    def reset(self) -> None:
        """Back to the lab's start, quiz answers and wrong tries cleared (undoable: all come
        back)."""
        if self.state is not self.start or self.answers or self.wrong or self.tries:
            self._push(Step(None, self.start, tuple(self.answers.items()), tuple(self.wrong.items()),
                            tuple(self.tries)))
        self.answers, self.wrong, self.tries = {}, {}, []

    @property
    def can_undo(self) -> bool:
        return self.position > 0

    @property
    def can_redo(self) -> bool:
        return self.position < len(self.log)

    # ------------------------------------------------------------------ report

    def report_for(self, state: Datacenter, under: str | None = None) -> Report:
        key = (id(state), under)
        hit = self._reports.get(key)
        if hit is not None and hit[0] is state:
            return hit[1]
        dc = at_demand(state, under, self.start) if under else state
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
        """Record an answer and count it if wrong; a locked question (its ``max_wrong`` used
        up) takes no more answers until the lab is reset."""
        q = next((q for q in self.lab.questions if q.id == question_id), None) if self.lab else None
        wrong = self.wrong.get(question_id, 0)
        if q is None or not locked(q, wrong):
            self.answers[question_id] = value
            self.tries.append((question_id, value))
            if q is not None and not grade(q, value)[0]:
                self.wrong[question_id] = wrong + 1
        return next(r for r in self.results() if r.id == question_id)

    def history_of_work(self) -> History:
        """The steps in effect, for goals that judge what was done and when."""
        return History(self.start, tuple((s.action, s.state) for s in self.history()))

    def results(self) -> list[Result]:
        if self.lab is None:
            return []
        return evaluate(self.lab, self.state, self.answers, self.report_for, self.history_of_work(),
                        self.wrong)

    def all_met(self) -> bool:
        results = self.results()
        return bool(results) and all(r.met for r in results)


def at_demand(dc: Datacenter, level: str, start: Datacenter | None = None) -> Datacenter:
    """Every running workload set to ``level`` demand (idle, normal, peak), or with
    ``level = "start"`` back to the demand the lab's scenario gives it (``start``): what
    its application needs, whatever the student set with ``set_demand``."""
    if level == "start":
        return _at_start_demand(dc, start) if start is not None else dc
    for vm in dc.compute.vms:
        if vm.status is WorkloadStatus.RUNNING:
            dc = SetDemand(name=vm.name, level=level).apply(dc)
    for c in dc.compute.containers:
        if c.status is WorkloadStatus.RUNNING:
            dc = SetDemand(name=c.name, level=level).apply(dc)
    return dc


def _at_start_demand(dc: Datacenter, start: Datacenter) -> Datacenter:
    for vm in dc.compute.vms:
        was = start.compute.vm_index.get(vm.name)
        if was is not None and (was.cpu_demand, was.mem_active_mib) != (vm.cpu_demand, vm.mem_active_mib):
            dc = SetDemand(name=vm.name, cpu=was.cpu_demand, memory_mib=was.mem_active_mib).apply(dc)
    for c in dc.compute.containers:
        old = start.compute.container_index.get(c.name)
        if old is not None and (old.cpu_demand_m, old.mem_demand_mib) != (c.cpu_demand_m, c.mem_demand_mib):
            dc = SetDemand(name=c.name, cpu=old.cpu_demand_m, memory_mib=old.mem_demand_mib).apply(dc)
    return dc


ReportFor = Callable[[Datacenter, str | None], Report]


def evaluate(lab: Lab, state: Datacenter, answers: dict[str, Any],
             report_for: ReportFor | None = None, history: History | None = None,
             wrong: dict[str, int] | None = None) -> list[Result]:
    """Check every goal on ``state`` (and over ``history``, for the goals that judge what
    was done) and every question against ``answers`` (and the wrong tries per question,
    for questions with ``max_wrong``)."""
    start = history.start if history is not None else (lab.state or state)
    history = history or History(start)

    def fresh(dc: Datacenter, under: str | None = None) -> Report:
        return build_report(at_demand(dc, under, start) if under else dc)

    report_for = report_for or fresh
    out: list[Result] = []
    for g in lab.goals:
        report = report_for(state, g.under)
        dc = at_demand(state, g.under, start) if g.under else state
        verdict = CHECKS[g.check](dc, report, g.params, history)
        out.append(Result(g.id, "goal", verdict.met, verdict, tuple(g.hints), g.misconception))
    for q in lab.questions:
        out.append(_question_result(q, answers.get(q.id), (wrong or {}).get(q.id, 0)))
    return out


def _question_result(q: Question, answer: Any, wrong: int = 0) -> Result:
    ok, _wrong = grade(q, answer)
    if locked(q, wrong):
        v = Verdict(False, Worded(tries_line(q, wrong, "en"), tries_line(q, wrong, "ko")))
        return Result(q.id, "question", False, v, tuple(q.hints), q.misconception)
    if answer is None:
        v = Verdict(False, msg("goal.not_answered"))
    else:
        en, ko = feedback(q, answer, "en"), feedback(q, answer, "ko")
        v = Verdict(ok, Worded(en[1] if en else "", ko[1] if ko else ""))
    return Result(q.id, "question", ok, v, tuple(q.hints), q.misconception)
