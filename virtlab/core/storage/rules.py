"""The storage constraints a real system enforces, as violations with their numbers.

- ``thick_over_datastore``: thick disks take their full size at creation (vSphere Storage).

Thin disks are not limited by what they promise: a datastore may hold thin disks whose sizes
add up to more than its capacity (vSphere Storage guide, "About virtual disk provisioning
policies": thin provisioning lets a datastore be over-allocated); it fills when what they
*write* reaches its capacity (:mod:`virtlab.core.storage.usage`), and then every thin disk on
it stops writing. Nova's ``disk_allocation_ratio`` is a rule for a compute node's own local
disk (Placement's ``DISK_GB`` inventory), checked with the host
(:func:`virtlab.core.compute.rules.host_violations`), not a datastore's.
"""

from __future__ import annotations

from collections.abc import Iterable

from virtlab.core.base import Violation
from virtlab.core.storage.models import Datastore, VirtualDisk
from virtlab.core.units import fmt_apart


def datastore_violations(ds: Datastore, disks: Iterable[VirtualDisk]) -> list[Violation]:
    """The rules one datastore breaks, given every virtual disk on it."""
    ds_name = ds.name
    thick = sum(disk.size_gib for disk in disks if disk.provisioning != "thin")
    out = []
    if thick > ds.capacity_gib + 1e-9:
        thick_text, capacity_text = fmt_apart([thick, ds.capacity_gib], "gib")
        out.append(Violation(
            "thick_over_datastore", ds_name,
            f"{ds_name}: thick disks {thick_text} > {capacity_text} capacity "
            "(thick disks take their whole size at creation)",
            thick - ds.capacity_gib, {"datastore": ds_name, "thick": thick, "capacity": ds.capacity_gib},
        ))
    return out
