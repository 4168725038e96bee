"""``virtlab new lab NAME`` and ``virtlab new lesson NAME``: files an author starts from.

Each scaffold is valid as written — ``virtlab check`` passes on it — and shows every part
the format has (a scenario, a goal with hints gentle → specific, a misconception fixture
whose hint names it, a near miss, a reference solution; a lesson in both languages with a
step that links to the lab), so an author edits rather than starts from nothing.
"""

from __future__ import annotations

import re
from pathlib import Path

__all__ = ["NAME", "new_lab", "new_lesson"]

NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,60}")
TRACK = re.compile(r"[a-z][a-z0-9-]{0,30}")

LAB = '''# {name}: a lab scaffold. Edit the scenario, the goal and its hints; keep the fixtures
# true: `virtlab check` plays the solution (it must meet every goal), the misconception and
# the near miss (each must fail the goal it names). See docs/authoring.md.
[lab]
id = "{name}"
kind = "compute"
title = {{ en = "A new lab", ko = "새 실습" }}
intro = {{ en = "Give app-1 the 4 vCPUs and 8 GiB its application needs.", ko = "app-1에 애플리케이션에 필요한 vCPU 4개와 8 GiB를 주세요." }}
actions = ["update", "set_demand"]

[[scenario.host]]
name = "esx-1"
hypervisor = "esxi"
cores = 16
memory = "64 GiB"
disk = "1 TB"

[[scenario.vm]]
name = "app-1"
host = "esx-1"
vcpus = 1
memory = "2 GiB"
disk = "40 GiB"
demand = {{ cpu = 3, memory = "6 GiB" }}

[[goal]]
id = "app-size"
text = {{ en = "app-1 has at least 4 vCPUs and 8 GiB", ko = "app-1에 vCPU 4개와 8 GiB 이상 주기" }}
check = "vm_size"
params = {{ vm = "app-1", min_vcpus = 4, min_memory = "8 GiB" }}
misconception = "memory-is-enough"
hints = [
  {{ en = "Compare app-1's size with what its application needs.", ko = "app-1의 크기를 애플리케이션이 필요로 하는 양과 비교해 보세요." }},
  {{ en = "More memory does not give a VM more CPU: it needs both.", ko = "메모리를 늘린다고 CPU가 늘지는 않아요. 둘 다 필요해요.", names = "memory-is-enough" }},
  {{ en = "Select app-1, press e and set 4 vCPUs and 8 GiB.", ko = "app-1을 고르고 e를 눌러 vCPU 4개, 8 GiB로 설정하세요." }},
]

[[misconception]]
id = "memory-is-enough"
text = {{ en = "More memory makes up for too few vCPUs", ko = "메모리를 늘리면 모자란 vCPU를 메울 수 있다" }}
fails = "app-size"
actions = [ {{ kind = "update", name = "app-1", changes = {{ memory = "16 GiB" }} }} ]

[[near_miss]]
id = "cpu-only"
about = "enough vCPUs but the memory left as it was"
fails = "app-size"
actions = [ {{ kind = "update", name = "app-1", changes = {{ vcpus = 4 }} }} ]

[solution]
actions = [ {{ kind = "update", name = "app-1", changes = {{ vcpus = 4, memory = "8 GiB" }} }} ]
'''

LESSON = {
    "en": '''+++
id = "{name}"
title = "A new lesson"
track = "{track}"
order = {order}
{lab_line}minutes = 10
summary = "One sentence on what the student will be able to do."
+++

## What it is

Write a short paragraph per step: it is read in a narrow pane
beside the lab, so keep lines and code blocks within 42 columns.

## Try it in the lab

Say what to do in the lab and which goal judges it.
''',
    "ko": '''+++
id = "{name}"
title = "새 강의"
track = "{track}"
order = {order}
{lab_line}minutes = 10
summary = "학생이 무엇을 할 수 있게 되는지 한 문장으로."
+++

## 무엇인가

단계마다 짧은 문단으로 쓰세요. 실습 옆의 좁은 창에서 읽으므로
한 줄과 코드 블록은 42칸 안에 들어가게 하세요(한글은 두 칸).

## 실습

실습에서 무엇을 할지, 어떤 목표가 그것을 판정하는지 쓰세요.
''',
}


def _check_name(name: str) -> None:
    if not NAME.fullmatch(name):
        raise ValueError(f"{name!r}: use lower-case letters, digits and '-' (e.g. l12-my-topic)")


def _write_new(path: Path, text: str) -> Path:
    if path.exists():
        raise FileExistsError(f"{path}: already exists (not overwritten)")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _lab_exists(root: Path, lab_id: str) -> bool:
    """Whether a lab file in ``root/labs`` has the id ``lab_id`` (even one with problems:
    ``virtlab check`` names those)."""
    folder = root / "labs"
    if (folder / f"{lab_id}.toml").is_file():
        return True
    pattern = re.compile(rf'^id\s*=\s*"{re.escape(lab_id)}"\s*$', re.M)
    return any(pattern.search(p.read_text(encoding="utf-8", errors="replace"))
               for p in folder.glob("*.toml") if p.is_file())


def new_lab(root: Path, name: str) -> list[Path]:
    """Write ``root/labs/NAME.toml``."""
    _check_name(name)
    return [_write_new(root / "labs" / f"{name}.toml", LAB.format(name=name))]


def new_lesson(root: Path, name: str, *, lab: str | None = None, track: str = "server",
               order: int = 99) -> list[Path]:
    """Write ``root/en/NN-slug.md`` and ``root/ko/NN-slug.md`` (``NN`` the order, ``slug`` the
    name without its ``lNN-`` prefix), with the lab if given (it must exist in ``root/labs``)."""
    _check_name(name)
    if lab is not None:
        _check_name(lab)
        if not _lab_exists(root, lab):
            raise ValueError(f"--lab {lab}: no lab {lab!r} in {root / 'labs'} "
                             f"(make it first: virtlab new lab {lab})")
    if not TRACK.fullmatch(track) or not 1 <= order <= 99:
        raise ValueError(f"track {track!r} / order {order}: a track is lower-case letters, order 1–99")
    lab_line = f'lab = "{lab}"\n' if lab else ""
    file = f"{order:02d}-{re.sub(r'^l[0-9]+-', '', name)}.md"
    paths = {lang: root / lang / file for lang in LESSON}
    for path in paths.values():  # both or neither: never half a lesson
        if path.exists():
            raise FileExistsError(f"{path}: already exists (not overwritten)")
    return [_write_new(paths[lang], text.format(name=name, track=track, order=order, lab_line=lab_line))
            for lang, text in LESSON.items()]
