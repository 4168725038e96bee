"""Lesson files: parse Markdown with TOML front matter, and load the whole catalog.

A lesson is ``lessons/{lang}/NN-slug.md``; the English and Korean files with the same name
are twins. ``parse_lesson`` raises ``CourseFileError`` for the first problem in a file;
``load_catalog`` never raises for bad files and returns every problem it finds, each
printable as ``file: field: problem`` (what ``virtlab check`` shows).
"""

from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from virtlab.core.errors import InputError
from virtlab.course.files import read_text
from virtlab.course.i18n import DEFAULT_LANG, LANGS

TRACKS: tuple[str, ...] = ("foundations", "server", "storage", "network", "operations")
REQUIRED_KEYS: tuple[str, ...] = ("id", "title", "track", "order", "minutes", "summary")
OPTIONAL_KEYS: tuple[str, ...] = ("lab",)
KNOWN_KEYS = REQUIRED_KEYS + OPTIONAL_KEYS
TWIN_KEYS: tuple[str, ...] = ("id", "track", "order", "lab")
"""Front-matter keys that must be equal in a lesson and its twin."""

FENCE = "+++"
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_FILE_NAME = re.compile(r"^\d{2}-[a-z0-9][a-z0-9-]*\.md$")
_FENCE_OPEN = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_TOML_WHERE = re.compile(r"^(?P<msg>.*?) \(at line (?P<line>\d+), column (?P<col>\d+)\)$")


class CourseFileError(InputError):
    """A problem in a course file, printed as ``{path}: {field}: {problem}``."""

    def __init__(self, path: Path, field: str, problem: str) -> None:
        super().__init__(problem, f"{path}: {field}")
        self.path = Path(path)
        self.field = field
        self.problem = problem

    def __str__(self) -> str:
        return f"{self.path}: {self.field}: {self.problem}"


@dataclass(frozen=True, slots=True)
class Section:
    """One step of a lesson: a ``## `` heading and the Markdown under it."""

    title: str
    """The heading text; empty for the intro before the first heading."""
    body: str
    """Markdown, without the heading line."""


@dataclass(frozen=True, slots=True)
class Lesson:
    """One lesson in one language."""

    id: str
    lang: str
    title: str
    track: str
    order: int
    minutes: int
    summary: str
    sections: list[Section]
    path: Path
    lab: str | None = None


@dataclass(frozen=True, slots=True)
class Catalog:
    """Every lesson, by language then id."""

    lessons: dict[str, dict[str, Lesson]]

    def ids(self) -> list[str]:
        """Every lesson id in any language, sorted."""
        return sorted({lid for by_id in self.lessons.values() for lid in by_id})

    def get(self, lesson_id: str, lang: str) -> Lesson | None:
        """The lesson in ``lang``, else in English, else None."""
        found = self.lessons.get(lang, {}).get(lesson_id)
        if found is None:
            found = self.lessons.get(DEFAULT_LANG, {}).get(lesson_id)
        return found

    def tracks(self, lang: str) -> dict[str, list[Lesson]]:
        """Track → its lessons sorted by order, tracks in course order, empty ones left out.

        A lesson missing in ``lang`` appears in English.
        """
        grouped: dict[str, list[Lesson]] = {}
        for lesson_id in self.ids():
            lesson = self.get(lesson_id, lang)
            if lesson is not None:
                grouped.setdefault(lesson.track, []).append(lesson)
        order = {track: i for i, track in enumerate(TRACKS)}
        result: dict[str, list[Lesson]] = {}
        for track in sorted(grouped, key=lambda name: (order.get(name, len(order)), name)):
            result[track] = sorted(grouped[track], key=lambda lesson: (lesson.order, lesson.id))
        return result

    def ordered(self, lang: str) -> list[Lesson]:
        """Every lesson in course order (track, then order)."""
        return [lesson for lessons in self.tracks(lang).values() for lesson in lessons]

    def nearest_ids(self, query: str, n: int = 3) -> list[str]:
        """Up to ``n`` lesson ids resembling ``query``, best first (prefix matches first)."""
        ids = self.ids()
        needle = query.strip().lower()
        found = [lid for lid in ids if needle and lid.startswith(needle)]
        found += [lid for lid in ids if needle and needle in lid and lid not in found]
        for lid in difflib.get_close_matches(needle, ids, n=n, cutoff=0.5):
            if lid not in found:
                found.append(lid)
        return found[:n]


