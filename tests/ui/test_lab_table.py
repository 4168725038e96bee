"""The lab table on the real lessons: the columns a lesson talks about are in view at 120×36,
and whatever must be scrolled to sideways is named under the table (#8)."""

from __future__ import annotations

from pathlib import Path

import pytest

from virtlab.ui.app import make_app


async def _settle(pilot) -> None:
    for _ in range(4):
        await pilot.pause()


async def _table(pilot):
    for _ in range(6):
        await pilot.pause()
    panel = pilot.app.screen.lab_panel
    return panel, panel.table


@pytest.mark.parametrize("lang", ["en", "ko"])
async def test_l5_demand_and_memory_in_view_at_120x36(tmp_path: Path, lang: str) -> None:
    app = make_app(lang=lang, data_dir=tmp_path, open_lesson="l5-overcommit")
    async with app.run_test(size=(120, 36)) as pilot:
        _panel, table = await _table(pilot)
        keys = table.column_keys
        assert keys.index("demand") == keys.index("size") + 1  # the lesson compares them
        hidden = table.hidden_columns()
        assert not {"name", "size", "demand", "cpu", "memory"} & set(hidden), hidden
        assert table.cell("report-1", "demand") in ("1.5 cores", "1.5코어")


@pytest.mark.parametrize("lang", ["en", "ko"])
async def test_l4_kind_and_size_in_view_and_size_says_request_and_limit(tmp_path: Path, lang: str) -> None:
    app = make_app(lang=lang, data_dir=tmp_path, open_lesson="l4-containers")
    async with app.run_test(size=(120, 36)) as pilot:
        panel, table = await _table(pilot)
        assert not {"name", "kind", "status", "size", "demand"} & set(table.hidden_columns())
        assert table.cell("db", "kind") == ("container" if lang == "en" else "컨테이너")
        assert table.cell("db", "size") == "1000m/— 2Gi/2Gi"  # a unit on both sides
        labels = [str(c.label).strip() for c in table.columns.values()]
        assert ("Size req/limit" if lang == "en" else "크기 요청/제한") in labels


async def test_narrow_table_says_what_is_to_the_side(tmp_path: Path) -> None:
    app = make_app(lang="en", data_dir=tmp_path, open_lesson="l5-overcommit")
    async with app.run_test(size=(80, 24)) as pilot:
        panel, table = await _table(pilot)
        hidden = table.hidden_columns()
        assert hidden and "name" not in hidden
        text = str(panel.query_one("#lab-table-note").render())
        assert "←/→" in text and "Memory" in text
        table.focus()
        await pilot.press(*["right"] * 40)  # scrolled to the right end: the note follows
        for _ in range(3):
            await pilot.pause()
        assert table.scroll_x > 0
        assert "Memory" not in str(panel.query_one("#lab-table-note").render())


async def test_l4_a_moved_container_shows_where_it_runs(tmp_path: Path) -> None:
    from virtlab.core.compute.actions import Move

    app = make_app(lang="en", data_dir=tmp_path, open_lesson="l4-containers")
    async with app.run_test(size=(120, 36)) as pilot:
        panel, table = await _table(pilot)
        assert "on" not in table.column_keys  # one host, nothing inside the VM: nothing to say
        panel.apply(Move(name="db", host="vm-1"))
        await _settle(pilot)
        assert table.cell("db", "on") == "vm-1" and "on" not in table.hidden_columns()
