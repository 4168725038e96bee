"""How a scenario table is read: the problems collector, the input-model base and its units.

An input model names the file's keys (``validation_alias``: the friendly key, the field name:
the core's) and reads units with :mod:`virtlab.core.units`; the values it passes on are judged
by the core's own model, whose field names it maps back to the file's keys. Each problem is an
:class:`~virtlab.core.errors.InputError` whose ``where`` is the field path, said as
``file: field: problem``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Self, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError
from pydantic_core import ErrorDetails

from virtlab.core.errors import InputError
from virtlab.core.units import parse_cgroup_mib, parse_gib, parse_mib, parse_millicores

#: Memory with a unit (``"16 GiB"``), read into MiB.
MiB = Annotated[float, BeforeValidator(parse_mib)]
#: A container's memory limit is its cgroup's memory.max: "256M" is 256 MiB, as the kernel
#: reads it (a request is a Kubernetes quantity: "256M" is 256×10⁶ bytes).
CgroupMiB = Annotated[float, BeforeValidator(parse_cgroup_mib)]
#: Disk with a unit (``"2 TB"``), read into GiB.
GiB = Annotated[float, BeforeValidator(parse_gib)]
#: Container CPU (``"500m"``, ``"1.5"``), read into millicores.
Millicores = Annotated[float, BeforeValidator(parse_millicores)]


class Problems:
    """Collects problems as :class:`InputError` s and says them as ``file: field: problem``.

    ``prefix`` is put before every field path (a lab nests its scenario under ``scenario``).
    """

    def __init__(self, source: str, prefix: str = "") -> None:
        self.source = source
        self.prefix = prefix
        self.errors: list[InputError] = []

    def add(self, field: str, problem: str) -> None:
        self.errors.append(InputError(problem, self._path(field)))

    def extend(self, errors: Iterable[InputError]) -> None:
        for e in errors:
            self.add(e.where, e.message)

    def _path(self, field: str) -> str:
        return f"{self.prefix}.{field}" if self.prefix and field else (field or self.prefix)

    @property
    def items(self) -> list[str]:
        """Every problem as a ``file: field: problem`` line."""
        return [f"{self.source}: {e.where}: {e.message}" for e in self.errors]

    def __bool__(self) -> bool:
        return bool(self.errors)


class InputProblems(InputError):
    """Wrong input that stops a parse, with every problem found (``errors``)."""

    def __init__(self, errors: list[InputError]) -> None:
        self.errors = errors
        super().__init__("; ".join(str(e) for e in errors))


@dataclass(frozen=True, slots=True)
class Missing:
    """Marks a key the file must give (``Annotated`` metadata), with what to say if it does not."""

    message: str


def _message(err: ErrorDetails) -> str:
    cause = err.get("ctx", {}).get("error")
    if isinstance(cause, InputError):
        return cause.message
    return err["msg"].removeprefix("Value error, ")


def _join(where: str, field: str) -> str:
    return f"{where}.{field}" if field else where


class InputModel(BaseModel):
    """A table of the file: its keys (aliases) and how each is read; unknown keys are problems.

    Fields default to unset (TOML has no null), so one bad value never hides the others; what a
    table must give is marked :class:`Missing`. The values the core judges pass through as given.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)  # see build_models

    @classmethod
    def keys(cls) -> list[str]:
        """The file's keys, in field order."""
        return [cls._key(name) for name in cls.model_fields]

    @classmethod
    def _key(cls, name: str) -> str:
        alias = cls.model_fields[name].validation_alias
        return alias if isinstance(alias, str) else name

    @classmethod
    def names(cls) -> dict[str, str]:
        """Core field name → the file's key, to say the core's problems in the file's words."""
        return {name: cls._key(name) for name in cls.model_fields}

    @classmethod
    def unknown_keys(cls, raw: Mapping[str, Any], where: str) -> list[InputError]:
        allowed = cls.keys()
        return [InputError(f"unknown key (allowed: {', '.join(sorted(allowed))})", f"{where}.{k}")
                for k in raw if k not in allowed]

    @classmethod
    def read(cls, raw: Mapping[str, Any], where: str, p: Problems) -> tuple[Self | None, set[str]]:
        """The table read, and the keys that were wrong or missing (each reported in ``p``:
        unknown keys first, then in field order). A wrong value is left out, not guessed."""
        keys = cls.keys()
        found: list[tuple[int, InputError]] = []
        bad: set[str] = set()
        model: Self | None = None
        try:
            model = cls.model_validate(raw)
        except ValidationError as e:
            for err in e.errors():
                loc = [str(x) for x in err["loc"]]
                key = loc[0] if loc else ""
                bad.add(key)
                if err["type"] != "extra_forbidden" or len(loc) > 1:  # a nested table's too
                    order = keys.index(key) if key in keys else len(keys)
                    text = "unknown key" if err["type"] == "extra_forbidden" else _message(err)
                    found.append((order, InputError(text, _join(where, ".".join(loc)))))
            found += [(-1, e) for e in cls.unknown_keys(raw, where)]
        for i, (name, info) in enumerate(cls.model_fields.items()):
            key = cls._key(name)
            for mark in info.metadata:
                if isinstance(mark, Missing) and key not in raw:
                    found.append((i, InputError(mark.message, f"{where}.{key}")))
                    bad.add(key)
        found.sort(key=lambda item: item[0])
        p.extend(e for _, e in found)
        if model is None:
            try:
                model = cls.model_validate({k: v for k, v in raw.items() if k not in bad})
            except ValidationError:  # pragma: no cover - every field reads alone
                return None, bad
        return model, bad

    def given(self, *leave_out: str) -> dict[str, Any]:
        """The values the file gave, by core field name (without ``leave_out``)."""
        return self.model_dump(exclude_unset=True, exclude=set(leave_out))


