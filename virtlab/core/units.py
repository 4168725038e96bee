"""Units and their parsing.

Memory is kept in MiB (binary), disk in GiB (binary, as vSphere's "GB" really is), CPU in
MHz or in millicores for containers. Lab files may write either a plain number (the field's
base unit) or a string with a unit: ``"16 GiB"``, ``"512M"``, ``"2 TB"``, ``"500m"``, ``"50%"``.
TB, GB and MB are decimal (10^12, 10^9, 10^6 bytes), as in ``reference/semantics.md``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Literal

from virtlab.core.errors import InputError

MIB = 1024**2
GIB = 1024**3

_BYTES = {
    "b": 1,
    "k": 1000, "kb": 1000, "kib": 1024, "ki": 1024,
    "m": 1000**2, "mb": 1000**2, "mib": MIB, "mi": MIB,
    "g": 1000**3, "gb": 1000**3, "gib": GIB, "gi": GIB,
    "t": 1000**4, "tb": 1000**4, "tib": 1024**4, "ti": 1024**4,
}

_NUM = re.compile(r"^\s*(-?[0-9]+(?:\.[0-9]+)?)\s*([A-Za-z%]*)\s*$")


class UnitError(InputError):
    """A value that cannot be read as a size, a CPU amount or a percentage."""


#: No quantity in a lab comes near this (1e15 MiB is an exbibyte times a thousand).
LARGEST = 1e15


def finite(number: float, value: object) -> float:
    """``number`` read from ``value``, if it is finite and not absurdly large."""
    if not math.isfinite(number):
        raise UnitError(f"expected a finite number, got {value!r}")
    if abs(number) > LARGEST:
        raise UnitError(f"{value!r} is far larger than anything a datacenter holds")
    return number


def _split(text: str) -> tuple[float, str]:
    m = _NUM.match(text)
    if not m:
        raise UnitError(f"cannot read {text!r} as a number with a unit")
    return float(m.group(1)), m.group(2).lower()


def parse_bytes(value: object, base: int) -> float:
    """Return ``value`` in units of ``base`` bytes (a plain number already is in ``base``)."""
    if isinstance(value, bool):
        raise UnitError("expected a size, got true/false")
    if isinstance(value, int | float):
        return finite(float(value), value)
    if not isinstance(value, str):
        raise UnitError(f"expected a size such as '16 GiB', got {value!r}")
    number, unit = _split(value)
    if unit == "":
        return finite(number, value)
    if unit not in _BYTES:
        raise UnitError(f"unknown size unit {unit!r} in {value!r} (use MiB, GiB, TiB, MB, GB, TB)")
    return finite(number * _BYTES[unit] / base, value)


def parse_mib(value: object) -> float:
    """Memory: a number of MiB, or a string with a unit."""
    return parse_bytes(value, MIB)


#: How a size was read: a bare number in the field's unit, a decimal unit (MB, or
#: Kubernetes' M), a binary one (MiB, Mi), or cgroup v2's bare K/M/G/T (powers of 1024).
SizeRule = Literal["plain", "decimal", "binary", "cgroup"]

_CGROUP_SUFFIX = {"k": 1024, "m": 1024**2, "g": 1024**3, "t": 1024**4}


def read_mib(value: object, system: Literal["kubernetes", "cgroup"] = "kubernetes") -> tuple[float, SizeRule]:
    """Memory in MiB as the system whose field it is reads it, and the rule that applied.

    cgroup v2 reads ``memory.max`` with the kernel's ``memparse``: a bare suffix K, M, G or T
    is a power of 1024, so ``memory.max=256M`` is 256 MiB (Documentation/admin-guide/
    cgroup-v2.rst, "memory.max"; lib/cmdline.c ``memparse``). Kubernetes reads a quantity
    with decimal suffixes k, M, G, T and binary Ki, Mi, Gi, Ti, so ``256M`` is 256×10⁶ bytes
    (244.1 MiB) and ``256Mi`` is 256 MiB (Kubernetes "Resource Management for Pods and
    Containers", meaning of memory). A bare number is the field's own unit, MiB.
    """
    if isinstance(value, str):
        number, unit = _split(value)
        if system == "cgroup" and unit in _CGROUP_SUFFIX:
            return finite(number * _CGROUP_SUFFIX[unit] / MIB, value), "cgroup"
        if unit == "":
            return finite(number, value), "plain"
        rule: SizeRule = "binary" if unit.endswith(("i", "ib")) else "decimal"
        return parse_bytes(value, MIB), rule
    return parse_bytes(value, MIB), "plain"


def parse_cgroup_mib(value: object) -> float:
    """A cgroup v2 memory size in MiB (``"256M"`` = 256 MiB; see :func:`read_mib`)."""
    return read_mib(value, "cgroup")[0]


def parse_gib(value: object) -> float:
    """Disk: a number of GiB, or a string with a unit (``"2 TB"`` = 1862.6 GiB)."""
    return parse_bytes(value, GIB)


def parse_millicores(value: object) -> float:
    """Container CPU: ``"500m"`` = 500, ``"1.5"`` or ``1.5`` = 1500 (Kubernetes quantities)."""
    if isinstance(value, bool):
        raise UnitError("expected a CPU amount, got true/false")
    if isinstance(value, int | float):
        return finite(float(value) * 1000.0, value)
    if not isinstance(value, str):
        raise UnitError(f"expected a CPU amount such as '500m' or '2', got {value!r}")
    number, unit = _split(value)
    if unit == "m":
        return finite(number, value)
    if unit in ("", "cpu", "cpus", "core", "cores"):
        return finite(number * 1000.0, value)
    raise UnitError(f"unknown CPU unit {unit!r} in {value!r} (use '500m' or '2')")


def parse_fraction(value: object) -> float:
    """A share of something: ``"40%"`` = 0.4; a bare number ≤ 1 is a fraction, > 1 a percent."""
    if isinstance(value, bool):
        raise UnitError("expected a percentage, got true/false")
    if isinstance(value, int | float):
        finite(float(value), value)
        return float(value) if value <= 1 else float(value) / 100.0
    if not isinstance(value, str):
        raise UnitError(f"expected a percentage such as '40%', got {value!r}")
    number, unit = _split(value)
    if unit == "%":
        return number / 100.0
    if unit == "":
        return number if number <= 1 else number / 100.0
    raise UnitError(f"expected a percentage such as '40%', got {value!r}")


def fmt_mib(mib: float, places: int = 1) -> str:
    """Human-readable memory: ``"4.0 GiB"`` or ``"512 MiB"`` (``places`` decimals for GiB,
    ``places − 1`` for MiB)."""
    if abs(mib) >= 1024:
        return f"{mib / 1024:.{places}f} GiB"
    return f"{mib:.{places - 1}f} MiB"


def fmt_gib(gib: float, places: int = 1) -> str:
    """Human-readable disk: ``"1.8 TiB"`` or ``"40 GiB"``."""
    if abs(gib) >= 1024:
        return f"{gib / 1024:.{places}f} TiB"
    return f"{gib:.0f} GiB" if gib == int(gib) and places == 1 else f"{gib:.{places}f} GiB"


#: The unit each report resource is counted in (``"cpu"`` is vCPUs, a plain count).
RESOURCE_UNIT: dict[str, str] = {"cpu": "count", "ram": "mib", "disk": "gib"}


def fmt_apart(values: Sequence[float], unit: str) -> list[str]:
    """Each of ``values`` by :func:`fmt_qty`, with more decimals where two *different* values
    would read the same (``4.0 GiB > 4.0 GiB`` becomes ``4.0002 GiB > 3.9998 GiB``)."""
    texts = [fmt_qty(v, unit) for v in values]
    for places in range(2, 8):
        clash = {i for i, a in enumerate(values) for j, b in enumerate(values)
                 if i != j and texts[i] == texts[j] and abs(a - b) > 1e-9}
        if not clash:
            break
        for i in clash:
            texts[i] = fmt_qty(values[i], unit, places=places)
    return texts


def fmt_qty(value: float, unit: str, *, digits: int | None = None, places: int = 1) -> str:
    """The one formatter for a quantity on screen or in a message.

    ``unit`` is ``"mib"`` or ``"gib"`` (shown as MiB/GiB/TiB), ``"mhz"``, ``"millicores"``,
    ``"vcpu"`` or ``"count"``; a plain count is ``:g``, or with ``digits`` significant digits
    (whole numbers in full). ``places`` asks for more decimals (see :func:`fmt_apart`).
    """
    if unit == "mib":
        return fmt_mib(value, places)
    if unit == "gib":
        return fmt_gib(value, places)
    if unit == "mhz":
        return f"{value:,.{places - 1}f} MHz"
    if unit == "millicores":
        return f"{value:,.{places - 1}f}m"
    if unit == "vcpu":
        return f"{value:g} vCPU"
    if digits is not None:
        return f"{value:.{digits}g}" if value != int(value) else f"{value:.0f}"
    return f"{value:g}"
