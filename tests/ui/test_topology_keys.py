"""The stepper's keys in the L10 and L11 labs, in both languages: ``T`` picks the
destination, ``.`` and ``,`` walk the hops (wrapping round), the view lights the hop's node,
the keys act only while the topology view is on show, and a fix re-draws the walk."""

from __future__ import annotations

from pathlib import Path

from virtlab.core.network.actions import SetMtu, SetSwitchPort
from virtlab.core.network.topology import PortMode
from virtlab.course.labs import load_lab
from virtlab.course.session import LabSession
from virtlab.ui.widgets.lab_panel import LabPanel
from virtlab.ui.widgets.topology_cards import MARK
from virtlab.ui.widgets.topology_view import TopologyView

from .test_widgets_lab import PanelApp

LABS = Path(__file__).resolve().parents[2] / "lessons" / "labs"


def _session(name: str) -> LabSession:
    lab, problems = load_lab(LABS / f"{name}.toml")
    assert lab is not None, problems
    return LabSession(lab)


def _lit(view: TopologyView) -> str:
    return next(line for line in view.as_text().split("\n") if MARK in line)


def _active(app) -> set[str]:
    return {b.action for _node, b, enabled, _tip in app.screen.active_bindings.values() if enabled}


async def _to_topology(pilot, panel: LabPanel) -> TopologyView:
    while panel.view != "topology":
        await pilot.press("v")
    await pilot.pause()
    return panel.query_one(TopologyView)


async def _to_network(pilot, panel: LabPanel):
    from virtlab.ui.widgets.network_view import NetworkView

    while panel.view != "network":
        await pilot.press("v")
    await pilot.pause()
    return panel.query_one(NetworkView)


async def test_l10_walk_to_the_trunk_that_drops_vlan_30() -> None:
    app = PanelApp(_session("l10-vlan-patch-panel"))
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        panel = app.query_one(LabPanel)
        assert "trace_step(1)" not in _active(app)  # not on the hosts view
        view = await _to_topology(pilot, panel)
        assert {"trace_step(1)", "trace_step(-1)", "trace_destination"} <= _active(app)
        assert "web-1.eth0" in _lit(view) and "Trace web-1 → app-1" in view.as_text()
        await pilot.press("T")
        assert view.stepper.dst == "db-1"
        for _ in range(8):
            await pilot.press("full_stop")
        await pilot.pause()
        text = view.as_text()
        assert "port 3 trunk VLAN 10,20,99" in _lit(view)
        assert "✗ 9. trunk does not allow VLAN 30" in text and "hop 9 of 9" in text
        await pilot.press("full_stop")  # past the end: back to the first hop
        assert view.stepper.index == 0 and "web-1.eth0" in _lit(view)
        await pilot.press("comma")  # before the first: the last
        assert view.stepper.index == 8
        panel.apply(SetSwitchPort(switch="leaf-1", port=3, mode=PortMode.TRUNK, allowed=(10, 20, 30, 99)))
        await pilot.pause()
        assert "dropped at hop 11" in view.as_text()  # now sg-db: db-1 answers mgmt-1 only
        await pilot.press("down")  # app-1 selected: the walk starts from it
        await pilot.pause()
        assert view.stepper.index == 0 and "Trace app-1 → db-1" in view.as_text()
        await pilot.press("v")
        assert "trace_step(1)" not in _active(app)


async def test_l10_in_korean() -> None:
    app = PanelApp(_session("l10-vlan-patch-panel"), "ko")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        view = await _to_topology(pilot, app.query_one(LabPanel))
        await pilot.press("T", "comma")
        await pilot.pause()
        text = view.as_text()
        assert "포트 3 트렁크 VLAN 10,20,99" in _lit(view)
        assert "✗ 9. 트렁크가 VLAN 30을 허용하지 않아요" in text and "홉 9개 중 9번째" in text


async def test_l11_the_underlay_mtu_then_the_reply_in_both_languages() -> None:
    for lang, words in (("en", "underlay MTU 1500 < 1550"), ("ko", "언더레이 MTU 1500 < 1550")):
        session = _session("l11-overlay-tenants")
        app = PanelApp(session, lang)
        async with app.run_test(size=(120, 36)) as pilot:
            await pilot.pause()
            panel = app.query_one(LabPanel)
            view = await _to_topology(pilot, panel)
            assert view.stepper.dst is None and "red-a → red-b" in view.as_text()
            await pilot.press("full_stop", "full_stop")
            await pilot.pause()
            assert "VTEP 192.168.1.11" in _lit(view) and words in view.as_text()
            panel.apply(SetMtu(mtu=1600))
            await pilot.pause()
            await pilot.press("comma")  # from hop 3, back to 2
            await pilot.press("comma", "comma")  # wraps to the reply's last hop
            await pilot.pause()
            assert "red-a.eth0" in _lit(view)
            assert view.stepper.index > 3 and ("delivered to red-a" if lang == "en" else "red-a에 전달됨") in view.as_text()


async def test_a_click_on_a_matrix_cell_walks_that_pair_in_the_topology() -> None:

    app = PanelApp(_session("l10-vlan-patch-panel"))
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        panel = app.query_one(LabPanel)
        grid = await _to_network(pilot, panel)
        assert "Click a cell to walk its packet" in grid.as_text()
        # Every ✓/✗ of the grid carries the click that names its pair (row, column).
        styles = " ".join(str(s.style) for s in grid.lines_for(grid._view_context).content().spans)
        names = panel.session.report.network.workloads
        assert f"@click=trace_pair({names.index('db-1')},{names.index('web-1')})" in styles
        grid.action_trace_pair(names.index("db-1"), names.index("web-1"))
        await pilot.pause()
        view = panel.query_one(TopologyView)
        assert panel.view == "topology" and panel.selected() == "db-1" and view.stepper.dst == "web-1"
        assert "Trace db-1 → web-1" in view.as_text()


async def test_the_click_itself_reaches_the_grid() -> None:
    from virtlab.ui.widgets.network_view import NetworkView

    app = PanelApp(_session("l10-vlan-patch-panel"))
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        panel = app.query_one(LabPanel)
        grid = await _to_network(pilot, panel)
        lines = grid.as_text().split("\n")
        names = panel.session.report.network.workloads
        row = next(y for y, line in enumerate(lines) if line.startswith(" 3  "))  # the third workload
        await pilot.click(NetworkView, offset=(4 + 3 * 0 + 1, row))  # its cell in the first column
        await pilot.pause()
        view = panel.query_one(TopologyView)
        assert panel.view == "topology" and panel.selected() == names[2] and view.stepper.dst == names[0]
