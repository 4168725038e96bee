"""A student's progress: what they did in each lesson, saved safely, exported on request.

The models are frozen; the helpers (``mark_goal``, ``use_hint``, ``set_section``,
``set_state``, …) return new objects, so the UI can hold progress as an immutable value.
``load_progress`` never loses data: a file it cannot use is moved aside and reported.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from virtlab.course.atomic import write_text_atomic
from virtlab.course.i18n import t
from virtlab.course.lessons import Catalog

LessonState = Literal["not_started", "in_progress", "done"]
ExportFormat = Literal["md", "json"]
PROGRESS_VERSION = 1


def now_iso() -> str:
    """The current UTC time as an ISO 8601 string with seconds precision."""
    return datetime.now(UTC).isoformat(timespec="seconds")


class LessonProgress(BaseModel):
    """What a student has done in one lesson."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    state: LessonState = "not_started"
    """Not started until first touched; done only when the app says so."""
    goals_met: list[str] = Field(default_factory=list)
    """Ids of the lab goals currently met, in the order they were first met."""
    hints_used: dict[str, int] = Field(default_factory=dict)
    """Goal id → how many of its hints have been revealed."""
    section: int = Field(default=0, ge=0)
    """Index of the last lesson step shown."""
    updated: str = ""
    """ISO time of the last change."""


class Progress(BaseModel):
    """Everything saved in the progress file."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    version: Literal[1] = PROGRESS_VERSION
    """File format version."""
    lessons: dict[str, LessonProgress] = Field(default_factory=dict)
    """Lesson id → progress in that lesson."""
    last_lesson: str | None = None
    """The lesson touched most recently ("continue where I left off")."""
    lang: str | None = None
    """The UI language the student chose last, if any."""

    def lesson(self, lesson_id: str) -> LessonProgress:
        """Progress in ``lesson_id`` (an empty record if never touched)."""
        return self.lessons.get(lesson_id) or LessonProgress()

    def state(self, lesson_id: str) -> LessonState:
        """The state of ``lesson_id``."""
        return self.lesson(lesson_id).state


# --- pure helpers -------------------------------------------------------------------------


def _touch(progress: Progress, lesson_id: str, now: str | None, **changes: Any) -> Progress:
    """Apply ``changes`` to one lesson, starting it if needed, and make it the last lesson."""
    current = progress.lesson(lesson_id)
    if current.state == "not_started" and "state" not in changes:
        changes["state"] = "in_progress"
    changes["updated"] = now or now_iso()
    updated = current.model_copy(update=changes)
    lessons = {**progress.lessons, lesson_id: updated}
    return progress.model_copy(update={"lessons": lessons, "last_lesson": lesson_id})


def mark_goal(
    progress: Progress, lesson: str, goal: str, met: bool, *, now: str | None = None
) -> Progress:
    """Record that ``goal`` of ``lesson`` is met (or no longer met)."""
    existing = progress.lesson(lesson).goals_met
    if met:
        goals = list(existing) if goal in existing else [*existing, goal]
    else:
        goals = [g for g in existing if g != goal]
    return _touch(progress, lesson, now, goals_met=goals)


def use_hint(
    progress: Progress,
    lesson: str,
    goal: str,
    *,
    limit: int | None = None,
    now: str | None = None,
) -> Progress:
    """Count one more revealed hint for ``goal`` (never above ``limit`` when given)."""
    hints = dict(progress.lesson(lesson).hints_used)
    count = hints.get(goal, 0) + 1
    if limit is not None:
        count = min(count, max(limit, 0))
    hints[goal] = count
    return _touch(progress, lesson, now, hints_used=hints)


def set_section(
    progress: Progress, lesson: str, section: int, *, now: str | None = None
) -> Progress:
    """Remember the step of ``lesson`` shown last."""
    return _touch(progress, lesson, now, section=max(section, 0))


def set_state(
    progress: Progress, lesson: str, state: LessonState, *, now: str | None = None
) -> Progress:
    """Set the state of ``lesson`` explicitly (e.g. ``"done"`` when its goals are met)."""
    if state not in ("not_started", "in_progress", "done"):
        raise ValueError(f"unknown lesson state {state!r}")
    return _touch(progress, lesson, now, state=state)


def reset_lesson(progress: Progress, lesson: str) -> Progress:
    """Forget everything about ``lesson``."""
    lessons = {k: v for k, v in progress.lessons.items() if k != lesson}
    last = None if progress.last_lesson == lesson else progress.last_lesson
    return progress.model_copy(update={"lessons": lessons, "last_lesson": last})


def set_lang(progress: Progress, lang: str | None) -> Progress:
    """Remember the UI language the student chose."""
    return progress.model_copy(update={"lang": lang})


# --- load and save ------------------------------------------------------------------------


def _aside_path(path: Path, stamp: datetime) -> Path:
    base = f"{path.stem}.corrupt-{stamp:%Y%m%d-%H%M%S}"
    suffix = path.suffix or ".json"
    candidate = path.with_name(base + suffix)
    counter = 1
    while candidate.exists():
        candidate = path.with_name(f"{base}-{counter}{suffix}")
        counter += 1
    return candidate


def _schema_problem(error: ValidationError, lang: str) -> str:
    first = error.errors()[0]
    field = ".".join(str(part) for part in first["loc"]) or "(top level)"
    text = t("progress.problem.schema", lang, field=field, error=first["msg"])
    extra = error.error_count() - 1
    return f"{text} (+{extra})" if extra > 0 else text


def _diagnose(path: Path, lang: str) -> tuple[Progress | None, str | None]:
    """Parse the file; return (progress, None) or (None, what was wrong)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, t("progress.problem.unreadable", lang, error=exc.strerror or exc)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None, t("progress.problem.not_utf8", lang)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return None, t(
            "progress.problem.bad_json", lang, line=exc.lineno, column=exc.colno, error=exc.msg
        )
    try:
        return Progress.model_validate(data), None
    except ValidationError as exc:
        return None, _schema_problem(exc, lang)


