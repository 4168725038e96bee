"""Reading lab files: a starting scenario, goals with hints, allowed actions, quiz questions,
misconception and near-miss fixtures and a reference solution — all data, in TOML.
(:mod:`virtlab.course.plays` plays the solution and the fixtures.)

```toml
[lab]
id = "l5-overcommit-budget"
kind = "compute"                      # compute | quiz
title = { en = "Overcommit budget", ko = "오버커밋 예산" }
intro = { en = "…", ko = "…" }
actions = ["update", "remove", "set_demand"]   # or ["all"]

[scenario]                            # the scenario format (see virtlab/course/scenario/), nested
[[scenario.host]]
name = "esx-1"
…

[[goal]]
id = "cpu-ratio"
text = { en = "vCPU:pCPU at most 3:1", ko = "…" }
check = "max_overcommit"              # see virtlab/course/goals/
params = { resource = "cpu", max = 3 }
under = "peak"                        # optional: judge at this demand level
misconception = "more-vcpus-faster"   # optional: the misconception this goal catches
hints = [ { en = "…", ko = "…" }, { en = "…", ko = "…", names = "more-vcpus-faster" } ]

[[question]]                          # quiz items: choice | order | classify
id = "types"
type = "classify"
…                                     # prompt, items, categories, answer, hints
max_wrong = 2                         # optional: more wrong answers lock it until reset
reread = { en = "the step “Type is not technique”", ko = "…" }   # named when locked
feedback = [                          # order/classify: explain specific wrong answers
  { when = { kvm = "type2" }, text = { en = "…", ko = "…" }, misconception = "kvm-is-type2" },
]                                     # order: when = { item = position from 1 }
# a choice option explains itself: { id = "a", …, why = {…}, misconception = "…" }

[[misconception]]
id = "more-vcpus-faster"
text = { en = "More vCPUs make a VM faster", ko = "…" }
fails = "cpu-ready"                   # the goal or question it must fail
actions = [ { kind = "update", name = "web-1", changes = { vcpus = 16 } } ]   # or answers = {…}

[[near_miss]]                         # a shortcut a student may try: it must fail its goal
id = "remove-vms"
about = "remove VMs instead of right-sizing them"
fails = "all-run"
actions = [ { kind = "remove", name = "web-1" } ]
expect = "fail"                       # or "refused": one of its actions must be refused

[solution]                            # reaches every goal (virtlab check plays it)
actions = [ … ]
answers = { q1 = "b" }
```
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import (
    BaseModel,
    ValidationError,
)

from virtlab.core.actions import action_adapter
from virtlab.core.errors import InputError
from virtlab.core.state import Datacenter
from virtlab.core.units import parse_mib
from virtlab.course import scenario as sc
from virtlab.course.goals import CHECKS, param_problem
from virtlab.course.labs.answers import grade, misconceptions_shown, placements
from virtlab.course.labs.models import (
    Goal,
    Lab,
    LabMeta,
    Misconception,
    NearMiss,
    Question,
    Solution,
)


def parse_action(raw: dict[str, Any], dc: Datacenter, *, container: bool = False) -> Any:
    """An action from its TOML table, with friendly keys and units; raises :class:`~virtlab.core.errors.InputError` (a ``ValueError``)."""
    if not isinstance(raw, dict):
        raise InputError(f"an action is a table such as {{ kind = \"update\", … }}, got {raw!r}",
                         "action")
    raw = dict(raw)
    kind = raw.get("kind")
    for key in ("changes", "vm", "container"):
        if key in raw and not isinstance(raw[key], dict):
            raise InputError(f"must be a table ({{ … }}), got {raw[key]!r}", key)
    if kind == "add_vm":
        local = {h.name: ds[0].name for h in dc.hosts if (ds := dc.storage.local_to(h.name))}
        return action_adapter().validate_python({"kind": kind, "vm": sc.parse_vm(raw.get("vm", {}), "vm", local)})
    if kind == "add_container":
        c = sc.parse_container(raw.get("container", {}), "container")
        return action_adapter().validate_python({"kind": kind, "container": c})
    if kind == "update":
        is_ctr = raw.get("name") in dc.compute.container_index
        raw["changes"] = sc.parse_update_changes(dict(raw.get("changes", {})), container=is_ctr)
    if kind == "set_demand" and isinstance(raw.get("memory"), str):
        raw["memory_mib"] = parse_mib(raw.pop("memory"))
    try:
        return action_adapter().validate_python(raw)
    except ValidationError as e:
        err = e.errors()[0]
        loc = [str(x) for x in err["loc"]]
        raise InputError(action_problem(err), ".".join(loc[1:] if err["type"] != "union_tag_invalid" and loc
                                                      and loc[0] == kind else loc) or "action") from None


def action_problem(err: Any) -> str:
    """A lab action's validation error in the author's words, not pydantic's."""
    ctx = err.get("ctx") or {}
    if err["type"] == "union_tag_invalid":
        known = ", ".join(sorted(str(ctx.get("expected_tags", "")).replace("'", "").split(", ")))
        return f"unknown action kind {ctx.get('tag')!r} (known: {known})"
    if err["type"] == "union_tag_not_found":
        return "an action needs its kind (kind = \"…\")"
    if err["type"] == "extra_forbidden":
        return "unknown key for this action"
    if err["type"] == "missing":
        return "missing: this action needs it"
    return str(err["msg"]).removeprefix("Value error, ")


