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


def test_the_network_key_fixes_the_trunk_and_the_matrix_follows() -> None:
    from virtlab.core.actions import apply
    from virtlab.ui.widgets.network_menu import network_choices

    dc, _ = load_scenario(SCENARIO)
    choices = dict(network_choices(dc, "en"))
    label = next(x for x in choices if x.startswith("Allow VLAN 30 on leaf-1 port 3"))
    fixed = apply(dc, choices[label])
    assert build_report(fixed).network.cell("web-1", "db-1").reason != build_report(dc).network.cell("web-1", "db-1").reason
    assert any(x.startswith("Fail link") for x in choices)
