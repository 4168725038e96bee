"""Korean particles (조사) that agree with the word before them: 이/가, 을/를, 은/는, 과/와,
으로/로, 아/야, 이에요/예요.

A particle depends on whether the word's last sound has a final consonant (받침). For a
Hangul syllable that is exact; for digits we use how they are read in Korean (1 일, 3 삼, …);
for Latin names (workload and host names such as ``db-1`` or ``hog``) we guess from the
spelling, as Korean readers would pronounce it. Templates use it through :func:`t`'s format
spec: ``"{vm:이/가} 없습니다"`` → ``"db-1이 없습니다"`` / ``"hog가 없습니다"``.
"""

from __future__ import annotations

import re

PAIRS = {"이/가", "을/를", "은/는", "과/와", "으로/로", "아/야", "이에요/예요", "이라고/라고"}

# Digits as read in Korean: 영 일 이 삼 사 오 육 칠 팔 구 — final consonant, and whether it is ㄹ.
_DIGIT = {"0": (True, False), "1": (True, True), "2": (False, False), "3": (True, False),
          "4": (False, False), "5": (False, False), "6": (True, False), "7": (True, True),
          "8": (True, True), "9": (False, False)}
# Upper-case letters read by name (VM → 브이엠): L 엘, M 엠, N 엔, R 알 end in a consonant.
_LETTER_NAME = {"L": (True, True), "M": (True, False), "N": (True, False), "R": (True, True)}
# A short vowel closed by p/b, t or ck keeps that consonant as a final sound in Korean loanwords
# (web 웹, app 앱, setup 셋업, net 넷, rack 랙); after a long vowel or another consonant a vowel is
# added instead (root 루트, host 호스트, db 디비, hog 호그), so those take the vowel-final form.
_CLOSED_SYLLABLE = re.compile(r"(?:^|[^aeiou])[aeiou](?:pp?|bb?|t|ck)$")


def final_consonant(word: str) -> tuple[bool, bool]:
    """(has a final consonant, that consonant is ㄹ) for the word's last sound."""
    text = word.strip()
    for i in range(len(text) - 1, -1, -1):
        ch = text[i]
        code = ord(ch)
        if 0xAC00 <= code <= 0xD7A3:
            jong = (code - 0xAC00) % 28
            return jong != 0, jong == 8
        if ch in _DIGIT:
            return _DIGIT[ch]
        if ch.isalpha() and ch.isascii():
            if ch.isupper():
                return _LETTER_NAME.get(ch, (False, False))
            tail = text[: i + 1].lower()  # the word up to its last letter ("web)" → "web")
            if tail.endswith("ng") or ch in "mn":
                return True, False
            if ch == "l":
                return True, True
            if _CLOSED_SYLLABLE.search(tail):
                return True, False  # web 웹, app 앱, backup 백업, rack 랙, net 넷
            return False, False
        # skip punctuation and spaces: "web-1)" reads as "web-1"
    return False, False


def attach(word: str, pair: str) -> str:
    """``word`` followed by the form of ``pair`` ("이/가") that agrees with it."""
    if pair not in PAIRS:
        return f"{word}{pair}"
    with_final, without = pair.split("/")
    has, is_rieul = final_consonant(word)
    if pair == "으로/로":
        return word + ("로" if not has or is_rieul else "으로")
    return word + (with_final if has else without)


class Word(str):
    """A string whose format spec may be a particle pair: ``f"{Word('db-1'):이/가}"``."""

    def __format__(self, spec: str) -> str:
        if spec in PAIRS:
            return attach(str(self), spec)
        return format(str(self), spec)
