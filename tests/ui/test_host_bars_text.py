"""The host view's words (#8): the bar legend reads cleanly, and a host's memory state
change (L5's ``low → clear``) is explained where it is shown."""

from __future__ import annotations

import pytest

from virtlab.course.labs import load_lab
from virtlab.course.paths import lessons_dir
from virtlab.course.session import LabSession
from virtlab.ui.widgets.host_bars import render_hosts
from virtlab.ui.widgets.lines_view import ViewContext


def _view(lab: str, lang: str, width: int) -> str:
    loaded, problems = load_lab(lessons_dir() / "labs" / f"{lab}.toml")
    assert loaded is not None, problems
    session = LabSession(loaded)
    return render_hosts(ViewContext(session.report, session.state, lang, None, width)).plain()


@pytest.mark.parametrize("width", [46, 70, 120])
def test_legend_items_are_whole_and_unambiguous(width: int) -> None:
    text = _view("l4-containers", "en", width)
    legend = text[text.index("█▓ workloads"):]
    assert "· ·" not in legend and "·" not in legend  # no separator that looks like a glyph
    for item in ("█▓ workloads, one segment each", "░ free", "▒ reserved for the host", "│ physical",
                 "╌ room the ratio allows", "┤ schedulable", "█ beyond physical"):
        assert any(item in line for line in legend.splitlines()), (item, legend)


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_memory_state_change_is_explained(lang: str) -> None:
    text = _view("l5-overcommit-budget", lang, 70)
    assert "low → clear:" in text
    why = {"en": ("before reclaiming, the guests want 85.9 GiB more than the host has", "minFree 5.7 GiB",
                  "take memory back from the guests"),
           "ko": ("게스트가 호스트에 있는 메모리보다 85.9 GiB 더 원해요", "minFree 5.7 GiB",
                  "게스트에게서 메모리를 되찾아")}[lang]
    for words in why:
        assert words in " ".join(text.split()), words
    flat = " ".join(text.split())
    for state in ("high ≥ 400%", "clear ≥ 64%", "soft ≥ 32%", "hard ≥ 16%", "low < 16%") if lang == "en" \
            else ("high(400% 이상)", "clear(64% 이상)", "low(16% 미만)"):
        assert state in flat, state


def test_healthy_host_has_no_memory_explanation() -> None:
    text = _view("l4-containers", "en", 70)
    assert "memory high" in text and "minFree" not in text
