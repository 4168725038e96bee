"""``virtlab check``: validate lessons, labs and scenarios without opening the app.

Every problem is one line, ``file: field: problem``. A folder is checked whole: its lessons
(``en/`` and ``ko/`` twins with the same steps), its labs (``labs/*.toml``), its walkthroughs,
and that each lesson's lab exists. A lab must hold what ``docs/authoring.md`` asks of it: every
goal and question failed by a misconception or a near miss, and 2–4 hints each; a lesson's code
blocks fit the lesson pane (at most :data:`CODE_COLUMNS` cells).
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from virtlab.core.errors import InputError
from virtlab.course.files import read_text
from virtlab.course.labs import Lab, is_lab, lab_from_dict, load_labs
from virtlab.course.lessons import Catalog, load_catalog
from virtlab.course.links import link_problems
from virtlab.course.plays import play_problems
from virtlab.course.scenario import read_toml, scenario_from_dict
from virtlab.course.walkthrough import load_walkthrough, walkthrough_problems

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")

#: The widest a code block or diagram may be: the lesson pane at 80×24 (a Korean character
#: counts as two).
CODE_COLUMNS = 42


def _cells(text: str) -> int:
    """Terminal cells ``text`` takes (East Asian wide and full-width characters count two)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 0 if unicodedata.combining(c) else 1
               for c in text)


def code_width_problems(path: Path, text: str) -> list[str]:
    """Code blocks wider than the lesson pane (they would scroll sideways or wrap)."""
    out, fence = [], ""
    for i, line in enumerate(text.splitlines(), 1):
        m = _FENCE.match(line)
        if m and (not fence or m[1].startswith(fence)):
            fence = "" if fence else m[1]
            continue
        if fence and _cells(line) > CODE_COLUMNS:
            out.append(f"{path}: line {i}: a code line {_cells(line)} cells wide; keep code blocks "
                       f"and diagrams within {CODE_COLUMNS} (the lesson pane at 80×24)")
    return out


def authoring_problems(lab: Lab) -> list[str]:
    """What a lab lacks that ``docs/authoring.md`` asks for: a shortcut that must fail each
    goal and question (a misconception or a near miss), and 2–4 hints, gentle → specific."""
    src, out = str(lab.path), []
    covered = {n.fails for n in lab.near_misses} | {m.fails for m in lab.misconceptions}
    entries = [("goal", i, g.id, len(g.hints)) for i, g in enumerate(lab.goals, 1)]
    entries += [("question", i, q.id, len(q.hints)) for i, q in enumerate(lab.questions, 1)]
    for kind, i, gid, hints in entries:
        if gid not in covered:
            out.append(f"{src}: {kind}[{i}] ({gid}): no misconception or near miss fails it; add the "
                       f'[[near_miss]] a student would try (fails = "{gid}")')
        if hints < 2:  # the loader refuses more than 4
            out.append(f"{src}: {kind}[{i}] ({gid}).hints: {hints} hint; give 2–4, gentle → specific")
    return out


def emphasis_problems(path: Path, text: str) -> list[str]:
    """Bold that CommonMark will not close: ``**가상화(virtualization)**는`` shows the stars.

    A closing ``**`` preceded by punctuation must be followed by a space or punctuation; in
    Korean a particle usually follows directly. Write ``**가상화**(virtualization)는``.
    """
    out: list[str] = []
    in_fence = False
    para: list[tuple[int, str]] = []

    def flush() -> None:
        joined = "\n".join(line for _, line in para)
        stars = [m.start() for m in re.finditer(r"(?<!\*)\*\*(?!\*)", joined)]
        for k, pos in enumerate(stars):
            if k % 2 == 0:
                continue  # an opener
            before = joined[pos - 1] if pos else " "
            after = joined[pos + 2] if pos + 2 < len(joined) else " "
            if unicodedata.category(before).startswith("P") and unicodedata.category(after).startswith("L"):
                line_no = para[0][0] + joined.count("\n", 0, pos)
                out.append(f"{path}: line {line_no}: bold ends with {before!r} right before "
                           f"{after!r}, so Markdown shows the ** literally; move the "
                           f"punctuation outside the bold")
        para.clear()

    for i, line in enumerate(text.splitlines(), start=1):
        if _FENCE.match(line):
            in_fence = not in_fence
            flush()
            continue
        if in_fence:
            continue
        if not line.strip():
            flush()
        else:
            para.append((i, line))
    flush()
    return out


def text_problems(path: Path) -> list[str]:
    """What a lesson's text shows wrong: bold Markdown will not close, and links that name no
    allowed lab action or an unknown scheme. A file that cannot be read says so instead."""
    try:
        text = read_text(path)
    except InputError as e:
        return [f"{path}: file: {e.message}"]
    return (emphasis_problems(path, text) + [str(p) for p in link_problems(path, text)]
            + code_width_problems(path, text))


