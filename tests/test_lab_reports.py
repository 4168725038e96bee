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


L3 = L6.with_name("l3-trap-or-not.toml")


@pytest.fixture
def quiz_report(tmp_path: Path) -> Path:
    """A student who got toy-isa wrong once, then answered every question right."""
    lab, _ = load_lab(L3)
    session = LabSession(lab)
    session.answer("toy-isa", "yes")
    for qid, value in lab.solution.answers.items():
        session.answer(qid, value)
    data = tmp_path / "data"
    save_work(work_path(data, lab.id), session)
    out = tmp_path / "quiz.json"
    assert main(["export", "--report", "--data-dir", str(data), "--out", str(out)]) == 0
    return out


def _verify_edited(report: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], edit) -> str:
    doc = json.loads(report.read_text(encoding="utf-8"))
    edit(doc["labs"][0])
    bad = tmp_path / "edited.json"
    bad.write_text(json.dumps(doc), encoding="utf-8")
    capsys.readouterr()
    code = main(["verify", str(bad)])
    out = capsys.readouterr().out
    assert (code == 0) == ("verified" in out), out
    return out


def test_quiz_answers_are_replayed_try_by_try(quiz_report: Path, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    entry = json.loads(quiz_report.read_text(encoding="utf-8"))["labs"][0]
    assert entry["tries"][0] == {"question": "toy-isa", "answer": "yes"} and entry["wrong"] == {"toy-isa": 1}
    # toy-isa allows one wrong try: the replay takes the right answer after it, and so passes.
    assert "verified" in _verify_edited(quiz_report, tmp_path, capsys, lambda e: None)
    # Hiding the wrong try: the claimed count no longer follows from the tries.
    out = _verify_edited(quiz_report, tmp_path, capsys, lambda e: e["wrong"].clear())
    assert "l3-trap-or-not: wrong.toy-isa: says None, the tries give 1" in out
    # Dropping the wrong try from the log as well leaves a different, honest-looking history,
    # but an answer claimed without its try is named.
    out = _verify_edited(quiz_report, tmp_path, capsys,
                         lambda e: e["tries"].pop(next(i for i, t in enumerate(e["tries"]) if t["question"] == "cpuinfo")))
    assert "l3-trap-or-not: answers.cpuinfo: says 'no', the tries give None" in out
    # Claiming answers with no tries at all (an older report) cannot be re-checked.
    out = _verify_edited(quiz_report, tmp_path, capsys, lambda e: e.pop("tries"))
    assert "answers: the report has no tries to replay them from" in out


def test_a_second_wrong_try_locks_the_question_on_replay(quiz_report: Path, tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    def two_wrong(e: dict) -> None:
        e["tries"].insert(0, {"question": "toy-isa", "answer": "hv"})
        e["wrong"]["toy-isa"] = 2
        e["answers"]["toy-isa"] = "hv"
    out = _verify_edited(quiz_report, tmp_path, capsys, two_wrong)
    # Locked after its one allowed wrong try, the question takes no later answer: not met.
    assert "goal toy-isa: the report says met, the replay gives not met" in out


def test_an_export_leaves_stale_work_where_it_is(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    path = work_path(data, "l6-patch-night")
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"version": 1, "lab": "l6-patch-night", "steps": [{"kind": "nope"}]}),
                    encoding="utf-8")
    before = sorted(p.name for p in path.parent.iterdir())
    assert main(["export", "--report", "--data-dir", str(data), "--out", str(tmp_path / "r.json")]) == 0
    assert "not in the report, and left where it is" in capsys.readouterr().err
    assert sorted(p.name for p in path.parent.iterdir()) == before  # an export writes nothing there
