"""A student's progress: what they did in each lesson, saved safely, exported on request.

The records are frozen; the helpers (``mark_goal``, ``use_hint``, ``set_section``,
``set_state``, …) return new objects, so the UI can hold progress as an immutable value.
``load_progress`` never loses data: a file it cannot use is moved aside and reported.

They are plain dataclasses checked by :func:`progress_from_data` rather than pydantic
models: progress is read before the catalog is first painted, and importing pydantic would
cost a student ~0.1 s at every start for a schema of six fields.
"""

from __future__ import annotations

import json
import shutil
import stat
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from virtlab.core.errors import InputError
from virtlab.course.atomic import write_text_atomic
from virtlab.course.files import read_bytes
from virtlab.course.i18n import t

if TYPE_CHECKING:
    from virtlab.course.lessons import Catalog

LessonState = Literal["not_started", "in_progress", "done"]
PROGRESS_VERSION: Literal[1] = 1


def now_iso() -> str:
    """The current UTC time as an ISO 8601 string with seconds precision."""
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class LessonProgress:
    """What a student has done in one lesson."""

    state: LessonState = "not_started"
    """Not started until first touched; done only when the app says so."""
    goals_met: list[str] = field(default_factory=list)
    """Ids of the lab goals currently met, in the order they were first met."""
    hints_used: dict[str, int] = field(default_factory=dict)
    """Goal id → how many of its hints have been revealed."""
    section: int = 0
    """Index of the last lesson step shown (0 or more)."""
    updated: str = ""
    """ISO time of the last change."""
    achieved: dict[str, str] = field(default_factory=dict)
    """Goal id → ISO time it was first met. Kept when the goal is later lost (the export
    reports what was achieved, not the live state of a lab reopened later)."""


@dataclass(frozen=True)
class Progress:
    """Everything saved in the progress file."""

    version: Literal[1] = PROGRESS_VERSION
    """File format version."""
    lessons: dict[str, LessonProgress] = field(default_factory=dict)
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


def continue_with(progress: Progress, catalog: Catalog, lang: str) -> str | None:
    """The lesson "continue" opens: the last one, unless it is done — then the first lesson
    not done after it in course order (else from the start); the last one if all are done."""
    ordered = [lesson.id for lesson in catalog.ordered(lang)]
    if not ordered:
        return None
    last = progress.last_lesson if progress.last_lesson in ordered else None
    if last is not None and progress.state(last) != "done":
        return last
    start = ordered.index(last) + 1 if last is not None else 0
    for lesson_id in ordered[start:] + ordered[:start]:
        if progress.state(lesson_id) != "done":
            return lesson_id
    return last or ordered[0]


def _touch(progress: Progress, lesson_id: str, now: str | None, **changes: Any) -> Progress:
    """Apply ``changes`` to one lesson, starting it if needed, and make it the last lesson."""
    current = progress.lesson(lesson_id)
    if current.state == "not_started" and "state" not in changes:
        changes["state"] = "in_progress"
    changes["updated"] = now or now_iso()
    updated = replace(current, **changes)
    lessons = {**progress.lessons, lesson_id: updated}
    return replace(progress, lessons=lessons, last_lesson=lesson_id)


def mark_goal(
    progress: Progress, lesson: str, goal: str, met: bool, *, now: str | None = None
) -> Progress:
    """Record that ``goal`` of ``lesson`` is met (or no longer met); the first time it is
    met is kept in ``achieved``."""
    record = progress.lesson(lesson)
    existing = record.goals_met
    now = now or now_iso()
    achieved = record.achieved
    if met:
        goals = list(existing) if goal in existing else [*existing, goal]
        if goal not in achieved:
            achieved = {**achieved, goal: now}
    else:
        goals = [g for g in existing if g != goal]
    return _touch(progress, lesson, now, goals_met=goals, achieved=achieved)


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
    return replace(progress, lessons=lessons, last_lesson=last)


def set_lang(progress: Progress, lang: str | None) -> Progress:
    """Remember the UI language the student chose."""
    return replace(progress, lang=lang)


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


