"""Every domain's rules over one state, or over the part of it an action can change.

An action is refused when it creates a violation or makes one worse (so a student can always
shrink an overcommitted starting state back into shape). The rules themselves live with their
domains (:mod:`virtlab.core.compute.rules`, :mod:`virtlab.core.storage.rules`), each naming
its source.
"""

from __future__ import annotations

from virtlab.core.base import Scope, Violation
from virtlab.core.compute.rules import host_violations, node_violations
from virtlab.core.state import Datacenter
from virtlab.core.storage.rules import datastore_violations


def datastore_rules(dc: Datacenter, name: str) -> list[Violation]:
    """The rules datastore ``name`` breaks in ``dc`` (none if there is no such datastore)."""
    ds = dc.storage.datastore_index.get(name)
    if ds is None:
        return []
    disks = [disk for _, disk in dc.compute.disks_by_datastore.get(name, [])]
    return datastore_violations(ds, disks)


def whole(dc: Datacenter) -> Scope:
    """Every host, datastore and container node of ``dc``."""
    return Scope(frozenset(h.name for h in dc.hosts),
                 frozenset(d.name for d in dc.storage.datastores),
                 frozenset(dc.compute.containers_by_parent))


def violations_in(dc: Datacenter, scope: Scope) -> dict[tuple[str, str], Violation]:
    """The violations in ``scope``, by key."""
    out: dict[tuple[str, str], Violation] = {}
    for h in scope.hosts:
        for v in host_violations(dc, h):
            out[v.key] = v
    for d in scope.datastores:
        for v in datastore_rules(dc, d):
            out[v.key] = v
    for n in scope.nodes:
        for v in node_violations(dc, n):
            out[v.key] = v
    return out


def all_violations(dc: Datacenter) -> list[Violation]:
    """Every violated constraint in a state (a lab may start in one, for the student to fix)."""
    out: list[Violation] = []
    for h in dc.hosts:
        out += host_violations(dc, h.name)
    for d in dc.storage.datastores:
        out += datastore_rules(dc, d.name)
    for node in dc.compute.containers_by_parent:
        out += node_violations(dc, node)
    return out
