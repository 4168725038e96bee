"""A folder of lab files: all of them (``virtlab check``, the export), one by its id (a lesson
opening its own lab), or the problems of the one that does not load."""

from __future__ import annotations

from pathlib import Path

from virtlab.course import scenario as sc
from virtlab.course.labs.loader import lab_from_dict, load_lab
from virtlab.course.labs.models import Lab


def load_labs(folder: Path, *, plays: bool = True) -> tuple[dict[str, Lab], list[str]]:
    labs: dict[str, Lab] = {}
    problems: list[str] = []
    for f in sorted(folder.glob("*.toml")) if folder.is_dir() else []:
        lab, p = load_lab(f, plays=plays)
        problems += p
        if lab is not None:
            if lab.id in labs:
                problems.append(f"{f}: lab.id: duplicate id {lab.id!r} (also in {labs[lab.id].path})")
            labs[lab.id] = lab
    return labs, problems


def find_lab(folder: Path, lab_id: str, *, plays: bool = True) -> Lab | None:
    """The lab ``lab_id`` read from its own file only (``<lab_id>.toml``, else the file whose
    ``[lab] id`` it is), or None when no file holds it or it has problems."""
    named = folder / f"{lab_id}.toml"
    files = [named] if named.is_file() else []
    files += [f for f in sorted(folder.glob("*.toml")) if f != named] if folder.is_dir() else []
    for f in files:
        data, _ = sc.read_toml(f)
        meta = data.get("lab") if data is not None else None
        if data is not None and isinstance(meta, dict) and meta.get("id") == lab_id:
            lab, problems = lab_from_dict(data, f, plays=plays)
            return lab if lab is not None and not problems else None
    return None


def lab_file_problems(folder: Path, lab_id: str) -> list[str]:
    """The problems of the lab file in ``folder`` that says it is ``lab_id`` (or, if it cannot
    be read, is named ``<lab_id>.toml``) but does not load; empty when there is no such file
    or it loads."""
    for f in sorted(folder.glob("*.toml")) if folder.is_dir() else []:
        data, problems = sc.read_toml(f)
        meta = data.get("lab") if data is not None else None
        if data is None and f.stem == lab_id:
            return problems
        if isinstance(meta, dict) and meta.get("id") == lab_id:
            return lab_from_dict(data, f)[1] if data is not None else problems
    return []
