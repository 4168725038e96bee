"""Safe reading of the files a student or an author hands the lab: bounded, regular, UTF-8.

Every lesson, lab, scenario, glossary and progress file is read through :func:`read_text`, so
a FIFO, a device (``/dev/zero``), a folder named like a file, a broken symlink, a huge file, a
binary or UTF-16 file gives an :class:`~virtlab.core.errors.InputError` naming the file —
never a hang, a traceback or a silent acceptance. :func:`load_toml` and :func:`load_json`
add the parse step, with nesting too deep for the parser reported the same way.
"""

from __future__ import annotations

import json
import os
import stat
import tomllib
from pathlib import Path
from typing import Any

from virtlab.core.errors import InputError

#: The largest file the lab reads (lessons, labs and scenarios are a few KiB each).
MAX_BYTES = 4 * 1024 * 1024


def _mib(n: int) -> str:
    return f"{n / (1024 * 1024):g} MiB"


def read_bytes(path: Path, *, limit: int = MAX_BYTES) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes; raises :class:`InputError`.

    The file is opened without following it into a FIFO or device (``O_NONBLOCK`` and an
    ``fstat`` check on the open descriptor, so a file swapped after a check is caught too),
    and at most ``limit + 1`` bytes are ever read.
    """
    where = str(path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError:
        raise InputError("no such file (or a broken link)", where) from None
    except IsADirectoryError:
        raise InputError("is a folder, not a file", where) from None
    except OSError as exc:
        raise InputError(f"cannot be read ({exc.strerror or exc})", where) from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise InputError("is a folder, not a file", where)
        if not stat.S_ISREG(info.st_mode):
            raise InputError("is not a regular file (a pipe, a device or a socket)", where)
        if info.st_size > limit:
            raise InputError(f"is {_mib(info.st_size)}, larger than the {_mib(limit)} the lab reads",
                             where)
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            raise InputError(f"is larger than the {_mib(limit)} the lab reads", where)
        return b"".join(chunks)
    except OSError as exc:
        raise InputError(f"cannot be read ({exc.strerror or exc})", where) from None
    finally:
        os.close(fd)


def decode(raw: bytes, where: str) -> str:
    """UTF-8 text (a BOM is allowed); UTF-16, binary and other encodings are refused."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError("is UTF-16 text; save it as UTF-8", where)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"is not UTF-8 text (byte {exc.start})", where) from None
    if "\x00" in text:
        raise InputError("is not text (it holds NUL bytes)", where)
    return text


def read_text(path: Path, *, limit: int = MAX_BYTES) -> str:
    """The UTF-8 text of a regular file of at most ``limit`` bytes; raises :class:`InputError`."""
    return decode(read_bytes(path, limit=limit), str(path))


def load_toml(path: Path, *, limit: int = MAX_BYTES) -> dict[str, Any]:
    """A TOML file's data; raises :class:`InputError` naming the file (and the line)."""
    text = read_text(path, limit=limit)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"not valid TOML: {exc}", str(path)) from None
    except RecursionError:
        raise InputError("not valid TOML: nested too deeply", str(path)) from None


def parse_json(text: str, where: str) -> Any:
    """JSON data; raises :class:`InputError` (nesting too deep for the parser included)."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})",
                         where) from None
    except RecursionError:
        raise InputError("not valid JSON: nested too deeply", where) from None
