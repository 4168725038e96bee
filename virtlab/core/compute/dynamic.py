"""Memory a hypervisor hands out by need: Hyper-V Dynamic Memory, and KSM page sharing.

- **Hyper-V Dynamic Memory** (Microsoft, "Hyper-V Dynamic Memory Overview"; ``Set-VMMemory``
  ``-StartupBytes``/``-MinimumBytes``/``-MaximumBytes``/``-Buffer``): a VM boots with its
  *startup* RAM (the VM's ``memory_mib``); afterwards Hyper-V gives it ``target = demand ×
  (1 + buffer)``, where the buffer is a percentage of the memory the guest needs (5–2000 %,
  20 % by default), never below the *minimum* nor above the *maximum*. ``Set-VMMemory``'s own
  example: minimum 64 MB, startup 256 MB, maximum 2 GB, buffer 25 % — a guest that needs
  1 GiB is given 1.25 GiB, one that needs 1.8 GiB is capped at 2 GiB.
- **KSM** (kernel ``Documentation/admin-guide/mm/ksm.rst``): identical anonymous pages are
  merged copy-on-write; ``pages_shared`` counts the shared pages kept, ``pages_sharing`` "how
  many more sites are sharing them i.e. how much saved", so the saving is ``pages_sharing ×
  page size`` (4 KiB on x86-64); the kernel's ``general_profit`` also subtracts its rmap
  items' bookkeeping, which this leaves out.
"""

from __future__ import annotations

from pydantic import Field, model_validator

from virtlab.core.base import Frozen, PositiveFloat

#: Hyper-V Manager's default memory buffer (%).
DEFAULT_BUFFER_PCT = 20.0
#: x86-64 base page size, in bytes.
PAGE_SIZE = 4096


class DynamicMemory(Frozen):
    """A VM's Hyper-V Dynamic Memory settings (its startup RAM is the VM's memory)."""

    minimum_mib: PositiveFloat
    maximum_mib: PositiveFloat
    buffer_pct: float = Field(DEFAULT_BUFFER_PCT, ge=5, le=2000)

    @model_validator(mode="after")
    def _ordered(self) -> DynamicMemory:
        if self.minimum_mib > self.maximum_mib:
            raise ValueError("minimum_mib is above maximum_mib")
        return self

    def target_mib(self, demand_mib: float) -> float:
        """``demand × (1 + buffer)``, within minimum … maximum."""
        return min(self.maximum_mib, max(self.minimum_mib, demand_mib * (1 + self.buffer_pct / 100)))


def ksm_saved_mib(pages_sharing: int, page_size: int = PAGE_SIZE) -> float:
    """Memory KSM saves: ``pages_sharing × page size``, in MiB."""
    return pages_sharing * page_size / (1024 * 1024)
