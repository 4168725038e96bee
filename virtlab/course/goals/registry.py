"""What every goal check is made of: its parameters model, its verdict and its spec.

A check is a function ``(datacenter, report, params) → Verdict``. Its parameters are a
frozen pydantic model (:class:`GoalParams`), validated once where the lab file is read, so a
check reads typed attributes and never a wrong value. Its verdict carries a message key and
the numbers behind it (quantities as value + unit); the words live in
``strings/{en,ko}-goals.toml`` and are filled in the student's language only when shown.

Each domain module exports an explicit tuple of :class:`CheckSpec`; :func:`build_registry`
makes the one name → spec mapping from those tuples (no registration by import).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

from pydantic import BaseModel, ConfigDict
from pydantic_core import ErrorDetails

from virtlab.core.base import ActionBase, Violation
from virtlab.core.errors import InputError
from virtlab.core.report import Report
from virtlab.core.state import Datacenter
from virtlab.core.units import fmt_apart, fmt_qty
from virtlab.course.explain import violation_text
from virtlab.course.i18n import t

__all__ = ["AnySpec", "Arg", "CheckSpec", "GoalParamError", "GoalParams", "History",
           "HistorySpec", "Listed", "Msg", "Qty", "Refusal", "Verdict", "Worded",
           "build_registry", "fail", "msg", "ok", "param_problem"]


class GoalParamError(InputError):
    """A goal's parameters are wrong (reported by ``virtlab check``)."""


class GoalParams(BaseModel):
    """Base of every check's parameters: immutable, and a parameter it does not take is an
    error."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)
    """Built on first use, as the engine's models are (a lab uses a few of the ~40 checks;
    :func:`virtlab.core.base.build_models` builds the rest after the first frame)."""


class NoParams(GoalParams):
    """The parameters of a check that takes none."""


# --------------------------------------------------------------------------- messages

@dataclass(frozen=True, slots=True)
class Qty:
    """A quantity in a message, shown by :func:`~virtlab.core.units.fmt_qty`."""

    value: float
    unit: str  # "mib", "gib", "mhz", "millicores", "vcpu" or "count"


@dataclass(frozen=True, slots=True)
class Msg:
    """A message key and its arguments, worded in a language only when shown."""

    key: str
    args: tuple[tuple[str, Arg], ...] = ()

    def text(self, lang: str) -> str:
        words = {name: _render(value, lang) for name, value in self.args}
        # Quantities of one unit that differ never read the same ("230.0 GiB > 230.0 GiB").
        by_unit: dict[str, list[tuple[str, float]]] = {}
        for name, value in self.args:
            if isinstance(value, Qty):
                by_unit.setdefault(value.unit, []).append((name, value.value))
        for unit, pairs in by_unit.items():
            if len(pairs) > 1:
                texts = fmt_apart([v for _, v in pairs], unit)
                words.update(zip([n for n, _ in pairs], texts, strict=True))
        return t(self.key, lang, **words)


@dataclass(frozen=True, slots=True)
class Listed:
    """Items joined with ", " (or ``empty`` when there are none)."""

    items: tuple[Arg, ...]
    empty: Msg

    def text(self, lang: str) -> str:
        if not self.items:
            return self.empty.text(lang)
        return ", ".join(str(_render(x, lang)) for x in self.items)


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why the engine refused an action: its own English words (what ``virtlab report``
    prints), the refusal texts of ``strings/*-rules.toml`` in any other language."""

    violations: tuple[Violation, ...] = field(hash=False)  # a violation's params are a dict

    def text(self, lang: str) -> str:
        if lang == "en":
            return "; ".join(v.message for v in self.violations)
        return "; ".join(violation_text(v, lang) for v in self.violations)


Arg = str | int | float | Qty | Msg | Listed | Refusal


def _render(value: Arg, lang: str) -> str | int | float:
    if isinstance(value, Qty):
        return fmt_qty(value.value, value.unit)
    if isinstance(value, Msg | Listed | Refusal):
        return value.text(lang)
    return value


def msg(key: str, **args: Arg) -> Msg:
    return Msg(key, tuple(args.items()))


class Detail(Protocol):
    def text(self, lang: str) -> str: ...


@dataclass(frozen=True, slots=True)
class Worded:
    """A detail already worded in each language (a quiz answer's feedback)."""

    en: str
    ko: str

    def text(self, lang: str) -> str:
        return self.ko if lang == "ko" else self.en