def _errors(e: ValidationError, prefix: str, model: type[BaseModel] | None = None) -> list[str]:
    out = []
    for err in e.errors():
        loc = ".".join(str(x) for x in err["loc"])
        text = err["msg"]
        if err["type"] == "extra_forbidden":  # in the file's words, with what may be there
            allowed = f" (allowed: {', '.join(_keys(model))})" if model is not None and len(err["loc"]) == 1 else ""
            text = f"unknown key{allowed}"
        out.append(f"{prefix}.{loc}: {text}" if loc else f"{prefix}: {text}")
    return out


def _keys(model: type[BaseModel]) -> list[str]:
    return sorted(str(f.alias or name) for name, f in model.model_fields.items())


def _goal_errors(e: ValidationError, prefix: str, raw: Any) -> list[str]:
    """A goal's errors; those of its parameters in the words of its check."""
    spec = CHECKS.get(str(raw.get("check"))) if isinstance(raw, dict) else None
    out = []
    for err in e.errors():
        loc = ".".join(str(x) for x in err["loc"])
        text = param_problem(spec, err) if spec and err["loc"][:1] == ("params",) else err["msg"]
        out.append(f"{prefix}.{loc}: {text}" if loc else f"{prefix}: {text}")
    return out


def _list(data: dict[str, Any], key: str, model: type[BaseModel], problems: list[str], src: str,
          context: dict[str, Any] | None = None) -> list[Any]:
    items = data.get(key, [])
    if not isinstance(items, list):
        problems.append(f"{src}: {key}: must be an array of tables ([[{key}]])")
        return []
    out: list[Any] = []
    for i, raw in enumerate(items):
        label = f"{key}[{i + 1}]" + (f" ({raw.get('id')})" if isinstance(raw, dict) and raw.get("id") else "")
        try:
            out.append(model.model_validate(raw, context=context))
        except ValidationError as e:
            found = _goal_errors(e, label, raw) if model is Goal else _errors(e, label, model)
            problems += [f"{src}: {x}" for x in found]
    return out


LAB_KEYS = {"lab", "scenario", "goal", "question", "misconception", "near_miss", "solution"}


