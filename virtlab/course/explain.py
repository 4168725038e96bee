"""The engine's refusals in the student's language, with units on every number.

The core says why an action is refused in English, with a code and its parameters
(:class:`virtlab.core.rules.Violation`). Each language fills a template per code
(``strings/{en,ko}-rules.toml``) with the numbers in their units, and falls back to the
core's own message for a code or parameter it has no template for.
"""

from __future__ import annotations

from virtlab.core.base import Violation
from virtlab.core.units import fmt_apart, fmt_qty
from virtlab.course.i18n import catalog, t
from virtlab.course.josa import Word

#: The unit of each code's numbers.
_UNITS: dict[str, str] = {
    "vcpu_cap": "vcpu", "cpu_capacity": "vcpu", "ram_capacity": "mib", "disk_capacity": "gib",
    "cpu_reservation": "mhz", "mem_reservation": "mib", "thick_over_datastore": "gib",
    "disk_shrink": "gib",
}


def _unit(v: Violation) -> str:
    if v.code == "container_requests":
        return "mib" if v.subject.endswith(":memory") else "millicores"
    return _UNITS.get(v.code, "count")


def fmt_amount(value: float | str, unit: str) -> str:
    """A violation's amount in its unit (text values are shown as they are)."""
    return value if isinstance(value, str) else fmt_qty(value, unit)


def _words(key: str, value: str, lang: str) -> str:
    """A parameter that names a model field or action kinds, in the student's words: the
    field as the edit dialog labels it, the actions as the lab's action menu names them."""
    if key in ("field", "other"):
        label = t(f"labp.field.{value}", lang)
        return value if label.startswith("labp.") else label
    if key == "status":  # a host's status (host_down)
        label = t(f"viol.host_status.{value}", lang)
        return value if label.startswith("viol.") else label
    if key == "actions":
        return " / ".join(t(f"labp.kind_name.{kind}", lang) for kind in value.split(","))
    return value


def violation_text(v: Violation, lang: str) -> str:
    """One refusal reason in ``lang``."""
    code = v.code
    if code == "inconsistent":
        code += f"_{v.params.get('relation')}"  # "cannot be more / less than"
    if v.params.get("formula") == "ovirt":
        code += "_ovirt"  # physical × ratio − reserved, not (physical − reserved) × ratio
    elif code in ("cpu_capacity", "ram_capacity") and not v.params.get("reserved"):
        code += "_noreserve"  # "(32 logical × 4)", not "((32 logical − 0 reserved) × 4)"
    template = catalog(lang).get(f"viol.code.{code}")
    if template is None:
        return v.message
    unit = _unit(v)
    plain = unit in ("vcpu", "count")  # the template names the unit itself
    params = {k: _words(k, val, lang) if isinstance(val, str)
              else f"{val:g}" if plain or k == "ratio" else fmt_amount(val, unit)
              for k, val in v.params.items()}
    # Two different quantities never read the same ("4.0 GiB > 4.0 GiB unreserved").
    qty = [k for k, val in v.params.items() if not isinstance(val, str) and not plain and k != "ratio"]
    params.update(zip(qty, fmt_apart([float(v.params[k]) for k in qty], unit), strict=True))
    params.setdefault("subject", v.subject)
    try:
        return template.format(**{k: Word(val) for k, val in params.items()})
    except (KeyError, IndexError, ValueError):
        return v.message


def excess_text(v: Violation, lang: str) -> str:
    """``over by 31.5 GiB`` — how far past the limit, in the limit's unit (empty if none)."""
    if not v.excess:
        return ""
    return t("viol.over_by", lang, excess=fmt_amount(v.excess, _unit(v)))
