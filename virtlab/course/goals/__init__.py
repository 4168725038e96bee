"""Goal checks: predicates over a lab's state and its report.

Each check takes the datacenter, its report and the goal's validated parameters (a frozen
pydantic model per check), and returns a :class:`Verdict`: whether the goal is met, with a
detail that carries the engine's numbers ("srv-1: vRAM 240.0 GiB > 230.0 GiB"), worded in
the student's language by ``strings/{en,ko}-goals.toml``. A goal may be evaluated ``under``
a demand level (e.g. "peak"): the course sets every workload to that level first, so a
design is judged at its busiest, as capacity planning should be.

The checks live by domain (:mod:`.compute`, :mod:`.containers`, :mod:`.lifecycle`,
:mod:`.storage`, :mod:`.stack`, :mod:`.san`, :mod:`.network`), each exporting a ``CHECKS`` tuple; :data:`CHECKS` maps name → spec.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from virtlab.course.goals import (
    compute,
    containers,
    lifecycle,
    network,
    patching,
    san,
    stack,
    storage,
    workloads,
)
from virtlab.course.goals.registry import (
    AnySpec,
    CheckSpec,
    GoalParamError,
    GoalParams,
    History,
    NoParams,
    Verdict,
    Worded,
    build_registry,
    msg,
    param_problem,
)

__all__ = ["CHECKS", "AnySpec", "CheckSpec", "GoalParamError", "GoalParams", "History", "NoParams", "Verdict",
           "Worded", "msg", "param_problem", "param_problems", "parse_params", "unknown_check", "validate_params"]

#: Every check, by the name lab files give in ``check = "…"``.
CHECKS: Mapping[str, AnySpec] = build_registry(
    compute.CHECKS, containers.CHECKS, lifecycle.CHECKS, network.CHECKS, patching.CHECKS, san.CHECKS, stack.CHECKS,
    storage.CHECKS, workloads.CHECKS)


def unknown_check(kind: str) -> str:
    return f"unknown check {kind!r} (known: {', '.join(sorted(CHECKS))})"


def parse_params(kind: str, params: Mapping[str, Any],
                 context: Mapping[str, Any] | None = None) -> GoalParams:
    """``params`` read into check ``kind``'s model; :class:`GoalParamError` lists the problems.

    ``context`` may give the lab's starting ``state`` and the names its solution ``added``
    (see :mod:`virtlab.course.goals.fields`), so that references are checked too.
    """
    spec = CHECKS.get(kind)
    if spec is None:
        raise GoalParamError(unknown_check(kind), "check")
    model: type[GoalParams] = spec.params
    try:
        return model.model_validate(params, context=context)
    except ValidationError as e:
        raise GoalParamError("; ".join(param_problems(spec, e))) from None


def param_problems(spec: AnySpec, e: ValidationError) -> list[str]:
    """Each error of ``spec``'s parameters as ``params.FIELD: problem``."""
    return [f"params.{'.'.join(str(x) for x in err['loc'])}: {param_problem(spec, err)}"
            if err["loc"] else f"params: {param_problem(spec, err)}" for err in e.errors()]


def validate_params(kind: str, params: Mapping[str, Any],
                    context: Mapping[str, Any] | None = None) -> list[str]:
    """Problems with a goal's ``check`` and ``params`` (for ``virtlab check``)."""
    spec = CHECKS.get(kind)
    if spec is None:
        return [unknown_check(kind)]
    try:
        spec.params.model_validate(params, context=context)
    except ValidationError as e:
        return param_problems(spec, e)
    return []