def lab_from_dict(data: dict[str, Any], path: Path, *, plays: bool = True) -> tuple[Lab | None, list[str]]:
    """A lab from its TOML tables, or its problems. ``plays=False`` does not apply the
    reference solution and the fixtures' actions to the scenario (``virtlab check`` and the
    tests do; the app, opening one lesson, does not need to)."""
    src = str(path)
    problems: list[str] = []
    for key in data:
        if key not in LAB_KEYS:
            problems.append(f"{src}: {key}: unknown table (allowed: {', '.join(sorted(LAB_KEYS))})")
    try:
        meta = LabMeta.model_validate(data.get("lab", {}))
    except ValidationError as e:
        return None, problems + [f"{src}: {x}" for x in _errors(e, "lab")]
    state = None
    if "scenario" in data and not isinstance(data["scenario"], dict):
        problems.append(f"{src}: scenario: must be a table ([scenario] with [[scenario.host]] …), "
                        f"got {data['scenario']!r}")
    elif "scenario" in data:
        state, sp = sc.scenario_from_dict(data["scenario"], src, "scenario")
        problems += sp
    elif meta.kind == "compute":
        problems.append(f"{src}: scenario: missing (a compute lab needs a starting scenario)")
    try:
        solution = Solution.model_validate(data.get("solution", {}))
        solution_problems: list[str] = []
    except ValidationError as e:
        solution_problems = [f"{src}: {x}" for x in _errors(e, "solution")]
        solution = Solution()
    # Goals may name what the scenario has and what the solution adds (checked by the
    # parameters' reference types, see virtlab.course.goals.fields).
    names = {"state": state, "added": _added_by(solution)} if state is not None else None
    goals = _list(data, "goal", Goal, problems, src, context=names)
    questions = _list(data, "question", Question, problems, src)
    miscs = _list(data, "misconception", Misconception, problems, src)
    near = _list(data, "near_miss", NearMiss, problems, src)
    problems += solution_problems
    # A goal or question already reported as invalid still counts as written (no follow-on
    # "no goal …" problems for it).
    written = _ids(data, "goal") + _ids(data, "question")
    if not goals and not questions and not written:
        problems.append(f"{src}: goal: a lab needs at least one goal or question")
    ids = [g.id for g in goals] + [q.id for q in questions]
    for dup in sorted({i for i in ids if ids.count(i) > 1}):
        problems.append(f"{src}: goal/question {dup}: duplicate id")
    for i, q in enumerate(questions):
        problems += [f"{src}: question[{i + 1}] ({q.id}): {x}" for x in _question_problems(q)]
    known_m = {m.id for m in miscs}
    # A misconception that did not load is named by its own problem, not again by every hint.
    written_m = {str(m.get("id")) for m in data.get("misconception", []) if isinstance(m, dict)} \
        if isinstance(data.get("misconception"), list) else set()
    for i, q in enumerate(questions):
        problems += [f"{src}: question[{i + 1}] ({q.id}).{x}" for x in _explained_problems(q, known_m)]
    for i, m in enumerate(miscs):
        where = f"misconception[{i + 1}] ({m.id})"
        if m.fails not in ids:
            if m.fails not in written:
                problems.append(f"{src}: {where}.fails: no goal or question {m.fails!r}")
        else:
            target = next(x for x in [*goals, *questions] if x.id == m.fails)
            if not any(h.names == m.id for h in target.hints):
                problems.append(f"{src}: {where}: goal {m.fails!r} has no hint with names = {m.id!r}")
        problems += [f"{src}: {where}.{x}" for x in _fixture_problems(m, questions)]
    for i, n in enumerate(near):
        if n.fails not in ids and n.fails not in written:
            problems.append(f"{src}: near_miss[{i + 1}] ({n.id}).fails: no goal or question {n.fails!r}")
    for dup in sorted({n.id for n in near if [x.id for x in near].count(n.id) > 1}):
        problems.append(f"{src}: near_miss {dup}: duplicate id")
    for g in [*goals, *questions]:
        for h in g.hints:
            if h.names and h.names not in known_m and h.names not in written_m:
                problems.append(f"{src}: {g.id}: hint names unknown misconception {h.names!r}")
    played = [("solution", solution.actions)] + [(f"misconception {m.id}", m.actions) for m in miscs]
    played += [(f"near_miss {n.id}", n.actions) for n in near if n.expect == "fail"]
    for kind, acts in played if plays else ():
        problems += [f"{src}: {kind}: {x}" for x in _action_problems(acts, state)]
    if problems:
        return None, problems
    # Every part is validated above: put together as it is (validating a Lab would build the
    # whole state's validators, every domain's, before a lab's first frame).
    return Lab.model_construct(meta=meta, path=path, state=state, goals=goals, questions=questions,
                               misconceptions=miscs, solution=solution, near_misses=near), []


def _ids(data: dict[str, Any], key: str) -> list[str]:
    """The ids written in ``[[key]]`` tables, valid or not."""
    items = data.get(key, [])
    return [str(x["id"]) for x in items if isinstance(x, dict) and "id" in x] if isinstance(items, list) else []


def _added_by(solution: Solution) -> dict[str, str]:
    """What the reference solution creates: name → "vm" or "container"."""
    out: dict[str, str] = {}
    for a in solution.actions:
        for kind in ("vm", "container"):
            inner = a.get(kind)
            if isinstance(inner, dict) and isinstance(inner.get("name"), str):
                out[inner["name"]] = kind
    return out


def _action_problems(actions: list[dict[str, Any]], state: Datacenter | None) -> list[str]:
    from virtlab.core.actions import apply
    from virtlab.core.base import Refused

    if state is None:
        return ["actions need a scenario"] if actions else []
    out = []
    dc = state
    for i, raw in enumerate(actions):
        try:
            dc = apply(dc, parse_action(raw, dc))
        except (ValueError, Refused) as e:
            out.append(f"actions[{i + 1}]: {e}")
            break
    return out


