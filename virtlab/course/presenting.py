"""Following a walkthrough from two terminals: the audience view and the presenter's notes
share the current cue through one small file in the data folder, written atomically.

Either side moves the cue (PageDown / PageUp) and writes it; both poll the file and go to the
cue it names, so the notes follow the projector and the projector follows the notes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from virtlab.core.errors import InputError
from virtlab.course.atomic import write_text_atomic
from virtlab.course.files import parse_json, read_text

__all__ = ["CueFile", "resolve_walkthrough"]


@dataclass(slots=True)
class CueFile:
    """``present/<walkthrough id>.json`` in the data folder: ``{"cue": N}`` (0-based)."""

    path: Path

    @classmethod
    def of(cls, data_dir: Path, walkthrough_id: str) -> CueFile:
        return cls(Path(data_dir) / "present" / f"{walkthrough_id}.json")

    def read(self) -> int | None:
        """The cue the file names, or None (no file yet, or one that cannot be read)."""
        try:
            data = parse_json(read_text(self.path), str(self.path))
        except (InputError, OSError):
            return None
        cue = data.get("cue") if isinstance(data, dict) else None
        return cue if isinstance(cue, int) and not isinstance(cue, bool) and cue >= 0 else None

    def write(self, cue: int) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomic(self.path, json.dumps({"cue": cue}) + "\n")


def resolve_walkthrough(lessons_root: Path, name: str) -> Path | None:
    """A walkthrough named by its file, or by its id in ``lessons/walkthroughs/``."""
    direct = Path(name)
    if direct.suffix == ".toml" and direct.is_file():
        return direct
    candidate = lessons_root / "walkthroughs" / f"{name}.toml"
    return candidate if candidate.is_file() else None
