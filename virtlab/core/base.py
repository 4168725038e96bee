"""The base of the core: the frozen model, names, violations, refusals and the action base.

Everything here is shared by every domain (compute, storage, and those to come); nothing here
knows about any of them. Domains import this module; it imports none of theirs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Protocol, TypeVar, cast

from pydantic import BaseModel, ConfigDict, Field

from virtlab.core.errors import InputError

if TYPE_CHECKING:
    from virtlab.core.state import Datacenter

__all__ = ["ActionBase", "Frozen", "build_models", "virtlab_models", "InputError", "Name", "NonNegFloat", "PositiveFloat", "Refused",
           "Scope", "Violation", "refuse", "remove_named", "replace_named"]

Name = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$")]
PositiveFloat = Annotated[float, Field(gt=0)]
NonNegFloat = Annotated[float, Field(ge=0)]


class Frozen(BaseModel):
    """Base for every state model: immutable, strict about unknown fields, and every number
    finite (``inf`` and ``nan`` from a file never reach the engine).

    Its validator is built on first use (``defer_build``), not at import: the engine has
    about 150 models, and building them all would hold back a lesson's first frame. See
    :func:`build_models`."""

    model_config = ConfigDict(frozen=True, extra="forbid", validate_default=True,
                              allow_inf_nan=False, defer_build=True)


@dataclass(frozen=True, slots=True)
class Violation:
    """One failed constraint. ``code`` + ``params`` let the UI say it in any language."""

    code: str
    subject: str
    message: str
    excess: float = 0.0
    params: dict[str, float | str] = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, str]:
        return (self.code, self.subject)

    def as_json(self) -> dict[str, Any]:
        return {"code": self.code, "subject": self.subject, "message": self.message,
                "excess": self.excess}


class Refused(Exception):
    """An action a real system would refuse, with every reason."""

    def __init__(self, violations: list[Violation]) -> None:
        self.violations = violations
        super().__init__("; ".join(v.message for v in violations))


F = TypeVar("F", bound=Frozen)


def construct(cls: type[F], **values: Any) -> F:
    """``cls.model_construct(**values)`` (no validation), except that a field left out takes
    its default object itself: pydantic deep-copies the default on every call (a host's
    slice of the state left a whole empty ``NetworkPart`` and ``StorageStack`` to copy, twice
    per host per report), and the default of a frozen model is never changed, so it can be
    shared. The fields set are still the ones given."""
    given = set(values)
    for name, info in cls.__pydantic_fields__.items():
        if name not in values and info.default_factory is None and not info.is_required():
            values[name] = info.default
    return cast(F, cls.model_construct(given, **values))  # the plugin types it as Frozen


def refuse(code: str, subject: str, message: str, **params: Any) -> Refused:
    """A refusal with one reason (raise it)."""
    return Refused([Violation(code, subject, message, 0.0, params)])


class HasName(Protocol):
    @property
    def name(self) -> str: ...


N = TypeVar("N", bound=HasName)


def replace_named(items: tuple[N, ...], name: str, new: N) -> tuple[N, ...]:
    """``items`` with the one called ``name`` replaced by ``new``."""
    return tuple(new if i.name == name else i for i in items)


def remove_named(items: tuple[N, ...], name: str) -> tuple[N, ...]:
    return tuple(i for i in items if i.name != name)


@dataclass(frozen=True, slots=True)
class Scope:
    """What an action can change the rules for: hosts, datastores and container nodes
    (``("host", name)`` or ``("vm", name)``). ``everything`` re-checks the whole state."""

    hosts: frozenset[str] = frozenset()
    datastores: frozenset[str] = frozenset()
    nodes: frozenset[tuple[str, str]] = frozenset()
    everything: bool = False


class ActionBase(BaseModel):
    """A change a student or a lab can make: a small frozen model, stored and replayed.

    Each concrete action has a ``kind`` literal (the discriminator), ``apply`` (pure
    ``state → state``, raising :class:`Refused` for what the real system rejects outright),
    ``describe`` and :meth:`names`, the objects it touches by name. ``refusable`` says whether
    :func:`virtlab.core.actions.apply` refuses it when it breaks a capacity rule the old state
    kept; demand, faults, writes and time are outcomes to show, never refused that way.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False, defer_build=True)

    #: The discriminator: each action narrows it to a literal of its own.
    kind: str

    #: Whether breaking a rule the old state kept refuses this action.
    refusable: ClassVar[bool] = True
    #: Whether the action can change the rules for every host (policy, a new host).
    touches_everything: ClassVar[bool] = False

    def apply(self, dc: Datacenter) -> Datacenter:  # pragma: no cover - abstract
        raise NotImplementedError

    def describe(self) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    def names(self) -> tuple[str, ...]:
        """The objects (VMs, containers, hosts) this action is about."""
        return ()

    def extra_scope(self, after: Datacenter) -> Iterable[tuple[str, str]]:
        """More ``(kind, name)`` pairs to re-check, e.g. a move's target; kind is ``host`` or
        ``vm``."""
        return ()


def virtlab_models() -> set[type[BaseModel]]:
    """Every pydantic model class virtlab has defined so far (imported modules only)."""
    seen: set[type[BaseModel]] = set()
    stack: list[type[BaseModel]] = [BaseModel]
    while stack:
        for sub in stack.pop().__subclasses__():
            if sub not in seen:
                seen.add(sub)
                stack.append(sub)
    return {cls for cls in seen if cls.__module__.startswith("virtlab.")}


def build_models() -> int:
    """Build the validator of every virtlab model not built yet (the engine's, and the
    course's goal parameters, lab and scenario tables); how many.

    The app's warm-up thread calls this after the first frame, so no key waits for a
    model's first use. Safe beside the UI thread: pydantic (≥ 2.14.4) builds a deferred
    model under one lock, whichever thread uses it first.
    """
    built = 0
    for cls in sorted(virtlab_models(), key=lambda c: (c.__module__, c.__qualname__)):
        if not cls.__pydantic_complete__:
            cls.model_rebuild()
            built += 1
    return built