class SchemaError(InputError):
    """The progress file's JSON does not have the expected shape, at ``field``."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(problem, field)
        self.field = field
        self.problem = problem


STATES = ("not_started", "in_progress", "done")
#: The largest progress file read; virtlab writes a few KiB per lesson.
MAX_PROGRESS_BYTES = 4 * 1024 * 1024


def _expect(value: object, kind: type | tuple[type, ...], where: str, what: str) -> None:
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise SchemaError(where, f"expected {what}, got {type(value).__name__}")


def _lesson_from_data(data: object, where: str) -> LessonProgress:
    _expect(data, dict, where, "an object")
    assert isinstance(data, dict)
    state = data.get("state", "not_started")
    if state not in STATES:
        raise SchemaError(f"{where}.state", f"expected one of {', '.join(STATES)}, got {state!r}")
    goals = data.get("goals_met", [])
    _expect(goals, list, f"{where}.goals_met", "a list")
    for i, goal in enumerate(goals):
        _expect(goal, str, f"{where}.goals_met.{i}", "a string")
    hints = data.get("hints_used", {})
    _expect(hints, dict, f"{where}.hints_used", "an object")
    for goal, count in hints.items():
        _expect(count, int, f"{where}.hints_used.{goal}", "a whole number")
        if count < 0:
            raise SchemaError(f"{where}.hints_used.{goal}", "must be 0 or more")
    section = data.get("section", 0)
    _expect(section, int, f"{where}.section", "a whole number")
    if section < 0:
        raise SchemaError(f"{where}.section", "must be 0 or more")
    updated = data.get("updated", "")
    _expect(updated, str, f"{where}.updated", "a string")
    achieved = data.get("achieved", {})
    _expect(achieved, dict, f"{where}.achieved", "an object")
    for goal, when in achieved.items():
        _expect(when, str, f"{where}.achieved.{goal}", "a time (a string)")
    # Files written before "achieved" existed: a goal met then counts as achieved then.
    achieved = dict(achieved)
    for goal in goals:
        achieved.setdefault(goal, updated)
    return LessonProgress(state, list(goals), dict(hints), section, updated, dict(achieved))


def progress_from_data(data: object) -> Progress:
    """Progress from parsed JSON; raises :class:`SchemaError` naming the field at fault.
    Unknown keys are ignored (a newer version may add some)."""
    _expect(data, dict, "(top level)", "an object")
    assert isinstance(data, dict)
    if data.get("version", PROGRESS_VERSION) != PROGRESS_VERSION:
        raise SchemaError("version", f"expected {PROGRESS_VERSION}, got {data.get('version')!r}")
    lessons = data.get("lessons", {})
    _expect(lessons, dict, "lessons", "an object")
    parsed = {str(k): _lesson_from_data(v, f"lessons.{k}") for k, v in lessons.items()}
    for key in ("last_lesson", "lang"):
        if data.get(key) is not None:
            _expect(data[key], str, key, "a string or null")
    return Progress(PROGRESS_VERSION, parsed, data.get("last_lesson"), data.get("lang"))


def progress_to_json(progress: Progress) -> str:
    return json.dumps(asdict(progress), ensure_ascii=False, indent=2)


def _schema_problem(error: SchemaError, lang: str) -> str:
    return t("progress.problem.schema", lang, field=error.field, error=error.problem)


def _diagnose(path: Path, lang: str) -> tuple[Progress | None, str | None]:
    """Parse the file; return (progress, None) or (None, what was wrong)."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            return None, t("progress.problem.not_a_file", lang)
        if info.st_size > MAX_PROGRESS_BYTES:
            return None, t("progress.problem.too_large", lang, size=fmt_bytes(info.st_size),
                           limit=fmt_bytes(MAX_PROGRESS_BYTES))
        raw = read_bytes(path, limit=MAX_PROGRESS_BYTES)
    except OSError as exc:
        return None, t("progress.problem.unreadable", lang, error=exc.strerror or exc)
    except InputError as exc:
        return None, t("progress.problem.unreadable", lang, error=exc.message)
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
    except RecursionError:
        return None, t("progress.problem.too_deep", lang)
    try:
        return progress_from_data(data), None
    except SchemaError as exc:
        return None, _schema_problem(exc, lang)
    except RecursionError:  # pragma: no cover - json.loads refuses such nesting first
        return None, t("progress.problem.too_deep", lang)


def fmt_bytes(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MiB" if n >= 1024 * 1024 else f"{n / 1024:.0f} KiB"


def remove_stale_temporaries(path: Path, *, older_than_s: float = 600.0) -> int:
    """Remove the temporary files of saves that were killed half-way (``.NAME.*.tmp`` beside
    ``path``, untouched for ``older_than_s``); returns how many went."""
    now = datetime.now().timestamp()
    removed = 0
    for tmp in path.parent.glob(f".{path.name}.*.tmp"):
        try:
            if now - tmp.stat().st_mtime >= older_than_s and tmp.is_file():
                tmp.unlink()
                removed += 1
        except OSError:
            continue
    return removed


def load_progress(path: Path, *, lang: str = "en") -> tuple[Progress, str | None]:
    """Load progress from ``path``; return it with a notice for the student, or None.

    A missing file gives empty progress silently. A file that cannot be read, is not JSON
    or does not match the schema is renamed to ``progress.corrupt-YYYYmmdd-HHMMSS.json``
    beside it (copied there if it cannot be renamed; never deleted), and the notice says
    what was wrong and where it was kept.
    """
    path = Path(path)
    remove_stale_temporaries(path)
    if not path.exists() and not path.is_symlink():
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
    write_text_atomic(Path(path), progress_to_json(progress) + "\n")
