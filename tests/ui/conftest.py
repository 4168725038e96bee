"""Fixtures for the app tests: a small lessons folder (two lessons, a compute lab, a quiz
lab, a lesson whose lab file is missing) written into tmp_path, an app factory, and every
test starting as the first of its process (no lab shown before)."""

from __future__ import annotations

from pathlib import Path

import pytest

from virtlab.ui.app import VirtlabApp, make_app

LAB = '''
[lab]
id = "t1-lab"
kind = "compute"
title = { en = "Carve a host", ko = "호스트 나누기" }
intro = { en = "Add VMs to the host.", ko = "호스트에 VM을 추가하세요." }
actions = ["all"]

[scenario]
scenario = { name = "one host" }
[[scenario.host]]
name = "kvm-1"
hypervisor = "kvm"
sockets = 1
cores = 8
memory = "64 GiB"
disk = "1 TB"

[[scenario.vm]]
name = "web-1"
host = "kvm-1"
vcpus = 2
memory = "4 GiB"
disk = "20 GiB"

[[goal]]
id = "two-vms"
text = { en = "Run at least two VMs", ko = "VM을 두 개 이상 실행하세요" }
check = "count_min"
params = { kind = "vm", min = 2 }
hints = [ { en = "Press a to add a VM.", ko = "a 키로 VM을 추가하세요." }, { en = "Focus the lab, press a, then OK.", ko = "실습 패널에서 a를 누르고 확인을 누르세요." } ]

[[goal]]
id = "web-size"
text = { en = "web-1 has 4 vCPUs", ko = "web-1에 vCPU 4개" }
check = "vm_size"
params = { vm = "web-1", min_vcpus = 4 }
hints = [ { en = "Resize web-1.", ko = "web-1의 크기를 바꾸세요." }, { en = "Select web-1 and press + twice.", ko = "web-1을 고르고 +를 두 번 누르세요." } ]
'''

QUIZ = '''
[lab]
id = "t2-quiz"
kind = "quiz"
title = { en = "Which layer?", ko = "어느 계층?" }

[[question]]
id = "q1"
type = "choice"
prompt = { en = "What runs directly on the hardware in a bare-metal setup?", ko = "베어메탈 구성에서 하드웨어 바로 위에서 실행되는 것은?" }
options = [
  { id = "a", text = { en = "The hypervisor", ko = "하이퍼바이저" }, correct = true, why = { en = "Type 1 runs on the metal.", ko = "타입 1은 하드웨어 위에서 실행됩니다." } },
  { id = "b", text = { en = "A host OS", ko = "호스트 운영체제" }, why = { en = "That is Type 2.", ko = "그것은 타입 2입니다." } },
]
hints = [ { en = "Think of ESXi.", ko = "ESXi를 떠올려 보세요." } ]
'''


def lesson(lang: str, lid: str, order: int, lab: str | None, title: str, steps: int = 3) -> str:
    lab_line = f'lab = "{lab}"\n' if lab else ""
    body = [f"Intro of {title}."]
    for n in range(1, steps + 1):
        body += [f"## {'단계' if lang == 'ko' else 'Step'} {n}", "",
                 f"{title}: text of step {n}. Try [adding a VM](lab:add_vm).", ""]
        if n == 2:
            body += ["| host | vCPU |", "|---|---|", "| kvm-1 | 8 |", ""]
    return (f'+++\nid = "{lid}"\ntitle = "{title}"\ntrack = "foundations"\norder = {order}\n'
            f'{lab_line}minutes = 5\nsummary = "Summary of {title}."\n+++\n\n' + "\n".join(body))


TITLES = {
    "t1-carve": ("Carving a host", "호스트 나누기 강의"),
    "t2-layers": ("Layers quiz", "계층 퀴즈"),
    "t3-nolab": ("A lesson whose lab is missing", "실습이 없는 강의"),
}


@pytest.fixture(autouse=True)
def first_lab_of_the_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every app test opens its lessons as a fresh ``virtlab`` process does (no lab shown yet:
    the text first, its lab a frame later), whatever the tests before it in the same worker
    opened; a test of the other way sets ``LessonScreen.lab_shown_before`` itself."""
    from virtlab.ui.screens.lesson import LessonScreen

    monkeypatch.setattr(LessonScreen, "lab_shown_before", False)


@pytest.fixture
def lessons_root(tmp_path: Path) -> Path:
    root = tmp_path / "lessons"
    labs = {"t1-carve": "t1-lab", "t2-layers": "t2-quiz", "t3-nolab": "t3-missing"}
    for lang in ("en", "ko"):
        (root / lang).mkdir(parents=True)
        for order, (lid, titles) in enumerate(TITLES.items(), start=1):
            title = titles[1] if lang == "ko" else titles[0]
            text = lesson(lang, lid, order, labs[lid], title)
            (root / lang / f"0{order}-{lid}.md").write_text(text, encoding="utf-8")
    (root / "labs").mkdir()
    (root / "labs" / "t1.toml").write_text(LAB, encoding="utf-8")
    (root / "labs" / "t2.toml").write_text(QUIZ, encoding="utf-8")
    (root / "glossary.toml").write_text(
        '[[term]]\nid = "hypervisor"\nen = "hypervisor"\nko = "하이퍼바이저"\ntrack = "foundations"\n'
        'en_def = "Software that runs VMs."\nko_def = "VM을 실행하는 소프트웨어."\n'
        '[[term]]\nid = "container"\nen = "container"\nko = "컨테이너"\ntrack = "foundations"\n'
        'en_def = "An isolated process group."\nko_def = "격리된 프로세스 묶음."\n',
        encoding="utf-8")
    return root


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def new_app(lessons_root: Path, data_dir: Path):
    """``new_app(**kwargs)`` → a VirtlabApp on the tmp lessons and data folder."""

    def factory(**kwargs) -> VirtlabApp:
        kwargs.setdefault("lang", "en")
        return make_app(data_dir=data_dir, lessons_root=lessons_root, **kwargs)

    return factory
