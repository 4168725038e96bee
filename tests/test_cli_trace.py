"""``virtlab trace`` and the network faults of ``virtlab report``: exit 0 when the packet and
its reply arrive, 3 when it is dropped, 1 for bad input, 2 for usage."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from virtlab.cli import main

ROOT = Path(__file__).resolve().parents[1]
L10 = str(ROOT / "scenarios" / "network-vlan-patch-panel.toml")
L11 = str(ROOT / "scenarios" / "network-overlay-tenants.toml")


def test_a_dropped_packet_names_the_hop_and_exits_3(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["trace", L10, "web-1", "db-1", "--lang", "en"]) == 3
    out = capsys.readouterr().out
    assert out.splitlines()[-1] == "dropped — leaf-1 port 3: trunk does not allow VLAN 30"
    assert "gw-1: routed 10.0.10.0/24 → 10.0.30.0/24 (VLAN 30)" in out


def test_a_delivered_packet_shows_request_and_reply(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["trace", L10, "web-1", "app-1", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "request:" in out and "reply:" in out and out.rstrip().endswith("the reply came back")


def test_trace_in_korean_and_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["trace", L11, "red-a", "red-b", "--lang", "ko"]) == 3
    assert "언더레이 MTU 1500 < 1550" in capsys.readouterr().out
    assert main(["trace", L11, "red-a", "red-b", "--proto", "tcp", "--port", "23", "--size", "100", "--json"]) == 3
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] is False and data["drop"]["code"] == "flow_drop"
    assert data["reason"] == "br-int flows: flow priority 200 tcp_dst=23 → drop"


def test_network_faults_in_report_and_trace(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", L10, "--json", "--fault", "switch:leaf-1"]) == 0
    cells = json.loads(capsys.readouterr().out)["network"]["matrix"]
    assert all(not c["ok"] for c in cells)
    assert main(["trace", L10, "web-1", "app-1", "--fault", "link:cable-esx-1", "--lang", "en"]) == 3
    assert "link cable-esx-1 is down" in capsys.readouterr().out
    assert main(["report", L10, "--fault", "link:nope"]) == 1


def test_unknown_workload_is_invalid_input(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["trace", L10, "web-1", "ghost"]) == 1
    assert "no workload or vNIC named 'ghost'" in capsys.readouterr().err
