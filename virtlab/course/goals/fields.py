"""The field types goal parameters are made of: quantities read with the units parser,
percentages and ratios, and typed references to what the lab's scenario names.

A reference (:data:`VmRef`, :data:`HostRef`, …) is checked against the lab's starting state
when the parameters are validated with a context::

    Params.model_validate(raw, context={"state": dc, "added": {"web-3": "vm"}})

``added`` names what the lab's reference solution creates (name → ``"vm"`` or
``"container"``), so a goal may name a VM the student is asked to add. Without a state in
the context (a quiz, or a check built in a test) a reference is only a non-empty name.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, Field, ValidationInfo
from pydantic_core import PydanticCustomError

from virtlab.core.compute.isolation import Level
from virtlab.core.compute.memory import MemState
from virtlab.core.state import Datacenter
from virtlab.core.units import (
    UnitError,
    parse_bytes,
    parse_cgroup_mib,
    parse_gib,
    parse_mib,
    parse_millicores,
)

__all__ = ["Bytes", "CapacityRef", "ContainerRef", "DatastoreRef", "Hours", "HostRef", "IsolationLevel", "MemoryState",
           "LvmMib", "Mib", "Gib", "Millicores", "NonNeg", "Percent", "RefKind", "Resource", "StorageRef", "VmRef",
           "WorkloadRef", "problem", "read_quantity"]

Resource = Literal["cpu", "ram", "disk"]
RefKind = Literal["vm", "container", "workload", "host", "datastore", "storage", "capacity"]

_WORD = {"vm": "a VM", "container": "a container", "workload": "a workload", "host": "a host",
         "datastore": "a datastore", "storage": "a storage object (disk, RAID group, PV, VG, LV, pool)",
         "capacity": "something with a capacity (a RAID group, VG, LV, thin pool, Ceph pool, LUN, share or "
                     "datastore)"}


def problem(text: str) -> PydanticCustomError:
    """A validation error that reads exactly ``text`` (no "Value error, " in front)."""
    return PydanticCustomError("goal_param", "{problem}", {"problem": text})


# --------------------------------------------------------------------------- quantities

def read_quantity(parse: Callable[[object], float]) -> Callable[[Any], float]:
    """A before-validator reading a number or a string with a unit through ``parse``."""
    def read(value: Any) -> float:
        try:
            return parse(value)
        except UnitError as e:
            raise problem(str(e)) from None
    return read


_finite = Field(ge=0, allow_inf_nan=False)
#: A plain number at least 0 (a ratio, a vCPU count).
NonNeg = Annotated[float, _finite]
#: A percentage, 0 to 100.
Percent = Annotated[float, Field(ge=0, le=100, allow_inf_nan=False)]
#: Hours, at least 0.
Hours = NonNeg
#: Memory in MiB: ``"8 GiB"``, ``"512 MiB"`` or a number of MiB.
Mib = Annotated[float, BeforeValidator(read_quantity(parse_mib)), _finite]
#: A size as LVM reads it: a bare K, M, G, T is a power of 1024 ("15G" is 15 GiB).
LvmMib = Annotated[float, BeforeValidator(read_quantity(parse_cgroup_mib)), _finite]
#: Disk in GiB: ``"115 GiB"``, ``"2 TB"`` or a number of GiB.
Gib = Annotated[float, BeforeValidator(read_quantity(parse_gib)), _finite]
#: Container CPU in millicores: ``"500m"``, ``"1.5"`` or a number of cores.
Millicores = Annotated[float, BeforeValidator(read_quantity(parse_millicores)), _finite]


def _mem_state(value: Any) -> MemState:
    if isinstance(value, MemState):
        return value
    try:
        state = MemState(value)
    except ValueError:
        state = MemState.DOWN
    if state is MemState.DOWN:  # not a level a goal can ask for
        raise problem(f"unknown memory state {value!r} (high, clear, soft, hard, low)") from None
    return state


def _level(value: Any) -> Level:
    if isinstance(value, Level):
        return value
    try:
        return Level[str(value).upper().replace(" ", "_").replace("-", "_")]
    except KeyError:
        raise problem(f"unknown level {value!r} ({', '.join(x.name.lower() for x in Level)})") from None


#: A host memory state ("clear", "soft", …).
MemoryState = Annotated[MemState, BeforeValidator(_mem_state)]
#: An isolation level ("hypervisor", "host kernel", "shared-kernel", …).
IsolationLevel = Annotated[Level, BeforeValidator(_level)]


# --------------------------------------------------------------------------- references

def _kind_of(dc: Datacenter, added: Mapping[str, str], name: str) -> str | None:
    if name in dc.compute.vm_index:
        return "vm"
    if name in dc.compute.container_index:
        return "container"
    if name in dc.host_index:
        return "host"
    if any(d.name == name for d in dc.storage.datastores):
        return "datastore"
    if name in dc.storage.stack.names:
        return "storage"
    return added.get(name)


def _resolve(kind: RefKind) -> Callable[[str, ValidationInfo], str]:
    def resolve(name: str, info: ValidationInfo) -> str:
        ctx = info.context
        state = ctx.get("state") if isinstance(ctx, Mapping) else None
        if not isinstance(state, Datacenter):
            return name
        added = ctx.get("added") if isinstance(ctx, Mapping) else None
        found = _kind_of(state, added if isinstance(added, Mapping) else {}, name)
        if found is None:
            raise problem(f"names {name!r}, which is not in the scenario")
        if found != kind and not (kind == "workload" and found in ("vm", "container")) and not (
                kind == "capacity" and found in ("storage", "datastore")):
            raise problem(f"names {name!r}, which is {_WORD[found]}, not {_WORD[kind]}")
        return name
    return resolve


#: A VM of the lab's scenario (or one its solution adds).
VmRef = Annotated[str, Field(min_length=1), AfterValidator(_resolve("vm"))]
#: A container of the lab's scenario (or one its solution adds).
ContainerRef = Annotated[str, Field(min_length=1), AfterValidator(_resolve("container"))]
#: A VM or a container.
WorkloadRef = Annotated[str, Field(min_length=1), AfterValidator(_resolve("workload"))]
#: A host of the lab's scenario.
HostRef = Annotated[str, Field(min_length=1), AfterValidator(_resolve("host"))]
#: A datastore of the lab's scenario.
DatastoreRef = Annotated[str, Field(min_length=1), AfterValidator(_resolve("datastore"))]
#: Something in the scenario's storage stack: a disk, RAID group, PV, VG, LV, thin pool or
#: volume, or a Ceph pool.
StorageRef = Annotated[str, Field(min_length=1), AfterValidator(_resolve("storage"))]
#: A storage object or a datastore: what has a usable capacity.
CapacityRef = Annotated[str, Field(min_length=1), AfterValidator(_resolve("capacity"))]
#: A size in bytes: ``"26 TB"`` (decimal), ``"10 GiB"`` (binary); a bare number is bytes.
Bytes = Annotated[float, BeforeValidator(read_quantity(lambda v: parse_bytes(v, 1))), _finite]
