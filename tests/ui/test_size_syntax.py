"""L4's own syntax passes L4's goal: a container's memory limit is its cgroup's memory.max,
read as the kernel reads it (256M = 256 MiB), and the dialog says how it read the text."""

from __future__ import annotations

from pathlib import Path

import pytest

from virtlab.core.units import read_mib
from virtlab.course.labs import load_lab
from virtlab.course.session import LabSession
from virtlab.ui.widgets.edit_dialog import EditDialog
from virtlab.ui.widgets.lab_panel import LabPanel

from .test_widgets_lab import PanelApp, select

L4 = Path(__file__).resolve().parents[2] / "lessons" / "labs" / "l4-containers.toml"


@pytest.mark.parametrize(("text", "system", "mib", "rule"), [
    ("256M", "cgroup", 256, "cgroup"),        # memory.max=256M (the kernel's memparse)
    ("1G", "cgroup", 1024, "cgroup"),
    ("256M", "kubernetes", 256e6 / 2**20, "decimal"),  # a Kubernetes quantity: 256×10⁶ bytes
    ("256Mi", "kubernetes", 256, "binary"),
    ("256Mi", "cgroup", 256, "binary"),
    ("256 MB", "cgroup", 256e6 / 2**20, "decimal"),
    ("512", "cgroup", 512, "plain"),
])
def test_sizes_are_read_as_the_fields_system_reads_them(text: str, system: str, mib: float, rule: str) -> None:
    got, how = read_mib(text, system)  # type: ignore[arg-type]
    assert (got, how) == (pytest.approx(mib), rule)


async def test_typing_the_lessons_256M_meets_the_limit_goal_and_says_how_it_was_read() -> None:
    lab, _ = load_lab(L4)
    session = LabSession(lab)
    app = PanelApp(session)
    async with app.run_test(size=(120, 36)) as pilot:
        panel = app.query_one(LabPanel)
        await select(pilot, panel, "hog")
        await pilot.press("e")
        dialog = app.screen
        assert isinstance(dialog, EditDialog)
        dialog.query_one("#f-mem-limit").value = "256M"
        dialog.query_one("#f-cpu-limit").value = "500m"
        await pilot.pause()
        preview = str(dialog.query_one("#form-preview").render())
        assert "memory.max 256M → 256 MiB (cgroup v2: K, M, G are powers of 1024)" in preview
        await pilot.click("#form-ok")
        await pilot.pause()
    assert session.state.compute.container_index["hog"].mem_limit_mib == 256
    assert next(r for r in session.results() if r.id == "hog-limits").met