# --- parsing ------------------------------------------------------------------------------


def _split_front_matter(path: Path, text: str) -> tuple[str, str, int]:
    """Return (front matter, body, line number where the body starts)."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != FENCE:
        raise CourseFileError(
            path, "front matter", f"missing: the file must start with a '{FENCE}' line"
        )
    for index in range(1, len(lines)):
        if lines[index].strip() == FENCE:
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1 :]), index + 2
    raise CourseFileError(path, "front matter", f"not closed: no second '{FENCE}' line")


def _load_toml(path: Path, source: str) -> dict[str, Any]:
    try:
        return tomllib.loads(source)
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None)
        col = getattr(exc, "colno", None)
        msg = getattr(exc, "msg", None) or str(exc)
        match = _TOML_WHERE.match(str(exc))
        if line is None and match:
            msg, line, col = match["msg"], int(match["line"]), int(match["col"])
        where = f" at line {line + 1}, column {col}" if line else ""  # +1: the '+++' line
        raise CourseFileError(path, "front matter", f"TOML syntax error{where}: {msg}") from None


def _check_front_matter(path: Path, meta: dict[str, Any]) -> list[CourseFileError]:
    problems: list[CourseFileError] = []

    def bad(key: str, problem: str) -> None:
        problems.append(CourseFileError(path, f"front matter.{key}", problem))

    for key in meta:
        if key not in KNOWN_KEYS:
            bad(key, f"unknown key (known keys: {', '.join(KNOWN_KEYS)})")
    for key in REQUIRED_KEYS:
        if key not in meta:
            bad(key, "missing required key")
    for key in ("id", "title", "track", "summary", "lab"):
        if key in meta and (not isinstance(meta[key], str) or not meta[key].strip()):
            bad(key, f"must be a non-empty string, got {meta[key]!r}")
    for key in ("id", "lab"):
        value = meta.get(key)
        if isinstance(value, str) and value.strip() and not _SLUG.match(value):
            bad(key, f"{value!r} must use only a-z, 0-9 and '-', starting with a letter or digit")
    track = meta.get("track")
    if isinstance(track, str) and track.strip() and track not in TRACKS:
        suggestion = difflib.get_close_matches(track, TRACKS, n=1)
        hint = f"; did you mean {suggestion[0]!r}?" if suggestion else ""
        bad("track", f"{track!r} is not one of {', '.join(TRACKS)}{hint}")
    for key in ("order", "minutes"):
        if key in meta:
            value = meta[key]
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                bad(key, f"must be a whole number of at least 1, got {value!r}")
    return problems


def _split_sections(
    path: Path, body: str, first_line: int
) -> tuple[list[Section], list[CourseFileError]]:
    """Split on ``## `` headings at line start, outside fenced code blocks."""
    sections: list[Section] = []
    problems: list[CourseFileError] = []
    title: str | None = None
    chunk: list[str] = []
    fence: str | None = None

    def flush() -> None:
        text = "\n".join(chunk).strip("\n").rstrip()
        if title is not None or text.strip():
            sections.append(Section(title=title or "", body=text))

    for offset, line in enumerate(body.split("\n")):
        if fence is not None:
            stripped = line.strip()
            if stripped.startswith(fence) and not stripped.strip(fence[0]):
                fence = None
        elif match := _FENCE_OPEN.match(line):
            fence = match.group(1)
        elif line.startswith("## "):
            flush()
            title = line[3:].strip().rstrip("#").strip()
            if not title:
                problems.append(
                    CourseFileError(
                        path, "body", f"line {first_line + offset}: a '## ' heading has no title"
                    )
                )
            chunk = []
            continue
        chunk.append(line)
    flush()
    if fence is not None:
        problems.append(CourseFileError(path, "body", f"a code fence {fence!r} is never closed"))
    if not any(section.title for section in sections):
        problems.append(
            CourseFileError(
                path, "body", "has no '## ' section; each step of a lesson starts with '## Title'"
            )
        )
    return sections, problems


