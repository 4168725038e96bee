"""Messages that say what is wrong and where (issue 9): a lesson that is broken in one
language names its file and field (the lab panel's message is in tests/ui/test_messages.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from virtlab import cli
from virtlab.course import paths

GOOD = ('+++\nid = "t1-x"\ntitle = "X"\ntrack = "foundations"\norder = 1\nminutes = 5\n'
        'summary = "S."\n+++\n\n## Step\n\nText.\n')


def test_a_lesson_broken_in_one_language_names_its_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "lessons"
    for lang in ("en", "ko"):
        (root / lang).mkdir(parents=True)
    (root / "ko" / "01-x.md").write_text(GOOD, encoding="utf-8")
    (root / "en" / "01-x.md").write_text(GOOD.replace("minutes = 5", 'minutes = "five"'),
                                         encoding="utf-8")
    monkeypatch.setenv(paths.LESSONS_ENV, str(root))
    assert cli.main(["--lang", "en", "open", "t1-x"]) == 1
    err = capsys.readouterr().err
    assert "did you mean" not in err
    assert str(root / "en" / "01-x.md") in err and "minutes" in err
