"""The glossary: every term in English and Korean with a definition (``lessons/glossary.toml``).

``load_glossary`` never raises: it returns the terms it could read and every problem as
``file: field: problem`` (what ``virtlab check`` prints).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from virtlab.core.errors import InputError
from virtlab.course.files import read_text

TRACKS = ("foundations", "server", "storage", "network", "operations")

KEYS = ("id", "en", "ko", "track", "en_def", "ko_def")


@dataclass(frozen=True, slots=True)
class Term:
    id: str
    en: str
    ko: str
    track: str
    en_def: str
    ko_def: str

    def get(self, lang: str) -> str:
        return self.ko if lang == "ko" else self.en

    def definition(self, lang: str) -> str:
        return self.ko_def if lang == "ko" else self.en_def


def load_glossary(path: Path) -> tuple[list[Term], list[str]]:
    try:
        data = tomllib.loads(read_text(path))
    except InputError as e:
        return [], [f"{path}: file: {e.message}"]
    except tomllib.TOMLDecodeError as e:
        return [], [f"{path}: TOML syntax: {e}"]
    except RecursionError:
        return [], [f"{path}: TOML syntax: nested too deeply"]
    problems: list[str] = []
    raw = data.get("term", [])
    if not isinstance(raw, list):
        return [], [f"{path}: term: must be an array of tables ([[term]])"]
    terms: list[Term] = []
    seen: set[str] = set()
    for i, item in enumerate(raw, start=1):
        where = f"term[{i}]" + (f" ({item.get('id')})" if isinstance(item, dict) and item.get("id") else "")
        if not isinstance(item, dict):
            problems.append(f"{path}: {where}: must be a table")
            continue
        bad = False
        for key in item:
            if key not in KEYS:
                problems.append(f"{path}: {where}.{key}: unknown key (allowed: {', '.join(KEYS)})")
        for key in KEYS:
            if not isinstance(item.get(key), str) or not item[key].strip():
                problems.append(f"{path}: {where}.{key}: missing or empty")
                bad = True
        if bad:
            continue
        from virtlab.course.lessons import TRACKS

        if item["track"] not in TRACKS:
            problems.append(f"{path}: {where}.track: unknown track {item['track']!r} (known: {', '.join(TRACKS)})")
        if item["id"] in seen:
            problems.append(f"{path}: {where}.id: duplicate id")
        seen.add(item["id"])
        terms.append(Term(**{k: item[k] for k in KEYS}))
    return terms, problems
