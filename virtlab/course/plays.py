"""Playing a lab's fixtures as a student would: the reference solution must meet every
goal, each misconception must fail its goal (with a hint that names it), and each near
miss — a wrong design a student is likely to try — must fail its goal, or be refused.

Each play goes through a :class:`~virtlab.course.session.LabSession`, so the lab's allowed
actions apply and goals that judge what was done see the same history a student's session
would. ``virtlab check`` reports every play that does not end as it should, so a lenient
goal is caught before a student finds it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from virtlab.core.base import Refused
from virtlab.course.labs import Lab, parse_action
from virtlab.course.session import LabSession, Result

__all__ = ["Play", "play", "play_problems"]


@dataclass(frozen=True, slots=True)
class Play:
    """How a play ended: its results, or the action that was refused or not allowed."""

    results: tuple[Result, ...]
    stopped_at: int | None = None  # 1-based index of the action that did not apply
    why: str = ""
    not_allowed: bool = False  # it stopped at an action the lab does not allow

    def result(self, goal_id: str) -> Result | None:
        return next((r for r in self.results if r.id == goal_id), None)


def play(lab: Lab, actions: Sequence[Mapping[str, Any]], answers: Mapping[str, Any]) -> Play:
    """Play ``actions`` then ``answers`` on a fresh session of ``lab``."""
    session = LabSession(lab)
    for i, raw in enumerate(actions, 1):
        try:
            outcome = session.apply(parse_action(dict(raw), session.state))
        except (ValueError, Refused) as e:
            return Play(tuple(session.results()), i, str(e))
        if outcome.not_allowed:
            return Play(tuple(session.results()), i, f"{outcome.description}: not allowed in this lab", True)
        if not outcome.ok:
            return Play(tuple(session.results()), i,
                        "; ".join(v.message for v in outcome.violations) or "refused")
    for qid, value in answers.items():
        session.answer(qid, value)
    return Play(tuple(session.results()))


def play_problems(lab: Lab) -> list[str]:
    """What in ``lab``'s fixtures does not end as it should, as ``file: fixture: problem``."""
    src = str(lab.path)
    out: list[str] = []
    sol = play(lab, lab.solution.actions, lab.solution.answers)
    if sol.stopped_at is not None:
        out.append(f"{src}: solution: actions[{sol.stopped_at}]: {sol.why}")
    else:
        out += [f"{src}: solution: goal {r.id} is not met: {r.verdict.en}" for r in sol.results if not r.met]
    for m in lab.misconceptions:
        p = play(lab, m.actions, m.answers)
        r = p.result(m.fails)
        if p.stopped_at is not None and not p.not_allowed:
            out.append(f"{src}: misconception {m.id}: actions[{p.stopped_at}] is refused ({p.why}); "
                       "a misconception is a wrong design the student can build, so a goal — not "
                       "admission — must catch it (loosen the scenario's [policy] if it must)")
        elif p.stopped_at is not None:
            out.append(f"{src}: misconception {m.id}: actions[{p.stopped_at}]: {p.why}")
        elif r is not None and r.met:
            out.append(f"{src}: misconception {m.id}: goal {m.fails} passes it: {r.verdict.en}")
    for n in lab.near_misses:
        p = play(lab, n.actions, n.answers)
        r = p.result(n.fails)
        if n.expect == "refused":
            if p.stopped_at is None:
                out.append(f"{src}: near_miss {n.id} ({n.about}): expected a refusal, every action applied")
            elif p.not_allowed:
                out.append(f"{src}: near_miss {n.id}: actions[{p.stopped_at}] is not allowed in this lab, "
                           "so it proves nothing about a refusal")
        elif p.stopped_at is not None and not p.not_allowed:
            out.append(f"{src}: near_miss {n.id}: actions[{p.stopped_at}] is refused ({p.why}); "
                       'if that refusal is the lesson, say expect = "refused"')
        elif p.stopped_at is not None:
            out.append(f"{src}: near_miss {n.id}: actions[{p.stopped_at}]: {p.why}")
        elif r is not None and r.met:
            out.append(f"{src}: near_miss {n.id}: goal {n.fails} passes a design the lesson calls "
                       f"wrong ({n.about}): {r.verdict.en}")
    return out
