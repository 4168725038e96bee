"""Helpers the network's actions share: a new state with parts of the network replaced, and
the refusals for an unknown name or an invalid value."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from virtlab.core.base import refuse

if TYPE_CHECKING:
    from virtlab.core.state import Datacenter

__all__ = ["invalid", "set_parts", "unknown"]


def set_parts(dc: Datacenter, **parts: Any) -> Datacenter:
    """A new state with parts of the network replaced (built anew, never ``model_copy``)."""
    return dc.with_network(dc.network.evolve(**parts))


#: The refusal code for each kind of network object that can be missing.
_UNKNOWN = {"port group": "unknown_port_group", "switch": "unknown_switch", "vSwitch": "unknown_vswitch",
            "switch or vSwitch": "unknown_switch", "flow": "unknown_flow",
            "security group": "unknown_security_group", "vNIC": "unknown_vnic", "segment": "unknown_segment"}


def unknown(name: str, what: str) -> Exception:
    return refuse(_UNKNOWN.get(what, "unknown_network"), name, f"no {what} named {name!r}", name=name)


def invalid(subject: str, e: ValidationError) -> Exception:
    first = e.errors()[0]
    where = ".".join(map(str, first["loc"])) or "value"
    return refuse("invalid", subject, f"{subject}: {where}: {first['msg'].removeprefix('Value error, ')}")
