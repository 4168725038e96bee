"""What the lab panel repaints after a key is what a full redraw paints.

The workload table repaints only the rows whose cells changed (:class:`KeyedTable`) and the
compute views only the lines that changed (``LinesView.LINEWISE``); both reuse cached
renderings. After each key of a run over every compute view of a many-host sandbox, the
screen is compared with the same screen drawn again from nothing (every cache dropped, every
widget repainted whole), so a partial repaint can never leave a stale line behind.
"""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult

from virtlab.core.compute.models import VM, Container
from virtlab.core.hosts import Host
from virtlab.core.state import Datacenter
from virtlab.core.storage.models import Datastore, VirtualDisk
from virtlab.course.session import LabSession
from virtlab.ui.widgets.keyed_table import KeyedTable
from virtlab.ui.widgets.lab_panel import LabPanel
from virtlab.ui.widgets.lines_view import LinesView


def sandbox(n_hosts: int = 6, per_host: int = 6) -> Datacenter:
    hosts, stores, vms, ctrs = [], [], [], []
    for i in range(n_hosts):
        kvm = i % 2 == 1
        name = f"{'kvm' if kvm else 'esx'}-{i}"
        hosts.append(Host(name=name, hypervisor="kvm" if kvm else "esxi", sockets=1, cores_per_socket=4,
                          threads_per_core=2, mhz=2400, memory_mib=32 * 1024))
        stores.append(Datastore(name=f"{name}-local", capacity_gib=400, hosts=(name,)))
        for j in range(per_host):
            vcpus = (1, 2, 4)[j % 3]
            vms.append(VM(name=f"{name}-vm{j}", host=name, vcpus=vcpus, memory_mib=vcpus * 2048,
                          disks=(VirtualDisk(size_gib=40, datastore=f"{name}-local"),),
                          cpu_demand=(0.2, 0.9)[j % 2] * vcpus, mem_active_mib=vcpus * 1024))
        if kvm:
            ctrs.append(Container(name=f"{name}-c0", host=name, cpu_request_m=250, cpu_limit_m=500,
                                  mem_request_mib=256, mem_limit_mib=512, cpu_demand_m=400,
                                  mem_demand_mib=300))
    return Datacenter.of(name="sandbox", hosts=hosts, datastores=stores, vms=vms, containers=ctrs)


class PanelApp(App):
    def __init__(self) -> None:
        super().__init__()
        self.session = LabSession(None, sandbox())

    def compose(self) -> ComposeResult:
        yield LabPanel(self.session, "en", id="lab")

    def on_mount(self) -> None:
        self.query_one(LabPanel).focus()


async def redrawn_whole(app: App, pilot) -> str:
    """The screen drawn again from nothing."""
    views = list(app.query(LinesView))
    for view in views:
        view.LINEWISE = False  # type: ignore[misc]  # this instance only
        view._strips.clear()
        view.show(view._view_context) if view._view_context is not None else None
    for table in app.query(KeyedTable):
        table._cells.clear()
        table._clear_caches()
    for widget in app.screen.walk_children():
        widget._styles_cache.clear()
        widget.refresh()
    await pilot.pause()
    await pilot.pause()
    shot = app.export_screenshot()
    for view in views:
        del view.LINEWISE
    return shot


KEYS = ["plus", "plus", "right_square_bracket", "d", "down", "minus", "left_square_bracket",
        "shift+down", "plus", "down", "down", "d", "shift+up", "minus"]


@pytest.mark.parametrize("view", ["hosts", "isolation", "contention"])
async def test_every_key_paints_what_a_full_redraw_paints(view: str) -> None:
    app = PanelApp()
    async with app.run_test(size=(120, 36)) as pilot:
        panel = app.query_one(LabPanel)
        while panel.view != view:
            panel.cycle_view()
        await pilot.pause()
        for key in KEYS:
            await pilot.press(key)
            await pilot.pause()
            await pilot.pause()
            painted = app.export_screenshot()
            assert painted == await redrawn_whole(app, pilot), f"after {key!r} in the {view} view"
        assert panel.last_outcome is not None


def _segments(strips) -> list[list[tuple[str, object, object]]]:
    """Each line's segments: text, style without its meta, and the text offset in the meta."""
    return [[(seg.text, seg.style.clear_meta_and_links() if seg.style else None,
              seg.style.meta.get("offset") if seg.style else None) for seg in strip]
            for strip in strips]


@pytest.mark.parametrize("view", ["hosts", "isolation", "contention"])
async def test_lines_rendered_one_by_one_are_what_static_renders(view: str) -> None:
    """Every line a line-wise view renders is the one ``Static`` renders from the whole text,
    down to the text offsets a mouse selection reads (some lines wrap at 60 cells)."""
    app = PanelApp()
    async with app.run_test(size=(70, 40)) as pilot:
        panel = app.query_one(LabPanel)
        while panel.view != view:
            panel.cycle_view()
        await pilot.pause()
        widget = panel._view_widget()
        assert widget is not None and widget.LINEWISE
        widget._render_content()
        linewise = list(widget._render_cache.lines)
        LinesView.__mro__[1]._render_content(widget)  # Static's own rendering
        assert _segments(linewise) == _segments(widget._render_cache.lines)
        assert len(linewise) > 20
