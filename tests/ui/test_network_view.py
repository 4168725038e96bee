"""The network view: the reachability grid and, for the selected workload, the reason each
packet is dropped — worded from the hop's code, in both languages."""

from __future__ import annotations

from pathlib import Path

from virtlab.core.report import build_report
from virtlab.course.scenario import load_scenario
from virtlab.ui.widgets.lab_views import views_for
from virtlab.ui.widgets.lines_view import ViewContext
from virtlab.ui.widgets.network_view import network_lines

SCENARIO = Path(__file__).resolve().parents[2] / "scenarios" / "network-vlan-patch-panel.toml"


def _text(lang: str, selected: str | None = None) -> str:
    dc, problems = load_scenario(SCENARIO)
    assert problems == [] and dc is not None
    return network_lines(ViewContext(build_report(dc), dc, lang, selected, 100)).plain()


def test_the_grid_and_the_reason_for_the_selected_workload() -> None:
    text = _text("en", "web-1")
    assert " 1   ·  ✓  ✗  ✗   web-1" in text
    assert "✗ db-1: leaf-1 port 3: trunk does not allow VLAN 30" in text
    assert "VLAN 30 pg-db: db-1.eth0" in text


def test_korean_words_the_same_drop() -> None:
    assert "db-1:" in _text("ko", "web-1") and "VLAN 30" in _text("ko", "web-1")


def test_a_lab_with_a_network_has_the_view() -> None:
    dc, _ = load_scenario(SCENARIO)
    assert "network" in [v.id for v in views_for(dc)]
