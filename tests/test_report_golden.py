"""`virtlab report` prints the same bytes as the recorded goldens for every scenario and lab.

The goldens under ``tests/golden/`` were recorded before the core was restructured (issue 7);
a restructure must not change a single byte. Re-record on purpose only, with
``VIRTLAB_UPDATE_GOLDEN=1 python -m pytest tests/test_report_golden.py``, and read the diff.
"""

from __future__ import annotations

import json
import os
import tomllib
from pathlib import Path

import pytest

from virtlab.cli import main

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = Path(__file__).parent / "golden"
FILES = sorted((ROOT / "scenarios").glob("*.toml")) + sorted((ROOT / "lessons" / "labs").glob("*.toml"))


def _is_quiz(path: Path) -> bool:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return "scenario" not in data and "hosts" not in data


def _hosts(path: Path) -> list[str]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    scenario = data.get("scenario", data)
    # A lab writes [[scenario.host]]; a scenario file [[host]] beside its [scenario] name.
    hosts = scenario.get("host") or data.get("host") or []
    return [h["name"] for h in hosts if isinstance(h, dict) and "name" in h]


def _cases() -> list[tuple[str, list[str]]]:
    cases = []
    for path in FILES:
        if _is_quiz(path):
            continue
        stem = f"{path.parent.name}-{path.stem}"
        cases.append((f"{stem}.txt", ["report", str(path)]))
        cases.append((f"{stem}.json", ["report", str(path), "--json"]))
        cases.append((f"{stem}.pairs.txt", ["report", str(path), "--pairs"]))
        for host in _hosts(path)[:2]:
            cases.append((f"{stem}.down-{host}.json", ["report", str(path), "--json",
                                                      "--fault", f"host:{host}"]))
    return cases


@pytest.mark.parametrize(("name", "argv"), _cases(), ids=[c[0] for c in _cases()])
def test_report_is_byte_identical(name: str, argv: list[str], capsys: pytest.CaptureFixture[str],
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "120")
    monkeypatch.setenv("NO_COLOR", "1")
    code = main(argv)
    out = capsys.readouterr().out
    assert code == 0
    if name.endswith(".json"):
        json.loads(out)
    _check_golden(name, out)


def _check_golden(name: str, out: str) -> None:
    golden = GOLDEN / name
    if os.environ.get("VIRTLAB_UPDATE_GOLDEN"):
        golden.write_text(out, encoding="utf-8")
    assert golden.exists(), f"no golden {golden.name}; record with VIRTLAB_UPDATE_GOLDEN=1"
    assert out == golden.read_text(encoding="utf-8")


def _played(lab, actions: list[dict], answers: dict) -> str:
    """The goals (both languages) and the report after playing ``actions`` on the lab."""
    from virtlab.core.report import to_jsonable
    from virtlab.course.labs import parse_action
    from virtlab.course.session import LabSession

    session = LabSession(lab)
    steps = []
    for raw in actions:
        outcome = session.apply(parse_action(raw, session.state))
        steps.append([outcome.ok, outcome.description,
                      [[v.code, v.subject, v.message] for v in outcome.violations]])
    for qid, value in answers.items():
        session.answer(qid, value)
    results = [[r.id, r.met, r.verdict.en, r.verdict.ko, r.text(lab, "en"), r.text(lab, "ko")]
               for r in session.results()]
    report = to_jsonable(session.report) if session.lab.state is not None else None
    return json.dumps({"steps": steps, "results": results, "report": report},
                      indent=1, ensure_ascii=False, sort_keys=True) + "\n"


LAB_FILES = sorted((ROOT / "lessons" / "labs").glob("*.toml"))


@pytest.mark.parametrize("path", LAB_FILES, ids=lambda p: p.stem)
def test_lab_play_is_unchanged(path: Path) -> None:
    """The solution and every misconception fixture give the recorded goals and report."""
    from virtlab.course.labs import load_lab

    lab, problems = load_lab(path)
    assert lab is not None, problems
    _check_golden(f"play-{path.stem}.solution.json",
                  _played(lab, lab.solution.actions, lab.solution.answers))
    for m in lab.misconceptions:
        _check_golden(f"play-{path.stem}.{m.id}.json", _played(lab, m.actions, m.answers))