def _parse(path: Path, lang: str) -> tuple[Lesson | None, list[CourseFileError]]:
    """Parse one lesson; return it (or None) and every problem found."""
    path = Path(path)
    try:
        text = read_text(path)
    except InputError as exc:
        return None, [CourseFileError(path, "file", exc.message)]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    try:
        front, body, body_line = _split_front_matter(path, text)
        meta = _load_toml(path, front)
    except CourseFileError as exc:
        return None, [exc]
    problems = _check_front_matter(path, meta)
    if not body.strip():
        problems.append(CourseFileError(path, "body", "is empty"))
        sections: list[Section] = []
    else:
        sections, section_problems = _split_sections(path, body, body_line)
        problems += section_problems
    if problems:
        return None, problems
    lesson = Lesson(
        id=meta["id"],
        lang=lang,
        title=meta["title"].strip(),
        track=meta["track"],
        order=meta["order"],
        lab=meta.get("lab"),
        minutes=meta["minutes"],
        summary=meta["summary"].strip(),
        sections=sections,
        path=path,
    )
    return lesson, []


def parse_lesson(path: Path, lang: str) -> Lesson:
    """Parse one lesson file; raise ``CourseFileError`` for its first problem."""
    lesson, problems = _parse(path, lang)
    if problems:
        raise problems[0]
    assert lesson is not None
    return lesson


# --- the catalog --------------------------------------------------------------------------


def _lesson_files(folder: Path) -> list[Path]:
    return sorted(
        p
        for p in folder.glob("*.md")
        if p.is_file() and not p.name.startswith(("_", ".")) and p.stem.upper() != "README"
    )


def load_catalog(root: Path) -> tuple[Catalog, list[CourseFileError]]:
    """Load every lesson under ``root/{en,ko}``; return the catalog and all problems.

    Bad files are left out of the catalog and reported; so are duplicate ids, file names
    not shaped ``NN-slug.md``, lessons without a twin in the other language, and twins
    whose id, track, order or lab differ.
    """
    root = Path(root)
    problems: list[CourseFileError] = []
    lessons: dict[str, dict[str, Lesson]] = {lang: {} for lang in LANGS}
    by_name: dict[str, dict[str, Lesson]] = {lang: {} for lang in LANGS}
    names: dict[str, set[str]] = {}
    for lang in LANGS:
        folder = root / lang
        if not folder.is_dir():
            problems.append(CourseFileError(folder, "folder", "missing"))
            names[lang] = set()
            continue
        files = _lesson_files(folder)
        names[lang] = {p.name for p in files}
        for path in files:
            if not _FILE_NAME.match(path.name):
                problems.append(
                    CourseFileError(
                        path,
                        "file",
                        "name should look like 'NN-slug.md' (e.g. '01-what-is-virtualization.md')",
                    )
                )
            lesson, found = _parse(path, lang)
            problems += found
            if lesson is None:
                continue
            other = lessons[lang].get(lesson.id)
            if other is not None:
                problems.append(
                    CourseFileError(
                        path,
                        "front matter.id",
                        f"duplicate id {lesson.id!r} (also in {other.path})",
                    )
                )
                continue
            lessons[lang][lesson.id] = lesson
            by_name[lang][path.name] = lesson
    problems += _check_twins(root, names, by_name)
    return Catalog(lessons=lessons), problems


def _check_twins(
    root: Path, names: dict[str, set[str]], by_name: dict[str, dict[str, Lesson]]
) -> list[CourseFileError]:
    problems: list[CourseFileError] = []
    language = {"en": "English", "ko": "Korean"}
    for lang in LANGS:
        for other in LANGS:
            if other == lang or not (root / other).is_dir():
                continue
            for name in sorted(names[lang] - names[other]):
                problems.append(
                    CourseFileError(
                        root / lang / name,
                        "file",
                        f"no {language.get(other, other)} twin (expected {root / other / name})",
                    )
                )
    if DEFAULT_LANG not in by_name:
        return problems
    for name, base in sorted(by_name[DEFAULT_LANG].items()):
        for lang in LANGS:
            twin = by_name[lang].get(name) if lang != DEFAULT_LANG else None
            if twin is None:
                continue
            for key in TWIN_KEYS:
                mine, theirs = getattr(twin, key), getattr(base, key)
                if mine != theirs:
                    problems.append(
                        CourseFileError(
                            twin.path,
                            f"front matter.{key}",
                            f"{mine!r} differs from its English twin's {theirs!r} ({base.path})",
                        )
                    )
    return problems