def check_file(path: Path) -> list[str]:
    if path.suffix == ".md":
        from virtlab.course.lessons import CourseFileError, parse_lesson

        lang = path.parent.name if path.parent.name in ("en", "ko") else "en"
        try:
            parse_lesson(path, lang)
        except CourseFileError as e:
            return [str(e)]
        return text_problems(path)
    data, problems = read_toml(path)
    if data is None:
        return problems
    if is_lab(data):
        lab, problems = lab_from_dict(data, path)
        return authoring_problems(lab) + play_problems(lab) if lab is not None else problems
    if "walkthrough" in data:
        return walkthrough_file_problems(path)
    if path.name == "glossary.toml":
        from virtlab.course.glossary import load_glossary

        return load_glossary(path)[1]
    return scenario_from_dict(data, str(path))[1]


def check_lessons_folder(root: Path) -> tuple[list[str], int]:
    """A lessons folder: the catalog, the labs beside it, and the links between them."""
    catalog, errors = load_catalog(root)
    problems = [str(e) for e in errors]
    labs, lab_problems = load_labs(root / "labs")
    problems += lab_problems
    for lab in labs.values():
        problems += authoring_problems(lab) + play_problems(lab)
    for md in sorted(root.glob("*/*.md")):
        if md.is_file():
            problems += text_problems(md)
        elif md.is_symlink() and not md.exists():
            problems.append(f"{md}: file: a broken link")
        elif md.is_dir():
            problems.append(f"{md}: file: is a folder, not a lesson file")
        else:
            problems.append(f"{md}: file: is not a regular file")
    count = sum(1 for _ in root.glob("*/*.md")) + sum(1 for _ in (root / "labs").glob("*.toml"))
    if (root / "glossary.toml").exists():
        from virtlab.course.glossary import load_glossary

        problems += load_glossary(root / "glossary.toml")[1]
        count += 1
    for path in sorted((root / "walkthroughs").glob("*.toml")):
        count += 1
        w, found = load_walkthrough(path)
        problems += found if w is None else walkthrough_problems(path, w, catalog, labs)
    for lang in ("en", "ko"):
        for lessons in catalog.tracks(lang).values():
            for lesson in lessons:
                # A lab whose file has problems is not loaded; its own lines say why.
                broken = any(p.startswith(str(root / "labs" / f"{lesson.lab}.toml")) for p in lab_problems)
                if lesson.lab and lesson.lab not in labs and not broken:
                    problems.append(f"{lesson.path}: front matter.lab: no lab {lesson.lab!r} in {root / 'labs'}")
        steps = {s.title for lessons in catalog.tracks(lang).values() for x in lessons for s in x.sections}
        for lab in labs.values():
            problems += reread_problems(lab, lang, steps)
    problems += twin_problems(catalog)
    return problems, count


def twin_problems(catalog: Catalog) -> list[str]:
    """English and Korean twins with the same steps (a walkthrough's cue, a saved step and a
    language switch point at a step by its number)."""
    out = []
    for lesson_id in sorted(catalog.ids()):
        en, ko = catalog.get(lesson_id, "en"), catalog.get(lesson_id, "ko")
        if en is not None and ko is not None and len(en.sections) != len(ko.sections):
            out.append(f"{ko.path}: steps: {len(ko.sections)} steps, but its English twin {en.path.name} "
                       f"has {len(en.sections)}; the twins must have the same steps")
    return out


def walkthrough_file_problems(path: Path) -> list[str]:
    """A walkthrough checked on its own, with the course it sits in (``<course>/walkthroughs``)."""
    w, found = load_walkthrough(path)
    if w is None:
        return found
    root = path.resolve().parent.parent
    if path.resolve().parent.name != "walkthroughs" or not ((root / "en").is_dir() or (root / "ko").is_dir()):
        return [f"{path}: walkthrough: a walkthrough is checked with its course: keep it in the course's "
                "walkthroughs/ folder (beside en/, ko/ and labs/)"]
    catalog, _ = load_catalog(root)
    labs, _ = load_labs(root / "labs")
    return walkthrough_problems(path, w, catalog, labs)


def reread_problems(lab: Lab, lang: str, steps: set[str]) -> list[str]:
    """A question's ``reread`` quotes lesson steps (“…”) that exist, so a locked question
    never sends a student to a step that was renamed."""
    out = []
    for i, q in enumerate(lab.questions, start=1):
        text = q.reread.get(lang) if q.reread is not None else ""
        quoted = re.findall(r"“([^”]+)”", text)
        if text and not quoted:
            out.append(f"{lab.path}: question[{i}] ({q.id}).reread.{lang}: quote the step to "
                       f"re-read as “step title”")
        for title in quoted:
            if title not in steps:
                out.append(f"{lab.path}: question[{i}] ({q.id}).reread.{lang}: no lesson step "
                           f"“{title}”")
    return out


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
            found = sorted(path.rglob("*.toml")) + sorted(path.glob("*.md"))
            if not found:
                problems.append(f"{path}: folder: holds no lessons (*.md), labs or scenarios (*.toml)")
            for f in found:
                problems += check_file(f)
                count += 1
            continue
        problems += check_file(path)
        count += 1
    return list(dict.fromkeys(problems)), count
