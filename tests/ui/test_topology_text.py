"""The topology drawing's plain-text twin: hosts, virtual and physical switches, VLANs and
VNIs told apart by text, what is down marked in words, cards side by side or stacked to fit
the width (Korean measured in cells), and one node lit for the stepper."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.cells import cell_len
from textual.content import Content

from virtlab.core.network.reasons import node
from virtlab.core.report import build_report
from virtlab.core.state import Datacenter
from virtlab.course.scenario import load_scenario
from virtlab.ui.widgets.labtext import Lines
from virtlab.ui.widgets.lines_view import ViewContext
from virtlab.ui.widgets.topology_cards import MARK, Callout
from virtlab.ui.widgets.topology_text import draw_topology, focus_id, topology_lines

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
NETWORK = ("network-vlan-patch-panel.toml", "network-overlay-tenants.toml", "network-vss-learning.toml")


def _dc(name: str) -> Datacenter:
    dc, problems = load_scenario(SCENARIOS / name)
    assert problems == [] and dc is not None
    return dc


def _text(name: str, lang: str = "en", width: int = 69, focus=None) -> str:
    dc = _dc(name)
    return topology_lines(ViewContext(build_report(dc), dc, lang, None, width), focus).plain()


def test_the_vlan_lab_draws_hosts_the_vds_the_leaf_ports_and_the_router() -> None:
    text = _text("network-vlan-patch-panel.toml")
    assert "web-1.eth0 VLAN 10 pg-web" in text and "db-1.eth0 VLAN 30 pg-db" in text
    assert "vmnic0 ═══ leaf-1 port 3" in text
    assert "port 3 trunk VLAN 10,20,99 ═══ esx-2.vmnic0" in text
    assert "port 24 trunk VLAN 10,20,30,99 ═══ gw-1 (router)" in text
    assert "ports 5–8 access VLAN 99" in text
    assert "dvs-1 · distributed across esx-1, esx-2 · MTU 1500" in text
    assert "VLAN 30 10.0.30.1/24" in text


def test_the_overlay_lab_says_vnis_vteps_the_underlay_and_the_controller() -> None:
    text = _text("network-overlay-tenants.toml")
    assert "red-a.eth0 VNI 5001 red" in text and "blue-a.eth0 VNI 5002 blue" in text
    assert "VTEP 192.168.1.11" in text and "VTEP 192.168.2.12" in text
    assert "port 1 access VLAN 100" in text and "─── kvm-1.eth0" in text
    assert "underlay · MTU 1500" in text and "overlay packets up to 1450" in text
    assert "red-net VNI 5001 · tenant red" in text
    assert "sdn-1 · SDN controller · fail_mode secure · up" in text


def test_standard_switches_and_a_cable_that_is_down() -> None:
    text = _text("network-vss-learning.toml")
    assert "vss0-esx-1 · standard, on esx-1 only" in text
    assert "vmnic0 ─╳─ leaf-1 port 2 ✗ cable-2 down" in text
    assert "port 2 trunk VLAN 10,50 ─╳─ esx-2.vmnic0 ✗ cable-2 down" in text


def test_a_switch_that_is_down_says_so_in_words() -> None:
    from virtlab.core.actions import apply
    from virtlab.core.network.faults import NetFail

    dc = apply(_dc("network-vlan-patch-panel.toml"), NetFail(name="leaf-1"))
    text = topology_lines(ViewContext(build_report(dc), dc, "en", None, 69)).plain()
    assert "leaf-1 · rack-1 ✗ down" in text
    dc = apply(_dc("network-vlan-patch-panel.toml"), NetFail(name="leaf-1"))
    assert "leaf-1 · rack-1 ✗ 꺼짐" in topology_lines(ViewContext(build_report(dc), dc, "ko", None, 69)).plain()


@pytest.mark.parametrize("name", NETWORK)
@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("width", [40, 46, 69, 118])
def test_no_line_is_wider_than_the_view(name: str, lang: str, width: int) -> None:
    for line in _text(name, lang, width).split("\n"):
        assert cell_len(line) <= width, (width, line)


def test_two_hosts_side_by_side_at_the_lab_panels_width_stacked_when_narrow() -> None:
    wide = _text("network-vlan-patch-panel.toml", width=69).split("\n")
    assert any("esx-1 ─" in line and "esx-2 ─" in line for line in wide)
    narrow = _text("network-vlan-patch-panel.toml", width=46).split("\n")
    assert not any("esx-1 ─" in line and "esx-2 ─" in line for line in narrow)


def test_korean_words_and_columns_line_up_in_cells() -> None:
    text = _text("network-vlan-patch-panel.toml", "ko", 69)
    assert "포트 3 트렁크 VLAN 10,20,99" in text and "dvs-1 · 분산" in text
    rows = [line for line in text.split("\n") if "dvs-1 · 분산" in line]
    assert rows and all(line.count("dvs-1 · 분산") == 2 for line in rows)
    second = [cell_len(line[:line.rindex("├")]) for line in rows]
    assert len(set(second)) == 1  # the second column starts at the same cell


def test_the_lit_node_is_marked_and_only_it() -> None:
    text = _text("network-vlan-patch-panel.toml", focus=node("port", switch="leaf-1", port=3))
    lit = [line for line in text.split("\n") if MARK in line]
    assert len(lit) == 1 and "port 3 trunk" in lit[0]
    text = _text("network-overlay-tenants.toml", focus=node("vtep_ip", host="kvm-2", ip="192.168.2.12"))
    lit = [line for line in text.split("\n") if MARK in line]
    assert len(lit) == 1 and lit[0].index(MARK) > lit[0].index("VTEP 192.168.1.11")


def test_every_node_a_hop_names_has_a_place_in_the_drawing() -> None:
    from virtlab.core.network.trace import trace, where_of

    for name in NETWORK:
        dc = _dc(name)
        ctx = ViewContext(build_report(dc), dc, "en", None, 69)
        names = [v.workload for v in dc.network.vnics]
        for a in names:
            for b in names:
                tr = trace(dc.network, where_of(dc), a, b)
                for leg in (tr, tr.reply):
                    for h in leg.hops if leg is not None else ():
                        out = Lines()
                        assert draw_topology(ctx, Callout(focus_id(h.at), Content("here")), out), h
                        assert "here" in out.plain()
