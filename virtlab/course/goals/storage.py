"""Goal checks on datastores: free space now, and free space if every thin disk and
snapshot delta grew to its disk's size.

Words: the ``goal.*`` keys of ``strings/{en,ko}-goals.toml``.
"""

from __future__ import annotations

from typing import Any

from virtlab.core.report import Report
from virtlab.core.state import Datacenter
from virtlab.core.storage.usage import DatastoreUsage
from virtlab.course.goals.fields import DatastoreRef, Percent
from virtlab.course.goals.registry import CheckSpec, GoalParams, Qty, Verdict, fail, ok

__all__ = ["CHECKS"]


class DatastoreFreeMin(GoalParams):
    datastore: DatastoreRef
    min_pct: Percent


def _usage(report: Report, name: str) -> DatastoreUsage | None:
    return next((d for d in report.datastores if d.name == name), None)


def _lost_on(dc: Datacenter, datastore: str) -> str | None:
    """A VM whose disk on ``datastore`` is lost: the space it seems to free is not a design
    (the VM is gone until restored, and the restore needs that space back)."""
    return next((vm.name for vm in dc.compute.vms
                 for disk in vm.disks if disk.datastore == datastore and disk.lost), None)


def datastore_free_min(dc: Datacenter, report: Report, p: DatastoreFreeMin) -> Verdict:
    """Datastore free space at least ``min_pct`` % of its capacity (with every VM on it
    intact)."""
    d = _usage(report, p.datastore)
    if d is None:
        return fail("goal.no_datastore", name=p.datastore)
    if (lost := _lost_on(dc, d.name)) is not None:
        return fail("goal.datastore.lost", ds=d.name, vm=lost)
    free_pct = 100 * d.free_gib / d.capacity_gib
    if free_pct < p.min_pct:
        return fail("goal.datastore_free_min.short", ds=d.name, pct=free_pct, want=p.min_pct)
    return ok("goal.datastore_free_min.met", ds=d.name, pct=free_pct)


def datastore_worst_free_min(dc: Datacenter, report: Report, p: DatastoreFreeMin) -> Verdict:
    """Free space at least ``min_pct`` % even if every thin disk and snapshot delta on the
    datastore grew to its disk's size (each delta can), with every VM on it intact."""
    d = _usage(report, p.datastore)
    if d is None:
        return fail("goal.no_datastore", name=p.datastore)
    if (lost := _lost_on(dc, d.name)) is not None:
        return fail("goal.datastore.lost", ds=d.name, vm=lost)
    free_pct = 100 * d.worst_case_free_gib / d.capacity_gib
    if free_pct < p.min_pct:
        return fail("goal.datastore_worst_free_min.short", ds=d.name, pct=free_pct, want=p.min_pct,
                    worst=Qty(d.worst_case_gib, "gib"), capacity=Qty(d.capacity_gib, "gib"))
    return ok("goal.datastore_worst_free_min.met", ds=d.name, pct=free_pct)


CHECKS: tuple[CheckSpec[Any], ...] = (
    CheckSpec("datastore_free_min", DatastoreFreeMin, datastore_free_min),
    CheckSpec("datastore_worst_free_min", DatastoreFreeMin, datastore_worst_free_min),
)
