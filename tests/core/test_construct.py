"""``construct`` builds a state part without validation, as ``model_construct`` does, but a
field left out shares its default object instead of a deep copy of it (a report builds a slice
of the state per host, and copied an empty network part and storage stack for each)."""

from __future__ import annotations

from virtlab.core.base import construct
from virtlab.core.state import Datacenter
from virtlab.core.storage.models import Datastore, StoragePart


def test_a_field_left_out_is_its_default_itself_and_not_counted_as_set() -> None:
    ds = (Datastore(name="local", capacity_gib=100),)
    part = construct(StoragePart, datastores=ds)
    assert part.datastores is ds
    assert part.stack is StoragePart.model_fields["stack"].default
    assert part.model_fields_set == {"datastores"}
    assert part == StoragePart.model_construct(datastores=ds)  # the same values as pydantic's

    dc = construct(Datacenter, name="x", storage=part)
    assert dc.network is Datacenter.model_fields["network"].default
    assert dc.compute is Datacenter.model_fields["compute"].default
    assert dc.model_fields_set == {"name", "storage"}
    assert dc == Datacenter.model_construct(name="x", storage=part)
