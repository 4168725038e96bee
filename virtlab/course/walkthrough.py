"""Walkthroughs: an instructor's sequence of cues over a lesson and its lab, as data.

```toml
[walkthrough]
id = "w6-patch-night"
lesson = "l6-vm-lifecycle"
title = { en = "Patch night, live", ko = "…" }

[[cue]]
step = 2                                  # show this lesson step (1-based)
minutes = 3                               # the time it usually takes
say = { en = "What students usually get wrong …", ko = "…" }   # presenter notes
actions = [ { kind = "consolidate", name = "app-1" } ]         # set the lab (adds to the cues before)
fault = { kind = "fail", name = "app-1", fault = "disk-lost" } # fired on this cue, gone on back
ask = "question-id"                       # a quiz question of the lab
reveal = ["goal-id"]                      # goals to show now
misconception = "snapshot-is-backup"      # the lab's misconception this cue is about
```

The lab state at a cue is the lab's start with every earlier cue's ``actions`` and this
cue's ``actions`` and ``fault`` applied, so going back a cue restores the state exactly
(the fault disappears with its cue). :func:`walkthrough_problems` checks a walkthrough
against the course: the lesson, the step, every action and fault (replayed), the question,
goal and misconception names — each as ``file: field: problem``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from virtlab.core.actions import apply
from virtlab.core.base import ActionBase, Refused
from virtlab.core.state import Datacenter
from virtlab.course.labs import Lab, Text, parse_action
from virtlab.course.lessons import Catalog
from virtlab.course.scenario import read_toml

__all__ = ["Cue", "Walkthrough", "cue_states", "load_walkthrough", "walkthrough_problems"]


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Cue(_Strict):
    step: int = Field(ge=1)
    minutes: float = Field(2.0, gt=0, le=120)
    say: Text
    actions: list[dict[str, Any]] = []
    fault: dict[str, Any] | None = None
    ask: str | None = None
    reveal: list[str] = []
    misconception: str | None = None


class WalkthroughMeta(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    lesson: str
    title: Text


class Walkthrough(_Strict):
    walkthrough: WalkthroughMeta
    cue: list[Cue] = Field(min_length=1)

    @property
    def minutes(self) -> float:
        return sum(c.minutes for c in self.cue)


def load_walkthrough(path: Path) -> tuple[Walkthrough | None, list[str]]:
    data, problems = read_toml(path)
    if data is None:
        return None, problems
    try:
        return Walkthrough.model_validate(data), []
    except ValidationError as e:
        return None, [f"{path}: {'.'.join(str(x) for x in err['loc']) or '(top level)'}: {err['msg']}"
                      for err in e.errors()]


@dataclass(frozen=True, slots=True)
class CueState:
    """The lab at one cue: the state, and the actions that led there from the start."""

    state: Datacenter
    actions: tuple[ActionBase, ...]


def cue_states(w: Walkthrough, lab: Lab) -> list[CueState]:
    """The lab's state at each cue (raises :class:`Refused` or ``ValueError`` for an action
    that does not apply; :func:`walkthrough_problems` reports those)."""
    assert lab.state is not None
    dc: Datacenter = lab.state
    done: tuple[ActionBase, ...] = ()
    out = []
    for cue in w.cue:
        for raw in cue.actions:
            action = parse_action(raw, dc)
            dc, done = apply(dc, action), (*done, action)
        here, here_done = dc, done
        if cue.fault is not None:
            fault = parse_action(cue.fault, here)
            here, here_done = apply(here, fault), (*done, fault)
        out.append(CueState(here, here_done))
    return out


def walkthrough_problems(path: Path, w: Walkthrough, catalog: Catalog, labs: Mapping[str, Lab]) -> list[str]:
    src, out = str(path), []
    lesson = catalog.get(w.walkthrough.lesson, "en")
    if lesson is None:
        return [f"{src}: walkthrough.lesson: no lesson {w.walkthrough.lesson!r}"]
    lab = labs.get(lesson.lab or "")
    for i, cue in enumerate(w.cue, 1):
        where = f"{src}: cue[{i}]"
        if cue.step > len(lesson.sections):
            out.append(f"{where}.step: lesson {lesson.id} has {len(lesson.sections)} steps, not {cue.step}")
        if lab is None:
            if cue.actions or cue.fault or cue.ask or cue.reveal or cue.misconception:
                out.append(f"{where}: lesson {lesson.id} has no lab to set, ask or reveal")
            continue
        ids = {g.id for g in lab.goals}
        questions = {q.id for q in lab.questions}
        if cue.ask is not None and cue.ask not in questions:
            out.append(f"{where}.ask: no question {cue.ask!r} in lab {lab.id}")
        out += [f"{where}.reveal: no goal {g!r} in lab {lab.id}" for g in cue.reveal if g not in ids | questions]
        if cue.misconception is not None and cue.misconception not in {m.id for m in lab.misconceptions}:
            out.append(f"{where}.misconception: no misconception {cue.misconception!r} in lab {lab.id}")
    if lab is not None and lab.state is not None and not out:
        out += _replay_problems(src, w, lab.state)
    return out


def _replay_problems(src: str, w: Walkthrough, dc: Datacenter) -> list[str]:
    """Every cue's actions and fault, replayed: the first that does not apply, by place."""
    for i, cue in enumerate(w.cue, 1):
        for j, raw in enumerate(cue.actions, 1):
            try:
                dc = apply(dc, parse_action(raw, dc))
            except (Refused, ValueError) as e:
                return [f"{src}: cue[{i}].actions[{j}]: {e}"]
        if cue.fault is not None:
            try:
                apply(dc, parse_action(cue.fault, dc))
            except (Refused, ValueError) as e:
                return [f"{src}: cue[{i}].fault: {e}"]
    return []
