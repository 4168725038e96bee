"""Cross-references between sections, judged by the core's own placement validators.

A VM's host and datastores and a container's host or VM are checked by
:func:`~virtlab.core.compute.actions.check_vm_home` and
:func:`~virtlab.core.compute.actions.check_container_home` — the rules ``add_vm`` and
``add_container`` apply — and each refusal is said as the problem of the field it is about.
"""

from __future__ import annotations

from collections.abc import Callable

from virtlab.core.base import Refused, Violation
from virtlab.core.compute.actions import check_container_home, check_vm_home
from virtlab.core.compute.models import VM, Container
from virtlab.core.errors import InputError
from virtlab.core.state import Datacenter
from virtlab.course.scenario.reading import choices

# What each refusal means in a scenario file: the field it is about (``None``: the caller's)
# and the problem, from the violation's parameters and the datacenter the file describes.
_Wording = Callable[[Violation, Datacenter], str]
_PROBLEMS: dict[str, tuple[str | None, _Wording]] = {
    "unknown_host": ("host", lambda v, dc: f"no host named {v.params['host']!r}" + choices(dc.host_index)),
    "no_hypervisor": ("host", lambda v, dc: f"{v.params['host']} runs no hypervisor, so it cannot run VMs"),
    "no_host_os": ("host", lambda v, dc: f"{v.params['host']} runs {v.params['hypervisor']}, which has no "
                   "Linux host OS: put the container in a VM"),
    "unknown_vm": ("vm", lambda v, dc: f"no VM named {v.params['vm']!r}" + choices(dc.compute.vm_index)),
    "unknown_datastore": (None, lambda v, dc: f"no datastore named {v.params['datastore']!r}"
                          + choices(dc.storage.datastore_index)),
    "datastore_not_visible": (None, lambda v, dc: f"{v.params['datastore']} is not visible from "
                              f"{v.params['host']}"),
}


def _said(refused: Refused, dc: Datacenter, where: str, field: str | None = None) -> list[InputError]:
    out = []
    for v in refused.violations:
        key, wording = _PROBLEMS.get(v.code, (None, lambda v, dc: v.message))
        name = key or field
        out.append(InputError(wording(v, dc), f"{where}.{name}" if name else where))
    return out


def vm_home_problems(dc: Datacenter, vm: VM, where: str) -> tuple[bool, list[InputError]]:
    """Whether ``vm``'s host can run it, and the problems of its host and of each disk
    (``disks[n].datastore``) in ``dc`` (its hosts and datastores)."""
    try:
        check_vm_home(dc, vm.model_copy(update={"disks": ()}))
    except Refused as r:
        return False, _said(r, dc, where, "host")
    out: list[InputError] = []
    for j, disk in enumerate(vm.disks):
        try:
            check_vm_home(dc, vm.model_copy(update={"disks": (disk,)}))
        except Refused as r:
            out += _said(r, dc, where, f"disks[{j + 1}].datastore")
    return True, out


def container_home_problems(dc: Datacenter, c: Container, where: str) -> list[InputError]:
    """The problems of ``c``'s host or VM in ``dc`` (its hosts and VMs)."""
    try:
        check_container_home(dc, c)
    except Refused as r:
        return _said(r, dc, where)
    return []
