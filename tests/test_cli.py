"""The command line as a script would use it: exit codes 0 ok, 1 invalid input, 2 usage."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from virtlab.cli import main

ROOT = Path(__file__).resolve().parents[1]
DOCKER = str(ROOT / "scenarios" / "docker-host.toml")


def test_report_json_has_the_engines_numbers(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", DOCKER, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    by_name = {w["name"]: w for w in data["workloads"]}
    assert by_name["cache"]["status"] == "oom-killed"
    assert by_name["api"]["container"]["oom_score_adj"] == -997
    assert data["hosts"][0]["lines"]["ram"]["allocated"] > 0


def test_report_with_a_fault(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", str(ROOT / "scenarios" / "containers-in-vm.toml"), "--json",
                 "--fault", "guest-panic:k8s-node-1"]) == 0
    by_name = {w["name"]: w for w in json.loads(capsys.readouterr().out)["workloads"]}
    assert by_name["k8s-node-1"]["status"] == "crashed"
    assert by_name["frontend"]["status"] == "vm-down"
    assert by_name["db-1"]["status"] == "running"


def test_report_tables_print(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", str(ROOT / "scenarios" / "esxi-mixed.toml")]) == 0
    out = capsys.readouterr().out
    assert "esx-1" in out and "batch-1" in out


def test_report_of_a_lab_file_uses_its_scenario(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", str(ROOT / "lessons" / "labs" / "l1-carve-a-host.toml"), "--json"]) == 0
    assert {w["name"] for w in json.loads(capsys.readouterr().out)["workloads"]} >= {"web-1", "db-1"}


def test_bad_fault_is_usage_and_unknown_target_is_invalid(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", DOCKER, "--fault", "bogus"]) == 2
    assert main(["report", DOCKER, "--fault", "host:nope"]) == 1


def test_check_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(ROOT / "lessons"), str(ROOT / "scenarios")]) == 0
    bad = tmp_path / "bad.toml"
    bad.write_text('[[host]]\nname = "h"\ncores = 0\nmemory = "1 GiB"\n', encoding="utf-8")
    assert main(["check", str(bad)]) == 1
    assert f"{bad}: host[1] (h).cores:" in capsys.readouterr().out


def test_missing_file_and_unknown_lesson(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", str(tmp_path / "none.toml")]) == 1
    assert "not found" in capsys.readouterr().err
    assert main(["open", "l5-overcomit"]) == 1
    assert "l5-overcommit" in capsys.readouterr().err


def test_usage_errors_exit_2() -> None:
    with pytest.raises(SystemExit) as e:
        main(["frobnicate"])
    assert e.value.code == 2
