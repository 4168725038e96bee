"""Goal checks: each declares a parameters model that ``virtlab check`` validates field by
field (names resolved against the lab's scenario), and says its verdict through the string
files in both languages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from virtlab.course.goals import (
    CHECKS,
    GoalParamError,
    GoalParams,
    NoParams,
    parse_params,
    validate_params,
)
from virtlab.course.i18n import catalog
from virtlab.course.labs import lab_from_dict, load_lab
from virtlab.course.session import LabSession

ROOT = Path(__file__).resolve().parents[2]
GOALS_DIR = ROOT / "virtlab" / "course" / "goals"

SCENARIO = {
    "host": [{"name": "h1", "cores": 8, "memory": "64 GiB", "hypervisor": "kvm"}],
    "vm": [{"name": "web", "host": "h1", "vcpus": 2, "memory": "4 GiB"}],
}
ADD_CTR = {"kind": "add_container", "container": {"name": "new-1", "vm": "web", "memory_limit": "1 GiB"}}


def lab_problems(check: str, params: object, solution: list[dict[str, object]] | None = None) -> list[str]:
    data = {
        "lab": {"id": "t", "title": {"en": "t", "ko": "t"}},
        "scenario": SCENARIO,
        "goal": [{"id": "g", "text": {"en": "t", "ko": "t"}, "check": check, "params": params,
                  "hints": [{"en": "h", "ko": "h"}]}],
        "solution": {"actions": solution or []},
    }
    lab, problems = lab_from_dict(data, Path("lab.toml"))
    assert (lab is None) == bool(problems)
    return [p.removeprefix("lab.toml: ") for p in problems]


def test_every_check_declares_a_frozen_strict_parameters_model_and_says_what_it_asks() -> None:
    for name, spec in CHECKS.items():
        assert issubclass(spec.params, GoalParams), name
        assert spec.params.model_config.get("frozen") is True, name
        assert spec.params.model_config.get("extra") == "forbid", name
        assert spec.doc, f"{name}: its function needs a docstring"


def test_goal_modules_are_small_documented_and_hold_no_korean() -> None:
    for path in sorted(GOALS_DIR.glob("*.py")):
        text = path.read_text(encoding="utf-8")
        assert len(text.splitlines()) < 400, path.name
        assert text.lstrip().startswith('"""'), f"{path.name}: first a docstring saying what it is for"
        assert not re.search(r"[\uac00-\ud7a3]", text), f"{path.name}: Korean belongs in strings/ko-goals.toml"


def test_every_goal_message_key_the_checks_name_is_worded_in_both_languages() -> None:
    keys = set()
    for path in GOALS_DIR.glob("*.py"):
        keys |= set(re.findall(r'"(goal\.[a-z_.]+)"', path.read_text(encoding="utf-8")))
    assert keys
    for lang in ("en", "ko"):
        assert sorted(k for k in keys if k not in catalog(lang)) == [], lang


def test_each_bad_parameter_is_reported_by_field() -> None:
    assert lab_problems("max_overcommit", {"resource": "gpu", "max": -3, "host": "h9", "colour": "red"}) == [
        "goal[1] (g).params.resource: Input should be 'cpu', 'ram' or 'disk'",
        "goal[1] (g).params.max: Input should be greater than or equal to 0",
        "goal[1] (g).params.host: names 'h9', which is not in the scenario",
        "goal[1] (g).params.colour: unknown parameter for max_overcommit (takes resource, max, host)",
    ]


def test_missing_parameter_and_unknown_check() -> None:
    assert lab_problems("active_memory_max", {}) == [
        "goal[1] (g).params.max_pct: missing (required by active_memory_max)"]
    (problem,) = lab_problems("ready_maxx", {"max": 5})
    assert problem.startswith("goal[1] (g).check: unknown check 'ready_maxx' (known: active_memory_max, ")


