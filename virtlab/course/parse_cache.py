"""What parsing virtlab's own string tables gave, kept as JSON between runs.

``tomllib`` is pure Python: reading the UI strings of one language (nine files, ~1,300
lines) took 8 ms of every start, before the first frame; reading back the same table as
JSON takes 0.3 ms. The cache holds a flat ``str → str`` table and the name, size and
modification time of every file it was read from; any difference, or a cache file that is
missing, unreadable or not of that shape, and the files are parsed again (and the cache
rewritten, atomically). A cache that cannot be written is simply not kept: it only saves
time, and nothing the student sees depends on it.

It lives in the user cache folder (``$VIRTLAB_CACHE_DIR`` overrides it) and holds only
what virtlab's own files say: it is read as data (JSON), never run.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Sequence
from pathlib import Path

from virtlab.core.errors import InputError
from virtlab.course.files import read_bytes

CACHE_DIR_ENV = "VIRTLAB_CACHE_DIR"
#: Bumped whenever what a cached table means changes (how it is built from the files).
FORMAT = 1


def cache_dir() -> Path:
    """``$VIRTLAB_CACHE_DIR``, else the platform's user cache folder for virtlab."""
    env = os.environ.get(CACHE_DIR_ENV, "").strip()
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("virtlab", appauthor=False))


def _stamp(sources: Sequence[Path]) -> list[list[object]]:
    out: list[list[object]] = []
    for path in sources:
        info = path.stat()
        out.append([str(path), info.st_size, info.st_mtime_ns])
    return out


def cached_table(name: str, sources: Sequence[Path],
                 build: Callable[[], dict[str, str]]) -> dict[str, str]:
    """``build()``'s table, from the cache file ``name`` while ``sources`` are unchanged.

    ``build`` raising (a broken strings file) propagates, as without the cache, and leaves
    no cache behind."""
    try:
        stamp: list[list[object]] | None = _stamp(sources)
    except OSError:
        stamp = None  # a source vanished: let build() say so
    # One file per folder read from: two checkouts of virtlab do not take turns rewriting it.
    where = hashlib.sha256("\0".join(sorted({str(p.parent) for p in sources})).encode()).hexdigest()
    path = cache_dir() / f"{name}-{where[:12]}.json"
    if stamp is not None:
        try:  # bounded, and never a FIFO or a device put where the cache goes
            kept = json.loads(read_bytes(path))
        except (InputError, ValueError, RecursionError):
            kept = None
        if isinstance(kept, dict) and kept.get("format") == FORMAT and kept.get("sources") == stamp:
            table = kept.get("table")
            if isinstance(table, dict) and all(
                    isinstance(k, str) and isinstance(v, str) for k, v in table.items()):
                return table
    table = build()
    if stamp is not None:
        _keep(path, {"format": FORMAT, "sources": stamp, "table": table})
    return table


def _keep(path: Path, data: dict[str, object]) -> None:
    from virtlab.course.atomic import write_text_atomic

    try:
        write_text_atomic(path, json.dumps(data, ensure_ascii=False))
    except (OSError, ValueError):
        pass  # a read-only or full disk: the next start parses the files again
