"""Edit a workload's size and resource controls: a VM's exact vCPUs and memory ("64 GiB"),
shares, reservations, limits and disk size (vSphere semantics), or a container's requests and
limits (Kubernetes). Bad input is named inline under the fields; the dialog dismisses with an
``Update`` action holding only the fields that changed.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import Input, Select, Static

from virtlab.core.compute.actions import Update
from virtlab.core.compute.models import VM, Container
from virtlab.core.units import UnitError, fmt_gib, fmt_mib, fmt_qty, parse_cgroup_mib, read_mib
from virtlab.course.i18n import t
from virtlab.ui.widgets.form_dialog import FormDialog, vcpu_bounds

SHARE_LEVELS = ("low", "normal", "high")
#: Input id → the model field it edits.
FIELDS = {
    "f-vcpus": "vcpus", "f-memory": "memory_mib", "f-cpu-res": "cpu_reservation_mhz",
    "f-cpu-lim": "cpu_limit_mhz", "f-mem-res": "mem_reservation_mib", "f-mem-lim": "mem_limit_mib",
    "f-cpu-request": "cpu_request_m", "f-cpu-limit": "cpu_limit_m",
    "f-mem-request": "mem_request_mib", "f-mem-limit": "mem_limit_mib",
}


def _mhz(v: float | None) -> str:
    return "" if v is None else f"{v:g}"


def _mib(v: float | None) -> str:
    return "" if v is None else fmt_mib(v)


def _m(v: float | None) -> str:
    return "" if v is None else f"{v:g}m"


class EditDialog(FormDialog):
    """Resource controls of one VM or container."""

    TITLE_KEY = "labp.form.edit_title"

    def __init__(self, workload: VM | Container, lang: str) -> None:
        super().__init__(lang)
        self.workload = workload

    def title_text(self) -> str:
        """Which workload it edits, and where it runs (as the Move dialog says)."""
        w = self.workload
        if isinstance(w, VM):
            return t("labp.form.edit_title", self.lang, name=w.name, host=w.host)
        return t("labp.form.edit_container_title", self.lang, name=w.name, where=w.vm or w.host or "")

    def _shares(self, key: str, value: str | int, field_id: str) -> ComposeResult:
        options = [(t(f"labp.shares.{s}", self.lang), s) for s in SHARE_LEVELS]
        options.append((t("labp.form.custom", self.lang), "custom"))
        level = value if isinstance(value, str) else "custom"
        yield self.row(key, Select(options, value=level, allow_blank=False, id=f"{field_id}-level"))
        custom = "" if isinstance(value, str) else str(value)
        yield self.row("labp.form.custom_shares", Input(custom, id=f"{field_id}-custom"))

    def fields(self) -> ComposeResult:
        w = self.workload
        if isinstance(w, VM):
            yield self.row("labp.form.vcpus", Input(str(w.vcpus), id="f-vcpus"))
            yield self.row("labp.form.memory", Input(fmt_mib(w.memory_mib), id="f-memory"))
            yield from self._shares("labp.form.cpu_shares", w.cpu_shares, "f-cpu-shares")
            yield self.row("labp.form.cpu_reservation", Input(_mhz(w.cpu_reservation_mhz or None),
                                                              id="f-cpu-res"))
            yield self.row("labp.form.cpu_limit_mhz", Input(_mhz(w.cpu_limit_mhz), id="f-cpu-lim"))
            yield from self._shares("labp.form.mem_shares", w.mem_shares, "f-mem-shares")
            yield self.row("labp.form.mem_reservation", Input(_mib(w.mem_reservation_mib or None),
                                                              id="f-mem-res"))
            yield self.row("labp.form.mem_limit", Input(_mib(w.mem_limit_mib), id="f-mem-lim"))
            if w.disks:
                yield self.row("labp.form.disk", Input(fmt_gib(w.disks[0].size_gib), id="f-disk"))
        else:
            yield self.row("labp.form.cpu_request", Input(_m(w.cpu_request_m), id="f-cpu-request"))
            yield self.row("labp.form.cpu_limit", Input(_m(w.cpu_limit_m), id="f-cpu-limit"))
            yield self.row("labp.form.mem_request", Input(_mib(w.mem_request_mib), id="f-mem-request"))
            yield self.row("labp.form.mem_limit", Input(_mib(w.mem_limit_mib), id="f-mem-limit"))

    #: The memory fields of a container, the system that reads each, and its name there.
    READINGS = (("f-mem-limit", "cgroup", "memory.max"), ("f-mem-request", "kubernetes", "requests.memory"))

    def on_mount(self) -> None:
        if not isinstance(self.workload, VM):
            self._show_readings()

    @on(Input.Changed, "#f-mem-limit, #f-mem-request")
    def _show_readings(self) -> None:
        """Say how each memory field's text is read, as the system whose field it is reads
        it: cgroup v2's memory.max takes 256M as 256 MiB, Kubernetes as 256×10⁶ bytes."""
        lines = []
        for field_id, system, name in self.READINGS:
            raw = self.value(field_id)
            if not raw:
                continue
            try:
                mib, rule = read_mib(raw, system)  # type: ignore[arg-type]
            except UnitError:
                continue
            lines.append(t(f"form.read.{rule}", self.lang, field=name, text=raw,
                           mib=fmt_qty(mib, "mib"), system=t(f"form.read.system.{system}", self.lang)))
        # The student's own text: shown as it is, never read as markup.
        self.query_one("#form-preview", Static).update(Content("\n".join(lines)))

    def _share_value(self, field_id: str) -> str | int:
        level = self.query_one(f"#{field_id}-level", Select).value
        if level != "custom":
            return str(level)
        return self.count(f"{field_id}-custom", 1, 1_000_000)

    def build(self) -> Update | None:
        w = self.workload
        if isinstance(w, VM):
            new: dict = {
                "vcpus": self.count("f-vcpus", *vcpu_bounds()),
                "memory_mib": self.size_mib("f-memory"),
                "cpu_shares": self._share_value("f-cpu-shares"),
                "cpu_reservation_mhz": self.opt_float("f-cpu-res") or 0.0,
                "cpu_limit_mhz": self.opt_float("f-cpu-lim"),
                "mem_shares": self._share_value("f-mem-shares"),
                "mem_reservation_mib": self.opt_mib("f-mem-res") or 0.0,
                "mem_limit_mib": self.opt_mib("f-mem-lim"),
            }
            if w.disks:
                size = self.opt_gib("f-disk")
                if size and size != w.disks[0].size_gib:
                    first = w.disks[0].model_dump()
                    first["size_gib"] = size
                    first["written_gib"] = min(first["written_gib"], size)
                    new["disks"] = [first, *[d.model_dump() for d in w.disks[1:]]]
        else:
            new = {
                "cpu_request_m": self.opt_millicores("f-cpu-request"),
                "cpu_limit_m": self.opt_millicores("f-cpu-limit"),
                "mem_request_mib": self.opt_mib("f-mem-request"),
                "mem_limit_mib": self._parse("f-mem-limit", parse_cgroup_mib, "size"),
            }
        # A field left as shown keeps its exact value ("4.9 GiB" is shown for 5000 MiB).
        for field_id, key in FIELDS.items():
            if key in new and field_id in self._initial and not self.touched(field_id):
                new[key] = getattr(w, key)
        changes = {k: v for k, v in new.items() if k == "disks" or getattr(w, k) != v}
        if not changes:
            return None
        return Update(name=w.name, changes=changes)
