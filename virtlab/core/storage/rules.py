"""The storage constraints a real system enforces, as violations with their numbers.

- ``thick_over_datastore``: thick disks take their full size at creation (vSphere Storage).
- ``disk_capacity``: provisioned ≤ capacity × the disk allocation ratio (Placement).
"""

from __future__ import annotations

from collections.abc import Iterable

from virtlab.core.base import Violation
from virtlab.core.storage.models import Datastore, VirtualDisk
from virtlab.core.units import fmt_gib


def datastore_violations(ds: Datastore, disks: Iterable[VirtualDisk], disk_allocation_ratio: float
                         ) -> list[Violation]:
    """The rules one datastore breaks, given every virtual disk on it."""
    ds_name = ds.name
    thick = provisioned = 0.0
    for disk in disks:
        provisioned += disk.size_gib
        if disk.provisioning != "thin":
            thick += disk.size_gib
    out = []
    if thick > ds.capacity_gib + 1e-9:
        out.append(Violation(
            "thick_over_datastore", ds_name,
            f"{ds_name}: thick disks {fmt_gib(thick)} > {fmt_gib(ds.capacity_gib)} capacity "
            "(thick disks take their whole size at creation)",
            thick - ds.capacity_gib, {"datastore": ds_name, "thick": thick, "capacity": ds.capacity_gib},
        ))
    limit = ds.capacity_gib * disk_allocation_ratio
    if provisioned > limit + 1e-9:
        out.append(Violation(
            "disk_capacity", ds_name,
            f"{ds_name}: provisioned {fmt_gib(provisioned)} > {fmt_gib(limit)} "
            f"({fmt_gib(ds.capacity_gib)} × {disk_allocation_ratio:g} disk ratio)",
            provisioned - limit,
            {"datastore": ds_name, "provisioned": provisioned, "schedulable": limit,
             "ratio": disk_allocation_ratio},
        ))
    return out
