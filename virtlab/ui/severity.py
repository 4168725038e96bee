"""How bad a host memory state is, said once, and how each severity is drawn.

The ESXi minFree model's states (``high``, ``clear``, ``soft``, ``hard``, ``low``; see
``virtlab.core.compute.memory.MemState``) map to one :data:`Severity`. The lab panel draws a severity with a
Textual theme token (:data:`SEVERITY_TOKEN`), ``virtlab report`` with a Rich colour
(:data:`SEVERITY_COLOUR`). This module imports nothing, so the CLI's report and the widgets
can both use it cheaply.
"""

from __future__ import annotations

from typing import Literal

Severity = Literal["ok", "warn", "bad", "critical"]
"""From fine to worst."""

MEMORY_STATE_SEVERITY: dict[str, Severity] = {
    "high": "ok", "clear": "ok", "soft": "warn", "hard": "bad", "low": "critical",
    "down": "critical",
}
"""A host memory state (``HostMemory.state_before.value``) → its severity."""

SEVERITY_TOKEN: dict[Severity, str] = {
    "ok": "$success", "warn": "$warning", "bad": "$error", "critical": "bold $error",
}
"""A severity as a Textual style with theme tokens (the lab panel's views)."""

SEVERITY_COLOUR: dict[Severity, str] = {
    "ok": "green", "warn": "yellow", "bad": "red", "critical": "bold red",
}
"""A severity as a Rich style with plain colours (``virtlab report``)."""


def memory_state_styles(styles: dict[Severity, str]) -> dict[str, str]:
    """Memory state → style, for one of the severity → style maps above."""
    return {state: styles[severity] for state, severity in MEMORY_STATE_SEVERITY.items()}
