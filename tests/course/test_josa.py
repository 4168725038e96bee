"""Korean particles agree with the name before them (no more "이(가)")."""

from __future__ import annotations

import pytest

from virtlab.course.i18n import catalog, t
from virtlab.course.josa import attach


@pytest.mark.parametrize(
    ("word", "pair", "expected"),
    [
        ("호스트", "이/가", "호스트가"), ("커널", "이/가", "커널이"), ("커널", "으로/로", "커널로"),
        ("db-1", "이/가", "db-1이"), ("web-2", "을/를", "web-2를"), ("ds-500", "으로/로", "ds-500으로"),
        ("app-7", "으로/로", "app-7로"), ("VM", "은/는", "VM은"), ("hog", "과/와", "hog와"),
        ("linux", "이/가", "linux가"), ("disk-lost", "이/가", "disk-lost가"),
        # a short vowel closed by p/b, t or ck keeps its consonant (웹, 앱, 백업, 랙, 넷) ...
        ("web", "을/를", "web을"), ("web", "으로/로", "web으로"), ("app", "이/가", "app이"),
        ("backup", "은/는", "backup은"), ("rack", "과/와", "rack과"), ("net", "이/가", "net이"),
        # ... but not after a long vowel or another consonant (루트, 호스트, 디비, 테스트)
        ("root", "이/가", "root가"), ("host", "을/를", "host를"), ("db", "을/를", "db를"),
        ("test", "은/는", "test는"), ("shell", "으로/로", "shell로"), ("(web)", "이/가", "(web)이"),
    ],
)
def test_particles_follow_the_last_sound(word: str, pair: str, expected: str) -> None:
    assert attach(word, pair) == expected


def test_templates_choose_the_particle() -> None:
    assert t("viol.code.name_taken", "ko", subject="esx-1") == "esx-1은 이미 쓰고 있는 이름이에요"
    assert t("viol.code.name_taken", "ko", subject="호스트") == "호스트는 이미 쓰고 있는 이름이에요"


def test_no_template_writes_both_particles() -> None:
    lazy = [k for k, v in catalog("ko").items() if any(x in v for x in ("이(가)", "을(를)", "은(는)", "(으)로", "와(과)"))]
    assert lazy == []


def test_a_path_takes_a_particle_too() -> None:
    from pathlib import Path

    assert t("progress.exported", "ko", path=Path("/tmp/p.md")).startswith("진행 상황을 /tmp/p.md로")