def load_progress(path: Path, *, lang: str = "en") -> tuple[Progress, str | None]:
    """Load progress from ``path``; return it with a notice for the student, or None.

    A missing file gives empty progress silently. A file that cannot be read, is not JSON
    or does not match the schema is renamed to ``progress.corrupt-YYYYmmdd-HHMMSS.json``
    beside it (copied there if it cannot be renamed; never deleted), and the notice says
    what was wrong and where it was kept.
    """
    path = Path(path)
    if not path.exists():
        return Progress(), None
    progress, problem = _diagnose(path, lang)
    if progress is not None:
        return progress, None
    aside = _aside_path(path, datetime.now())
    try:
        path.rename(aside)
    except OSError as exc:
        try:  # cannot rename (e.g. a read-only folder entry): keep a copy instead
            shutil.copyfile(path, aside)
        except OSError:
            notice = t(
                "progress.corrupt_not_moved", lang, path=path, problem=problem, error=exc.strerror
            )
            return Progress(), notice
    return Progress(), t("progress.corrupt", lang, path=path, problem=problem, aside=aside)


def save_progress(path: Path, progress: Progress) -> None:
    """Write ``progress`` to ``path`` as JSON, atomically."""
    write_text_atomic(Path(path), progress.model_dump_json(indent=2) + "\n")


# --- export -------------------------------------------------------------------------------


def _rows(
    progress: Progress, source: Catalog | Mapping[str, str], lang: str
) -> list[tuple[str | None, str, str]]:
    """(group, lesson id, title) for every lesson to report, in course order."""
    rows: list[tuple[str | None, str, str]] = []
    if isinstance(source, Catalog):
        for track, lessons in source.tracks(lang).items():
            rows.extend((track, lesson.id, lesson.title) for lesson in lessons)
    else:
        rows.extend((None, lesson_id, title) for lesson_id, title in source.items())
    known = {row[1] for row in rows}
    rows.extend(("", lid, lid) for lid in sorted(progress.lessons) if lid not in known)
    return rows


def _hints_text(hints: Mapping[str, int]) -> str:
    return ", ".join(f"{goal} ×{count}" for goal, count in hints.items() if count)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _markdown(progress: Progress, rows: list[tuple[str | None, str, str]], lang: str) -> str:
    done = sum(1 for _, lid, _ in rows if progress.state(lid) == "done")
    lines = [
        f"# {t('export.title', lang)}",
        "",
        t("export.exported_at", lang, time=now_iso()),
        "",
        t("export.summary", lang, done=done, total=len(rows)),
    ]
    header = (
        f"| {t('export.lesson', lang)} | {t('export.state', lang)} "
        f"| {t('export.goals_met', lang)} | {t('export.hints_used', lang)} |"
    )
    group: str | None = "\0"
    for row_group, lesson_id, title in rows:
        if row_group != group:
            group = row_group
            heading = t("export.other", lang) if row_group == "" else None
            if row_group:
                heading = t(f"track.{row_group}", lang)
            lines += [""] + ([f"## {heading}", ""] if heading else []) + [header]
            lines.append("|---|---|---|---|")
        record = progress.lesson(lesson_id)
        none = t("export.none", lang)
        goals = ", ".join(record.goals_met) or none
        hints = _hints_text(record.hints_used) or none
        state = t(f"state.{record.state}", lang)
        lines.append(
            f"| {_cell(title)} (`{lesson_id}`) | {state} | {_cell(goals)} | {_cell(hints)} |"
        )
    return "\n".join(lines) + "\n"


def _json(progress: Progress, rows: list[tuple[str | None, str, str]]) -> str:
    lessons = []
    for group, lesson_id, title in rows:
        record = progress.lesson(lesson_id)
        lessons.append(
            {"id": lesson_id, "title": title, "track": group or None, **record.model_dump()}
        )
    payload = {
        "exported": now_iso(),
        "done": sum(1 for item in lessons if item["state"] == "done"),
        "total": len(lessons),
        "last_lesson": progress.last_lesson,
        "lessons": lessons,
    }
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"


def export_progress(
    progress: Progress,
    catalog_or_titles: Catalog | Mapping[str, str],
    dest: Path,
    fmt: ExportFormat = "md",
    *,
    lang: str = "en",
) -> Path:
    """Write a report of ``progress`` to ``dest`` as Markdown or JSON; return ``dest``.

    ``catalog_or_titles`` is a ``Catalog`` (lessons grouped by track, titles in ``lang``)
    or a plain lesson id → title mapping. Lessons in the progress but in neither are
    listed at the end under their ids.
    """
    if fmt not in ("md", "json"):
        raise ValueError(f"unknown export format {fmt!r} (use 'md' or 'json')")
    rows = _rows(progress, catalog_or_titles, lang)
    text = _markdown(progress, rows, lang) if fmt == "md" else _json(progress, rows)
    dest = Path(dest)
    write_text_atomic(dest, text)
    return dest