@pytest.mark.parametrize(("check", "params", "field", "problem"), [
    ("allocated_max", {"resource": "ram", "max": "768 GB!"}, "max", "cannot read '768 GB!' as a number with a unit"),
    ("container_limits", {"container": "new-1", "cpu_limit": "5 furlongs"}, "cpu_limit",
     "unknown CPU unit 'furlongs' in '5 furlongs' (use '500m' or '2')"),
    ("vm_written_min", {"vm": "web", "gib": "-5 GiB"}, "gib", "Input should be greater than or equal to 0"),
    ("snapshot_age_max", {"max_h": -1}, "max_h", "Input should be greater than or equal to 0"),
    ("ready_max", {"max": "nan"}, "max", "Input should be a finite number"),
    ("datastore_free_min", {"datastore": "web", "min_pct": 120}, "min_pct", "Input should be less than or equal to 100"),
    ("memory_state", {"at_least": "great"}, "at_least", "unknown memory state 'great' (high, clear, soft, hard, low)"),
    ("isolation_min", {"a": "web", "b": "new-1", "level": "kernelish"}, "level",
     "unknown level 'kernelish' (same_vm, shared_kernel, host_kernel, hypervisor, separate_hosts)"),
    ("count_min", {"kind": "pod", "min": 1}, "kind", "Input should be 'vm' or 'container'"),
    ("no_violations", 3, "", "must be a table ({ name = value, … })"),
])
def test_values_are_validated(check: str, params: object, field: str, problem: str) -> None:
    where = f"goal[1] (g).params.{field}" if field else "goal[1] (g).params"
    assert f"{where}: {problem}" in lab_problems(check, params, [ADD_CTR])


def test_names_resolve_against_the_scenario_and_what_the_solution_adds() -> None:
    assert lab_problems("oom_killed", {"workload": "new-1"}) == [
        "goal[1] (g).params.workload: names 'new-1', which is not in the scenario"]
    assert lab_problems("oom_killed", {"workload": "new-1"}, [ADD_CTR]) == []
    assert lab_problems("oom_killed", {"workload": "web"}) == [
        "goal[1] (g).params.workload: names 'web', which is a VM, not a container"]
    assert lab_problems("running", {"workloads": ["web", "nope"]}) == [
        "goal[1] (g).params.workloads.1: names 'nope', which is not in the scenario"]
    assert lab_problems("vm_minimums", {"minimums": {"h1": {"vcpus": 1}}}) == [
        "goal[1] (g).params.minimums.h1.[key]: names 'h1', which is a host, not a VM"]


def test_checks_get_typed_parameters_read_once() -> None:
    params = parse_params("allocated_max", {"resource": "ram", "max": "230 GiB"})
    assert params.model_dump() == {"resource": "ram", "max": 230 * 1024.0, "host": None}
    with pytest.raises(ValidationError):
        params.max = 1.0  # type: ignore[misc]  # frozen
    with pytest.raises(GoalParamError, match="params.max"):
        parse_params("allocated_max", {"resource": "ram", "max": "lots"})
    assert validate_params("allocated_max", {"resource": "ram", "max": 1}) == []
    session = _session("l1-carve-a-host")
    with pytest.raises(GoalParamError, match="takes AllocatedMax, not NoParams"):
        CHECKS["allocated_max"](session.state, session.report, NoParams())


def _session(stem: str) -> LabSession:
    lab, problems = load_lab(ROOT / "lessons" / "labs" / f"{stem}.toml")
    assert lab is not None, problems
    return LabSession(lab)


def test_particles_agree_with_the_name() -> None:
    session = _session("l1-carve-a-host")
    for name, ko in [("db-9", "db-9가 없어요"), ("hog", "hog가 없어요"), ("ghost-1", "ghost-1이 없어요"),
                     ("web-10", "web-10이 없어요")]:
        params = parse_params("survives_disk_loss", {"vm": name})  # no scenario given: not resolved
        verdict = CHECKS["survives_disk_loss"](session.state, session.report, params)
        assert (verdict.met, verdict.en, verdict.ko) == (False, f"{name} does not exist", ko)


def test_losing_the_disk_says_the_same_reason_in_korean() -> None:
    """The Korean detail once said 백업이 없습니다 whatever the engine refused."""
    session = _session("l6-patch-night")
    result = next(r for r in session.results() if r.id == "survives-disk-loss")
    assert not result.met
    reason_en = result.verdict.en.partition(": ")[2]
    assert reason_en == "app-1 has no backup: a snapshot is not a backup, it lives on the same disk chain"
    assert result.verdict.ko == ("기본 디스크를 잃으면 app-1도 잃어요: app-1의 백업이 없어요. "
                                 "스냅샷은 같은 디스크 체인 위에 있어서 백업이 되지 못해요")
