"""UI strings in English and Korean, looked up by flat dotted key.

The catalogs live in ``virtlab/course/strings/{lang}.toml`` as TOML tables; ``[lesson]``
``next = "…"`` is the key ``lesson.next``. ``t()`` formats with ``str.format`` named
parameters, falls back to English for a key missing in Korean, and returns the key itself
when no catalog has it, so a missing string is visible but never crashes the app.
"""

from __future__ import annotations

import os
import string
import tomllib
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from virtlab.course.josa import Word
from virtlab.course.parse_cache import cached_table

LANGS: tuple[str, ...] = ("en", "ko")
DEFAULT_LANG = "en"
STRINGS_DIR = Path(__file__).resolve().parent / "strings"
_LOCALE_VARS = ("LC_ALL", "LC_MESSAGES", "LANG")


def _flatten(table: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in table.items():
        full = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(_flatten(value, f"{full}."))
        else:
            flat[full] = str(value)
    return flat


@cache
def catalog(lang: str) -> dict[str, str]:
    """The flat key → template mapping for ``lang`` (empty for an unknown language).

    ``strings/{lang}.toml`` plus any ``strings/{lang}-PART.toml`` (one per UI area, so that
    areas can grow their strings independently); a key defined twice is an error. What
    they gave is kept between runs (:mod:`virtlab.course.parse_cache`).
    """
    if lang not in LANGS:
        return {}
    files = [STRINGS_DIR / f"{lang}.toml", *sorted(STRINGS_DIR.glob(f"{lang}-*.toml"))]
    return cached_table(f"strings-{lang}", files, lambda: _read_strings(files))


def _read_strings(files: list[Path]) -> dict[str, str]:
    merged: dict[str, str] = {}
    for path in files:
        with path.open("rb") as handle:
            flat = _flatten(tomllib.load(handle))
        twice = sorted(set(flat) & set(merged))
        if twice:
            raise ValueError(f"{path}: keys defined in another strings file too: {', '.join(twice)}")
        merged.update(flat)
    return merged


class _KeepMissing(dict[str, Any]):
    """Format mapping that leaves an unknown ``{name}`` in place instead of raising."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def t(key: str, lang: str, **params: Any) -> str:
    """The string ``key`` in ``lang``, formatted with ``params``.

    A Korean particle that depends on a parameter is written as its format spec:
    ``"{vm:이/가} 없습니다"`` (see :mod:`virtlab.course.josa`).

    Korean falls back to English per key; an unknown key returns the key itself. A template
    that names a parameter not given keeps the ``{name}`` placeholder visible.
    """
    template = catalog(lang).get(key)
    if template is None:
        template = catalog(DEFAULT_LANG).get(key)
    if template is None:
        return key
    if not params and "{" not in template:
        return template
    # Text-like values (names, paths) may carry a particle spec; numbers keep their own specs.
    words = {k: v if isinstance(v, int | float) else Word(str(v)) for k, v in params.items()}
    try:
        return template.format_map(_KeepMissing(words))
    except (ValueError, IndexError, AttributeError, KeyError):
        return template


def placeholders(template: str) -> set[str]:
    """The named ``{param}`` placeholders in a template (used by tests and `check`)."""
    names: set[str] = set()
    for _text, field, _spec, _conv in string.Formatter().parse(template):
        if field is not None:
            names.add(field)
    return names


def normalize_lang(value: str | None) -> str | None:
    """Map ``"ko_KR.UTF-8"``, ``"KO"``, ``"en-US"`` … to a supported code, else None."""
    if not value:
        return None
    code = value.strip().lower()
    for lang in LANGS:
        if code == lang or code.startswith((f"{lang}_", f"{lang}-", f"{lang}.")):
            return lang
    return None


def detect_lang(env: Mapping[str, str] = os.environ) -> str:
    """The UI language from the locale: the first set of LC_ALL, LC_MESSAGES, LANG.

    A value starting with ``ko`` gives ``"ko"``; anything else (or nothing) gives ``"en"``.
    """
    for var in _LOCALE_VARS:
        value = env.get(var, "")
        if value:
            return "ko" if value.strip().lower().startswith("ko") else DEFAULT_LANG
    return DEFAULT_LANG
