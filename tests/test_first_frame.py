"""``virtlab open``: the lesson's text reaches the terminal before the lab is built.

The lab's first import (the engine's models) takes longer than the text; Textual holds every
frame back while an app starts, so the lesson screen is painted once start-up is over and
only then opens its lab. Read from a real pseudo-terminal: the frame with the text and the
lab's "opening" placeholder is written before the lab, and written once.
"""

from __future__ import annotations

import os
import select
import sys
import time
from pathlib import Path

import pytest

ptyprocess = pytest.importorskip("ptyprocess")


def _output(argv: list[str], env: dict[str, str], until: bytes, limit: float = 60.0) -> bytes:
    proc = ptyprocess.PtyProcess.spawn(argv, env=env, dimensions=(36, 120))
    out = b""
    start = time.monotonic()
    try:
        while until not in out:
            if time.monotonic() - start > limit:
                raise AssertionError(f"{until!r} not written after {limit} s:\n{out[-2000:]!r}")
            ready, _, _ = select.select([proc.fd], [], [], 0.5)
            if ready:
                try:
                    out += os.read(proc.fd, 1 << 16)
                except OSError:
                    break
    finally:
        proc.terminate(force=True)
    return out


def test_open_writes_the_text_before_the_lab(tmp_path: Path) -> None:
    env = {**os.environ, "TERM": "xterm-256color", "VIRTLAB_DATA_DIR": str(tmp_path)}
    argv = [sys.executable, "-m", "virtlab", "--lang", "en", "open", "l5-overcommit"]
    lab = b"web-01"  # a VM of the lab's table; the lesson's text does not name it
    out = _output(argv, env, until=lab)
    text = b"A vCPU is not a core."
    placeholder = b"Opening the lab"
    assert placeholder in out, "no frame was written before the lab opened"
    assert out.index(text) < out.index(lab)
    assert out.index(placeholder) < out.index(lab)
    # one frame holds the text before the lab: Textual no longer renders the screen during
    # start-up to drop it, nor does the lesson paint itself a second time to make up for it
    assert out[:out.index(lab)].count(text) == 1
