"""Public parsers for the lab loader: one VM, one container, or an update's changes, written
as in a scenario file (friendly keys, units) — a lab's actions use the scenario's words."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from virtlab.core.compute.models import VM, Container
from virtlab.core.errors import InputError
from virtlab.core.units import UnitError, parse_cgroup_mib, parse_mib, parse_millicores
from virtlab.course.scenario.reading import InputProblems, Problems
from virtlab.course.scenario.sections import read_container, read_vm


def _table(raw: object, where: str) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise InputProblems([InputError("must be a table", where)])
    return raw


def parse_vm(raw: object, where: str = "vm", local: Mapping[str, str] | None = None) -> VM:
    """A VM from its table; ``local`` maps a host to its local datastore (a disk's default).

    Raises :class:`InputProblems` with every problem (``where.field: problem``). Its host and
    datastores are not checked here: adding it checks them.
    """
    p = Problems("")
    vm = read_vm(_table(raw, where), where, p, local or {})
    if p or vm is None:
        raise InputProblems(p.errors)
    return vm


def parse_container(raw: object, where: str = "container") -> Container:
    """A container from its table; raises :class:`InputProblems` with every problem."""
    p = Problems("")
    c = read_container(_table(raw, where), where, p)
    if p or c is None:
        raise InputProblems(p.errors)
    return c


# An update's friendly keys: the field each sets and how its value is read.
_UPDATE_UNITS: dict[str, tuple[str, Callable[[Any], float]]] = {
    "memory": ("memory_mib", parse_mib),
    "mem_reservation": ("mem_reservation_mib", parse_mib),
    "mem_limit": ("mem_limit_mib", parse_mib),
    "cpu_reservation": ("cpu_reservation_mhz", float),
    "memory_request": ("mem_request_mib", parse_mib),
    "memory_limit": ("mem_limit_mib", parse_cgroup_mib),  # memory.max: 256M is 256 MiB
    "cpu_request": ("cpu_request_m", parse_millicores),
}


def parse_update_changes(changes: Mapping[str, Any], *, container: bool) -> dict[str, Any]:
    """An update's ``changes`` with friendly keys and units, as the core's fields
    (``cpu_limit`` is millicores for a container, MHz for a VM); other keys pass through.
    A unit that cannot be read raises :class:`~virtlab.core.units.UnitError`."""
    out: dict[str, Any] = {}
    for k, v in changes.items():
        if k == "cpu_limit" and container:
            k, v = "cpu_limit_m", parse_millicores(v)
        elif k == "cpu_limit":
            k, v = "cpu_limit_mhz", float(v)
        elif k in _UPDATE_UNITS:
            field, read = _UPDATE_UNITS[k]
            try:
                k, v = field, read(v)
            except UnitError as e:
                raise UnitError(e.message, f"changes.{k}") from None
        out[k] = v
    return out