M = TypeVar("M", bound=BaseModel)


def build(model: type[M], data: dict[str, Any], where: str, p: Problems,
          names: Mapping[str, str]) -> M | None:
    """The core's ``model`` from ``data``; its problems said with the file's keys."""
    try:
        return model.model_validate(data)
    except ValidationError as e:
        for err in e.errors():
            field = ".".join(names.get(str(x), str(x)) for x in err["loc"])
            text = err["msg"].removeprefix("Value error, ")
            # A rule between two fields names them as the file does (cpu_limit, not cpu_limit_mhz).
            text = re.sub(r"\b[a-z][a-z0-9_]*\b", lambda m: names.get(m[0], m[0]), text)
            p.add(_join(where, field), text)
        return None


def label(kind: str, i: int, raw: object) -> str:
    """``vm[2] (db-1)``: the table's place in its array, and its name if it has one."""
    name = raw.get("name") if isinstance(raw, dict) else None
    return f"{kind}[{i + 1}]" + (f" ({name})" if isinstance(name, str) else "")


def table_list(data: Mapping[str, Any], key: str, p: Problems) -> list[tuple[str, dict[str, Any]]]:
    """The tables of ``[[key]]``, each with its label; anything else is a problem."""
    items = data.get(key, [])
    if isinstance(items, dict):
        p.add(key, f"write [[{key}]] (an array of tables), not [{key}]")
        return []
    if not isinstance(items, list):
        p.add(key, f"must be an array of tables ([[{key}]])")
        return []
    out = []
    for i, raw in enumerate(items):
        where = label(key, i, raw)
        if not isinstance(raw, dict):
            p.add(where, "must be a table")
            continue
        out.append((where, raw))
    return out


def choices(known: Iterable[str]) -> str:
    """`` (known: a, b)``: up to six names to choose from, or nothing."""
    names = list(known)[:6]
    return f" (known: {', '.join(names)})" if names else ""
