"""Dialogs that add a workload: a VM (an m1 flavor or a custom size, on a host) and a
container (on a host OS or in a VM, with requests and limits and a live QoS preview).
"""

from __future__ import annotations

from pydantic import ValidationError
from textual import on
from textual.app import ComposeResult
from textual.widgets import Input, Select, Static

from virtlab.core.compute.actions import AddContainer, AddVM, preset_demand
from virtlab.core.compute.capacity import FLAVOR_INDEX, FLAVORS
from virtlab.core.compute.containers import oom_score_adj, qos_class
from virtlab.core.compute.models import VM, Container
from virtlab.core.hypervisors import PROFILES, supports_vms
from virtlab.core.state import Datacenter
from virtlab.core.storage.models import VirtualDisk
from virtlab.core.units import fmt_gib, fmt_mib
from virtlab.course.i18n import t
from virtlab.ui.widgets.form_dialog import FormDialog, vcpu_bounds
from virtlab.ui.widgets.labtext import invalid_text


def model_error(e: ValidationError, lang: str) -> str:
    """A model's validation error in the field's words ("memory must be more than 0 MiB")."""
    first = e.errors()[0]
    where = ".".join(str(p) for p in first["loc"]) or "value"
    return invalid_text(f"{where}: {first['msg']}", lang)


def free_name(dc: Datacenter, prefix: str) -> str:
    taken = set(dc.compute.vm_index) | set(dc.compute.container_index) | set(dc.host_index)
    n = 1
    while f"{prefix}-{n}" in taken:
        n += 1
    return f"{prefix}-{n}"


def host_label(dc: Datacenter, name: str, lang: str) -> str:
    """A host as a dialog lists it: a host that is down says so (adding to it is refused)."""
    host = dc.host_index[name]
    if host.is_up:
        return name
    return t("labp.life.target_not_up", lang, name=name,
             status=t(f"labp.host_status.{host.status.value}", lang))


def datastore_for(dc: Datacenter, host: str) -> str | None:
    """The host's local datastore, else the first shared one it sees."""
    local = [d.name for d in dc.storage.local_to(host)]
    if local:
        return local[0]
    seen = [d.name for d in dc.storage.datastores if d.visible_from(host)]
    return seen[0] if seen else None


class AddVMDialog(FormDialog):
    """Pick a flavor (fills the sizes) or type a custom size; pick the host."""

    TITLE_KEY = "labp.form.add_vm_title"

    def __init__(self, dc: Datacenter, lang: str, host: str | None = None) -> None:
        super().__init__(lang)
        self.dc = dc
        self.hosts = [h.name for h in dc.hosts if supports_vms(h.hypervisor)]
        up = [h for h in self.hosts if dc.host_index[h].is_up]
        self.host = host if host in up else next(iter(up or self.hosts), None)
        """The host picked first: the selected VM's, else the first that is up."""

    def fields(self) -> ComposeResult:
        flavors = [(f"{f.name}  {f.vcpus} vCPU · {fmt_mib(f.memory_mib)} · {fmt_gib(f.disk_gib)}",
                    f.name) for f in FLAVORS]
        flavors.append((t("labp.form.custom", self.lang), "custom"))
        small = FLAVOR_INDEX["m1.small"]
        yield self.row("labp.form.flavor", Select(flavors, value="m1.small", allow_blank=False,
                                                  id="f-flavor"))
        yield self.row("lab.name", Input(free_name(self.dc, "vm"), id="f-name"))
        yield self.row("labp.form.vcpus", Input(str(small.vcpus), id="f-vcpus"))
        yield self.row("labp.form.memory", Input(fmt_mib(small.memory_mib), id="f-memory"))
        yield self.row("labp.form.disk", Input(fmt_gib(small.disk_gib), id="f-disk"))
        hosts = [(host_label(self.dc, h, self.lang), h) for h in self.hosts]
        yield self.row("lab.host", Select(hosts, value=self.host or Select.BLANK,
                                          allow_blank=not hosts, id="f-host"))

    @on(Select.Changed, "#f-flavor")
    def _flavor(self, event: Select.Changed) -> None:
        f = FLAVOR_INDEX.get(str(event.value))
        if f is None:
            return
        self.query_one("#f-vcpus", Input).value = str(f.vcpus)
        self.query_one("#f-memory", Input).value = fmt_mib(f.memory_mib)
        self.query_one("#f-disk", Input).value = fmt_gib(f.disk_gib)

    def build(self) -> AddVM:
        host = self.query_one("#f-host", Select).value
        if not isinstance(host, str):
            raise ValueError(t("labp.form.no_host", self.lang))
        vcpus = self.count("f-vcpus", *vcpu_bounds())
        memory = self.size_mib("f-memory")
        disk = self.opt_gib("f-disk")
        ds = datastore_for(self.dc, host)
        try:
            vm = VM(name=self.value("f-name"), host=host, vcpus=vcpus, memory_mib=memory,
                    disks=(VirtualDisk(size_gib=disk, datastore=ds),) if disk and ds else ())
            cpu, mem = preset_demand(vm, "normal")
            vm = vm.model_copy(update={"cpu_demand": cpu, "mem_active_mib": mem})
        except ValidationError as e:
            raise ValueError(model_error(e, self.lang)) from None
        return AddVM(vm=vm)


