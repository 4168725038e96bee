"""Shared text helpers for the lab panel's views: styled line building with cell-width padding,
quantities, CPU-ready markers, demand levels and localized fault and isolation wording.

Styles are Textual theme tokens (``$error``, ``$warning`` …) resolved by the widget that shows
the :class:`~textual.content.Content`; the same content's ``.plain`` is the plain-text twin.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from rich.cells import cell_len
from textual.content import Content

from virtlab.core.compute.actions import (
    AddContainer,
    AddVM,
    DemandLevel,
    Fail,
    Move,
    Remove,
    Repair,
    SetDemand,
    Update,
    preset_demand,
)
from virtlab.core.compute.lifecycle import (
    Advance,
    Backup,
    Consolidate,
    ConvertDisk,
    Restore,
    Revert,
    TakeSnapshot,
    Write,
)
from virtlab.core.compute.models import VM
from virtlab.core.compute.report import RowStatus
from virtlab.core.compute.shortfall import Shortfall
from virtlab.core.state import Datacenter
from virtlab.core.storage.actions import (
    CephPool,
    LvExtend,
    OsdOut,
    StorageFail,
    StorageRepair,
    ThinCreate,
    ThinWrite,
    VgExtend,
)
from virtlab.core.units import RESOURCE_UNIT, fmt_mib, fmt_qty
from virtlab.course.i18n import t
from virtlab.ui.severity import SEVERITY_TOKEN, memory_state_styles

DEMAND_CYCLE: tuple[DemandLevel, ...] = ("idle", "normal", "peak", "leak")
STATE_STYLE = memory_state_styles(SEVERITY_TOKEN)
"""Theme styles for the host memory states of the ESXi minFree model (by severity)."""


def shortfall_text(s: Shortfall, lang: str) -> str:
    """``short 1,300 MHz of the 3,900 MHz its work needs: too few vCPUs — …`` (the cause in
    the goals' words, so the view and a failed goal say the same)."""
    unit = "mhz" if s.resource == "cpu" else "mib"
    return t(f"labp.cont.short_{s.resource}", lang, short=fmt_qty(s.short, unit),
             need=fmt_qty(s.need, unit), pct=f"{s.pct:.0f}", why=t(f"goal.cause.{s.cause.value}", lang))


def fit(text: str, width: int) -> str:
    """``text`` cut or padded to exactly ``width`` terminal cells (Korean is two cells wide)."""
    if width <= 0:
        return ""
    if cell_len(text) > width:
        out, used = [], 0
        for ch in text:
            w = cell_len(ch)
            if used + w > width - 1:
                break
            out.append(ch)
            used += w
        text = "".join(out) + "…"
    return text + " " * (width - cell_len(text))


class Lines:
    """Builds a block of styled lines; ``content()`` for the screen, ``plain()`` for the twin."""

    def __init__(self) -> None:
        self._parts: list[str | tuple[str, str] | Content] = []
        self.rows = 0  # lines ended so far (``nl``), for callers that track positions

    def add(self, text: str, style: str = "") -> Lines:
        """Append ``text``; a run of the same style becomes one span (bars stay cheap to draw)."""
        parts = self._parts
        if parts and text != "\n":
            last = parts[-1]
            if style and isinstance(last, tuple) and last[1] == style:
                parts[-1] = (last[0] + text, style)
                return self
            if not style and isinstance(last, str) and last != "\n":
                parts[-1] = last + text
                return self
        parts.append((text, style) if style else text)
        return self

    def cell(self, text: str, width: int, style: str = "") -> Lines:
        return self.add(fit(text, width), style)

    def nl(self) -> Lines:
        self._parts.append("\n")
        self.rows += 1
        return self

    def wrapped(self, prefix: str, text: str, width: int, style: str = "",
                prefix_style: str | None = None) -> Lines:
        """``prefix`` then ``text`` wrapped to ``width`` cells, every continuation line indented
        under the text (a hanging indent), so wrapped lines never fall back to column 0."""
        indent = cell_len(prefix)
        rows = Content(text).wrap(max(12, width - indent)) or [Content("")]
        for i, row in enumerate(rows):
            self.add(prefix if i == 0 else " " * indent, style if prefix_style is None else prefix_style)
            self.add(row.plain.rstrip(), style).nl()
        return self

    def line(self, text: str = "", style: str = "") -> Lines:
        return self.add(text, style).nl()

    def block(self, content: Content, width: int, first: str = "", rest: str | None = None) -> Lines:
        """Styled ``content`` wrapped to ``width`` after ``first``; continuation lines start
        with ``rest`` (by default as many spaces), so they stay indented."""
        rest = " " * cell_len(first) if rest is None else rest
        head = content.wrap(max(12, width - cell_len(first)))
        if not head:
            return self.add(first).nl()
        self._parts.append(first)
        self._parts.append(head[0].rstrip())
        self.nl()
        plain = content.plain
        start = len(head[0].plain)
        while start < len(plain) and plain[start] == " ":
            start += 1
        if start < len(plain):
            for row in content[start:].wrap(max(12, width - cell_len(rest))):
                self._parts.append(rest)
                self._parts.append(row.rstrip())
                self.nl()
        return self

    def put(self, content: Content) -> Lines:
        """Append a line already styled (a row of a drawing), unwrapped."""
        self._parts.append(content)
        return self.nl()

    def extend(self, other: Lines) -> Lines:
        """Append ``other``'s lines after these."""
        body = other.content()
        if body.plain:
            self._parts.append(body)
            self.nl()
            self.rows += body.plain.count("\n")
        return self

    def content(self) -> Content:
        parts = list(self._parts)
        while parts and parts[-1] == "\n":
            parts.pop()
        return Content.assemble(*parts)

    def plain(self) -> str:
        return self.content().plain


def memo(out: Lines, cache: dict[tuple[object, ...], object] | None, key: tuple[object, ...],
         owner: object, build: Callable[[Lines], object]) -> None:
    """Append what ``build`` draws into ``out``, reusing what it drew before for the same
    ``key`` and the very same ``owner`` (the report part it is drawn from). The pieces are
    replayed into ``out`` as ``build`` added them, so the text and styles are the same."""
    if cache is None:
        build(out)
        return
    full = (*key, id(owner))
    hit = cache.get(full)
    if not (isinstance(hit, tuple) and hit[0] is owner):
        piece = Lines()
        build(piece)
        hit = cache[full] = (owner, tuple(piece._parts))
    for part in hit[1]:
        if isinstance(part, str):
            out.nl() if part == "\n" else out.add(part)
        elif isinstance(part, tuple):
            out.add(*part)
        else:
            out._parts.append(part)


def qty(resource: str, value: float) -> str:
    """A resource amount in its unit: vCPUs, MiB/GiB of RAM, GiB/TiB of disk."""
    return fmt_qty(value, RESOURCE_UNIT.get(resource, "count"), digits=3)


def ready_mark(pct: float) -> tuple[str, str, str]:
    """VMware KB 2002181 bands per vCPU: (<5 % healthy, 5–10 % warning, ≥ 10 % problem)."""
    if pct >= 10:
        return "✗", "bold $error", "problem"
    if pct >= 5:
        return "!", "$warning", "warning"
    return "✓", "$success", "healthy"


def demand_level(dc: Datacenter, name: str) -> str:
    """The demand preset a workload is at (``custom`` when set by numbers)."""
    w = dc.compute.vm_index.get(name) or dc.compute.container_index.get(name)
    if w is None:
        return "custom"
    now = (w.cpu_demand, w.mem_active_mib) if isinstance(w, VM) else (w.cpu_demand_m, w.mem_demand_mib)
    for level in DEMAND_CYCLE:
        cpu, mem = preset_demand(w, level)
        if abs(cpu - now[0]) < 1e-6 and abs(mem - now[1]) < 1e-6:
            return level
    return "custom"


def next_demand(level: str) -> DemandLevel:
    if level not in DEMAND_CYCLE:
        return "normal"
    return DEMAND_CYCLE[(DEMAND_CYCLE.index(level) + 1) % len(DEMAND_CYCLE)]


def demand_text(level: str, lang: str) -> str:
    return t(f"labp.demand.{level}", lang)


def demand_label(dc: Datacenter, name: str, lang: str) -> str:
    """The demand column: the work itself — "1.5 cores" for a VM (to read beside its vCPUs),
    "200m" for a container — whichever preset ``d`` last chose (a bare "normal" says nothing
    about whether a VM is oversized)."""
    vm = dc.compute.vm_index.get(name)
    if vm is not None:
        return t("labp.demand.cores", lang, cores=f"{round(vm.cpu_demand, 2):g}")
    c = dc.compute.container_index.get(name)
    if c is not None:
        return t("labp.demand.millicores", lang, m=f"{c.cpu_demand_m:.0f}")
    return demand_text("custom", lang)


def fault_text(fault: str, lang: str) -> str:
    """``host:esx-1`` → "esx-1 fails (power/hardware)" in ``lang``."""
    kind, _, subject = fault.partition(":")
    return t(f"labp.fault.{kind}", lang, name=subject)


def shared_text(item: str, lang: str) -> str:
    """One thing two workloads share ("hardware", "datastore ds-1" …) in ``lang``."""
    if item.startswith("datastore "):
        return t("labp.shared.datastore", lang, name=item.removeprefix("datastore "))
    return t("labp.shared." + item.replace(" ", "_"), lang)


def level_text(level_name: str, lang: str) -> str:
    return t(f"labp.level.{level_name.lower()}", lang)


def status_style(status: str) -> str:
    """The style of a workload row's status (a :class:`RowStatus` value)."""
    return ("" if status == RowStatus.RUNNING else "$warning" if status == RowStatus.OFF
            else "bold $error")


def status_text(status: str, lang: str) -> str:
    return t(f"labp.status.{status}", lang)


def _value(field: str, value: object) -> str:
    """A changed field's value with its unit (memory_mib=137216 → 134.0 GiB)."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        return str(value)
    if field.endswith("_mib"):
        return fmt_mib(value)
    if field.endswith("_mhz"):
        return f"{value:g} MHz"
    if field.endswith("_m"):
        return f"{value:g}m"
    return f"{value:g}"


def field_words(field: str, lang: str) -> str:
    """A model field's name for people (memory_mib → memory / 메모리); ``disks.0.size_gib``
    is named by its last part."""
    last = next((p for p in reversed(field.split(".")) if not p.isdigit()), field)
    label = t(f"labp.field.{last}", lang)
    return last if label == f"labp.field.{last}" else label


#: Pydantic's bound messages → a template (the bound is the message's last number).
_BOUNDS = (("greater than or equal to", "min"), ("greater than", "gt"),
           ("less than or equal to", "max"), ("less than", "lt"))
_INVALID = re.compile(r"^(?:(?P<subject>[^:]+): )?(?P<field>[\w.]+): (?P<msg>.+)$")


def invalid_text(message: str, lang: str) -> str:
    """A validation message ("cache-1: memory_mib: Input should be greater than 0") in the
    field's words and the student's language ("cache-1: memory must be more than 0 MiB")."""
    m = _INVALID.match(message)
    if m is None:
        return message
    field = m["field"]
    name = m["subject"] or ""
    words = field_words(field, lang)
    for phrase, key in _BOUNDS:
        bound = re.search(re.escape(phrase) + r" (-?[\d.]+)", m["msg"])
        if bound:
            last = field.split(".")[-1]
            value = _value(last, float(bound[1])) if last.endswith(("_mib", "_mhz", "_m")) else bound[1]
            text = t(f"labp.invalid.{key}", lang, field=words, value=value)
            break
    else:
        text = t("labp.invalid.other", lang, field=words)
    return f"{name}: {text}" if name else text


#: Actions worded as "<kind> <name>" (``labp.act.<kind>``).
_NAMED = (Remove, Repair, TakeSnapshot, Revert, Consolidate, Backup, Restore)


def describe(action: object, lang: str) -> str:
    """A core action in words, in ``lang`` (the engine's ``describe()`` is English only)."""
    if isinstance(action, AddVM):
        vm = action.vm
        return t("labp.act.add_vm", lang, name=vm.name, vcpus=vm.vcpus, memory=fmt_mib(vm.memory_mib),
                 host=vm.host)
    if isinstance(action, AddContainer):
        c = action.container
        return t("labp.act.add_container", lang, name=c.name, where=c.vm or c.host)
    if isinstance(action, Update):
        changes = ", ".join(f"{field_words(k, lang)} {_value(k, v)}" for k, v in action.changes.items()
                            if k != "disks")
        if "disks" in action.changes:
            changes = ", ".join(x for x in (changes, "disks") if x)
        return t("labp.act.update", lang, name=action.name, changes=changes)
    if isinstance(action, SetDemand):
        return t("labp.act.set_demand", lang, name=action.name,
                 level=demand_text(action.level or "custom", lang))
    if isinstance(action, Move):
        return t("labp.act.move", lang, name=action.name, host=action.host)
    if isinstance(action, Fail):
        return t("labp.act.fail", lang, name=action.name,
                 fault=t(f"labp.faultkind.{action.fault or 'default'}", lang))
    if isinstance(action, _NAMED):
        return t(f"labp.act.{action.kind}", lang, name=action.name)
    if isinstance(action, Write):
        return t("labp.act.write", lang, name=action.name, gib=f"{action.gib:g}")
    if isinstance(action, Advance):
        return t("labp.act.advance", lang, hours=f"{action.hours:g}")
    storage = _storage_words(action, lang)
    if storage is not None:
        return storage
    describe_en = getattr(action, "describe", None)
    return describe_en() if callable(describe_en) else str(action)


def _storage_words(action: object, lang: str) -> str | None:
    """A storage-stack action (or a disk conversion) in words, in ``lang``; None for others."""
    if isinstance(action, ConvertDisk) and action.datastore is not None:
        return t("labp.act.move_disk", lang, name=action.name, n=action.disk, fmt=action.provisioning.value,
                 ds=action.datastore)
    if isinstance(action, ConvertDisk):
        return t("labp.act.convert_disk", lang, name=action.name, n=action.disk, fmt=action.provisioning.value)
    if isinstance(action, StorageFail):
        return t("labp.act.storage_fail", lang, name=action.name)
    if isinstance(action, StorageRepair):
        return t("labp.act.storage_repair", lang, name=action.name)
    if isinstance(action, OsdOut):
        return t("labp.act.osd_out" if action.out else "labp.act.osd_in", lang, name=action.name)
    if isinstance(action, VgExtend):
        return t("labp.act.vgextend", lang, pv=action.pv, vg=action.vg)
    if isinstance(action, LvExtend):
        return t("labp.act.lvextend", lang, name=action.name, size=float(action.size_mib))
    if isinstance(action, ThinCreate):
        return t("labp.act.thin_create", lang, name=action.name, size=float(action.virtual_mib), pool=action.pool)
    if isinstance(action, ThinWrite):
        return t("labp.act.thin_write", lang, name=action.name, size=float(action.mib))
    if isinstance(action, CephPool):
        changes = ", ".join(f"{k}={v}" for k, v in action.changes.items())
        return t("labp.act.ceph_pool", lang, name=action.name, changes=changes)
    return None
