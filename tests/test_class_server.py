"""The classroom server's bookkeeping, without a browser: signed cookies, folders that
survive a restart, and one session per browser counted against the cap."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from virtlab.serve import SESSION_COOKIE, ClassServer


def _server(root: Path, **kw) -> ClassServer:
    return ClassServer("python -m virtlab", sessions_root=root, **kw)


def _request(cookie: str | None):
    return SimpleNamespace(cookies={SESSION_COOKIE: cookie} if cookie else {}, query={})


def test_a_browser_keeps_its_folder_across_a_restart_and_a_made_up_cookie_does_not(tmp_path: Path) -> None:
    first = _server(tmp_path)
    cookie = first.new_cookie()
    browser = first.browser_of(_request(cookie))
    assert browser is not None
    folder = first.folder_for(browser)
    again = _server(tmp_path)  # a restart: the secret is kept
    assert again.folder_for(again.browser_of(_request(cookie))) == folder
    assert again.browser_of(_request("0" * 32 + ".forged")) is None
    assert again.browser_of(_request("../../etc")) is None
    assert folder.parent == tmp_path and all(c in "0123456789abcdef" for c in folder.name)
    assert again.session_command(folder).endswith(f"--data-dir {folder}")


def test_the_cap_counts_other_browsers_only(tmp_path: Path) -> None:
    server = _server(tmp_path, max_sessions=1)
    server._live["a"] = object()  # type: ignore[assignment]
    assert not server._full_for("a")  # the same browser reloading
    assert server._full_for("b") and server._full_for(None)
