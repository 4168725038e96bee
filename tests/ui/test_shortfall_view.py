"""The lab shows what an undersized workload cannot get, and why (issue #8)."""

from __future__ import annotations

from pathlib import Path

from tests.ui.test_widgets_lab import PanelApp, make_session, select
from virtlab.core.compute.actions import SetDemand
from virtlab.ui.widgets.lab_panel import LabPanel


async def test_fewer_vcpus_than_the_work_shows_the_shortfall_not_ready(tmp_path: Path) -> None:
    session = make_session(tmp_path)
    assert session.apply(SetDemand(name="web-1", cpu=1.5)).ok  # 1.5 cores on 2 vCPUs at 2,400 MHz
    app = PanelApp(session)
    async with app.run_test(size=(120, 36)) as pilot:
        panel = app.query_one(LabPanel)
        await select(pilot, panel, "web-1")
        await pilot.press("minus")  # 2 → 1 vCPU: the work stays 1.5 cores
        await pilot.pause()
        assert session.state.compute.vm_index["web-1"].vcpus == 1
        assert "2400/3600" in panel.as_text()  # got / what the work needs, in the table
        await pilot.press("v", "v")
        assert panel.view == "contention"
        text = panel.as_text()
        assert ("✗ short 1,200 MHz of the 3,600 MHz of CPU its work needs (33 %): too few vCPUs for "
                "its work") in " ".join(text.split())
        assert "✓ 0.0%" in text  # ready stays low: the guest is saturated, not waiting
