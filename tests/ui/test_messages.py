"""A lab whose file is broken says what is wrong, not "the lab will appear when its file
exists" (issue 9)."""

from __future__ import annotations

from pathlib import Path


async def test_a_broken_lab_file_says_it_has_problems(new_app, lessons_root: Path) -> None:
    from textual.widgets import Static

    lab = lessons_root / "labs" / "t1.toml"
    lab.write_text(lab.read_text(encoding="utf-8").replace('check = "', 'check = "nope_', 1),
                   encoding="utf-8")
    app = new_app(open_lesson="t1-carve")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        note = str(app.screen.query_one("#lab-note", Static).render())
        assert "cannot open" in note and "nope_" in note
        assert "when its file exists" not in note
