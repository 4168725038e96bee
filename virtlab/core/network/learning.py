"""A learning switch's MAC address table: entries learned from source addresses, aging out,
and unknown unicast flooded.

Sources: IEEE 802.1Q-2018, 8.8.3 (dynamic filtering entries, ageing time, recommended default
300 s); Linux bridge ``ageing_time`` default 300 s (``ip-link(8)``, bridge options); Open
vSwitch ``other_config:mac-aging-time`` default 300 s (``ovs-vswitchd.conf.db(5)``). A frame
whose destination is not in the table is flooded out of every port of its VLAN but the one it
came in on (802.1Q 8.8.6, "unknown unicast").
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import Field

from virtlab.core.base import Frozen, Name, NonNegFloat

__all__ = ["AGING_S", "MacEntry", "MacTable", "Seen", "learn", "seen"]

AGING_S = 300.0


class MacEntry(Frozen):
    """``mac`` was last seen on ``port`` in ``vlan`` at ``at_s`` (simulated seconds)."""

    mac: str
    port: str
    vlan: int | None = None
    at_s: NonNegFloat = 0.0


class MacTable(Frozen):
    """One switch's forwarding table; a vSwitch has one per host it runs on (``host``)."""

    switch: Name
    host: Name | None = None
    aging_s: float = Field(AGING_S, gt=0)
    entries: tuple[MacEntry, ...] = ()


@dataclass(frozen=True, slots=True)
class Seen:
    """A lookup: the port the destination was learned on (None: unknown, flood) and its age."""

    port: str | None
    age_s: float
    expired: bool


def seen(table: MacTable | None, mac: str, vlan: int | None, now_s: float) -> Seen:
    """Where ``mac`` is, as the table says at ``now_s``: an entry older than the aging time has
    expired, so the frame is flooded as unknown unicast."""
    if table is not None:
        for e in table.entries:
            if e.mac.lower() == mac.lower() and e.vlan == vlan:
                age = max(0.0, now_s - e.at_s)
                if age > table.aging_s:
                    return Seen(None, age, True)
                return Seen(e.port, age, False)
    return Seen(None, 0.0, False)


def learn(table: MacTable, mac: str, port: str, vlan: int | None, now_s: float) -> MacTable:
    """The table after a frame from ``mac`` came in on ``port``: the entry (re)learned now,
    expired entries dropped."""
    keep = tuple(e for e in table.entries
                 if not (e.mac.lower() == mac.lower() and e.vlan == vlan) and now_s - e.at_s <= table.aging_s)
    return MacTable(switch=table.switch, host=table.host, aging_s=table.aging_s,
                    entries=(*keep, MacEntry(mac=mac, port=port, vlan=vlan, at_s=now_s)))
