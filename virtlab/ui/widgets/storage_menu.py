"""The lab panel's storage key, as a mixin of :class:`LabPanel`: ``S`` offers what can be
done to the storage — convert a VM's virtual disk to another format or move it to another
datastore (Storage vMotion), fail or repair a disk, a storage array, a fabric switch, a path,
a Ceph host, an OSD or a MON, mark an OSD out or in, grow a VG with a free PV and an LV
online (by 1 GiB, or to a size typed as LVM reads it), write to a thin volume, and change a
Ceph pool's failure domain or PG count — only the actions the lab allows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from virtlab.core.base import ActionBase
from virtlab.core.compute.lifecycle import ConvertDisk
from virtlab.core.state import Datacenter
from virtlab.core.storage.actions import (
    CephPool,
    LvExtend,
    OsdOut,
    StorageFail,
    StorageRepair,
    ThinWrite,
    VgExtend,
)
from virtlab.core.storage.ceph import pg_count
from virtlab.core.storage.models import Provisioning
from virtlab.core.storage.raid import DiskState
from virtlab.course.i18n import t
from virtlab.ui.widgets.choice_dialog import ChoiceDialog
from virtlab.ui.widgets.lv_size_dialog import LvSizeDialog

if TYPE_CHECKING:
    from virtlab.ui.widgets.lab_lifecycle import _Panel

GIB = 1024.0
#: What one thin write writes (a day of a file system's growth, say).
WRITE_MIB = 1024.0


def storage_choices(dc: Datacenter, lang: str, selected: str | None = None) -> list[tuple[str, ActionBase]]:
    """(label, action) for everything ``S`` offers on ``dc``'s stack, in a fixed order: the
    repairs of SAN/NAS parts that are down first, then the selected VM's disks, then the
    rest."""
    stack = dc.storage.stack
    out: list[tuple[str, ActionBase]] = []
    for kind, parts in (("array", stack.arrays), ("fabric", stack.fabrics), ("path", stack.paths)):
        out += [(t(f"labp.storage_menu.repair_{kind}", lang, name=x.name), StorageRepair(name=x.name))
                for x in parts if not x.up]
    vms = sorted(dc.compute.vms, key=lambda v: v.name != selected)
    for vm in vms:  # a virtual disk's format (inflate, Storage vMotion)
        for i, disk in enumerate(vm.disks, 1):
            for fmt in Provisioning:
                if fmt is not disk.provisioning:
                    out.append((t("labp.storage_menu.convert", lang, vm=vm.name, n=i, was=disk.provisioning.value,
                                  fmt=fmt.value), ConvertDisk(name=vm.name, disk=i, provisioning=fmt)))
            for ds in dc.storage.datastores:  # Storage vMotion to another datastore the host sees
                if ds.name != disk.datastore and ds.visible_from(vm.host) and len(ds.hosts) != 1:
                    out.append((t("labp.storage_menu.move_disk", lang, vm=vm.name, n=i, ds=ds.name),
                                ConvertDisk(name=vm.name, disk=i, provisioning=disk.provisioning, datastore=ds.name)))
    for d in stack.disks:
        key = {DiskState.OK: "fail_disk", DiskState.FAILED: "replace_disk",
               DiskState.REBUILDING: "rebuilt_disk"}[d.state]
        action: ActionBase = StorageFail(name=d.name) if d.state is DiskState.OK else StorageRepair(name=d.name)
        out.append((t(f"labp.storage_menu.{key}", lang, name=d.name), action))
    for kind, parts in (("array", stack.arrays), ("fabric", stack.fabrics), ("path", stack.paths)):
        out += [(t(f"labp.storage_menu.fail_{kind}", lang, name=x.name), StorageFail(name=x.name))
                for x in parts if x.up]
    in_vg = {pv for vg in stack.vgs for pv in vg.pvs}
    for vg in stack.vgs:
        for pv in stack.pvs:
            if pv.name not in in_vg:
                out.append((t("labp.storage_menu.vgextend", lang, vg=vg.name, pv=pv.name), VgExtend(vg=vg.name, pv=pv.name)))
    sizes = [(x.name, x.size_mib) for x in stack.lvs] + [(x.name, x.size_mib) for x in stack.thin_pools]
    for name, size in sizes:
        out.append((t("labp.storage_menu.lvextend", lang, name=name), LvExtend(name=name, size_mib=size + GIB)))
    for vol in stack.thin_volumes:
        out.append((t("labp.storage_menu.thin_write", lang, name=vol.name), ThinWrite(name=vol.name, mib=WRITE_MIB)))
    c = stack.ceph
    if c is not None:
        for host in dict.fromkeys(o.host for o in c.osds):
            down = all(not o.up for o in c.osds if o.host == host)
            out.append((t("labp.storage_menu.repair_host" if down else "labp.storage_menu.fail_host", lang, name=host),
                        StorageRepair(name=host) if down else StorageFail(name=host)))
        for o in c.osds:
            out.append((t("labp.storage_menu.fail_osd" if o.up else "labp.storage_menu.repair_osd", lang, name=o.name),
                        StorageFail(name=o.name) if o.up else StorageRepair(name=o.name)))
            out.append((t("labp.storage_menu.osd_out" if o.marked_in else "labp.storage_menu.osd_in", lang, name=o.name),
                        OsdOut(name=o.name, out=o.marked_in)))
        for i, up in enumerate(c.mons):
            out.append((t("labp.storage_menu.fail_mon" if up else "labp.storage_menu.repair_mon", lang, name=f"mon.{i}"),
                        StorageFail(name=f"mon.{i}") if up else StorageRepair(name=f"mon.{i}")))
        osds = sum(1 for o in c.osds if o.marked_in)
        for pool in c.pools:
            other = "osd" if pool.failure_domain == "host" else "host"
            out.append((t("labp.storage_menu.domain", lang, pool=pool.name, domain=other),
                        CephPool(name=pool.name, changes={"failure_domain": other})))
            rule = pg_count(osds, pool.width)
            if osds and rule != pool.pgs:
                out.append((t("labp.storage_menu.pgs", lang, pool=pool.name, pgs=rule),
                            CephPool(name=pool.name, changes={"pgs": rule})))
    return out


class StorageActions:
    """Mixed into LabPanel (the ``_Panel`` protocol of :mod:`.lab_lifecycle`)."""

    def action_storage(self: _Panel) -> None:
        choices = [(label, a) for label, a in storage_choices(self.session.state, self.lang, self.selected())
                   if self.session.allows(a.kind)]
        if not choices:
            self._set_message(t("labp.storage_menu.nothing", self.lang))
            return
        actions = {str(i): a for i, (_, a) in enumerate(choices)}
        options = [(label, str(i)) for i, (label, _) in enumerate(choices)]
        sized = {f"size:{name}": size for name, size in lv_sizes(self.session.state)} if self.session.allows("lvextend") else {}
        options += [(t("labp.storage_menu.lvsize", self.lang, name=key[5:]), key) for key in sized]

        def picked(choice: str | None) -> None:
            if choice in sized:
                name = choice.removeprefix("size:")
                self.app.push_screen(LvSizeDialog(self.lang, name, sized[choice]), self._apply_result)
                return
            self._apply_result(actions.get(choice or ""))

        self.app.push_screen(ChoiceDialog(t("labp.storage_menu.title", self.lang), options), picked)


def lv_sizes(dc: Datacenter) -> list[tuple[str, float]]:
    """(name, size in MiB) of every linear LV and thin pool: what lvextend -L can grow."""
    stack = dc.storage.stack
    return [(x.name, x.size_mib) for x in stack.lvs] + [(x.name, x.size_mib) for x in stack.thin_pools]
