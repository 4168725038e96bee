"""``virtlab export --report`` and ``virtlab verify`` (lab reports an instructor can re-check), and
``virtlab new`` (scaffolds for authors).

``export`` writes, for every lab the student worked in (its saved work in the data folder),
the lab report of :mod:`virtlab.course.labreport` as JSON (to check) or Markdown (to read).
``verify REPORT…`` replays each report with this engine and prints what disagrees; with
``--csv`` it prints a class table instead. Exit status: 0 when every report verifies.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def _course(args: argparse.Namespace):
    from virtlab.course.labs import load_labs
    from virtlab.course.lessons import load_catalog
    from virtlab.course.paths import lessons_dir

    root = lessons_dir()
    catalog, _ = load_catalog(root)
    labs, _ = load_labs(root / "labs")
    return catalog, labs


def cmd_export(args: argparse.Namespace) -> int:
    from virtlab.course.atomic import write_text_atomic
    from virtlab.course.labreport import lab_report, report_document, report_markdown
    from virtlab.course.paths import data_dir, progress_file
    from virtlab.course.progress import load_progress
    from virtlab.course.work import restore_work, work_path

    folder = data_dir(getattr(args, "data_dir", None))
    progress, notice = load_progress(progress_file(folder))
    if notice:
        print(notice, file=sys.stderr)
    catalog, labs = _course(args)
    if not args.report:  # the progress export: what was achieved, lesson by lesson
        from virtlab.course.export import export_progress

        lang = getattr(args, "lang", None) or progress.lang or "en"
        texts = {lesson.id: {**{g.id: g.text.get(lang) for g in labs[lesson.lab].goals},
                             **{q.id: q.prompt.get(lang) for q in labs[lesson.lab].questions}}
                 for lesson in catalog.lessons.get(lang, {}).values() if lesson.lab in labs}
        dest = args.out or Path(f"virtlab-progress.{args.format}")
        export_progress(progress, catalog, dest, args.format, lang=lang, goal_texts=texts)
        print(f"Wrote {dest}.", file=sys.stderr)
        return 0
    entries = []
    for lesson in catalog.lessons.get("en", {}).values():
        lab = labs.get(lesson.lab or "")
        path = work_path(folder, lab.id) if lab else None
        if lab is None or path is None or not path.exists():
            continue
        session, problem = restore_work(path, lab, set_aside=False)  # an export only reads
        if problem:
            print(problem, file=sys.stderr)
            continue
        entries.append(lab_report(session, progress, lesson.id))
    doc = report_document(entries, args.student or "")
    text = report_markdown(doc) if args.format == "md" else json.dumps(doc, ensure_ascii=False, indent=1) + "\n"
    if args.out is None:
        sys.stdout.write(text)
    else:
        write_text_atomic(args.out, text)
        print(f"Wrote {args.out} ({len(entries)} lab(s)).", file=sys.stderr)
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    from virtlab.core.errors import InputError
    from virtlab.course.files import parse_json, read_text
    from virtlab.course.labreport import Verification, class_table, verify

    _, labs = _course(args)
    rows: list[tuple[Path, object, list[Verification]]] = []
    for path in args.reports:
        try:
            doc = parse_json(read_text(path), str(path))
        except InputError as e:
            doc, checks = None, [Verification("", False, problems=[str(e)])]
        else:
            checks = verify(doc, labs)
        rows.append((path, doc, checks))
    ok = all(v.ok for _, _, checks in rows for v in checks)
    if args.csv:
        sys.stdout.write(class_table(rows))
        return 0 if ok else 1
    for path, _, checks in rows:
        for v in checks:
            if v.ok:
                print(f"{path}: {v.lab}: verified ({v.goals_met}/{v.goals} goals met)")
            for p in v.problems:
                print(f"{path}: {p}")
    return 0 if ok else 1


def cmd_new(args: argparse.Namespace) -> int:
    from virtlab.course.paths import lessons_dir
    from virtlab.course.scaffold import new_lab, new_lesson

    root = args.root or lessons_dir()
    try:
        if args.what == "lab":
            made = new_lab(root, args.name)
        else:
            made = new_lesson(root, args.name, lab=args.lab, track=args.track, order=args.order)
    except (ValueError, OSError) as e:
        print(f"virtlab new: {e}", file=sys.stderr)
        return 1
    for path in made:
        print(f"Wrote {path}")
    print(f"Next: edit, then run virtlab check {root}")
    return 0


def cmd_present(args: argparse.Namespace) -> int:
    """Check the walkthrough first (so a bad one never reaches the projector), then open the
    audience view, or with --notes the presenter's notes."""
    from virtlab.course.paths import data_dir, lessons_dir
    from virtlab.course.presenting import CueFile, resolve_walkthrough
    from virtlab.course.walkthrough import load_walkthrough, walkthrough_problems

    root = lessons_dir()
    path = resolve_walkthrough(root, args.walkthrough)
    if path is None:
        known = ", ".join(sorted(p.stem for p in (root / "walkthroughs").glob("*.toml"))) or "none"
        print(f"virtlab present: no walkthrough {args.walkthrough!r} (known: {known})", file=sys.stderr)
        return 1
    catalog, labs = _course(args)
    w, problems = load_walkthrough(path)
    if w is not None:
        problems = walkthrough_problems(path, w, catalog, labs)
    if w is None or problems:
        for line in problems:
            print(line, file=sys.stderr)
        return 1
    lang = getattr(args, "lang", None) or "en"
    folder = data_dir(getattr(args, "data_dir", None))
    if args.notes:
        from virtlab.ui.notes import NotesApp

        lesson = catalog.get(w.walkthrough.lesson, lang)
        assert lesson is not None  # checked above
        NotesApp(w, lesson, labs.get(lesson.lab or ""), CueFile.of(folder, w.walkthrough.id), lang).run()
        return 0
    from virtlab.ui.app import make_app

    app = make_app(lang=lang, data_dir=folder, present=path)
    app.run()
    return app.return_code or 0


def add_parsers(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    e = sub.add_parser("export", parents=[common], help="write a lab report an instructor can re-check")
    e.add_argument("--report", action="store_true", help="the lab report (what was done in each lab)")
    e.add_argument("--format", choices=("json", "md"), default="json")
    e.add_argument("--out", type=Path, help="file to write (default: print)")
    e.add_argument("--student", help="a name to put in the report")
    p = sub.add_parser("present", parents=[common], help="lead a walkthrough on a projector (--notes: the notes)")
    p.add_argument("walkthrough", help="a walkthrough id (lessons/walkthroughs/) or file")
    p.add_argument("--notes", action="store_true", help="the presenter's notes, in a second terminal")
    n = sub.add_parser("new", parents=[common], help="scaffold a lab or a lesson that virtlab check accepts")
    n.add_argument("what", choices=("lab", "lesson"))
    n.add_argument("name", help="its id: lower-case letters, digits and '-'")
    n.add_argument("--root", type=Path, help="the lessons folder (default: the course's)")
    n.add_argument("--lab", help="a lesson's lab id")
    n.add_argument("--track", default="server", help="a lesson's track (default: server)")
    n.add_argument("--order", type=int, default=99,
                   help="a lesson's number in the course, 1-99: the file's NN- prefix and its place in "
                        "the catalog (default 99: last)")
    v = sub.add_parser("verify", parents=[common], help="replay lab reports and check their claims")
    v.add_argument("reports", nargs="+", type=Path)
    v.add_argument("--csv", action="store_true", help="print a class table (CSV)")
