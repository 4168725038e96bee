"""The models of a lab file: texts in both languages, goals with hints, quiz questions,
misconception fixtures, the reference solution and the loaded :class:`Lab`."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializeAsAny,
    ValidationInfo,
    field_validator,
)
from pydantic_core import PydanticCustomError

from virtlab.core.actions import ACTION_KINDS
from virtlab.core.state import Datacenter
from virtlab.course.goals import CHECKS, GoalParams, NoParams, unknown_check


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)  # see build_models


class Text(_Strict):
    """A text in both languages."""

    en: str = Field(min_length=1)
    ko: str = Field(min_length=1)

    def get(self, lang: str) -> str:
        return self.ko if lang == "ko" else self.en


class Hint(Text):
    names: str | None = None  # the misconception this hint names


class Goal(_Strict):
    """A goal: a check (see :mod:`virtlab.course.goals`) with its parameters, read into the
    check's own model. Validated with ``context={"state": dc, "added": {...}}``, the names in
    the parameters are checked against the lab's scenario (and what its solution adds)."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    text: Text
    check: str
    params: SerializeAsAny[GoalParams] = Field(default_factory=NoParams, validate_default=True)
    #: Judge at this demand: a level, or "start" (what the scenario gives each workload,
    #: whatever the student set with set_demand).
    under: Literal["idle", "normal", "peak", "start"] | None = None
    misconception: str | None = None
    hints: list[Hint] = Field(min_length=1, max_length=4)

    @field_validator("check")
    @classmethod
    def _known_check(cls, v: str) -> str:
        if v not in CHECKS:
            raise PydanticCustomError("unknown_check", "{problem}", {"problem": unknown_check(v)})
        return v

    @field_validator("params", mode="before")
    @classmethod
    def _read_params(cls, v: Any, info: ValidationInfo) -> GoalParams:
        spec = CHECKS.get(str(info.data.get("check")))
        if spec is None:
            return NoParams()  # the unknown check is the error
        if isinstance(v, NoParams):
            v = {}  # the default: no parameters given
        model: type[GoalParams] = spec.params
        return model.model_validate(v, context=info.context)


class Item(_Strict):
    id: str
    text: Text


class Option(Item):
    correct: bool = False
    why: Text | None = None  # why this answer is right or wrong
    misconception: str | None = None  # the misconception this (wrong) option is


class Feedback(_Strict):
    """A targeted explanation for one kind of wrong answer to an order or classify question.

    ``when`` names the placements that make it apply: item id → category id (classify) or item
    id → position counted from 1 (order). It applies when the answer has all of them.
    """

    when: dict[str, str | int] = Field(min_length=1)
    text: Text
    misconception: str | None = None  # the [[misconception]] this wrong answer is


class Question(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    type: Literal["choice", "order", "classify"]
    prompt: Text
    options: list[Option] = []  # choice
    items: list[Item] = []  # order, classify
    categories: list[Item] = []  # classify
    answer: list[str] | dict[str, str] | None = None  # order: ids in order; classify: item → category
    misconception: str | None = None
    hints: list[Hint] = Field(min_length=1, max_length=4)
    feedback: list[Feedback] = []  # order, classify: explanations of specific wrong answers
    #: Answered right with at most this many wrong tries, or the question stays failed until
    #: the lab is reset (None: tries are only counted).
    max_wrong: int | None = Field(default=None, ge=0)
    reread: Text | None = None  # the lesson step to re-read when max_wrong is used up


class Misconception(_Strict):
    id: str
    text: Text
    fails: str
    actions: list[dict[str, Any]] = []
    answers: dict[str, Any] = {}


class NearMiss(_Strict):
    """A wrong design a student is likely to try: played from the lab's start, it must
    *fail* goal ``fails`` (or, with ``expect = "refused"``, one of its actions must be
    refused). ``virtlab check`` plays every one, so a lenient goal is caught before a
    student finds it."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    about: str = Field(min_length=1)  # what the shortcut is, for ``virtlab check``
    fails: str
    expect: Literal["fail", "refused"] = "fail"
    actions: list[dict[str, Any]] = []
    answers: dict[str, Any] = {}


class Solution(_Strict):
    actions: list[dict[str, Any]] = []
    answers: dict[str, Any] = {}


class LabMeta(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    kind: Literal["compute", "quiz"] = "compute"
    title: Text
    intro: Text | None = None
    actions: list[str] = ["all"]

    @field_validator("actions")
    @classmethod
    def _known(cls, v: list[str]) -> list[str]:
        bad = [a for a in v if a != "all" and a not in ACTION_KINDS]
        if bad:
            raise ValueError(f"unknown action kind(s) {', '.join(bad)} (known: all, {', '.join(ACTION_KINDS)})")
        return v


class Lab(BaseModel):
    """A loaded lab, its scenario already read into the core's model."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True, defer_build=True)

    meta: LabMeta
    path: Path
    state: Datacenter | None
    goals: list[Goal]
    questions: list[Question]
    misconceptions: list[Misconception]
    solution: Solution
    near_misses: list[NearMiss] = []

    @property
    def id(self) -> str:
        return self.meta.id

    def allows(self, action_kind: str) -> bool:
        return "all" in self.meta.actions or action_kind in self.meta.actions