@dataclass(frozen=True, slots=True)
class Verdict:
    """Whether a goal is met, and the detail that says why (with the engine's numbers)."""

    met: bool
    detail: Detail

    def text(self, lang: str) -> str:
        return self.detail.text(lang)

    @property
    def en(self) -> str:
        return self.text("en")

    @property
    def ko(self) -> str:
        return self.text("ko")


def ok(key: str, **args: Arg) -> Verdict:
    """The goal is met; ``key`` says how well."""
    return Verdict(True, msg(key, **args))


def fail(key: str, **args: Arg) -> Verdict:
    """The goal is not met; ``key`` says what is wrong."""
    return Verdict(False, msg(key, **args))


# --------------------------------------------------------------------------- history

@dataclass(frozen=True, slots=True)
class History:
    """What the student did: the lab's starting state and each step in effect, oldest first
    (an action and the state it led to; ``None`` for a reset back to ``start``).

    A check that judges *order* ("a snapshot existed when the patch was written") reads it;
    replaying the actions on ``start`` gives each state again (the session's action log).
    """

    start: Datacenter
    steps: tuple[tuple[ActionBase | None, Datacenter], ...] = ()

    def transitions(self) -> list[tuple[Datacenter, ActionBase, Datacenter]]:
        """``(before, action, after)`` for each action since the last reset, oldest first."""
        out: list[tuple[Datacenter, ActionBase, Datacenter]] = []
        before = self.start
        for action, after in self.steps:
            if action is None:
                out.clear()
            else:
                out.append((before, action, after))
            before = after
        return out


# --------------------------------------------------------------------------- specs

P = TypeVar("P", bound=GoalParams)


class _Described:
    """What every kind of spec tells ``virtlab check`` and the docs."""

    name: str
    params: type[GoalParams]

    def _fn(self) -> Callable[..., Verdict]:
        raise NotImplementedError

    @property
    def doc(self) -> str:
        """What the check asks (its function's docstring)."""
        return (self._fn().__doc__ or "").strip()

    def takes(self) -> tuple[str, ...]:
        return tuple(self.params.model_fields)

    def _checked(self, params: GoalParams) -> None:
        if not isinstance(params, self.params):
            raise GoalParamError(f"{self.name} takes {self.params.__name__}, "
                                 f"not {type(params).__name__}")


@dataclass(frozen=True, slots=True)
class CheckSpec(_Described, Generic[P]):
    """One check of the state now: its name in lab files, its parameters model and its
    function."""

    name: str
    params: type[P]
    run: Callable[[Datacenter, Report, P], Verdict]

    def _fn(self) -> Callable[..., Verdict]:
        return self.run

    def __call__(self, dc: Datacenter, report: Report, params: GoalParams,
                 history: History | None = None) -> Verdict:
        self._checked(params)
        return self.run(dc, report, params)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class HistorySpec(_Described, Generic[P]):
    """One check of what was done and when: its function also reads the :class:`History`
    (without one, the state now is taken as the start with nothing done)."""

    name: str
    params: type[P]
    run: Callable[[History, Datacenter, Report, P], Verdict]

    def _fn(self) -> Callable[..., Verdict]:
        return self.run

    def __call__(self, dc: Datacenter, report: Report, params: GoalParams,
                 history: History | None = None) -> Verdict:
        self._checked(params)
        return self.run(history or History(dc), dc, report, params)  # type: ignore[arg-type]


AnySpec = CheckSpec[Any] | HistorySpec[Any]


def build_registry(*groups: Iterable[AnySpec]) -> Mapping[str, AnySpec]:
    """Name → spec from the domains' tuples; a name given twice is a programming error."""
    out: dict[str, AnySpec] = {}
    for group in groups:
        for spec in group:
            if spec.name in out:
                raise ValueError(f"goal check {spec.name!r} is defined twice")
            out[spec.name] = spec
    return out


def param_problem(spec: AnySpec, err: ErrorDetails) -> str:
    """One validation error of ``spec``'s parameters, in ``virtlab check``'s words."""
    if err["type"] == "missing":
        return f"missing (required by {spec.name})"
    if err["type"] == "extra_forbidden":
        return f"unknown parameter for {spec.name} (takes {', '.join(spec.takes()) or 'none'})"
    if err["type"] == "model_type":
        return "must be a table ({ name = value, … })"
    return err["msg"]
