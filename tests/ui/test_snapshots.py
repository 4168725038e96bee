"""Snapshots of the key screens: the catalog, a lesson with its lab (English and Korean),
a refused action's explanation, and the 80×24 layout. Regenerate with
``pytest tests/ui/test_snapshots.py --snapshot-update`` and read the SVGs before committing.
"""

from __future__ import annotations

from virtlab.core.compute.actions import Update

SIZE = (120, 36)


async def _open_lesson(pilot, step: int = 1) -> None:
    app = pilot.app
    app.open_lesson_screen("t1-carve", step=step)
    await pilot.pause()
    app.screen.lab_panel.table.move_cursor(row=0)
    await pilot.pause()


def test_catalog(snap_compare, new_app) -> None:
    assert snap_compare(new_app(), terminal_size=SIZE)


def test_lesson_with_lab_english(snap_compare, new_app) -> None:
    assert snap_compare(new_app(), terminal_size=SIZE, run_before=_open_lesson)


def test_lesson_with_lab_korean(snap_compare, new_app) -> None:
    assert snap_compare(new_app(lang="ko"), terminal_size=SIZE, run_before=_open_lesson)


def test_refused_action_explained(snap_compare, new_app) -> None:
    async def refuse(pilot) -> None:
        await _open_lesson(pilot)
        pilot.app.screen.lab_panel.apply(Update(name="web-1", changes={"vcpus": 64,
                                                                      "memory_mib": 96 * 1024}))
        await pilot.pause()

    assert snap_compare(new_app(), terminal_size=SIZE, run_before=refuse)


def test_lesson_at_80x24(snap_compare, new_app) -> None:
    assert snap_compare(new_app(), terminal_size=(80, 24), run_before=_open_lesson)
