"""The progress export: what a student has done, as Markdown to read or JSON to check.

The app calls :func:`export_progress` (the export key); it writes atomically into the data
folder and never includes the lab's internal state.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict
from pathlib import Path
from typing import Literal

from virtlab.course.atomic import write_text_atomic
from virtlab.course.i18n import t
from virtlab.course.lessons import Catalog
from virtlab.course.progress import Progress, now_iso

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
            {"id": lesson_id, "title": title, "track": group or None, **asdict(record)}
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
