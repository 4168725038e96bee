"""Every filesystem location virtlab uses, in one module.

Other modules ask here for a path instead of building one, so overrides (command-line
flags, environment variables, test fixtures) work the same everywhere.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "virtlab"
DATA_DIR_ENV = "VIRTLAB_DATA_DIR"
#: Set by ``virtlab serve``: every app process it starts keeps its progress in a folder of
#: its own under this one (one browser session, one progress).
SESSIONS_ENV = "VIRTLAB_SESSIONS_DIR"
#: Set by ``virtlab serve --lang``: the language of the app processes it starts.
LANG_ENV = "VIRTLAB_LANG"
LESSONS_ENV = "VIRTLAB_LESSONS"
PROGRESS_FILE_NAME = "progress.json"


def data_dir(override: Path | None = None) -> Path:
    """The folder holding the student's data (progress, exports).

    Precedence: ``override`` (e.g. ``--data-dir``) > ``$VIRTLAB_DATA_DIR`` > the platform's
    user data directory. The folder is not created here; writers create it on demand.
    """
    if override is not None:
        return Path(override).expanduser()
    env = os.environ.get(DATA_DIR_ENV, "").strip()
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def progress_file(data_dir: Path) -> Path:
    """The progress file inside ``data_dir``."""
    return Path(data_dir) / PROGRESS_FILE_NAME


def lessons_dir() -> Path:
    """The lessons root (holding ``en/`` and ``ko/``).

    ``$VIRTLAB_LESSONS`` wins; otherwise the repository's top-level ``lessons/`` folder.
    """
    env = os.environ.get(LESSONS_ENV, "").strip()
    if env:
        return Path(env).expanduser()
    return Path(__file__).resolve().parents[2] / "lessons"


def new_session_dir(root: Path) -> Path:
    """A fresh folder name under ``root`` for one served session's data (not created here)."""
    import uuid
    from datetime import datetime

    return Path(root) / f"{datetime.now():%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:12]}"
