"""``virtlab check``: validate lessons, labs and scenarios without opening the app.

Every problem is one line, ``file: field: problem``. A folder is checked whole: its lessons
(``en/`` and ``ko/`` twins), its labs (``labs/*.toml``), and that each lesson's lab exists.
"""

from __future__ import annotations

from pathlib import Path

from virtlab.course.labs import is_lab, lab_from_dict, load_labs
from virtlab.course.lessons import load_catalog
from virtlab.course.scenario import read_toml, scenario_from_dict


def check_file(path: Path) -> list[str]:
    if path.suffix == ".md":
        from virtlab.course.lessons import CourseFileError, parse_lesson

        lang = path.parent.name if path.parent.name in ("en", "ko") else "en"
        try:
            parse_lesson(path, lang)
        except CourseFileError as e:
            return [str(e)]
        return []
    data, problems = read_toml(path)
    if data is None:
        return problems
    if is_lab(data):
        return lab_from_dict(data, path)[1]
    if path.name == "glossary.toml":
        return []
    return scenario_from_dict(data, str(path))[1]


def check_lessons_folder(root: Path) -> tuple[list[str], int]:
    """A lessons folder: the catalog, the labs beside it, and the links between them."""
    catalog, errors = load_catalog(root)
    problems = [str(e) for e in errors]
    labs, lab_problems = load_labs(root / "labs")
    problems += lab_problems
    count = sum(1 for _ in root.glob("*/*.md")) + sum(1 for _ in (root / "labs").glob("*.toml"))
    for lang in ("en", "ko"):
        for lessons in catalog.tracks(lang).values():
            for lesson in lessons:
                if lesson.lab and lesson.lab not in labs:
                    problems.append(f"{lesson.path}: front matter.lab: no lab {lesson.lab!r} in {root / 'labs'}")
    return problems, count


def check_paths(paths: list[Path]) -> tuple[list[str], int]:
    problems: list[str] = []
    count = 0
    for path in paths:
        if not path.exists():
            problems.append(f"{path}: file: not found")
            continue
        if path.is_dir():
            if (path / "en").is_dir() or (path / "ko").is_dir():
                p, n = check_lessons_folder(path)
                problems += p
                count += n
                continue
            for f in sorted(path.rglob("*.toml")):
                problems += check_file(f)
                count += 1
            continue
        problems += check_file(path)
        count += 1
    return problems, count
