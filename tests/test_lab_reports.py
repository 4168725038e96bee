"""The lab report round trip: export → verify passes; a tampered report fails, naming the
step or goal that disagrees; many reports give a class table."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from virtlab.cli import main
from virtlab.course.labs import load_lab, parse_action
from virtlab.course.paths import progress_file
from virtlab.course.progress import Progress, mark_goal, save_progress
from virtlab.course.session import LabSession
from virtlab.course.work import save_work, work_path

L6 = Path(__file__).resolve().parents[1] / "lessons" / "labs" / "l6-patch-night.toml"


@pytest.fixture
def report(tmp_path: Path) -> Path:
    lab, _ = load_lab(L6)
    session = LabSession(lab)
    for raw in lab.solution.actions:
        assert session.apply(parse_action(raw, session.state)).ok
    data = tmp_path / "data"
    save_work(work_path(data, lab.id), session)
    progress = Progress()
    for r in session.results():
        progress = mark_goal(progress, "l6-vm-lifecycle", r.id, r.met)
    save_progress(progress_file(data), progress)
    out = tmp_path / "report.json"
    assert main(["export", "--report", "--data-dir", str(data), "--out", str(out), "--student", "Kim"]) == 0
    return out


def test_an_exported_report_verifies(report: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = json.loads(report.read_text(encoding="utf-8"))
    assert [x["lab"] for x in doc["labs"]] == ["l6-patch-night"] and all(g["met"] for g in doc["labs"][0]["goals"])
    capsys.readouterr()
    assert main(["verify", str(report)]) == 0
    assert capsys.readouterr().out.strip() == f"{report}: l6-patch-night: verified (5/5 goals met)"


def test_a_tampered_step_is_named(report: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = json.loads(report.read_text(encoding="utf-8"))
    del doc["labs"][0]["steps"][1]  # the snapshot before the patch, taken out
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc), encoding="utf-8")
    capsys.readouterr()
    assert main(["verify", str(bad)]) == 1
    assert "l6-patch-night: step 2: the state after it does not match the report" in capsys.readouterr().out


def test_a_claimed_goal_that_does_not_follow_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lab, _ = load_lab(L6)
    session = LabSession(lab)
    session.apply(parse_action({"kind": "write", "name": "app-1", "gib": 5}, session.state))
    data = tmp_path / "data"
    save_work(work_path(data, lab.id), session)
    out = tmp_path / "r.json"
    main(["export", "--report", "--data-dir", str(data), "--out", str(out)])
    doc = json.loads(out.read_text(encoding="utf-8"))
    for g in doc["labs"][0]["goals"]:
        g["met"] = True
    out.write_text(json.dumps(doc), encoding="utf-8")
    capsys.readouterr()
    assert main(["verify", str(out), "--csv"]) == 1
    table = capsys.readouterr().out.splitlines()
    assert table[0] == "report,student,lab,goals met,goals,verified,problem"
    # The score is the replay's (the report claimed 5 of 5).
    assert re.match(r'r\.json,,l6-patch-night,[0-4],5,no,"l6-patch-night: goal snapshot-age: the report says met',
                    table[1]), table[1]


def test_not_a_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    junk = tmp_path / "junk.json"
    junk.write_text("[1, 2]", encoding="utf-8")
    assert main(["verify", str(junk)]) == 1
    assert "not a virtlab lab report" in capsys.readouterr().out


def test_made_up_goals_and_malformed_reports_never_pass(report: Path, tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    doc = json.loads(report.read_text(encoding="utf-8"))
    doc["labs"][0]["goals"].append({"id": "fake", "text": "x", "met": True, "detail": "y"})
    fake = tmp_path / "fake.json"
    fake.write_text(json.dumps(doc), encoding="utf-8")
    broken = json.loads(report.read_text(encoding="utf-8"))
    broken["labs"][0]["steps"] = 5
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(broken), encoding="utf-8")
    twice = json.loads(report.read_text(encoding="utf-8"))
    twice["labs"].append(twice["labs"][0])
    dup = tmp_path / "dup.json"
    dup.write_text(json.dumps(twice), encoding="utf-8")
    capsys.readouterr()
    assert main(["verify", str(fake), str(bad), str(dup)]) == 1
    out = capsys.readouterr().out
    assert "goals fake: not goals of this lab" in out
    assert "malformed report: steps: expected a list of objects" in out
    assert "the lab is in the report twice" in out
