"""The progress export: what a student has achieved, as Markdown to read or JSON to check.

The app calls :func:`export_progress` (the export key); it writes atomically into the data
folder. It reports each goal the student met, in the words of the lab (``goal_texts``), with
the time it was *first* met and the hints used — not the live state of a lab reopened
later, and never the lab's internal state. The Markdown shows no internal ids; the JSON
keeps them beside the texts, for a checker.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from virtlab.course.atomic import write_text_atomic
from virtlab.course.i18n import t
from virtlab.course.lessons import Catalog
from virtlab.course.progress import LessonProgress, Progress, now_iso

if TYPE_CHECKING:
    from virtlab.course.labs import Lab

ExportFormat = Literal["md", "json"]


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


GoalTexts = Mapping[str, Mapping[str, str]]
"""Lesson id → goal (or question) id → its text in the report's language."""


def goal_texts(catalog: Catalog, labs: Mapping[str, Lab], lang: str) -> dict[str, dict[str, str]]:
    """Lesson id → goal or question id → its words in ``lang`` (the export names goals by
    what they ask, never by id)."""
    out: dict[str, dict[str, str]] = {}
    for lesson in catalog.lessons.get(lang, {}).values():
        lab = labs.get(lesson.lab or "")
        if lab is not None:
            out[lesson.id] = {g.id: g.text.get(lang) for g in lab.goals}
            out[lesson.id].update({q.id: q.prompt.get(lang) for q in lab.questions})
    return out


def _text(goal_texts: GoalTexts, lesson_id: str, goal: str, lang: str) -> str:
    return goal_texts.get(lesson_id, {}).get(goal) or t("export.unknown_goal", lang)


def _when(iso: str) -> str:
    """``2026-12-01T11:30:05+00:00`` → ``2026-12-01 11:30 UTC`` (empty stays empty)."""
    return f"{iso[:10]} {iso[11:16]} UTC" if len(iso) >= 16 else iso


def _goals_text(record: LessonProgress, lesson_id: str, goal_texts: GoalTexts, lang: str) -> str:
    return "; ".join(f"{_text(goal_texts, lesson_id, goal, lang)} ({_when(when)})" if when
                     else _text(goal_texts, lesson_id, goal, lang)
                     for goal, when in sorted(record.achieved.items(), key=lambda kv: kv[1]))


def _hints_text(record: LessonProgress, lesson_id: str, goal_texts: GoalTexts, lang: str) -> str:
    return "; ".join(f"{_text(goal_texts, lesson_id, goal, lang)} ×{count}"
                     for goal, count in record.hints_used.items() if count)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _markdown(progress: Progress, rows: list[tuple[str | None, str, str]], lang: str,
              goal_texts: GoalTexts) -> str:
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
        goals = _goals_text(record, lesson_id, goal_texts, lang) or none
        hints = _hints_text(record, lesson_id, goal_texts, lang) or none
        state = t(f"state.{record.state}", lang)
        lines.append(f"| {_cell(title)} | {state} | {_cell(goals)} | {_cell(hints)} |")
    return "\n".join(lines) + "\n"


def _json(progress: Progress, rows: list[tuple[str | None, str, str]], lang: str,
          goal_texts: GoalTexts) -> str:
    lessons = []
    for group, lesson_id, title in rows:
        record = progress.lesson(lesson_id)
        achieved = [{"id": goal, "text": _text(goal_texts, lesson_id, goal, lang), "first_met": when}
                    for goal, when in sorted(record.achieved.items(), key=lambda kv: kv[1])]
        hints = [{"id": goal, "text": _text(goal_texts, lesson_id, goal, lang), "count": count}
                 for goal, count in record.hints_used.items() if count]
        lessons.append({"id": lesson_id, "title": title, "track": group or None,
                        "state": record.state, "achieved": achieved, "hints_used": hints,
                        "updated": record.updated})
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
    goal_texts: GoalTexts | None = None,
) -> Path:
    """Write a report of ``progress`` to ``dest`` as Markdown or JSON; return ``dest``.

    ``catalog_or_titles`` is a ``Catalog`` (lessons grouped by track, titles in ``lang``)
    or a plain lesson id → title mapping. Lessons in the progress but in neither are
    listed at the end under their ids. ``goal_texts`` gives each goal's words (a goal not
    in it, e.g. one a later version of the lab dropped, is reported as such, not by id).
    """
    if fmt not in ("md", "json"):
        raise ValueError(f"unknown export format {fmt!r} (use 'md' or 'json')")
    rows = _rows(progress, catalog_or_titles, lang)
    texts = goal_texts or {}
    text = _markdown(progress, rows, lang, texts) if fmt == "md" else _json(progress, rows, lang, texts)
    dest = Path(dest)
    write_text_atomic(dest, text)
    return dest
