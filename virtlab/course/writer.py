"""Files written off the UI thread, latest first: the lab work saved after a key.

An atomic write syncs the file and its folder to the disk (:mod:`virtlab.course.atomic`):
under a millisecond on a local SSD, tens of milliseconds on a busy laptop disk or a network
home folder, which a key would wait for before its frame. The writer takes the text (made
on the caller's thread, from the state as it is then), and one thread writes it. A path
whose text is replaced before the thread reaches it is written once, with the newest text;
``None`` removes the file. Writes to one path keep their order. :meth:`Writer.flush` waits
until everything handed over is on the disk (the app calls it when it closes). A write that
fails is reported; so is the next one to the same path that succeeds (the disk is back), so
the caller can say the next failure again.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from pathlib import Path

from virtlab.course.atomic import write_text_atomic

__all__ = ["Writer"]


class Writer:
    """One background thread writing the newest text handed over for each path."""

    def __init__(self, on_error: Callable[[Path, OSError], None],
                 on_recovered: Callable[[Path], None] | None = None) -> None:
        self._on_error = on_error
        """Called on the writer's thread with a write that failed."""
        self._on_recovered = on_recovered
        """Called on the writer's thread when a path whose last write failed is written."""
        self._failed: set[Path] = set()
        self._pending: dict[Path, str | None] = {}
        self._lock = threading.Condition()
        self._busy = False
        self._thread: threading.Thread | None = None

    def submit(self, path: Path, text: str | None) -> None:
        """Write ``text`` to ``path`` atomically soon (``None``: remove the file)."""
        with self._lock:
            self._pending.pop(path, None)  # re-queued last: the order of paths is kept
            self._pending[path] = text
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="virtlab-writer",
                                                daemon=True)
                self._thread.start()
            self._lock.notify_all()

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until every text handed over is written; False if ``timeout`` s passed."""
        with self._lock:
            return self._lock.wait_for(lambda: not self._pending and not self._busy, timeout)

    def _run(self) -> None:
        while True:
            with self._lock:
                if not self._lock.wait_for(lambda: bool(self._pending), timeout=5.0):
                    self._thread = None  # idle: a later submit starts another
                    return
                path = next(iter(self._pending))
                text = self._pending.pop(path)
                self._busy = True
            try:
                if text is None:
                    path.unlink(missing_ok=True)
                else:
                    write_text_atomic(path, text)
            except OSError as exc:
                self._failed.add(path)
                with contextlib.suppress(Exception):
                    self._on_error(path, exc)
            else:
                if path in self._failed:
                    self._failed.discard(path)
                    if self._on_recovered is not None:
                        with contextlib.suppress(Exception):
                            self._on_recovered(path)
            finally:
                with self._lock:
                    self._busy = False
                    self._lock.notify_all()