class AddContainerDialog(FormDialog):
    """Place a container on a host OS or in a VM; requests/limits with a QoS preview."""

    TITLE_KEY = "labp.form.add_container_title"

    def __init__(self, dc: Datacenter, lang: str, parent: str | None = None) -> None:
        super().__init__(lang)
        self.dc = dc
        self.places = [(f"{t('labp.form.on_host', lang)} {host_label(dc, h.name, lang)}",
                        f"host:{h.name}")
                       for h in dc.hosts if PROFILES[h.hypervisor].runs_host_containers]
        self.places += [(f"{t('labp.form.in_vm', lang)} {v.name}", f"vm:{v.name}") for v in dc.compute.vms]
        values = [v for _, v in self.places]
        self.place = parent if parent in values else (values[0] if values else None)

    def fields(self) -> ComposeResult:
        yield self.row("lab.name", Input(free_name(self.dc, "ctr"), id="f-name"))
        yield self.row("labp.form.place", Select(self.places, value=self.place or Select.BLANK,
                                                 allow_blank=not self.places, id="f-place"))
        yield self.row("labp.form.cpu_request", Input("250m", id="f-cpu-request"))
        yield self.row("labp.form.cpu_limit", Input("500m", id="f-cpu-limit"))
        yield self.row("labp.form.mem_request", Input("256 MiB", id="f-mem-request"))
        yield self.row("labp.form.mem_limit", Input("512 MiB", id="f-mem-limit"))

    def on_mount(self) -> None:
        self._preview()

    def container(self) -> Container:
        place = self.query_one("#f-place", Select).value
        if not isinstance(place, str):
            raise ValueError(t("labp.form.no_place", self.lang))
        kind, _, parent = place.partition(":")
        cpu_req, cpu_lim = self.opt_millicores("f-cpu-request"), self.opt_millicores("f-cpu-limit")
        mem_req, mem_lim = self.opt_mib("f-mem-request"), self.opt_mib("f-mem-limit")
        try:
            c = Container(
                name=self.value("f-name"), host=parent if kind == "host" else None,
                vm=parent if kind == "vm" else None, cpu_request_m=cpu_req, cpu_limit_m=cpu_lim,
                mem_request_mib=mem_req, mem_limit_mib=mem_lim)
        except ValidationError as e:
            raise ValueError(model_error(e, self.lang)) from None
        cpu, mem = preset_demand(c, "normal")
        return c.model_copy(update={"cpu_demand_m": cpu, "mem_demand_mib": mem})

    @on(Input.Changed)
    @on(Select.Changed)
    def _preview(self) -> None:
        preview = self.query_one("#form-preview", Static)
        try:
            c = self.container()
        except ValueError as e:
            preview.update(str(e))
            return
        node = self.dc.host_index.get(c.host or "") or self.dc.compute.vm_index.get(c.vm or "")
        node_mib = node.memory_mib if node is not None else 1.0
        preview.update(t("labp.form.qos_preview", self.lang, qos=qos_class(c).value,
                         oom=oom_score_adj(c, node_mib)))

    def build(self) -> AddContainer:
        return AddContainer(container=self.container())
