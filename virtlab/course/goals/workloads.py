"""Goal checks that the scenario's workloads are still there and running, and that a
workload runs on a kernel of its own.

A capacity goal is easy to meet by removing, powering off or crashing the workloads the
scenario is about; :func:`workloads_run` catches that by comparing with the lab's start.
A goal meant to give a workload its own kernel is met by moving *it* into a VM, not by
moving its neighbour away (:func:`own_kernel`).

Words: the ``goal.workloads_run.*`` and ``goal.own_kernel.*`` keys of
``strings/{en,ko}-work.toml``.
"""

from __future__ import annotations

from virtlab.core.compute.isolation import placement
from virtlab.core.compute.report import RowStatus
from virtlab.core.report import Report
from virtlab.core.state import Datacenter
from virtlab.course.goals.fields import WorkloadRef
from virtlab.course.goals.registry import (
    AnySpec,
    CheckSpec,
    GoalParams,
    History,
    HistorySpec,
    Listed,
    Verdict,
    fail,
    msg,
    ok,
)

__all__ = ["CHECKS"]


class WorkloadsRun(GoalParams):
    apart_from: tuple[WorkloadRef, ...] = ()
    """Workloads of the scenario this goal does not ask about (e.g. one the lab kills)."""


def workloads_run(history: History, dc: Datacenter, report: Report, p: WorkloadsRun) -> Verdict:
    """Every VM and container of the lab's starting scenario (except ``apart_from``) still
    exists and runs: a design may not meet its goals by removing, powering off or crashing
    the workloads it is for."""
    wanted = [n for n in history.start.workload_names() if n not in set(p.apart_from)]
    gone = tuple(n for n in wanted if report.workload(n) is None)
    if gone:
        return fail("goal.workloads_run.gone", names=Listed(gone, msg("goal.shared.none")))
    for name in wanted:
        row = report.workload(name)
        if row is not None and row.status is not RowStatus.RUNNING:
            return fail("goal.workloads_run.stopped", name=name,
                        status=msg(f"goal.workloads_run.status.{row.status.name.lower()}"))
    return ok("goal.workloads_run.all", n=len(wanted))


class OwnKernel(GoalParams):
    workload: WorkloadRef
    apart_from: tuple[WorkloadRef, ...] = ()
    """Workloads that must not share that kernel."""


def own_kernel(dc: Datacenter, report: Report, p: OwnKernel) -> Verdict:
    """``workload`` runs on a guest kernel of its own (it is a VM, or runs in one), which
    none of ``apart_from`` shares — not on the host's kernel that every host container
    shares."""
    place = placement(dc, p.workload)
    if place is None:
        return fail("goal.isolation_min.missing", name=p.workload)
    if place.kernel[0] == "host":
        return fail("goal.own_kernel.host", name=p.workload, host=place.host)
    for other in p.apart_from:
        theirs = placement(dc, other)
        if theirs is not None and theirs.kernel == place.kernel:
            return fail("goal.own_kernel.shared", name=p.workload, other=other, vm=place.kernel[1])
    return ok("goal.own_kernel.met", name=p.workload, vm=place.kernel[1])


CHECKS: tuple[AnySpec, ...] = (
    HistorySpec("workloads_run", WorkloadsRun, workloads_run),
    CheckSpec("own_kernel", OwnKernel, own_kernel),
)
