"""The dispatcher: every domain's actions as one union, and :func:`apply`.

The union is built once from the domains' explicit ``ACTIONS`` tuples, and the kinds come from
each class's own ``kind``. :func:`apply` runs an action and, when the result breaks a rule of
:mod:`virtlab.core.rules` that the old state did not break (or breaks it harder), raises
:class:`~virtlab.core.base.Refused` with every failed constraint and its numbers; the old
state is untouched. Which rules to re-check comes from what the action declares it touches.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Annotated, Union, get_args

from pydantic import Field, TypeAdapter

from virtlab.core.base import ActionBase, Refused, Scope
from virtlab.core.compute import actions as compute_actions
from virtlab.core.compute import lifecycle
from virtlab.core.network import actions as network_actions
from virtlab.core.rules import violations_in, whole
from virtlab.core.state import Datacenter
from virtlab.core.storage import actions as storage_actions

#: Every action class, in the order their kinds are listed.
ACTION_CLASSES: tuple[type[ActionBase], ...] = (*compute_actions.ACTIONS, *lifecycle.ACTIONS,
                                                 *storage_actions.ACTIONS, *network_actions.ACTIONS)

if TYPE_CHECKING:
    Action = ActionBase
else:  # one discriminated union of every domain's actions, for reading them from files
    Action = Annotated[Union[ACTION_CLASSES], Field(discriminator="kind")]  # noqa: UP007


_adapter: list[TypeAdapter[ActionBase]] = []
_adapter_lock = threading.Lock()


def action_adapter() -> TypeAdapter[ActionBase]:
    """The one validator of every kind of action (from files, work and reports), built on
    first use, by one thread (the warm-up thread or the first to read an action): it
    compiles every action's schema, which start-up need not wait for."""
    with _adapter_lock:
        if not _adapter:
            for cls in ACTION_CLASSES:  # each under pydantic's own lock, then reused
                cls.model_rebuild()
            _adapter.append(TypeAdapter(Action))
        return _adapter[0]


def _kind(cls: type[ActionBase]) -> str:
    (kind,) = get_args(cls.model_fields["kind"].annotation)
    return str(kind)


#: The kind of each action, as a lab's allow-list names them.
ACTION_KINDS: tuple[str, ...] = tuple(_kind(cls) for cls in ACTION_CLASSES)


def scope_of(before: Datacenter, after: Datacenter, action: ActionBase) -> Scope:
    """Which hosts, datastores and container nodes an action can change the rules for."""
    if action.touches_everything:
        return whole(after)
    hosts: set[str] = set()
    stores: set[str] = set()
    nodes: set[tuple[str, str]] = set()
    for state in (before, after):
        for n in action.names():
            vm = state.compute.vm_index.get(n)
            if vm is not None:
                hosts.add(vm.host)
                stores.update(d.datastore for d in vm.disks)
                nodes.add(("vm", vm.name))
            c = state.compute.container_index.get(n)
            if c is not None:
                nodes.add(c.parent)
                if c.host:
                    hosts.add(c.host)
    for kind, name in action.extra_scope(after):
        nodes.add((kind, name))
        if kind == "host":
            hosts.add(name)
    return Scope(frozenset(hosts), frozenset(stores), frozenset(nodes))


def apply(dc: Datacenter, action: ActionBase) -> Datacenter:
    """Apply ``action``; raise :class:`Refused` if it breaks a rule the old state kept."""
    after = action.apply(dc)
    if not action.refusable:
        # Demand, faults, writes and time are what the simulator is for; a full datastore is
        # an outcome to show, not a request to refuse. Removing only frees.
        return after
    scope = scope_of(dc, after, action)
    old = violations_in(dc, scope)
    new = violations_in(after, scope)
    worse = [v for k, v in new.items() if k not in old or v.excess > old[k].excess + 1e-9]
    if worse:
        raise Refused(worse)
    return after
