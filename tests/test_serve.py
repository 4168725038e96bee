"""`virtlab serve` builds no shell command from input, gives every browser session its own
progress, and warns when it listens beyond this machine; a crashed app exits non-zero."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from virtlab import cli
from virtlab.course import paths


class FakeServer:
    seen: dict[str, Any] = {}

    def __init__(self, command: str, **kwargs: Any) -> None:
        FakeServer.seen = {"command": command, **kwargs,
                           "sessions": os.environ.get(paths.SESSIONS_ENV),
                           "lang": os.environ.get(paths.LANG_ENV)}

    def serve(self) -> None:
        pass


@pytest.fixture
def fake_server(monkeypatch: pytest.MonkeyPatch) -> type[FakeServer]:
    import virtlab.serve

    monkeypatch.setattr(virtlab.serve, "ClassServer", FakeServer)
    for var in (paths.SESSIONS_ENV, paths.LANG_ENV):
        monkeypatch.delenv(var, raising=False)
    return FakeServer


def test_the_session_command_holds_nothing_from_the_user(
        fake_server: type[FakeServer], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    hostile = tmp_path / "d x;touch PWNED"
    assert cli.main(["serve", "--data-dir", str(hostile), "--lang", "ko"]) == 0
    seen = fake_server.seen
    assert seen["command"] == f"{shlex.quote(sys.executable)} -m virtlab"
    assert "PWNED" not in seen["command"]
    assert seen["sessions"] == str(hostile.resolve() / "sessions")
    assert seen["lang"] == "ko"
    assert seen["host"] == "127.0.0.1"
    assert "warning" not in capsys.readouterr().err


def test_the_command_runs_through_a_shell_as_it_is(tmp_path: Path) -> None:
    result = subprocess.run(cli.serve_command() + " --help", shell=True, capture_output=True,
                            text=True, timeout=60, cwd=tmp_path)
    assert result.returncode == 0 and "virtlab" in result.stdout
    assert not list(tmp_path.iterdir())


def test_a_host_beyond_loopback_is_warned_about(
        fake_server: type[FakeServer], capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["serve", "--host", "0.0.0.0"]) == 0
    assert "warning" in capsys.readouterr().err
    assert cli.is_loopback("127.0.0.1") and cli.is_loopback("::1") and cli.is_loopback("localhost")
    assert not cli.is_loopback("0.0.0.0") and not cli.is_loopback("192.0.2.1")


class FakeApp:
    made: list[dict[str, Any]] = []
    code: int | None = 0

    def __init__(self, **kwargs: Any) -> None:
        FakeApp.made.append(kwargs)

    def run(self) -> None:
        pass

    @property
    def return_code(self) -> int | None:
        return FakeApp.code


@pytest.fixture
def fake_app(monkeypatch: pytest.MonkeyPatch) -> type[FakeApp]:
    import virtlab.ui.app

    FakeApp.made, FakeApp.code = [], 0
    monkeypatch.setattr(virtlab.ui.app, "make_app", FakeApp)
    return FakeApp


def test_every_served_session_keeps_its_own_progress(
        fake_app: type[FakeApp], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(paths.SESSIONS_ENV, str(tmp_path / "sessions"))
    monkeypatch.setenv(paths.LANG_ENV, "ko")
    assert cli.main([]) == 0
    assert cli.main([]) == 0
    first, second = (made["data_dir"] for made in fake_app.made)
    assert first != second
    assert first.parent == second.parent == tmp_path / "sessions"
    assert {made["lang"] for made in fake_app.made} == {"ko"}


def test_a_crashed_app_exits_non_zero(fake_app: type[FakeApp],
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(paths.SESSIONS_ENV, raising=False)
    fake_app.code = 1
    assert cli.main([]) == 1
