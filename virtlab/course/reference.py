"""``virtlab check --list checks|actions``: the reference an author writes a lab from, read
from the registries themselves so it is never out of date.

- **checks**: every goal ``check`` with its ``params`` (``?`` marks an optional one) and what
  it judges (the first paragraph of its docstring);
- **actions**: every action ``kind`` a solution, a fixture or a walkthrough cue may use, with
  its keys. Keys are the core's; where a lab file writes them differently (sizes with units,
  a VM as a scenario's ``[[vm]]`` table) the line says so.
"""

from __future__ import annotations

import re
from typing import Any, get_args

from pydantic import BaseModel

from virtlab.core.actions import Action
from virtlab.course.goals import CHECKS

__all__ = ["actions_reference", "checks_reference"]

#: How a lab file writes an action's keys where that differs from the core's fields.
FILE_KEYS = {
    "add_vm": 'vm = { name, host, vcpus, memory = "8 GiB", … } (a scenario\'s [[vm]] table)',
    "add_container": 'container = { name, host, cpu_request, memory_limit = "256M", … } '
                     "(a scenario's [[container]] table)",
    "update": 'name, changes = { vcpus, memory = "8 GiB", cpu_limit, reservation, … } '
              "(sizes and resource controls, as a scenario writes them)",
    "set_demand": 'name, level (idle|normal|peak) or cpu, memory = "6 GiB"',
}


def _first_paragraph(doc: str | None) -> str:
    text = (doc or "").strip().split("\n\n")[0]
    return re.sub(r"\s+", " ", text.replace("``", ""))


def _fields(model: type[BaseModel], skip: tuple[str, ...] = ()) -> str:
    out = []
    for name, info in model.model_fields.items():
        if name in skip:
            continue
        out.append(f"{info.alias or name}{'' if info.is_required() else '?'}")
    return ", ".join(out) or "—"


def checks_reference() -> str:
    """Every goal check: ``name(params)``, then what it judges."""
    lines = ["Goal checks ([[goal]] check = \"…\", params = { … }; ? = optional):", ""]
    for name, spec in sorted(CHECKS.items()):
        history = " (judges what was done: the steps since the last reset)" if \
            type(spec).__name__ == "HistorySpec" else ""
        lines.append(f"{name}({_fields(spec.params)}){history}")
        lines.append(f"    {_first_paragraph(spec.doc)}")
    return "\n".join(lines)


def _action_classes() -> list[Any]:
    union = get_args(Action)[0]
    return list(get_args(union))


def actions_reference() -> str:
    """Every action kind: ``kind: keys``, then what it does."""
    lines = ["Actions ({ kind = \"…\", … } in a solution, a misconception or near miss, a walkthrough "
             "cue; ? = optional):", ""]
    for cls in sorted(_action_classes(), key=lambda c: c.model_fields["kind"].default):
        kind = cls.model_fields["kind"].default
        lines.append(f"{kind}: {FILE_KEYS.get(kind) or _fields(cls, skip=('kind',))}")
        doc = _first_paragraph(cls.__doc__)
        if doc and not doc.startswith(f"{cls.__name__}("):  # pydantic's own, for an undocumented one
            lines.append(f"    {doc}")
    return "\n".join(lines)
