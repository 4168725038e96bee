"""A class in the browser: `virtlab serve` opened in headless Chromium — the catalog shows,
a lesson opens, a key changes the lab, and Korean renders — read from the session's frames
(the screen is a canvas, so the terminal output the page receives is what is checked).

Needs the system's Chromium and Playwright's Python package (`.ci/run` installs both); skipped,
saying why, only when either cannot be had on this machine.
"""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
HANGUL_FONT = shutil.which("fc-list") is not None and "Noto Sans Mono CJK KR" in subprocess.run(
    ["fc-list"], capture_output=True, text=True).stdout
try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - depends on the machine
    sync_playwright = None

pytestmark = pytest.mark.skipif(
    CHROMIUM is None or sync_playwright is None,
    reason="no browser: install the system package chromium and Playwright's Python package "
           "(.ci/run does) to run the real-browser test")

#: Collect every message the page's websocket receives (the app's terminal output).
HOOK = """
window.__frames = [];
const Native = window.WebSocket;
window.WebSocket = function (url, protocols) {
  const ws = new Native(url, protocols);
  ws.binaryType = "arraybuffer";
  ws.addEventListener("message", (e) => {
    window.__frames.push(typeof e.data === "string" ? e.data : new TextDecoder().decode(e.data));
  });
  return ws;
};
window.WebSocket.prototype = Native.prototype;
"""
ANSI = re.compile(r"\x1b\[[0-9;?<>=]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>]")
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_port(port: int, seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise AssertionError(f"virtlab serve did not listen on {port}")


def _serve(tmp_path: Path, *extra: str):
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "virtlab", "serve", "--port", str(port),
                             "--data-dir", str(tmp_path), "--lang", "en", *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    _wait_port(port, 30)
    return proc, f"http://127.0.0.1:{port}"


@pytest.fixture
def served(tmp_path: Path):
    proc, url = _serve(tmp_path)
    try:
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture
def classroom(tmp_path: Path):
    proc, url = _serve(tmp_path, "--token", "s3cret", "--max-sessions", "1")
    try:
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _focus(page) -> None:
    """Give the terminal the keyboard without clicking (a click lands on whatever row is
    under the mouse, and where that is depends on the font's cell size)."""
    page.focus(".xterm-helper-textarea")


def _screen_text(page, since: int = 0) -> str:
    """What the page's terminal received (from frame ``since`` on)."""
    return ANSI.sub("", "".join(page.evaluate("() => window.__frames")[since:]))


def _frames(page) -> int:
    return int(page.evaluate("() => window.__frames.length"))


def _wait_for(page, words: str, seconds: float = 30, since: int = 0) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if words in _screen_text(page, since).replace("\r", "").replace("\n", ""):
            return
        time.sleep(0.3)
    raise AssertionError(f"{words!r} never showed; the page received: {_screen_text(page)[-600:]!r}")


def test_a_class_opens_the_lab_in_a_real_browser(served: str) -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.add_init_script(HOOK)
        asked: list[str] = []
        page.on("request", lambda request: asked.append(request.url))
        page.goto(served)
        _wait_for(page, "lessons done")  # the catalog
        # The terminal is drawn with a font stack that has Hangul, and nothing is fetched
        # from beyond the server (a classroom may have no internet).
        assert all(url.startswith(served) or url.startswith("ws://127.0.0.1") for url in asked), asked
        script = page.evaluate("async () => (await (await fetch("
                               "document.querySelector('script[src*=textual]').src)).text())")
        assert "fontFamily:\"'Noto Sans Mono CJK KR', 'D2Coding'" in script
        assert page.evaluate("() => document.fonts.check(\"16px 'Roboto Mono'\")")
        if HANGUL_FONT:  # where the machine has a CJK font, the stack reaches it
            assert page.evaluate("() => document.fonts.check(\"16px 'Noto Sans Mono CJK KR'\", '한')")
        _focus(page)
        page.keyboard.press("Enter")  # the first lesson, with its lab beside it
        _wait_for(page, "Carve a host")
        before = _frames(page)
        page.keyboard.press("a")  # add a VM: the dialog opens over the lab
        _wait_for(page, "Add a VM", since=before)
        _wait_for(page, "m1.small", since=before)  # its flavor: the key bar names "Add a VM" too
        before = _frames(page)
        page.keyboard.press("Escape")
        # The dialog closes before the next key: the lesson is drawn again, its key bar too.
        _wait_for(page, "CPU+", since=before)
        page.keyboard.press("Control+l")  # Korean
        _wait_for(page, "서버 한 대 나누기")
        browser.close()


def test_a_class_needs_its_token_is_capped_and_a_reload_resumes_progress(classroom: str) -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        student = browser.new_context(viewport={"width": 1280, "height": 800})
        page = student.new_page()
        page.add_init_script(HOOK)
        page.goto(classroom)
        assert "needs its access token" in page.inner_text("body")
        page.goto(classroom + "/?token=s3cret")
        _wait_for(page, "lessons done")
        _focus(page)
        page.keyboard.press("Enter")  # lesson 1: now in progress
        _wait_for(page, "Carve a host")
        other = browser.new_context().new_page()  # a second browser: the cap is one session
        other.goto(classroom + "/?token=s3cret")
        assert "the class is full" in other.inner_text("body")
        page.reload()  # the same browser comes back to its own progress
        _wait_for(page, "In progress")
        browser.close()