def _question_problems(q: Question) -> list[str]:
    out = []
    if q.type == "choice":
        if len(q.options) < 2:
            out.append("options: a choice needs at least two options")
        if sum(o.correct for o in q.options) != 1:
            out.append("options: exactly one option must have correct = true")
        for o in q.options:
            if not o.correct and o.why is None:
                out.append(f"options.{o.id}.why: every wrong answer needs an explanation")
    elif q.type == "order":
        ids = [i.id for i in q.items]
        if not isinstance(q.answer, list) or sorted(q.answer) != sorted(ids):
            out.append("answer: must list every item id once, in the right order")
    else:
        cats = {c.id for c in q.categories}
        if not cats:
            out.append("categories: missing")
        if not isinstance(q.answer, dict) or set(q.answer) != {i.id for i in q.items}:
            out.append("answer: must map every item id to a category")
        elif any(v not in cats for v in q.answer.values()):
            out.append("answer: names a category that does not exist")
    return out + _feedback_problems(q)


def _feedback_problems(q: Question) -> list[str]:
    """A question's ``[[question.feedback]]``: it names real items, categories or positions,
    and each describes a wrong answer."""
    if not q.feedback:
        return []
    if q.type == "choice":
        return ["feedback: a choice explains each option with its own why (and misconception)"]
    out = []
    items = {i.id for i in q.items}
    cats = {c.id for c in q.categories}
    right = placements(q, q.answer)
    for j, f in enumerate(q.feedback, start=1):
        where = f"feedback[{j}].when"
        for item, value in f.when.items():
            if item not in items:
                out.append(f"{where}.{item}: no item {item!r} (items: {', '.join(sorted(items))})")
            elif q.type == "classify" and value not in cats:
                out.append(f"{where}.{item}: no category {value!r} (categories: {', '.join(sorted(cats))})")
            elif q.type == "order" and (isinstance(value, str) or not 1 <= value <= len(items)):
                out.append(f"{where}.{item}: a position from 1 to {len(items)}, not {value!r}")
        if right and all(right.get(k) == v for k, v in f.when.items()):
            out.append(f"{where}: fits the right answer; it must name a wrong placement")
    return out


def _explained_problems(q: Question, known: set[str]) -> list[str]:
    """Misconceptions named by a question's options and feedback exist; ``reread`` needs
    ``max_wrong``."""
    out = []
    for o in q.options:
        if o.misconception and o.correct:
            out.append(f"options.{o.id}.misconception: the right answer is no misconception")
        elif o.misconception and o.misconception not in known:
            out.append(f"options.{o.id}.misconception: no [[misconception]] {o.misconception!r}")
    for j, f in enumerate(q.feedback, start=1):
        if f.misconception and f.misconception not in known:
            out.append(f"feedback[{j}].misconception: no [[misconception]] {f.misconception!r}")
    if q.reread is not None and q.max_wrong is None:
        out.append("reread: shown only when the question is locked; set max_wrong too")
    return out


def _fixture_problems(m: Misconception, questions: list[Question]) -> list[str]:
    """Each wrong answer a misconception fixture gives gets its own explanation naming it."""
    out = []
    for qid, value in m.answers.items():
        q = next((q for q in questions if q.id == qid), None)
        if q is None:
            out.append(f"answers.{qid}: no question {qid!r}")
        elif not grade(q, value)[0] and m.id not in misconceptions_shown(q, value):
            how = ("misconception = " f"{m.id!r} on the option" if q.type == "choice"
                   else f"a [[question.feedback]] for this answer with misconception = {m.id!r}")
            out.append(f"answers.{qid}: this wrong answer gets no explanation naming the "
                       f"misconception (add {how})")
    return out


def load_lab(path: Path, *, plays: bool = True) -> tuple[Lab | None, list[str]]:
    data, problems = sc.read_toml(path)
    if data is None:
        return None, problems
    return lab_from_dict(data, path, plays=plays)


def is_lab(data: dict[str, Any]) -> bool:
    return "lab" in data


def load_any(path: Path) -> tuple[Datacenter | None, list[str]]:
    """A datacenter from a scenario file, or from a lab file's starting scenario."""
    data, problems = sc.read_toml(path)
    if data is None:
        return None, problems
    if is_lab(data):
        lab, problems = lab_from_dict(data, path)
        if lab is None:
            return None, problems
        if lab.state is None:
            return None, [f"{path}: scenario: this lab has no scenario (a quiz)"]
        return lab.state, []
    return sc.scenario_from_dict(data, str(path))
