"""UI strings: lookup, fallbacks, locale detection, and the two catalogs kept in step."""

from __future__ import annotations

import pytest

from virtlab.course.i18n import LANGS, catalog, detect_lang, normalize_lang, placeholders, t


def test_langs() -> None:
    assert LANGS == ("en", "ko")


def test_lookup_and_format() -> None:
    assert t("lesson.hint_n", "en", n=1, total=3) == "Hint 1 of 3"
    assert t("lesson.hint_n", "ko", n=1, total=3) == "힌트 1/3"
    assert t("progress.exported", "en", path="/tmp/r.md") == "Progress exported to /tmp/r.md"
    assert "80×24" in t("terminal.too_small", "ko", w=80, h=24)


def test_required_korean_terms() -> None:
    expected = {
        "track.foundations": "기초",
        "track.server": "서버",
        "track.storage": "스토리지",
        "track.network": "네트워크",
        "track.operations": "운영",
        "state.not_started": "시작 전",
        "state.in_progress": "진행 중",
        "state.done": "완료",
        "catalog.continue": "이어서 학습하기",
        "lab.overcommit": "오버커밋",
    }
    assert {key: t(key, "ko") for key in expected} == expected


def test_fallbacks(monkeypatch: pytest.MonkeyPatch) -> None:
    ko = dict(catalog("ko"))
    del ko["app.quit"]
    monkeypatch.setattr(
        "virtlab.course.i18n.catalog", lambda lang: ko if lang == "ko" else catalog(lang)
    )
    assert t("app.quit", "ko") == "Quit"  # missing in ko → English
    assert t("no.such.key", "ko") == "no.such.key"
    assert t("app.quit", "fr") == "Quit"


def test_missing_param_keeps_placeholder_visible() -> None:
    assert t("lesson.hint_n", "en", n=2) == "Hint 2 of {total}"


def test_catalogs_have_the_same_keys() -> None:
    en, ko = catalog("en"), catalog("ko")
    assert sorted(set(en) - set(ko)) == [], "keys missing in ko.toml"
    assert sorted(set(ko) - set(en)) == [], "keys missing in en.toml"


def test_placeholders_match_between_languages() -> None:
    en, ko = catalog("en"), catalog("ko")
    mismatched = {
        key: (placeholders(en[key]), placeholders(ko[key]))
        for key in en
        if key in ko and placeholders(en[key]) != placeholders(ko[key])
    }
    assert mismatched == {}


def test_no_empty_strings() -> None:
    for lang in LANGS:
        assert [key for key, value in catalog(lang).items() if not value.strip()] == []


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "en"),
        ({"LANG": "ko_KR.UTF-8"}, "ko"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LC_MESSAGES": "ko_KR", "LANG": "en_US"}, "ko"),
        ({"LC_ALL": "C", "LANG": "ko_KR.UTF-8"}, "en"),
        ({"LC_ALL": "ko", "LC_MESSAGES": "en_US"}, "ko"),
        ({"LC_ALL": "", "LANG": "ko_KR.UTF-8"}, "ko"),
        ({"LANG": "fr_FR.UTF-8"}, "en"),
    ],
)
def test_detect_lang(env: dict[str, str], expected: str) -> None:
    assert detect_lang(env) == expected


def test_normalize_lang() -> None:
    assert normalize_lang("ko_KR.UTF-8") == "ko"
    assert normalize_lang("EN") == "en"
    assert normalize_lang("fr") is None
    assert normalize_lang(None) is None
